"""Late, missing and due-soon reports; the in-app banner and the daily digest files.

For each plan, the current and the previous reporting period are checked. A (task, unit) pair is
expected to report when the unit is named on the task as lead or responsible. Per period:

- ``overdue`` (逾期未报): the due date has passed and there is no submission (no report, a draft,
  or a returned report not yet resubmitted);
- ``missing`` (待报送): no submission yet, the due date not passed; ``due_soon`` marks those due
  within :data:`DUE_SOON_DAYS`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from luoshi.registry.models import Department, Document, TaskDepartment, TaskRow
from luoshi.registry.tracking import AppSetting, ProgressReport, UserAccount
from luoshi.services.access import is_office, visible_tasks
from luoshi.services.progress import recent_periods_many

DUE_SOON_DAYS = 7
DONE_STATES = ("submitted", "accepted")
CHINA = timezone(timedelta(hours=8))  # deadlines are local dates; the server may run in UTC


def local_today() -> date:
    return datetime.now(UTC).astimezone(CHINA).date()


@dataclass(frozen=True)
class Outstanding:
    """One report a unit still owes."""

    kind: str  # "overdue" | "missing"
    task_id: int
    task_label: str
    task_title: str
    document_key: str
    document_title: str
    unit_id: int
    unit_name: str
    period_id: int
    period_label: str
    due_on: date
    state: str | None  # the existing report's state (draft / returned), else None
    days_left: int  # negative when overdue

    @property
    def due_soon(self) -> bool:
        return self.kind == "missing" and self.days_left <= DUE_SOON_DAYS


def outstanding(session: Session, user: UserAccount | None, today: date, unit_id: int | None = None) -> list[Outstanding]:
    """Reports still owed for the current and previous periods, among the tasks ``user`` may
    read; unit users see their own unit's only. Overdue first, then by due date."""
    link = aliased(TaskDepartment)  # visible_tasks correlates its own TaskDepartment subquery
    q = (select(TaskRow.id, TaskRow.label, TaskRow.title, TaskRow.document_key, link.department_id, Department.name)
         .join(link, link.task_id == TaskRow.id)
         .join(Department, Department.id == link.department_id)
         .where(link.role.in_(("lead", "responsible"))))  # fmt: skip
    q = visible_tasks(user, q)
    if user is not None and not is_office(user) and user.role != "viewer":
        unit_id = user.unit_id
    if unit_id is not None:
        q = q.where(link.department_id == unit_id)
    pairs = list(session.execute(q))
    keys = sorted({r.document_key for r in pairs})
    titles: dict[str, str] = {k: t for k, t in session.execute(
        select(Document.key, Document.title).where(Document.key.in_(keys), Document.superseded_at.is_(None)))}  # fmt: skip
    periods = recent_periods_many(session, [k for k in keys if k in titles], today)
    period_ids = [p.id for ps in periods.values() for p in ps]
    states: dict[tuple[int, int, int], str] = {}
    reports = (
        select(ProgressReport.task_id, ProgressReport.period_id, ProgressReport.unit_id, ProgressReport.state)
        .where(ProgressReport.period_id.in_(period_ids), ProgressReport.deleted_at.is_(None))
    )
    if unit_id is not None:
        reports = reports.where(ProgressReport.unit_id == unit_id)
    for r in session.execute(reports):
        states[(r.task_id, r.period_id, r.unit_id)] = r.state
    out: list[Outstanding] = []
    for task_id, label, title, key, unit, unit_name in pairs:
        for period in periods.get(key, []):
            state = states.get((task_id, period.id, unit))
            if state in DONE_STATES:
                continue
            days = (period.due_on - today).days
            out.append(Outstanding(
                "overdue" if days < 0 else "missing", task_id, label, title, key,
                titles[key], unit, unit_name, period.id, period.label, period.due_on, state, days,
            ))  # fmt: skip
    out.sort(key=lambda o: (o.kind != "overdue", o.due_on, o.unit_name, o.task_id))
    return out


@dataclass(frozen=True)
class Tally:
    name: str
    overdue: int
    missing: int


def tally(items: list[Outstanding], by: str) -> list[Tally]:
    """Counts per unit (``by="unit"``) or per plan (``by="plan"``), most overdue first."""
    def key(o: Outstanding) -> str:
        return o.unit_name if by == "unit" else o.document_title

    over = Counter(key(o) for o in items if o.kind == "overdue")
    miss = Counter(key(o) for o in items if o.kind == "missing")
    names = set(over) | set(miss)
    return sorted((Tally(n, over[n], miss[n]) for n in names), key=lambda t: (-t.overdue, -t.missing, t.name))


