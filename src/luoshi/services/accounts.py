"""Accounts: users, passwords, sign-in with lock-out, browser sessions with timeouts, tokens.

Controls follow GB/T 22239-2019 level 3 (等保2.0 三级) for identification and authentication:
unique user names, Argon2id password hashes, a complexity policy, lock-out after repeated
failures, idle and absolute session timeouts, and an audit entry (who, when, from where,
before → after) for every sign-in and account change. See ``docs/security.md``.

Every function that changes an account takes the acting user (``actor``; ``None`` means the
command line, run by someone with access to the server) and checks the actor may do it.
Time is injectable (``now=``) so the timeouts can be tested without waiting.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from luoshi.errors import LuoshiError
from luoshi.registry.departments import UNKNOWN_KIND, find_department
from luoshi.registry.models import Department, utcnow
from luoshi.registry.tracking import ROLES, ApiToken, AppSetting, UserAccount, WebSession
from luoshi.services import audit
from luoshi.services.access import Forbidden, NotFound

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)
SEEN_PRECISION = timedelta(seconds=60)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
UNIT_ROLES = ("department", "district")
MIN_PASSWORD_LENGTH = 10
USER_FIELDS = ("username", "display_name", "role", "unit_id", "active", "locked_until", "deleted_at")

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# A constant hash to verify against when the user does not exist (same timing either way).
_DUMMY_HASH = _hasher.hash("luoshi-dummy-password-for-timing")


class AccountError(LuoshiError):
    """An account cannot be created or changed as asked."""


class LoginFailed(LuoshiError):
    """Wrong name or password, a locked or disabled account: one message for all."""

    def __init__(self) -> None:
        super().__init__("用户名或密码错误，或账户已被锁定")


def _actor_name(actor: UserAccount | None) -> str | None:
    return None if actor is not None else audit.CLI_ACTOR


def _require_admin(actor: UserAccount | None) -> None:
    """``None`` is the command line (server access); otherwise only an admin."""
    if actor is not None and actor.role != "admin":
        raise Forbidden("只有系统管理员可以管理账户")


def user_snapshot(user: UserAccount) -> dict[str, Any]:
    out = audit.snapshot(user, USER_FIELDS)
    out["unit"] = user.unit.name if user.unit else None
    return out


# --- passwords -------------------------------------------------------------------------------


def check_password_policy(password: str, username: str = "") -> None:
    """At least 10 characters from at least three of: lower, upper, digit, symbol; not the name;
    not one character repeated or a plain run like 1234567890."""
    classes = sum(
        bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]")
    )
    if len(password) < MIN_PASSWORD_LENGTH or classes < 3:
        raise AccountError(
            f"密码至少 {MIN_PASSWORD_LENGTH} 位，且须包含小写字母、大写字母、数字、符号中的至少三类"
        )
    if len(password) > 256:
        raise AccountError("密码不能超过 256 位")
    if username and username.lower() in password.lower():
        raise AccountError("密码不能包含用户名")
    if len(set(password)) < 5:
        raise AccountError("密码过于简单：不同字符太少")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _set_password(session: Session, user: UserAccount, new: str, now: datetime) -> None:
    check_password_policy(new, user.username)
    if _matches(user.password_hash, new):
        raise AccountError("新密码不能与当前密码相同")
    user.password_hash = hash_password(new)
    user.password_changed_at = now


def change_password(
    session: Session, user: UserAccount, old: str, new: str, *, ip: str | None = None,
    keep_session_id: int | None = None, now: datetime | None = None,
) -> None:  # fmt: skip
    """A user changes their own password, proving the old one; their other sessions end."""
    now = now or utcnow()
    if not _matches(user.password_hash, old):
        audit.record(session, "password.change_fail", user=user, ip=ip, entity_type="user", entity_id=user.id)
        raise AccountError("当前密码不正确")
    _set_password(session, user, new, now)
    ended = end_user_sessions(session, user, now=now, except_id=keep_session_id)
    audit.record(session, "password.change", user=user, ip=ip, entity_type="user", entity_id=user.id,
                 after={"password_changed_at": now.isoformat(), "other_sessions_ended": ended})  # fmt: skip


def reset_password(
    session: Session, actor: UserAccount | None, user_id: int, new: str, *, ip: str | None = None,
    now: datetime | None = None,
) -> UserAccount:  # fmt: skip
    """An admin sets someone's password (e.g. forgotten); it also unlocks the account and ends
    the user's sessions."""
    _require_admin(actor)
    now = now or utcnow()
    user = get_user(session, user_id)
    before = user_snapshot(user)
    _set_password(session, user, new, now)
    user.failed_logins = 0
    user.locked_until = None
    end_user_sessions(session, user, now=now)
    audit.record(session, "user.reset_password", user=actor, username=_actor_name(actor), ip=ip,
                 entity_type="user", entity_id=user.id, before=before,
                 after=user_snapshot(user) | {"password_changed_at": now.isoformat()})  # fmt: skip
    return user


