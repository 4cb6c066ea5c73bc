"""The office's review pages: extracted items (/review: source sentence beside the fields;
confirm / correct / reject) and departments' reports (/reports: accept or return with a comment,
late and missing lists, reporting schedules per plan)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, cast
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.registry import review
from luoshi.registry.models import ITEM_MODELS, Document, Item, TaskRow
from luoshi.registry.tracking import FREQUENCIES, PlanSchedule
from luoshi.services import imports, progress, reminders
from luoshi.services.access import Forbidden, NotFound, require_office
from luoshi.web.deps import DbDep, RequiredUser, client_ip
from luoshi.web.routes.tasks import source_excerpt
from luoshi.web.templating import render

router = APIRouter(tags=["review"])
KIND_LABELS = {"task": "任务", "target": "目标", "project": "项目"}
QUEUE_SIZE = 100
FIELD_LABELS = {
    "title": "标题", "text": "原文", "label": "序号", "responsible": "责任单位", "lead": "牵头单位",
    "implementing": "落实主体", "deadline_text": "完成时限", "deadline_kind": "时限类型", "deadline_year": "时限年份",
    "deadline_month": "时限月份", "indicator": "指标", "scope": "范围", "comparator": "比较",
    "value": "目标值", "unit": "单位", "year": "目标年份", "month": "目标月份", "baseline_year": "基准年",
    "recurring": "每年", "name": "项目名称", "content": "建设内容", "investment_wan_yuan": "投资（万元）",
    "category": "类别", "number": "编号",
}  # fmt: skip


@router.get("/review", include_in_schema=False)
def review_queue(request: Request, db: DbDep, user: RequiredUser, kind: str = "task", plan: str = "") -> Response:
    require_office(user)
    if kind not in ITEM_MODELS:
        raise NotFound(f"没有这类条目：{kind}")
    counts = {}
    for k, model in ITEM_MODELS.items():
        counts[k] = db.scalar(select(func.count()).select_from(model).where(
            model.review_state == "extracted", model.superseded.is_(False))) or 0  # fmt: skip
    model = ITEM_MODELS[kind]
    q = select(model, Document.title).join(Document, Document.id == model.document_id).where(
        model.review_state == "extracted", model.superseded.is_(False))  # fmt: skip
    if plan:
        q = q.where(model.document_key == plan)
    rows = list(db.execute(q.order_by(model.document_id, model.id).limit(QUEUE_SIZE)))
    items = [(review.effective(cast(Item, item)), title) for item, title in rows]
    plans = db.execute(select(Document.key, Document.title).where(Document.superseded_at.is_(None))
                       .order_by(Document.title)).all()  # fmt: skip
    return render(request, "review.html", {"kind": kind, "items": items, "counts": counts, "plans": plans,
                                           "plan": plan, "kinds": KIND_LABELS, "limit": QUEUE_SIZE})  # fmt: skip


def _item_context(db: Any, kind: str, item_id: int) -> dict[str, Any]:
    try:
        item = review.get_item(db, kind, item_id)
    except LuoshiError:
        raise NotFound(f"没有这个{KIND_LABELS.get(kind, '条目')}：{item_id}") from None
    doc = db.get(Document, item.document_id)
    values = review.effective(item)
    fields = [(n, FIELD_LABELS.get(n, n), values.get(n)) for n in review.FIELDS[kind] if n != "text"]
    return {"kind": kind, "item": item, "values": values, "fields": fields, "doc": doc,
            "source": source_excerpt(doc.source_file.text, item.span_start, item.span_end, 400),
            "history": review.history(db, item), "kinds": KIND_LABELS, "error": None}  # fmt: skip


@router.get("/review/{kind}/{item_id}", include_in_schema=False)
def review_page(request: Request, db: DbDep, user: RequiredUser, kind: str, item_id: int) -> Response:
    require_office(user)
    return render(request, "review_item.html", _item_context(db, kind, item_id))


@router.post("/review/{kind}/{item_id}", include_in_schema=False)
async def review_action(request: Request, db: DbDep, user: RequiredUser, kind: str, item_id: int) -> Response:
    form = await request.form()
    action = str(form.get("action") or "")
    fields = {n: str(form.get(n) or "") for n in review.FIELDS.get(kind, {}) if n in form}
    if "recurring" in review.FIELDS.get(kind, {}) and action == "correct":
        fields["recurring"] = str(form.get("recurring") or "")  # an unticked box is not sent
    try:
        imports.review_item(db, user, kind, item_id, action, fields, str(form.get("note") or ""), client_ip(request))
    except LuoshiError as exc:
        if isinstance(exc, Forbidden | NotFound):
            raise
        db.rollback()
        ctx = _item_context(db, kind, item_id)
        ctx["error"] = str(exc)
        return render(request, "review_item.html", ctx, 400)
    done = {"confirm": "已确认", "reject": "已驳回", "correct": "已更正"}.get(action, "")
    return RedirectResponse(f"/review?kind={kind}&msg={quote(done)}", status_code=303)


# ---------------------------------------------------------------- reports (office)


@router.get("/reports", include_in_schema=False)
def reports_page(request: Request, db: DbDep, user: RequiredUser, unit: str = "", plan: str = "") -> Response:
    require_office(user)
    today = reminders.local_today()
    queue = progress.review_queue(db, user)
    items = reminders.outstanding(db, user, today)
    shown = [o for o in items if (not unit or o.unit_name == unit) and (not plan or o.document_key == plan)]
    return render(request, "reports.html", {
        "queue": queue, "files": {r.id: progress.attachments(db, r.id) for r in queue},
        "by_unit": reminders.tally(items, "unit"), "by_plan": reminders.tally(items, "plan"),
        "overdue": [o for o in shown if o.kind == "overdue"][:300],
        "missing": [o for o in shown if o.kind == "missing"][:300], "today": today,
        "unit": unit, "plan": plan, "notice": request.query_params.get("msg"), "error": None,
    })  # fmt: skip


@router.post("/reports/{report_id}/review", include_in_schema=False)
def review_report(request: Request, db: DbDep, user: RequiredUser, report_id: int,
                  decision: Annotated[str, Form()], comment: Annotated[str, Form()] = "",
                  next: Annotated[str, Form()] = "/reports") -> Response:  # fmt: skip
    """Accept or return a submitted report (the office only; returning needs a comment)."""
    ip = client_ip(request)
    target = next if next.startswith("/") and not next.startswith("//") else "/reports"
    try:
        if decision == "accept":
            progress.accept_report(db, user, report_id, comment, ip)
        elif decision == "return":
            progress.return_report(db, user, report_id, comment, ip)
        else:
            raise LuoshiError("请选择通过或退回")
    except LuoshiError as exc:
        if isinstance(exc, Forbidden | NotFound):
            raise
        db.rollback()
        return render(request, "error.html", {"status": 400, "title": "输入有误", "message": str(exc)}, 400)
    msg = "已通过" if decision == "accept" else "已退回"
    sep = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{sep}msg={quote(msg)}", status_code=303)


@router.get("/reports/schedules", include_in_schema=False)
def schedules_page(request: Request, db: DbDep, user: RequiredUser) -> Response:
    require_office(user)
    keys = set(db.scalars(select(TaskRow.document_key).where(TaskRow.superseded.is_(False)).distinct()))
    docs = [d for d in db.scalars(select(Document).where(Document.superseded_at.is_(None)).order_by(Document.title))
            if d.key in keys]  # fmt: skip
    schedules = {s.document_key: s for s in db.scalars(select(PlanSchedule))}
    today = reminders.local_today()
    current = {d.key: progress.current_period(db, d.key, today) for d in docs if d.key in schedules}
    return render(request, "reports_schedules.html", {
        "docs": docs, "schedules": schedules, "current": current, "frequencies": FREQUENCIES,
        "defaults": {"frequency": progress.DEFAULT_FREQUENCY, "due_days": progress.DEFAULT_DUE_DAYS},
        "notice": request.query_params.get("msg"),
    })  # fmt: skip


@router.post("/reports/schedules", include_in_schema=False)
def set_schedule(request: Request, db: DbDep, user: RequiredUser, document_key: Annotated[str, Form()],
                 frequency: Annotated[str, Form()], starts_on: Annotated[str, Form()],
                 due_days: Annotated[str, Form()]) -> Response:  # fmt: skip
    try:
        start = date.fromisoformat(starts_on.strip())
        days = int(due_days.strip())
    except ValueError:
        raise LuoshiError("起始日期应为 YYYY-MM-DD，期限应为整数天") from None
    progress.set_schedule(db, user, document_key, frequency, start, days, client_ip(request))
    return RedirectResponse(f"/reports/schedules?msg={quote('已保存报送周期')}", status_code=303)
