"""Target status from a baseline, the latest observation and the target (Open SDG's measure).

The progress ratio is Statistics Canada's / Eurostat's as implemented by Open SDG
(sdg-build ``ProgressMeasure``, "method 2"):

    CAGR_o = (y_latest / y_base) ** (1 / (t_latest - t_base)) - 1      observed growth
    CAGR_r = (y_target / y_base) ** (1 / (t_target - t_base)) - 1      growth needed
    R      = d * CAGR_o / |CAGR_r|                                      d = +1 / -1

read as R >= 0.95 on track, 0.60 <= R < 0.95 at risk, below off track (R < 0: moving away).
Where a value is zero or negative growth rates mean nothing, so the same ratio is taken of
linear annual changes instead. See docs/status-method.md for the rules and worked examples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

from luoshi.assessment.polarity import TOWARD, sense
from luoshi.assessment.projection import project

Status = Literal["achieved", "on_track", "at_risk", "off_track", "no_data"]
STATUSES: tuple[Status, ...] = ("achieved", "on_track", "at_risk", "off_track", "no_data")
ON_TRACK = 0.95
AT_RISK = 0.60
# how close counts as "equal": = is a stated figure (rounding), ≈ (左右, 约) is looser
TOLERANCE = {"=": 0.005, "≈": 0.05}
RELATIVE = ("decrease_by", "increase_by")
# a year's statistics come out the next year: only after that is a target year "passed"
REPORTING_LAG = 1


@dataclass(frozen=True)
class Point:
    year: int
    value: float


@dataclass(frozen=True)
class Goal:
    """A target's effective values. For ``delegated`` targets pass the assigned comparator and
    value (``target_assignment``); a delegated goal still marked ``delegated`` has no number."""

    comparator: str
    value: float | None
    year: int | None
    unit: str | None = None
    indicator: str = ""
    recurring: bool = False


@dataclass(frozen=True)
class Assessment:
    status: Status
    reason: str  # one line, Chinese, shown next to the badge
    direction: int  # +1 higher is better, -1 lower, 0 approach the value
    target_value: float | None = None  # absolute (relative targets resolved against the base)
    baseline: Point | None = None
    latest: Point | None = None
    ratio: float | None = None
    method: Literal["cagr", "linear"] | None = None
    observed_rate: float | None = None  # CAGR_o, or units per year for "linear"
    required_rate: float | None = None
    moving_away: bool = False
    projection: Point | None = None
    projected_meets: bool | None = None


def absolute_target(goal: Goal, baseline: Point | None) -> float | None:
    """The number to reach. ``decrease_by``/``increase_by`` are read against the baseline:
    % (or no unit) as a share of it, ``pp`` as percentage points, any other unit as an amount."""
    if goal.value is None or goal.comparator == "delegated":
        return None
    if goal.comparator not in RELATIVE:
        return goal.value
    if baseline is None:
        return None
    sign = -1.0 if goal.comparator == "decrease_by" else 1.0
    if goal.unit in (None, "%"):
        return baseline.value * (1 + sign * goal.value / 100)
    return baseline.value + sign * goal.value


def tolerance(goal: Goal, target: float) -> float:
    return TOLERANCE.get(goal.comparator, 0.0) * abs(target)


def meets(goal: Goal, value: float, target: float, direction: int) -> bool:
    """Does ``value`` satisfy the goal? Approach-goals (direction 0) need to be within tolerance;
    = and ≈ with a known direction also count overshooting in the good direction."""
    tol = tolerance(goal, target) + 1e-9 * max(1.0, abs(target))  # float noise only
    if direction > 0:
        return value >= target - tol
    if direction < 0:
        return value <= target + tol
    return abs(value - target) <= tol


def pick(series: list[Point], baseline_year: int | None = None) -> tuple[Point | None, Point | None]:
    """(baseline, latest) of a yearly series: the baseline-year point if it has one, else the
    earliest; the latest is the last year's point."""
    if not series:
        return None, None
    ordered = sorted(series, key=lambda p: p.year)
    base = next((p for p in ordered if p.year == baseline_year), None) if baseline_year else None
    return base or ordered[0], ordered[-1]


