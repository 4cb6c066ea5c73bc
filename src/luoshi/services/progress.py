"""Progress reporting: schedules and periods per plan, reports and their workflow, evidence, comments.

A report is one task × period × unit. Its life: draft → submitted → accepted, or submitted →
returned (with the office's comment) → submitted again → accepted. Every submission snapshots
the report into ``progress_report_revision``; every transition writes an audit entry
(before → after); nothing is deleted. Who may do what is checked here, not in the UI.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from io import BytesIO
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from luoshi.errors import LuoshiError
from luoshi.registry.models import Document, TaskDepartment, utcnow
from luoshi.registry.tracking import (
    FREQUENCIES,
    PROGRESS_STATUSES,
    Attachment,
    PlanSchedule,
    ProgressReport,
    ProgressReportRevision,
    ReportingPeriod,
    TaskComment,
    UserAccount,
)
from luoshi.services import audit
from luoshi.services.access import (
    Forbidden,
    NotFound,
    get_task,
    is_office,
    require_office,
    require_task_write,
)

DEFAULT_FREQUENCY = "quarterly"
DEFAULT_DUE_DAYS = 10
REPORT_FIELDS = ("task_id", "period_id", "unit_id", "status", "percent", "narrative", "state", "revision",
                 "review_comment")  # fmt: skip


class ProgressError(LuoshiError):
    """A report, period or attachment cannot be saved as asked (the message says why)."""


# ---------------------------------------------------------------- schedules and periods


def plan_start(session: Session, document_key: str) -> date:
    """Where a plan's reporting starts by default: the current version's date, else Jan 1 this year."""
    doc = session.scalar(
        select(Document).where(Document.key == document_key, Document.superseded_at.is_(None))
    )
    if doc is None:
        raise NotFound(f"没有这个规划方案：{document_key}")
    return doc.date or date(utcnow().year, 1, 1)


def get_schedule(session: Session, document_key: str) -> PlanSchedule:
    """The plan's schedule; a plan nobody has configured gets the default (quarterly, 10 days)."""
    query = select(PlanSchedule).where(PlanSchedule.document_key == document_key)
    row = session.scalar(query)
    if row is None:
        # two first requests for a plan may both get here: the second one's insert does nothing
        _insert_new(session, PlanSchedule, {
            "document_key": document_key, "frequency": DEFAULT_FREQUENCY,
            "starts_on": plan_start(session, document_key), "due_days": DEFAULT_DUE_DAYS, "updated_at": utcnow(),
        })  # fmt: skip
        row = session.scalar(query)
        assert row is not None
    return row


