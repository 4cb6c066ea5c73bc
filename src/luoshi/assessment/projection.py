"""Where a series is heading, and the path it would have to follow to reach its target.

Linear (the average annual change since the baseline, carried forward) is the default: plans
set levels and counts — km of pipe, plants built, μg/m³ — in yearly steps. Shares in %
(优良天数比率, 覆盖率) are projected log-linearly, i.e. at the observed compound rate, which is
the rate the status ratio uses; a share then never turns negative and is capped at 100.
Where a value is zero or negative no rate exists, so those series stay linear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from luoshi.assessment.status import Point


def project(base: Point, latest: Point, year: int, *, proportion: bool = False) -> float:
    """The value in ``year`` if the trend from ``base`` to ``latest`` continues."""
    span = latest.year - base.year
    if span <= 0:
        return latest.value
    ahead = year - latest.year
    if proportion and base.value > 0 and latest.value > 0:
        value = latest.value * float((latest.value / base.value) ** (ahead / span))
        return min(value, 100.0)
    value = latest.value + (latest.value - base.value) / span * ahead
    return min(max(value, 0.0), 100.0) if proportion else value


def target_path(base: Point, target: float, year: int) -> list[tuple[int, float]]:
    """Yearly values from the baseline to the target at the required compound rate (the
    benchmark the ratio compares against); a straight line where a value is not positive."""
    if year <= base.year:
        return [(base.year, base.value)]
    span = year - base.year
    points: list[tuple[int, float]] = []
    for t in range(base.year, year + 1):
        share = (t - base.year) / span
        if base.value > 0 and target > 0:
            points.append((t, base.value * float((target / base.value) ** share)))
        else:
            points.append((t, base.value + (target - base.value) * share))
    return points
