"""File in -> daily AQI per station and for the city -> HJ 663 annual evaluation."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from luoshi.indicators.air.annual import evaluate, moving_average
from luoshi.indicators.air.daily import (
    COLUMNS,
    MIN_HOURS_DAY,
    Daily,
    DailyAqi,
    HourLabel,
    city_daily,
    daily_aqi,
    daily_values,
    dedupe,
    merge_daily,
    primary_lists,
)
from luoshi.indicators.air.events import Event, EventReport, apply_events, read_events
from luoshi.indicators.air.iaqi import band_index
from luoshi.indicators.air.reader import (
    Exclusions,
    Hourly,
    MemorySink,
    Part,
    frame_hourly,
    read_into,
)
from luoshi.indicators.air.standards import CATEGORIES, Generation

CITY = "CITY"


@dataclass
class AirResult:
    """Everything the command prints or writes."""

    stations: dict[str, dict[str, Any]]  # name -> EVAL
    city: dict[str, Any]
    assessment: dict[str, dict[str, Any]]  # name (and CITY) -> limits, completeness
    exclusions: Exclusions
    daily: (
        pl.DataFrame
    )  # station,date,SO2,NO2,PM10,CO,O3_1H_MAX,O3_8H_MAX,PM2.5,AQI,primary,category
    years: dict[str, dict[str, Any]] | None = None  # per calendar year, when more than one
    moving_average: dict[str, dict[str, Any]] | None = None  # 三年滑动平均 of the city
    events: dict[str, Any] | None = None  # exception events: applied, ignored, rejected

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "stations": self.stations,
            "city": self.city,
            "exclusions": self.exclusions.as_dict(),
            "assessment": self.assessment,
        }
        if self.years is not None:
            out["years"] = self.years
            out["moving_average"] = self.moving_average
        if self.events is not None:
            out["exception_events"] = self.events
        return out


PART_BYTES = 40 << 20  # CSV bytes per station partition: bounds the rows held at once


class PartitionSink:
    """Validated rows split by station (code mod ``n``) and spilled to files, one per partition.

    Stations are independent until the city daily mean, so each partition is turned into
    daily values on its own; only those (1/24 of the rows) are kept. With ``n == 1`` nothing is
    spilled.
    """

    REC = np.dtype([("station", "<i4"), ("hour", "<i8"), ("values", "<i4", (6,)), ("line", "<i8")])

    def __init__(self, n: int, folder: Path | None) -> None:
        self.n = n
        self.memory = MemorySink()
        self.files: list[Path] = []
        if n > 1:
            assert folder is not None
            tag = f"{id(self):x}"
            self.files = [folder / f"part-{tag}-{i}.bin" for i in range(n)]
            for f in self.files:
                f.write_bytes(b"")

    def add(self, part: Part) -> None:
        if self.n == 1:
            self.memory.add(part)
            return
        station, hour, values, lines = part
        which = station % self.n
        for i, f in enumerate(self.files):
            sel = which == i
            m = int(sel.sum())
            if not m:
                continue
            rec = np.empty(m, dtype=self.REC)
            rec["station"], rec["hour"] = station[sel], hour[sel]
            rec["values"], rec["line"] = values[sel], lines[sel]
            with f.open("ab") as fh:
                rec.tofile(fh)

    def partitions(self, names: list[str]) -> Iterator[Hourly]:
        if self.n == 1:
            if self.memory.rows():
                yield self.memory.take(names)
            return
        for f in self.files:
            rec = np.fromfile(f, dtype=self.REC)
            f.unlink()
            if rec.size:
                yield Hourly(
                    names,
                    np.ascontiguousarray(rec["station"]),
                    np.ascontiguousarray(rec["hour"]),
                    np.ascontiguousarray(rec["values"]),
                    np.ascontiguousarray(rec["line"]),
                )
            del rec


def partitions_for(path: Path) -> int:
    """How many station partitions keep the rows held at once near PART_BYTES of CSV."""
    try:
        size = path.stat().st_size
    except OSError:
        return 1
    return max(1, -(-size // PART_BYTES))


def evaluate_file(
    path: Path,
    standard: Generation | None = None,
    hour_label: HourLabel = "end",
    partitions: int | None = None,
    events: Path | list[Event] | None = None,
) -> AirResult:
    """Read a station-hour CSV/.xlsx file and evaluate it (``standard`` None: by date).

    Memory stays flat as the file grows: rows are validated in streamed batches and split into
    station partitions (``partitions``; default one per PART_BYTES of file), each partition is
    reduced to daily values, and only the daily values of all stations are kept for the city.
    ``events``: an exception-event CSV (``station,date,event[,pollutants]``) or parsed events.
    """
    path = Path(path)
    ev, rep = _events(events)
    n = partitions or partitions_for(path)
    with tempfile.TemporaryDirectory(prefix="luoshi-air-") as tmp:
        b = read_into(path, lambda: PartitionSink(n, Path(tmp)))
        b.check_rows()
        sink = b.sink
        assert isinstance(sink, PartitionSink)
        parts = [daily_values(dedupe(h, b.ex), hour_label) for h in sink.partitions(b.names)]
    return evaluate_daily(merge_daily(parts), b.ex, standard, ev, rep)


def _events(
    events: Path | list[Event] | None,
) -> tuple[list[Event] | None, EventReport | None]:
    if events is None:
        return None, None
    if isinstance(events, list):
        return events, EventReport(rows=len(events))
    return read_events(events)


def evaluate_frame(
    df: pl.DataFrame,
    standard: Generation | None = None,
    hour_label: HourLabel = "end",
    events: Path | list[Event] | None = None,
) -> AirResult:
    """The same for an in-memory frame with the input columns."""
    hourly, ex = frame_hourly(df)
    return evaluate_hourly(hourly, ex, standard, hour_label, events)


def evaluate_hourly(
    hourly: Hourly,
    ex: Exclusions,
    standard: Generation | None,
    hour_label: HourLabel,
    events: Path | list[Event] | None = None,
) -> AirResult:
    ev, rep = _events(events)
    d = daily_values(dedupe(hourly, ex), hour_label)
    return evaluate_daily(d, ex, standard, ev, rep)


def evaluate_daily(
    d: Daily,
    ex: Exclusions,
    standard: Generation | None,
    events: list[Event] | None = None,
    event_report: EventReport | None = None,
) -> AirResult:
    """Station daily values -> daily AQI, the city series and the annual evaluations.

    With exception events, the measured values and AQI go to the daily table, and the
    values left after removing the events' affected ones are evaluated (see events.py).
    """
    da = daily_aqi(d, standard)
    c = city_daily(d)
    ca = daily_aqi(c, standard)
    daily = pl.concat([_frame(d, da), _frame(c, ca)])
    flagged = np.zeros(d.day.size, dtype=bool)
    if events:
        rep = event_report or EventReport(rows=len(events))
        d, flagged = apply_events(d, events, standard, rep)
        event_report = rep
        if flagged.any():
            da = daily_aqi(d, standard)
            c = city_daily(d)
            ca = daily_aqi(c, standard)
    stations: dict[str, dict[str, Any]] = {}
    assessment: dict[str, dict[str, Any]] = {}
    bounds = np.searchsorted(d.station, np.arange(len(d.names) + 1))  # d is sorted by station
    for code, name in enumerate(d.names):
        rows = np.zeros(d.day.size, dtype=bool)
        rows[bounds[code] : bounds[code + 1]] = True
        stations[name], assessment[name] = evaluate(d, rows, da.aqi, standard)
        if events is not None:
            assessment[name]["exception_days"] = int((flagged & rows).sum())
        _report_short(ex, name, d, rows, stations[name]["valid_days"])
    city, assessment[CITY] = evaluate(c, np.ones(c.day.size, dtype=bool), ca.aqi, standard)
    city_flag = _city_flagged(d, flagged, c)
    if events is not None:
        assessment[CITY]["exception_days"] = int(city_flag.sum())
    years, moving = _by_year(d, da.aqi, c, ca.aqi, standard)
    return AirResult(
        stations,
        city,
        assessment,
        ex,
        daily,
        years=years,
        moving_average=moving,
        events=None if event_report is None else event_report.as_dict(),
    )


def _city_flagged(d: Daily, flagged: np.ndarray[Any, Any], c: Daily) -> np.ndarray[Any, Any]:
    """City-days on which every station with data was flagged by an event."""
    if not flagged.any():
        return np.zeros(c.day.size, dtype=bool)
    idx = np.searchsorted(c.day, d.day)
    seen = np.bincount(idx, minlength=c.day.size)
    hit = np.bincount(idx[flagged], minlength=c.day.size)
    out: np.ndarray[Any, Any] = (seen > 0) & (hit == seen)
    return out


def _by_year(
    d: Daily,
    aqi: np.ndarray[Any, Any],
    c: Daily,
    caqi: np.ndarray[Any, Any],
    standard: Generation | None,
) -> tuple[dict[str, dict[str, Any]] | None, dict[str, dict[str, Any]] | None]:
    """Per calendar year (when the data span more than one): EVALs and the moving average."""
    cyear = _year(c.day)
    present = np.unique(cyear)
    if present.size < 2:
        return None, None
    syear = _year(d.day)
    years: dict[str, dict[str, Any]] = {}
    exact: dict[int, dict[str, Fraction | None]] = {}
    for y in present.tolist():
        stats: dict[str, Fraction | None] = {}
        city, assess = evaluate(c, cyear == y, caqi, standard, exact=stats)
        exact[y] = stats
        st: dict[str, Any] = {}
        for code, name in enumerate(d.names):
            rows = (syear == y) & (d.station == code)
            if rows.any():
                st[name] = evaluate(d, rows, aqi, standard)[0]
        years[str(y)] = {"city": city, "city_assessment": assess, "stations": st}
    moving = {str(y): v for y, v in moving_average(exact, standard).items()}
    return years, moving


def _year(day: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Calendar year of days counted from 1970-01-01."""
    years: np.ndarray[Any, Any] = (
        day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64)
    )
    return years + 1970


