"""The dashboard: where things stand, at a glance (to be extended)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from starlette.responses import Response

from luoshi.registry.models import Document, TargetRow
from luoshi.services.access import visible_tasks
from luoshi.web.deps import DbDep, RequiredUser
from luoshi.web.templating import render

router = APIRouter(tags=["dashboard"])


@router.get("/", include_in_schema=False)
def dashboard(request: Request, db: DbDep, user: RequiredUser) -> Response:
    tasks = db.scalar(select(func.count()).select_from(visible_tasks(user).subquery())) or 0
    plans = db.scalar(select(func.count()).select_from(Document).where(Document.superseded_at.is_(None))) or 0
    targets = db.scalar(select(func.count()).select_from(TargetRow).where(TargetRow.superseded.is_(False))) or 0
    return render(request, "dashboard.html", {"counts": {"plans": plans, "tasks": tasks, "targets": targets}})
