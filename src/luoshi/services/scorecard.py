"""Where every task and target stands: the register read once into a snapshot, then counted.

The snapshot is built with a handful of set-based queries (no per-row queries): live tasks and
their department links, corrections, the latest submitted/accepted report per task (a window
function), and per target the observations of its baseline and latest year (index walks on
``(target_id, year)``, then one keyed, ranked fetch). It is cached per database and rebuilt when
a cheap fingerprint — the highest id of every table that feeds it — changes, so a dashboard
request costs one indexed query plus counting in Python.
"""

from __future__ import annotations

import calendar
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, case, func, select, tuple_
from sqlalchemy.orm import Session

from luoshi.assessment import Assessment, Goal, Point, assess, pick
from luoshi.registry.models import (
    Correction,
    Department,
    Document,
    TargetRow,
    TaskDepartment,
    TaskRow,
)
from luoshi.registry.tracking import (
    AuditEntry,
    Observation,
    ProgressReport,
    ProgressReportRevision,
    ReportingPeriod,
    TargetAssignment,
    UserAccount,
)
from luoshi.services.access import visible_tasks

DUE_SOON_DAYS = 60
CACHE_SECONDS = 60.0  # safety net for edits that leave no new row behind
NO_REPORT = "no_report"
# county-level units: 海安市, 通州区, 如东县, 各县人民政府、管委会 (city departments start with 市)
_DISTRICT = re.compile(r"(县|区|管委会|人民政府)$|^[^市].{0,6}市$")


def is_district(name: str) -> bool:
    return bool(_DISTRICT.search(name))


@dataclass
class TaskFact:
    id: int
    document_id: int
    label: str
    title: str
    review_state: str
    deadline_text: str | None
    deadline_kind: str | None
    deadline_year: int | None
    deadline_month: int | None
    lead: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # responsible and implementing, not lead
    department_ids: set[int] = field(default_factory=set)
    report: dict[str, Any] | None = None  # latest submitted or accepted
    accepted: dict[str, Any] | None = None  # latest accepted (what the public sees)
    overdue: bool = False
    due_soon: bool = False

    @property
    def status(self) -> str:
        return self.report["status"] if self.report else NO_REPORT

    @property
    def deadline(self) -> date | None:
        if self.deadline_year is None or self.deadline_kind == "ongoing":
            return None
        month = self.deadline_month or 12
        return date(self.deadline_year, month, calendar.monthrange(self.deadline_year, month)[1])


@dataclass
class TargetFact:
    id: int
    document_id: int
    indicator: str
    scope: str | None
    comparator: str
    value: float | None
    unit: str | None
    year: int | None
    baseline_year: int | None
    recurring: bool
    review_state: str
    assigned: tuple[str, float, str | None] | None
    assessment: Assessment

    @property
    def status(self) -> str:
        return self.assessment.status


@dataclass
class Snapshot:
    today: date
    documents: dict[int, dict[str, Any]]
    departments: dict[int, str]
    tasks: dict[int, TaskFact]
    targets: dict[int, TargetFact]


# ---------------------------------------------------------------- building the snapshot


