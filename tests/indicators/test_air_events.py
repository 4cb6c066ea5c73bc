"""Exception events (HJ 663-2026): hand-worked station-days with and without events."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from luoshi.errors import DocumentError
from luoshi.indicators.air import evaluate_frame
from luoshi.indicators.air.events import Event, read_events
from luoshi.indicators.air.run import main
from tests.indicators.test_air_daily import day_rows, frame

DUST = Event("S1", dt.date(2026, 4, 10), "沙尘", ("PM10", "PM2.5"))


def _two_days(first: str = "2026-04-10", **over: float) -> pl.DataFrame:
    """Day 1: dust (PM10 300, PM2.5 100); day 2: BASE (PM10 40, PM2.5 20)."""
    d1 = dt.date.fromisoformat(first)
    d2 = (d1 + dt.timedelta(days=1)).isoformat()
    return frame(day_rows(first, PM10=300, PM25=100, **over) + day_rows(d2))


def test_without_events_the_dust_day_counts() -> None:
    r = evaluate_frame(_two_days(), "2026")
    s1 = r.stations["S1"]
    # PM10 (300+40)/2 = 170; PM2.5 (100+20)/2 = 60
    assert (s1["PM10"], s1["PM2.5"]) == (170, 60)
    # day 1 AQI: PM10 300 -> 150 + 50·50/100 = 175; day 2: PM10 40 -> 40 (good)
    assert r.daily.filter(pl.col("station") == "S1")["AQI"].to_list() == [175, 40]
    assert (s1["valid_days"], s1["good_days"], s1["good_days_ratio"]) == (2, 1, 50.0)
    assert "exception_events" not in r.as_json()


def test_dust_event_removes_particulates_and_the_day() -> None:
    r = evaluate_frame(_two_days(), "2026", events=[DUST])
    s1 = r.stations["S1"]
    # only day 2's particulates remain
    assert (s1["PM10"], s1["PM2.5"]) == (40, 20)
    # day 1 without PM: SO2 10 -> 10, NO2 20 -> 25, CO 0.5 -> 13, O3 8h 50 -> 25: AQI 25 <= 100,
    # and with pollutants missing HJ 633-2026 §5.3 publishes only an AQI > 100: not a valid day
    assert (s1["valid_days"], s1["good_days"], s1["good_days_ratio"]) == (1, 1, 100.0)
    # the gases of the dust day still count: NO2 mean (20+20)/2
    assert s1["NO2"] == 20
    # the daily table keeps what was measured
    assert r.daily.filter(pl.col("station") == "S1")["AQI"].to_list() == [175, 40]
    assert r.assessment["S1"]["exception_days"] == 1
    ev = r.as_json()["exception_events"]
    assert ev["applied"] == 1 and ev["station_days_flagged"] == 1
    assert "note" not in ev


def test_dust_day_with_other_pollution_stays_a_polluted_day() -> None:
    # NO2 100 -> 100 + 20·50/100 = 110 > 100: published without PM, counted, not good
    r = evaluate_frame(_two_days(NO2=100), "2026", events=[DUST])
    s1 = r.stations["S1"]
    assert (s1["valid_days"], s1["good_days"], s1["good_days_ratio"]) == (2, 1, 50.0)
    assert s1["PM2.5"] == 20


def test_other_event_types_remove_the_whole_day() -> None:
    fire = Event(
        "S1", dt.date(2026, 4, 10), "森林火灾", ("SO2", "NO2", "PM10", "CO", "O3", "PM2.5")
    )
    r = evaluate_frame(_two_days(NO2=100), "2026", events=[fire])
    s1 = r.stations["S1"]
    assert (s1["valid_days"], s1["good_days"]) == (1, 1)
    assert (s1["NO2"], s1["PM2.5"]) == (20, 20)


def test_events_ignored_under_2012() -> None:
    ev = Event("S1", dt.date(2025, 4, 10), "dust", ("PM10", "PM2.5"))
    by_date = evaluate_frame(_two_days("2025-04-10"), None, events=[ev])
    assert by_date.stations["S1"]["PM2.5"] == 60  # (100+20)/2: nothing removed
    out = by_date.as_json()["exception_events"]
    assert out["applied"] == 0 and out["ignored_under_2012"]["count"] == 1
    assert "no exception-event clause" in out["note"]
    # 2026 data forced to the 2012 generation: ignored as well
    forced = evaluate_frame(_two_days(), "2012", events=[DUST])
    assert forced.stations["S1"]["PM2.5"] == 60
    assert forced.as_json()["exception_events"]["ignored_under_2012"]["count"] == 1


def test_city_event_flags_every_station_and_the_city_day() -> None:
    rows = (
        day_rows("2026-04-10", "S1", PM25=100)
        + day_rows("2026-04-10", "S2", PM25=80)
        + day_rows("2026-04-11", "S1")
        + day_rows("2026-04-11", "S2", PM25=30)
    )
    city_dust = Event("CITY", dt.date(2026, 4, 10), "dust", ("PM10", "PM2.5"))
    r = evaluate_frame(frame(rows), "2026", events=[city_dust])
    assert (r.stations["S1"]["PM2.5"], r.stations["S2"]["PM2.5"]) == (20, 30)
    # city daily PM2.5 of day 2 = (20+30)/2 = 25; day 1 has no particulate value left
    assert r.city["PM2.5"] == 25
    assert r.assessment["CITY"]["exception_days"] == 1
    assert r.assessment["S2"]["exception_days"] == 1
    # a station event alone does not make the city day an exception day
    one = evaluate_frame(frame(rows), "2026", events=[DUST])
    assert one.assessment["CITY"]["exception_days"] == 0
    # the city mean of day 1 then uses S2 only: PM2.5 80, day 2 25 -> (80+25)/2 = 52.5 -> 52
    assert one.city["PM2.5"] == 52


def test_read_events_file(tmp_path: Path) -> None:
    p = tmp_path / "events.csv"
    p.write_text(
        "station,date,event,pollutants\n"
        "S1,2026-04-10,沙尘,\n"
        "CITY,2026-04-11,fire,PM2.5;O3\n"
        "S1,2026-13-01,dust,\n"
        "S1,2026-04-12,dust,PM1\n"
        ",2026-04-12,dust,\n",
        encoding="utf-8",
    )
    events, rep = read_events(p)
    assert events == [
        Event("S1", dt.date(2026, 4, 10), "沙尘", ("PM10", "PM2.5")),
        Event("CITY", dt.date(2026, 4, 11), "fire", ("PM2.5", "O3")),
    ]
    d = rep.as_dict()
    assert d["rows"] == 5
    assert d["rejected"] == {
        "unparseable_date": {"count": 1, "first_lines": [4]},
        "unknown_pollutant": {"count": 1, "first_lines": [5]},
        "empty_station": {"count": 1, "first_lines": [6]},
    }


def test_events_file_wrong_layout(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text("site,day\nS1,2026-04-10\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="station,date,event"):
        read_events(p)


def test_cli_events_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hourly = tmp_path / "h.csv"
    _two_days().write_csv(hourly)
    ev = tmp_path / "ev.csv"
    ev.write_text("station,date,event\nS1,2026-04-10,dust\nS9,2026-04-10,dust\n", "utf-8")
    assert main([str(hourly), "--json", "--standard", "2026", "--events", str(ev)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stations"]["S1"]["PM2.5"] == 20
    assert out["exception_events"]["applied"] == 1
    assert out["exception_events"]["unmatched"]["first"] == ["S9 2026-04-10 dust"]
    assert main([str(hourly), "--standard", "2026", "--events", str(ev)]) == 0
    assert "exception events: 1 applied" in capsys.readouterr().out
