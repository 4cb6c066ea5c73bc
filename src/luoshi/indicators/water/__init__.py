"""Surface water: GB 3838-2002 basic-item limits and the 2011 section evaluation method.

See docs/indicators-water.md for the clauses each rule follows.
"""

from luoshi.indicators.water.evaluate import (
    Evaluation,
    SectionResult,
    annual_means,
    classify_frame,
    evaluate_means,
    evaluate_section,
    shares,
)
from luoshi.indicators.water.limits import (
    CLASS_LABELS,
    EVALUATED_ITEMS,
    ITEMS,
    REFERENCE_ITEMS,
    TABLE_1,
    classify,
    exceedance_multiple,
)
from luoshi.indicators.water.samples import ReadReport, parse_samples, read_samples
from luoshi.indicators.water.synthetic import synthetic_samples, write_synthetic_csv

__all__ = [
    "CLASS_LABELS",
    "EVALUATED_ITEMS",
    "ITEMS",
    "REFERENCE_ITEMS",
    "TABLE_1",
    "Evaluation",
    "ReadReport",
    "SectionResult",
    "annual_means",
    "classify",
    "classify_frame",
    "evaluate_means",
    "evaluate_section",
    "exceedance_multiple",
    "parse_samples",
    "read_samples",
    "shares",
    "synthetic_samples",
    "write_synthetic_csv",
]
