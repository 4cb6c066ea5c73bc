"""One router per resource; :data:`ROUTERS` is what the app includes, in order."""

from __future__ import annotations

from fastapi import APIRouter

from luoshi.web.routes import (
    admin,
    api,
    auth,
    dashboard,
    exports,
    imports,
    observations,
    plans,
    public,
    review,
    targets,
    tasks,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    dashboard.router,
    plans.router,
    tasks.router,
    targets.router,
    review.router,
    imports.router,
    observations.router,
    exports.router,
    admin.router,
    public.router,
    api.router,
]
