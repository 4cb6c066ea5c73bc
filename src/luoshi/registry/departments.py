"""The department dictionary, mirrored into the register.

The extraction side reads the same CSV files (shipped ``extraction/data/departments.csv`` plus
the optional override named by ``LUOSHI_DEPARTMENTS``); the register only mirrors them, so that
queries can group by department and aliases typed by a person resolve to the same rows.

Merge rule for the override file (same columns: ``canonical,kind,aliases`` with ``|``-separated
aliases): a row for a known canonical name replaces its kind and adds its aliases; a new
canonical name adds a department; an alias named in the override moves to the override's
department, wherever the shipped file had it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.extraction.departments import shipped_rows, user_rows
from luoshi.registry.models import Department, DepartmentAlias

UNKNOWN_KIND = "unknown"


@dataclass
class DepartmentEntry:
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)


def _entries(rows: list[tuple[str, str, list[str]]]) -> list[DepartmentEntry]:
    # the extraction side parses and validates the CSV: one reader for both sides
    return [
        DepartmentEntry(name, kind, [a for a in dict.fromkeys(aliases) if a != name])
        for name, kind, aliases in rows
    ]


def dictionary(override: str | Path | None = None) -> dict[str, DepartmentEntry]:
    """The merged dictionary: shipped rows, then ``override`` (default ``$LUOSHI_DEPARTMENTS``)."""
    merged: dict[str, DepartmentEntry] = {e.name: e for e in _entries(shipped_rows())}
    override = override or os.environ.get("LUOSHI_DEPARTMENTS") or None
    if override is None:
        return merged
    for entry in _entries(user_rows(override)):
        # an alias claimed by the override leaves whichever department held it
        for other in merged.values():
            other.aliases = [a for a in other.aliases if a not in entry.aliases]
        if entry.name in merged:
            known = merged[entry.name]
            known.kind = entry.kind
            known.aliases = list(dict.fromkeys(known.aliases + entry.aliases))
        else:
            merged[entry.name] = entry
    # a canonical name is never also an alias
    for entry in merged.values():
        entry.aliases = [a for a in entry.aliases if a not in merged]
    return merged


def sync_departments(session: Session, override: str | Path | None = None) -> int:
    """Mirror the dictionary into ``department``/``department_alias``; idempotent.

    Departments are never deleted (items point at them); aliases are an exact mirror.
    Returns the number of rows added or changed.
    """
    entries = dictionary(override)
    departments = {d.name: d for d in session.scalars(select(Department))}
    changed = 0
    for entry in entries.values():
        row = departments.get(entry.name)
        if row is None:
            row = Department(name=entry.name, kind=entry.kind)
            session.add(row)
            departments[entry.name] = row
            changed += 1
        elif row.kind != entry.kind:
            row.kind = entry.kind
            changed += 1
    session.flush()

    wanted = {alias: departments[e.name].id for e in entries.values() for alias in e.aliases}
    existing = {a.alias: a for a in session.scalars(select(DepartmentAlias))}
    for alias, alias_row in existing.items():
        if alias not in wanted:
            session.delete(alias_row)
            changed += 1
        elif alias_row.department_id != wanted[alias]:
            alias_row.department_id = wanted[alias]
            changed += 1
    session.flush()
    for alias, department_id in wanted.items():
        if alias not in existing:
            session.add(DepartmentAlias(alias=alias, department_id=department_id))
            changed += 1
    session.flush()
    return changed


def find_department(session: Session, name: str) -> Department | None:
    """The department called ``name``: a known canonical name, else an alias, else an unknown body."""
    name = name.strip()
    row = session.scalar(select(Department).where(Department.name == name))
    if row is not None and row.kind != UNKNOWN_KIND:
        return row
    alias = session.scalar(select(DepartmentAlias).where(DepartmentAlias.alias == name))
    if alias is not None:
        return alias.department
    return row


def resolve_department(session: Session, name: str) -> Department:
    """Like :func:`find_department`, but a name not in the dictionary becomes an ``unknown``
    department, so that nothing the document names is lost."""
    row = find_department(session, name)
    if row is None:
        row = Department(name=name.strip(), kind=UNKNOWN_KIND)
        session.add(row)
        session.flush()
    return row
