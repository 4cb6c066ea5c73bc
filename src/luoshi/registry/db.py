"""Connecting to the register and bringing its schema up to date.

The Alembic environment ships inside the package (``luoshi/registry/migrations``) and is
configured here in code, so no ``alembic.ini`` is needed at run time.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30000


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
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if getattr(dbapi_connection, "in_transaction", False) is False:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _pool_options(url: str) -> dict[str, int]:
    """A web worker serves ~20 requests at once from its thread pool: keep that many connections
    open, rather than opening (and setting up) an overflow connection per request. In-memory
    SQLite has a pool of its own."""
    memory = url.startswith("sqlite") and (url in ("sqlite://", "sqlite:///") or "memory" in url)
    return {} if memory else {"pool_size": 20, "max_overflow": 20}


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default :func:`database_url`); SQLite gets foreign keys on."""
    url = url or database_url()
    engine = create_engine(url, **_pool_options(url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
        _queue_writers(engine)
    return engine


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _queue_writers(engine: Engine) -> None:
    """SQLite has one writer at a time; the others poll for the lock with growing sleeps (up to
    100 ms each), so under load a few writers wait far longer than the writes take. Threads of
    this process queue on a lock instead, from their first write to commit or rollback, and
    only writers of other processes poll."""
    # not an RLock: a request may commit on another thread than the one that wrote
    lock = threading.Lock()

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "write_lock" not in conn.info and statement.lstrip()[:7].upper().startswith(_WRITES):
            # after the busy timeout's worth of waiting, go on and let SQLite decide, as before
            conn.info["write_lock"] = lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000)

    def release(info: dict[str, Any]) -> None:
        if info.pop("write_lock", False):
            lock.release()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "commit", lambda conn: release(conn.info))
    event.listen(engine, "rollback", lambda conn: release(conn.info))
    # a connection handed back without commit or rollback (the pool resets it) lets go too
    event.listen(engine, "checkin", lambda _dbapi, record: release(record.info))


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
def sqlite_write_lock(bind: Engine | None) -> Iterator[None]:
    """Hold an exclusive file lock beside a SQLite database while writing.

    SQLite lets one writer in at a time and makes the others poll with growing sleeps, which
    gives long tails when several processes write at once; a blocking ``flock`` queues them
    and wakes the next at once. Other databases have real row locks: nothing to do."""
    path = bind.url.database if bind is not None and bind.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    import fcntl

    with open(f"{path}.write-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def session_scope(bind: Engine | sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on any exception.

    ``bind``: an engine, or a sessionmaker the caller keeps (the web app has one)."""
    maker = bind if isinstance(bind, sessionmaker) else sessionmaker(bind=bind, expire_on_commit=False)
    session = maker()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
