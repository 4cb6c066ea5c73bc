"""Air-quality indicators computed exactly as HJ 633, GB 3095 and HJ 663 define them.

Two generations of standards (``"2012"``: GB 3095-2012 / HJ 633-2012 / HJ 663-2013;
``"2026"``: GB 3095-2026 / HJ 633-2026 / HJ 663-2026, in force from 2026-03-01); by default
each date gets the generation in force on it. See docs/indicators-air.md.
"""

from __future__ import annotations

from luoshi.indicators._lazy import lazy_exports

# `iaqi` is both a submodule and a function: import the function now, or the submodule
# would shadow it once loaded.
from luoshi.indicators.air.iaqi import iaqi

# Names load on first use, so that `luoshi --help` and the CLI's other commands do not pay
# for numpy and polars (PEP 562).
_EXPORTS = {
    "moving_average": "annual", "percentile": "annual",
    "Event": "events", "read_events": "events",
    "aqi_from": "iaqi", "aqi_of": "iaqi", "category": "iaqi", "level": "iaqi",
    "AirResult": "pipeline", "evaluate_file": "pipeline", "evaluate_frame": "pipeline",
    "Exclusions": "reader", "read_hourly": "reader",
    "BREAKPOINTS": "standards", "LIMITS": "standards", "Generation": "standards",
    "generation_for": "standards", "limits_for": "standards",
}  # fmt: skip


__getattr__ = lazy_exports(__name__, _EXPORTS)


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
