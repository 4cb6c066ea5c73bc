"""The fast typed reader, station partitions and the lean entry give the same results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import luoshi.indicators.air.reader as reader
from luoshi.indicators.air import evaluate_file
from luoshi.indicators.air.pipeline import AirResult
from luoshi.indicators.air.run import main
from luoshi.indicators.air.synthetic import generate_hourly, write_hourly


def _messy(tmp_path: Path) -> Path:
    """Synthetic rows with every kind of bad cell the reader must count, in file order."""
    df = generate_hourly(4, "2025-01-01", 40, seed=3)
    lines = df.write_csv().splitlines()
    head, body = lines[0], lines[1:]
    body[5] = body[5].replace("SYN-001", "  SYN-001 ")  # padded name: same station
    body[9] = "," + body[9].split(",", 1)[1]  # empty station
    body[12] = body[12].replace(" 13:00", " 13:30")  # not on the hour
    parts = body[20].split(",")
    body[20] = ",".join([parts[0], " " + parts[1] + " ", *parts[2:]])  # padded time
    body[30] = body[30].replace("2025-01-02", "2025/01/02")  # unparseable time
    parts = body[40].split(",")
    parts[7] = "-5"  # negative PM2.5
    parts[3] = "nan"  # unparseable NO2
    body[40] = ",".join(parts)
    parts = body[50].split(",")
    parts[6] = "1e12"  # O3 out of range
    body[50] = ",".join(parts)
    body.append(body[60])  # identical duplicate
    dup = body[61].split(",")
    dup[2] = "999"
    body.append(",".join(dup))  # conflicting duplicate
    p = tmp_path / "messy.csv"
    p.write_text("\n".join([head, *body]) + "\n", encoding="utf-8")
    return p


def _same(a: AirResult, b: AirResult) -> None:
    assert a.stations == b.stations and a.city == b.city
    assert a.assessment == b.assessment
    assert a.exclusions.as_dict() == b.exclusions.as_dict()
    assert a.daily.equals(b.daily)


def test_fast_path_counts_like_string_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = _messy(tmp_path)
    monkeypatch.setattr(reader, "CHUNK_BYTES", 20_000)  # many blocks
    fast = evaluate_file(p)
    monkeypatch.setattr(reader, "_fast_block", lambda *a: False)
    slow = evaluate_file(p)
    _same(fast, slow)
    ex: dict[str, Any] = fast.exclusions.as_dict()
    assert ex["rows_excluded"]["empty_station"]["count"] == 1
    assert ex["rows_excluded"]["time_not_on_the_hour"]["count"] == 1
    assert ex["rows_excluded"]["unparseable_time"]["count"] == 1
    assert ex["values_excluded"]["negative"]["PM2.5"]["count"] == 1
    assert ex["values_excluded"]["unparseable"]["NO2"]["count"] == 1
    assert ex["values_excluded"]["out_of_range"]["O3"]["count"] == 1
    assert ex["rows_excluded"]["duplicate_station_hour_identical"]["count"] == 1
    assert set(fast.stations) == {"SYN-001", "SYN-002", "SYN-003", "SYN-004"}


def test_blank_lines_keep_line_numbers(tmp_path: Path) -> None:
    lines = _messy(tmp_path).read_text(encoding="utf-8").splitlines()
    p = tmp_path / "blank.csv"
    p.write_text("\n".join([*lines[:4], "", "", *lines[4:]]) + "\n", encoding="utf-8")
    r = evaluate_file(p)
    bad = r.exclusions.as_dict()["rows_excluded"]["empty_station"]["first_lines"]
    assert bad == [5, 6, 11 + 2]  # blank lines count as empty rows; line 11 moved down by 2


@pytest.mark.parametrize("parts", [2, 3, 5])
def test_partitions_give_identical_results(tmp_path: Path, parts: int) -> None:
    p = _messy(tmp_path)
    _same(evaluate_file(p, partitions=parts), evaluate_file(p, partitions=1))


def test_time_major_order_partitions(tmp_path: Path) -> None:
    df = generate_hourly(5, "2025-01-01", 30, seed=4).sort("time", "station")
    p = write_hourly(df, tmp_path / "by_time.csv")
    _same(evaluate_file(p, partitions=3), evaluate_file(p, partitions=1))


def test_lean_entry_matches_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = _messy(tmp_path)
    daily = tmp_path / "d.csv"
    assert main([str(p), "--json", "--daily-out", str(daily)]) == 0
    out = json.loads(capsys.readouterr().out)
    r = evaluate_file(p)
    assert out["city"] == r.city and out["stations"] == r.stations
    assert daily.read_text(encoding="utf-8") == r.daily.write_csv()


def test_lean_entry_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main([str(bad)]) == 1
    assert "wrong layout" in capsys.readouterr().err
