"""Air-quality indicators computed exactly as HJ 633, GB 3095 and HJ 663 define them.

Two generations of standards (``"2012"``: GB 3095-2012 / HJ 633-2012 / HJ 663-2013;
``"2026"``: GB 3095-2026 / HJ 633-2026 / HJ 663-2026, in force from 2026-03-01); by default
each date gets the generation in force on it. See docs/indicators-air.md.
"""

from luoshi.indicators.air.annual import moving_average, percentile
from luoshi.indicators.air.events import Event, read_events
from luoshi.indicators.air.iaqi import aqi_from, aqi_of, category, iaqi, level
from luoshi.indicators.air.pipeline import AirResult, evaluate_file, evaluate_frame
from luoshi.indicators.air.reader import Exclusions, read_hourly
from luoshi.indicators.air.standards import (
    BREAKPOINTS,
    LIMITS,
    Generation,
    generation_for,
    limits_for,
)

__all__ = [
    "BREAKPOINTS",
    "LIMITS",
    "AirResult",
    "Event",
    "Exclusions",
    "Generation",
    "aqi_from",
    "aqi_of",
    "category",
    "evaluate_file",
    "evaluate_frame",
    "generation_for",
    "iaqi",
    "level",
    "limits_for",
    "moving_average",
    "percentile",
    "read_events",
    "read_hourly",
]
