"""GB 3838-2002 Table 1 (basic items) as data, and the single-item classification.

Classes are integers 1..6 (6 = 劣Ⅴ) so that "worst class" is a plain maximum; labels come from
:data:`CLASS_LABELS`. Sources and clauses are listed in docs/indicators-water.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

Direction = Literal["max", "min", "range"]
WaterbodyType = Literal["river", "lake"]

WORSE_THAN_V: Final = 6
CLASS_LABELS: Final[dict[int, str]] = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "劣V"}
WATERBODY_TYPES: Final[tuple[str, ...]] = ("river", "lake")

# A mean computed in binary floating point can land a hair above a limit it equals in decimal
# (0.1 + 0.2 + 0.3 ...). Measurements carry at most ~6 significant digits, so a relative
# tolerance of 1e-9 only absorbs arithmetic noise, never a real exceedance.
REL_TOL: Final = 1e-9


@dataclass(frozen=True)
class ItemLimits:
    """One row of GB 3838-2002 Table 1: the class I..V limits of one item."""

    item: str
    name_zh: str
    unit: str
    direction: Direction
    limits: tuple[float, float, float, float, float]
    # lakes and reservoirs have their own TP limits (Table 1, item 8, "湖、库")
    lake_limits: tuple[float, float, float, float, float] | None = None

    def for_waterbody(self, waterbody_type: str) -> tuple[float, float, float, float, float]:
        if waterbody_type == "lake" and self.lake_limits is not None:
            return self.lake_limits
        return self.limits


def _row(
    item: str,
    name_zh: str,
    limits: tuple[float, float, float, float, float],
    direction: Direction = "max",
    unit: str = "mg/L",
    lake: tuple[float, float, float, float, float] | None = None,
) -> ItemLimits:
    return ItemLimits(item, name_zh, unit, direction, limits, lake)


# GB 3838-2002 表1 地表水环境质量标准基本项目标准限值 (items 2..24; item 1, water temperature,
# has no class limits). "≤" for every item except DO ("≥") and pH (6~9 for all classes).
TABLE_1: Final[dict[str, ItemLimits]] = {
    r.item: r
    for r in (
        _row("pH", "pH值", (6.0, 6.0, 6.0, 6.0, 6.0), "range", unit="无量纲"),
        _row("DO", "溶解氧", (7.5, 6.0, 5.0, 3.0, 2.0), "min"),
        _row("CODMn", "高锰酸盐指数", (2.0, 4.0, 6.0, 10.0, 15.0)),
        _row("COD", "化学需氧量", (15.0, 15.0, 20.0, 30.0, 40.0)),
        _row("BOD5", "五日生化需氧量", (3.0, 3.0, 4.0, 6.0, 10.0)),
        _row("NH3-N", "氨氮", (0.15, 0.5, 1.0, 1.5, 2.0)),
        _row("TP", "总磷", (0.02, 0.1, 0.2, 0.3, 0.4), lake=(0.01, 0.025, 0.05, 0.1, 0.2)),
        _row("TN", "总氮", (0.2, 0.5, 1.0, 1.5, 2.0)),
        _row("Cu", "铜", (0.01, 1.0, 1.0, 1.0, 1.0)),
        _row("Zn", "锌", (0.05, 1.0, 1.0, 2.0, 2.0)),
        _row("F", "氟化物", (1.0, 1.0, 1.0, 1.5, 1.5)),
        _row("Se", "硒", (0.01, 0.01, 0.01, 0.02, 0.02)),
        _row("As", "砷", (0.05, 0.05, 0.05, 0.1, 0.1)),
        _row("Hg", "汞", (0.00005, 0.00005, 0.0001, 0.001, 0.001)),
        _row("Cd", "镉", (0.001, 0.005, 0.005, 0.005, 0.01)),
        _row("Cr6", "铬(六价)", (0.01, 0.05, 0.05, 0.05, 0.1)),
        _row("Pb", "铅", (0.01, 0.01, 0.05, 0.05, 0.1)),
        _row("CN", "氰化物", (0.005, 0.05, 0.2, 0.2, 0.2)),
        _row("VolatilePhenol", "挥发酚", (0.002, 0.002, 0.005, 0.01, 0.1)),
        _row("Petroleum", "石油类", (0.05, 0.05, 0.05, 0.5, 1.0)),
        _row("LAS", "阴离子表面活性剂", (0.2, 0.2, 0.2, 0.3, 0.3)),
        _row("Sulfide", "硫化物", (0.05, 0.1, 0.2, 0.5, 1.0)),
        _row(
            "FecalColiform", "粪大肠菌群", (200.0, 2000.0, 10000.0, 20000.0, 40000.0), unit="个/L"
        ),
    )
}
PH_RANGE: Final = (6.0, 9.0)

ITEMS: Final[tuple[str, ...]] = tuple(TABLE_1)

# 《地表水环境质量评价办法（试行）》一(一)1: the class is judged on the 21 Table 1 items other than
# water temperature, TN and faecal coliforms; TN (lakes only) and faecal coliforms are reported
# separately as reference items.
REFERENCE_ITEMS: Final[tuple[str, ...]] = ("TN", "FecalColiform")
EVALUATED_ITEMS: Final[tuple[str, ...]] = tuple(i for i in ITEMS if i not in REFERENCE_ITEMS)

# No exceedance multiple for these (the method computes none for water temperature, pH, DO).
NO_MULTIPLE: Final[frozenset[str]] = frozenset({"pH", "DO"})
# The method puts cyanide and heavy metals first among the main pollutants when they exceed.
PRIORITY_ITEMS: Final[frozenset[str]] = frozenset(
    {"CN", "Hg", "Cd", "Cr6", "Pb", "As", "Cu", "Zn", "Se"}
)


def reference_items_for(waterbody_type: str) -> tuple[str, ...]:
    """Items reported beside the class: TN only for lakes and reservoirs (rivers: not at all)."""
    return REFERENCE_ITEMS if waterbody_type == "lake" else ("FecalColiform",)


def classify(
    item: str, values: npt.ArrayLike, waterbody_type: str = "river"
) -> npt.NDArray[np.int8]:
    """Class (1..6, 6 = 劣Ⅴ) of each value of ``item``; 0 where the value is NaN.

    A value exactly at a limit belongs to that class (the table reads "≤" / "≥"), and where
    several classes share a limit the best of them applies (COD 15 → class I).
    """
    row = TABLE_1[item]
    v = np.asarray(values, dtype=np.float64)
    if row.direction == "range":
        low, high = PH_RANGE
        inside = (v >= low * (1 - REL_TOL)) & (v <= high * (1 + REL_TOL))
        # pH 6~9 is the same for classes I–V: inside is class I for this item, outside 劣Ⅴ
        out = np.where(inside, 1, WORSE_THAN_V)
    else:
        lim = np.asarray(row.for_waterbody(waterbody_type), dtype=np.float64)
        if row.direction == "max":
            # first class whose limit is ≥ value: count limits strictly below the value
            out = np.searchsorted(lim * (1 + REL_TOL), v, side="left") + 1
        else:
            # DO: first class whose limit is ≤ value; negate to reuse the ascending search
            out = np.searchsorted(-lim * (1 - REL_TOL), -v, side="left") + 1
    return np.where(np.isnan(v), 0, out).astype(np.int8)


def limit_of(item: str, klass: int, waterbody_type: str = "river") -> float:
    """The Table 1 limit of ``item`` for class ``klass`` (1..5)."""
    return TABLE_1[item].for_waterbody(waterbody_type)[klass - 1]


def exceedance_multiple(
    item: str, value: float, target: int = 3, waterbody_type: str = "river"
) -> float | None:
    """超标倍数 = (C − C_target) / C_target, with C_target the class limit (Ⅲ by default).

    None for pH and DO, for which the method computes no multiple, and when C is within the limit.
    """
    if item in NO_MULTIPLE:
        return None
    limit = limit_of(item, target, waterbody_type)
    if value <= limit * (1 + REL_TOL):
        return None
    return (value - limit) / limit
