"""Fixtures: a fresh, migrated register per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_support import FakeExtractor
from sqlalchemy import Engine, create_engine, make_url, text

from luoshi.registry.db import make_engine, upgrade

POSTGRES_ENV = "LUOSHI_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nobody else uses: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'register.db'}"
        return
    base = os.environ.get(POSTGRES_ENV, "").strip()
    if not base:
        if os.environ.get("CI"):
            pytest.fail(
                f"CI is set but {POSTGRES_ENV} is not: the register must be tested on PostgreSQL "
                f"in CI (e.g. {POSTGRES_ENV}=postgresql+psycopg://luoshi:luoshi@127.0.0.1:5432/luoshi_test)"
            )
        pytest.skip(f"set {POSTGRES_ENV} to run the register tests on PostgreSQL")
    schema = f"luoshi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # every connection of the test lands in its own schema
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def fake(tmp_path: Path) -> FakeExtractor:
    return FakeExtractor(tmp_path)
