"""Seawater: GB 3097-1997 classes (第一类…第四类, 劣四类) and the share of good points.

* Table 1 limits for the main items as data (mg/L); "≤" except DO, which the table states as
  "> limit" (strictly greater), and pH, a range (7.8–8.5 for classes I–II, 6.8–8.8 for III–IV).
* A point's class is the worst class among its measured items (single-factor), 5 = 劣四类.
* 近岸海水优良比例 = share of points at class I–II, optionally weighted (e.g. by represented area).

pH's second condition ("同时不超出该海域正常变动范围的0.2/0.5 pH单位") needs the area's baseline and
is not evaluated here. Sources and clauses: docs/indicators-water.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

Direction = Literal["max", "min_strict", "range"]

WORSE_THAN_IV: Final = 5
SEA_CLASS_LABELS: Final[dict[int, str]] = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "劣IV"}
# see luoshi.indicators.water.limits.REL_TOL: absorbs float noise of computed means only
REL_TOL: Final = 1e-9


@dataclass(frozen=True)
class SeaItem:
    item: str
    name_zh: str
    direction: Direction
    limits: tuple[float, float, float, float]


# GB 3097-1997 表1 海水水质标准 (mg/L), the items a coastal monitoring network reports routinely.
TABLE_1: Final[dict[str, SeaItem]] = {
    r.item: r
    for r in (
        SeaItem("DO", "溶解氧", "min_strict", (6.0, 5.0, 4.0, 3.0)),
        SeaItem("COD", "化学需氧量", "max", (2.0, 3.0, 4.0, 5.0)),
        SeaItem("BOD5", "生化需氧量", "max", (1.0, 3.0, 4.0, 5.0)),
        SeaItem("DIN", "无机氮(以N计)", "max", (0.20, 0.30, 0.40, 0.50)),
        SeaItem("NH3", "非离子氨(以N计)", "max", (0.020, 0.020, 0.020, 0.020)),
        SeaItem("PO4", "活性磷酸盐(以P计)", "max", (0.015, 0.030, 0.030, 0.045)),
        SeaItem("Hg", "汞", "max", (0.00005, 0.0002, 0.0002, 0.0005)),
        SeaItem("Cd", "镉", "max", (0.001, 0.005, 0.010, 0.010)),
        SeaItem("Pb", "铅", "max", (0.001, 0.005, 0.010, 0.050)),
        SeaItem("Cr6", "六价铬", "max", (0.005, 0.010, 0.020, 0.050)),
        SeaItem("Cr", "总铬", "max", (0.05, 0.10, 0.20, 0.50)),
        SeaItem("As", "砷", "max", (0.020, 0.030, 0.050, 0.050)),
        SeaItem("Cu", "铜", "max", (0.005, 0.010, 0.050, 0.050)),
        SeaItem("Zn", "锌", "max", (0.020, 0.050, 0.10, 0.50)),
        SeaItem("Se", "硒", "max", (0.010, 0.020, 0.020, 0.050)),
        SeaItem("Ni", "镍", "max", (0.005, 0.010, 0.020, 0.050)),
        SeaItem("CN", "氰化物", "max", (0.005, 0.005, 0.10, 0.20)),
        SeaItem("Sulfide", "硫化物(以S计)", "max", (0.02, 0.05, 0.10, 0.25)),
        SeaItem("VolatilePhenol", "挥发性酚", "max", (0.005, 0.005, 0.010, 0.050)),
        SeaItem("Petroleum", "石油类", "max", (0.05, 0.05, 0.30, 0.50)),
        SeaItem("LAS", "阴离子表面活性剂(以LAS计)", "max", (0.03, 0.10, 0.10, 0.10)),
    )
}
PH_RANGES: Final = ((7.8, 8.5), (6.8, 8.8))  # classes I–II, classes III–IV
SEA_ITEMS: Final[tuple[str, ...]] = ("pH", *TABLE_1)


def classify_seawater(item: str, values: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """Class (1..5, 5 = 劣四类) of each value of ``item``; 0 where the value is NaN."""
    v = np.asarray(values, dtype=np.float64)
    if item == "pH":
        (lo12, hi12), (lo34, hi34) = PH_RANGES
        in12 = (v >= lo12 * (1 - REL_TOL)) & (v <= hi12 * (1 + REL_TOL))
        in34 = (v >= lo34 * (1 - REL_TOL)) & (v <= hi34 * (1 + REL_TOL))
        out = np.where(in12, 1, np.where(in34, 3, WORSE_THAN_IV))
    else:
        row = TABLE_1[item]
        lim = np.asarray(row.limits, dtype=np.float64)
        if row.direction == "max":
            # "≤": a value at the limit belongs to that class; shared limits give the best class
            out = np.searchsorted(lim * (1 + REL_TOL), v, side="left") + 1
        else:
            # DO "> limit": a value equal to the limit fails that class (6 → class II)
            out = np.searchsorted(-lim * (1 + REL_TOL), -v, side="right") + 1
    return np.where(np.isnan(v), 0, out).astype(np.int8)


@dataclass(frozen=True)
class SeaPoint:
    point: str
    klass: int | None  # None when no item was measured
    item_classes: dict[str, int]
    limiting_items: tuple[str, ...]  # items at the point's class when it is worse than II

    @property
    def label(self) -> str | None:
        return None if self.klass is None else SEA_CLASS_LABELS[self.klass]


def evaluate_point(values: Mapping[str, float], point: str = "") -> SeaPoint:
    """Single-factor class of one point (item → mg/L; pH dimensionless; NaN = not measured)."""
    unknown = [k for k in values if k not in SEA_ITEMS]
    if unknown:
        raise ValueError(f"unknown seawater item(s) {unknown}; known: {list(SEA_ITEMS)}")
    classes = {k: int(classify_seawater(k, [v])[0]) for k, v in values.items() if not np.isnan(v)}
    klass = max(classes.values()) if classes else None
    limiting = (
        tuple(sorted(k for k, c in classes.items() if c == klass))
        if klass is not None and klass > 2
        else ()
    )
    return SeaPoint(point, klass, classes, limiting)


def classify_points(columns: Mapping[str, npt.ArrayLike]) -> npt.NDArray[np.int8]:
    """Vectorized: the class of every point from item columns of equal length (0 = none measured)."""
    worst: npt.NDArray[np.int8] | None = None
    for item, values in columns.items():
        if item not in SEA_ITEMS:
            raise ValueError(f"unknown seawater item {item!r}")
        c = classify_seawater(item, values)
        worst = c if worst is None else np.maximum(worst, c)
    if worst is None:
        raise ValueError("no item columns given")
    return worst


def good_share(classes: Iterable[int], weights: Iterable[float] | None = None) -> float | None:
    """近岸海水优良比例: percent of points (or of total weight) at class I–II.

    Points without a class (0 or None) are left out of numerator and denominator alike; None when
    nothing is left. Pass ``weights`` (e.g. the sea area each point represents) for an area share.
    """
    c = np.asarray([0 if k is None else k for k in classes], dtype=np.int64)
    w = np.ones(c.size) if weights is None else np.asarray(list(weights), dtype=np.float64)
    if w.shape != c.shape:
        raise ValueError("weights must match classes one to one")
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    valid = c > 0
    total = float(w[valid].sum())
    if total == 0:
        return None
    return float(w[valid & (c <= 2)].sum()) * 100.0 / total
