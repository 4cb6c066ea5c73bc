"""HJ 663 statistics on small hand-computed data."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import polars as pl
import pytest

from luoshi.indicators.air import evaluate_frame, limits_for
from luoshi.indicators.air.annual import percentile, round_half_even
from tests.indicators.test_air_daily import day_rows, frame


def series(*values: int) -> tuple[np.ndarray, int]:  # type: ignore[type-arg]
    return np.asarray(values, dtype=np.int64), 1


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        # n=10, p=90: k = 1 + 9·0.9 = 9.1, s = 9: X9 + 0.1·(X10 - X9) = 9 + 0.1 = 9.1
        ((1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, Fraction(91, 10)),
        # n=5, p=95: k = 1 + 4·0.95 = 4.8: X4 + 0.8·(X5 - X4) = 40 + 0.8·60 = 88
        ((10, 20, 30, 40, 100), 95, Fraction(88)),
        # unsorted input is sorted first; n=3, p=50: k = 2 -> X2
        ((30, 10, 20), 50, Fraction(20)),
        ((7,), 90, Fraction(7)),
        # n=365, p=90: k = 328.6 -> X328 + 0.6(X329 - X328) with X_i = i
        (tuple(range(1, 366)), 90, Fraction(3286, 10)),
    ],
)
def test_hj663_percentile(values: tuple[int, ...], p: int, expected: Fraction) -> None:
    assert percentile(series(*values), p) == expected


def test_percentile_matches_numpy_linear() -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 500, size=200)
    for p in (90, 95, 98):
        assert float(percentile((x, 1), p)) == pytest.approx(np.percentile(x, p))  # type: ignore[arg-type]


def test_percentile_empty() -> None:
    assert percentile(series(), 90) is None


@pytest.mark.parametrize(
    ("v", "d", "out"),
    [
        (Fraction(5, 2), 0, 2),
        (Fraction(7, 2), 0, 4),
        (Fraction(1275, 1000), 1, 1.3),
        (Fraction(1225, 1000), 1, 1.2),
    ],
)
def test_gbt8170_half_even(v: Fraction, d: int, out: float) -> None:
    assert round_half_even(v, d) == out


def _two_stations() -> pl.DataFrame:
    rows = []
    # S1: PM2.5 30, 50, 90 on three days; S2: 40, 60, 110 — O3 low
    for day, (a, b) in zip(
        ("2025-06-01", "2025-06-02", "2025-06-03"), ((30, 40), (50, 60), (90, 110)), strict=True
    ):
        rows += day_rows(day, "S1", PM25=a) + day_rows(day, "S2", PM25=b)
    return frame(rows)


def test_station_and_city_statistics() -> None:
    r = evaluate_frame(_two_stations(), "2012")
    s1, s2, city = r.stations["S1"], r.stations["S2"], r.city
    assert s1["PM2.5"] == round((30 + 50 + 90) / 3)  # 56.67 -> 57
    # AQI: S1 30 -> 43, 50 -> 69, 90 -> 119; good days 2 of 3 -> 66.7 %
    assert (s1["valid_days"], s1["good_days"], s1["good_days_ratio"]) == (3, 2, 66.7)
    # city daily PM2.5 = station means 35, 55, 100 -> annual 63.33 -> 63; AQI 50, 75, 132
    assert city["PM2.5"] == 63 and city["good_days"] == 2
    assert s2["PM2.5"] == 70
    assert set(city) == {
        "PM2.5",
        "PM10",
        "SO2",
        "NO2",
        "CO_P95",
        "O3_8H_P90",
        "valid_days",
        "good_days",
        "good_days_ratio",
    }
    cd = r.daily.filter(pl.col("station") == "CITY")
    assert cd["PM2.5"].to_list() == [35, 55, 100] and cd["AQI"].to_list() == [50, 75, 132]


def test_city_mean_uses_only_valid_station_days() -> None:
    rows = day_rows("2025-06-01", "S1", PM25=30) + day_rows(
        "2025-06-01", "S2", PM25=lambda h: 90 if h < 10 else None
    )
    r = evaluate_frame(frame(rows), "2012")
    assert r.daily.filter(pl.col("station") == "CITY")["PM2.5"].to_list() == [30]


def test_limits_and_completeness_in_assessment() -> None:
    r = evaluate_frame(_two_stations(), "2012")
    a = r.assessment["S1"]
    assert a["limits"] == "GB 3095-2012"
    assert a["statistics"]["PM2.5"] == {
        "value": 57, "class1_limit": 15, "class2_limit": 35, "meets_class1": False, "meets_class2": False,
    }  # fmt: skip
    assert a["completeness"]["PM2.5"]["annual_ok"] is False  # 3 days < 324


def test_limits_in_force() -> None:
    import datetime as dt

    assert limits_for("2026", dt.date(2030, 12, 31)).annual["PM2.5"] == (15, 30)
    assert limits_for("2026", dt.date(2031, 1, 1)).annual["PM2.5"] == (10, 25)
    assert limits_for("2012", dt.date(2031, 1, 1)).annual["PM2.5"] == (15, 35)
