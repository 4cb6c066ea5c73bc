"""The task breakdown as an Excel workbook (openpyxl): a header row, set column widths,
wrapped text and a frozen header, as the office prints it."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]

from luoshi.reports.tables import HEADERS, TaskLine

WIDTHS = (6, 60, 16, 36, 12, 10, 48)  # characters, one per column of HEADERS
_THIN = Side(style="thin", color="999999")


def sheet_title(name: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "任务"


def task_workbook(title: str, lines: list[TaskLine]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = sheet_title(title)
    book.properties.title = title
    sheet.append(HEADERS)
    for line in lines:
        sheet.append(line.cells())
    border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"  # repeat the header on every printed page
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