def _report_short(
    ex: Exclusions, name: str, d: Daily, rows: np.ndarray[Any, Any], valid: int
) -> None:
    """Stations with too few valid hours: any station-day below 20 hours, or no valid day."""
    hours = d.hours[rows]
    short_days = int((hours < MIN_HOURS_DAY).sum())
    if short_days or valid == 0:
        ex.stations[name] = {
            "days_seen": int(rows.sum()),
            "days_under_20_valid_hours": short_days,
            "valid_aqi_days": valid,
        }


def _frame(d: Daily, a: DailyAqi) -> pl.DataFrame:
    cols: dict[str, Any] = {
        "station": pl.Series("station", d.names).gather(d.station),
        "date": pl.Series("date", d.day.astype(np.int32)).cast(pl.Date),
    }
    for c in COLUMNS:
        v = a.values[c]
        if c == "CO":
            cols[c] = pl.Series(c, np.where(v >= 0, v / 10.0, np.nan)).fill_nan(None)
        else:
            cols[c] = pl.Series(c, v).set(pl.Series(v < 0), None)
    band = band_index(a.aqi)
    cols["AQI"] = pl.Series("AQI", a.aqi).set(pl.Series(a.aqi < 0), None)
    joined = [";".join(p) if p else None for p in primary_lists()]
    cols["primary"] = pl.Series("primary", joined, dtype=pl.String).gather(a.primary_mask)
    cats = pl.Series("category", [*CATEGORIES, None], dtype=pl.String)
    cols["category"] = cats.gather(np.where(band >= 0, band, len(CATEGORIES)))
    return pl.DataFrame(cols)
