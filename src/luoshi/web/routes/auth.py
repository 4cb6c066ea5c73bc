"""Sign in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from luoshi.services import accounts
from luoshi.web.deps import SESSION_COOKIE, DbDep, UserDep, client_ip
from luoshi.web.templating import render

router = APIRouter(tags=["auth"])


def _safe_next(target: str | None) -> str:
    # only local paths: never redirect to another site
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", include_in_schema=False)
def login_page(request: Request, user: UserDep, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    db: DbDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        user = accounts.authenticate(db, username.strip(), password, ip=client_ip(request))
    except accounts.LoginFailed as exc:
        db.commit()  # keep the failure count and the audit entry
        return render(request, "login.html", {"next": _safe_next(next), "error": str(exc)}, 401)
    new = accounts.start_session(db, user, client_ip(request), request.headers.get("user-agent"))
    response = RedirectResponse(_safe_next(next), status_code=303)
    settings = request.app.state.settings
    response.set_cookie(
        SESSION_COOKIE,
        new.token,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
        path="/",
    )
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, db: DbDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.end_session(db, token, client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
