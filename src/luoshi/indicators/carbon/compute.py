"""CO2 from energy use, energy in tonnes of standard coal, intensities and their decrease.

All functions are pure and accept scalars or NumPy arrays (one value per region or year).

* direct CO2 of a fuel = quantity × NCV × carbon content per unit heat × oxidation rate × 44/12
  (《省级温室气体清单编制指南（试行）》 reference approach), or quantity × combined factor;
* indirect CO2 of purchased electricity = MWh × grid factor (t CO2/MWh) chosen by the caller;
* energy = Σ quantity × standard-coal coefficient (GB/T 2589), electricity by default at its
  当量值 (0.1229 kgce/kWh) — pass the 等价值 of the year when the statistics use it;
* intensity = quantity / GDP in 万元 at constant prices. Converting GDP to the base year's
  constant prices is the caller's job (statistical yearbooks publish the index): a decrease
  computed against current-price GDP is not the one the plans state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from luoshi.indicators.carbon.factors import FuelFactor, load_factors

Num = TypeVar("Num", float, npt.NDArray[np.float64])


def _table(factors: Mapping[str, FuelFactor] | None) -> Mapping[str, FuelFactor]:
    return load_factors() if factors is None else factors


def _factor(fuel: str, factors: Mapping[str, FuelFactor]) -> FuelFactor:
    try:
        return factors[fuel]
    except KeyError:
        raise KeyError(f"fuel {fuel!r} is not in the factor table ({', '.join(factors)})") from None


def _check_quantity(fuel: str, quantity: float | npt.NDArray[np.float64]) -> None:
    if np.any(np.asarray(quantity) < 0):
        raise ValueError(f"negative consumption of {fuel}")


def co2_from_fuel(fuel: str, quantity: Num, factors: Mapping[str, FuelFactor] | None = None) -> Num:
    """Direct CO2 (t) from burning ``quantity`` of ``fuel`` (in the table's unit for it)."""
    row = _factor(fuel, _table(factors))
    _check_quantity(fuel, quantity)
    factor = row.co2_factor
    if factor is None:
        raise ValueError(
            f"{fuel} has no direct emission factor"
            + (": use electricity_emissions with a grid factor" if fuel == "electricity" else "")
        )
    return quantity * factor


def fuel_emissions(
    consumption: Mapping[str, float], factors: Mapping[str, FuelFactor] | None = None
) -> dict[str, float]:
    """Direct CO2 (t) per fuel of a consumption record (fuel → quantity); ``total`` added.

    Electricity is not a fuel here: pass it to :func:`electricity_emissions`.
    """
    table = _table(factors)
    out = {f: float(co2_from_fuel(f, float(q), table)) for f, q in consumption.items()}
    out["total"] = float(sum(out.values()))
    return out


def electricity_emissions(mwh: Num, grid_factor: float) -> Num:
    """Indirect CO2 (t) of purchased electricity: MWh × grid factor (t CO2/MWh)."""
    if not 0 <= grid_factor < 5:
        raise ValueError(f"grid factor {grid_factor} t CO2/MWh is not plausible")
    _check_quantity("electricity", mwh)
    return mwh * grid_factor


def standard_coal(
    consumption: Mapping[str, float],
    factors: Mapping[str, FuelFactor] | None = None,
    electricity_tce_per_mwh: float | None = None,
) -> float:
    """Energy use in tce (吨标准煤) via the table's GB/T 2589 coefficients.

    ``electricity_tce_per_mwh`` overrides the table's 当量值 for electricity, e.g. with the
    等价值 (the year's coal use per kWh supplied) when the statistics count it that way.
    """
    table = _table(factors)
    total = 0.0
    for fuel, quantity in consumption.items():
        _check_quantity(fuel, quantity)
        row = _factor(fuel, table)
        coefficient = row.tce_per_unit
        if fuel == "electricity" and electricity_tce_per_mwh is not None:
            coefficient = electricity_tce_per_mwh
        if coefficient is None:
            raise ValueError(f"{fuel} has no standard-coal coefficient in the table")
        total += float(quantity) * coefficient
    return total


def intensity(quantity: Num, gdp_10k_yuan: Num) -> Num:
    """Quantity per 万元 GDP (tce/万元 for energy, t CO2/万元 for carbon). GDP at constant prices."""
    if np.any(np.asarray(gdp_10k_yuan) <= 0):
        raise ValueError("GDP must be positive")
    return quantity / gdp_10k_yuan


energy_intensity = intensity
carbon_intensity = intensity


def decrease_percent(base: Num, current: Num) -> Num:
    """Decrease against the base year in percent, as plans state targets (比2020年下降X%).

    (1 − current / base) × 100; negative when the value rose. 0.5 → 0.42 is a 16 % decrease.
    """
    if np.any(np.asarray(base) <= 0):
        raise ValueError("the base-year value must be positive")
    return (1.0 - current / base) * 100.0


def annualized_decrease(base: float, current: float, years: float) -> float:
    """Average yearly decrease in percent: (1 − (current / base)^(1/years)) × 100."""
    if years <= 0:
        raise ValueError("years must be positive")
    if base <= 0 or current < 0:
        raise ValueError("intensities must be positive")
    return (1.0 - math.pow(current / base, 1.0 / years)) * 100.0


def required_value(base: float, target_decrease_percent: float) -> float:
    """The value a target of "比基准年下降X%" allows: base × (1 − X/100)."""
    return base * (1.0 - target_decrease_percent / 100.0)


def meets_target(base: float, current: float, target_decrease_percent: float) -> bool:
    """True when the decrease reaches the target (compared to 1e-9 so float noise never fails it)."""
    return float(decrease_percent(base, current)) >= target_decrease_percent - 1e-9