def _insert_new(session: Session, model: type[PlanSchedule] | type[ReportingPeriod], values: dict[str, Any]) -> None:
    """INSERT … ON CONFLICT DO NOTHING: a row another transaction has just added is kept."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(pg_insert(model).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite_insert(model).values(values).on_conflict_do_nothing())
    else:
        session.add(model(**values))
        session.flush()


def set_schedule(
    session: Session, user: UserAccount, document_key: str, frequency: str, starts_on: date,
    due_days: int, ip: str | None = None,
) -> PlanSchedule:  # fmt: skip
    """The office sets how often a plan is reported on. Existing periods and reports stay."""
    require_office(user)
    if frequency not in FREQUENCIES:
        raise ProgressError(f"报送频次只能是 月度 或 季度（{', '.join(FREQUENCIES)}）")
    if not 0 <= due_days <= 90:
        raise ProgressError("报送期限须为期末后 0–90 天")
    row = get_schedule(session, document_key)
    fields = ("frequency", "starts_on", "due_days")
    before = audit.snapshot(row, fields)
    row.frequency, row.starts_on, row.due_days, row.updated_at = frequency, starts_on, due_days, utcnow()
    session.flush()
    audit.record(session, "schedule.set", user=user, ip=ip, entity_type="plan_schedule",
                 entity_id=row.id, before=before, after=audit.snapshot(row, fields))  # fmt: skip
    return row


def period_bounds(frequency: str, day: date) -> tuple[str, date, date]:
    """(label, first day, last day) of the calendar month or quarter holding ``day``."""
    if frequency == "monthly":
        first = day.replace(day=1)
        label = f"{day.year}-{day.month:02d}"
        months = 1
    else:
        q = (day.month - 1) // 3
        first = date(day.year, 3 * q + 1, 1)
        label = f"{day.year}-Q{q + 1}"
        months = 3
    nxt_month = first.month + months
    nxt = date(first.year + (nxt_month - 1) // 12, (nxt_month - 1) % 12 + 1, 1)
    return label, first, nxt - timedelta(days=1)


def _is_frequency(label: str, frequency: str) -> bool:
    return ("-Q" in label) == (frequency == "quarterly")


def ensure_periods(session: Session, document_key: str, until: date) -> list[ReportingPeriod]:
    """Create the plan's periods from its start up to the one holding ``until``; return them (oldest
    first). Periods of another frequency (before a schedule change) are kept but not returned."""
    schedule = get_schedule(session, document_key)
    existing = {
        p.label: p
        for p in session.scalars(select(ReportingPeriod).where(ReportingPeriod.document_key == document_key))
    }
    out: list[ReportingPeriod] = []
    day = schedule.starts_on
    while day <= until:
        label, first, last = period_bounds(schedule.frequency, day)
        row = existing.get(label)
        due = last + timedelta(days=schedule.due_days)
        if row is None:
            _insert_new(session, ReportingPeriod, {"document_key": document_key, "label": label, "starts_on": first,
                                                   "ends_on": last, "due_on": due})  # fmt: skip
            row = session.scalars(select(ReportingPeriod).where(
                ReportingPeriod.document_key == document_key, ReportingPeriod.label == label)).one()  # fmt: skip
            if row.due_on != due:
                row.due_on = due
        elif row.due_on != due:
            row.due_on = due  # the office changed the due days: follow it
        out.append(row)
        day = last + timedelta(days=1)
    session.flush()
    return [p for p in out if _is_frequency(p.label, schedule.frequency)]


def current_period(session: Session, document_key: str, today: date) -> ReportingPeriod | None:
    periods = ensure_periods(session, document_key, today)
    return periods[-1] if periods else None


def recent_periods(session: Session, document_key: str, today: date, count: int = 2) -> list[ReportingPeriod]:
    """The current period and the ``count - 1`` before it, newest first."""
    return list(reversed(ensure_periods(session, document_key, today)[-count:]))


class PeriodInfo(NamedTuple):
    """A reporting period as plain values (what listings need)."""

    id: int
    document_key: str
    label: str
    starts_on: date
    ends_on: date
    due_on: date

    @classmethod
    def of(cls, row: ReportingPeriod) -> PeriodInfo:
        return cls(row.id, row.document_key, row.label, row.starts_on, row.ends_on, row.due_on)


@lru_cache(maxsize=4096)
def _expected(frequency: str, starts_on: date, due_days: int, until: date) -> tuple[tuple[str, date], ...]:
    """(label, due date) of every period of a schedule up to ``until``, oldest first."""
    out: list[tuple[str, date]] = []
    day = starts_on
    while day <= until:
        label, _first, last = period_bounds(frequency, day)
        out.append((label, last + timedelta(days=due_days)))
        day = last + timedelta(days=1)
    return tuple(out)


def recent_periods_many(
    session: Session, document_keys: list[str], today: date, count: int = 2
) -> dict[str, list[PeriodInfo]]:
    """:func:`recent_periods` of many plans, as plain values, with two queries when their periods
    are all in place (the usual case); a plan whose schedule or periods still need writing takes
    the slow path, :func:`ensure_periods`."""
    if not document_keys:
        return {}
    schedules = {r.document_key: r for r in session.execute(
        select(PlanSchedule.document_key, PlanSchedule.frequency, PlanSchedule.starts_on, PlanSchedule.due_days)
        .where(PlanSchedule.document_key.in_(document_keys)))}  # fmt: skip
    existing: dict[str, dict[str, PeriodInfo]] = {}
    cols = (ReportingPeriod.id, ReportingPeriod.document_key, ReportingPeriod.label, ReportingPeriod.starts_on,
            ReportingPeriod.ends_on, ReportingPeriod.due_on)  # fmt: skip
    for r in session.execute(select(*cols).where(ReportingPeriod.document_key.in_(document_keys))):
        existing.setdefault(r.document_key, {})[r.label] = PeriodInfo(*r)
    out: dict[str, list[PeriodInfo]] = {}
    for key in document_keys:
        schedule = schedules.get(key)
        if schedule is not None:
            have = existing.get(key, {})
            rows: list[PeriodInfo] = []
            for label, due in _expected(schedule.frequency, schedule.starts_on, schedule.due_days, today):
                row = have.get(label)
                if row is None or row.due_on != due:
                    break
                if _is_frequency(label, schedule.frequency):
                    rows.append(row)
            else:
                out[key] = list(reversed(rows[-count:]))
                continue
        out[key] = [PeriodInfo.of(p) for p in recent_periods(session, key, today, count)]
    return out


# ---------------------------------------------------------------- reports


def _state(report: ProgressReport) -> dict[str, Any]:
    return audit.snapshot(report, REPORT_FIELDS)


def report_units(session: Session, task_id: int) -> list[int]:
    """Units named on a task (lead, responsible or implementing), in printed order."""
    rows = session.scalars(
        select(TaskDepartment.department_id).where(TaskDepartment.task_id == task_id)
        .order_by(TaskDepartment.position)
    )  # fmt: skip
    return list(dict.fromkeys(rows))


def _reporting_unit(session: Session, user: UserAccount, task_id: int, unit_id: int | None) -> int:
    """The unit a user reports for: their own; the office names the unit it reports on behalf of."""
    if is_office(user):
        if unit_id is None:
            raise ProgressError("代报时请选择报送单位")
        if unit_id not in report_units(session, task_id):
            raise ProgressError("该单位不是此任务的责任单位")
        return unit_id
    if user.unit_id is None:
        raise Forbidden("账户未绑定单位，不能报送")
    if unit_id not in (None, user.unit_id):
        raise Forbidden("只能以本单位名义报送")
    return user.unit_id


def get_report(session: Session, user: UserAccount | None, report_id: int) -> ProgressReport:
    """A report the user may read (the task is readable); another unit's report is Forbidden."""
    report = session.get(ProgressReport, report_id)
    if report is None or report.deleted_at is not None:
        raise NotFound(f"进展报告 {report_id} 不存在")
    get_task(session, user, report.task_id)
    if user is not None and not is_office(user) and user.role != "viewer" and report.unit_id != user.unit_id:
        raise Forbidden("这是其他单位的报告")
    return report