# --- users -----------------------------------------------------------------------------------


def get_user(session: Session, user_id: int) -> UserAccount:
    user = session.get(UserAccount, user_id)
    if user is None or user.deleted_at is not None:
        raise NotFound(f"用户 {user_id} 不存在")
    return user


def find_user(session: Session, username: str) -> UserAccount:
    user = session.scalar(
        select(UserAccount).where(UserAccount.username == username, UserAccount.deleted_at.is_(None))
    )
    if user is None:
        raise NotFound(f"用户 {username!r} 不存在")
    return user


def list_users(session: Session, actor: UserAccount | None = None) -> Sequence[UserAccount]:
    _require_admin(actor)
    return session.scalars(
        select(UserAccount).where(UserAccount.deleted_at.is_(None)).order_by(UserAccount.username)
    ).all()


def unit_choices(session: Session) -> Sequence[Department]:
    """Departments and districts a unit user can be attached to (the dictionary's bodies)."""
    return session.scalars(
        select(Department).where(Department.kind != UNKNOWN_KIND).order_by(Department.kind, Department.name)
    ).all()


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    unit: str | None = None,
    *,
    display_name: str = "",
    actor: UserAccount | None = None,
    ip: str | None = None,
) -> UserAccount:
    """Create an account. Department and district users must name their unit."""
    _require_admin(actor)
    if not re.fullmatch(r"[A-Za-z0-9_.\-\u4e00-\u9fff]{2,64}", username or ""):
        raise AccountError(f"用户名 {username!r}：2–64 个字母、数字、_ . - 或汉字")
    if role not in ROLES:
        raise AccountError(f"角色 {role!r} 无效，可选：{', '.join(ROLES)}")
    if session.scalar(select(UserAccount).where(UserAccount.username == username)):
        raise AccountError(f"用户名 {username!r} 已被使用（含已删除的账户）")
    check_password_policy(password, username)
    unit_row = None
    if role in UNIT_ROLES:
        if not unit:
            raise AccountError(f"角色 {role} 必须指定所属单位（--unit，规范单位名称）")
        unit_row = find_department(session, unit)
        if unit_row is None:
            raise AccountError(f"单位 {unit!r} 不在部门名录中（见 `luoshi departments`）")
    user = UserAccount(
        username=username,
        display_name=(display_name or username)[:128],
        password_hash=hash_password(password),
        role=role,
        unit_id=unit_row.id if unit_row else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session, "user.create", user=actor, username=_actor_name(actor), ip=ip, entity_type="user",
        entity_id=user.id,
        after={"username": username, "role": role, "unit": unit_row.name if unit_row else None,
               "display_name": user.display_name},
    )  # fmt: skip
    return user


_NOW = object()  # "set this column to the time of the change"


def _change_user(
    session: Session, actor: UserAccount | None, user_id: int, action: str, ip: str | None,
    now: datetime | None, **changes: Any,
) -> UserAccount:  # fmt: skip
    _require_admin(actor)
    now = now or utcnow()
    user = get_user(session, user_id)
    if actor is not None and user.id == actor.id and action in ("user.disable", "user.delete"):
        raise AccountError("不能停用或删除自己的账户")
    before = user_snapshot(user)
    for name, value in changes.items():
        setattr(user, name, now if value is _NOW else value)
    if not user.active or user.deleted_at is not None:
        end_user_sessions(session, user, now=now)
        for token in user_tokens(session, user):
            if token.revoked_at is None:
                token.revoked_at = now
    session.flush()
    audit.record(session, action, user=actor, username=_actor_name(actor), ip=ip, entity_type="user",
                 entity_id=user.id, before=before, after=user_snapshot(user))  # fmt: skip
    return user


def set_active(
    session: Session, actor: UserAccount | None, user_id: int, active: bool, *, ip: str | None = None,
    now: datetime | None = None,
) -> UserAccount:  # fmt: skip
    """Disable (sessions end, tokens are revoked) or enable an account."""
    return _change_user(session, actor, user_id, "user.enable" if active else "user.disable", ip, now,
                        active=active)  # fmt: skip


