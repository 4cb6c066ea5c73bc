"""Read section samples (CSV or .xlsx) as monitoring platforms export them, with validation.

Layout: a header ``section,waterbody_type,date,`` followed by item columns named as in
:data:`luoshi.indicators.water.limits.ITEMS` (any subset); one row per section-sample; mg/L
(faecal coliforms 个/L); an empty cell means not measured.

Structural faults (a missing or unknown column, an unknown waterbody type, a date or number that
does not parse, pH outside 0–14) raise :class:`luoshi.errors.DocumentError` naming the file, line
and column. Negative concentrations are excluded cell by cell and counted, never silently dropped.
A value below the detection limit, written ``<DL`` or ``DLL`` (HJ/T 91's "L" flag), enters the
means as DL/2 (《地表水环境质量监测数据统计技术规定（试行）》 环办监测函〔2020〕82号, point 7).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from luoshi.errors import DocumentError
from luoshi.indicators.water.limits import ITEMS, WATERBODY_TYPES

KEY_COLUMNS = ("section", "waterbody_type", "date")
_DL = r"^<\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)$"
_DL_FLAG = r"^([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*[Ll]$"
_EXAMPLES = 10  # locations kept per exclusion reason


@dataclass
class ReadReport:
    """What reading changed: excluded cells by reason, and substituted below-DL values."""

    rows: int = 0
    excluded: dict[str, list[str]] = field(default_factory=dict)
    excluded_counts: dict[str, int] = field(default_factory=dict)
    below_detection: int = 0

    def exclude(self, reason: str, where: list[str], count: int) -> None:
        self.excluded_counts[reason] = self.excluded_counts.get(reason, 0) + count
        kept = self.excluded.setdefault(reason, [])
        kept.extend(where[: max(0, _EXAMPLES - len(kept))])

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "excluded_cells": {
                r: {"count": self.excluded_counts[r], "first": self.excluded[r]}
                for r in self.excluded_counts
            },
            "below_detection_as_half_limit": self.below_detection,
        }


def read_samples(path: Path) -> tuple[pl.DataFrame, ReadReport]:
    """Parse and validate a sample file into typed columns (section, waterbody_type, date, items)."""
    raw = _read_raw(path)
    return parse_samples(raw, path)


def parse_samples(
    raw: pl.DataFrame, path: Path | str = "<samples>"
) -> tuple[pl.DataFrame, ReadReport]:
    """Validate an all-string frame (header row = line 1) into typed columns."""
    _check_header(list(raw.columns), path)
    report = ReadReport(rows=raw.height)
    if raw.height == 0:
        raise DocumentError(path, "no sample rows after the header")
    frame = raw.with_columns(
        pl.col(c).cast(pl.String).fill_null("").str.strip_chars() for c in raw.columns
    )
    line = pl.int_range(2, frame.height + 2, eager=True)

    empty_section = (frame["section"] == "").to_numpy()
    if empty_section.any():
        raise DocumentError(
            path, f"line {_first(line, empty_section)}, column section: empty section name"
        )
    bad_type = (~frame["waterbody_type"].is_in(WATERBODY_TYPES)).to_numpy()
    if bad_type.any():
        i = int(bad_type.argmax())
        raise DocumentError(
            path,
            f"line {line[i]}, column waterbody_type: unknown waterbody type "
            f"{frame['waterbody_type'][i]!r} (expected river or lake)",
        )
    first_type = frame.select(pl.col("waterbody_type").first().over("section"))["waterbody_type"]
    mixed = (frame["waterbody_type"] != first_type).to_numpy()
    if mixed.any():
        i = int(mixed.argmax())
        raise DocumentError(
            path,
            f"line {line[i]}, column waterbody_type: section {frame['section'][i]!r} "
            f"was given as {first_type[i]} on an earlier line",
        )

    d = pl.col("date")
    dates = frame.select(
        pl.coalesce(
            d.str.to_date("%Y-%m-%d", strict=False),
            d.str.to_date("%Y/%m/%d", strict=False),
            d.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
        ).alias("date")
    )["date"]
    bad_date = dates.is_null().to_numpy()
    if bad_date.any():
        i = int(bad_date.argmax())
        raise DocumentError(
            path,
            f"line {line[i]}, column date: cannot read date {frame['date'][i]!r} (expected YYYY-MM-DD)",
        )

    out: dict[str, pl.Series] = {
        "section": frame["section"],
        "waterbody_type": frame["waterbody_type"],
        "date": dates.alias("date"),
    }
    for item in (c for c in frame.columns if c in ITEMS):
        out[item] = _parse_item(frame[item], item, line, path, report)
    return pl.DataFrame(out), report


def _parse_item(
    cells: pl.Series, item: str, line: pl.Series, path: Path | str, report: ReadReport
) -> pl.Series:
    empty = cells == ""
    below = pl.select(
        pl.coalesce(cells.str.extract(_DL, 1), cells.str.extract(_DL_FLAG, 1)).cast(pl.Float64)
    ).to_series()
    number = cells.cast(pl.Float64, strict=False)
    finite = number.is_finite().fill_null(False)
    bad = (~empty & below.is_null() & ~finite).to_numpy()
    if bad.any():
        i = int(bad.argmax())
        raise DocumentError(path, f"line {line[i]}, column {item}: not a number: {cells[i]!r}")
    value = pl.select(pl.when(below.is_not_null()).then(below / 2).otherwise(number)).to_series()
    report.below_detection += int(below.is_not_null().sum())
    if item == "pH":
        off = ((value < 0) | (value > 14)).fill_null(False).to_numpy()
        if off.any():
            i = int(off.argmax())
            raise DocumentError(path, f"line {line[i]}, column pH: pH {cells[i]} is outside 0–14")
        return value.alias(item)
    negative = (value < 0).fill_null(False)
    if negative.any():
        where = [f"line {n}, column {item}" for n in line.filter(negative).head(_EXAMPLES)]
        report.exclude("negative concentration", where, int(negative.sum()))
        value = pl.select(pl.when(negative).then(None).otherwise(value)).to_series()
    return value.alias(item)


def _check_header(columns: list[str], path: Path | str) -> None:
    for name in KEY_COLUMNS:
        if name not in columns:
            raise DocumentError(
                path,
                f"line 1: missing column {name!r} (header must start with section,waterbody_type,date)",
            )
    if tuple(columns[:3]) != KEY_COLUMNS:
        raise DocumentError(
            path,
            f"line 1: wrong layout: header starts {','.join(columns[:3])}, expected section,waterbody_type,date",
        )
    seen: set[str] = set()
    for position, name in enumerate(columns[3:], start=4):
        if name in seen:
            raise DocumentError(path, f"line 1, column {position}: duplicate column {name!r}")
        seen.add(name)
        if name not in ITEMS:
            raise DocumentError(
                path,
                f"line 1, column {position}: unknown item column {name!r} (known: {','.join(ITEMS)})",
            )
    if not seen:
        raise DocumentError(path, "line 1: no item columns after section,waterbody_type,date")


def _first(line: pl.Series, mask: Any) -> int:
    return int(line[int(mask.argmax())])


def _read_raw(path: Path) -> pl.DataFrame:
    if not path.is_file():
        raise DocumentError(path, "no such file")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix not in (".csv", ".txt"):
        raise DocumentError(path, f"unsupported file type {suffix!r} (expected .csv or .xlsx)")
    data = path.read_bytes()
    if not data.strip():
        raise DocumentError(path, "empty file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # exports from Chinese platforms are often GB18030/GBK
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise DocumentError(path, f"cannot decode as UTF-8 or GB18030: {exc}") from exc
    try:
        return pl.read_csv(io.BytesIO(text.encode("utf-8")), infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise DocumentError(path, f"wrong layout: {str(exc).splitlines()[0]}") from exc


def _read_xlsx(path: Path) -> pl.DataFrame:
    import openpyxl  # type: ignore[import-untyped]

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/... for non-workbooks
        raise DocumentError(path, f"cannot open as an Excel workbook: {exc}") from exc
    try:
        rows = [
            [_cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)
        ]
    finally:
        book.close()
    while rows and not any(rows[-1]):
        rows.pop()  # trailing blank rows are formatting, not samples
    if not rows:
        raise DocumentError(path, "empty workbook")
    header = rows[0]
    while header and header[-1] == "":
        header.pop()
    _check_header(header, path)
    for n, row in enumerate(rows[1:], start=2):
        if any(row[len(header) :]):
            raise DocumentError(path, f"line {n}: wrong layout: more cells than header columns")
    body = [row[: len(header)] + [""] * (len(header) - len(row)) for row in rows[1:]]
    return pl.DataFrame(
        {name: [r[i] for r in body] for i, name in enumerate(header)},
        schema={h: pl.String for h in header},
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()