@dataclass(frozen=True)
class Banner:
    overdue: int
    due_soon: int
    next_due: date | None


def banner(session: Session, user: UserAccount | None, today: date) -> Banner | None:
    """What the reminder banner says to a unit user (None when nothing is owed or not a unit user)."""
    if user is None or user.role not in ("department", "district") or user.unit_id is None:
        return None
    return banner_of(outstanding(session, user, today))


def banner_of(items: list[Outstanding]) -> Banner | None:
    """The banner for a unit user's outstanding reports (see :func:`banner`)."""
    overdue = sum(o.kind == "overdue" for o in items)
    soon = [o for o in items if o.due_soon]
    if not overdue and not soon:
        return None
    return Banner(overdue, len(soon), min((o.due_on for o in soon), default=None))


# ---------------------------------------------------------------- daily digest

DIGEST_KEY = "digest"


def digest_setting(session: Session) -> dict[str, object]:
    row = session.scalar(select(AppSetting).where(AppSetting.key == DIGEST_KEY))
    return dict(row.value) if row is not None and isinstance(row.value, dict) else {}


def _file_name(unit: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", unit).strip("_") or "unit"


def _digest_text(unit: str, items: list[Outstanding], today: date) -> str:
    lines = [f"# 进展报送提醒 · {unit} · {today.isoformat()}", ""]
    for kind, title in (("overdue", "逾期未报"), ("soon", f"{DUE_SOON_DAYS} 天内到期")):
        chosen = [o for o in items if (o.kind == "overdue" if kind == "overdue" else o.due_soon)]
        lines.append(f"## {title}（{len(chosen)}）")
        lines.append("")
        for o in chosen:
            lines.append(f"- {o.document_title} · {o.task_label} {o.task_title[:60]} · {o.period_label} · "
                         f"截止 {o.due_on.isoformat()}" + (f"（已逾期 {-o.days_left} 天）" if o.days_left < 0 else ""))  # fmt: skip
        if not chosen:
            lines.append("- 无")
        lines.append("")
    return "\n".join(lines)


def write_digest(session: Session, folder: str | Path | None, today: date) -> list[Path]:
    """Write one Markdown file per unit that owes reports (overdue or due soon) into
    ``folder/YYYY-MM-DD/``. ``folder=None`` takes the ``digest`` app setting and writes nothing
    unless it is ``{"enabled": true, "folder": ...}``. Returns the files written."""
    if folder is None:
        setting = digest_setting(session)
        if setting.get("enabled") is not True or not isinstance(setting.get("folder"), str):
            return []
        folder = str(setting["folder"])
    by_unit: dict[str, list[Outstanding]] = {}
    for o in outstanding(session, None, today):
        if o.kind == "overdue" or o.due_soon:
            by_unit.setdefault(o.unit_name, []).append(o)
    target = Path(folder) / today.isoformat()
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for unit, items in sorted(by_unit.items()):
        path = target / f"{_file_name(unit)}.md"
        tmp = path.with_suffix(".md.tmp")
        tmp.write_text(_digest_text(unit, items, today), encoding="utf-8")
        os.replace(tmp, path)  # readers never see a half-written file
        written.append(path)
    return written


def digest_command(
    date_: Annotated[str | None, typer.Option("--date", help="Day to report on, YYYY-MM-DD (default: today, China time).")] = None,
    folder: Annotated[Path | None, typer.Option(help="Write here instead of the folder in the digest setting.")] = None,
) -> None:
    """Write today's reminder digest: one Markdown file per unit with overdue or due-soon reports."""
    from luoshi.registry.db import database_url, make_engine, session_scope

    try:
        day = date.fromisoformat(date_) if date_ else local_today()
    except ValueError:
        typer.echo(f"error: --date {date_!r}: expected YYYY-MM-DD", err=True)
        raise typer.Exit(1) from None
    engine = make_engine(database_url())
    try:
        with session_scope(engine) as session:
            if folder is None and digest_setting(session).get("enabled") is not True:
                typer.echo('digest is switched off: set app_setting "digest" to {"enabled": true, "folder": "..."}')
                return
            files = write_digest(session, folder, day)
    finally:
        engine.dispose()
    typer.echo(f"{len(files)} digest files written for {day.isoformat()}")
    for f in files:
        typer.echo(f"  {f}")
