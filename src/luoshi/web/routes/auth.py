"""Sign in and out; the account page (own password, own API tokens); ``GET /api/me``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.services import accounts
from luoshi.web.deps import (
    SESSION_COOKIE,
    DbDep,
    RequiredUser,
    UserDep,
    client_ip,
    current_web_session,
    now,
)
from luoshi.web.templating import render

router = APIRouter(tags=["auth"])


def _safe_next(target: str | None) -> str:
    # only local paths: never redirect to another site
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
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
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    at = now(request)
    try:
        user = accounts.authenticate(db, username.strip(), password, ip=client_ip(request), now=at)
    except accounts.LoginFailed as exc:
        db.commit()  # keep the failure count and the audit entry
        return render(request, "login.html", {"next": _safe_next(next), "error": str(exc)}, 401)
    # session rotation: whatever session this browser had before ends; a new token is issued
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        accounts.end_session(db, old, client_ip(request), now=at)
    new = accounts.start_session(db, user, client_ip(request), request.headers.get("user-agent"), now=at)
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
        accounts.end_session(db, token, client_ip(request), now=now(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


# --- the account page ---------------------------------------------------------------------------


def _account_page(
    request: Request, db: DbDep, user: RequiredUser, status: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {
        "tokens": accounts.user_tokens(db, user),
        "account": user,
        "min_length": accounts.MIN_PASSWORD_LENGTH,
        "message": None,
        "error": None,
        "new_token": None,
    }
    context.update(extra)
    return render(request, "account.html", context, status)


@router.get("/account", include_in_schema=False)
def account_page(request: Request, db: DbDep, user: RequiredUser) -> Response:
    return _account_page(request, db, user)


@router.post("/account/password", include_in_schema=False)
def change_password(
    request: Request,
    db: DbDep,
    user: RequiredUser,
    old_password: Annotated[str, Form(max_length=256)],
    new_password: Annotated[str, Form(max_length=256)],
    confirm_password: Annotated[str, Form(max_length=256)],
) -> Response:
    if new_password != confirm_password:
        return _account_page(request, db, user, 400, error="两次输入的新密码不一致")
    web_session = current_web_session(request, db)
    try:
        accounts.change_password(
            db, user, old_password, new_password, ip=client_ip(request),
            keep_session_id=web_session.id if web_session else None, now=now(request),
        )  # fmt: skip
    except LuoshiError as exc:
        db.commit()  # a wrong old password is on the record
        return _account_page(request, db, user, 400, error=str(exc))
    return _account_page(request, db, user, message="密码已修改；您在其他设备上的登录已结束")


@router.post("/account/tokens", include_in_schema=False)
def create_token(
    request: Request, db: DbDep, user: RequiredUser, name: Annotated[str, Form(max_length=128)]
) -> Response:
    token = accounts.create_token(db, user, name, client_ip(request))
    return _account_page(request, db, user, new_token=token, message="令牌已创建：请立即复制，它只显示这一次")


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
def revoke_token(request: Request, db: DbDep, user: RequiredUser, token_id: int) -> Response:
    accounts.revoke_token(db, user, token_id, ip=client_ip(request), now=now(request))
    return RedirectResponse("/account", status_code=303)


@router.get("/api/me", tags=["auth"])
def api_me(user: RequiredUser) -> dict[str, Any]:
    """Who the session cookie or bearer token belongs to."""
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "unit": user.unit.name if user.unit else None,
    }
