"""The initial register: source files, documents, sections, departments, items, corrections.

Written by autogenerate against models.py, then checked by hand; tests/registry checks that
the two still agree.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_type", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.Column("by", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "item_type IN ('task', 'target', 'project')", name=op.f("ck_correction_item_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction")),
    )
    op.create_index("ix_correction_item", "correction", ["item_type", "item_id"], unique=False)

    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("name", name=op.f("uq_department_name")),
    )
    op.create_table(
        "source_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("encoding", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_file")),
        sa.UniqueConstraint("sha256", name=op.f("uq_source_file_sha256")),
    )
    op.create_table(
        "department_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=255), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_department_alias_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_alias")),
        sa.UniqueConstraint("alias", name=op.f("uq_department_alias_alias")),
    )
    op.create_index(
        op.f("ix_department_alias_department_id"),
        "department_alias",
        ["department_id"],
        unique=False,
    )

    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_file_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("doc_number", sa.String(length=255), nullable=True),
        sa.Column("issuer", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_file.id"],
            name=op.f("fk_document_source_file_id_source_file"),
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["document.id"],
            name=op.f("fk_document_superseded_by_id_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    op.create_index(op.f("ix_document_key"), "document", ["key"], unique=False)
    op.create_index(
        op.f("ix_document_source_file_id"), "document", ["source_file_id"], unique=False
    )

    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("investment_wan_yuan", sa.Float(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("document_key", sa.String(length=512), nullable=False),
        sa.Column("natural_key", sa.Text(), nullable=False),
        sa.Column("review_state", sa.String(length=16), nullable=False),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_after_review_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("deadline_text", sa.Text(), nullable=True),
        sa.Column("deadline_kind", sa.String(length=16), nullable=True),
        sa.Column("deadline_year", sa.Integer(), nullable=True),
        sa.Column("deadline_month", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "review_state IN ('extracted', 'confirmed', 'corrected', 'rejected')",
            name=op.f("ck_project_review_state"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_project_document_id_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("natural_key", name=op.f("uq_project_natural_key")),
    )
    op.create_index(op.f("ix_project_document_id"), "project", ["document_id"], unique=False)
    op.create_index(op.f("ix_project_document_key"), "project", ["document_key"], unique=False)

    op.create_table(
        "section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("style", sa.String(length=32), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("path", sa.JSON(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_section_document_id_document")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["section.id"], name=op.f("fk_section_parent_id_section")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section")),
    )
    op.create_index(op.f("ix_section_document_id"), "section", ["document_id"], unique=False)

    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("comparator", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("recurring", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("document_key", sa.String(length=512), nullable=False),
        sa.Column("natural_key", sa.Text(), nullable=False),
        sa.Column("review_state", sa.String(length=16), nullable=False),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_after_review_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "comparator IN ('>=', '<=', '=', '≈', 'decrease_by', 'increase_by', 'delegated')",
            name=op.f("ck_target_comparator"),
        ),
        sa.CheckConstraint(
            "review_state IN ('extracted', 'confirmed', 'corrected', 'rejected')",
            name=op.f("ck_target_review_state"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_target_document_id_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
        sa.UniqueConstraint("natural_key", name=op.f("uq_target_natural_key")),
    )
    op.create_index(op.f("ix_target_document_id"), "target", ["document_id"], unique=False)
    op.create_index(op.f("ix_target_document_key"), "target", ["document_key"], unique=False)

    op.create_table(
        "project_department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_project_department_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_department_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_department")),
        sa.UniqueConstraint("project_id", "department_id", name="uq_project_department_pair"),
    )
    op.create_index(
        op.f("ix_project_department_department_id"),
        "project_department",
        ["department_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_project_department_project_id"), "project_department", ["project_id"], unique=False
    )

    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("document_key", sa.String(length=512), nullable=False),
        sa.Column("natural_key", sa.Text(), nullable=False),
        sa.Column("review_state", sa.String(length=16), nullable=False),
        sa.Column("superseded", sa.Boolean(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_after_review_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("deadline_text", sa.Text(), nullable=True),
        sa.Column("deadline_kind", sa.String(length=16), nullable=True),
        sa.Column("deadline_year", sa.Integer(), nullable=True),
        sa.Column("deadline_month", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "review_state IN ('extracted', 'confirmed', 'corrected', 'rejected')",
            name=op.f("ck_task_review_state"),
        ),
        sa.CheckConstraint(
            "source_kind IN ('prose', 'duty', 'table')", name=op.f("ck_task_source_kind")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_task_document_id_document")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["section.id"], name=op.f("fk_task_section_id_section")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
        sa.UniqueConstraint("natural_key", name=op.f("uq_task_natural_key")),
    )
    op.create_index(op.f("ix_task_document_id"), "task", ["document_id"], unique=False)
    op.create_index(op.f("ix_task_document_key"), "task", ["document_key"], unique=False)

    op.create_table(
        "task_department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "role IN ('lead', 'responsible', 'implementing')", name=op.f("ck_task_department_role")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_task_department_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_task_department_task_id_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_department")),
        sa.UniqueConstraint("task_id", "role", "department_id", name="uq_task_department_role"),
    )
    op.create_index(
        op.f("ix_task_department_department_id"), "task_department", ["department_id"], unique=False
    )
    op.create_index(
        op.f("ix_task_department_task_id"), "task_department", ["task_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_task_department_task_id"), table_name="task_department")
    op.drop_index(op.f("ix_task_department_department_id"), table_name="task_department")

    op.drop_table("task_department")
    op.drop_index(op.f("ix_task_document_key"), table_name="task")
    op.drop_index(op.f("ix_task_document_id"), table_name="task")

    op.drop_table("task")
    op.drop_index(op.f("ix_project_department_project_id"), table_name="project_department")
    op.drop_index(op.f("ix_project_department_department_id"), table_name="project_department")

    op.drop_table("project_department")
    op.drop_index(op.f("ix_target_document_key"), table_name="target")
    op.drop_index(op.f("ix_target_document_id"), table_name="target")

    op.drop_table("target")
    op.drop_index(op.f("ix_section_document_id"), table_name="section")

    op.drop_table("section")
    op.drop_index(op.f("ix_project_document_key"), table_name="project")
    op.drop_index(op.f("ix_project_document_id"), table_name="project")

    op.drop_table("project")
    op.drop_index(op.f("ix_document_source_file_id"), table_name="document")
    op.drop_index(op.f("ix_document_key"), table_name="document")

    op.drop_table("document")
    op.drop_index(op.f("ix_department_alias_department_id"), table_name="department_alias")

    op.drop_table("department_alias")
    op.drop_table("source_file")
    op.drop_table("department")
    op.drop_index("ix_correction_item", table_name="correction")

    op.drop_table("correction")
