"""Indicator observations: the entry form and CSV/Excel upload (all rows or none)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.registry.db import sqlite_write_lock
from luoshi.services import observations
from luoshi.services.access import Forbidden
from luoshi.web.deps import DbDep, RequiredUser, client_ip
from luoshi.web.templating import render

router = APIRouter(tags=["observations"])


def _page(request: Request, db: Any, status: int = 200, **ctx: Any) -> Response:
    base: dict[str, Any] = {"recent": observations.recent(db), "error": None, "errors": [], "notice": None,
                            "form": {}, "max_mb": request.app.state.settings.max_upload_bytes // 1048576}  # fmt: skip
    base.update(ctx)
    return render(request, "observations.html", base, status)


@router.get("/observations", include_in_schema=False)
def observations_page(request: Request, db: DbDep, user: RequiredUser) -> Response:
    return _page(request, db)


@router.post("/observations", include_in_schema=False)
def add_observation(
    request: Request, db: DbDep, user: RequiredUser, indicator: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "", period: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "", source: Annotated[str, Form()] = "", link: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    form = {"indicator": indicator, "region": region, "period": period, "value": value, "unit": unit, "source": source}
    try:
        obs = observations.add_observation(db, user, form, bool(link), client_ip(request))
    except LuoshiError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return _page(request, db, 400, error=str(exc), form=form)
    note = f"已保存：{obs.indicator} {obs.region} {obs.period} = {obs.value:g} {obs.unit or ''}"
    if obs.method:
        note += f"（{obs.method}）"
    if obs.target_id:
        note += f"，已关联目标 #{obs.target_id}"
    return _page(request, db, notice=note)


@router.post("/observations/upload", include_in_schema=False)
def upload(request: Request, db: DbDep, user: RequiredUser, file: Annotated[UploadFile, File()],
           link: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    limit = request.app.state.settings.max_upload_bytes
    name = file.filename or "upload.csv"
    data = file.file.read(limit + 1)
    try:
        with sqlite_write_lock(request.app.state.engine):
            report = observations.upload_observations(db, user, name, data, limit, bool(link), client_ip(request))
            db.commit()  # inside the lock; before rendering the page
    except observations.UploadRejected as exc:
        db.rollback()
        return _page(request, db, 400, error=str(exc), errors=exc.errors)
    except LuoshiError as exc:
        if isinstance(exc, Forbidden):
            raise
        db.rollback()
        return _page(request, db, 400, error=str(exc))
    note = (f"{name}：已导入 {report.stored} 条，关联目标 {report.linked} 条，单位换算 {report.converted} 条，"
            f"替代旧值 {report.superseded} 条")  # fmt: skip
    return _page(request, db, notice=note)
