"""Which way is better for a target: from the comparator, else from the indicator's name.

``>=`` and ``increase_by`` mean higher is better (+1); ``<=`` and ``decrease_by`` lower (-1).
``=`` and ``≈`` only name a value: the indicator decides when its name says (浓度, 排放 → lower;
率, 比例 → higher), otherwise the value is to be approached from wherever the series starts.
"""

from __future__ import annotations

HIGHER = 1
LOWER = -1
TOWARD = 0  # no preference: approach the value

# checked first: "超标率", "劣V类比例" and "能耗降低" are lower-is-better despite 率/比例
_LOWER_WORDS = (
    "劣", "黑臭", "超标", "浓度", "排放", "能耗", "煤耗", "水耗", "消耗", "强度", "污染",
    "二氧化碳", "事故", "用水量", "负荷",
)  # fmt: skip
_HIGHER_WORDS = (
    "率", "比例", "比率", "比重", "占比", "覆盖", "优良", "达标", "优Ⅲ", "面积", "利用", "回收",
    "绿色", "新增", "建成", "累计", "能力", "产值", "数量",
)  # fmt: skip

COMPARATOR_SENSE = {">=": HIGHER, "increase_by": HIGHER, "<=": LOWER, "decrease_by": LOWER}


def indicator_sense(indicator: str, unit: str | None = None) -> int:
    """+1, -1 or 0 (unknown) for an indicator name; water-quality classes (类) are lower-better."""
    if unit == "类":
        return LOWER
    if any(word in indicator for word in _LOWER_WORDS):
        return LOWER
    if any(word in indicator for word in _HIGHER_WORDS):
        return HIGHER
    return TOWARD


def sense(comparator: str, indicator: str = "", unit: str | None = None) -> int:
    """The desired direction of change: the comparator's, else the indicator's, else 0."""
    if comparator in COMPARATOR_SENSE:
        return COMPARATOR_SENSE[comparator]
    return indicator_sense(indicator, unit)