def _writable_report(session: Session, user: UserAccount, report_id: int) -> ProgressReport:
    report = get_report(session, user, report_id)
    require_task_write(session, user, report.task_id)
    if report.state not in ("draft", "returned"):
        raise ProgressError(f"报告已{'提交，等待审核' if report.state == 'submitted' else '通过'}，不能再修改")
    return report


def save_report(
    session: Session, user: UserAccount, task_id: int, period_id: int, *, status: str, percent: int,
    narrative: str, unit_id: int | None = None, ip: str | None = None,
) -> ProgressReport:  # fmt: skip
    """Create or update the draft (or returned) report of ``user``'s unit for a task and period."""
    task = require_task_write(session, user, task_id)
    unit = _reporting_unit(session, user, task_id, unit_id)
    period = session.get(ReportingPeriod, period_id)
    if period is None or period.document_key != task.document_key:
        raise ProgressError("报送期次不属于该任务所在的规划")
    if status not in PROGRESS_STATUSES:
        raise ProgressError("请选择进展状态：未启动、推进中、已完成、滞后或受阻")
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ProgressError("完成比例须为 0–100 的整数")
    narrative = (narrative or "").strip()
    if len(narrative) > 20000:
        raise ProgressError("进展说明过长（上限 20000 字）")
    report = session.scalar(
        select(ProgressReport).where(ProgressReport.task_id == task_id, ProgressReport.period_id == period_id,
                                     ProgressReport.unit_id == unit)  # fmt: skip
    )
    before = None
    if report is None:
        report = ProgressReport(task_id=task_id, period_id=period_id, unit_id=unit, state="draft")
        session.add(report)
    else:
        report = _writable_report(session, user, report.id)
        before = _state(report)
    report.status, report.percent, report.narrative, report.updated_at = status, percent, narrative, utcnow()
    session.flush()
    audit.record(session, "report.save", user=user, ip=ip, entity_type="progress_report",
                 entity_id=report.id, before=before, after=_state(report))  # fmt: skip
    return report


