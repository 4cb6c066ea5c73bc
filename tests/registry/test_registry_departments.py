"""The department dictionary mirrored into the register, with a user override."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from luoshi.registry.db import session_scope
from luoshi.registry.departments import find_department, resolve_department, sync_departments
from luoshi.registry.models import Department, DepartmentAlias


def test_sync_is_idempotent_and_aliases_resolve(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LUOSHI_DEPARTMENTS", raising=False)
    with session_scope(engine) as session:
        assert sync_departments(session) > 50
    with session_scope(engine) as session:
        assert sync_departments(session) == 0
        found = find_department(session, "市发改委")
        assert found is not None and found.name == "市发展和改革委员会"
        assert find_department(session, "南通银保监分局") is not None  # listed twice in the CSV
        party = find_department(session, "网信办")
        assert party is not None and party.kind == "party"
        assert find_department(session, "不存在的机构") is None
        created = resolve_department(session, "市锅炉整治专班")
        assert created.kind == "unknown"
        assert resolve_department(session, "市锅炉整治专班").id == created.id


def test_override_adds_and_overrides(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    override = tmp_path / "departments.csv"
    override.write_text(
        "canonical,kind,aliases\n"
        "市数据局,department,市大数据局\n"  # known: an alias added
        "市生态环境局南通分局,department,市环保局\n"  # new: and it takes 市环保局 over
        "市统计局,body,\n",  # known: kind changed
        encoding="utf-8",
    )
    monkeypatch.setenv("LUOSHI_DEPARTMENTS", str(override))
    with session_scope(engine) as session:
        sync_departments(session)
    with session_scope(engine) as session:
        assert sync_departments(session) == 0

        def name(alias: str) -> str | None:
            found = find_department(session, alias)
            return found.name if found else None

        assert name("市大数据局") == "市数据局" and name("数据局") == "市数据局"
        assert name("市环保局") == "市生态环境局南通分局"
        assert name("生态环境局") == "市生态环境局"
        statistics = session.scalars(select(Department).where(Department.name == "市统计局")).one()
        assert statistics.kind == "body"
    # back to the shipped file: the moved alias returns, departments stay
    monkeypatch.delenv("LUOSHI_DEPARTMENTS")
    with session_scope(engine) as session:
        sync_departments(session)
        alias = session.scalars(
            select(DepartmentAlias).where(DepartmentAlias.alias == "市环保局")
        ).one()
        assert alias.department.name == "市生态环境局"
        assert find_department(session, "市生态环境局南通分局") is not None
