"""Tab-separated tables in normalized text (DOCX/HTML tables, and flattened PDF tables).

A table is a run of lines holding tabs. Its header is the first line naming columns
(序号, 名称, 单位, 责任部门 …); a following line that only fills some header cells (``计划`` /
``投资（万元）``) is merged into it, and a header repeated after a page break is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from luoshi.extraction.model import Span

HEADER_WORD = re.compile(
    r"序号|编号|名称|指标|单位|目标|类别|分类|内容|任务|时限|时间|责任|牵头|配合|投资|属性|备注|年"
)

NUMBER = re.compile(r"^[\d.,%\s]+$")


@dataclass
class Row:
    cells: list[str]
    span: Span

    def cell(self, i: int | None) -> str:
        if i is None or i >= len(self.cells):
            return ""
        return self.cells[i]


@dataclass
class Table:
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    span: Span = (0, 0)

    def column(self, pattern: str) -> int | None:
        """Index of the first header cell matching ``pattern``."""
        return next((i for i, h in enumerate(self.header) if re.search(pattern, h)), None)


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def _is_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    if any(NUMBER.match(c) for c in filled):
        return False  # a data row: it carries a row number or a value
    hits = sum(1 for c in filled if HEADER_WORD.search(c) and len(c) <= 12)
    return len(filled) >= 3 and hits >= max(2, (len(filled) + 1) // 2)


def _tab_blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    block: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        if "\t" in line:
            block.append((pos, line))
        elif block:
            yield block
            block = []
        pos += len(line) + 1
    if block:
        yield block


def find_tables(text: str) -> list[Table]:
    """Every tab table of ``text``; consecutive blocks with the same header form one table."""
    tables: list[Table] = []
    for block in _tab_blocks(text):
        table: Table | None = None
        for start, line in block:
            cells = _cells(line)
            if _is_header(cells):
                if table is not None and [c.replace(" ", "") for c in cells] == table.header:
                    continue  # the header repeated after a page break
                table = Table(header=[c.replace(" ", "") for c in cells], span=(start, start + len(line)))
                tables.append(table)
                continue
            if table is None:
                continue
            filled = [i for i, c in enumerate(cells) if c]
            if not table.rows and filled and all(
                i < len(table.header) and HEADER_WORD.search(cells[i]) for i in filled
            ):
                for i in filled:  # second header line (计划 / 投资（万元）)
                    table.header[i] += cells[i].replace(" ", "")
                continue
            table.rows.append(Row(cells, (start, start + len(line))))
            table.span = (table.span[0], start + len(line))
    # a table continued on the next page under the same header
    merged: list[Table] = []
    for t in tables:
        if merged and merged[-1].header == t.header:
            merged[-1].rows.extend(t.rows)
            merged[-1].span = (merged[-1].span[0], t.span[1])
        else:
            merged.append(t)
    return merged
