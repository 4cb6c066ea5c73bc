"""Daily validity (GB 3095 Table 4), O3 8-hour windows, the day boundary and daily AQI rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from luoshi.indicators.air import evaluate_frame

P = ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")
BASE = {"SO2": 10, "NO2": 20, "PM10": 40, "CO": 0.5, "O3": 50, "PM2.5": 20}


def day_rows(
    day: str, station: str = "S1", hours: range = range(1, 25), **over: Any
) -> list[dict[str, Any]]:
    """Rows for the labels day 01:00 … day+1 00:00 (hour 24 is next day's 00:00)."""
    d0 = dt.datetime.fromisoformat(day)
    rows = []
    for h in hours:
        t = d0 + dt.timedelta(hours=h)
        row: dict[str, Any] = {"station": station, "time": t.strftime("%Y-%m-%d %H:%M"), **BASE}
        for k, v in over.items():
            row[k.replace("PM25", "PM2.5")] = v(h) if callable(v) else v
        rows.append(row)
    return rows


def frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"station": pl.String, "time": pl.String, **dict.fromkeys(P, pl.Float64)}
    )


def one_day(rows: list[dict[str, Any]], standard: str | None = None) -> dict[str, Any]:
    r = evaluate_frame(frame(rows), standard)  # type: ignore[arg-type]
    daily = r.daily.filter(pl.col("station") != "CITY")
    assert daily.height == 1, daily
    return daily.row(0, named=True)


def test_hour_24_is_next_days_midnight() -> None:
    r = evaluate_frame(frame(day_rows("2025-05-01")))
    assert r.daily.filter(pl.col("station") == "S1")["date"].to_list() == [dt.date(2025, 5, 1)]


def test_start_labels_option() -> None:
    rows = day_rows("2025-05-01", hours=range(0, 24))
    r = evaluate_frame(frame(rows), hour_label="start")
    assert r.daily.filter(pl.col("station") == "S1")["date"].to_list() == [dt.date(2025, 5, 1)]


@pytest.mark.parametrize(("hours", "valid"), [(19, False), (20, True), (24, True)])
def test_daily_mean_needs_20_hours(hours: int, valid: bool) -> None:
    row = one_day(day_rows("2025-05-01", PM25=lambda h: 30 if h <= hours else None))
    assert (row["PM2.5"] == 30) is valid and (row["PM2.5"] is None) is not valid


def test_daily_mean_is_rounded_half_even_before_iaqi() -> None:
    # 12 hours of 74, 12 of 75 -> 74.5 -> 74 (half to even) -> IAQI ceil(50/40*39.. ) = 99
    row = one_day(day_rows("2025-05-01", PM25=lambda h: 74 if h % 2 else 75), "2012")
    assert row["PM2.5"] == 74 and row["AQI"] == 99 and row["primary"] == "PM2.5"


def test_co_rounded_to_one_decimal() -> None:
    row = one_day(day_rows("2025-05-01", CO=lambda h: 1.2 if h % 2 else 1.35))  # mean 1.275 -> 1.3
    assert row["CO"] == 1.3


class TestO3EightHour:
    def test_windows_labelled_08_to_24(self) -> None:
        # 200 only at labels 01-08: the first window (08:00) averages 200
        row = one_day(day_rows("2025-05-01", O3=lambda h: 200 if h <= 8 else 20))
        assert row["O3_8H_MAX"] == 200 and row["O3_1H_MAX"] == 200

    def test_window_needs_six_hours(self) -> None:
        # labels 17-24 hold 300 but only 5 of the 8 are present; other windows see <= 2 of them
        o3 = {17: 300, 18: 300, 19: 300, 20: None, 21: None, 22: None, 23: 300, 24: 300}
        row = one_day(day_rows("2025-05-01", O3=lambda h: o3.get(h, 20)))
        assert row["O3_8H_MAX"] < 300

    def test_fewer_than_14_windows_invalid_unless_over_the_limit(self) -> None:
        # hours 1-13 only: windows ending 08..13 valid (6), fewer than 14
        low = one_day(
            day_rows("2025-05-01", hours=range(1, 25), O3=lambda h: 50 if h <= 13 else None)
        )
        assert low["O3_8H_MAX"] is None
        high = one_day(day_rows("2025-05-01", O3=lambda h: 170 if h <= 13 else None))
        assert high["O3_8H_MAX"] == 170

    def test_14_windows_enough(self) -> None:
        # hours 1-21 present: windows ending 08..21 = 14 (window 22 has 6 of 8 hours -> 15)
        row = one_day(day_rows("2025-05-01", O3=lambda h: 50 if h <= 20 else None))
        assert row["O3_8H_MAX"] == 50


class TestDailyAqiRules:
    def test_2012_daily_aqi_includes_o3_1h(self) -> None:
        # O3 1-hour max 300 -> IAQI 150; 8-hour stays low
        row = one_day(day_rows("2025-05-01", O3=lambda h: 300 if h == 20 else 20), "2012")
        assert row["AQI"] == 150 and row["primary"] == "O3_1H"

    def test_2026_daily_aqi_ignores_o3_1h(self) -> None:
        row = one_day(day_rows("2026-05-01", O3=lambda h: 300 if h == 20 else 20), "2026")
        assert row["AQI"] < 100

    def test_default_generation_by_date(self) -> None:
        # PM2.5 70: 2012 -> 94 (良); 2026 -> 110 (轻度污染)
        before = one_day(day_rows("2026-02-28", PM25=70))
        after = one_day(day_rows("2026-03-01", PM25=70))
        assert (before["AQI"], after["AQI"]) == (94, 110)
        assert (before["category"], after["category"]) == ("良", "轻度污染")

    def test_2012_o3_8h_over_800_uses_the_1h_iaqi(self) -> None:
        row = one_day(day_rows("2025-05-01", O3=900), "2012")
        # O3 1h 900 -> 300 + 100/200*100 = 350
        assert row["O3_8H_MAX"] == 900 and row["AQI"] == 350

    def test_2026_o3_8h_over_800_counts_300(self) -> None:
        row = one_day(day_rows("2026-05-01", O3=900), "2026")
        assert row["AQI"] == 300

    def test_2026_missing_pollutant_publishes_only_above_100(self) -> None:
        polluted = one_day(day_rows("2026-05-01", NO2=None, PM25=100), "2026")
        clean = one_day(day_rows("2026-05-01", NO2=None), "2026")
        assert polluted["AQI"] == 137 and clean["AQI"] is None

    def test_2012_missing_pollutant_day_has_no_aqi(self) -> None:
        row = one_day(day_rows("2025-05-01", NO2=None, PM25=100), "2012")
        assert row["AQI"] is None
