"""SYNTHETIC station-hour air data for demos, tests and benchmarks — not measurements.

Every station is named ``SYN-###`` so synthetic rows can never pass for a real station.
The model is simple but shaped like Chinese urban data: winter-high particulate matter,
summer-high ozone with an afternoon peak, rush-hour NO2 and CO, a per-station level,
day-to-day weather swings, and occasional missing hours and multi-hour outages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from luoshi.indicators.air.standards import POLLUTANTS


def generate_hourly(stations: int, start: dt.date | str, days: int, seed: int = 0) -> pl.DataFrame:
    """SYNTHETIC hourly data: ``stations`` × ``days`` × 24 rows, times labelled at hour end.

    Columns ``station,time,SO2,NO2,PM10,CO,O3,PM2.5`` (time ``YYYY-MM-DD HH:MM``; the 24 hours
    of day D are D 01:00 … D+1 00:00); µg/m³ integers, CO mg/m³ to one decimal; null = missing.
    """
    day0 = dt.date.fromisoformat(start) if isinstance(start, str) else start
    rng = np.random.default_rng(seed)
    n_h = days * 24
    t = np.arange(n_h)
    hour_of_day = (t + 1) % 24  # label hour: 01..23, 00
    doy = (np.asarray(day0.timetuple().tm_yday) + t // 24) % 365
    season = np.cos(2 * np.pi * (doy - 15) / 365)  # +1 mid-January, -1 mid-July
    level = rng.lognormal(0.0, 0.2, size=(stations, 1))
    weather = np.repeat(rng.lognormal(0.0, 0.45, size=(stations // 10 + 1, days)), 24, axis=1)
    weather = weather[np.arange(stations) // 10]  # stations of one district share weather
    noise = rng.lognormal(0.0, 0.25, size=(len(POLLUTANTS), stations, n_h))
    rush = (
        1
        + 0.35 * np.exp(-((hour_of_day - 8) ** 2) / 4)
        + 0.45 * np.exp(-((hour_of_day - 19) ** 2) / 6)
    )
    afternoon = np.exp(-((hour_of_day - 15) ** 2) / 12)
    pm25 = (42 + 28 * season) * rush * level * weather * noise[5]
    pm10 = pm25 * (1.55 + 0.25 * noise[2])
    so2 = (9 + 5 * season) * level * noise[0] * np.sqrt(weather)
    no2 = (30 + 10 * season) * rush * level * noise[1] * np.sqrt(weather)
    co = (0.75 + 0.3 * season) * rush * level * noise[3] * np.sqrt(weather)
    o3 = (25 + (95 - 50 * season) * afternoon) * noise[4] * (1.6 - 0.4 * rush) / np.sqrt(weather)
    data = {"SO2": so2, "NO2": no2, "PM10": pm10, "CO": co, "O3": o3, "PM2.5": pm25}
    missing = rng.random((stations, n_h)) < 0.02
    for s in range(stations):  # outages: a few blocks of 3-30 hours per station-year
        for _ in range(rng.poisson(4 * days / 365)):
            a = int(rng.integers(0, n_h))
            missing[s, a : a + int(rng.integers(3, 30))] = True
    base = dt.datetime.combine(day0, dt.time()) + dt.timedelta(hours=1)
    times = pl.datetime_range(base, base + dt.timedelta(hours=n_h - 1), "1h", eager=True)
    cols: dict[str, pl.Series] = {
        "station": pl.Series(np.repeat([f"SYN-{i + 1:03d}" for i in range(stations)], n_h)),
        "time": pl.concat([times.dt.strftime("%Y-%m-%d %H:%M")] * stations),
    }
    for p in POLLUTANTS:
        v = np.round(data[p], 1) if p == "CO" else np.rint(data[p])
        lost = missing | (rng.random((stations, n_h)) < 0.003)  # single-pollutant dropouts
        col = pl.Series(p, np.where(lost, np.nan, v).ravel()).fill_nan(None)
        cols[p] = col if p == "CO" else col.cast(pl.Int64)
    return pl.DataFrame(cols)


def write_hourly(df: pl.DataFrame, path: Path) -> Path:
    """Write a frame as CSV, or as .xlsx when the suffix says so (small inputs only)."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        import openpyxl  # type: ignore[import-untyped]

        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("hourly")
        ws.append(df.columns)
        for row in df.iter_rows():
            ws.append(list(row))
        wb.save(path)
    else:
        df.write_csv(path)
    return path
