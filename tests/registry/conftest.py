"""Fixtures: a fresh, migrated register per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_support import FakeExtractor
from sqlalchemy import Engine

from luoshi.registry.db import make_engine, upgrade


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def fake(tmp_path: Path) -> FakeExtractor:
    return FakeExtractor(tmp_path)
