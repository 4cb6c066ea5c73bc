"""The JSON API (/api/…), described at /openapi.json. Session cookie or bearer token; a unit
user sees only its own tasks (403 for another unit's task); errors come back as JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from luoshi.assessment.status import finite
from luoshi.registry.models import SectionRow
from luoshi.reports.tables import deadline_text
from luoshi.reports.target import target_detail
from luoshi.services import scorecard
from luoshi.services.access import NotFound, get_task
from luoshi.services.scorecard import TargetFact, TaskFact
from luoshi.web.deps import DbDep, RequiredUser
from luoshi.web.routes.dashboard import dashboard_data
from luoshi.web.routes.plans import plan_rows

router = APIRouter(prefix="/api", tags=["api"])


class YearValue(BaseModel):
    year: int
    value: float | None


class TaskOut(BaseModel):
    id: int
    document_id: int
    label: str
    title: str
    deadline: str
    deadline_year: int | None
    deadline_month: int | None
    lead: list[str]
    departments: list[str]  # lead first
    status: str  # latest submitted/accepted report's status, or no_report
    percent: int | None
    period: str | None
    overdue: bool
    due_soon: bool


class TargetOut(BaseModel):
    id: int
    document_id: int
    indicator: str
    scope: str | None
    comparator: str
    value: float | None
    unit: str | None
    year: int | None
    baseline_year: int | None
    status: str  # achieved / on_track / at_risk / off_track / no_data
    reason: str
    ratio: float | None
    method: str | None
    direction: int
    target_value: float | None
    baseline: YearValue | None
    latest: YearValue | None
    projection: YearValue | None


class Source(BaseModel):
    year: int
    period: str
    value: float
    unit: str | None
    region: str
    source: str
    method: str | None
    input_file: str | None


class TargetDetailOut(TargetOut):
    series: list[YearValue]
    path: list[YearValue]
    sources: list[Source]
    text: str


class PlanOut(BaseModel):
    id: int
    title: str
    doc_number: str | None
    issuer: str | None
    date: date | None
    tasks: int
    overdue: int
    targets: dict[str, int]


class SectionOut(BaseModel):
    id: int
    parent_id: int | None
    label: str
    title: str
    level: int


class PlanDetailOut(PlanOut):
    sections: list[SectionOut]
    task_list: list[TaskOut]
    target_list: list[TargetOut]


class GroupOut(BaseModel):
    id: int
    name: str
    tasks: int
    done: int
    overdue: int
    by_status: dict[str, int]


class DashboardOut(BaseModel):
    today: date
    tasks: dict[str, Any]
    plans: list[dict[str, Any]]
    departments: list[GroupOut]
    districts: list[GroupOut]
    overdue: list[TaskOut]
    overdue_total: int
    due_soon: list[TaskOut]
    due_soon_total: int
    targets: dict[str, int]
    targets_total: int
    year: int
    year_targets: dict[str, int]  # targets due in ``year``, by status
    year_total: int


def task_out(t: TaskFact) -> TaskOut:
    r = t.report
    return TaskOut(
        id=t.id, document_id=t.document_id, label=t.label, title=t.title, deadline=deadline_text(t),
        deadline_year=t.deadline_year, deadline_month=t.deadline_month, lead=t.lead,
        departments=t.lead + t.others, status=t.status, percent=r["percent"] if r else None,
        period=r["period"] if r else None, overdue=t.overdue, due_soon=t.due_soon,
    )  # fmt: skip


def _point(p: Any) -> YearValue | None:
    return YearValue(year=p.year, value=finite(p.value)) if p is not None else None


def target_fields(t: TargetFact) -> dict[str, Any]:
    a = t.assessment
    return dict(
        id=t.id, document_id=t.document_id, indicator=t.indicator, scope=t.scope,
        comparator=t.comparator, value=t.value, unit=t.unit, year=t.year,
        baseline_year=t.baseline_year, status=a.status, reason=a.reason, ratio=finite(a.ratio),
        method=a.method, direction=a.direction, target_value=finite(a.target_value),
        baseline=_point(a.baseline), latest=_point(a.latest), projection=_point(a.projection),
    )  # fmt: skip


@router.get("/plans", response_model=list[PlanOut], summary="Current plans with counts")
def api_plans(db: DbDep, user: RequiredUser) -> list[PlanOut]:
    snap = scorecard.snapshot(db)
    return [PlanOut(**row) for row in plan_rows(snap, scorecard.visible_task_ids(db, user))]


@router.get("/plans/{document_id}", response_model=PlanDetailOut, summary="A plan: sections, tasks, targets")
def api_plan(db: DbDep, user: RequiredUser, document_id: int) -> PlanDetailOut:
    snap = scorecard.snapshot(db)
    visible = scorecard.visible_task_ids(db, user)
    row = next((r for r in plan_rows(snap, visible) if r["id"] == document_id), None)
    if row is None:
        raise NotFound(f"plan {document_id} not found")
    sections = db.scalars(select(SectionRow).where(SectionRow.document_id == document_id).order_by(SectionRow.span_start))
    tasks = sorted((t for t in snap.tasks.values() if t.document_id == document_id and (visible is None or t.id in visible)), key=lambda t: t.id)
    targets = sorted((t for t in snap.targets.values() if t.document_id == document_id), key=lambda t: t.id)
    return PlanDetailOut(
        **row,
        sections=[SectionOut(id=s.id, parent_id=s.parent_id, label=s.label, title=s.title, level=s.level) for s in sections],
        task_list=[task_out(t) for t in tasks],
        target_list=[TargetOut(**target_fields(t)) for t in targets],
    )


@router.get("/tasks", response_model=list[TaskOut], summary="Tasks the caller may read")
def api_tasks(
    db: DbDep, user: RequiredUser, plan: int | None = None, department: int | None = None,
    overdue: bool | None = None,
) -> list[TaskOut]:  # fmt: skip
    snap = scorecard.snapshot(db)
    visible = scorecard.visible_task_ids(db, user)
    rows = [
        t for t in snap.tasks.values()
        if (visible is None or t.id in visible) and (plan is None or t.document_id == plan)
        and (department is None or department in t.department_ids)
        and (overdue is None or t.overdue == overdue)
    ]  # fmt: skip
    return [task_out(t) for t in sorted(rows, key=lambda t: t.id)]


@router.get("/tasks/{task_id}", response_model=TaskOut, summary="One task (403 for another unit's)")
def api_task(db: DbDep, user: RequiredUser, task_id: int) -> TaskOut:
    get_task(db, user, task_id)
    fact = scorecard.snapshot(db).tasks.get(task_id)
    if fact is None:
        raise NotFound(f"task {task_id} not found")
    return task_out(fact)


@router.get("/targets", response_model=list[TargetOut], summary="Targets with their status")
def api_targets(db: DbDep, user: RequiredUser, plan: int | None = None, status: str | None = None) -> list[TargetOut]:
    snap = scorecard.snapshot(db)
    rows = [
        t for t in snap.targets.values()
        if (plan is None or t.document_id == plan) and (status is None or t.status == status)
    ]  # fmt: skip
    return [TargetOut(**target_fields(t)) for t in sorted(rows, key=lambda t: t.id)]


@router.get("/targets/{target_id}", response_model=TargetDetailOut, summary="A target: status, series, path, sources")
def api_target(db: DbDep, user: RequiredUser, target_id: int) -> TargetDetailOut:
    detail = target_detail(db, scorecard.snapshot(db), target_id)
    chart = detail.chart()
    return TargetDetailOut(
        **target_fields(detail.fact),
        series=[YearValue(year=p.year, value=p.value) for p in detail.series],
        path=[YearValue(year=y, value=v) for y, v in chart["path"]],
        sources=[Source(**s) for s in detail.sources],
        text=detail.row.text,
    )


@router.get("/dashboard", response_model=DashboardOut, summary="The dashboard's figures")
def api_dashboard(db: DbDep, user: RequiredUser) -> DashboardOut:
    data = dashboard_data(db, user)
    return DashboardOut(
        **{k: v for k, v in data.items() if k not in ("overdue", "due_soon", "departments", "districts")},
        departments=[GroupOut(**g) for g in data["departments"]],
        districts=[GroupOut(**g) for g in data["districts"]],
        overdue=[task_out(t) for t in data["overdue"]],
        due_soon=[task_out(t) for t in data["due_soon"]],
    )
