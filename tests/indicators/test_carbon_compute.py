"""CO2, standard coal and intensity decrease, hand-worked from the shipped factors."""

from __future__ import annotations

import numpy as np
import pytest

from luoshi.indicators.carbon import (
    annualized_decrease,
    carbon_intensity,
    co2_from_fuel,
    decrease_percent,
    electricity_emissions,
    energy_intensity,
    fuel_emissions,
    grid_factor,
    load_factors,
    meets_target,
    required_value,
    standard_coal,
)


def test_raw_coal_by_hand() -> None:
    # 1,000 t × 20.908 GJ/t × 26.37 tC/TJ × 1e-3 × 0.94 × 44/12
    # = 1,000 × 0.55134396 × 0.94 × 3.666… = 1,900.2988 t CO2
    assert co2_from_fuel("raw_coal", 1000.0) == pytest.approx(1900.2988488, rel=1e-10)
    assert standard_coal({"raw_coal": 1000.0}) == pytest.approx(714.3)


@pytest.mark.parametrize(
    ("fuel", "per_unit"),
    [  # the 二氧化碳排放系数 column of the compiled reference table (kg CO2/kg = t/t)
        ("raw_coal", 1.9003), ("coke", 2.8604), ("crude_oil", 3.0202), ("fuel_oil", 3.1705),
        ("gasoline", 2.9251), ("kerosene", 3.0179), ("diesel", 3.0959), ("lpg", 3.1013),
        ("refinery_gas", 3.0119), ("natural_gas", 21.622),  # 2.1622 kg/m3 → t per 10^4 m3
    ],
)  # fmt: skip
def test_shipped_factors_reproduce_the_published_combined_factors(
    fuel: str, per_unit: float
) -> None:
    assert load_factors()[fuel].co2_factor == pytest.approx(per_unit, abs=5e-5 * per_unit)


def test_electricity_is_indirect_with_a_grid_factor() -> None:
    assert electricity_emissions(10_000.0, 0.5366) == pytest.approx(5366.0)
    assert grid_factor(2022) == 0.5366 and grid_factor(2023) == 0.5306
    assert grid_factor(2022, "national_grid_ets") == 0.5703
    with pytest.raises(ValueError, match="grid factor"):
        co2_from_fuel("electricity", 1.0)
    with pytest.raises(KeyError):
        grid_factor(1999)


def test_fuel_emissions_total_and_vectorized_quantities() -> None:
    out = fuel_emissions({"raw_coal": 1000.0, "natural_gas": 10.0})
    assert out["total"] == pytest.approx(out["raw_coal"] + out["natural_gas"])
    arr = co2_from_fuel("raw_coal", np.array([0.0, 1000.0, 2000.0]))
    assert arr.tolist() == pytest.approx([0.0, 1900.2988488, 3800.5976976])


def test_standard_coal_with_electricity_equivalent_value() -> None:
    use = {"raw_coal": 1000.0, "electricity": 1000.0}
    assert standard_coal(use) == pytest.approx(714.3 + 122.9)  # 当量值 0.1229 tce/MWh
    assert standard_coal(use, electricity_tce_per_mwh=0.3) == pytest.approx(1014.3)


@pytest.mark.parametrize(
    ("base", "current", "expected"),
    [(0.5, 0.42, 16.0), (1.0, 0.865, 13.5), (0.4, 0.44, -10.0)],
)
def test_decrease_against_base_year(base: float, current: float, expected: float) -> None:
    assert decrease_percent(base, current) == pytest.approx(expected)


def test_intensity_and_annualized_rate() -> None:
    # base: 1,000 tCO2 and 500 tce over 2,000 万元; now 1,050 tCO2, 480 tce over 2,500 万元
    c0, c1 = carbon_intensity(1000.0, 2000.0), carbon_intensity(1050.0, 2500.0)
    assert c0 == pytest.approx(0.5) and c1 == pytest.approx(0.42)
    assert decrease_percent(c0, c1) == pytest.approx(16.0)
    assert energy_intensity(480.0, 2500.0) == pytest.approx(0.192)
    # (1 − 0.84^(1/5)) × 100: 0.84^0.2 = exp(ln 0.84 / 5) = exp(−0.0348707) = 0.9657302
    assert annualized_decrease(0.5, 0.42, 5) == pytest.approx(3.42698, abs=1e-4)
    assert required_value(0.5, 16.0) == pytest.approx(0.42)
    assert meets_target(0.5, 0.42, 16.0) and not meets_target(0.5, 0.421, 16.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: carbon_intensity(1.0, 0.0),
        lambda: decrease_percent(0.0, 1.0),
        lambda: annualized_decrease(1.0, 0.5, 0),
        lambda: co2_from_fuel("raw_coal", -1.0),
        lambda: electricity_emissions(1.0, 7.0),
    ],
)
def test_impossible_inputs_are_refused(call: object) -> None:
    with pytest.raises(ValueError):
        call()  # type: ignore[operator]


def test_unknown_fuel() -> None:
    with pytest.raises(KeyError, match="not in the factor table"):
        co2_from_fuel("peat", 1.0)
