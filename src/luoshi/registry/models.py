"""The register's tables: SQLAlchemy 2 typed declarative models, portable to SQLite and PostgreSQL.

Versioning: one ``document`` row per imported version of a document. ``key`` (doc number,
else normalized title) ties the versions together; an older version gets ``superseded_at``.

Review items (task, target, project) keep the *extracted* values in their own row. A person's
changes live in ``correction`` as an overlay (see :mod:`luoshi.registry.review`), and
``natural_key`` lets a re-import find the same item again so that review survives a new version.

Planned, not built yet (they hang off the rows below by foreign key):
``progress_report`` (task_id, period, status, text, reported_by, source),
``indicator_observation`` (target_id or indicator, region, period, value, unit, source),
``outfall`` (排污口: code, name, water body, coordinates; task_id / target_id / document_id).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from luoshi.extraction.model import COMPARATORS

REVIEW_STATES: tuple[str, ...] = ("extracted", "confirmed", "corrected", "rejected")
TASK_ROLES: tuple[str, ...] = ("lead", "responsible", "implementing")
TASK_SOURCES: tuple[str, ...] = ("prose", "duty", "table")

# Named constraints, so that later migrations (batch mode on SQLite) can address them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps; SQLite drops the offset, so it is put back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class SourceFileRow(Base):
    """A file as read: its full text is kept because every span points into it."""

    __tablename__ = "source_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    documents: Mapped[list[Document]] = relationship(back_populates="source_file")


class Document(Base):
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_file.id"), index=True)
    key: Mapped[str] = mapped_column(String(512), index=True)
    span_start: Mapped[int]
    span_end: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    doc_number: Mapped[str | None] = mapped_column(String(255))
    issuer: Mapped[str | None] = mapped_column(Text)
    date: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))

    source_file: Mapped[SourceFileRow] = relationship(back_populates="documents")
    sections: Mapped[list[SectionRow]] = relationship(back_populates="document")


class SectionRow(Base):
    __tablename__ = "section"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    label: Mapped[str] = mapped_column(String(32))
    style: Mapped[str] = mapped_column(String(32))
    level: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    path: Mapped[list[Any]]
    span_start: Mapped[int]
    span_end: Mapped[int]

    document: Mapped[Document] = relationship(back_populates="sections")
    parent: Mapped[SectionRow | None] = relationship(remote_side=[id])


class Department(Base):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    # CSV kind ("department", …) or "unknown" for a body met in a document but not in the dictionary
    kind: Mapped[str] = mapped_column(String(32))

    aliases: Mapped[list[DepartmentAlias]] = relationship(back_populates="department")


class DepartmentAlias(Base):
    __tablename__ = "department_alias"
    id: Mapped[int] = mapped_column(primary_key=True)
    alias: Mapped[str] = mapped_column(String(255), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)

    department: Mapped[Department] = relationship(back_populates="aliases")


class ReviewItem(Base):
    """Columns every review item (task, target, project) carries; not a table itself."""

    __abstract__ = True
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int]  # each table declares the foreign key

    document_key: Mapped[str] = mapped_column(String(512), index=True)
    natural_key: Mapped[str] = mapped_column(Text, unique=True)
    review_state: Mapped[str] = mapped_column(String(16), default="extracted")
    superseded: Mapped[bool] = mapped_column(default=False)
    superseded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # set when a re-import changed the extracted values under an already reviewed item
    changed_after_review_at: Mapped[datetime | None]
    span_start: Mapped[int]
    span_end: Mapped[int]


class DeadlineMixin:
    deadline_text: Mapped[str | None] = mapped_column(Text)
    deadline_kind: Mapped[str | None] = mapped_column(String(16))
    deadline_year: Mapped[int | None]
    deadline_month: Mapped[int | None]


class TaskRow(DeadlineMixin, ReviewItem):
    __tablename__ = "task"
    __table_args__ = (
        CheckConstraint(_in("review_state", REVIEW_STATES), name="review_state"),
        CheckConstraint(_in("source_kind", TASK_SOURCES), name="source_kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    path: Mapped[list[Any]]
    label: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(16))

    section: Mapped[SectionRow | None] = relationship()
    links: Mapped[list[TaskDepartment]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskDepartment.position"
    )


class TaskDepartment(Base):
    __tablename__ = "task_department"
    __table_args__ = (
        UniqueConstraint("task_id", "role", "department_id", name="uq_task_department_role"),
        CheckConstraint(_in("role", TASK_ROLES), name="role"),
        Index("ix_task_department_unit", "department_id", "role", "task_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int]

    task: Mapped[TaskRow] = relationship(back_populates="links")
    department: Mapped[Department] = relationship()


class TargetRow(ReviewItem):
    __tablename__ = "target"
    __table_args__ = (
        CheckConstraint(_in("review_state", REVIEW_STATES), name="review_state"),
        CheckConstraint(_in("comparator", COMPARATORS), name="comparator"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    indicator: Mapped[str] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(Text)
    comparator: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(64))
    year: Mapped[int | None]
    month: Mapped[int | None]
    baseline_year: Mapped[int | None]
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)


class ProjectRow(DeadlineMixin, ReviewItem):
    __tablename__ = "project"
    __table_args__ = (CheckConstraint(_in("review_state", REVIEW_STATES), name="review_state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    content: Mapped[str | None] = mapped_column(Text)
    investment_wan_yuan: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str | None] = mapped_column(Text)
    number: Mapped[str | None] = mapped_column(String(32))

    links: Mapped[list[ProjectDepartment]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        order_by="ProjectDepartment.position",
    )


class ProjectDepartment(Base):
    __tablename__ = "project_department"
    __table_args__ = (
        UniqueConstraint("project_id", "department_id", name="uq_project_department_pair"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    position: Mapped[int]

    project: Mapped[ProjectRow] = relationship(back_populates="links")
    department: Mapped[Department] = relationship()


ITEM_TYPES: tuple[str, ...] = ("task", "target", "project")


class Correction(Base):
    """One reviewer action on one field of one item. ``field == "review_state"`` records
    confirm/reject; every other field is an overlay on the extracted value."""

    __tablename__ = "correction"
    __table_args__ = (
        CheckConstraint(_in("item_type", ITEM_TYPES), name="item_type"),
        # polymorphic over items (no foreign key), so lookups go through this index
        Index("ix_correction_item", "item_type", "item_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[Any | None] = mapped_column(JSON)
    new_value: Mapped[Any | None] = mapped_column(JSON)
    by: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


Item = TaskRow | TargetRow | ProjectRow
ITEM_MODELS: dict[str, type[TaskRow] | type[TargetRow] | type[ProjectRow]] = {
    "task": TaskRow,
    "target": TargetRow,
    "project": ProjectRow,
}
