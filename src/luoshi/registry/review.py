"""Review: confirm, correct, reject. Corrections are an overlay, nothing is ever deleted.

The item row keeps what extraction found; ``correction`` rows hold what people changed. The
effective value of a field is its latest correction, else the extracted value. Confirm and
reject are recorded in the same table (``field == "review_state"``), so :func:`history` is the
full story of an item.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, cast, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from luoshi.errors import RegistryError
from luoshi.extraction.model import COMPARATORS, DeadlineKind
from luoshi.registry.departments import find_department
from luoshi.registry.models import (
    ITEM_MODELS,
    Correction,
    Item,
    ProjectRow,
    TargetRow,
    TaskRow,
    utcnow,
)

Check = Callable[[Any], Any]
DEADLINE_KINDS: tuple[str, ...] = get_args(DeadlineKind)


def _text(optional: bool = False) -> Check:
    def check(value: Any) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be a non-empty text" + (" or None" if optional else ""))
        return value.strip()

    return check


def _number(optional: bool = True, minimum: float | None = None) -> Check:
    def check(value: Any) -> Any:
        if value is None and optional:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError(f"must be a number, got {value!r}")
        if minimum is not None and value < minimum:
            raise ValueError(f"must be at least {minimum:g}, got {value!r}")
        return float(value)

    return check


def _integer(low: int, high: int) -> Check:
    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}, got {value!r}")
        return value

    return check


def _choice(allowed: tuple[str, ...], optional: bool = False) -> Check:
    def check(value: Any) -> Any:
        if value is None and optional:
            return None
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}; got {value!r}")
        return value

    return check


def _flag(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


def _names(value: Any) -> Any:
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) and v.strip() for v in value
    ):
        raise ValueError("must be a list of department names")
    return [v.strip() for v in value]


_DEADLINE: dict[str, Check] = {
    "deadline_text": _text(optional=True),
    "deadline_kind": _choice(DEADLINE_KINDS, optional=True),
    "deadline_year": _integer(1949, 2100),
    "deadline_month": _integer(1, 12),
}

# The fields a person may correct, with the check each value must pass.
FIELDS: dict[str, dict[str, Check]] = {
    "task": {
        "title": _text(), "text": _text(), "label": _text(),
        "responsible": _names, "lead": _names, "implementing": _names, **_DEADLINE,
    },
    "target": {
        "indicator": _text(), "scope": _text(optional=True), "comparator": _choice(COMPARATORS),
        "value": _number(), "unit": _text(optional=True), "year": _integer(1949, 2100),
        "month": _integer(1, 12), "baseline_year": _integer(1949, 2100),
        "recurring": _flag, "text": _text(),
    },
    "project": {
        "name": _text(), "content": _text(optional=True),
        "investment_wan_yuan": _number(minimum=0), "category": _text(optional=True),
        "number": _text(optional=True), "responsible": _names, **_DEADLINE,
    },
}  # fmt: skip


def item_type(item: Item) -> str:
    if isinstance(item, TaskRow):
        return "task"
    if isinstance(item, TargetRow):
        return "target"
    if isinstance(item, ProjectRow):
        return "project"
    raise RegistryError(f"not a review item: {item!r}")


def get_item(session: Session, kind: str, item_id: int) -> Item:
    """The task, target or project with ``item_id``; RegistryError when there is none."""
    model = ITEM_MODELS.get(kind)
    row = session.get(model, item_id) if model is not None else None
    if row is None:
        raise RegistryError(f"no {kind} with id {item_id}")
    return cast(Item, row)


def extracted(item: Item) -> dict[str, Any]:
    """The correctable fields as extracted (department lists from the link tables)."""
    values = {name: getattr(item, name) for name in FIELDS[item_type(item)] if hasattr(item, name)}
    if isinstance(item, TaskRow):
        values["responsible"] = [x.department.name for x in item.links if x.role != "implementing"]
        values["lead"] = [x.department.name for x in item.links if x.role == "lead"]
        values["implementing"] = [x.department.name for x in item.links if x.role == "implementing"]
    elif isinstance(item, ProjectRow):
        values["responsible"] = [x.department.name for x in item.links]
    return values


def overlay(item: Item, corrections: Iterable[Correction]) -> dict[str, Any]:
    """``extracted(item)`` with ``corrections`` (oldest first) applied, plus identity fields."""
    values = extracted(item)
    for correction in corrections:
        if correction.field != "review_state":
            values[correction.field] = correction.new_value
    values.update(
        id=item.id, item_type=item_type(item), natural_key=item.natural_key,
        review_state=item.review_state, superseded=item.superseded,
        document_id=item.document_id, span=(item.span_start, item.span_end),
    )  # fmt: skip
    return values


def _session(item: Item) -> Session:
    session = object_session(item)
    if session is None:
        raise RegistryError(f"{item_type(item)} {item.id} is not attached to a session")
    return session


def history(session: Session, item: Item) -> list[Correction]:
    """Every review action on ``item``, oldest first."""
    query = select(Correction).where(
        Correction.item_type == item_type(item), Correction.item_id == item.id
    )
    return list(session.scalars(query.order_by(Correction.at, Correction.id)))


def effective(item: Item) -> dict[str, Any]:
    """The values to use: extracted, overlaid with the latest correction of each field."""
    return overlay(item, history(_session(item), item))


def _record(
    session: Session, item: Item, name: str, old: Any, new: Any, by: str, note: str | None
) -> Correction:
    if not by or not by.strip():
        raise RegistryError("a reviewer name (by) is required")
    row = Correction(
        item_type=item_type(item), item_id=item.id, field=name, old_value=old,
        new_value=new, by=by.strip(), at=utcnow(), note=note,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _set_state(session: Session, item: Item, state: str, by: str, note: str | None) -> Correction:
    row = _record(session, item, "review_state", item.review_state, state, by, note)
    item.review_state = state
    return row


def confirm(session: Session, item: Item, by: str, note: str | None = None) -> Correction:
    """Mark ``item`` right as it stands. A corrected item stays ``corrected``."""
    state = "corrected" if item.review_state == "corrected" else "confirmed"
    return _set_state(session, item, state, by, note)


def reject(session: Session, item: Item, by: str, note: str) -> Correction:
    """Mark ``item`` as not a real task/target/project; ``note`` says why. Kept, never deleted."""
    if not note or not note.strip():
        raise RegistryError("reject needs a note saying why")
    return _set_state(session, item, "rejected", by, note)


def correct(
    session: Session, item: Item, field: str, value: Any, by: str, note: str | None = None
) -> Correction:
    """Record ``value`` as the effective ``field`` of ``item``; the item becomes ``corrected``."""
    kind = item_type(item)
    checks = FIELDS[kind]
    if field not in checks:
        raise RegistryError(
            f"{kind} has no correctable field {field!r} (one of: {', '.join(checks)})"
        )
    try:
        value = checks[field](value)
    except ValueError as error:
        raise RegistryError(f"{kind} {item.id}: field {field!r} {error}") from error
    if field in ("responsible", "lead", "implementing"):
        # store canonical names when the dictionary knows them, so grouping stays right
        value = [(d.name if (d := find_department(session, n)) else n) for n in value]
    old = effective(item).get(field)
    row = _record(session, item, field, old, value, by, note)
    if item.review_state != "corrected":
        _record(session, item, "review_state", item.review_state, "corrected", by, None)
        item.review_state = "corrected"
    return row
