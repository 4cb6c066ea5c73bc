"""Computed indicators become observations of the seed plans' targets (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.extraction.conflicts import indicator_key
from luoshi.indicators.air.pipeline import evaluate_file
from luoshi.indicators.air.run import main as air_main
from luoshi.indicators.air.synthetic import generate_hourly, write_hourly
from luoshi.registry.db import make_engine, session_scope, upgrade
from luoshi.registry.importer import import_paths
from luoshi.registry.models import TargetRow
from luoshi.registry.tracking import AuditEntry, Observation
from luoshi.services import indicator_feed as feed
from luoshi.services.audit import verify
from tests.conftest import seed


@pytest.fixture
def register(db_url: str) -> str:
    upgrade(db_url)
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        import_paths(s, [seed("000"), seed("002"), seed("003")])
    engine.dispose()
    return db_url


@pytest.fixture(scope="module")
def year_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("air")
    return write_hourly(generate_hourly(3, "2025-01-01", 365, seed=7), folder / "hourly.csv")


def _targets(s: Session, key: str) -> list[TargetRow]:
    rows = s.scalars(select(TargetRow).where(TargetRow.superseded.is_(False))).all()
    return [t for t in rows if indicator_key(t.indicator) == key]


def _live(s: Session) -> list[Observation]:
    q = select(Observation).where(Observation.superseded_at.is_(None)).order_by(Observation.id)
    return list(s.scalars(q))


def test_air_year_feeds_pm25_and_good_days_targets(register: str, year_file: Path) -> None:
    result = evaluate_file(year_file)
    engine = make_engine(register)
    with session_scope(engine) as s:
        report = feed.record(s, feed.air_values(result), input_file=year_file)
    with session_scope(engine) as s:
        pm_targets = _targets(s, "PM2.5浓度")
        good_targets = _targets(s, "优良天数比率")
        assert len(pm_targets) >= 3 and len(good_targets) >= 3  # across the three seed plans
        obs = _live(s)
        by_target = {o.target_id: o for o in obs}
        assert len(by_target) == len(obs)  # one per (target, year)
        digest = hashlib.sha256(year_file.read_bytes()).hexdigest()
        for t in pm_targets:
            o = by_target[t.id]
            assert o.value == result.city["PM2.5"] and o.unit == "μg/m³"
            assert (o.year, o.period, o.month, o.region) == (2025, "2025", None, "全市")
            assert o.source == "computed" and "HJ 663-2013" in (o.method or "")
            assert "HJ 633-2012" in (o.method or "")
            assert o.input_file == str(year_file) and o.input_sha256 == digest
        for t in good_targets:
            assert by_target[t.id].value == result.city["good_days_ratio"]
            assert by_target[t.id].unit == "%"
        assert len(obs) == len(pm_targets) + len(good_targets) == len(report.recorded)
        actions = s.scalars(select(AuditEntry.action)).all()
        assert actions.count("observation.compute") == len(obs)
        assert verify(s).ok
    engine.dispose()


def test_rerun_supersedes_never_deletes(register: str, year_file: Path) -> None:
    values = feed.air_values(evaluate_file(year_file))
    engine = make_engine(register)
    with session_scope(engine) as s:
        first = feed.record(s, values, input_file=year_file)
    with session_scope(engine) as s:
        second = feed.record(s, values, input_file=year_file)
    assert second.superseded == len(first.recorded) > 0
    with session_scope(engine) as s:
        all_obs = s.scalars(select(Observation)).all()
        live = _live(s)
        assert len(all_obs) == 2 * len(live)
        new_ids = {o.id for o in live}
        for o in all_obs:
            if o.id not in new_ids:
                assert o.superseded_at is not None and o.superseded_by_id in new_ids
        assert {r["observation_id"] for r in second.recorded} == new_ids
    engine.dispose()


def test_command_records(
    register: str,
    year_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LUOSHI_DATABASE_URL", register)
    assert air_main([str(year_file), "--json", "--record"]) == 0
    out = json.loads(capsys.readouterr().out)
    rec = out["recorded"]
    assert rec["region"] == "全市" and rec["observations"] and rec["unmatched"] == []
    assert {o["indicator"] for o in rec["observations"]} >= {"PM2.5浓度", "优良天数比率"}


def test_district_region_matches_only_its_scope(register: str, year_file: Path) -> None:
    engine = make_engine(register)
    with session_scope(engine) as s:
        rep = feed.record(
            s, feed.air_values(evaluate_file(year_file)), input_file=year_file, region="崇川区"
        )
    assert rep.recorded == [] and set(rep.unmatched) == {"PM2.5浓度", "优良天数比率"}
    engine.dispose()


def test_water_share_feeds_scope_targets(register: str) -> None:
    result = {"share_I_III": 87.5, "years_in_file": [2025]}
    engine = make_engine(register)
    with session_scope(engine) as s:
        rep = feed.record(
            s, feed.water_values(result, "国省考"), input_file=Path(__file__), region="全市"
        )
        keys = {indicator_key(r["indicator"]) for r in rep.recorded}
        assert keys == {"国省考断面水质优Ⅲ比例"} and all(r["value"] == 87.5 for r in rep.recorded)
        rep2 = feed.record(s, feed.water_values(result, "国考"), input_file=Path(__file__))
        assert {indicator_key(r["indicator"]) for r in rep2.recorded} == {"国考断面水质优Ⅲ比例"}
    engine.dispose()


def test_values_refuse_ambiguous_years() -> None:
    with pytest.raises(feed.FeedError, match="--year"):
        feed.water_values({"share_I_III": 50.0, "years_in_file": [2024, 2025]}, "国考")
    with pytest.raises(feed.FeedError, match="unknown section scope"):
        feed.water_values({"share_I_III": 50.0, "years_in_file": [2025]}, "市考")