def corrections(session: Session, kind: str, ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """Latest correction of each field, per item (review_state records left out)."""
    out: dict[int, dict[str, Any]] = defaultdict(dict)
    query = (
        select(Correction.item_id, Correction.field, Correction.new_value)
        .where(Correction.item_type == kind, Correction.field != "review_state")
        .order_by(Correction.at, Correction.id)
    )
    if ids is not None:
        query = query.where(Correction.item_id.in_(ids))
    for item_id, name, value in session.execute(query):
        out[item_id][name] = value
    return out


def _latest_reports(session: Session, states: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    """Per task, the report of the latest period among those in ``states``."""
    ranked = (
        select(
            ProgressReport.task_id, ProgressReport.status, ProgressReport.percent,
            ProgressReport.narrative, ProgressReport.state, ReportingPeriod.label,
            func.row_number().over(
                partition_by=ProgressReport.task_id,
                order_by=(ReportingPeriod.ends_on.desc(), ProgressReport.id.desc()),
            ).label("rank"),
        )  # fmt: skip
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .where(ProgressReport.deleted_at.is_(None), ProgressReport.state.in_(states))
        .subquery()
    )
    rows = session.execute(select(ranked).where(ranked.c.rank == 1))
    return {
        r.task_id: {"status": r.status, "percent": r.percent, "narrative": r.narrative,
                    "state": r.state, "period": r.label}
        for r in rows
    }  # fmt: skip


def _tasks(session: Session, today: date) -> dict[int, TaskFact]:
    cols = (
        TaskRow.id, TaskRow.document_id, TaskRow.label, TaskRow.title, TaskRow.review_state,
        TaskRow.deadline_text, TaskRow.deadline_kind, TaskRow.deadline_year, TaskRow.deadline_month,
    )  # fmt: skip
    live = (TaskRow.superseded.is_(False), TaskRow.review_state != "rejected")
    tasks = {r[0]: TaskFact(*r) for r in session.execute(select(*cols).where(*live))}
    links = (
        select(TaskDepartment.task_id, TaskDepartment.role, Department.id, Department.name)
        .join(Department, Department.id == TaskDepartment.department_id)
        .join(TaskRow, TaskRow.id == TaskDepartment.task_id)
        .where(*live)
        .order_by(TaskDepartment.task_id, TaskDepartment.position)
    )
    for task_id, role, dept_id, name in session.execute(links):
        task = tasks[task_id]
        task.department_ids.add(dept_id)
        (task.lead if role == "lead" else task.others).append(name)
    for task_id, fixes in corrections(session, "task").items():
        if task_id not in tasks:
            continue
        task = tasks[task_id]
        for name in ("label", "title", "deadline_text", "deadline_kind", "deadline_year", "deadline_month"):
            if name in fixes:
                setattr(task, name, fixes[name])
        if "lead" in fixes or "responsible" in fixes or "implementing" in fixes:
            lead = fixes.get("lead", task.lead)
            rest = fixes.get("responsible", task.lead + task.others) + fixes.get("implementing", [])
            task.lead, task.others = list(lead), [n for n in dict.fromkeys(rest) if n not in lead]
    reports = _latest_reports(session, ("submitted", "accepted"))
    accepted = _latest_reports(session, ("accepted",))
    soon = today + timedelta(days=DUE_SOON_DAYS)
    for task in tasks.values():
        task.report, task.accepted = reports.get(task.id), accepted.get(task.id)
        due = task.deadline
        if due is not None and task.status != "done":
            task.overdue = due < today
            task.due_soon = today <= due <= soon
    return tasks


def _series_points(session: Session, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[float, str | None]]:
    """The value per (target, year): the annual row if any, else the latest month's (ranked
    in SQL, so only one row per pair comes back)."""
    out: dict[tuple[int, int], tuple[float, str | None]] = {}
    month_rank = case((Observation.month.is_(None), 13), else_=Observation.month)
    for start in range(0, len(pairs), 400):  # keep each IN list well under bind limits
        ranked = (
            select(
                Observation.target_id, Observation.year, Observation.value, Observation.unit,
                func.row_number().over(
                    partition_by=(Observation.target_id, Observation.year),
                    order_by=(month_rank.desc(), Observation.id.desc()),
                ).label("rank"),
            )  # fmt: skip
            .where(
                tuple_(Observation.target_id, Observation.year).in_(pairs[start : start + 400]),
                Observation.superseded_at.is_(None),
            )
            .subquery()
        )
        for target_id, year, value, unit, _ in session.execute(select(ranked).where(ranked.c.rank == 1)):
            out[(target_id, year)] = (value, unit)
    return out


def _year_bounds(session: Session) -> list[tuple[int, int, int]]:
    """(target, first year, last year) of live observations, per live target. Each bound is
    an ORDER BY … LIMIT 1 walk of the (target_id, year) index, so the cost follows the number
    of targets, not of observations."""

    def bound(descending: bool) -> Any:
        year = Observation.year.desc() if descending else Observation.year.asc()
        return (
            select(Observation.year)
            .where(Observation.target_id == TargetRow.id, Observation.superseded_at.is_(None))
            .order_by(year)
            .limit(1)
            .scalar_subquery()
        )

    rows = session.execute(
        select(TargetRow.id, bound(False), bound(True))
        .where(TargetRow.superseded.is_(False), TargetRow.review_state != "rejected")
    )
    return [(tid, first, last) for tid, first, last in rows if first is not None]


def goal_of(values: dict[str, Any], assigned: tuple[str, float, str | None] | None) -> Goal:
    """The goal to assess: a delegated target takes the upper level's assigned number."""
    comparator, value, unit = values["comparator"], values["value"], values["unit"]
    if comparator == "delegated" and assigned is not None:
        comparator, value, unit = assigned[0], assigned[1], assigned[2] or unit
    return Goal(comparator, value, values["year"], unit, values["indicator"], bool(values["recurring"]))


def assignments(session: Session, target_ids: Iterable[int] | None = None) -> dict[int, tuple[str, float, str | None]]:
    query = select(TargetAssignment).where(TargetAssignment.superseded_at.is_(None))
    if target_ids is not None:
        query = query.where(TargetAssignment.target_id.in_(list(target_ids)))
    rows = session.scalars(query.order_by(TargetAssignment.entered_at, TargetAssignment.id))
    return {a.target_id: (a.comparator, a.value, a.unit) for a in rows}


TARGET_FIELDS = ("indicator", "scope", "comparator", "value", "unit", "year", "baseline_year", "recurring")


def _targets(session: Session, today: date) -> dict[int, TargetFact]:
    cols = [getattr(TargetRow, n) for n in ("id", "document_id", "review_state", *TARGET_FIELDS)]
    rows = session.execute(
        select(*cols).where(TargetRow.superseded.is_(False), TargetRow.review_state != "rejected")
    ).mappings()
    values = {r["id"]: dict(r) for r in rows}
    for target_id, fixes in corrections(session, "target").items():
        if target_id in values:
            values[target_id].update({k: v for k, v in fixes.items() if k in TARGET_FIELDS})
    wanted: set[tuple[int, int]] = set()
    for tid, first, last in _year_bounds(session):
        if tid in values:
            wanted |= {(tid, first), (tid, last)}
            if values[tid]["baseline_year"]:
                wanted.add((tid, values[tid]["baseline_year"]))
    points = _series_points(session, sorted(wanted))
    series: dict[int, list[Point]] = defaultdict(list)
    units: dict[int, str | None] = {}
    for (target_id, year), (value, unit) in points.items():
        series[target_id].append(Point(year, value))
        units[target_id] = unit
    assigned = assignments(session)
    out: dict[int, TargetFact] = {}
    for target_id, v in values.items():
        goal = goal_of(v, assigned.get(target_id))
        base, latest = pick(series.get(target_id, []), v["baseline_year"])
        share = (units.get(target_id) or goal.unit) == "%"
        result = assess(goal, base, latest, proportion=share, current_year=today.year)
        out[target_id] = TargetFact(
            target_id, v["document_id"], v["indicator"], v["scope"], v["comparator"], v["value"],
            v["unit"], v["year"], v["baseline_year"], bool(v["recurring"]), v["review_state"],
            assigned.get(target_id), result,
        )  # fmt: skip
    return out


def build(session: Session, today: date | None = None) -> Snapshot:
    today = today or date.today()
    docs = session.execute(
        select(Document.id, Document.title, Document.doc_number, Document.issuer, Document.date)
        .where(Document.superseded_at.is_(None))
        .order_by(Document.id)
    ).mappings()
    departments = {i: name for i, name in session.execute(select(Department.id, Department.name))}
    return Snapshot(
        today, {d["id"]: dict(d) for d in docs}, departments, _tasks(session, today), _targets(session, today)
    )


_FINGERPRINT_TABLES = (
    Document, TaskRow, TargetRow, TaskDepartment, Correction, Observation, TargetAssignment,
    ProgressReport, ProgressReportRevision, ReportingPeriod, AuditEntry,
)  # fmt: skip
_cache: dict[str, tuple[tuple[Any, ...], float, Snapshot]] = {}
_lock = threading.Lock()


def fingerprint(session: Session) -> tuple[Any, ...]:
    """Highest id of each table the snapshot reads (each an index lookup), and the day."""
    row = session.execute(select(*(select(func.max(m.id)).scalar_subquery() for m in _FINGERPRINT_TABLES))).one()
    return (*row, date.today())


def snapshot(session: Session) -> Snapshot:
    """The cached snapshot for this database, rebuilt when the register changed."""
    bind = session.get_bind()
    key = str(bind.url) if isinstance(bind, Engine) else str(bind.engine.url)
    mark = fingerprint(session)
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == mark and time.monotonic() - cached[1] < CACHE_SECONDS:
            return cached[2]
    built = build(session)
    with _lock:
        _cache[key] = (mark, time.monotonic(), built)
    return built


def visible_task_ids(session: Session, user: UserAccount | None) -> set[int] | None:
    """None when ``user`` sees every task; else the ids of its unit's tasks."""
    if user is None or user.role in ("admin", "office", "viewer"):
        return None
    return set(session.scalars(visible_tasks(user, select(TaskRow.id))))
