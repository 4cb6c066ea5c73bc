"""Exception events (例外事件, HJ 663-2026): station- or city-days left out of the evaluation.

HJ 663-2026 adds a definition of exception events and rules for them (MEE, 2026-02 [S]); its
clause text was not available here, so the rule applied is the one documented in
docs/indicators-air.md (the 扣沙 practice of 环办监测〔2016〕120号 [S], decisions marked [R]):

* an event names ``station`` (or ``CITY`` for the whole city), a natural ``date`` and a type;
  optionally the pollutants it affects (``pollutants``, ``;``-separated);
* by default a dust event (沙尘, 沙尘暴, 扬沙, 浮尘, ``dust``/``sand``…) affects PM10 and PM2.5,
  any other type (forest/grass fire, volcano, …) affects all six pollutants;
* the affected daily values of the flagged station-days are removed from the evaluation
  (annual statistics and the city mean of that day); the day's AQI for the 优良天数 count is
  recomputed from what remains by the ordinary HJ 633 rules — under HJ 633-2026 §5.3 a day
  with a pollutant missing counts only if the remaining AQI > 100, so a dust day whose other
  pollutants are good drops out of both numerator and denominator;
* the daily CSV keeps the measured values and AQI (what was breathed is still reported);
* events on days evaluated under the 2012 generation are ignored and reported: HJ 663-2013
  has no exception-event clause.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from luoshi.errors import DocumentError
from luoshi.indicators.air.daily import COLUMNS, EPOCH, Daily
from luoshi.indicators.air.iaqi import MISSING
from luoshi.indicators.air.standards import POLLUTANTS, SWITCH_DATE, Generation

CITY = "CITY"
DUST_TYPES = frozenset(
    {
        "dust",
        "sand",
        "sandstorm",
        "duststorm",
        "沙尘",
        "沙尘暴",
        "强沙尘暴",
        "扬沙",
        "浮尘",
        "沙尘天气",
    }
)
DUST_POLLUTANTS: tuple[str, ...] = ("PM10", "PM2.5")
# daily columns each pollutant owns
_COLUMNS_OF: dict[str, tuple[str, ...]] = {p: (p,) for p in POLLUTANTS if p != "O3"}
_COLUMNS_OF["O3"] = ("O3_1H_MAX", "O3_8H_MAX")
_ALIASES = {"PM25": "PM2.5", "O3.8H": "O3", "O3.1H": "O3"}
EXAMPLES = 5


@dataclass(frozen=True)
class Event:
    """One exception event: a station (or CITY), a natural day and the pollutants affected."""

    station: str
    date: dt.date
    event: str
    pollutants: tuple[str, ...]


def default_pollutants(event: str) -> tuple[str, ...]:
    """Dust affects PM10 and PM2.5; any other natural event all six pollutants [R]."""
    return DUST_POLLUTANTS if event.strip().lower() in DUST_TYPES else POLLUTANTS


@dataclass
class EventReport:
    """What happened to every event row: applied, ignored under 2012, unmatched, rejected."""

    source: str | None = None
    rows: int = 0
    applied: int = 0
    station_days_flagged: int = 0
    ignored_2012: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # station or date not in the data
    rejected: dict[str, list[int]] = field(default_factory=dict)  # reason -> line numbers

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "rows": self.rows,
            "applied": self.applied,
            "station_days_flagged": self.station_days_flagged,
            "ignored_under_2012": {
                "count": len(self.ignored_2012),
                "first": self.ignored_2012[:EXAMPLES],
            },
            "unmatched": {"count": len(self.unmatched), "first": self.unmatched[:EXAMPLES]},
            "rejected": {
                k: {"count": len(v), "first_lines": v[:EXAMPLES]} for k, v in self.rejected.items()
            },
            "rule": "HJ 663-2026 exception events: affected daily values left out of the "
            "evaluation; see docs/indicators-air.md",
        }
        if self.ignored_2012:
            out["note"] = (
                "events on days evaluated under GB 3095-2012 / HJ 663-2013 were ignored: "
                "the 2012 generation has no exception-event clause"
            )
        return out


def _parse_pollutants(text: str) -> tuple[str, ...] | None:
    """``PM10;PM2.5`` (also ``,``/space separated, PM25 / PM2_5 / O3_8H accepted); None if unknown."""
    out: list[str] = []
    for part in re.split(r"[;,，；\s]+", text):
        if not part:
            continue
        key = part.upper().replace("_", ".")
        key = _ALIASES.get(key, key)
        if key not in POLLUTANTS:
            return None
        if key not in out:
            out.append(key)
    return tuple(out) or None


def read_events(path: Path) -> tuple[list[Event], EventReport]:
    """Read ``station,date,event[,pollutants]``; bad rows are counted, never silently dropped."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(path, f"cannot read the events file ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise DocumentError(path, "events file is neither UTF-8 nor GB18030 text") from exc
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    if not {"station", "date", "event"} <= set(header):
        raise DocumentError(
            path, "events file needs a header with the columns station,date,event[,pollutants]"
        )
    col = {h: i for i, h in enumerate(header)}
    rep = EventReport(source=str(path))
    events: list[Event] = []
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        rep.rows += 1

        def cell(name: str, row: list[str] = row) -> str:
            i = col.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        station, date, kind = cell("station"), cell("date"), cell("event")
        if not station:
            rep.rejected.setdefault("empty_station", []).append(line)
            continue
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            rep.rejected.setdefault("unparseable_date", []).append(line)
            continue
        if not kind:
            rep.rejected.setdefault("empty_event", []).append(line)
            continue
        listed = cell("pollutants")
        pollutants = _parse_pollutants(listed) if listed else default_pollutants(kind)
        if pollutants is None:
            rep.rejected.setdefault("unknown_pollutant", []).append(line)
            continue
        events.append(Event(station, day, kind, pollutants))
    return events, rep


def apply_events(
    d: Daily, events: list[Event], standard: Generation | None, rep: EventReport
) -> tuple[Daily, npt.NDArray[np.bool_]]:
    """The daily values with the events' affected values removed, and the flagged rows.

    A CITY event flags every station that day. Events on 2012-generation days are ignored.
    """
    num = {c: v.copy() for c, v in d.num.items()}
    flagged = np.zeros(d.day.size, dtype=bool)
    code = {n: i for i, n in enumerate(d.names)}
    for ev in events:
        gen = standard or ("2026" if ev.date >= SWITCH_DATE else "2012")
        label = f"{ev.station} {ev.date} {ev.event}"
        if gen == "2012":
            rep.ignored_2012.append(label)
            continue
        day = (ev.date - EPOCH).days
        rows = d.day == day
        if ev.station != CITY:
            c = code.get(ev.station)
            rows &= d.station == (c if c is not None else -1)
        if not rows.any():
            rep.unmatched.append(label)
            continue
        rep.applied += 1
        flagged |= rows
        for p in ev.pollutants:
            for column in _COLUMNS_OF[p]:
                num[column][rows] = MISSING
    rep.station_days_flagged = int(flagged.sum())
    assert set(num) == set(COLUMNS)
    return Daily(d.names, d.station, d.day, num, d.den, d.hours), flagged
