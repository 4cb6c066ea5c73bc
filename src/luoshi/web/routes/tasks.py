"""Tasks: the list ("我的任务" for unit users), the task page with its reports, evidence and
comments, report saving and submission, and attachment download. Every rule is the services'."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.registry import review
from luoshi.registry.models import Department, Document, TaskRow
from luoshi.registry.tracking import (
    PROGRESS_STATUSES,
    AuditEntry,
    ProgressReport,
    ReportingPeriod,
    UserAccount,
)
from luoshi.services import progress, reminders
from luoshi.services.access import Forbidden, NotFound, get_task, is_office, visible_tasks
from luoshi.web.deps import DbDep, RequiredUser, client_ip
from luoshi.web.templating import render

router = APIRouter(tags=["tasks"])
PAGE_SIZE = 200
CONTEXT_CHARS = 300  # characters of the plan shown around a task's sentence


def source_excerpt(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> dict[str, str]:
    """The sentence at [start, end) with some text either side, for highlighting."""
    start, end = max(0, start), max(start, min(end, len(text)))
    return {"before": text[max(0, start - context):start], "mark": text[start:end], "after": text[end:end + context]}


def latest_reports(db: Session, task_ids: list[int], unit_id: int | None) -> dict[int, ProgressReport]:
    """The newest-period report per task (of one unit, when given)."""
    if not task_ids:
        return {}
    q = (select(ProgressReport).join(ReportingPeriod)
         .where(ProgressReport.task_id.in_(task_ids), ProgressReport.deleted_at.is_(None))
         .order_by(ReportingPeriod.starts_on.desc(), ProgressReport.updated_at.desc()))  # fmt: skip
    if unit_id is not None:
        q = q.where(ProgressReport.unit_id == unit_id)
    out: dict[int, ProgressReport] = {}
    for r in db.scalars(q):
        out.setdefault(r.task_id, r)
    return out


def _unit_of(user: UserAccount) -> int | None:
    return user.unit_id if user.role in ("department", "district") else None


@router.get("/tasks", include_in_schema=False)
def task_list(request: Request, db: DbDep, user: RequiredUser, plan: str = "", status: str = "",
              overdue: str = "", page: int = 1) -> Response:  # fmt: skip
    today = reminders.local_today()
    q = visible_tasks(user, select(TaskRow, Document.title).join(Document, Document.id == TaskRow.document_id))
    if plan:
        q = q.where(TaskRow.document_key == plan)
    rows: list[tuple[TaskRow, str]] = [(t, d) for t, d in db.execute(q.order_by(TaskRow.document_id, TaskRow.id))]
    latest = latest_reports(db, [t.id for t, _ in rows], _unit_of(user))
    if status:
        rows = [(t, d) for t, d in rows if (latest[t.id].status if t.id in latest else "none") == status]
    late = {o.task_id for o in reminders.outstanding(db, user, today) if o.kind == "overdue"}
    if overdue:
        rows = [(t, d) for t, d in rows if t.id in late]
    plans = db.execute(
        visible_tasks(user, select(TaskRow.document_key, Document.title).join(Document, Document.id == TaskRow.document_id))
        .distinct().order_by(Document.title)
    ).all()  # fmt: skip
    page = max(1, page)
    shown = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    leads = {t.id: [x.department.name for x in t.links if x.role == "lead"] or
             [x.department.name for x in t.links if x.role == "responsible"][:3] for t, _ in shown}  # fmt: skip
    return render(request, "tasks.html", {
        "rows": shown, "total": len(rows), "page": page, "pages": max(1, -(-len(rows) // PAGE_SIZE)),
        "latest": latest, "late": late, "leads": leads, "plans": plans,
        "filters": {"plan": plan, "status": status, "overdue": overdue},
        "banner": reminders.banner(db, user, today), "statuses": PROGRESS_STATUSES,
    })  # fmt: skip


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
