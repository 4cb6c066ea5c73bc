"""System administration (admin only): accounts, the audit log, the daily-digest switch.

Every change goes through :mod:`luoshi.services.accounts`, which checks the actor is an admin
and writes an audit entry with before → after.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from luoshi.errors import LuoshiError
from luoshi.registry.tracking import ROLES, UserAccount
from luoshi.services import accounts, audit
from luoshi.services.access import require_role
from luoshi.web.deps import DbDep, RequiredUser, client_ip, now
from luoshi.web.templating import render

router = APIRouter(tags=["admin"])
PER_PAGE = 50


def _admin(user: UserAccount) -> UserAccount:
    return require_role(user, "admin")


def _users_page(request: Request, db: DbDep, user: UserAccount, status: int = 200, **extra: Any) -> Response:
    context: dict[str, Any] = {
        "users": accounts.list_users(db, user),
        "units": accounts.unit_choices(db),
        "roles": ROLES,
        "digest": accounts.get_setting(db, accounts.DIGEST_KEY, accounts.DIGEST_DEFAULT),
        "now": now(request),
        "message": request.query_params.get("done"),
        "error": None,
        "form": {},
    }
    context.update(extra)
    return render(request, "admin.html", context, status)


@router.get("/admin", include_in_schema=False)
def admin_page(request: Request, db: DbDep, user: RequiredUser) -> Response:
    return _users_page(request, db, _admin(user))


def _done(message: str) -> Response:
    return RedirectResponse("/admin?" + urlencode({"done": message}), status_code=303)


@router.post("/admin/users", include_in_schema=False)
def create_user(
    request: Request,
    db: DbDep,
    user: RequiredUser,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    role: Annotated[str, Form(max_length=16)],
    unit: Annotated[str, Form(max_length=255)] = "",
    display_name: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    _admin(user)
    try:
        accounts.create_user(
            db, username.strip(), password, role, unit or None, display_name=display_name.strip(),
            actor=user, ip=client_ip(request),
        )  # fmt: skip
    except accounts.AccountError as exc:
        db.rollback()
        form = {"username": username, "role": role, "unit": unit, "display_name": display_name}
        return _users_page(request, db, user, 400, error=str(exc), form=form)
    return _done(f"已创建用户 {username.strip()}")


@router.post("/admin/users/{user_id}/{action}", include_in_schema=False)
def change_user(
    request: Request,
    db: DbDep,
    user: RequiredUser,
    user_id: int,
    action: str,
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    _admin(user)
    ip, at = client_ip(request), now(request)
    try:
        if action == "disable":
            target = accounts.set_active(db, user, user_id, False, ip=ip, now=at)
            message = f"已停用 {target.username}"
        elif action == "enable":
            target = accounts.set_active(db, user, user_id, True, ip=ip, now=at)
            message = f"已启用 {target.username}"
        elif action == "unlock":
            target = accounts.unlock(db, user, user_id, ip=ip, now=at)
            message = f"已解锁 {target.username}"
        elif action == "reset-password":
            target = accounts.reset_password(db, user, user_id, password, ip=ip, now=at)
            message = f"已重置 {target.username} 的密码"
        elif action == "delete":
            target = accounts.delete_user(db, user, user_id, ip=ip, now=at)
            message = f"已删除 {target.username}（账户保留在记录中）"
        else:
            raise accounts.AccountError(f"未知操作 {action!r}")
    except accounts.AccountError as exc:
        db.rollback()
        return _users_page(request, db, user, 400, error=str(exc))
    return _done(message)


@router.post("/admin/settings/digest", include_in_schema=False)
def set_digest(
    request: Request,
    db: DbDep,
    user: RequiredUser,
    folder: Annotated[str, Form(max_length=1024)] = "",
    enabled: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    _admin(user)
    try:
        value = accounts.set_digest(db, user, enabled in ("1", "on", "true"), folder, ip=client_ip(request),
                                    now=now(request))  # fmt: skip
    except accounts.AccountError as exc:
        db.rollback()
        return _users_page(request, db, user, 400, error=str(exc))
    return _done("每日摘要已启用" if value["enabled"] else "每日摘要已关闭")


def _day(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise LuoshiError(f"日期 {raw!r} 格式应为 YYYY-MM-DD") from None


@router.get("/admin/audit", include_in_schema=False)
def audit_page(
    request: Request,
    db: DbDep,
    user: RequiredUser,
    action: str = "",
    username: str = "",
    entity_type: str = "",
    ip: str = "",
    since: str = "",
    until: str = "",
    page: int = 1,
    verify: str = "",
) -> Response:
    _admin(user)
    start, end = _day(since), _day(until)
    result = audit.search(
        db, action=action.strip() or None, username=username.strip() or None,
        entity_type=entity_type.strip() or None, ip=ip.strip() or None,
        since=datetime.combine(start, datetime.min.time(), UTC) if start else None,
        until=datetime.combine(end, datetime.min.time(), UTC) + timedelta(days=1) if end else None,
        page=page, per_page=PER_PAGE,
    )  # fmt: skip
    filters = {"action": action, "username": username, "entity_type": entity_type, "ip": ip,
               "since": since, "until": until}  # fmt: skip
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(request, "admin_audit.html", {
        "result": result, "filters": filters, "query": query,
        "verification": audit.verify(db) if verify else None,
        "as_json": lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True),
    })  # fmt: skip
