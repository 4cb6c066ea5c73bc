"""Read station-hour files (CSV or .xlsx) into compact integer arrays, counting every exclusion.

Layout: header ``station,time,SO2,NO2,PM10,CO,O3,PM2.5`` (any order, extra columns ignored and
reported); time ``YYYY-MM-DD HH:MM``; CO mg/m³, the rest µg/m³; an empty cell is missing.
The CSV is read in chunks of whole lines, so only one chunk of text is held at a time.
Values are kept as integers (µg/m³ × 100, CO mg/m³ × 1000) so later sums are exact.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

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
        """Count ``lines`` (ascending) and keep the smallest EXAMPLES line numbers seen."""
        self.count += int(lines.size)
        first = [int(x) for x in lines[:EXAMPLES]]
        if not self.lines or (first and first[0] > self.lines[-1]):
            self.lines.extend(first[: EXAMPLES - len(self.lines)])
        else:  # partitions report out of file order
            self.lines = sorted({*self.lines, *first})[:EXAMPLES]

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
    lines: npt.NDArray[np.int64] | None = None  # file line of each row (for reports)


Part = tuple[
    npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int64]
]


class Sink(Protocol):
    """Where validated station-hours go: kept in memory, or spilled by station partition."""

    def add(self, part: Part) -> None: ...


class MemorySink:
    """All validated rows in memory (read_hourly, frames, and inputs of one partition)."""

    def __init__(self) -> None:
        self.parts: list[Part] = []

    def add(self, part: Part) -> None:
        if part[0].size:
            self.parts.append(part)

    def rows(self) -> int:
        return sum(p[0].size for p in self.parts)

    def take(self, names: list[str]) -> Hourly:
        """Concatenate (and forget) the parts."""
        cols = [np.concatenate([p[i] for p in self.parts]) for i in range(4)]
        self.parts.clear()
        return Hourly(names, cols[0], cols[1], cols[2], cols[3])


class _Builder:
    def __init__(self, path: Path, sink: Sink | None = None) -> None:
        self.path = path
        self.ex = Exclusions()
        self.codes: dict[str, int] = {}
        self.sink: Sink = sink if sink is not None else MemorySink()
        self.kept = 0

    @property
    def names(self) -> list[str]:
        return sorted(self.codes, key=self.codes.__getitem__)

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
        lines = np.arange(first_line, first_line + n, dtype=np.int64)
        station = df["station"].str.strip_chars()
        t = (
            df["time"]
            .str.strip_chars()
            .str.strptime(pl.Datetime("ms"), "%Y-%m-%d %H:%M", strict=False)
        )
        bad_station = (station.is_null() | (station == "")).to_numpy()
        values = []
        for p in POLLUTANTS:
            raw = df[p].str.strip_chars()
            empty = (raw.is_null() | (raw == "")).to_numpy()
            values.append((raw.cast(pl.Float64, strict=False).to_numpy(), empty))
        ms = t.dt.epoch("ms")
        self._validate(lines, station, bad_station, ms.is_null().to_numpy(), ms, values)

    def typed(self, df: pl.DataFrame, first_line: int) -> None:
        """Validate one block of the fast path (columns from :func:`_fast_query`).

        Same rules and counts as :meth:`chunk`. Polars parsed and scaled every value and gave
        each distinct station and time text an id; names are stripped and times stripped and
        parsed once per distinct text (a block holds few stations and at most a year of hours).
        """
        n = df.height
        self.ex.rows_read += n
        lines = np.arange(first_line, first_line + n, dtype=np.int64)
        sid = df["sid"].to_numpy()  # id of the station text; -1 = empty cell
        tid = df["tid"].to_numpy()  # id of the time text; -1 = empty cell
        ids, rows = _first_rows(sid)
        stripped = df["station"].gather(pl.Series(rows)).str.strip_chars().to_list()
        name_of = np.full(int(ids.max()) + 2 if ids.size else 1, -1, dtype=np.int64)
        names: list[str] = []
        for i, name in zip(ids.tolist(), stripped, strict=True):
            if name:
                name_of[i] = len(names)
                names.append(name)
        local = name_of[sid]  # sid -1 reads the last slot, which stays -1
        tids, trows = _first_rows(tid)
        parsed = (
            df["time"]
            .gather(pl.Series(trows))
            .str.strip_chars()
            .str.strptime(pl.Datetime("ms"), _TIME, strict=False)
            .dt.epoch("ms")
            .fill_null(_NO_TIME)
            .to_numpy()
        )
        ms_of = np.full(int(tids.max()) + 2 if tids.size else 1, _NO_TIME, dtype=np.int64)
        ms_of[tids] = parsed
        ms = ms_of[tid]
        bad_station = local < 0
        keep = ~bad_station
        if bad_station.any():
            self.ex.row("empty_station", lines[bad_station])
        bad_time = (ms == _NO_TIME) & keep
        if bad_time.any():
            self.ex.row("unparseable_time", lines[bad_time])
            keep &= ~bad_time
        off_hour = (ms % 3_600_000 != 0) & keep
        if off_hour.any():
            self.ex.row("time_not_on_the_hour", lines[off_hour])
            keep &= ~off_hour
        all_kept = bool(keep.all())
        if df["bad"].any():
            self._value_reasons(df, lines, keep)
        for p in POLLUTANTS:
            if all_kept:
                self.ex.missing_values[p] += df[p].null_count()
            else:
                self.ex.missing_values[p] += int((df[p].is_null().to_numpy() & keep).sum())
        vals = np.column_stack([df[f"v_{p}"].to_numpy() for p in POLLUTANTS])
        if not all_kept:
            lines, local, ms, vals = lines[keep], local[keep], ms[keep], vals[keep]
        self.kept += int(local.size)
        if not local.size:
            return
        # global codes in order of first appearance among kept rows
        seen, _ = _first_rows(local)
        lut = np.full(len(names), -1, dtype=np.int32)
        for k in seen.tolist():
            lut[k] = self.codes.setdefault(names[k], len(self.codes))
        self.sink.add((lut[local], ms // 3_600_000, vals, lines))

    def _value_reasons(
        self, df: pl.DataFrame, lines: npt.NDArray[np.int64], keep: npt.NDArray[np.bool_]
    ) -> None:
        """Count unparseable / negative / out-of-range values, as :meth:`_validate` does."""
        for p in POLLUTANTS:
            x = df[p].to_numpy()
            finite = np.isfinite(x)
            unparseable = ~df[p].is_null().to_numpy() & ~finite
            negative = finite & (x < 0)
            too_big = finite & (np.rint(np.where(finite, x, 0.0) * SCALE[p]) > _INT32_MAX)
            self.ex.value("unparseable", p, lines[unparseable & keep])
            self.ex.value("negative", p, lines[negative & keep])
            self.ex.value("out_of_range", p, lines[too_big & keep])

    def _validate(
        self,
        lines: npt.NDArray[np.int64],
        station: pl.Series,
        bad_station: npt.NDArray[np.bool_],
        bad_time: npt.NDArray[np.bool_],
        ms_series: pl.Series,
        values: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]],
    ) -> None:
        n = lines.size
        self.ex.rows_read += n
        keep = ~bad_station
        self.ex.row("empty_station", lines[bad_station])
        bad_time = bad_time & keep
        self.ex.row("unparseable_time", lines[bad_time])
        keep &= ~bad_time
        ms = ms_series.fill_null(0).to_numpy()
        off_hour = (ms % 3_600_000 != 0) & keep
        self.ex.row("time_not_on_the_hour", lines[off_hour])
        keep &= ~off_hour
        nk = int(keep.sum())
        vals = np.empty((nk, len(POLLUTANTS)), dtype=np.int32)
        for j, p in enumerate(POLLUTANTS):
            x, empty = values[j]
            finite = np.isfinite(x)
            unparseable = ~empty & ~finite
            negative = finite & (x < 0)
            scaled = np.rint(np.where(finite, x, 0.0) * SCALE[p])
            too_big = finite & (scaled > _INT32_MAX)
            self.ex.value("unparseable", p, lines[unparseable & keep])
            self.ex.value("negative", p, lines[negative & keep])
            self.ex.value("out_of_range", p, lines[too_big & keep])
            self.ex.missing_values[p] += int((empty & keep).sum())
            good = finite & ~negative & ~too_big
            vals[:, j] = np.where(good, scaled, -1)[keep]
        all_kept = nk == n
        kept_station = station if all_kept else station.filter(pl.Series(keep))
        for name in kept_station.unique(maintain_order=True).to_list():
            self.codes.setdefault(name, len(self.codes))
        codes = kept_station.replace_strict(self.codes, return_dtype=pl.Int32).to_numpy()
        hours = ms if all_kept else ms[keep]
        self.kept += nk
        self.sink.add((codes, hours // 3_600_000, vals, lines if all_kept else lines[keep]))

    def finish(self) -> tuple[Hourly, Exclusions]:
        self.check_rows()
        sink = self.sink
        assert isinstance(sink, MemorySink)
        return sink.take(self.names), self.ex

    def check_rows(self) -> None:
        if self.kept == 0:
            raise DocumentError(
                self.path, f"no usable station-hours ({self.ex.rows_read} rows read)"
            )


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
            n_lines = _line_count(data) + (0 if data.endswith(b"\n") or not data else 1)
            if data and not data.isspace():
                if encoding == "utf-8" and not data.isascii():
                    try:
                        data.decode("utf-8")
                    except UnicodeDecodeError:
                        encoding = "gb18030"
                text = data if encoding == "utf-8" else _transcode(path, data, line)
                if not _fast_block(b, text, names, line, n_lines):
                    df = _parse_block(path, text, names, line)
                    b.chunk(df, line)
            line += n_lines
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
    b = read_into(Path(path), None)
    return b.finish()


def read_into(path: Path, make_sink: Callable[[], Sink] | None) -> _Builder:
    """Read and validate ``path`` into a fresh sink from ``make_sink`` (default: memory).

    CSV is read in blocks of CHUNK_BYTES whole lines (memory stays flat); each block goes
    through polars' multi-threaded typed reader (:func:`_fast_block`), or, if that cannot take
    it (a value that is not a number, blank lines, quoted line breaks), through the string path
    with the same rules and counts.
    """
    if not path.is_file():
        raise DocumentError(path, "no such file")
    b = _Builder(path, (make_sink or MemorySink)())
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _read_xlsx(path, b)
    else:
        _read_csv(path, b)
    return b


_TIME = "%Y-%m-%d %H:%M"
_NO_TIME = -(2**63)


def _text_id(column: str) -> pl.Expr:
    """An integer id per distinct text of ``column`` (-1 for an empty cell)."""
    return pl.col(column).cast(pl.Categorical).to_physical().cast(pl.Int64).fill_null(-1)


def _first_rows(ids: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Distinct ids >= 0 in order of first appearance, and the row where each first appears."""
    ok = ids >= 0
    if not ok.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    first = np.full(int(ids.max()) + 1, ids.size, dtype=np.int64)
    rows = np.flatnonzero(ok)
    first[ids[rows[::-1]]] = rows[::-1]  # the last write, the earliest row, wins
    found = np.flatnonzero(first < ids.size)
    order = np.argsort(first[found], kind="stable")
    return found[order], first[found][order]


