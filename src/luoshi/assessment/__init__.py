"""Target status (achieved / on track / at risk / off track / no data): pure functions over
plain numbers, no database or web imports. See docs/status-method.md."""

from luoshi.assessment.polarity import HIGHER, LOWER, TOWARD, indicator_sense, sense
from luoshi.assessment.projection import project, target_path
from luoshi.assessment.status import (
    AT_RISK,
    ON_TRACK,
    STATUSES,
    TOLERANCE,
    Assessment,
    Goal,
    Point,
    Status,
    absolute_target,
    assess,
    meets,
    pick,
)

__all__ = [
    "AT_RISK", "HIGHER", "LOWER", "ON_TRACK", "STATUSES", "TOLERANCE", "TOWARD", "Assessment",
    "Goal", "Point", "Status", "absolute_target", "assess", "indicator_sense", "meets", "pick",
    "project", "sense", "target_path",
]  # fmt: skip
