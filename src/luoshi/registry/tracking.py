"""Tables for tracking the register: accounts, reporting, observations and the audit log.

They hang off the register's rows (task, target, document key, department) by foreign key:

- ``user_account`` (with role and unit), ``web_session``, ``api_token`` — who may do what;
- ``audit_log`` — every change and login, append-only, each entry chained to the one before
  by hash (``luoshi audit verify`` recomputes the chain);
- ``plan_schedule`` and ``reporting_period`` — when departments report, per plan;
- ``progress_report`` (+ ``progress_report_revision``), ``attachment``, ``task_comment`` —
  what departments report and the office's decision on it;
- ``indicator_observation`` and ``target_assignment`` — values of indicators over time, and the
  value an upper level assigns to a 完成上级下达任务 (delegated) target;
- ``app_setting`` — switches an admin can set (the daily digest, its folder).

Nothing is deleted: rows carry ``deleted_at`` or ``superseded_at`` instead.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from luoshi.registry.models import Base, Department, TargetRow, TaskRow, _in, utcnow

ROLES: tuple[str, ...] = ("admin", "office", "department", "district", "viewer")
FREQUENCIES: tuple[str, ...] = ("monthly", "quarterly")
# 未启动 / 推进中 / 已完成 / 滞后 / 受阻
PROGRESS_STATUSES: tuple[str, ...] = ("not_started", "in_progress", "done", "delayed", "blocked")
# draft → submitted → accepted, or → returned → submitted again
REPORT_STATES: tuple[str, ...] = ("draft", "submitted", "returned", "accepted")


class UserAccount(Base):
    """A person who signs in. ``unit`` is the department or district the person reports for."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    unit: Mapped[Department | None] = relationship()


class WebSession(Base):
    """A signed-in browser. Only the hash of the cookie's token is stored."""

    __tablename__ = "web_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[datetime | None]

    user: Mapped[UserAccount] = relationship()


class ApiToken(Base):
    """A bearer token a user creates for scripts; only its hash is stored."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[UserAccount] = relationship()


class AuditEntry(Base):
    """One change or login: who, when, from where, before → after; chained by hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class PlanSchedule(Base):
    """How often departments report on a plan (by document key, so it survives new versions)."""

    __tablename__ = "plan_schedule"
    __table_args__ = (CheckConstraint(_in("frequency", FREQUENCIES), name="frequency"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_key: Mapped[str] = mapped_column(String(512), unique=True)
    frequency: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    due_days: Mapped[int] = mapped_column(default=10)  # days after a period ends
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportingPeriod(Base):
    __tablename__ = "reporting_period"
    __table_args__ = (UniqueConstraint("document_key", "label"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_key: Mapped[str] = mapped_column(String(512), index=True)
    label: Mapped[str] = mapped_column(String(16))  # 2025-03, 2025-Q1
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)


class ProgressReport(Base):
    """A unit's report on a task for a period (one per task, period and unit)."""

    __tablename__ = "progress_report"
    __table_args__ = (
        UniqueConstraint("task_id", "period_id", "unit_id"),
        CheckConstraint(_in("status", PROGRESS_STATUSES), name="status"),
        CheckConstraint(_in("state", REPORT_STATES), name="state"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent"),
        Index("ix_progress_report_task_state", "task_id", "state", "period_id"),
        Index("ix_progress_report_unit_period", "unit_id", "period_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    percent: Mapped[int] = mapped_column(default=0)
    narrative: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="draft")
    revision: Mapped[int] = mapped_column(default=1)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    task: Mapped[TaskRow] = relationship()
    period: Mapped[ReportingPeriod] = relationship()
    unit: Mapped[Department] = relationship()


class ProgressReportRevision(Base):
    """Each submitted version of a report, kept whole: nothing a user entered is overwritten."""

    __tablename__ = "progress_report_revision"
    __table_args__ = (UniqueConstraint("report_id", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id"), index=True)
    revision: Mapped[int]
    snapshot: Mapped[dict[str, Any]]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Attachment(Base):
    """Evidence uploaded with a report; the bytes live in the database so backups hold them."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_report.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]


class TaskComment(Base):
    __tablename__ = "task_comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]


class Observation(Base):
    """One value of an indicator for a region and period (entered, uploaded or computed)."""

    __tablename__ = "indicator_observation"
    __table_args__ = (
        Index("ix_observation_series", "indicator", "region", "year"),
        Index("ix_observation_target", "target_id", "year"),
        Index("ix_observation_target_live", "target_id", "year", "month", "id",
              postgresql_where=text("superseded_at IS NULL"), sqlite_where=text("superseded_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("target.id"))
    indicator: Mapped[str] = mapped_column(String(255))
    region: Mapped[str] = mapped_column(String(128))
    period: Mapped[str] = mapped_column(String(16))  # 2025, 2025-06, 2025-Q2
    year: Mapped[int]
    month: Mapped[int | None]
    value: Mapped[float]
    unit: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)  # who or what supplied it
    method: Mapped[str | None] = mapped_column(Text)  # e.g. "HJ 663-2013 annual mean"
    input_file: Mapped[str | None] = mapped_column(Text)
    input_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_observation.id"))

    target: Mapped[TargetRow | None] = relationship()


class TargetAssignment(Base):
    """The number an upper level assigns to a delegated target (完成省下达任务 → e.g. ≥ 85%)."""

    __tablename__ = "target_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"), index=True)
    comparator: Mapped[str] = mapped_column(String(16))
    value: Mapped[float]
    unit: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)  # e.g. the assigning document
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None]


class AppSetting(Base):
    __tablename__ = "app_setting"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[dict[str, Any]]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
