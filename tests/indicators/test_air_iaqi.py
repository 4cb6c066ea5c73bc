"""IAQI/AQI vectors worked by hand from HJ 633-2012 Table 1 and HJ 633-2026 Table 3."""

from __future__ import annotations

import math

import numpy as np
import pytest

from luoshi.indicators.air import aqi_of, category, iaqi, level
from luoshi.indicators.air.iaqi import aqi_from

# Copied by hand from the standards' tables (not imported), so a typo in the module shows up.
STEPS = (0, 50, 100, 150, 200, 300, 400, 500)
TABLE_2012 = {
    "SO2_24H": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "SO2_1H": (0, 150, 500, 650, 800),
    "NO2_24H": (0, 40, 80, 180, 280, 565, 750, 940),
    "NO2_1H": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "PM10_24H": (0, 50, 150, 250, 350, 420, 500, 600),
    "CO_24H": (0, 2, 4, 14, 24, 36, 48, 60),
    "CO_1H": (0, 5, 10, 35, 60, 90, 120, 150),
    "O3_1H": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "O3_8H": (0, 100, 160, 215, 265, 800),
    "PM2.5_24H": (0, 35, 75, 115, 150, 250, 350, 500),
}
TABLE_2026 = {
    **TABLE_2012,
    "PM10_24H": (0, 50, 120, 250, 350, 420, 500, 600),
    "PM2.5_24H": (0, 35, 60, 115, 150, 250, 350, 500),
}
CASES = [
    (g, ind, i)
    for g, t in (("2012", TABLE_2012), ("2026", TABLE_2026))
    for ind in t
    for i in range(len(t[ind]))
]


def _bp(gen: str, ind: str) -> tuple[int, ...]:
    return (TABLE_2012 if gen == "2012" else TABLE_2026)[ind]


@pytest.mark.parametrize(("gen", "ind", "i"), CASES)
def test_every_breakpoint_gives_its_step(gen: str, ind: str, i: int) -> None:
    c = _bp(gen, ind)[i]
    assert iaqi(ind, [c], gen)[0] == STEPS[i]  # type: ignore[arg-type]


@pytest.mark.parametrize(("gen", "ind", "i"), [c for c in CASES if c[2] > 0])
def test_just_below_breakpoint_rounds_up_to_the_step(gen: str, ind: str, i: int) -> None:
    c = _bp(gen, ind)[i] - 0.001
    assert iaqi(ind, [c], gen)[0] == STEPS[i]  # type: ignore[arg-type]


@pytest.mark.parametrize(("gen", "ind", "i"), [c for c in CASES if c[2] < len(_bp(c[0], c[1])) - 1])
def test_just_above_breakpoint_is_step_plus_one(gen: str, ind: str, i: int) -> None:
    c = _bp(gen, ind)[i] + 0.001
    assert iaqi(ind, [c], gen)[0] == STEPS[i] + 1  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ind", "c", "v2012", "v2026"),
    [  # reference notes §4, worked by hand: e.g. PM2.5 80 (2012) = 50/40·5 + 100 = 106.25 -> 107
        ("PM2.5_24H", 80, 107, 119),
        ("PM2.5_24H", 60, 82, 100),
        ("PM2.5_24H", 76, 102, 115),
        ("PM10_24H", 130, 90, 104),
        ("O3_8H", 170, 110, 110),
        ("NO2_24H", 85, 103, 103),
        ("SO2_24H", 100, 75, 75),
        ("CO_24H", 1.2, 30, 30),
        ("O3_1H", 210, 105, 105),
        ("PM2.5_24H", 0, 0, 0),
    ],
)
def test_worked_examples(ind: str, c: float, v2012: int, v2026: int) -> None:
    assert iaqi(ind, [c], "2012")[0] == v2012
    assert iaqi(ind, [c], "2026")[0] == v2026


