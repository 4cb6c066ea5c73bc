"""A plan as a tree: its numbered sections, each holding the tasks, targets and projects found
in it, and the source text of any item with the item's sentence marked."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.registry.models import ITEM_MODELS, Document, ProjectRow, SectionRow, TargetRow, TaskRow
from luoshi.services.access import NotFound
from luoshi.services.scorecard import Snapshot, TargetFact, TaskFact, corrections

# what the public pages may show: everything not rejected (rejected items never leave the row)
PUBLIC_STATES = ("extracted", "confirmed", "corrected")


@dataclass
class Node:
    id: int | None
    label: str
    title: str
    level: int
    start: int
    end: int
    children: list[Node] = field(default_factory=list)
    tasks: list[TaskFact] = field(default_factory=list)
    targets: list[TargetFact] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        own = len(self.tasks) + len(self.targets) + len(self.projects)
        return own + sum(child.count for child in self.children)


def _projects(session: Session, document_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(ProjectRow)
        .where(ProjectRow.document_id == document_id, ProjectRow.superseded.is_(False))
        .where(ProjectRow.review_state != "rejected")
        .order_by(ProjectRow.span_start)
    ).all()
    fixes = corrections(session, "project", [p.id for p in rows])
    out = []
    for p in rows:
        values = {
            "id": p.id, "name": p.name, "investment_wan_yuan": p.investment_wan_yuan,
            "deadline_text": p.deadline_text, "category": p.category, "start": p.span_start,
            "review_state": p.review_state,
        }  # fmt: skip
        values.update({k: v for k, v in fixes.get(p.id, {}).items() if k in values})
        out.append(values)
    return out


def plan_tree(
    session: Session, snap: Snapshot, document_id: int, visible: set[int] | None = None
) -> tuple[Document, Node]:
    """The document and its section tree; tasks limited to ``visible`` (None: all)."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"plan {document_id} not found")
    sections = session.scalars(
        select(SectionRow).where(SectionRow.document_id == document_id).order_by(SectionRow.span_start, SectionRow.level)
    ).all()
    root = Node(None, "", document.title, -1, document.span_start, document.span_end)
    nodes: dict[int, Node] = {}
    ordered: list[Node] = []
    for s in sections:
        node = Node(s.id, s.label, s.title, s.level, s.span_start, s.span_end)
        nodes[s.id] = node
        ordered.append(node)
        parent = nodes.get(s.parent_id) if s.parent_id else None
        (parent or root).children.append(node)
    starts = [n.start for n in ordered]

    def home(start: int) -> Node:
        # the deepest section whose span holds ``start``: the last one opening before it
        i = bisect.bisect_right(starts, start) - 1
        while i >= 0:
            if ordered[i].start <= start < ordered[i].end:
                return ordered[i]
            i -= 1
        return root

    task_at = {
        i: at for i, at in session.execute(select(TaskRow.id, TaskRow.span_start).where(TaskRow.document_id == document_id))
    }
    for task_id, start in sorted(task_at.items(), key=lambda kv: kv[1]):
        task = snap.tasks.get(task_id)
        if task is not None and (visible is None or task_id in visible):
            home(start).tasks.append(task)
    target_at = {
        i: at for i, at in session.execute(select(TargetRow.id, TargetRow.span_start).where(TargetRow.document_id == document_id))
    }
    for target_id, start in sorted(target_at.items(), key=lambda kv: kv[1]):
        if target_id in snap.targets:
            home(start).targets.append(snap.targets[target_id])
    for project in _projects(session, document_id):
        home(project["start"]).projects.append(project)
    return document, root


@dataclass(frozen=True)
class Excerpt:
    title: str
    before: str
    marked: str
    after: str


def source_excerpt(session: Session, kind: str, item_id: int, *, public: bool = False) -> Excerpt:
    """The text of the item's document, split around the item's own span."""
    model = ITEM_MODELS.get(kind)
    item = session.get(model, item_id) if model is not None else None
    if item is None or (public and (item.review_state not in PUBLIC_STATES or item.superseded)):
        raise NotFound(f"no {kind} {item_id}")
    document = session.get(Document, item.document_id)
    if document is None:
        raise NotFound(f"no document for {kind} {item_id}")
    text = document.source_file.text
    lo, hi = document.span_start, document.span_end
    a, b = max(lo, item.span_start), min(hi, item.span_end)
    return Excerpt(document.title, text[lo:a], text[a:b], text[b:hi])
