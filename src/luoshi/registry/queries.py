"""Read-only views of the register for the CLI, reports and the conflict finder."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from luoshi.extraction.conflicts import TargetRecord as ConflictRecord
from luoshi.registry.models import (
    Correction,
    Document,
    ProjectDepartment,
    ProjectRow,
    ReviewItem,
    SourceFileRow,
    TargetRow,
    TaskDepartment,
    TaskRow,
)
from luoshi.registry.review import overlay


@dataclass(frozen=True)
class DocumentSummary:
    """One current document version. Counts leave out superseded and rejected items."""

    id: int
    key: str
    title: str
    doc_number: str | None
    issuer: str | None
    date: date | None
    source_path: str
    tasks: int
    targets: int
    projects: int
    departments: int  # distinct departments linked to the counted tasks and projects
    unreviewed: int  # counted items still in state "extracted"
    rejected: int


@dataclass(frozen=True)
class TargetRecord:
    """A target with effective (corrected) values, as the pure conflict finder wants it."""

    id: int
    indicator: str
    scope: str | None
    comparator: str
    value: float | None
    unit: str | None
    year: int | None
    month: int | None
    baseline_year: int | None
    recurring: bool
    document_title: str
    doc_number: str | None
    text: str
    span: tuple[int, int]
    source_path: str
    review_state: str


def _live(model: type[ReviewItem]) -> tuple[ColumnElement[bool], ...]:
    return (model.superseded.is_(False), model.review_state != "rejected")


def _count_by_document(
    session: Session, model: type[ReviewItem]
) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    live: dict[int, int] = defaultdict(int)
    unreviewed: dict[int, int] = defaultdict(int)
    rejected: dict[int, int] = defaultdict(int)
    query = (
        select(model.document_id, model.review_state, func.count())
        .where(model.superseded.is_(False))
        .group_by(model.document_id, model.review_state)
    )
    for document_id, state, count in session.execute(query):
        if state == "rejected":
            rejected[document_id] += count
            continue
        live[document_id] += count
        if state == "extracted":
            unreviewed[document_id] += count
    return live, unreviewed, rejected


def summary(session: Session) -> list[DocumentSummary]:
    """Per current document version: its items and the departments they involve."""
    counts = {m: _count_by_document(session, m) for m in (TaskRow, TargetRow, ProjectRow)}
    departments: dict[int, set[int]] = defaultdict(set)
    task_links = (
        select(TaskRow.document_id, TaskDepartment.department_id)
        .join(TaskDepartment, TaskDepartment.task_id == TaskRow.id)
        .where(*_live(TaskRow))
    )
    project_links = (
        select(ProjectRow.document_id, ProjectDepartment.department_id)
        .join(ProjectDepartment, ProjectDepartment.project_id == ProjectRow.id)
        .where(*_live(ProjectRow))
    )
    for query in (task_links, project_links):
        for document_id, department_id in session.execute(query):
            departments[document_id].add(department_id)

    rows = session.execute(
        select(Document, SourceFileRow.path)
        .join(SourceFileRow, SourceFileRow.id == Document.source_file_id)
        .where(Document.superseded_at.is_(None))
        .order_by(Document.id)
    )
    result: list[DocumentSummary] = []
    for document, path in rows:
        per = {m: tuple(c.get(document.id, 0) for c in counts[m]) for m in counts}
        result.append(
            DocumentSummary(
                id=document.id, key=document.key, title=document.title,
                doc_number=document.doc_number, issuer=document.issuer, date=document.date,
                source_path=path, tasks=per[TaskRow][0], targets=per[TargetRow][0],
                projects=per[ProjectRow][0], departments=len(departments[document.id]),
                unreviewed=sum(per[m][1] for m in per), rejected=sum(per[m][2] for m in per),
            )
        )  # fmt: skip
    return result


def targets_for_conflicts(session: Session) -> list[TargetRecord]:
    """Every live target (not superseded, not rejected) with corrections applied."""
    corrections: dict[int, list[Correction]] = defaultdict(list)
    query = select(Correction).where(Correction.item_type == "target")
    for correction in session.scalars(query.order_by(Correction.at, Correction.id)):
        corrections[correction.item_id].append(correction)

    rows = session.execute(
        select(TargetRow, Document.title, Document.doc_number, SourceFileRow.path)
        .join(Document, Document.id == TargetRow.document_id)
        .join(SourceFileRow, SourceFileRow.id == Document.source_file_id)
        .where(*_live(TargetRow))
        .order_by(TargetRow.id)
    )
    records: list[TargetRecord] = []
    for target, title, doc_number, path in rows:
        values = overlay(target, corrections.get(target.id, ()))
        records.append(
            TargetRecord(
                id=target.id, indicator=values["indicator"], scope=values["scope"],
                comparator=values["comparator"], value=values["value"], unit=values["unit"],
                year=values["year"], month=values["month"],
                baseline_year=values["baseline_year"], recurring=values["recurring"],
                document_title=title, doc_number=doc_number, text=values["text"],
                span=(target.span_start, target.span_end), source_path=path,
                review_state=target.review_state,
            )
        )  # fmt: skip
    return records


def conflict_records(session: Session) -> list[ConflictRecord]:
    """Live targets in the shape the pure conflict finder takes."""
    return [
        ConflictRecord(
            indicator=r.indicator, scope=r.scope, comparator=r.comparator, value=r.value,
            unit=r.unit, year=r.year, document=r.document_title, doc_number=r.doc_number,
            text=r.text, span=r.span,
        )
        for r in targets_for_conflicts(session)
    ]  # fmt: skip
