"""三年滑动平均 (HJ 663-2026): the function on hand-worked values, and the multi-year command."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from luoshi.indicators.air.annual import moving_average
from luoshi.indicators.air.run import main
from luoshi.indicators.air.synthetic import generate_hourly, write_hourly


def test_three_year_mean_is_exact_then_rounded_once() -> None:
    # PM2.5 30.4, 30.4, 31.4: mean 92.2/3 = 30.733 -> 31 > 30 (GB 3095-2026 transition class 2).
    # Rounding each year first (30, 30, 31) would give 30.33 -> 30 and "meets": not done.
    per_year = {
        2024: {"PM2.5": Fraction(304, 10), "CO_P95": Fraction(12, 10)},
        2025: {"PM2.5": 30.4, "CO_P95": 1.3},
        2026: {"PM2.5": Fraction(314, 10), "CO_P95": Fraction(13, 10)},
    }
    ma = moving_average(per_year)
    assert list(ma) == [2026]
    m = ma[2026]
    assert m["years"] == [2024, 2025, 2026]
    assert m["generation"] == "2026" and m["limits"].startswith("GB 3095-2026 transition")
    pm = m["statistics"]["PM2.5"]
    assert (pm["value"], pm["class2_limit"], pm["meets_class2"]) == (31, 30, False)
    # CO: (1.2 + 1.3 + 1.3)/3 = 1.2667 -> 1.3 mg/m³ <= 4
    co = m["statistics"]["CO_P95"]
    assert (co["value"], co["meets_class2"]) == (1.3, True)
    assert m["statistics"]["SO2"]["value"] is None and m["meets_class2"] is None
    assert "note" not in m


def test_half_even_on_the_exact_mean() -> None:
    # 29, 30, 31.5 -> 90.5/3 = 30.1667 -> 30; 30, 30, 31.5 -> 30.5 -> 30 (half to even)
    for vals, want in (((29, 30, 31.5), 30), ((30, 30, 31.5), 30), ((30, 31, 31.5), 31)):
        per = {2026 + i: {"PM2.5": v} for i, v in enumerate(vals)}
        assert moving_average(per)[2028]["statistics"]["PM2.5"]["value"] == want


def test_needs_three_consecutive_years() -> None:
    assert moving_average({2024: {"PM2.5": 30}, 2026: {"PM2.5": 30}, 2027: {"PM2.5": 30}}) == {}
    four = {y: {"PM2.5": Fraction(y - 1990)} for y in (2023, 2024, 2025, 2026)}
    ma = moving_average(four)
    assert list(ma) == [2025, 2026]
    assert ma[2025]["statistics"]["PM2.5"]["value"] == 34  # (33+34+35)/3
    # 2025 is judged by the 2012 generation: GB 3095-2012 class 2 = 35, with a note
    assert ma[2025]["generation"] == "2012" and ma[2025]["statistics"]["PM2.5"]["meets_class2"]
    assert "for comparison only" in ma[2025]["note"]
    # 2026: (34+35+36)/3 = 35 > 30
    assert ma[2026]["statistics"]["PM2.5"]["meets_class2"] is False


def test_final_limits_from_2031() -> None:
    per = {y: {"PM2.5": 26} for y in (2029, 2030, 2031)}
    ma = moving_average(per)
    assert ma[2031]["limits"].startswith("GB 3095-2026 final")
    assert ma[2031]["statistics"]["PM2.5"]["meets_class2"] is False  # 26 > 25
    assert list(ma) == [2031]


@pytest.fixture(scope="module")
def three_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ma")
    # 2024-01-01 .. 2026-12-31 (1096 days; hour-end labels, the last row 2027-01-01 00:00)
    return write_hourly(generate_hourly(3, "2024-01-01", 1096, seed=5), d / "h.csv")


def test_cli_prints_each_year_and_the_moving_average(
    three_years: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(three_years), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["years"]) == {"2024", "2025", "2026"}
    assert set(out["moving_average"]) == {"2026"}
    m = out["moving_average"]["2026"]
    assert m["years"] == [2024, 2025, 2026] and m["generation"] == "2026"
    per = [out["years"][y]["city"]["PM2.5"] for y in ("2024", "2025", "2026")]
    assert abs(m["statistics"]["PM2.5"]["value"] - sum(per) / 3) <= 1
    assert out["years"]["2025"]["city"]["valid_days"] <= 365
    assert set(out["years"]["2024"]["stations"]) == {"SYN-001", "SYN-002", "SYN-003"}
    assert main([str(three_years)]) == 0
    text = capsys.readouterr().out
    assert "CITY 2025" in text and "3y 2024-2026" in text


def test_single_year_output_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write_hourly(generate_hourly(2, "2025-01-01", 20, seed=1), tmp_path / "h.csv")
    assert main([str(p), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"stations", "city", "exclusions", "assessment"}
