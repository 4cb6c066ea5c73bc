"""Schema: migrations on an empty database, and agreement between migrations and models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from luoshi.registry.db import (
    MIGRATIONS,
    alembic_config,
    database_url,
    make_engine,
    session_scope,
    upgrade,
)
from luoshi.registry.models import Base, Department

TABLES = {
    "source_file", "document", "section", "department", "department_alias", "task",
    "task_department", "target", "project", "project_department", "correction", "alembic_version",
    "user_account", "web_session", "api_token", "audit_log", "plan_schedule", "reporting_period",
    "progress_report", "progress_report_revision", "attachment", "task_comment",
    "indicator_observation", "target_assignment", "app_setting",
}  # fmt: skip


def test_upgrade_creates_every_table(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == head


def test_models_and_migration_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_twice_is_harmless(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)


def test_migrations_ship_inside_the_package() -> None:
    assert (MIGRATIONS / "env.py").is_file()
    assert (MIGRATIONS / "script.py.mako").is_file()
    assert (MIGRATIONS / "versions" / "0001_initial.py").is_file()


def test_database_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LUOSHI_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert database_url() == f"sqlite:///{tmp_path / 'luoshi.db'}"
    monkeypatch.setenv("LUOSHI_DATABASE_URL", "postgresql+psycopg://u:p@h/db")
    assert database_url() == "postgresql+psycopg://u:p@h/db"


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    with engine.connect() as connection:
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
    engine.dispose()


def test_session_scope_rolls_back_on_error(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(Department(name="临时部门", kind="department"))
        session.flush()
        raise RuntimeError("boom")
    with session_scope(engine) as session:
        assert session.query(Department).count() == 0
