"""Section evaluation under 《地表水环境质量评价办法（试行）》 (环办〔2011〕22号).

* a section's class is the worst class among its evaluated items (single-factor method);
* the annual class comes from annual mean concentrations (arithmetic mean of the year's samples);
* sections worse than class Ⅲ (or than their target class) list their exceeding items with
  超标倍数 = (C − C_Ⅲ) / C_Ⅲ;
* 优Ⅲ比例 and 劣Ⅴ比例 are counts of sections over the number of sections evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from luoshi.indicators.water.limits import (
    CLASS_LABELS,
    EVALUATED_ITEMS,
    PRIORITY_ITEMS,
    TABLE_1,
    WORSE_THAN_V,
    classify,
    exceedance_multiple,
    reference_items_for,
)

MAIN_POLLUTANTS = 3  # the method names the top three exceeding items as 主要污染指标


@dataclass(frozen=True)
class SectionResult:
    """The evaluation of one section over one period."""

    section: str
    waterbody_type: str
    klass: int | None  # 1..6; None when no evaluated item was measured
    limiting_items: tuple[str, ...]  # exceeding items, in the method's order of precedence
    exceedance: dict[str, float | None]  # 超标倍数 of each limiting item (None for pH, DO)
    item_classes: dict[str, int]
    item_means: dict[str, float]
    reference_classes: dict[str, int]  # TN (lakes) and faecal coliforms, judged separately
    samples: int = 0
    target: int = 3

    @property
    def label(self) -> str | None:
        return None if self.klass is None else CLASS_LABELS[self.klass]

    @property
    def main_pollutants(self) -> tuple[str, ...]:
        return self.limiting_items[:MAIN_POLLUTANTS]


@dataclass(frozen=True)
class Evaluation:
    """Sections plus the shares over them."""

    sections: dict[str, SectionResult]
    share_I_III: float | None
    share_worse_than_V: float | None
    not_evaluated: tuple[str, ...] = field(default=())  # sections with no evaluated item


def evaluate_section(
    means: Mapping[str, float],
    waterbody_type: str = "river",
    *,
    section: str = "",
    target: int = 3,
    samples: int = 0,
) -> SectionResult:
    """Evaluate one section from its period means (item → mg/L; NaN or absent = not measured)."""
    item_means = {k: float(v) for k, v in means.items() if k in TABLE_1 and not np.isnan(v)}
    item_classes = {
        item: int(classify(item, [value], waterbody_type)[0])
        for item, value in item_means.items()
        if item in EVALUATED_ITEMS
    }
    reference = {
        item: int(classify(item, [item_means[item]], waterbody_type)[0])
        for item in reference_items_for(waterbody_type)
        if item in item_means
    }
    klass = max(item_classes.values()) if item_classes else None
    if not 1 <= target <= 5:
        raise ValueError(f"target class must be 1..5, got {target}")
    threshold = target
    limiting: list[str] = []
    exceedance: dict[str, float | None] = {}
    if klass is not None and klass > threshold:
        over = [i for i, c in item_classes.items() if c > threshold]
        for item in over:
            exceedance[item] = exceedance_multiple(
                item, item_means[item], threshold, waterbody_type
            )
        limiting = sorted(over, key=lambda i: _precedence(i, item_classes[i], exceedance[i]))
    return SectionResult(
        section=section,
        waterbody_type=waterbody_type,
        klass=klass,
        limiting_items=tuple(limiting),
        exceedance={i: exceedance[i] for i in limiting},
        item_classes=item_classes,
        item_means=item_means,
        reference_classes=reference,
        samples=samples,
        target=target,
    )


def _precedence(item: str, klass: int, multiple: float | None) -> tuple[int, int, float, str]:
    # cyanide and heavy metals first, then the worse class, then the larger multiple
    return (0 if item in PRIORITY_ITEMS else 1, -klass, -(multiple or 0.0), item)


def annual_means(samples: pl.DataFrame, year: int | None = None) -> pl.DataFrame:
    """Per-section arithmetic means of each item over the samples (of ``year`` if given).

    ``samples`` has columns ``section``, ``waterbody_type``, ``date`` (pl.Date) and item columns
    (Float64, null = not measured). The result has one row per section, a ``samples`` count and
    one mean column per item; an item never measured at a section stays null.
    """
    frame = samples
    if year is not None:
        frame = frame.filter(pl.col("date").dt.year() == year)
    items = [c for c in frame.columns if c in TABLE_1]
    return (
        frame.group_by("section", maintain_order=True)
        .agg(
            pl.col("waterbody_type").first(),
            pl.len().alias("samples"),
            *[pl.col(i).mean() for i in items],
        )
        .sort("section")
    )


def evaluate_means(means: pl.DataFrame, targets: Mapping[str, int] | None = None) -> Evaluation:
    """Evaluate every section of an :func:`annual_means` frame and the shares over them."""
    items = [c for c in means.columns if c in TABLE_1]
    sections: dict[str, SectionResult] = {}
    for row in means.iter_rows(named=True):
        name = str(row["section"])
        values = {i: np.nan if row[i] is None else float(row[i]) for i in items}
        sections[name] = evaluate_section(
            values,
            str(row["waterbody_type"]),
            section=name,
            target=(targets or {}).get(name, 3),
            samples=int(row.get("samples") or 0),
        )
    classes = [s.klass for s in sections.values() if s.klass is not None]
    share_good, share_bad = shares(classes)
    missing = tuple(n for n, s in sections.items() if s.klass is None)
    return Evaluation(sections, share_good, share_bad, missing)


def shares(classes: Iterable[int]) -> tuple[float | None, float | None]:
    """(优Ⅲ比例, 劣Ⅴ比例) in percent over the sections given; (None, None) for no sections."""
    arr = np.fromiter(classes, dtype=np.int64)
    if arr.size == 0:
        return None, None
    good = float(np.count_nonzero(arr <= 3)) * 100.0 / arr.size
    bad = float(np.count_nonzero(arr == WORSE_THAN_V)) * 100.0 / arr.size
    return good, bad


def classify_frame(means: pl.DataFrame) -> pl.DataFrame:
    """Vectorized: the class of every section (column ``class``, 1..6, null if none measured).

    Same rule as :func:`evaluate_section` without the per-item detail; meant for large frames.
    """
    n = means.height
    worst = np.zeros(n, dtype=np.int8)
    is_lake = (means["waterbody_type"] == "lake").to_numpy()
    for item in EVALUATED_ITEMS:
        if item not in means.columns:
            continue
        v = means[item].cast(pl.Float64).fill_null(np.nan).to_numpy()
        if item == "TP":
            c = np.where(is_lake, classify(item, v, "lake"), classify(item, v, "river"))
        else:
            c = classify(item, v)
        worst = np.maximum(worst, c)
    return means.with_columns(pl.Series("class", worst).cast(pl.Int8).replace(0, None))
