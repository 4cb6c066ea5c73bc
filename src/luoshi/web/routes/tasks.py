"""Tasks: the list ("我的任务" for unit users), the task page with its reports, evidence and
comments, report saving and submission, and attachment download. Every rule is the services'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.registry import review
from luoshi.registry.models import Department, Document, TaskDepartment, TaskRow
from luoshi.registry.tracking import (
    PROGRESS_STATUSES,
    AuditEntry,
    ProgressReport,
    ReportingPeriod,
    UserAccount,
)
from luoshi.services import progress, reminders, scorecard
from luoshi.services.access import Forbidden, NotFound, get_task, is_office, visible_tasks
from luoshi.web.deps import DbDep, RequiredUser, client_ip
from luoshi.web.templating import render

router = APIRouter(tags=["tasks"])
PAGE_SIZE = 50
CONTEXT_CHARS = 300  # characters of the plan shown around a task's sentence


def source_excerpt(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> dict[str, str]:
    """The sentence at [start, end) with some text either side, for highlighting."""
    start, end = max(0, start), max(start, min(end, len(text)))
    return {"before": text[max(0, start - context):start], "mark": text[start:end], "after": text[end:end + context]}


def latest_reports(db: Session, task_ids: list[int] | Select[Any], unit_id: int | None) -> dict[int, LatestReport]:
    """The newest-period report per task (of one unit, when given): one ranked query.
    ``task_ids`` is a list of ids or a select of task ids."""
    if isinstance(task_ids, list) and not task_ids:
        return {}
    ranked = (
        select(
            ProgressReport.task_id, ProgressReport.status, ProgressReport.percent, ProgressReport.state,
            ReportingPeriod.label,
            func.row_number().over(
                partition_by=ProgressReport.task_id,
                order_by=(ReportingPeriod.starts_on.desc(), ProgressReport.updated_at.desc(), ProgressReport.id.desc()),
            ).label("rank"),
        )  # fmt: skip
        .join(ReportingPeriod, ReportingPeriod.id == ProgressReport.period_id)
        .where(ProgressReport.task_id.in_(task_ids), ProgressReport.deleted_at.is_(None))
    )
    if unit_id is not None:
        ranked = ranked.where(ProgressReport.unit_id == unit_id)
    sub = ranked.subquery()
    rows = db.execute(select(sub.c.task_id, sub.c.status, sub.c.percent, sub.c.state, sub.c.label).where(sub.c.rank == 1))
    return {r.task_id: LatestReport(r.status, r.percent, r.state, r.label) for r in rows}


@dataclass(frozen=True)
class LatestReport:
    status: str
    percent: int
    state: str
    period_label: str


def _unit_of(user: UserAccount) -> int | None:
    return user.unit_id if user.role in ("department", "district") else None


def task_leads(db: Session, task_ids: list[int]) -> dict[int, list[str]]:
    """Per task, its lead units, else its first three responsible units (one query)."""
    lead: dict[int, list[str]] = {i: [] for i in task_ids}
    responsible: dict[int, list[str]] = {i: [] for i in task_ids}
    if task_ids:
        q = (select(TaskDepartment.task_id, TaskDepartment.role, Department.name)
             .join(Department, Department.id == TaskDepartment.department_id)
             .where(TaskDepartment.task_id.in_(task_ids))
             .order_by(TaskDepartment.task_id, TaskDepartment.position, TaskDepartment.id))  # fmt: skip
        for task_id, role, name in db.execute(q):
            if role == "lead":
                lead[task_id].append(name)
            elif role == "responsible":
                responsible[task_id].append(name)
    return {i: lead[i] or responsible[i][:3] for i in task_ids}


def _query_string(filters: dict[str, str], page: int) -> str:
    return urlencode({**{k: v for k, v in filters.items() if v}, "page": page})


@router.get("/tasks", include_in_schema=False)
def task_list(request: Request, db: DbDep, user: RequiredUser, plan: str = "", status: str = "",
              overdue: str = "", page: int = 1) -> Response:  # fmt: skip
    """The task list, PAGE_SIZE rows a page; an HTMX request for a later page gets just its rows
    (with the link to the next), which the "more" row swaps itself for. What a page shows is
    computed once per register version and user scope (see scorecard.remember)."""
    today = reminders.local_today()
    page = max(1, page)
    key = ("tasks", scorecard.scope_key(user), _unit_of(user), plan, status, overdue, page, today)
    context = scorecard.remember(db, key, lambda: _task_list_context(db, user, plan, status, overdue, page, today))
    if request.headers.get("hx-request") and page > 1:
        return render(request, "tasks_rows.html", context)
    return render(request, "tasks.html", context)


def _task_list_context(db: Session, user: UserAccount, plan: str, status: str, overdue: str, page: int,
                       today: date) -> dict[str, Any]:  # fmt: skip
    unit = _unit_of(user)
    visible = visible_tasks(user, select(TaskRow.id))
    ids_q = visible.where(TaskRow.document_key == plan) if plan else visible
    every = db.execute(visible.add_columns(TaskRow.document_key, TaskRow.document_id)
                       .order_by(TaskRow.document_id, TaskRow.id)).all()  # fmt: skip
    ids: list[int] = [i for i, key, _ in every if not plan or key == plan]
    owed = reminders.outstanding(db, user, today)
    late = {o.task_id for o in owed if o.kind == "overdue"}
    latest: dict[int, LatestReport] = {}
    if status:
        latest = latest_reports(db, ids_q.with_only_columns(TaskRow.id), unit)
        ids = [i for i in ids if (latest[i].status if i in latest else "none") == status]
    if overdue:
        ids = [i for i in ids if i in late]
    pages = max(1, -(-len(ids) // PAGE_SIZE))
    shown_ids = ids[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    if not status:
        latest = latest_reports(db, shown_ids, unit)
    else:
        latest = {i: latest[i] for i in shown_ids if i in latest}
    by_id = {}
    if shown_ids:
        cols = (TaskRow.id, TaskRow.label, TaskRow.title, TaskRow.text, TaskRow.deadline_text, Document.title)
        q = select(*cols).join(Document, Document.id == TaskRow.document_id).where(TaskRow.id.in_(shown_ids))
        by_id = {r[0]: (TaskLine(*r[:5]), r[5]) for r in db.execute(q)}
    doc_keys: dict[int, set[str]] = {}
    for _, key, doc_id in every:
        doc_keys.setdefault(doc_id, set()).add(key)
    titles = dict(db.execute(select(Document.id, Document.title).where(Document.id.in_(list(doc_keys)))).all())
    plans = sorted({(key, titles[d]) for d, keys in doc_keys.items() if d in titles for key in keys},
                   key=lambda p: (p[1], p[0]))  # fmt: skip
    filters = {"plan": plan, "status": status, "overdue": overdue}
    return {
        "rows": [by_id[i] for i in shown_ids if i in by_id], "total": len(ids), "page": page, "pages": pages,
        "latest": latest, "late": late & set(shown_ids), "leads": task_leads(db, shown_ids), "filters": filters,
        "statuses": PROGRESS_STATUSES, "plans": plans,
        "banner": reminders.banner_of(owed) if unit is not None else None,
        "next_query": _query_string(filters, page + 1) if page < pages else None,
        "remaining": max(0, len(ids) - page * PAGE_SIZE),
        "page_query": lambda n: _query_string(filters, n),
    }  # fmt: skip


@dataclass(frozen=True)
class TaskLine:
    """What the task list shows of a task."""

    id: int
    label: str
    title: str
    text: str
    deadline_text: str | None


def _timeline(db: Session, report_ids: list[int]) -> dict[int, list[AuditEntry]]:
    """Each report's audit entries (saves, submissions, returns with comments, acceptance)."""
    out: dict[int, list[AuditEntry]] = {}
    if report_ids:
        q = select(AuditEntry).where(AuditEntry.entity_type == "progress_report",
                                     AuditEntry.entity_id.in_([str(i) for i in report_ids]))  # fmt: skip
        for e in db.scalars(q.order_by(AuditEntry.id)):
            if e.action != "report.save":
                out.setdefault(int(e.entity_id or 0), []).append(e)
    return out


