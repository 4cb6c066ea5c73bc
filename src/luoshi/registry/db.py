"""Connecting to the register and bringing its schema up to date.

The Alembic environment ships inside the package (``luoshi/registry/migrations``) and is
configured here in code, so no ``alembic.ini`` is needed at run time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url() -> str:
    """``LUOSHI_DATABASE_URL``, else ``luoshi.db`` in the current directory."""
    url = os.environ.get("LUOSHI_DATABASE_URL", "").strip()
    return url or f"sqlite:///{Path.cwd() / 'luoshi.db'}"


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked, per connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    # The web app has concurrent readers and writers: WAL lets readers go on while one
    # writes, and a writer waits for the lock instead of failing at once.
    cursor.execute("PRAGMA busy_timeout=30000")
    if getattr(dbapi_connection, "in_transaction", False) is False:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default :func:`database_url`); SQLite gets foreign keys on."""
    engine = create_engine(url or database_url())
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations (also for ``revision --autogenerate``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # '%' would be read as interpolation by configparser
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return config


def upgrade(url: str | Engine | None = None, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` (``head``) on ``url`` or an existing engine."""
    engine = url if isinstance(url, Engine) else make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(engine.url.render_as_string(hide_password=False))
            # env.py uses this connection instead of opening its own
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if not isinstance(url, Engine):
            engine.dispose()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on any exception."""
    session = sessionmaker(bind=engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
