"""Section evaluation and shares (环办〔2011〕22号), hand-worked."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from luoshi.indicators.water import (
    annual_means,
    classify_frame,
    evaluate_means,
    evaluate_section,
    shares,
    synthetic_samples,
)


def test_tn_and_faecal_coliforms_do_not_set_a_river_class() -> None:
    s = evaluate_section({"CODMn": 3.0, "TN": 5.0, "FecalColiform": 50000}, "river")
    assert s.label == "II"
    assert "TN" not in s.item_classes and "TN" not in s.reference_classes
    assert s.reference_classes == {"FecalColiform": 6}


def test_lake_tn_is_judged_separately_and_tp_uses_lake_limits() -> None:
    s = evaluate_section({"TP": 0.05, "TN": 1.2, "DO": 8.0}, "lake")
    assert s.label == "III"  # lake TP 0.05 is class III (river: II)
    assert s.reference_classes == {"TN": 4}
    assert evaluate_section({"TP": 0.05}, "river").label == "II"


def test_section_worse_than_v_with_limiting_items_and_multiples() -> None:
    s = evaluate_section({"NH3-N": 2.6, "TP": 0.45, "COD": 25.0, "DO": 4.0, "CODMn": 5.0}, "river")
    assert s.label == "劣V"
    # worst class first, then the larger multiple; DO has no multiple
    assert s.limiting_items == ("NH3-N", "TP", "COD", "DO")
    assert s.exceedance["NH3-N"] == pytest.approx(1.6)
    assert s.exceedance["TP"] == pytest.approx(1.25)
    assert s.exceedance["COD"] == pytest.approx(0.25)
    assert s.exceedance["DO"] is None
    assert s.main_pollutants == ("NH3-N", "TP", "COD")


def test_cyanide_and_heavy_metals_come_first_among_main_pollutants() -> None:
    s = evaluate_section({"NH3-N": 1.8, "Pb": 0.06}, "river")
    assert s.label == "V"
    assert s.limiting_items == ("Pb", "NH3-N")


@pytest.mark.parametrize(
    ("means", "target", "label", "limiting"),
    [
        ({"CODMn": 6.0, "NH3-N": 1.0}, 3, "III", ()),
        ({"CODMn": 6.01}, 3, "IV", ("CODMn",)),
        ({"CODMn": 5.0}, 2, "III", ("CODMn",)),  # a class-II target lists class-III items
        ({"CODMn": 8.0}, 4, "IV", ()),
    ],
)
def test_limiting_items_against_the_target_class(
    means: dict[str, float], target: int, label: str, limiting: tuple[str, ...]
) -> None:
    s = evaluate_section(means, "river", target=target)
    assert (s.label, s.limiting_items) == (label, limiting)


def test_no_evaluated_item_gives_no_class() -> None:
    s = evaluate_section({"TN": 0.3}, "river")
    assert s.klass is None and s.label is None


@pytest.mark.parametrize(
    ("classes", "good", "bad"),
    [
        ([1, 2, 3, 4, 6, 6], 50.0, 100 / 3),
        ([3, 3, 3], 100.0, 0.0),
        ([4], 0.0, 0.0),
        ([], None, None),
    ],
)
def test_shares(classes: list[int], good: float | None, bad: float | None) -> None:
    g, b = shares(classes)
    assert g == (None if good is None else pytest.approx(good))
    assert b == (None if bad is None else pytest.approx(bad))


def _samples() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "section": ["A", "A", "B", "B", "C", "D"],
            "waterbody_type": ["river", "river", "river", "river", "lake", "river"],
            "date": [date(2024, m, 1) for m in (1, 2, 1, 2, 1, 1)],
            "NH3-N": [0.8, 1.2, 0.1, 0.2, 0.3, 2.5],
            "COD": [14.0, 16.0, 10.0, None, 12.0, 20.0],
            "TP": [0.1, 0.1, 0.02, 0.02, 0.06, 0.1],
        }
    )


def test_annual_class_from_means_and_shares_over_sections() -> None:
    ev = evaluate_means(annual_means(_samples()))
    # A: NH3-N mean 1.0 → III, COD mean 15 → I, TP 0.1 → II ⇒ III
    assert ev.sections["A"].label == "III"
    assert ev.sections["A"].samples == 2
    # B: NH3-N mean (0.1 + 0.2) / 2 = 0.15000000000000002 in binary, 0.15 in decimals → I
    assert ev.sections["B"].label == "I"
    assert ev.sections["C"].label == "IV"  # lake TP 0.06 → IV
    assert ev.sections["D"].label == "劣V"  # NH3-N 2.5
    assert ev.share_I_III == pytest.approx(50.0)
    assert ev.share_worse_than_V == pytest.approx(25.0)


def test_year_filter() -> None:
    frame = _samples().with_columns(
        pl.when(pl.col("section") == "D")
        .then(pl.lit(date(2023, 6, 1)))
        .otherwise(pl.col("date"))
        .alias("date")
    )
    ev = evaluate_means(annual_means(frame, year=2024))
    assert "D" not in ev.sections and ev.share_worse_than_V == 0.0


def test_vectorized_classes_match_the_detailed_evaluation() -> None:
    means = annual_means(synthetic_samples(n_sections=40, seed=3))
    detailed = evaluate_means(means)
    fast = classify_frame(means)
    for name, klass in zip(fast["section"], fast["class"], strict=True):
        assert detailed.sections[name].klass == klass