def _fast_query(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Typed rows -> text ids of station and time, scaled values and range checks, in polars."""
    cols: list[pl.Expr] = [
        pl.col("station"),
        pl.col("time"),
        _text_id("station").alias("sid"),
        _text_id("time").alias("tid"),
    ]
    bad: list[pl.Expr] = []
    for p in POLLUTANTS:
        x = pl.col(p)
        scaled = (x * SCALE[p]).round(0, mode="half_to_even")  # as np.rint
        good = (x.is_finite() & (x >= 0) & (scaled <= _INT32_MAX)).fill_null(False)
        cols += [x, pl.when(good).then(scaled).otherwise(-1).cast(pl.Int32).alias(f"v_{p}")]
        bad.append(x.is_not_null() & ~good)
    return lf.select(*cols, pl.any_horizontal(bad).alias("bad"))


def _fast_block(b: _Builder, text: bytes, names: list[str], line: int, n_lines: int) -> bool:
    """Validate a block of whole UTF-8 lines through the typed reader; False if it cannot.

    The block must parse with every pollutant as a number (or empty) and give exactly one row
    per line, so that row ``i`` is file line ``line + i``.
    """
    if len(set(names)) != len(names):
        return False
    schema = {n: pl.Float64 if n in SCALE else pl.String for n in names}
    try:
        lf = pl.scan_csv(text, has_header=False, schema=schema)
        df = _fast_query(lf).collect()
    except pl.exceptions.PolarsError:
        return False
    if df.height != n_lines:
        return False
    b.typed(df, line)
    return True


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
