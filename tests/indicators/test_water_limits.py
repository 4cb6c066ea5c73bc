"""GB 3838-2002 Table 1 class boundaries, worked by hand from the table ("≤", DO "≥")."""

from __future__ import annotations

import numpy as np
import pytest

from luoshi.indicators.water.limits import (
    EVALUATED_ITEMS,
    ITEMS,
    classify,
    exceedance_multiple,
)

V6 = 6  # 劣Ⅴ

BOUNDARIES = [
    # item, waterbody, value, expected class
    ("CODMn", "river", 2.0, 1), ("CODMn", "river", 2.01, 2), ("CODMn", "river", 4.0, 2),
    ("CODMn", "river", 4.01, 3), ("CODMn", "river", 6.0, 3), ("CODMn", "river", 6.01, 4),
    ("CODMn", "river", 10.0, 4), ("CODMn", "river", 10.01, 5), ("CODMn", "river", 15.0, 5),
    ("CODMn", "river", 15.01, V6),
    # classes sharing a limit: the best class applies
    ("COD", "river", 15.0, 1), ("COD", "river", 15.1, 3), ("COD", "river", 20.0, 3),
    ("COD", "river", 20.1, 4), ("COD", "river", 30.0, 4), ("COD", "river", 40.0, 5),
    ("COD", "river", 40.1, V6),
    ("BOD5", "river", 3.0, 1), ("BOD5", "river", 3.1, 3), ("BOD5", "river", 4.0, 3),
    ("BOD5", "river", 6.0, 4), ("BOD5", "river", 10.0, 5), ("BOD5", "river", 10.1, V6),
    ("NH3-N", "river", 0.15, 1), ("NH3-N", "river", 0.16, 2), ("NH3-N", "river", 0.5, 2),
    ("NH3-N", "river", 1.0, 3), ("NH3-N", "river", 1.5, 4), ("NH3-N", "river", 2.0, 5),
    ("NH3-N", "river", 2.01, V6),
    ("TP", "river", 0.02, 1), ("TP", "river", 0.1, 2), ("TP", "river", 0.2, 3),
    ("TP", "river", 0.3, 4), ("TP", "river", 0.4, 5), ("TP", "river", 0.41, V6),
    ("TP", "lake", 0.01, 1), ("TP", "lake", 0.025, 2), ("TP", "lake", 0.05, 3),
    ("TP", "lake", 0.1, 4), ("TP", "lake", 0.2, 5), ("TP", "lake", 0.21, V6),
    ("TP", "river", 0.05, 2), ("TP", "lake", 0.06, 4),
    ("Hg", "river", 0.00005, 1), ("Hg", "river", 0.00006, 3), ("Hg", "river", 0.0001, 3),
    ("Hg", "river", 0.001, 4), ("Hg", "river", 0.0011, V6),
    ("Cu", "river", 0.01, 1), ("Cu", "river", 0.011, 2), ("Cu", "river", 1.0, 2),
    ("Cu", "river", 1.01, V6),
    ("Cd", "river", 0.001, 1), ("Cd", "river", 0.005, 2), ("Cd", "river", 0.0051, 5),
    ("Cd", "river", 0.01, 5), ("Cd", "river", 0.011, V6),
    ("Pb", "river", 0.01, 1), ("Pb", "river", 0.05, 3), ("Pb", "river", 0.1, 5),
    ("CN", "river", 0.005, 1), ("CN", "river", 0.05, 2), ("CN", "river", 0.2, 3),
    ("CN", "river", 0.21, V6),
    ("VolatilePhenol", "river", 0.002, 1), ("VolatilePhenol", "river", 0.005, 3),
    ("VolatilePhenol", "river", 0.01, 4), ("VolatilePhenol", "river", 0.1, 5),
    ("Petroleum", "river", 0.05, 1), ("Petroleum", "river", 0.5, 4), ("Petroleum", "river", 1.0, 5),
    ("Sulfide", "river", 0.05, 1), ("Sulfide", "river", 0.1, 2), ("Sulfide", "river", 1.01, V6),
    ("FecalColiform", "river", 200, 1), ("FecalColiform", "river", 10000, 3),
    ("FecalColiform", "river", 40001, V6),
    # DO: "≥", higher is better
    ("DO", "river", 7.5, 1), ("DO", "river", 7.49, 2), ("DO", "river", 6.0, 2),
    ("DO", "river", 5.99, 3), ("DO", "river", 5.0, 3), ("DO", "river", 3.0, 4),
    ("DO", "river", 2.99, 5), ("DO", "river", 2.0, 5), ("DO", "river", 1.99, V6),
    # pH: 6~9 for every class; outside is 劣Ⅴ
    ("pH", "river", 6.0, 1), ("pH", "river", 9.0, 1), ("pH", "river", 7.3, 1),
    ("pH", "river", 5.99, V6), ("pH", "river", 9.01, V6),
]  # fmt: skip


@pytest.mark.parametrize(("item", "kind", "value", "expected"), BOUNDARIES)
def test_class_boundaries(item: str, kind: str, value: float, expected: int) -> None:
    assert classify(item, [value], kind)[0] == expected


def test_classify_is_vectorized_and_nan_is_unmeasured() -> None:
    out = classify("NH3-N", np.array([0.1, 0.5, np.nan, 3.0]))
    assert out.tolist() == [1, 2, 0, 6]


@pytest.mark.parametrize(
    ("item", "value", "expected"),
    [
        ("TP", 0.1 + 0.2, 4),  # 0.30000000000000004 is 0.3: class IV, not V
        ("NH3-N", (0.7 + 1.3) / 2, 3),  # a mean equal to 1.0 in decimals
        ("DO", 0.1 * 50, 3),  # 5.000000000000001 / 4.999… is still 5
    ],
)
def test_float_noise_never_pushes_a_value_over_its_limit(
    item: str, value: float, expected: int
) -> None:
    assert classify(item, [value])[0] == expected


def test_the_21_evaluated_items() -> None:
    assert len(ITEMS) == 23  # Table 1 items 2..24 (water temperature has no classes)
    assert len(EVALUATED_ITEMS) == 21
    assert "TN" not in EVALUATED_ITEMS and "FecalColiform" not in EVALUATED_ITEMS


@pytest.mark.parametrize(
    ("item", "value", "target", "kind", "expected"),
    [
        ("NH3-N", 2.6, 3, "river", 1.6),  # (2.6 − 1.0) / 1.0
        ("TP", 0.45, 3, "river", 1.25),  # (0.45 − 0.2) / 0.2
        ("TP", 0.075, 3, "lake", 0.5),  # (0.075 − 0.05) / 0.05
        ("CODMn", 5.0, 2, "river", 0.25),  # target class II: (5 − 4) / 4
        ("COD", 18.0, 3, "river", None),  # within class III
        ("DO", 1.0, 3, "river", None),  # no multiple for DO
        ("pH", 10.0, 3, "river", None),  # nor for pH
    ],
)
def test_exceedance_multiple(
    item: str, value: float, target: int, kind: str, expected: float | None
) -> None:
    got = exceedance_multiple(item, value, target, kind)
    assert got == (None if expected is None else pytest.approx(expected))
