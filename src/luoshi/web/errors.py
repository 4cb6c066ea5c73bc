"""One place that turns domain errors into responses: JSON under /api/, else a page (or an
HTMX fragment)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.services.access import Forbidden, NotFound
from luoshi.web.deps import CsrfError, NotAuthenticated
from luoshi.web.templating import render

STATUS: list[tuple[type[Exception], int, str]] = [
    (NotAuthenticated, 401, "请先登录"),
    (CsrfError, 403, "请求被拒绝"),
    (Forbidden, 403, "无权访问"),
    (NotFound, 404, "未找到"),
    (LuoshiError, 400, "输入有误"),
]


def _classify(exc: Exception) -> tuple[int, str]:
    for cls, status, title in STATUS:
        if isinstance(exc, cls):
            return status, title
    return 500, "服务器错误"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


async def handle_domain_error(request: Request, exc: Exception) -> Response:
    status, title = _classify(exc)
    if wants_json(request):
        return JSONResponse({"error": title, "detail": str(exc)}, status_code=status)
    if status == 401:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return render(request, "error.html", {"status": status, "title": title, "message": str(exc)}, status)


def install(app: FastAPI) -> None:
    app.add_exception_handler(LuoshiError, handle_domain_error)
