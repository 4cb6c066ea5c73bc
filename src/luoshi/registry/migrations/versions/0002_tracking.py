"""tracking: accounts, reporting, observations, audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:24:14.138416
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_key", sa.String(length=512), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "frequency IN ('monthly', 'quarterly')", name=op.f("ck_plan_schedule_frequency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_schedule")),
        sa.UniqueConstraint("document_key", name=op.f("uq_plan_schedule_document_key")),
    )
    op.create_table(
        "reporting_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_key", sa.String(length=512), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_period")),
        sa.UniqueConstraint("document_key", "label", name=op.f("uq_reporting_period_document_key")),
    )
    with op.batch_alter_table("reporting_period", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reporting_period_document_key"), ["document_key"], unique=False
        )

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'office', 'department', 'district', 'viewer')",
            name=op.f("ck_user_account_role"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["department.id"], name=op.f("fk_user_account_unit_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "app_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_app_setting_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_setting")),
        sa.UniqueConstraint("key", name=op.f("uq_app_setting_key")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=True),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_audit_log_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)

    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_web_session_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_session_token_hash")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "indicator_observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("indicator", sa.String(length=255), nullable=False),
        sa.Column("region", sa.String(length=128), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("method", sa.Text(), nullable=True),
        sa.Column("input_file", sa.Text(), nullable=True),
        sa.Column("input_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_indicator_observation_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["indicator_observation.id"],
            name=op.f("fk_indicator_observation_superseded_by_id_indicator_observation"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_indicator_observation_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_observation")),
    )
    with op.batch_alter_table("indicator_observation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_observation_series", ["indicator", "region", "year"], unique=False
        )
        batch_op.create_index("ix_observation_target", ["target_id", "year"], unique=False)

    op.create_table(
        "target_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("comparator", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["user_account.id"],
            name=op.f("fk_target_assignment_entered_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["target.id"], name=op.f("fk_target_assignment_target_id_target")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_assignment")),
    )
    with op.batch_alter_table("target_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_target_assignment_target_id"), ["target_id"], unique=False
        )

    op.create_table(
        "progress_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'returned', 'accepted')",
            name=op.f("ck_progress_report_state"),
        ),
        sa.CheckConstraint(
            "status IN ('not_started', 'in_progress', 'done', 'delayed', 'blocked')",
            name=op.f("ck_progress_report_status"),
        ),
        sa.CheckConstraint(
            "percent >= 0 AND percent <= 100", name=op.f("ck_progress_report_percent")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.id"],
            name=op.f("fk_progress_report_period_id_reporting_period"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_progress_report_reviewed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_progress_report_submitted_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_progress_report_task_id_task")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["department.id"], name=op.f("fk_progress_report_unit_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_report")),
        sa.UniqueConstraint(
            "task_id", "period_id", "unit_id", name=op.f("uq_progress_report_task_id")
        ),
    )
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_progress_report_period_id"), ["period_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_progress_report_task_id"), ["task_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_progress_report_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "task_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_task_comment_task_id_task")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_task_comment_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_comment")),
    )
    with op.batch_alter_table("task_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_comment_task_id"), ["task_id"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_report.id"],
            name=op.f("fk_attachment_report_id_progress_report"),
        ),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_attachment_task_id_task")),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_attachment_uploaded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_task_id"), ["task_id"], unique=False)

    op.create_table(
        "progress_report_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["user_account.id"],
            name=op.f("fk_progress_report_revision_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["progress_report.id"],
            name=op.f("fk_progress_report_revision_report_id_progress_report"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_report_revision")),
        sa.UniqueConstraint(
            "report_id", "revision", name=op.f("uq_progress_report_revision_report_id")
        ),
    )
    with op.batch_alter_table("progress_report_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_progress_report_revision_report_id"), ["report_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("progress_report_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_report_revision_report_id"))

    op.drop_table("progress_report_revision")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_task_id"))
        batch_op.drop_index(batch_op.f("ix_attachment_report_id"))

    op.drop_table("attachment")
    with op.batch_alter_table("task_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_comment_task_id"))

    op.drop_table("task_comment")
    with op.batch_alter_table("progress_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_report_unit_id"))
        batch_op.drop_index(batch_op.f("ix_progress_report_task_id"))
        batch_op.drop_index(batch_op.f("ix_progress_report_period_id"))

    op.drop_table("progress_report")
    with op.batch_alter_table("target_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_target_assignment_target_id"))

    op.drop_table("target_assignment")
    with op.batch_alter_table("indicator_observation", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_target")
        batch_op.drop_index("ix_observation_series")

    op.drop_table("indicator_observation")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))

    op.drop_table("web_session")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("app_setting")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))

    op.drop_table("api_token")
    op.drop_table("user_account")
    with op.batch_alter_table("reporting_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reporting_period_document_key"))

    op.drop_table("reporting_period")
    op.drop_table("plan_schedule")
