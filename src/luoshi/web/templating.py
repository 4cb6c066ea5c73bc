"""Jinja2 templates, with the globals every page needs (user, CSRF token, labels)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import Response

from luoshi.web.deps import csrf_token

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))

ROLE_LABELS = {"admin": "管理员", "office": "牵头办公室", "department": "部门", "district": "县区", "viewer": "只读"}
STATUS_LABELS = {
    "not_started": "未启动", "in_progress": "推进中", "done": "已完成", "delayed": "滞后", "blocked": "受阻",
}  # fmt: skip
STATE_LABELS = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "accepted": "已通过"}
TARGET_STATUS_LABELS = {
    "achieved": "已实现", "on_track": "进展顺利", "at_risk": "存在风险", "off_track": "进度滞后",
    "no_data": "暂无数据",
}  # fmt: skip
COMPARATOR_LABELS = {
    ">=": "≥", "<=": "≤", "=": "=", "≈": "约", "decrease_by": "下降", "increase_by": "提高",
    "delegated": "完成上级下达任务",
}  # fmt: skip
templates.env.globals.update(
    COMPARATOR_LABELS=COMPARATOR_LABELS,
    ROLE_LABELS=ROLE_LABELS,
    STATUS_LABELS=STATUS_LABELS,
    STATE_LABELS=STATE_LABELS,
    TARGET_STATUS_LABELS=TARGET_STATUS_LABELS,
)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    """Render a page; every template gets ``request``, ``user`` and ``csrf_token``."""
    ctx: dict[str, Any] = {"user": getattr(request.state, "viewer", None), "csrf_token": csrf_token(request)}
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


def render_fragment(name: str, context: dict[str, Any]) -> Markup:
    """A template rendered on its own (no request, user or CSRF token), to cache and embed."""
    return Markup(templates.get_template(name).render(context))