def task_context(db: Session, user: UserAccount, task_id: int) -> dict[str, Any]:
    """Everything the task page shows; raises Forbidden / NotFound through the services."""
    task = get_task(db, user, task_id)
    today = reminders.local_today()
    values = review.effective(task)
    doc = db.get(Document, task.document_id)
    assert doc is not None
    links = [(x.department.name, x.role) for x in task.links]
    reports = progress.task_reports(db, user, task_id)
    periods = progress.recent_periods(db, task.document_key, today)
    can_write = user.role != "viewer"
    units: list[tuple[int, str]] = []
    if is_office(user):
        ids = progress.report_units(db, task_id)
        names = {i: n for i, n in db.execute(select(Department.id, Department.name).where(Department.id.in_(ids)))}
        units = [(i, names[i]) for i in ids]
    mine = {(r.period_id, r.unit_id): r for r in reports}
    return {
        "task": task, "values": values, "doc": doc, "links": links,
        "source": source_excerpt(doc.source_file.text, task.span_start, task.span_end),
        "reports": reports, "revisions": {r.id: progress.revisions(db, r.id) for r in reports},
        "files": {r.id: progress.attachments(db, r.id) for r in reports}, "timeline": _timeline(db, [r.id for r in reports]),
        "users": {i: n for i, n in db.execute(select(UserAccount.id, UserAccount.display_name))},
        "comments": progress.comments(db, user, task_id), "periods": periods, "units": units,
        "existing": mine, "can_write": can_write, "statuses": PROGRESS_STATUSES, "today": today,
        "banner": reminders.banner(db, user, today), "error": None,
        "max_mb": 0,
    }  # fmt: skip