@pytest.mark.parametrize(
    ("ind", "c", "expected"),
    [
        ("PM2.5_24H", 75.00000000000001, 100),  # naive float: 100.00000000000001 -> 101
        ("CO_24H", 4.000000000000001, 100),  # naive float: 100.00000000000003 -> 101
        ("CO_24H", 0.1 * 3 * 10, 75),  # 3.0000000000000004: naive 75.00000000000001 -> 76
        ("PM2.5_24H", 0.1 * 750, 100),
    ],
)
def test_float_noise_never_rounds_up(ind: str, c: float, expected: int) -> None:
    assert iaqi(ind, [c], "2012")[0] == expected


def test_naive_float_would_have_failed() -> None:
    # the vectors above matter: plain float interpolation gets them wrong
    assert math.ceil(50 / 40 * (75.00000000000001 - 35) + 50) == 101


def test_missing_and_negative_give_nan() -> None:
    out = iaqi("PM10_24H", [np.nan, -1.0, 10.0], "2012")
    assert np.isnan(out[0]) and np.isnan(out[1]) and out[2] == 10


def test_above_the_table_is_500() -> None:
    assert iaqi("PM2.5_24H", [501, 9999], "2026").tolist() == [500, 500]


class TestSpecialCases:
    def test_2012_so2_1h_over_800_uses_the_24h_iaqi(self) -> None:
        assert iaqi("SO2_1H", [801], "2012", fallback=[100])[0] == 75
        assert np.isnan(iaqi("SO2_1H", [801], "2012")[0])  # no 24-hour value, no IAQI
        assert iaqi("SO2_1H", [800], "2012", fallback=[100])[0] == 200

    def test_2026_so2_1h_over_800_counts_200(self) -> None:
        assert iaqi("SO2_1H", [801, 5000], "2026").tolist() == [200, 200]

    def test_2012_o3_8h_over_800_uses_the_1h_iaqi(self) -> None:
        assert iaqi("O3_8H", [900], "2012", fallback=[1000])[0] == 400
        assert iaqi("O3_8H", [800], "2012", fallback=[1000])[0] == 300

    def test_2026_o3_8h_over_800_counts_300(self) -> None:
        assert iaqi("O3_8H", [800.5], "2026")[0] == 300

    def test_aqi_of_applies_the_fallback(self) -> None:
        aqi, primary = aqi_of({"O3_8H": 900, "O3_1H": 1000}, "2012")
        assert aqi == 400 and sorted(primary) == ["O3_1H", "O3_8H"]


class TestAqiPrimaryCategory:
    def test_primary_only_above_50(self) -> None:
        aqi, primary = aqi_from({"PM2.5": np.array([50, 51]), "NO2": np.array([10, 20])})
        assert aqi.tolist() == [50, 51] and primary == [[], ["PM2.5"]]

    def test_ties_are_all_primary(self) -> None:
        _, primary = aqi_from(
            {"PM10": np.array([120]), "PM2.5": np.array([120]), "SO2": np.array([5])}
        )
        assert primary == [["PM10", "PM2.5"]]

    def test_missing_iaqi_is_ignored(self) -> None:
        aqi, _ = aqi_from({"PM10": np.array([-1]), "PM2.5": np.array([-1])})
        assert aqi.tolist() == [-1]

    @pytest.mark.parametrize(
        ("aqi", "cat", "lvl"),
        [
            (0, "优", "一级"), (50, "优", "一级"), (51, "良", "二级"), (100, "良", "二级"),
            (101, "轻度污染", "三级"), (150, "轻度污染", "三级"), (151, "中度污染", "四级"),
            (200, "中度污染", "四级"), (201, "重度污染", "五级"), (300, "重度污染", "五级"),
            (301, "严重污染", "六级"), (500, "严重污染", "六级"),
        ],
    )  # fmt: skip
    def test_category_bands(self, aqi: int, cat: str, lvl: str) -> None:
        assert category(aqi) == cat and level(aqi) == lvl
