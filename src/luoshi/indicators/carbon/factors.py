"""Emission and conversion factors: the shipped, documented tables and a validating loader.

``factors.csv`` (one row per fuel):

    fuel,name_zh,unit,ncv_gj_per_unit,tce_per_unit,carbon_tc_per_tj,oxidation,co2_t_per_unit,source,status

A row gives either the three components (net calorific value, carbon content per unit heat,
oxidation rate) or a combined factor ``co2_t_per_unit`` — never both, so a table cannot say two
things — or neither (a carrier counted for energy only, such as electricity, whose CO2 is
indirect). ``status`` is V (checked against the official text), S (secondary source) or R (recalled).

``grid_factors.csv``: ``year,scope,tco2_per_mwh,source,status``.

Replace either table by passing your own file of the same shape; errors name the line and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from luoshi.errors import DocumentError

FACTOR_COLUMNS = (
    "fuel",
    "name_zh",
    "unit",
    "ncv_gj_per_unit",
    "tce_per_unit",
    "carbon_tc_per_tj",
    "oxidation",
    "co2_t_per_unit",
    "source",
    "status",
)
GRID_COLUMNS = ("year", "scope", "tco2_per_mwh", "source", "status")
STATUSES = ("V", "S", "R")
CO2_PER_C = 44.0 / 12.0  # molecular mass ratio CO2 / C


@dataclass(frozen=True)
class FuelFactor:
    fuel: str
    name_zh: str
    unit: str
    ncv_gj_per_unit: float | None
    tce_per_unit: float | None
    carbon_tc_per_tj: float | None
    oxidation: float | None
    co2_t_per_unit: float | None
    source: str
    status: str

    @property
    def co2_factor(self) -> float | None:
        """t CO2 per unit: NCV × carbon content × oxidation × 44/12, or the combined factor."""
        if self.co2_t_per_unit is not None:
            return self.co2_t_per_unit
        if self.ncv_gj_per_unit is None or self.carbon_tc_per_tj is None or self.oxidation is None:
            return None
        # GJ/unit × tC/TJ × 1e-3 TJ/GJ = tC/unit
        return self.ncv_gj_per_unit * self.carbon_tc_per_tj * 1e-3 * self.oxidation * CO2_PER_C


@dataclass(frozen=True)
class GridFactor:
    year: int
    scope: str
    tco2_per_mwh: float
    source: str
    status: str


def load_factors(path: Path | None = None) -> dict[str, FuelFactor]:
    """The fuel table at ``path``, or the shipped one; validated row by row."""
    if path is None:
        return dict(_default_factors())
    return _parse_factors(_read_text(path), path)


def load_grid_factors(path: Path | None = None) -> list[GridFactor]:
    """The grid-factor table at ``path``, or the shipped one."""
    if path is None:
        return list(_default_grid())
    return _parse_grid(_read_text(path), path)


def grid_factor(year: int, scope: str = "national_average", path: Path | None = None) -> float:
    """The published grid factor (t CO2/MWh) of ``year`` and ``scope`` from the table."""
    for row in load_grid_factors(path):
        if row.year == year and row.scope == scope:
            return row.tco2_per_mwh
    raise KeyError(f"no {scope} grid factor for {year} in the table; pass the factor explicitly")


@cache
def _default_factors() -> dict[str, FuelFactor]:
    name = "factors.csv"
    return _parse_factors(_package_text(name), f"luoshi/indicators/carbon/{name}")


@cache
def _default_grid() -> tuple[GridFactor, ...]:
    name = "grid_factors.csv"
    return tuple(_parse_grid(_package_text(name), f"luoshi/indicators/carbon/{name}"))


def _package_text(name: str) -> str:
    return resources.files("luoshi.indicators.carbon").joinpath(name).read_text("utf-8")


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise DocumentError(path, f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise DocumentError(path, f"not UTF-8 text: {exc}") from exc


def _rows(
    text: str, where: Path | str, columns: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise DocumentError(where, "empty file")
    header = [h.strip() for h in header]
    missing = [c for c in columns if c not in header]
    if missing:
        raise DocumentError(where, f"line 1: missing column(s) {', '.join(missing)}")
    unknown = [h for h in header if h not in columns]
    if unknown:
        raise DocumentError(where, f"line 1: unknown column(s) {', '.join(unknown)}")
    out = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise DocumentError(where, f"line {line}: {len(cells)} cells, header has {len(header)}")
        out.append((line, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    if not out:
        raise DocumentError(where, "no rows after the header")
    return out


def _number(
    row: dict[str, str], column: str, line: int, where: Path | str, *, low: float, high: float
) -> float | None:
    text = row[column]
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise DocumentError(
            where, f"line {line}, column {column}: not a number: {text!r}"
        ) from None
    if not low < value <= high:
        raise DocumentError(
            where, f"line {line}, column {column}: {value} is outside ({low}, {high}]"
        )
    return value


def _parse_factors(text: str, where: Path | str) -> dict[str, FuelFactor]:
    factors: dict[str, FuelFactor] = {}
    for line, row in _rows(text, where, FACTOR_COLUMNS):
        fuel = row["fuel"]
        if not fuel:
            raise DocumentError(where, f"line {line}, column fuel: empty")
        if fuel in factors:
            raise DocumentError(where, f"line {line}, column fuel: duplicate fuel {fuel!r}")
        if not row["unit"]:
            raise DocumentError(where, f"line {line}, column unit: empty")
        if row["status"] not in STATUSES:
            raise DocumentError(
                where, f"line {line}, column status: {row['status']!r} is not one of V, S, R"
            )
        inf = float("inf")
        ncv = _number(row, "ncv_gj_per_unit", line, where, low=0.0, high=inf)
        tce = _number(row, "tce_per_unit", line, where, low=0.0, high=inf)
        carbon = _number(row, "carbon_tc_per_tj", line, where, low=0.0, high=100.0)
        oxidation = _number(row, "oxidation", line, where, low=0.0, high=1.0)
        combined = _number(row, "co2_t_per_unit", line, where, low=0.0, high=inf)
        parts = {"ncv_gj_per_unit": ncv, "carbon_tc_per_tj": carbon, "oxidation": oxidation}
        if combined is not None and carbon is not None:
            raise DocumentError(
                where,
                f"line {line}, column co2_t_per_unit: give either the combined factor or "
                "carbon_tc_per_tj with oxidation, not both",
            )
        if carbon is not None or oxidation is not None:
            for column, value in parts.items():
                if value is None:
                    raise DocumentError(
                        where, f"line {line}, column {column}: needed with the other components"
                    )
        factors[fuel] = FuelFactor(
            fuel, row["name_zh"], row["unit"], ncv, tce, carbon, oxidation, combined,
            row["source"], row["status"],
        )  # fmt: skip
    return factors


def _parse_grid(text: str, where: Path | str) -> list[GridFactor]:
    out: list[GridFactor] = []
    for line, row in _rows(text, where, GRID_COLUMNS):
        try:
            year = int(row["year"])
        except ValueError:
            raise DocumentError(
                where, f"line {line}, column year: not a year: {row['year']!r}"
            ) from None
        value = _number(row, "tco2_per_mwh", line, where, low=0.0, high=5.0)
        if value is None:
            raise DocumentError(where, f"line {line}, column tco2_per_mwh: empty")
        if not row["scope"]:
            raise DocumentError(where, f"line {line}, column scope: empty")
        if row["status"] not in STATUSES:
            raise DocumentError(
                where, f"line {line}, column status: {row['status']!r} is not one of V, S, R"
            )
        out.append(GridFactor(year, row["scope"], value, row["source"], row["status"]))
    return out
