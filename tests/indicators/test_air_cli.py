"""The command through Typer: JSON shape, --daily-out, --standard."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from luoshi.indicators.air.command import air_command
from luoshi.indicators.air.synthetic import generate_hourly, write_hourly

EVAL_KEYS = {
    "PM2.5",
    "PM10",
    "SO2",
    "NO2",
    "CO_P95",
    "O3_8H_P90",
    "valid_days",
    "good_days",
    "good_days_ratio",
}


@pytest.fixture
def app() -> typer.Typer:
    a = typer.Typer()
    a.command()(air_command)

    @a.callback()
    def _root() -> None:  # forces a sub-command, as in `luoshi indicators air`
        pass

    return a


@pytest.fixture
def hourly(tmp_path: Path) -> Path:
    return write_hourly(generate_hourly(3, "2025-01-01", 10, seed=2), tmp_path / "h.csv")


def test_json_shape(app: typer.Typer, hourly: Path) -> None:
    res = CliRunner().invoke(app, ["air-command", str(hourly), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) >= {"stations", "city"}
    assert set(out["stations"]) == {"SYN-001", "SYN-002", "SYN-003"}
    for ev in [*out["stations"].values(), out["city"]]:
        assert set(ev) == EVAL_KEYS
        assert isinstance(ev["valid_days"], int) and isinstance(ev["good_days"], int)
    assert "exclusions" in out


def test_daily_out(app: typer.Typer, hourly: Path, tmp_path: Path) -> None:
    dest = tmp_path / "d.csv"
    res = CliRunner().invoke(
        app, ["air-command", str(hourly), "--daily-out", str(dest), "--standard", "2026"]
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(dest.open(encoding="utf-8")))
    assert list(rows[0]) == [
        "station", "date", "SO2", "NO2", "PM10", "CO", "O3_1H_MAX", "O3_8H_MAX", "PM2.5", "AQI", "primary", "category",
    ]  # fmt: skip
    assert len(rows) == 4 * 10 and sum(r["station"] == "CITY" for r in rows) == 10


def test_bad_standard(app: typer.Typer, hourly: Path) -> None:
    res = CliRunner().invoke(app, ["air-command", str(hourly), "--standard", "2019"])
    assert res.exit_code == 2 and "2012 or 2026" in res.output


def test_bad_file_raises_luoshi_error(app: typer.Typer, tmp_path: Path) -> None:
    from luoshi.errors import LuoshiError

    p = tmp_path / "x.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["air-command", str(p), "--json"])
    assert isinstance(res.exception, LuoshiError) and "wrong layout" in str(res.exception)
