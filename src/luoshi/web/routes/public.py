"""信息公开: read-only pages for everyone — what each plan commits to and how far it has come.
Only items that were not rejected, and only progress the office accepted. Off when
``settings.public_pages`` is false."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from luoshi.reports.plan import PUBLIC_STATES, plan_tree, source_excerpt
from luoshi.services import scorecard
from luoshi.services.access import NotFound
from luoshi.web.deps import DbDep, UserDep
from luoshi.web.routes.plans import plan_rows
from luoshi.web.templating import render

router = APIRouter(tags=["public"])


def _enabled(request: Request) -> None:
    if not request.app.state.settings.public_pages:
        raise NotFound("信息公开页面未开启")


@router.get("/public", include_in_schema=False)
def public_index(request: Request, db: DbDep, user: UserDep) -> Response:
    _enabled(request)
    snap = scorecard.snapshot(db)
    done: dict[int, int] = {}
    for task in snap.tasks.values():
        if task.accepted and task.accepted["status"] == "done":
            done[task.document_id] = done.get(task.document_id, 0) + 1
    rows = [{**row, "done": done.get(row["id"], 0)} for row in plan_rows(snap, None)]
    return render(request, "public.html", {"plans": rows})


@router.get("/public/plans/{document_id}", include_in_schema=False)
def public_plan(request: Request, db: DbDep, user: UserDep, document_id: int) -> Response:
    _enabled(request)
    snap = scorecard.snapshot(db)
    if document_id not in snap.documents:
        raise NotFound(f"plan {document_id} not found")
    document, root = plan_tree(db, snap, document_id, None)
    context = {"document": document, "root": root, "source_base": "/public/items", "states": PUBLIC_STATES}
    return render(request, "public_plan.html", context)


@router.get("/public/items/{kind}/{item_id}/source", include_in_schema=False)
def public_source(request: Request, db: DbDep, user: UserDep, kind: str, item_id: int) -> Response:
    _enabled(request)
    if kind not in ("task", "target", "project"):
        raise NotFound(f"no item kind {kind}")
    return render(request, "plan_source.html", {"excerpt": source_excerpt(db, kind, item_id, public=True)})
