"""The dashboard: are we on track? Counts and charts by plan, department, district and status,
and the overdue and due-soon lists — for a unit user, only that unit's tasks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from luoshi.reports.dashboard import summarize
from luoshi.services import scorecard
from luoshi.services.scorecard import NO_REPORT
from luoshi.web.deps import DbDep, RequiredUser
from luoshi.web.templating import STATUS_LABELS, TARGET_STATUS_LABELS, render, render_fragment

router = APIRouter(tags=["dashboard"])

TASK_ORDER = ("done", "in_progress", "not_started", "delayed", "blocked", NO_REPORT)
TASK_LABELS = {**STATUS_LABELS, NO_REPORT: "未报送"}
TARGET_ORDER = ("achieved", "on_track", "at_risk", "off_track", "no_data")


def _stack(groups: list[dict[str, Any]], limit: int = 15) -> dict[str, Any]:
    """A stacked bar per group: one series per task status."""
    top = groups[:limit]
    return {
        "categories": [g.get("title") or g.get("name") for g in top],
        "series": [
            {"name": TASK_LABELS[s], "key": s, "data": [g["by_status"].get(s, 0) for g in top]}
            for s in TASK_ORDER
        ],
    }


def charts(data: dict[str, Any]) -> dict[str, Any]:
    """The JSON the dashboard's ECharts read (embedded in the page)."""
    pie = [
        {"name": TARGET_STATUS_LABELS[s], "key": s, "value": data["year_targets"].get(s, 0)}
        for s in TARGET_ORDER
    ]
    return {
        "plans": _stack(data["plans"]),
        "departments": _stack(data["departments"]),
        "districts": _stack(data["districts"]),
        "status": [
            {"name": TASK_LABELS[s], "key": s, "value": data["tasks"]["by_status"].get(s, 0)}
            for s in TASK_ORDER
        ],
        "targets": pie,
    }


def dashboard_data(db: DbDep, user: RequiredUser) -> dict[str, Any]:
    snap = scorecard.snapshot(db)
    return _figures(snap, db, user)[0]


def _figures(snap: scorecard.Snapshot, db: DbDep, user: RequiredUser) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dashboard's figures and charts, computed once per snapshot and user scope."""

    def make() -> tuple[dict[str, Any], dict[str, Any]]:
        visible = scorecard.visible_in(snap, db, user)
        data = summarize(snap, visible, unit_id=user.unit_id if visible is not None else None)
        return data, charts(data)

    return snap.derived(("dashboard", scorecard.scope_key(user)), make)


@router.get("/", include_in_schema=False)
def dashboard(request: Request, db: DbDep, user: RequiredUser) -> Response:
    snap = scorecard.snapshot(db)
    viewer = request.state.viewer

    def make() -> Markup:
        data, chart = _figures(snap, db, user)
        context = {
            "d": data, "chart": chart, "task_order": TASK_ORDER, "task_labels": TASK_LABELS,
            "target_order": TARGET_ORDER, "scoped": user.role in ("department", "district"), "user": viewer,
        }  # fmt: skip
        return render_fragment("dashboard_body.html", context)

    body = snap.derived(("dashboard page", scorecard.scope_key(user), viewer.unit_name), make)
    return render(request, "dashboard.html", {"body": body})
