"""The user-replaceable factor tables: loading and validation with line/column messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.errors import DocumentError
from luoshi.indicators.carbon import co2_from_fuel, load_factors, load_grid_factors
from luoshi.indicators.carbon.factors import FACTOR_COLUMNS

HEADER = ",".join(FACTOR_COLUMNS)
COAL = "raw_coal,原煤,t,20.908,0.7143,26.37,0.94,,my source,S"


def _csv(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "factors.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_shipped_tables_name_their_sources() -> None:
    factors = load_factors()
    assert {"raw_coal", "natural_gas", "electricity"} <= set(factors)
    assert all(f.source and f.status in "VSR" for f in factors.values())
    assert all(g.source for g in load_grid_factors())


def test_user_table_replaces_the_shipped_one(tmp_path: Path) -> None:
    table = load_factors(_csv(tmp_path, COAL, "biogas,沼气,10^4 m3,,,,,12.5,plant data,R"))
    assert co2_from_fuel("biogas", 2.0, table) == pytest.approx(25.0)
    assert co2_from_fuel("raw_coal", 1000.0, table) == pytest.approx(1900.2988488)


BAD = [
    ((COAL.replace("0.94", "high"),), "line 2, column oxidation: not a number: 'high'"),
    ((COAL.replace("0.94", "1.5"),), "line 2, column oxidation: 1.5 is outside"),
    ((COAL, COAL), "line 3, column fuel: duplicate fuel 'raw_coal'"),
    ((COAL.replace(",,my", ",1.9,my"),), "line 2, column co2_t_per_unit: give either"),
    ((COAL.replace("0.94", ""),), "line 2, column oxidation: needed"),
    ((COAL.replace(",S", ",X"),), "line 2, column status"),
    ((COAL.replace("20.908", "-20.9"),), "line 2, column ncv_gj_per_unit"),
    (("coke,焦炭,t,28.4",), "line 2: 4 cells, header has 10"),
    ((), "no rows after the header"),
]


@pytest.mark.parametrize(("lines", "message"), BAD)
def test_bad_factor_table_is_rejected_with_row_and_column(
    tmp_path: Path, lines: tuple[str, ...], message: str
) -> None:
    path = _csv(tmp_path, *lines)
    with pytest.raises(DocumentError) as err:
        load_factors(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="line 1: missing column"):
        load_factors(_csv(tmp_path, "raw_coal", header="fuel"))
    with pytest.raises(DocumentError, match="line 1: unknown column"):
        load_factors(_csv(tmp_path, COAL + ",x", header=HEADER + ",extra"))


def test_bad_grid_table(tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text("year,scope,tco2_per_mwh,source,status\n20x2,national,0.5,src,S\n", "utf-8")
    with pytest.raises(DocumentError, match="line 2, column year"):
        load_grid_factors(path)
