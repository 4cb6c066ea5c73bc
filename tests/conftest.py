from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "seeds"


POSTGRES_ENV = "LUOSHI_TEST_POSTGRES_URL"


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """A database nobody else uses: a SQLite file, or a PostgreSQL schema of its own."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'register.db'}"
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


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("0*.txt"))


def seed(prefix: str) -> Path:
    """The seed file whose name starts with ``prefix`` ("000" … "004")."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))