def _page(request: Request, db: Session, user: UserAccount, task_id: int, error: str | None = None,
          status: int = 200) -> Response:  # fmt: skip
    ctx = task_context(db, user, task_id)
    ctx["error"] = error
    ctx["notice"] = request.query_params.get("msg")
    ctx["max_mb"] = request.app.state.settings.max_upload_bytes // 1048576
    return render(request, "task.html", ctx, status)


@router.get("/tasks/{task_id}", include_in_schema=False)
def task_page(request: Request, db: DbDep, user: RequiredUser, task_id: int) -> Response:
    return _page(request, db, user, task_id)


def _read_upload(upload: UploadFile, limit: int) -> bytes:
    # read one byte past the limit: enough to know it is too big, without reading it all
    return upload.file.read(limit + 1)


def _domain_error(exc: LuoshiError) -> bool:
    return not isinstance(exc, Forbidden | NotFound)


@router.post("/tasks/{task_id}/reports", include_in_schema=False)
def post_report(
    request: Request, db: DbDep, user: RequiredUser, task_id: int,
    period_id: Annotated[int, Form()], status: Annotated[str, Form()], percent: Annotated[str, Form()] = "0",
    narrative: Annotated[str, Form()] = "", unit_id: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "save", files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:  # fmt: skip
    """Save the unit's report for a period (draft), attach evidence, and submit it if asked."""
    limit = request.app.state.settings.max_upload_bytes
    ip = client_ip(request)
    try:
        try:
            pct = int(percent.strip() or "0")
        except ValueError:
            raise progress.ProgressError("完成比例须为 0–100 的整数") from None
        unit = int(unit_id) if unit_id.strip().isdigit() else None
        report = progress.save_report(db, user, task_id, period_id, status=status, percent=pct,
                                      narrative=narrative, unit_id=unit, ip=ip)  # fmt: skip
        for upload in files or []:
            if upload.filename:
                progress.add_attachment(db, user, report.id, upload.filename, _read_upload(upload, limit), limit, ip)
        if action == "submit":
            progress.submit_report(db, user, report.id, ip)
    except LuoshiError as exc:
        if not _domain_error(exc):
            raise
        db.rollback()  # nothing of this request is kept
        return _page(request, db, user, task_id, str(exc), 400)
    msg = "已提交，等待牵头办公室审核" if action == "submit" else "草稿已保存"
    return RedirectResponse(f"/tasks/{task_id}?msg={quote(msg)}#report", status_code=303)


@router.post("/reports/{report_id}/submit", include_in_schema=False)
def post_submit(request: Request, db: DbDep, user: RequiredUser, report_id: int) -> Response:
    report = progress.get_report(db, user, report_id)
    task_id = report.task_id
    try:
        progress.submit_report(db, user, report_id, client_ip(request))
    except LuoshiError as exc:
        if not _domain_error(exc):
            raise
        db.rollback()
        return _page(request, db, user, task_id, str(exc), 400)
    return RedirectResponse(f"/tasks/{task_id}?msg={quote('已提交，等待牵头办公室审核')}", status_code=303)


@router.get("/attachments/{attachment_id}", include_in_schema=False)
def download(db: DbDep, user: RequiredUser, attachment_id: int) -> Response:
    row = progress.get_attachment(db, user, attachment_id)
    return Response(row.data, media_type=row.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store",
    })  # fmt: skip


@router.post("/tasks/{task_id}/comments", include_in_schema=False)
def post_comment(request: Request, db: DbDep, user: RequiredUser, task_id: int,
                 body: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    error = None
    try:
        progress.add_comment(db, user, task_id, body, client_ip(request))
    except LuoshiError as exc:
        if not _domain_error(exc):
            raise
        db.rollback()
        error = str(exc)
    if not request.headers.get("hx-request"):
        if error:
            return _page(request, db, user, task_id, error, 400)
        return RedirectResponse(f"/tasks/{task_id}#comments", status_code=303)
    ctx = {"task": get_task(db, user, task_id), "comments": progress.comments(db, user, task_id),
           "can_write": user.role != "viewer", "comment_error": error}  # fmt: skip
    return render(request, "_report_comments.html", ctx)
