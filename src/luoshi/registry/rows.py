"""Extracted records as row values, and the keys that recognise them again on re-import."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from luoshi.extraction.model import Deadline, ExtractedDocument, Project, Target, Task


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def document_key(doc: ExtractedDocument) -> str:
    """What makes two imports the same document: its number (文号), else its normalized title."""
    if doc.meta.doc_number and doc.meta.doc_number.strip():
        return ("no:" + norm(doc.meta.doc_number))[:512]
    return ("title:" + norm(doc.meta.title))[:512]


def natural_keys(doc_key: str, bases: Iterable[tuple[Any, ...]]) -> list[str]:
    """Natural keys: the base tuple plus an ordinal among items with an equal base."""
    seen: Counter[str] = Counter()
    keys: list[str] = []
    for base in bases:
        text = json.dumps([doc_key, *base], ensure_ascii=False)
        keys.append(json.dumps([doc_key, *base, seen[text]], ensure_ascii=False))
        seen[text] += 1
    return keys


def deadline_fields(deadline: Deadline | None) -> dict[str, Any]:
    return {
        "deadline_text": deadline.text if deadline else None,
        "deadline_kind": deadline.kind if deadline else None,
        "deadline_year": deadline.year if deadline else None,
        "deadline_month": deadline.month if deadline else None,
    }


def task_fields(task: Task) -> dict[str, Any]:
    return {
        "path": list(task.path),
        "label": task.label,
        "title": task.title,
        "text": task.text,
        "source_kind": task.source,
        "span_start": task.span[0],
        "span_end": task.span[1],
        **deadline_fields(task.deadline),
    }


def target_fields(target: Target) -> dict[str, Any]:
    return {
        "indicator": target.indicator,
        "scope": target.scope,
        "comparator": target.comparator,
        "value": target.value,
        "unit": target.unit,
        "year": target.year,
        "month": target.month,
        "baseline_year": target.baseline_year,
        "recurring": target.recurring,
        "text": target.text,
        "span_start": target.span[0],
        "span_end": target.span[1],
    }


def project_fields(project: Project) -> dict[str, Any]:
    return {
        "name": project.name,
        "content": project.content,
        "investment_wan_yuan": project.investment_wan_yuan,
        "category": project.category,
        "number": project.number,
        "span_start": project.span[0],
        "span_end": project.span[1],
        **deadline_fields(project.deadline),
    }


def parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None  # a malformed date is not worth refusing the whole file