def unlock(
    session: Session, actor: UserAccount | None, user_id: int, *, ip: str | None = None,
    now: datetime | None = None,
) -> UserAccount:  # fmt: skip
    return _change_user(session, actor, user_id, "user.unlock", ip, now, locked_until=None, failed_logins=0)


def delete_user(
    session: Session, actor: UserAccount | None, user_id: int, *, ip: str | None = None,
    now: datetime | None = None,
) -> UserAccount:  # fmt: skip
    """Soft delete: the row stays (its history points at it), it can no longer sign in."""
    return _change_user(session, actor, user_id, "user.delete", ip, now, deleted_at=_NOW, active=False)


# --- signing in ------------------------------------------------------------------------------


def authenticate(
    session: Session, username: str, password: str, ip: str | None = None, *, now: datetime | None = None
) -> UserAccount:
    """Check a password; count failures and lock the account after too many."""
    now = now or utcnow()
    user = session.scalar(
        select(UserAccount).where(UserAccount.username == username, UserAccount.deleted_at.is_(None))
    )
    ok = _matches(user.password_hash if user else _DUMMY_HASH, password) and user is not None
    if user is not None and user.locked_until is not None and user.locked_until > now:
        audit.record(session, "login.locked", username=username, ip=ip, entity_type="user",
                     entity_id=user.id, after={"locked_until": user.locked_until.isoformat()}, at=now)  # fmt: skip
        raise LoginFailed()
    if not ok or user is None or not user.active:
        reason = "no such user" if user is None else ("disabled" if ok else "wrong password")
        if user is not None and not ok:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                before = {"locked_until": None, "failed_logins": user.failed_logins}
                user.locked_until = now + LOCKOUT
                user.failed_logins = 0
                audit.record(session, "user.lock", username=username, ip=ip, entity_type="user",
                             entity_id=user.id, before=before,
                             after={"locked_until": user.locked_until.isoformat(), "failed_logins": 0},
                             at=now)  # fmt: skip
        audit.record(session, "login.fail", username=username, ip=ip, at=now,
                     entity_type="user" if user else None, entity_id=user.id if user else None,
                     after={"reason": reason})  # fmt: skip
        raise LoginFailed()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(session, "login.ok", user=user, ip=ip, entity_type="user", entity_id=user.id, at=now)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie; only its hash is stored
    csrf_token: str
    row: WebSession


