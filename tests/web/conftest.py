"""Web fixtures: one seeded register per backend for the session, a fresh app per test,
and users of every role created with unique names (tests share the seeded register)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from luoshi.registry.db import make_engine, session_scope, upgrade
from luoshi.registry.importer import import_paths
from luoshi.services.accounts import create_user
from luoshi.web.app import create_app
from luoshi.web.config import Settings
from tests.conftest import BACKENDS, fresh_database, seed

PASSWORD = "Test-Passw0rd!"


@contextmanager
def seeded_database(backend: str, folder: Path) -> Iterator[str]:
    """A register holding seeds 000, 002 and 004, migrated."""
    with fresh_database(backend, folder) as url:
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(engine) as session:
            import_paths(session, [seed("000"), seed("002"), seed("004")])
        engine.dispose()
        yield url


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One seeded register per backend, shared by the web tests of the session."""
    with seeded_database(request.param, tmp_path_factory.mktemp("web")) as url:
        yield url


@pytest.fixture
def settings(seeded_url: str) -> Settings:
    return Settings(
        database_url=seeded_url, cookie_secure=False, max_upload_bytes=2 * 1024 * 1024,
        idle_minutes=30, public_pages=True,
    )  # fmt: skip


@pytest.fixture
def app_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def db(seeded_url: str) -> Iterator[Session]:
    """A session on the shared seeded register (closed, so rolled back, at the end)."""
    engine = make_engine(seeded_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


@dataclass
class Account:
    username: str
    password: str
    role: str
    unit: str | None


@pytest.fixture
def make_user(seeded_url: str):  # type: ignore[no-untyped-def]
    """``make_user(role, unit=None) -> Account`` with a unique user name."""
    engine = make_engine(seeded_url)

    def make(role: str, unit: str | None = None) -> Account:
        name = f"{role}_{uuid.uuid4().hex[:8]}"
        with session_scope(engine) as session:
            create_user(session, name, PASSWORD, role, unit)
        return Account(name, PASSWORD, role, unit)

    yield make
    engine.dispose()


def login(client: TestClient, account: Account) -> str:
    """Sign ``client`` in; returns the session's CSRF token."""
    r = client.post("/login", data={"username": account.username, "password": account.password})
    assert r.status_code == 200 and "/login" not in str(r.url), r.text[:500]
    return csrf_of(client.get("/").text)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "page has no CSRF token"
    return m.group(1)


@pytest.fixture
def tmp_upload(tmp_path: Path) -> Path:
    return tmp_path