def submit_report(session: Session, user: UserAccount, report_id: int, ip: str | None = None) -> ProgressReport:
    """draft → submitted, or returned → submitted as a new revision; snapshots the submission."""
    report = _writable_report(session, user, report_id)
    before = _state(report)
    if report.state == "returned":
        report.revision += 1
    now = utcnow()
    report.state, report.submitted_by_id, report.submitted_at, report.updated_at = "submitted", user.id, now, now
    evidence = [a.id for a in attachments(session, report.id)]
    session.add(ProgressReportRevision(
        report_id=report.id, revision=report.revision, at=now, by_id=user.id,
        snapshot={"status": report.status, "percent": report.percent, "narrative": report.narrative,
                  "attachments": evidence, "submitted_by": user.username},
    ))  # fmt: skip
    session.flush()
    audit.record(session, "report.submit", user=user, ip=ip, entity_type="progress_report",
                 entity_id=report.id, before=before, after=_state(report))  # fmt: skip
    return report


def _review(session: Session, user: UserAccount, report_id: int, state: str, comment: str | None,
            ip: str | None) -> ProgressReport:  # fmt: skip
    require_office(user)
    report = get_report(session, user, report_id)
    if report.state != "submitted":
        raise ProgressError("只能审核已提交的报告")
    before = _state(report)
    now = utcnow()
    report.state, report.reviewed_by_id, report.reviewed_at, report.updated_at = state, user.id, now, now
    report.review_comment = comment
    session.flush()
    audit.record(session, f"report.{'accept' if state == 'accepted' else 'return'}", user=user, ip=ip,
                 entity_type="progress_report", entity_id=report.id, before=before, after=_state(report))  # fmt: skip
    return report


def accept_report(session: Session, user: UserAccount, report_id: int, comment: str | None = None,
                  ip: str | None = None) -> ProgressReport:  # fmt: skip
    return _review(session, user, report_id, "accepted", (comment or "").strip() or None, ip)


def return_report(session: Session, user: UserAccount, report_id: int, comment: str,
                  ip: str | None = None) -> ProgressReport:  # fmt: skip
    if not (comment or "").strip():
        raise ProgressError("退回时请填写退回意见")
    return _review(session, user, report_id, "returned", comment.strip(), ip)


def task_reports(session: Session, user: UserAccount | None, task_id: int) -> list[ProgressReport]:
    """Reports on a task the user may read (unit users: their own unit's), newest period first."""
    get_task(session, user, task_id)
    q = select(ProgressReport).join(ReportingPeriod).where(
        ProgressReport.task_id == task_id, ProgressReport.deleted_at.is_(None))
    if user is not None and user.role in ("department", "district"):
        q = q.where(ProgressReport.unit_id == user.unit_id)
    return list(session.scalars(q.order_by(ReportingPeriod.starts_on.desc(), ProgressReport.unit_id)))


def revisions(session: Session, report_id: int) -> list[ProgressReportRevision]:
    q = select(ProgressReportRevision).where(ProgressReportRevision.report_id == report_id)
    return list(session.scalars(q.order_by(ProgressReportRevision.revision)))


def review_queue(session: Session, user: UserAccount) -> list[ProgressReport]:
    """Submitted reports waiting for the office, oldest first."""
    require_office(user)
    q = select(ProgressReport).where(ProgressReport.state == "submitted", ProgressReport.deleted_at.is_(None))
    return list(session.scalars(q.order_by(ProgressReport.submitted_at)))


# ---------------------------------------------------------------- attachments

