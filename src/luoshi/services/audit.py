"""The audit log: append-only, each entry chained to the previous one by SHA-256.

An entry's hash covers its own fields and the previous entry's hash, so changing, removing or
reordering any entry breaks the chain from there on; :func:`verify` recomputes it.
(A database superuser can still rewrite the whole chain; keep backups off the server.)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.registry.models import utcnow
from luoshi.registry.tracking import AuditEntry, UserAccount

GENESIS = "0" * 64


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
) -> AuditEntry:
    """Append one entry in the caller's transaction."""
    last = session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1).with_for_update())
    entry = AuditEntry(
        at=utcnow(),
        user_id=user.id if user else None,
        username=user.username if user else username,
        ip=ip,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = _digest(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    entries: int
    ok: bool
    first_bad_id: int | None = None
    reason: str = ""


def verify(session: Session) -> Verification:
    """Recompute the chain from the first entry; report the first entry that does not fit."""
    prev = GENESIS
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        if entry.prev_hash != prev:
            return Verification(count, False, entry.id, "does not follow the entry before it")
        if _digest(entry) != entry.hash:
            return Verification(count, False, entry.id, "its content does not match its hash")
        prev = entry.hash
    return Verification(count, True)


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a row, for before/after records."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = value.isoformat() if isinstance(value, datetime) else value
    return out
