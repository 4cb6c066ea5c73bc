"""The audit log: the chain verifies; tampering, deleting and reordering are detected; concurrent
writers do not fork the chain; `luoshi audit verify` — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete, select, update
from typer.testing import CliRunner

from luoshi.cli import app
from luoshi.registry.db import make_engine, session_scope, upgrade
from luoshi.registry.tracking import AuditEntry
from luoshi.services import audit

runner = CliRunner()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        for i in range(6):
            audit.record(session, "test.event", username=f"u{i}", ip="127.0.0.1", entity_type="thing",
                         entity_id=i, before={"n": i}, after={"n": i + 1, "名称": "测试"})  # fmt: skip
    yield engine
    engine.dispose()


def _ids(engine: Engine) -> list[int]:
    with session_scope(engine) as session:
        return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def _verify(engine: Engine) -> audit.Verification:
    with session_scope(engine) as session:
        return audit.verify(session)


def test_intact_chain_verifies(engine: Engine) -> None:
    result = _verify(engine)
    assert result.ok and result.entries == 6
    with session_scope(engine) as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert entries[0].prev_hash == audit.GENESIS
        assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
        assert result.head == entries[-1].hash


@pytest.mark.parametrize(
    "change",
    [{"after": {"n": 99}}, {"username": "someone-else"}, {"ip": "10.6.6.6"}, {"action": "test.other"}],
)
def test_changed_content_is_detected(engine: Engine, change: dict[str, object]) -> None:
    third = _ids(engine)[2]
    with session_scope(engine) as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == third).values(**change))
    result = _verify(engine)
    assert not result.ok and result.first_bad_id == third and "content" in result.reason


def test_a_deleted_entry_is_detected(engine: Engine) -> None:
    ids = _ids(engine)
    with session_scope(engine) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == ids[2]))
    result = _verify(engine)
    assert not result.ok and result.first_bad_id == ids[3] and "follow" in result.reason


def test_reordered_entries_are_detected(engine: Engine) -> None:
    ids = _ids(engine)
    a, b = ids[1], ids[2]
    with session_scope(engine) as session:
        # swap two entries' positions: move a away, b into a's place, a into b's
        session.execute(update(AuditEntry).where(AuditEntry.id == a).values(id=-1))
        session.execute(update(AuditEntry).where(AuditEntry.id == b).values(id=a))
        session.execute(update(AuditEntry).where(AuditEntry.id == -1).values(id=b))
    result = _verify(engine)
    assert not result.ok and result.first_bad_id == a


def test_a_recomputed_hash_still_breaks_the_next_link(engine: Engine) -> None:
    """Rewriting one entry and its own hash is not enough: the next entry names the old hash."""
    ids = _ids(engine)
    with session_scope(engine) as session:
        entry = session.get(AuditEntry, ids[2])
        assert entry is not None
        entry.after = {"n": 1000}
        entry.hash = audit._digest(entry)
    result = _verify(engine)
    assert not result.ok and result.first_bad_id == ids[3]


def test_concurrent_writers_do_not_fork_the_chain(engine: Engine) -> None:
    threads, per_thread = 4, 12
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with session_scope(engine) as session:
                    audit.record(session, "test.concurrent", username=f"w{n}", entity_id=i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors, errors
    result = _verify(engine)
    assert result.ok, result.describe()
    assert result.entries == 6 + threads * per_thread
    with session_scope(engine) as session:
        prevs = list(session.scalars(select(AuditEntry.prev_hash)))
        assert len(prevs) == len(set(prevs))  # no two entries follow the same one


def test_an_entry_rolled_back_with_its_transaction_leaves_the_chain_intact(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        audit.record(session, "test.rolled_back")
        raise RuntimeError("the change failed")
    with session_scope(engine) as session:
        audit.record(session, "test.after")
    result = _verify(engine)
    assert result.ok and result.entries == 7


def test_search_filters_and_pages(engine: Engine) -> None:
    with session_scope(engine) as session:
        audit.record(session, "login.ok", username="u1", ip="10.0.0.1")
        audit.record(session, "login.fail", username="u2", ip="10.0.0.2")
        page = audit.search(session, action="login")
        assert page.total == 2 and [e.action for e in page.entries] == ["login.fail", "login.ok"]
        assert audit.search(session, action="login", username="u1").total == 1
        assert audit.search(session, ip="10.0.0.2").total == 1
        paged = audit.search(session, per_page=3, page=2)
        assert paged.total == 8 and paged.pages == 3 and len(paged.entries) == 3
        assert audit.search(session, action="100%_").total == 0  # wildcards are literal


def test_cli_audit_verify(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LUOSHI_DATABASE_URL", db_url)
    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 0, r.output
    assert "6 entries, chain intact" in r.stdout
    bad = _ids(engine)[4]
    with session_scope(engine) as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == bad).values(before={"n": -1}))
    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 1
    assert f"audit entry {bad}" in r.output and "does not match its hash" in r.output
