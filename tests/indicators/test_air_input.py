"""Bad input: clear messages (file, line, column) and counts of what was excluded and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.errors import DocumentError
from luoshi.indicators.air import evaluate_file, read_hourly
from luoshi.indicators.air.synthetic import generate_hourly, write_hourly

HEAD = "station,time,SO2,NO2,PM10,CO,O3,PM2.5\n"


def day(
    station: str = "A", date: str = "2025-03-01", nxt: str = "2025-03-02", pm: str = "30"
) -> str:
    lines = [f"{station},{date} {h:02d}:00,10,20,40,0.5,50,{pm}" for h in range(1, 24)]
    return "\n".join([*lines, f"{station},{nxt} 00:00,10,20,40,0.5,50,{pm}"]) + "\n"


def write(tmp_path: Path, text: str, name: str = "h.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding=encoding)
    return p


def test_missing_columns(tmp_path: Path) -> None:
    p = write(tmp_path, "station,time,SO2,NO2,PM10,CO,O3\nA,2025-03-01 01:00,1,2,3,0.4,5\n")
    with pytest.raises(DocumentError, match=r"h\.csv: line 1: missing columns: PM2\.5"):
        read_hourly(p)


def test_wrong_layout(tmp_path: Path) -> None:
    p = write(tmp_path, "section,waterbody_type,date,pH\nX,river,2025-01-01,7\n")
    with pytest.raises(DocumentError, match="line 1: wrong layout"):
        read_hourly(p)
    with pytest.raises(DocumentError, match="wrong layout"):
        read_hourly(write(tmp_path, "just some text\n", "t.csv"))


def test_empty_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="empty file"):
        read_hourly(write(tmp_path, ""))
    with pytest.raises(DocumentError, match="no such file"):
        read_hourly(tmp_path / "nope.csv")


def test_unparseable_time_excluded_and_counted(tmp_path: Path) -> None:
    text = HEAD + day() + "A,2025/03/05 1h,1,1,1,0.1,1,1\nA,2025-03-05 01:30,1,1,1,0.1,1,1\n"
    h, ex = read_hourly(write(tmp_path, text))
    assert ex.rows["unparseable_time"].as_dict() == {"count": 1, "first_lines": [26]}
    assert ex.rows["time_not_on_the_hour"].lines == [27]
    assert h.station.size == 24


def test_negative_and_unparseable_values(tmp_path: Path) -> None:
    text = HEAD + day().replace(",50,30\n", ",50,-3\n", 2).replace(",0.5,", ",abc,", 1)
    r = evaluate_file(write(tmp_path, text))
    ex = r.exclusions.as_dict()
    assert ex["values_excluded"]["negative"]["PM2.5"] == {"count": 2, "first_lines": [2, 3]}
    assert ex["values_excluded"]["unparseable"]["CO"] == {"count": 1, "first_lines": [2]}
    assert r.stations["A"]["PM2.5"] == 30  # 22 valid hours remain


def test_duplicates_identical_kept_once_conflicting_excluded(tmp_path: Path) -> None:
    lines = day().splitlines()
    text = HEAD + "\n".join([*lines, lines[0], lines[1].replace(",30", ",99")]) + "\n"
    r = evaluate_file(write(tmp_path, text))
    ex = r.exclusions.as_dict()["rows_excluded"]
    assert ex["duplicate_station_hour_identical"]["count"] == 1
    assert ex["duplicate_station_hour_conflicting"]["count"] == 2  # both copies of hour 02
    assert r.stations["A"]["valid_days"] == 1  # 23 hours remain


def test_station_with_too_few_hours_is_reported(tmp_path: Path) -> None:
    short = "\n".join(day("B").splitlines()[:10]) + "\n"
    r = evaluate_file(write(tmp_path, HEAD + day() + short))
    rep = r.exclusions.as_dict()["stations_short_of_data"]
    assert rep["B"] == {"days_seen": 1, "days_under_20_valid_hours": 1, "valid_aqi_days": 0}
    assert r.stations["B"]["valid_days"] == 0 and r.stations["B"]["PM2.5"] is None


def test_extra_columns_ignored_and_reported(tmp_path: Path) -> None:
    text = "station,time,SO2,NO2,PM10,CO,O3,PM2.5,flag\n" + day().replace("\n", ",ok\n")
    _, ex = read_hourly(write(tmp_path, text))
    assert ex.ignored_columns == ["flag"]


def test_gbk_file(tmp_path: Path) -> None:
    p = write(tmp_path, HEAD + day("城东站"), encoding="gbk")
    assert evaluate_file(p).stations["城东站"]["valid_days"] == 1


def test_xlsx_same_as_csv(tmp_path: Path) -> None:
    df = generate_hourly(2, "2025-01-01", 3, seed=5)
    a = evaluate_file(write_hourly(df, tmp_path / "h.csv"))
    b = evaluate_file(write_hourly(df, tmp_path / "h.xlsx"))
    assert a.stations == b.stations and a.city == b.city


def test_line_numbers_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import luoshi.indicators.air.reader as reader

    monkeypatch.setattr(reader, "CHUNK_BYTES", 100)
    text = HEAD + day() + "A,bad,1,1,1,0.1,1,1\n"
    _, ex = read_hourly(write(tmp_path, text))
    assert ex.rows["unparseable_time"].lines == [26] and ex.rows_read == 25


def test_synthetic_is_labelled() -> None:
    df = generate_hourly(3, "2025-01-01", 2, seed=1)
    assert df.columns == ["station", "time", "SO2", "NO2", "PM10", "CO", "O3", "PM2.5"]
    assert set(df["station"]) == {"SYN-001", "SYN-002", "SYN-003"} and df.height == 3 * 48
    assert df["time"][0] == "2025-01-01 01:00" and df["time"][47] == "2025-01-03 00:00"
