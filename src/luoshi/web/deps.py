"""Request dependencies: the database session, the signed-in user, CSRF protection.

Handlers read ``db: DbDep``, ``user: UserDep`` (may be None) or ``user: RequiredUser``.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from luoshi.errors import LuoshiError
from luoshi.registry.db import session_scope
from luoshi.registry.models import utcnow
from luoshi.registry.tracking import UserAccount, WebSession
from luoshi.services import accounts

SESSION_COOKIE = "luoshi_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as templates see it: plain values that outlive a rolled-back session."""

    id: int
    username: str
    display_name: str
    role: str
    unit_id: int | None
    unit_name: str | None

    @classmethod
    def of(cls, user: UserAccount) -> Viewer:
        return cls(
            user.id, user.username, user.display_name, user.role, user.unit_id,
            user.unit.name if user.unit else None,
        )  # fmt: skip


class NotAuthenticated(LuoshiError):
    """No valid session or token (pages redirect to the sign-in page, the API answers 401)."""


class CsrfError(LuoshiError):
    """A form or request without the session's CSRF token."""


def get_db(request: Request) -> Iterator[Session]:
    maker: sessionmaker[Session] = request.app.state.sessionmaker
    with session_scope(maker) as session:
        yield session


DbDep = Annotated[Session, Depends(get_db)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def now(request: Request) -> datetime:
    """The time as the app sees it: ``app.state.clock()`` when set (tests move time), else UTC now."""
    clock: Callable[[], datetime] = getattr(request.app.state, "clock", None) or utcnow
    return clock()


def _idle(request: Request) -> timedelta:
    settings = getattr(request.app.state, "settings", None)
    minutes = getattr(settings, "idle_minutes", None)
    return timedelta(minutes=minutes) if minutes else accounts.IDLE_TIMEOUT


def _web_session(request: Request, db: Session) -> WebSession | None:
    if getattr(request.state, "session_checked", False):
        cached: WebSession | None = getattr(request.state, "web_session", None)
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    row = accounts.session_user(db, token, now(request), idle=_idle(request)) if token else None
    if token and row is None:
        db.commit()  # an expired session stays ended (and on the record) though this request fails
    request.state.session_checked = True
    request.state.web_session = row
    request.state.csrf = row.csrf_token if row else ""
    return row


def current_user(request: Request, db: DbDep) -> UserAccount | None:
    """The user of the session cookie or of a bearer token, else None."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = accounts.token_user(db, auth[7:].strip(), now=now(request))
        if user is None:
            raise NotAuthenticated("invalid or revoked token")
        request.state.via_token = True
        request.state.viewer = Viewer.of(user)
        return user
    row = _web_session(request, db)
    user = row.user if row else None
    request.state.viewer = Viewer.of(user) if user else None
    return user


UserDep = Annotated[UserAccount | None, Depends(current_user)]


def required_user(user: UserDep) -> UserAccount:
    if user is None:
        raise NotAuthenticated("please sign in")
    return user


RequiredUser = Annotated[UserAccount, Depends(required_user)]


def current_web_session(request: Request, db: DbDep) -> WebSession | None:
    """The browser session of this request (None for bearer tokens and anonymous requests)."""
    return _web_session(request, db)


def _same_origin(request: Request, origin: str) -> bool:
    parts = urlsplit(origin)
    return bool(parts.netloc) and parts.netloc.lower() == request.headers.get("host", "").lower()


async def csrf_protect(request: Request, db: DbDep) -> None:
    """Every unsafe request made with the session cookie must carry the session's CSRF token
    (form field ``csrf_token`` or header ``X-CSRF-Token``). Bearer-token requests are exempt:
    a browser never adds that header by itself."""
    if request.method in SAFE_METHODS or request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    # Browsers send Origin (or at least Referer) with every cross-site POST: refuse a foreign one.
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin and origin != "null" and not _same_origin(request, origin):
        raise CsrfError("请求来源不可信（跨站请求），已拒绝")
    if origin == "null":
        raise CsrfError("请求来源不可信（跨站请求），已拒绝")
    if request.url.path == "/login":
        return  # no session yet: the Origin check above is the login form's protection
    row = _web_session(request, db)
    if row is None:
        return  # unauthenticated: the handler's own user check answers
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette caches it for the handler
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, row.csrf_token):
        raise CsrfError("表单已过期或来源不可信（CSRF 校验失败），请刷新页面后重试")


def csrf_token(request: Request) -> str:
    token: str = getattr(request.state, "csrf", "")
    return token