CONTENT_TYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "txt": "text/plain; charset=utf-8",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}  # fmt: skip
EXTENSIONS = {".pdf": "pdf", ".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".txt": "txt", ".zip": "zip",
              ".docx": "docx", ".xlsx": "xlsx"}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sniff(data: bytes) -> str | None:
    """The file type the bytes say they are (not the name), or None when not an allowed type."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "word/document.xml" in names:
            return "docx"
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _CONTROL.search(text) else "txt"
    return None


def _safe_name(filename: str) -> str:
    name = re.split(r"[\\/]", filename or "")[-1]
    name = _CONTROL.sub("", name).strip().strip(".") or "附件"
    return name[-200:]


def check_upload(filename: str, data: bytes, max_bytes: int) -> str:
    """The sniffed kind of an evidence file; ProgressError when it is too big, empty or not allowed."""
    if len(data) > max_bytes:
        raise ProgressError(f"文件“{filename}”过大（{len(data) / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB")
    if not data:
        raise ProgressError(f"文件“{filename}”是空文件")
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    claimed = EXTENSIONS.get(ext)
    if claimed is None:
        raise ProgressError(f"文件“{filename}”类型不允许：只接受 PDF、DOCX、XLSX、JPG、PNG、ZIP、TXT")
    kind = sniff(data)
    # Office files are ZIP archives: a .zip that holds a document is still a ZIP
    if kind is None or not (kind == claimed or (claimed == "zip" and kind in ("docx", "xlsx"))):
        raise ProgressError(f"文件“{filename}”的内容与扩展名 {ext} 不符（检测为 {kind or '不支持的格式'}），已拒绝")
    return claimed


def add_attachment(session: Session, user: UserAccount, report_id: int, filename: str, data: bytes,
                   max_bytes: int, ip: str | None = None) -> Attachment:  # fmt: skip
    """Attach evidence to a draft or returned report of the user's unit."""
    report = _writable_report(session, user, report_id)
    name = _safe_name(filename)
    kind = check_upload(name, data, max_bytes)
    row = Attachment(task_id=report.task_id, report_id=report.id, filename=name, content_type=CONTENT_TYPES[kind],
                     size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by_id=user.id)  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(session, "attachment.add", user=user, ip=ip, entity_type="attachment", entity_id=row.id,
                 after={"report_id": report.id, "filename": name, "size": len(data), "sha256": row.sha256})  # fmt: skip
    return row


def attachments(session: Session, report_id: int) -> list[Attachment]:
    q = select(Attachment).where(Attachment.report_id == report_id, Attachment.deleted_at.is_(None))
    return list(session.scalars(q.order_by(Attachment.id)))


def get_attachment(session: Session, user: UserAccount | None, attachment_id: int) -> Attachment:
    """An attachment, if the user may read its report (or its task, for task-level files)."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.deleted_at is not None:
        raise NotFound(f"附件 {attachment_id} 不存在")
    if row.report_id is not None:
        get_report(session, user, row.report_id)
    else:
        get_task(session, user, row.task_id)
    return row


# ---------------------------------------------------------------- comments


def add_comment(session: Session, user: UserAccount, task_id: int, body: str, ip: str | None = None) -> TaskComment:
    require_task_write(session, user, task_id)
    body = (body or "").strip()
    if not body:
        raise ProgressError("评论不能为空")
    if len(body) > 4000:
        raise ProgressError("评论过长（上限 4000 字）")
    row = TaskComment(task_id=task_id, user_id=user.id, body=body)
    session.add(row)
    session.flush()
    audit.record(session, "comment.add", user=user, ip=ip, entity_type="task_comment", entity_id=row.id,
                 after={"task_id": task_id, "body": body})  # fmt: skip
    return row


@dataclass(frozen=True)
class CommentView:
    id: int
    author: str
    at: str
    body: str


def comments(session: Session, user: UserAccount | None, task_id: int) -> list[CommentView]:
    get_task(session, user, task_id)
    q = (select(TaskComment, UserAccount.display_name).outerjoin(UserAccount, UserAccount.id == TaskComment.user_id)
         .where(TaskComment.task_id == task_id, TaskComment.deleted_at.is_(None)).order_by(TaskComment.id))  # fmt: skip
    return [CommentView(c.id, name or "—", c.at.strftime("%Y-%m-%d %H:%M"), c.body) for c, name in session.execute(q)]
