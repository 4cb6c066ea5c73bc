"""Carbon and energy: CO2 from energy use by fuel, standard coal, intensities and their decrease.

Factors come from the documented tables shipped beside this module (``factors.csv``,
``grid_factors.csv``); pass your own file of the same shape to replace them. See
docs/indicators-carbon.md.
"""

from luoshi.indicators.carbon.compute import (
    annualized_decrease,
    carbon_intensity,
    co2_from_fuel,
    decrease_percent,
    electricity_emissions,
    energy_intensity,
    fuel_emissions,
    intensity,
    meets_target,
    required_value,
    standard_coal,
)
from luoshi.indicators.carbon.factors import (
    FuelFactor,
    GridFactor,
    grid_factor,
    load_factors,
    load_grid_factors,
)

__all__ = [
    "FuelFactor",
    "GridFactor",
    "annualized_decrease",
    "carbon_intensity",
    "co2_from_fuel",
    "decrease_percent",
    "electricity_emissions",
    "energy_intensity",
    "fuel_emissions",
    "grid_factor",
    "intensity",
    "load_factors",
    "load_grid_factors",
    "meets_target",
    "required_value",
    "standard_coal",
]
