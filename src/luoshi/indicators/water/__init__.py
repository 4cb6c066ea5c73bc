"""Surface water: GB 3838-2002 basic-item limits and the 2011 section evaluation method.

See docs/indicators-water.md for the clauses each rule follows.
"""

from __future__ import annotations

from luoshi.indicators._lazy import lazy_exports

# Names load on first use (PEP 562): the CLI's other commands do not pay for numpy and polars.
_EXPORTS = {
    **dict.fromkeys(("Evaluation", "SectionResult", "annual_means", "classify_frame", "evaluate_means",
                     "evaluate_section", "shares"), "evaluate"),
    **dict.fromkeys(("CLASS_LABELS", "EVALUATED_ITEMS", "ITEMS", "REFERENCE_ITEMS", "TABLE_1", "classify",
                     "exceedance_multiple"), "limits"),
    **dict.fromkeys(("ReadReport", "parse_samples", "read_samples"), "samples"),
    **dict.fromkeys(("synthetic_samples", "write_synthetic_csv"), "synthetic"),
}  # fmt: skip


__getattr__ = lazy_exports(__name__, _EXPORTS)


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