def _ratio(
    base: Point, latest: Point, target: float, year: int, direction: int
) -> tuple[Literal["cagr", "linear"], float, float, float]:
    years_o, years_r = latest.year - base.year, year - base.year
    if min(base.value, latest.value, target) > 0:
        observed = float((latest.value / base.value) ** (1 / years_o)) - 1
        required = float((target / base.value) ** (1 / years_r)) - 1
        method: Literal["cagr", "linear"] = "cagr"
    else:  # zero or negative values: growth rates are undefined, use annual changes
        observed = (latest.value - base.value) / years_o
        required = (target - base.value) / years_r
        method = "linear"
    return method, observed, required, direction * observed / abs(required)


def assess(
    goal: Goal,
    baseline: Point | None,
    latest: Point | None,
    *,
    proportion: bool = False,
    current_year: int | None = None,
) -> Assessment:
    """The status of one target. ``proportion``: the series is a share in % (projected
    log-linearly, capped at 100). ``current_year``: today's year; a target year more than
    REPORTING_LAG years before it counts as passed even without data for it."""
    wanted = sense(goal.comparator, goal.indicator, goal.unit)
    if goal.comparator == "delegated" or goal.value is None:
        reason = "目标值待上级下达" if goal.comparator == "delegated" else "目标无数值"
        return Assessment("no_data", reason, wanted)
    if latest is None:
        return Assessment("no_data", "暂无观测数据", wanted)
    target = absolute_target(goal, baseline)
    if target is None:
        return Assessment("no_data", "缺少基准年数据，无法换算相对目标", wanted, latest=latest)
    direction = wanted
    if wanted == TOWARD and baseline is not None:
        gap = target - baseline.value
        direction = 0 if abs(gap) <= tolerance(goal, target) else (1 if gap > 0 else -1)
    base = Assessment("no_data", "", direction, target, baseline, latest)
    # an approach-goal is met within tolerance, or once crossed from the side it started on
    if meets(goal, latest.value, target, direction):
        return replace(base, status="achieved", reason="最新值已达到目标")
    if goal.year is None:
        if goal.recurring:
            return replace(base, status="off_track", reason="本期未达到年度目标")
        return replace(base, status="at_risk", reason="未达到目标（目标无年份，无法测算进度）")
    late = current_year is not None and current_year > goal.year + REPORTING_LAG
    if latest.year >= goal.year or late:
        return replace(base, status="off_track", reason="目标年已到，未达到目标")
    if baseline is None or baseline.year >= latest.year:
        return replace(base, reason="至少需要两个年份的观测才能测算进度")
    if goal.year <= baseline.year:
        return replace(base, status="off_track", reason="目标年不晚于基准年")
    if direction == 0 or meets(goal, baseline.value, target, direction):
        # the base already met the target and the latest value no longer does
        return replace(base, status="off_track", reason="基准年已达标，现已偏离目标", moving_away=True)
    method, observed, required, ratio = _ratio(baseline, latest, target, goal.year, direction)
    projected = project(baseline, latest, goal.year, proportion=proportion)
    status: Status
    if ratio >= ON_TRACK:
        status, reason = "on_track", f"进展率 {ratio:.2f} ≥ {ON_TRACK}"
    elif ratio >= AT_RISK:
        status, reason = "at_risk", f"进展率 {ratio:.2f}，需加快进度"
    elif ratio >= 0:
        status, reason = "off_track", f"进展率 {ratio:.2f}，进展有限"
    else:
        status, reason = "off_track", f"进展率 {ratio:.2f}，正偏离目标"
    return replace(
        base, status=status, reason=reason, ratio=ratio, method=method, observed_rate=observed,
        required_rate=required, moving_away=ratio < 0, projection=Point(goal.year, projected),
        projected_meets=meets(goal, projected, target, direction),
    )  # fmt: skip


def finite(x: float | None) -> float | None:
    """``x`` unless it is NaN or infinite (JSON cannot carry those)."""
    return x if x is not None and math.isfinite(x) else None
