"""Plans: the list, one plan as a tree of sections with its tasks, targets and projects, and
the source text of any item with its sentence highlighted (an HTMX fragment)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from luoshi.reports.plan import plan_tree, source_excerpt
from luoshi.services import scorecard
from luoshi.services.access import NotFound, get_task
from luoshi.web.deps import DbDep, RequiredUser
from luoshi.web.templating import render, render_fragment

router = APIRouter(tags=["plans"])


def plan_rows(snap: scorecard.Snapshot, visible: set[int] | None) -> list[dict[str, Any]]:
    tasks: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    for task in snap.tasks.values():
        if visible is None or task.id in visible:
            tasks[task.document_id] += 1
            overdue[task.document_id] += task.overdue
    targets: dict[int, Counter[str]] = {}
    for target in snap.targets.values():
        targets.setdefault(target.document_id, Counter())[target.status] += 1
    return [
        {**doc, "tasks": tasks[doc_id], "overdue": overdue[doc_id],
         "targets": dict(targets.get(doc_id, {})), "target_total": sum(targets.get(doc_id, {}).values())}
        for doc_id, doc in snap.documents.items()
    ]  # fmt: skip


@router.get("/plans", include_in_schema=False)
def plans(request: Request, db: DbDep, user: RequiredUser) -> Response:
    snap = scorecard.snapshot(db)
    rows = plan_rows(snap, scorecard.visible_in(snap, db, user))
    return render(request, "plans.html", {"plans": rows})


@router.get("/plans/{document_id}", include_in_schema=False)
def plan(request: Request, db: DbDep, user: RequiredUser, document_id: int) -> Response:
    snap = scorecard.snapshot(db)
    if document_id not in snap.documents:
        raise NotFound(f"plan {document_id} not found")

    def make() -> tuple[str, Markup]:
        document, root = plan_tree(db, snap, document_id, scorecard.visible_in(snap, db, user))
        context = {"document": document, "root": root, "source_base": "/plans/items"}
        return document.title, render_fragment("plan_body.html", context)

    # the tree is the page's cost: rendered once per snapshot, plan and user scope
    title, body = snap.derived(("plan page", document_id, scorecard.scope_key(user)), make)
    return render(request, "plan.html", {"title": title, "body": body})


@router.get("/plans/items/{kind}/{item_id}/source", include_in_schema=False)
def item_source(request: Request, db: DbDep, user: RequiredUser, kind: str, item_id: int) -> Response:
    if kind == "task":
        get_task(db, user, item_id)  # 403 for another unit's task
    elif kind not in ("target", "project"):
        raise NotFound(f"no item kind {kind}")
    return render(request, "plan_source.html", {"excerpt": source_excerpt(db, kind, item_id)})
