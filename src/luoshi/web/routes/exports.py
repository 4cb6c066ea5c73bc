"""Exports of the task breakdown in the office's format, per plan and per department, as Excel
or CSV. A unit user gets only its own tasks, and only its own department's file."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from starlette.responses import Response

from luoshi.reports.tables import department_tasks, plan_tasks, task_lines, to_csv
from luoshi.reports.xlsx import task_workbook
from luoshi.services import scorecard
from luoshi.services.access import Forbidden, NotFound
from luoshi.web.deps import DbDep, RequiredUser

router = APIRouter(tags=["exports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(body: bytes, name: str, media_type: str) -> Response:
    # RFC 5987: the Chinese file name survives in every browser
    disposition = f"attachment; filename=\"export.{name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


def _plan(db: DbDep, user: RequiredUser, document_id: int) -> tuple[str, list[scorecard.TaskFact]]:
    snap = scorecard.snapshot(db)
    document = snap.documents.get(document_id)
    if document is None:
        raise NotFound(f"plan {document_id} not found")
    return document["title"], plan_tasks(snap, document_id, scorecard.visible_task_ids(db, user))


def _department(db: DbDep, user: RequiredUser, department_id: int) -> tuple[str, list[scorecard.TaskFact]]:
    snap = scorecard.snapshot(db)
    name = snap.departments.get(department_id)
    if name is None:
        raise NotFound(f"department {department_id} not found")
    visible = scorecard.visible_task_ids(db, user)
    if visible is not None and user.unit_id != department_id:
        raise Forbidden("只能导出本单位的任务")
    return name, department_tasks(snap, department_id, visible)


@router.get("/exports/plans/{document_id}.xlsx", summary="Task breakdown of a plan (Excel)")
def plan_xlsx(db: DbDep, user: RequiredUser, document_id: int) -> Response:
    title, tasks = _plan(db, user, document_id)
    return _file(task_workbook(title, task_lines(tasks)), f"{title}-任务分解.xlsx", XLSX)


@router.get("/exports/plans/{document_id}.csv", summary="Task breakdown of a plan (CSV)")
def plan_csv(db: DbDep, user: RequiredUser, document_id: int) -> Response:
    title, tasks = _plan(db, user, document_id)
    return _file(to_csv(task_lines(tasks)), f"{title}-任务分解.csv", "text/csv; charset=utf-8")


@router.get("/exports/departments/{department_id}.xlsx", summary="Tasks of a department (Excel)")
def department_xlsx(db: DbDep, user: RequiredUser, department_id: int) -> Response:
    name, tasks = _department(db, user, department_id)
    return _file(task_workbook(name, task_lines(tasks)), f"{name}-任务清单.xlsx", XLSX)


@router.get("/exports/departments/{department_id}.csv", summary="Tasks of a department (CSV)")
def department_csv(db: DbDep, user: RequiredUser, department_id: int) -> Response:
    name, tasks = _department(db, user, department_id)
    return _file(to_csv(task_lines(tasks)), f"{name}-任务清单.csv", "text/csv; charset=utf-8")
