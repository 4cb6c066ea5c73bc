"""File in, extracted documents out: reading, normalizing, splitting, then the pure extractors.

Extraction itself (:mod:`luoshi.extraction`) never touches files or the database; this module
is the one place that strings the stages together, for the CLI, the register and benchmarks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from luoshi.documents.gazette import DocumentPart, split_documents
from luoshi.documents.readers import read_file
from luoshi.documents.source import SourceFile
from luoshi.errors import ExtractionError
from luoshi.extraction.departments import DepartmentDictionary, default_dictionary
from luoshi.extraction.model import ExtractedDocument, Section
from luoshi.extraction.projects import extract_projects
from luoshi.extraction.structure import parse_structure
from luoshi.extraction.targets import extract_targets
from luoshi.extraction.tasks import extract_tasks


def extract_part(
    source: str, part: DocumentPart, dictionary: DepartmentDictionary
) -> ExtractedDocument:
    """Run the extractors over one document and map every span to the original text."""
    text = part.text.text
    to_source = part.text.source_span
    nodes = parse_structure(text)
    sections = tuple(
        Section(n.label, n.style, n.level, n.title, n.path, to_source(n.start, n.end)) for n in nodes
    )
    tasks = tuple(replace(t, span=to_source(*t.span)) for t in extract_tasks(text, nodes, dictionary))
    targets = tuple(
        replace(t, span=to_source(*t.span))
        for t in extract_targets(text, default_year=part.default_year)
    )
    projects = tuple(replace(p, span=to_source(*p.span)) for p in extract_projects(text, dictionary))
    named: dict[str, None] = {}
    for t in tasks:
        named.update(dict.fromkeys(t.responsible))
    for p in projects:
        named.update(dict.fromkeys(p.responsible))
    return ExtractedDocument(
        source=source,
        meta=part.meta,
        span=part.span,
        sections=sections,
        tasks=tasks,
        targets=targets,
        projects=projects,
        departments=tuple(named),
    )


def extract_source(
    source: SourceFile, dictionary: DepartmentDictionary | None = None
) -> list[ExtractedDocument]:
    """Extract every document held in one decoded file (a gazette holds several)."""
    d = dictionary or default_dictionary()
    return [extract_part(source.path, part, d) for part in split_documents(source.text)]


def extract_path(
    path: str | Path, dictionary: DepartmentDictionary | None = None
) -> tuple[SourceFile, list[ExtractedDocument]]:
    """Read ``path`` and extract it. Raises :class:`luoshi.errors.DocumentError` on bad input."""
    source = read_file(path)
    return source, extract_source(source, dictionary)


def extract_json(
    paths: Iterable[str | Path], dictionary: DepartmentDictionary | None = None
) -> dict[str, Any]:
    """The ``luoshi extract --json`` object for ``paths``."""
    documents: list[dict[str, Any]] = []
    for path in paths:
        _, docs = extract_path(path, dictionary)
        documents.extend(doc.to_json() for doc in docs)
    return {"documents": documents}


def extract_checked(
    path: str | Path, dictionary: DepartmentDictionary | None = None
) -> list[ExtractedDocument]:
    """Like :func:`extract_path`, but a file holding no task, target or project is an error."""
    source, docs = extract_path(path, dictionary)
    require_content(source.path, docs)
    return docs


def require_content(path: str | Path, docs: Iterable[ExtractedDocument]) -> None:
    """Refuse a file that holds no task, target or project (nothing to register)."""
    if not any(d.tasks or d.targets or d.projects for d in docs):
        raise ExtractionError(path, "no tasks, targets or projects found")
