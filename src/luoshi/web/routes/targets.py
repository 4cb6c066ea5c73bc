"""Targets: the list with status badges, and one target's series against its path."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from luoshi.reports.target import target_detail
from luoshi.services import scorecard
from luoshi.web.deps import DbDep, RequiredUser
from luoshi.web.templating import render

router = APIRouter(tags=["targets"])


@router.get("/targets", include_in_schema=False)
def targets(
    request: Request, db: DbDep, user: RequiredUser, status: str | None = None,
    plan: int | None = None, year: int | None = None,
) -> Response:  # fmt: skip
    snap = scorecard.snapshot(db)
    rows = [
        t for t in snap.targets.values()
        if (status is None or t.status == status) and (plan is None or t.document_id == plan)
        and (year is None or t.year == year)
    ]  # fmt: skip
    rows.sort(key=lambda t: (t.document_id, t.id))
    context = {"targets": rows, "documents": snap.documents, "status": status, "plan": plan, "year": year}
    return render(request, "targets.html", context)


@router.get("/targets/{target_id}", include_in_schema=False)
def target(request: Request, db: DbDep, user: RequiredUser, target_id: int) -> Response:
    snap = scorecard.snapshot(db)
    detail = target_detail(db, snap, target_id)
    document = snap.documents.get(detail.fact.document_id, {})
    context = {"t": detail.fact, "a": detail.fact.assessment, "detail": detail, "chart": detail.chart(), "document": document}
    return render(request, "target.html", context)
