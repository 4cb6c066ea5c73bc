"""Read station-hour files (CSV or .xlsx) into compact integer arrays, counting every exclusion.

Layout: header ``station,time,SO2,NO2,PM10,CO,O3,PM2.5`` (any order, extra columns ignored and
reported); time ``YYYY-MM-DD HH:MM``; CO mg/m³, the rest µg/m³; an empty cell is missing.
The CSV is read in chunks of whole lines, so only one chunk of text is held at a time.
Values are kept as integers (µg/m³ × 100, CO mg/m³ × 1000) so later sums are exact.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from luoshi.errors import DocumentError
from luoshi.indicators.air.standards import POLLUTANTS

REQUIRED = ("station", "time", *POLLUTANTS)
SCALE: dict[str, int] = {p: (1000 if p == "CO" else 100) for p in POLLUTANTS}
_INT32_MAX = 2**31 - 1
CHUNK_BYTES = 8 << 20
EXAMPLES = 5  # line numbers kept per exclusion reason


@dataclass
class Tally:
    """A count of excluded items with the first few line numbers, for the report."""

    count: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, lines: npt.NDArray[np.int64]) -> None:
        self.count += int(lines.size)
        room = EXAMPLES - len(self.lines)
        if room > 0:
            self.lines.extend(int(x) for x in lines[:room])

    def as_dict(self) -> dict[str, Any]:
        return {"count": self.count, "first_lines": self.lines}


@dataclass
class Exclusions:
    """Everything read but not used, and why. Nothing is dropped without a count here."""

    rows_read: int = 0
    rows: dict[str, Tally] = field(default_factory=dict)  # whole rows excluded, by reason
    values: dict[str, dict[str, Tally]] = field(default_factory=dict)  # reason -> column -> tally
    missing_values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(POLLUTANTS, 0))
    ignored_columns: list[str] = field(default_factory=list)
    stations: dict[str, dict[str, Any]] = field(default_factory=dict)  # stations reported short

    def row(self, reason: str, lines: npt.NDArray[np.int64]) -> None:
        if lines.size:
            self.rows.setdefault(reason, Tally()).add(lines)

    def value(self, reason: str, column: str, lines: npt.NDArray[np.int64]) -> None:
        if lines.size:
            self.values.setdefault(reason, {}).setdefault(column, Tally()).add(lines)

    def as_dict(self) -> dict[str, Any]:
        excluded = sum(t.count for t in self.rows.values())
        return {
            "rows_read": self.rows_read,
            "rows_used": self.rows_read - excluded,
            "rows_excluded": {k: t.as_dict() for k, t in self.rows.items()},
            "values_excluded": {
                reason: {c: t.as_dict() for c, t in cols.items()}
                for reason, cols in self.values.items()
            },
            "values_missing": self.missing_values,
            "ignored_columns": self.ignored_columns,
            "stations_short_of_data": self.stations,
        }


@dataclass
class Hourly:
    """Station-hours after validation: parallel arrays, one entry per kept row."""

    stations: list[str]  # code -> name
    station: npt.NDArray[np.int32]
    hour: npt.NDArray[np.int64]  # hours since 1970-01-01 00:00 (the time label as written)
    values: npt.NDArray[np.int32]  # shape (rows, 6) in POLLUTANTS order, scaled; -1 = missing


class _Builder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.ex = Exclusions()
        self.codes: dict[str, int] = {}
        self.parts: list[
            tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.int32]]
        ] = []

    def header(self, names: list[str], line: int = 1) -> list[str]:
        clean = [n.strip().lstrip("\ufeff") for n in names]
        missing = [c for c in REQUIRED if c not in clean]
        if len(missing) == len(REQUIRED):
            raise DocumentError(
                self.path,
                f"line {line}: wrong layout: expected a header row {','.join(REQUIRED)}, "
                f"found {','.join(clean[:8]) or '(empty)'}",
            )
        if missing:
            raise DocumentError(self.path, f"line {line}: missing columns: {', '.join(missing)}")
        dup = sorted({c for c in clean if clean.count(c) > 1 and c in REQUIRED})
        if dup:
            raise DocumentError(self.path, f"line {line}: duplicated columns: {', '.join(dup)}")
        self.ex.ignored_columns = [c for c in clean if c not in REQUIRED]
        return clean

    def chunk(self, df: pl.DataFrame, first_line: int) -> None:
        """Validate one chunk of string columns whose first row is file line ``first_line``."""
        n = df.height
        self.ex.rows_read += n
        lines = np.arange(first_line, first_line + n, dtype=np.int64)
        station = df["station"].str.strip_chars()
        t = (
            df["time"]
            .str.strip_chars()
            .str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M", strict=False)
        )
        keep = np.ones(n, dtype=bool)
        bad_station = (station.is_null() | (station == "")).to_numpy()
        self.ex.row("empty_station", lines[bad_station])
        keep &= ~bad_station
        bad_time = t.is_null().to_numpy() & keep
        self.ex.row("unparseable_time", lines[bad_time])
        keep &= ~bad_time
        ms = t.dt.epoch("ms").fill_null(0).to_numpy()
        off_hour = (ms % 3_600_000 != 0) & keep
        self.ex.row("time_not_on_the_hour", lines[off_hour])
        keep &= ~off_hour
        vals = np.full((n, len(POLLUTANTS)), -1, dtype=np.int32)
        for j, p in enumerate(POLLUTANTS):
            raw = df[p].str.strip_chars()
            empty = (raw.is_null() | (raw == "")).to_numpy()
            x = raw.cast(pl.Float64, strict=False).to_numpy()
            unparseable = ~empty & ~np.isfinite(x)
            negative = np.isfinite(x) & (x < 0)
            scaled = np.rint(np.where(np.isfinite(x), x, 0.0) * SCALE[p])
            too_big = np.isfinite(x) & (scaled > _INT32_MAX)
            self.ex.value("unparseable", p, lines[unparseable & keep])
            self.ex.value("negative", p, lines[negative & keep])
            self.ex.value("out_of_range", p, lines[too_big & keep])
            self.ex.missing_values[p] += int((empty & keep).sum())
            good = np.isfinite(x) & ~negative & ~too_big
            vals[:, j] = np.where(good, scaled, -1).astype(np.int32)
        for name in station.filter(pl.Series(keep)).unique(maintain_order=True).to_list():
            self.codes.setdefault(name, len(self.codes))
        codes = (
            station.replace_strict(self.codes, default=-1, return_dtype=pl.Int32)
            .fill_null(-1)
            .to_numpy()
        )
        self.parts.append((codes[keep], (ms[keep] // 3_600_000).astype(np.int64), vals[keep]))

    def finish(self) -> tuple[Hourly, Exclusions]:
        if not self.parts or sum(p[0].size for p in self.parts) == 0:
            raise DocumentError(
                self.path, f"no usable station-hours ({self.ex.rows_read} rows read)"
            )
        station = np.concatenate([p[0] for p in self.parts])
        hour = np.concatenate([p[1] for p in self.parts])
        values = np.concatenate([p[2] for p in self.parts])
        self.parts.clear()
        names = sorted(self.codes, key=self.codes.__getitem__)
        return Hourly(names, station, hour, values), self.ex


def _line_count(data: bytes) -> int:
    return data.count(b"\n")


def _read_csv(path: Path, b: _Builder) -> None:
    with path.open("rb") as fh:
        head = fh.readline()
        if not head.strip():
            raise DocumentError(path, "line 1: empty file (expected a header row)")
        encoding = "utf-8"
        try:
            head_text = head.decode("utf-8-sig")
        except UnicodeDecodeError:
            encoding = (
                "gb18030"  # platform exports are often GBK; "\n" never occurs inside a GBK char
            )
            head_text = head.decode("gb18030")
        if "," not in head_text:
            raise DocumentError(path, "line 1: wrong layout: not a comma-separated header row")
        names = b.header(head_text.rstrip("\r\n").split(","))
        line = 2
        carry = b""
        while True:
            block = fh.read(CHUNK_BYTES)
            data = carry + block
            if not block:
                carry = b""
            else:
                cut = data.rfind(b"\n") + 1
                data, carry = data[:cut], data[cut:]
            if data.strip():
                if encoding == "utf-8" and not data.isascii():
                    try:
                        data.decode("utf-8")
                    except UnicodeDecodeError:
                        encoding = "gb18030"
                text = data if encoding == "utf-8" else _transcode(path, data, line)
                df = _parse_block(path, text, names, line)
                b.chunk(df, line)
            line += _line_count(data) + (0 if data.endswith(b"\n") or not data else 1)
            if not block:
                break


def _transcode(path: Path, data: bytes, line: int) -> bytes:
    try:
        return data.decode("gb18030").encode("utf-8")
    except UnicodeDecodeError as exc:
        at = line + data[: exc.start].count(b"\n")
        raise DocumentError(path, f"line {at}: neither UTF-8 nor GB18030 text") from exc


def _parse_block(path: Path, text: bytes, names: list[str], line: int) -> pl.DataFrame:
    try:
        df = pl.read_csv(
            io.BytesIO(text),
            has_header=False,
            new_columns=names,
            schema_overrides=dict.fromkeys(names, pl.String),
            infer_schema=False,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.ShapeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DocumentError(path, f"lines {line}-: wrong layout: {first}") from exc
    return df.select(REQUIRED)


def _read_xlsx(path: Path, b: _Builder) -> None:
    import openpyxl  # type: ignore[import-untyped]  # only needed for Excel input

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-workbook
        raise DocumentError(path, f"not a readable .xlsx workbook ({type(exc).__name__})") from exc
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        head = next(rows, None)
        if head is None:
            raise DocumentError(path, "line 1: empty sheet (expected a header row)")
        names = b.header([str(c) if c is not None else "" for c in head])
        idx = [names.index(c) for c in REQUIRED]
        line = 2
        buf: list[list[str | None]] = []
        for row in rows:
            buf.append([_cell(row[i]) if i < len(row) else None for i in idx])
            if len(buf) == 100_000:
                b.chunk(_frame(buf), line)
                line += len(buf)
                buf = []
        if buf:
            b.chunk(_frame(buf), line)
    finally:
        wb.close()


def _cell(v: object) -> str | None:
    if v is None:
        return None
    if hasattr(v, "strftime"):
        return str(v.strftime("%Y-%m-%d %H:%M"))
    return str(v)


def _frame(rows: list[list[str | None]]) -> pl.DataFrame:
    cols = list(zip(*rows, strict=True))
    return pl.DataFrame(
        {c: pl.Series(c, list(v), dtype=pl.String) for c, v in zip(REQUIRED, cols, strict=True)}
    )


def read_hourly(path: Path) -> tuple[Hourly, Exclusions]:
    """Read a station-hour CSV or .xlsx file; DocumentError names file, line and reason."""
    path = Path(path)
    if not path.is_file():
        raise DocumentError(path, "no such file")
    b = _Builder(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _read_xlsx(path, b)
    else:
        _read_csv(path, b)
    return b.finish()


def frame_hourly(df: pl.DataFrame, name: str = "<frame>") -> tuple[Hourly, Exclusions]:
    """The same validation for an in-memory frame with the CSV's columns (any dtypes)."""
    b = _Builder(Path(name))
    names = b.header(list(df.columns))
    sdf = df.select([pl.col(c).cast(pl.String) for c in names]).select(REQUIRED)
    if df.schema.get("time") in (
        pl.Datetime,
        pl.Datetime("us"),
        pl.Datetime("ms"),
        pl.Datetime("ns"),
    ):
        sdf = sdf.with_columns(df["time"].dt.strftime("%Y-%m-%d %H:%M").alias("time"))
    b.chunk(sdf, 2)
    return b.finish()
