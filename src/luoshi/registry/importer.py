"""Files in, register rows out: idempotent, all-or-nothing, and kind to earlier review.

``import_paths`` never commits: every file of one call lands in the caller's transaction, so
one bad file (a :class:`DocumentError` or :class:`ExtractionError`) leaves nothing behind once
the caller rolls back (:func:`luoshi.registry.db.session_scope` does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.documents.readers import read_bytes
from luoshi.documents.source import SourceFile
from luoshi.errors import ExtractionError
from luoshi.extraction.model import ExtractedDocument, Project, Task
from luoshi.pipeline import require_content
from luoshi.registry.departments import resolve_department, sync_departments
from luoshi.registry.models import (
    TASK_SOURCES,
    Document,
    ProjectDepartment,
    ProjectRow,
    ReviewItem,
    SectionRow,
    SourceFileRow,
    TargetRow,
    TaskDepartment,
    TaskRow,
    utcnow,
)
from luoshi.registry.rows import (
    document_key,
    natural_keys,
    parse_date,
    project_fields,
    target_fields,
    task_fields,
)

ExtractFn = Callable[[Path], tuple[SourceFile, Sequence[ExtractedDocument]]]
Status = str  # "imported" | "unchanged" | "new_version"


def default_extract(path: Path) -> tuple[SourceFile, Sequence[ExtractedDocument]]:
    """The real pipeline; imported late so that tests can replace ``luoshi.pipeline.extract_path``."""
    from luoshi import pipeline

    return pipeline.extract_path(path)


@dataclass
class FileReport:
    path: str
    sha256: str
    status: Status
    documents: int = 0
    tasks: int = 0
    targets: int = 0
    projects: int = 0
    departments: int = 0
    added: int = 0  # items new to the register
    updated: int = 0  # items matched by natural key in an earlier version
    superseded: int = 0  # items of an earlier version that this one no longer has


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for f in self.files if f.status == status)

    def total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)

    def __str__(self) -> str:
        lines = [
            f"{f.status:<11} {f.path}: {f.documents} documents, {f.tasks} tasks, "
            f"{f.targets} targets, {f.projects} projects"
            for f in self.files
        ]
        lines.append(
            f"{len(self.files)} files: {self.count('imported')} imported, "
            f"{self.count('new_version')} new versions, {self.count('unchanged')} unchanged"
        )
        return "\n".join(lines)


class _Importer:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now

    def task_links(self, task: Task) -> list[tuple[int, str, int]]:
        """(department id, role, position); lead ⊆ responsible share the printed order."""
        links: dict[tuple[int, str], int] = {}
        lead = set(task.lead)
        ordered = list(task.responsible) + [n for n in task.lead if n not in task.responsible]
        for position, name in enumerate(ordered):
            dept = resolve_department(self.session, name)
            role = "lead" if name in lead else "responsible"
            if (dept.id, "lead") not in links and (dept.id, "responsible") not in links:
                links[(dept.id, role)] = position
        for position, name in enumerate(task.implementing):
            links.setdefault((resolve_department(self.session, name).id, "implementing"), position)
        return [(dept_id, role, pos) for (dept_id, role), pos in links.items()]

    def project_links(self, project: Project) -> list[tuple[int, str, int]]:
        links: dict[int, int] = {}
        for position, name in enumerate(project.responsible):
            links.setdefault(resolve_department(self.session, name).id, position)
        return [(dept_id, "responsible", pos) for dept_id, pos in links.items()]

    def merge(
        self,
        model: type[ReviewItem],
        document: Document,
        keyed: list[tuple[str, dict[str, Any], list[tuple[int, str, int]] | None]],
        report: FileReport,
    ) -> None:
        """Match by natural key: update matched rows, add new ones, supersede the rest."""
        existing = {
            row.natural_key: row
            for row in self.session.scalars(select(model).where(model.document_key == document.key))
        }
        seen: set[str] = set()
        for natural_key, values, links in keyed:
            seen.add(natural_key)
            row = existing.get(natural_key)
            if row is None:
                row = model(document_key=document.key, natural_key=natural_key, **values)
                row.document_id = document.id
                self.session.add(row)
                report.added += 1
            else:
                changed = any(getattr(row, k) != v for k, v in values.items())
                for name, value in values.items():
                    setattr(row, name, value)
                row.document_id = document.id
                row.superseded, row.superseded_at, row.updated_at = False, None, self.now
                report.updated += 1
                if links is not None:
                    changed = self.relink(row, links) or changed
                # review_state and corrections are the reviewer's: only flag the change
                if changed and row.review_state != "extracted":
                    row.changed_after_review_at = self.now
                continue
            if links is not None:
                self.session.flush()
                self.relink(row, links)
        for natural_key, row in existing.items():
            if natural_key not in seen and not row.superseded:
                row.superseded, row.superseded_at = True, self.now
                report.superseded += 1

    def relink(self, row: ReviewItem, links: list[tuple[int, str, int]]) -> bool:
        if isinstance(row, TaskRow):
            old = sorted((link.department_id, link.role, link.position) for link in row.links)
            if old == sorted(links):
                return False
            row.links.clear()
            self.session.flush()  # delete before insert: the unique constraint would see both
            row.links.extend(
                TaskDepartment(department_id=d, role=r, position=p) for d, r, p in links
            )
        elif isinstance(row, ProjectRow):
            old = sorted((link.department_id, "responsible", link.position) for link in row.links)
            if old == sorted(links):
                return False
            row.links.clear()
            self.session.flush()
            row.links.extend(ProjectDepartment(department_id=d, position=p) for d, _, p in links)
        return bool(links)

    def document(
        self, source_row: SourceFileRow, doc: ExtractedDocument, report: FileReport
    ) -> None:
        key = document_key(doc)
        previous = list(
            self.session.scalars(
                select(Document).where(Document.key == key, Document.superseded_at.is_(None))
            )
        )
        document = Document(
            source_file=source_row, key=key, span_start=doc.span[0], span_end=doc.span[1],
            title=doc.meta.title, doc_number=doc.meta.doc_number, issuer=doc.meta.issuer,
            date=parse_date(doc.meta.date), imported_at=self.now,
        )  # fmt: skip
        self.session.add(document)
        by_path: dict[tuple[str, ...], SectionRow] = {}
        for sec in doc.sections:
            row = SectionRow(
                document=document, parent=by_path.get(tuple(sec.path)), label=sec.label,
                style=sec.style, level=sec.level, title=sec.title, path=list(sec.path),
                span_start=sec.span[0], span_end=sec.span[1],
            )  # fmt: skip
            self.session.add(row)  # SQLAlchemy 2 does not cascade along the backref
            by_path[(*sec.path, sec.label)] = row
        self.session.flush()
        for old in previous:
            old.superseded_at, old.superseded_by_id = self.now, document.id
        if previous:
            report.status = "new_version"

        for task in doc.tasks:
            if task.source not in TASK_SOURCES:
                raise ExtractionError(
                    report.path, f"task {task.label}: unknown source {task.source!r}"
                )
        task_keys = natural_keys(key, ((list(t.path), t.label, t.source) for t in doc.tasks))
        self.merge(TaskRow, document, [
            (k, task_fields(t), self.task_links(t)) for k, t in zip(task_keys, doc.tasks, strict=True)
        ], report)  # fmt: skip
        for task_row in self.session.scalars(
            select(TaskRow).where(TaskRow.document_id == document.id)
        ):
            task_row.section = by_path.get((*task_row.path, task_row.label))
        target_keys = natural_keys(key, ((g.indicator, g.year, g.comparator) for g in doc.targets))
        self.merge(TargetRow, document, [
            (k, target_fields(g), None) for k, g in zip(target_keys, doc.targets, strict=True)
        ], report)  # fmt: skip
        project_keys = natural_keys(key, ((p.name,) for p in doc.projects))
        self.merge(ProjectRow, document, [
            (k, project_fields(p), self.project_links(p))
            for k, p in zip(project_keys, doc.projects, strict=True)
        ], report)  # fmt: skip
        report.documents += 1
        report.tasks += len(doc.tasks)
        report.targets += len(doc.targets)
        report.projects += len(doc.projects)


def import_paths(
    session: Session,
    paths: Iterable[str | Path],
    extract: ExtractFn | None = None,
    departments_override: str | Path | None = None,
) -> ImportReport:
    """Import ``paths`` into the register within the caller's transaction (never commits).

    A file whose bytes are already registered is ``unchanged``; a document whose key is
    already registered from another file is a ``new_version`` (the last import wins).
    Raises DocumentError / ExtractionError for the first bad file; the caller rolls back.
    """
    extract = extract or default_extract
    sync_departments(session, departments_override)
    importer = _Importer(session, utcnow())
    report = ImportReport()
    for given in paths:
        path = Path(given)
        digest = hashlib.sha256(read_bytes(path)).hexdigest()
        # same bytes as a registered file: nothing to do, not even extraction
        if session.scalar(select(SourceFileRow.id).where(SourceFileRow.sha256 == digest)):
            report.files.append(FileReport(path=str(path), sha256=digest, status="unchanged"))
            continue
        source, docs = extract(path)
        file_report = FileReport(path=str(path), sha256=source.sha256, status="imported")
        report.files.append(file_report)
        require_content(path, docs)
        source_row = SourceFileRow(
            sha256=source.sha256, path=source.path, kind=source.kind,
            encoding=source.encoding, text=source.text, imported_at=importer.now,
        )  # fmt: skip
        session.add(source_row)
        for doc in docs:
            importer.document(source_row, doc, file_report)
        names = {n for d in docs for n in d.departments}
        names.update(
            n for d in docs for t in d.tasks for n in (*t.responsible, *t.lead, *t.implementing)
        )
        names.update(n for d in docs for p in d.projects for n in p.responsible)
        file_report.departments = len({resolve_department(session, n).id for n in names})
        session.flush()
    return report