def start_session(
    session: Session, user: UserAccount, ip: str | None = None, user_agent: str | None = None,
    *, now: datetime | None = None,
) -> NewSession:  # fmt: skip
    """A fresh session (new token, new CSRF token): never reuse one from before sign-in."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=_token_hash(token),
        csrf_token=secrets.token_urlsafe(32),
        user_id=user.id,
        ip=ip,
        user_agent=(user_agent or "")[:500],
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    session.flush()
    return NewSession(token, row.csrf_token, row)


# one query, built once (every request runs it): the session, its user and the user's unit
# (the page header shows the unit)
_SESSION_QUERY = (
    select(WebSession)
    .where(WebSession.token_hash == bindparam("token_hash"), WebSession.ended_at.is_(None))
    .options(joinedload(WebSession.user).joinedload(UserAccount.unit))
)


def session_user(
    session: Session, token: str, now: datetime | None = None, *, idle: timedelta = IDLE_TIMEOUT,
    absolute: timedelta = ABSOLUTE_TIMEOUT,
) -> WebSession | None:  # fmt: skip
    """The live session for a cookie token; ends it when idle or too old."""
    now = now or utcnow()
    row = session.scalar(_SESSION_QUERY, {"token_hash": _token_hash(token)})
    if row is None:
        return None
    user = row.user
    reason = None
    if now - row.last_seen_at > idle:
        reason = "idle"
    elif now - row.created_at > absolute:
        reason = "absolute"
    elif not user.active or user.deleted_at is not None:
        reason = "account disabled"
    if reason is not None:
        row.ended_at = now
        audit.record(session, "session.expire", user=user, ip=row.ip, entity_type="web_session",
                     entity_id=row.id, after={"reason": reason, "last_seen_at": row.last_seen_at.isoformat()},
                     at=now)  # fmt: skip
        return None
    # Writing on every request would serialize all readers on SQLite; a minute's precision
    # is plenty for a 30-minute idle limit.
    if now - row.last_seen_at >= SEEN_PRECISION:
        row.last_seen_at = now
    return row


def end_session(session: Session, token: str, ip: str | None = None, *, now: datetime | None = None) -> bool:
    """Sign out: the session ends on the server, so the cookie is worthless even if kept."""
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _token_hash(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = now or utcnow()
        audit.record(session, "logout", user=row.user, ip=ip, entity_type="web_session", entity_id=row.id,
                     at=row.ended_at)  # fmt: skip
        return True
    return False


def end_user_sessions(
    session: Session, user: UserAccount, *, now: datetime | None = None, except_id: int | None = None
) -> int:
    """End every live session of ``user`` (but ``except_id``); returns how many."""
    query = select(WebSession).where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
    if except_id is not None:
        query = query.where(WebSession.id != except_id)
    rows = session.scalars(query).all()
    for row in rows:
        row.ended_at = now or utcnow()
    return len(rows)


# --- API tokens ------------------------------------------------------------------------------


def create_token(
    session: Session, user: UserAccount, name: str, ip: str | None = None, *, actor: UserAccount | None = None
) -> str:
    """A new bearer token for scripts; returned once, stored as a hash. ``actor`` defaults to
    ``user``; pass ``None`` via the command line helper :func:`create_token_cli`."""
    actor = actor or user
    if actor.id != user.id:
        _require_admin(actor)
    name = name.strip()[:128] or "token"
    token = "ls_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token))
    session.add(row)
    session.flush()
    audit.record(session, "token.create", user=actor, ip=ip, entity_type="api_token", entity_id=row.id,
                 after={"name": row.name, "user": user.username})  # fmt: skip
    return token


def create_token_cli(session: Session, username: str, name: str) -> str:
    """``luoshi token create``: a token for ``username``, recorded as made from the command line."""
    user = find_user(session, username)
    token = "ls_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name.strip()[:128] or "token", token_hash=_token_hash(token))
    session.add(row)
    session.flush()
    audit.record(session, "token.create", username=audit.CLI_ACTOR, entity_type="api_token",
                 entity_id=row.id, after={"name": row.name, "user": user.username})  # fmt: skip
    return token


def user_tokens(session: Session, user: UserAccount) -> Sequence[ApiToken]:
    return session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()


def revoke_token(
    session: Session, actor: UserAccount, token_id: int, *, ip: str | None = None, now: datetime | None = None
) -> ApiToken:
    """Revoke one of your own tokens (an admin may revoke anyone's)."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"令牌 {token_id} 不存在")
    if row.user_id != actor.id and actor.role != "admin":
        raise Forbidden("不能撤销他人的令牌")
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
        audit.record(session, "token.revoke", user=actor, ip=ip, entity_type="api_token", entity_id=row.id,
                     before={"revoked_at": None}, after={"revoked_at": row.revoked_at.isoformat(),
                                                         "name": row.name})  # fmt: skip
    return row


def token_user(session: Session, token: str, *, now: datetime | None = None) -> UserAccount | None:
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user).joinedload(UserAccount.unit))
    )
    if row is None or not row.user.active or row.user.deleted_at is not None:
        return None
    row.last_used_at = now or utcnow()
    return row.user


# --- settings an admin switches ----------------------------------------------------------------

DIGEST_KEY = "digest"
DIGEST_DEFAULT: dict[str, Any] = {"enabled": False, "folder": ""}


def get_setting(session: Session, key: str, default: dict[str, Any] | None = None) -> dict[str, Any]:
    row = session.scalar(select(AppSetting).where(AppSetting.key == key))
    return dict(row.value) if row is not None else dict(default or {})


def set_digest(
    session: Session, actor: UserAccount | None, enabled: bool, folder: str, *, ip: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Switch the daily digest (written by the digest producer into ``folder``) on or off."""
    _require_admin(actor)
    folder = folder.strip()
    if enabled and not folder:
        raise AccountError("启用每日摘要时须填写输出目录")
    if folder and (not os.path.isabs(folder) or ".." in folder.replace("\\", "/").split("/")):
        raise AccountError("输出目录须为绝对路径，且不含 ..")
    value = {"enabled": bool(enabled), "folder": folder}
    row = session.scalar(select(AppSetting).where(AppSetting.key == DIGEST_KEY))
    before = dict(row.value) if row is not None else None
    if row is None:
        row = AppSetting(key=DIGEST_KEY, value=value)
        session.add(row)
    row.value = value
    row.updated_by_id = actor.id if actor else None
    row.updated_at = now or utcnow()
    session.flush()
    audit.record(session, "setting.change", user=actor, username=_actor_name(actor), ip=ip,
                 entity_type="app_setting", entity_id=DIGEST_KEY, before=before, after=value)  # fmt: skip
    return value
