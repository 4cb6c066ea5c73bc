"""The audit log: append-only, each entry chained to the previous one by SHA-256.

An entry's hash covers its own fields and the previous entry's hash, so changing, removing or
reordering any entry breaks the chain from there on; :func:`verify` recomputes it. Removing
entries from the *end* leaves a shorter chain that still fits: keep the head hash that
``luoshi audit verify`` prints somewhere else (e.g. in the daily report) to catch that too.
(A database superuser can still rewrite the whole chain; keep backups off the server.)

Concurrent writers must not fork the chain (two entries naming the same predecessor):

- PostgreSQL: a transaction-level advisory lock is taken before the last entry is read, so
  appenders queue up and each reads the entry the one before it committed;
- SQLite: the new row is inserted first (taking the database's single write lock), and only
  then is the last entry before it read and the hash computed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from luoshi.registry.models import utcnow
from luoshi.registry.tracking import AuditEntry, UserAccount

GENESIS = "0" * 64
CLI_ACTOR = "(命令行)"  # who did it, when a change comes from the `luoshi` command line
# pg_advisory_xact_lock(int4, int4): "luoshi audit" folded into a signed 32-bit integer, and
# the schema (see record())
_PG_LOCK_KEY32 = int.from_bytes(hashlib.sha256(b"luoshi.audit_log").digest()[:4], "big", signed=True)


def _digest(entry: AuditEntry) -> str:
    payload = {
        "at": entry.at.isoformat(timespec="microseconds"),
        "user_id": entry.user_id,
        "username": entry.username,
        "ip": entry.ip,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str)) if value is not None else None


def record(
    session: Session,
    action: str,
    *,
    user: UserAccount | None = None,
    username: str | None = None,
    ip: str | None = None,
    entity_type: str | None = None,
    entity_id: str | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it is kept only if the caller commits)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # held until the transaction ends; the next statement sees what the previous holder wrote
        # advisory locks are server-wide: mix in the schema so that registers in other
        # schemas (or databases) of the same server never wait for this one
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key, hashtext(current_database() || '.' || current_schema()))"),
            {"key": _PG_LOCK_KEY32},
        )
    values = {
        "at": at or utcnow(),
        "user_id": user.id if user else None,
        "username": user.username if user else username,
        "ip": ip,
        "action": action,
        "entity_type": entity_type,
        "entity_id": None if entity_id is None else str(entity_id),
        "before": _jsonable(before),
        "after": _jsonable(after),
        "prev_hash": GENESIS,
        "hash": "pending-" + secrets.token_hex(28),  # unique placeholder until the chain is read
    }
    table = cast(Table, AuditEntry.__table__)
    # plain statements, not the unit of work: on SQLite other writers wait from here to commit
    session.flush()  # the caller's pending changes go first, as they would with session.add
    # on SQLite this takes the write lock: no one else can append until we commit
    entry_id = session.execute(insert(table).values(values).returning(table.c.id)).scalar_one()
    last = session.scalar(select(AuditEntry.hash).where(AuditEntry.id < entry_id).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(id=entry_id, **{**values, "prev_hash": last or GENESIS})
    entry.hash = _digest(entry)
    session.execute(update(table).where(table.c.id == entry_id).values(prev_hash=entry.prev_hash, hash=entry.hash))
    return entry


@dataclass(frozen=True)
class Verification:
    entries: int
    ok: bool
    first_bad_id: int | None = None
    reason: str = ""
    head: str = GENESIS  # hash of the last entry checked

    def describe(self) -> str:
        if self.ok:
            return f"{self.entries} entries, chain intact (head {self.head})"
        return f"audit entry {self.first_bad_id}: {self.reason} (after {self.entries - 1} good entries)"


def verify(session: Session) -> Verification:
    """Recompute the chain from the first entry; report the first entry that does not fit."""
    prev = GENESIS
    count = 0
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=2000)
    for entry in session.scalars(query):
        count += 1
        if entry.prev_hash != prev:
            return Verification(count, False, entry.id, "does not follow the entry before it", prev)
        if _digest(entry) != entry.hash:
            return Verification(count, False, entry.id, "its content does not match its hash", prev)
        prev = entry.hash
    return Verification(count, True, head=prev)


@dataclass(frozen=True)
class AuditPage:
    entries: Sequence[AuditEntry]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search(
    session: Session,
    *,
    action: str | None = None,
    username: str | None = None,
    entity_type: str | None = None,
    ip: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> AuditPage:
    """Entries, newest first, filtered (``action`` matches as a prefix: ``login`` → ``login.*``)."""
    conditions = []
    if action:
        conditions.append(AuditEntry.action.startswith(action, autoescape=True))
    if username:
        conditions.append(AuditEntry.username == username)
    if entity_type:
        conditions.append(AuditEntry.entity_type == entity_type)
    if ip:
        conditions.append(AuditEntry.ip == ip)
    if since:
        conditions.append(AuditEntry.at >= since)
    if until:
        conditions.append(AuditEntry.at < until)
    per_page = max(1, min(per_page, 500))
    page = max(1, page)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    rows = session.scalars(
        select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()  # fmt: skip
    return AuditPage(rows, total, page, per_page)


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a row, for before/after records."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if isinstance(value, datetime) else value
    return out
