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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine, case, event, func, or_, select, tuple_
from sqlalchemy.orm import ORMExecuteState, Session

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
    ApiToken,
    AuditEntry,
    Observation,
    ProgressReport,
    ProgressReportRevision,
    ReportingPeriod,
    TargetAssignment,
    UserAccount,
    WebSession,
)
from luoshi.services.access import visible_tasks

_T = TypeVar("_T")
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
    # figures derived from this snapshot (per user scope), kept as long as the snapshot is
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def derived(self, key: Any, make: Callable[[], _T]) -> _T:
        """``make()``, computed once per snapshot and ``key`` (concurrent callers wait for it)."""
        try:
            found: _T = self.memo[key]
            return found
        except KeyError:
            pass
        with _lock:
            flight = self.memo.setdefault(("flight", key), threading.Lock())
        with flight:
            if key not in self.memo:
                self.memo[key] = make()
            value: _T = self.memo[key]
        return value


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


def _latest_by_state(session: Session, wanted: dict[str, tuple[str, ...]]) -> dict[str, dict[int, dict[str, Any]]]:
    """For each name in ``wanted``: per task, the report of the latest period (ties: the highest
    id) among the reports in those states. One pass over narrow rows, picked in Python (a window
    function sorts every report, several times slower on SQLite), then the chosen rows' text."""
    periods = {pid: (ends_on, label) for pid, ends_on, label in session.execute(
        select(ReportingPeriod.id, ReportingPeriod.ends_on, ReportingPeriod.label))}  # fmt: skip
    every = sorted({s for states in wanted.values() for s in states})
    best: dict[str, dict[int, tuple[Any, int]]] = {name: {} for name in wanted}
    rows = session.execute(
        select(ProgressReport.task_id, ProgressReport.period_id, ProgressReport.id, ProgressReport.state)
        .where(ProgressReport.deleted_at.is_(None), ProgressReport.state.in_(every))
    )
    choosers = [(best[name], frozenset(states)) for name, states in wanted.items()]
    for task_id, period_id, report_id, state in rows:
        key = (periods[period_id][0], report_id)
        for chosen, states in choosers:
            if state in states:
                current = chosen.get(task_id)
                if current is None or key > current:
                    chosen[task_id] = key
    ids = sorted({key[1] for chosen in best.values() for key in chosen.values()})
    details: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        for r in session.execute(
            select(ProgressReport.id, ProgressReport.status, ProgressReport.percent, ProgressReport.narrative,
                   ProgressReport.state, ProgressReport.period_id)
            .where(ProgressReport.id.in_(ids[start : start + 500]))
        ):  # fmt: skip
            details[r.id] = {"status": r.status, "percent": r.percent, "narrative": r.narrative,
                             "state": r.state, "period": periods[r.period_id][1]}  # fmt: skip
    return {name: {task_id: dict(details[key[1]]) for task_id, key in chosen.items()} for name, chosen in best.items()}


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
    latest = _latest_by_state(session, {"reports": ("submitted", "accepted"), "accepted": ("accepted",)})
    reports, accepted = latest["reports"], latest["accepted"]
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
        chunk = pairs[start : start + 400]
        ranked = (
            select(
                Observation.target_id, Observation.year, Observation.value, Observation.unit,
                func.row_number().over(
                    partition_by=(Observation.target_id, Observation.year),
                    order_by=(month_rank.desc(), Observation.id.desc()),
                ).label("rank"),
            )  # fmt: skip
            .where(
                tuple_(Observation.target_id, Observation.year).in_(chunk),
                # the same again as plain IN lists: SQLite walks the index for these, not for the pairs
                Observation.target_id.in_(sorted({t for t, _ in chunk})),
                Observation.year.in_(sorted({y for _, y in chunk})),
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
    ProgressReport, ProgressReportRevision, ReportingPeriod,
)  # fmt: skip
# audit entries of sign-ins and account changes: nothing the snapshot shows changes with them
ACCOUNT_ACTIONS = ("login.", "logout", "session.", "password.", "token.", "user.", "setting.")
_cache: dict[str, tuple[tuple[Any, ...], float, Snapshot]] = {}
_lock = threading.Lock()
_build_lock = threading.Lock()  # one build at a time: concurrent requests wait for it, not redo it


def _fingerprint_query() -> Any:
    changes = (
        select(AuditEntry.id)
        .where(~or_(*(AuditEntry.action.startswith(p, autoescape=True) for p in ACCOUNT_ACTIONS)))
        .order_by(AuditEntry.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    maxima = (select(func.max(m.id)).scalar_subquery() for m in _FINGERPRINT_TABLES)
    return select(*maxima, changes)


_FINGERPRINT = _fingerprint_query()  # built once: every request runs it


def fingerprint(session: Session) -> tuple[Any, ...]:
    """Highest id of each table the snapshot reads (each an index lookup), and of the audit
    entries of register changes (which catch edits in place), and the day: one query."""
    row = session.execute(_FINGERPRINT).one()
    return (*row, date.today())


# ---------------------------------------------------------------- writes in this transaction


def _register_changes(session: Session) -> bool:
    # a session's last_seen_at or a token's last_used_at is no change to the register
    return any(not isinstance(o, (WebSession, ApiToken)) for o in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    if _register_changes(session):
        session.info["wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session: Session) -> None:
    session.info.pop("wrote", None)


def wrote(session: Session) -> bool:
    """Whether this session's open transaction has written: what it reads then is not what
    others see, and must not be cached (its ids may even be reused after a rollback)."""
    return bool(session.info.get("wrote")) or _register_changes(session)


def _db_key(session: Session) -> str:
    bind = session.get_bind()
    return str(bind.url) if isinstance(bind, Engine) else str(bind.engine.url)


def snapshot(session: Session) -> Snapshot:
    """The cached snapshot for this database, rebuilt when the register changed."""
    if wrote(session):
        return build(session)  # this transaction's own view, kept to itself
    key = _db_key(session)
    mark = fingerprint(session)

    def fresh() -> Snapshot | None:
        with _lock:
            cached = _cache.get(key)
        if cached and cached[0] == mark and time.monotonic() - cached[1] < CACHE_SECONDS:
            return cached[2]
        return None

    found = fresh()
    if found is not None:
        return found
    with _build_lock:
        found = fresh()  # built by another request while this one waited
        if found is not None:
            return found
        built = build(session)
        with _lock:
            _cache[key] = (mark, time.monotonic(), built)
    return built


_derived: dict[str, tuple[tuple[Any, ...], float, dict[Any, Any]]] = {}
MAX_DERIVED = 2000  # values kept per register version
_flights: dict[tuple[Any, ...], threading.Lock] = {}


def remember(session: Session, key: Any, make: Callable[[], _T]) -> _T:
    """``make()``, computed once per register version (the :func:`fingerprint`, as for the
    snapshot) and ``key``, which must name everything else the value depends on."""
    if wrote(session):
        return make()
    db = _db_key(session)
    mark = fingerprint(session)
    with _lock:
        entry = _derived.get(db)
        if entry is None or entry[0] != mark or time.monotonic() - entry[1] >= CACHE_SECONDS:
            entry = _derived[db] = (mark, time.monotonic(), {})
        values = entry[2]
        if key in values:
            found: _T = values[key]
            return found
    # one request computes, the others asking for the same value at the same time wait for it
    with _lock:
        flight = _flights.setdefault((db, mark, key), threading.Lock())
    with flight:
        with _lock:
            if key in values and _derived.get(db) is entry:
                found = values[key]
                return found
        value = make()
        with _lock:
            if _derived.get(db) is entry:
                if len(values) >= MAX_DERIVED:
                    values.clear()
                values[key] = value
            _flights.pop((db, mark, key), None)
    return value


def visible_task_ids(session: Session, user: UserAccount | None) -> set[int] | None:
    """None when ``user`` sees every task; else the ids of its unit's tasks."""
    if user is None or user.role in ("admin", "office", "viewer"):
        return None
    return set(session.scalars(visible_tasks(user, select(TaskRow.id))))


def scope_key(user: UserAccount | None) -> tuple[str, int | None]:
    """What decides which tasks ``user`` sees: everyone of a role sees the same, unit users their unit's."""
    if user is None or user.role in ("admin", "office", "viewer"):
        return ("all", None)
    return (user.role, user.unit_id)


def visible_in(snap: Snapshot, session: Session, user: UserAccount | None) -> set[int] | None:
    """:func:`visible_task_ids`, remembered with the snapshot (it reads the same tables)."""
    return snap.derived(("visible", scope_key(user)), lambda: visible_task_ids(session, user))
