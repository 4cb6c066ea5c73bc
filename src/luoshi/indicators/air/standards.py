"""The air standards as data: IAQI breakpoints (HJ 633), limits (GB 3095), generations by date.

Two generations:

* ``"2012"`` — GB 3095-2012, HJ 633-2012 (Table 1), HJ 663-2013; in force before 2026-03-01.
* ``"2026"`` — GB 3095-2026, HJ 633-2026 (Table 3), HJ 663-2026; in force from 2026-03-01.

Breakpoints are integers (µg/m³; CO mg/m³) so IAQI arithmetic can stay exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Generation = Literal["2012", "2026"]
GENERATIONS: tuple[Generation, ...] = ("2012", "2026")
SWITCH_DATE = dt.date(2026, 3, 1)  # GB 3095-2026 / HJ 633-2026 / HJ 663-2026 take effect
FINAL_LIMITS_DATE = dt.date(2031, 1, 1)  # GB 3095-2026 §4.4: transition limits end 2030-12-31

POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")
IAQI_STEPS: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)

_COMMON: dict[str, tuple[int, ...]] = {
    "SO2_24H": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "SO2_1H": (0, 150, 500, 650, 800),  # note 2: above 800 see special cases
    "NO2_24H": (0, 40, 80, 180, 280, 565, 750, 940),
    "NO2_1H": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "CO_24H": (0, 2, 4, 14, 24, 36, 48, 60),
    "CO_1H": (0, 5, 10, 35, 60, 90, 120, 150),
    "O3_1H": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "O3_8H": (0, 100, 160, 215, 265, 800),  # note 3: above 800 see special cases
}
BREAKPOINTS: dict[Generation, dict[str, tuple[int, ...]]] = {
    "2012": {
        **_COMMON,
        "PM10_24H": (0, 50, 150, 250, 350, 420, 500, 600),
        "PM2.5_24H": (0, 35, 75, 115, 150, 250, 350, 500),
    },
    # HJ 633-2026 Table 3: only the IAQI-100 points of PM10 (120) and PM2.5 (60) move.
    "2026": {
        **_COMMON,
        "PM10_24H": (0, 50, 120, 250, 350, 420, 500, 600),
        "PM2.5_24H": (0, 35, 60, 115, 150, 250, 350, 500),
    },
}
INDICATORS: tuple[str, ...] = tuple(BREAKPOINTS["2012"])

# (IAQI upper bound, level, category) — HJ 633-2012 Table 2 / HJ 633-2026 Table 2.
BANDS: tuple[tuple[int, str, str], ...] = (
    (50, "一级", "优"),
    (100, "二级", "良"),
    (150, "三级", "轻度污染"),
    (200, "四级", "中度污染"),
    (300, "五级", "重度污染"),
    (10**9, "六级", "严重污染"),
)
CATEGORIES: tuple[str, ...] = tuple(b[2] for b in BANDS)
LEVELS: tuple[str, ...] = tuple(b[1] for b in BANDS)


def generation_for(day: dt.date) -> Generation:
    """The generation in force on ``day`` (the 2026 texts apply from 2026-03-01)."""
    return "2026" if day >= SWITCH_DATE else "2012"


def parse_generation(value: str | None) -> Generation | None:
    """``"2012"``/``"2026"`` (also ``GB3095-2012`` etc.) or None; ValueError otherwise."""
    if value is None:
        return None
    v = value.strip()
    for g in GENERATIONS:
        if v == g or v.endswith(g):
            return g
    raise ValueError(f"unknown standard {value!r}: use 2012 or 2026")


@dataclass(frozen=True)
class Limits:
    """Class-1 and class-2 concentration limits of one GB 3095 stage (µg/m³, CO mg/m³)."""

    name: str
    annual: dict[str, tuple[int, int]]  # SO2, NO2, PM10, PM2.5: annual mean
    daily: dict[str, tuple[int, int]]  # 24-hour means (CO, and SO2/NO2/PM percentiles)
    o3_8h: tuple[int, int]  # daily maximum 8-hour mean
    o3_1h: tuple[int, int]


_O3_8H = (100, 160)
_O3_1H = (160, 200)
LIMITS: dict[str, Limits] = {
    "GB 3095-2012": Limits(
        "GB 3095-2012",
        annual={"SO2": (20, 60), "NO2": (40, 40), "PM10": (40, 70), "PM2.5": (15, 35)},
        daily={
            "SO2": (50, 150),
            "NO2": (80, 80),
            "PM10": (50, 150),
            "PM2.5": (35, 75),
            "CO": (4, 4),
        },
        o3_8h=_O3_8H,
        o3_1h=_O3_1H,
    ),
    "GB 3095-2026 transition": Limits(
        "GB 3095-2026 transition (to 2030-12-31)",
        annual={"SO2": (20, 60), "NO2": (40, 40), "PM10": (40, 60), "PM2.5": (15, 30)},
        daily={
            "SO2": (50, 150),
            "NO2": (80, 80),
            "PM10": (50, 120),
            "PM2.5": (35, 60),
            "CO": (4, 4),
        },
        o3_8h=_O3_8H,
        o3_1h=_O3_1H,
    ),
    "GB 3095-2026 final": Limits(
        "GB 3095-2026 final (from 2031-01-01)",
        annual={"SO2": (20, 20), "NO2": (30, 30), "PM10": (20, 50), "PM2.5": (10, 25)},
        daily={
            "SO2": (50, 50),
            "NO2": (50, 50),
            "PM10": (50, 100),
            "PM2.5": (25, 50),
            "CO": (4, 4),
        },
        o3_8h=_O3_8H,
        o3_1h=_O3_1H,
    ),
}


def limits_for(generation: Generation, day: dt.date) -> Limits:
    """The limits in force for ``generation`` at ``day`` (2026: transition stage until 2030-12-31)."""
    if generation == "2012":
        return LIMITS["GB 3095-2012"]
    if day >= FINAL_LIMITS_DATE:
        return LIMITS["GB 3095-2026 final"]
    return LIMITS["GB 3095-2026 transition"]
