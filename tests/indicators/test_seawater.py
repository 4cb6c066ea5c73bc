"""GB 3097-1997 class boundaries and the share of good (class I–II) points, hand-worked."""

from __future__ import annotations

import numpy as np
import pytest

from luoshi.indicators.seawater import (
    classify_points,
    classify_seawater,
    evaluate_point,
    good_share,
)

W = 5  # 劣四类

BOUNDARIES = [
    # DO: the table says "> limit", so a value at the limit falls to the next class
    ("DO", 6.01, 1), ("DO", 6.0, 2), ("DO", 5.01, 2), ("DO", 5.0, 3), ("DO", 4.0, 4),
    ("DO", 3.01, 4), ("DO", 3.0, W),
    ("COD", 2.0, 1), ("COD", 2.01, 2), ("COD", 3.0, 2), ("COD", 4.0, 3), ("COD", 5.0, 4),
    ("COD", 5.01, W),
    ("DIN", 0.20, 1), ("DIN", 0.21, 2), ("DIN", 0.30, 2), ("DIN", 0.40, 3), ("DIN", 0.50, 4),
    ("DIN", 0.51, W),
    # classes II and III share 0.030: the better class applies
    ("PO4", 0.015, 1), ("PO4", 0.016, 2), ("PO4", 0.030, 2), ("PO4", 0.031, 4),
    ("PO4", 0.045, 4), ("PO4", 0.046, W),
    ("Petroleum", 0.05, 1), ("Petroleum", 0.051, 3), ("Petroleum", 0.30, 3),
    ("Petroleum", 0.50, 4), ("Petroleum", 0.51, W),
    ("Hg", 0.00005, 1), ("Hg", 0.0002, 2), ("Hg", 0.0005, 4), ("Hg", 0.00051, W),
    ("Cd", 0.001, 1), ("Cd", 0.005, 2), ("Cd", 0.010, 3), ("Cd", 0.011, W),
    ("Pb", 0.001, 1), ("Pb", 0.005, 2), ("Pb", 0.010, 3), ("Pb", 0.050, 4),
    ("Cu", 0.005, 1), ("Cu", 0.010, 2), ("Cu", 0.050, 3), ("Cu", 0.051, W),
    ("Zn", 0.020, 1), ("Zn", 0.050, 2), ("Zn", 0.10, 3), ("Zn", 0.50, 4), ("Zn", 0.51, W),
    ("As", 0.020, 1), ("As", 0.030, 2), ("As", 0.050, 3),
    # pH: 7.8–8.5 for classes I–II, 6.8–8.8 for III–IV
    ("pH", 7.8, 1), ("pH", 8.5, 1), ("pH", 7.79, 3), ("pH", 8.51, 3), ("pH", 6.8, 3),
    ("pH", 8.8, 3), ("pH", 6.79, W), ("pH", 8.81, W),
]  # fmt: skip


@pytest.mark.parametrize(("item", "value", "expected"), BOUNDARIES)
def test_class_boundaries(item: str, value: float, expected: int) -> None:
    assert classify_seawater(item, [value])[0] == expected


def test_point_class_is_the_worst_item() -> None:
    p = evaluate_point({"DO": 5.5, "DIN": 0.35, "PO4": 0.02, "pH": 8.1, "COD": float("nan")})
    assert p.label == "III"
    assert p.limiting_items == ("DIN",)
    assert "COD" not in p.item_classes


def test_point_worse_than_iv() -> None:
    p = evaluate_point({"DIN": 0.62, "PO4": 0.05})
    assert (p.label, p.limiting_items) == ("劣IV", ("DIN", "PO4"))


def test_unknown_item_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown seawater item"):
        evaluate_point({"TP": 0.1})


def test_vectorized_points() -> None:
    classes = classify_points(
        {"DIN": np.array([0.1, 0.25, 0.45, np.nan]), "DO": np.array([7.0, 7.0, 7.0, np.nan])}
    )
    assert classes.tolist() == [1, 2, 4, 0]


@pytest.mark.parametrize(
    ("classes", "weights", "expected"),
    [
        ([1, 2, 3, 5, 2], None, 60.0),
        ([1, 2, 3, 5, 2], [1, 1, 1, 1, 6], 80.0),  # area-weighted: (1 + 1 + 6) / 10
        ([1, 0, 4], None, 50.0),  # a point with no class counts for neither side
        ([0], None, None),
    ],
)
def test_good_share(
    classes: list[int], weights: list[float] | None, expected: float | None
) -> None:
    got = good_share(classes, weights)
    assert got == (None if expected is None else pytest.approx(expected))
