"""File in -> daily AQI per station and for the city -> HJ 663 annual evaluation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from luoshi.indicators.air.annual import evaluate
from luoshi.indicators.air.daily import (
    COLUMNS,
    EPOCH,
    MIN_HOURS_DAY,
    Daily,
    DailyAqi,
    HourLabel,
    city_daily,
    daily_aqi,
    daily_values,
    dedupe,
)
from luoshi.indicators.air.iaqi import band_index
from luoshi.indicators.air.reader import Exclusions, Hourly, frame_hourly, read_hourly
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

    def as_json(self) -> dict[str, Any]:
        return {
            "stations": self.stations,
            "city": self.city,
            "exclusions": self.exclusions.as_dict(),
            "assessment": self.assessment,
        }


def evaluate_file(
    path: Path, standard: Generation | None = None, hour_label: HourLabel = "end"
) -> AirResult:
    """Read a station-hour CSV/.xlsx file and evaluate it (``standard`` None: by date)."""
    hourly, ex = read_hourly(path)
    return evaluate_hourly(hourly, ex, standard, hour_label)


def evaluate_frame(
    df: pl.DataFrame, standard: Generation | None = None, hour_label: HourLabel = "end"
) -> AirResult:
    """The same for an in-memory frame with the input columns."""
    hourly, ex = frame_hourly(df)
    return evaluate_hourly(hourly, ex, standard, hour_label)


def evaluate_hourly(
    hourly: Hourly, ex: Exclusions, standard: Generation | None, hour_label: HourLabel
) -> AirResult:
    hourly = dedupe(hourly, ex)
    d = daily_values(hourly, hour_label)
    da = daily_aqi(d, standard)
    c = city_daily(d)
    ca = daily_aqi(c, standard)
    stations: dict[str, dict[str, Any]] = {}
    assessment: dict[str, dict[str, Any]] = {}
    order = np.argsort(d.station, kind="stable")
    bounds = np.searchsorted(d.station[order], np.arange(len(d.names) + 1))
    for code, name in enumerate(d.names):
        rows = np.zeros(d.day.size, dtype=bool)
        rows[order[bounds[code] : bounds[code + 1]]] = True
        stations[name], assessment[name] = evaluate(d, rows, da.aqi, standard)
        _report_short(ex, name, d, rows, stations[name]["valid_days"])
    city, assessment[CITY] = evaluate(c, np.ones(c.day.size, dtype=bool), ca.aqi, standard)
    daily = pl.concat([_frame(d, da), _frame(c, ca)])
    return AirResult(stations, city, assessment, ex, daily)


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
        "station": [d.names[int(s)] for s in d.station],
        "date": [EPOCH + dt.timedelta(days=int(x)) for x in d.day],
    }
    for c in COLUMNS:
        v = a.values[c]
        if c == "CO":
            cols[c] = pl.Series(c, np.where(v >= 0, v / 10.0, np.nan)).fill_nan(None)
        else:
            cols[c] = pl.Series(c, v).set(pl.Series(v < 0), None)
    band = band_index(a.aqi)
    cols["AQI"] = pl.Series("AQI", a.aqi).set(pl.Series(a.aqi < 0), None)
    cols["primary"] = [";".join(p) if p else None for p in a.primary]
    cols["category"] = [CATEGORIES[int(b)] if b >= 0 else None for b in band]
    return pl.DataFrame(cols)
