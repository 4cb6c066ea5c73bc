"""Accounts: users, passwords, sign-in with lock-out, browser sessions with idle timeout, tokens.

Controls follow GB/T 22239-2019 level 3 (等保2.0 三级) for identification and authentication:
unique user names, Argon2id password hashes, a complexity policy, lock-out after repeated
failures, idle-session timeout, and an audit entry for every sign-in and account change.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import LuoshiError
from luoshi.registry.departments import find_department
from luoshi.registry.models import utcnow
from luoshi.registry.tracking import ROLES, ApiToken, UserAccount, WebSession
from luoshi.services import audit

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
UNIT_ROLES = ("department", "district")

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# A constant hash to verify against when the user does not exist (same timing either way).
_DUMMY_HASH = _hasher.hash("luoshi-dummy-password-for-timing")


class AccountError(LuoshiError):
    """An account cannot be created or changed as asked."""


class LoginFailed(LuoshiError):
    """Wrong name or password, a locked or disabled account: one message for all."""

    def __init__(self) -> None:
        super().__init__("用户名或密码错误，或账户已被锁定")


def check_password_policy(password: str, username: str = "") -> None:
    """At least 10 characters from at least three of: lower, upper, digit, symbol; not the name."""
    classes = sum(
        bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]")
    )
    if len(password) < 10 or classes < 3:
        raise AccountError(
            "password: at least 10 characters, using at least three of lower case, "
            "upper case, digits and symbols"
        )
    if username and username.lower() in password.lower():
        raise AccountError("password: must not contain the user name")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


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
    if not re.fullmatch(r"[A-Za-z0-9_.\-\u4e00-\u9fff]{2,64}", username or ""):
        raise AccountError(f"username {username!r}: 2–64 letters, digits, _ . - or Chinese characters")
    if role not in ROLES:
        raise AccountError(f"role {role!r}: must be one of {', '.join(ROLES)}")
    if session.scalar(select(UserAccount).where(UserAccount.username == username)):
        raise AccountError(f"username {username!r} is taken")
    check_password_policy(password, username)
    unit_row = None
    if role in UNIT_ROLES:
        if not unit:
            raise AccountError(f"role {role}: --unit is required (the canonical unit name)")
        unit_row = find_department(session, unit)
        if unit_row is None:
            raise AccountError(f"unit {unit!r} is not a known department (see `luoshi departments`)")
    user = UserAccount(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        unit_id=unit_row.id if unit_row else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session, "user.create", user=actor, ip=ip, entity_type="user", entity_id=user.id,
        after={"username": username, "role": role, "unit": unit_row.name if unit_row else None},
    )  # fmt: skip
    return user


def authenticate(session: Session, username: str, password: str, ip: str | None = None) -> UserAccount:
    """Check a password; count failures and lock the account after too many."""
    now = utcnow()
    user = session.scalar(
        select(UserAccount).where(UserAccount.username == username, UserAccount.deleted_at.is_(None))
    )
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if user is not None and user.locked_until is not None and user.locked_until > now:
        audit.record(session, "login.locked", username=username, ip=ip, entity_type="user", entity_id=user.id)
        raise LoginFailed()
    if not ok or user is None or not user.active:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now + LOCKOUT
                user.failed_logins = 0
                audit.record(session, "user.lock", username=username, ip=ip, entity_type="user", entity_id=user.id)
        audit.record(session, "login.fail", username=username, ip=ip)
        raise LoginFailed()
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(session, "login.ok", user=user, ip=ip)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie; only its hash is stored
    csrf_token: str
    row: WebSession


def start_session(
    session: Session, user: UserAccount, ip: str | None = None, user_agent: str | None = None
) -> NewSession:
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=_token_hash(token),
        csrf_token=secrets.token_urlsafe(32),
        user_id=user.id,
        ip=ip,
        user_agent=(user_agent or "")[:500],
    )
    session.add(row)
    session.flush()
    return NewSession(token, row.csrf_token, row)


def session_user(session: Session, token: str, now: datetime | None = None) -> WebSession | None:
    """The live session for a cookie token; ends it when idle or too old."""
    now = now or utcnow()
    row = session.scalar(
        select(WebSession).where(WebSession.token_hash == _token_hash(token), WebSession.ended_at.is_(None))
    )
    if row is None:
        return None
    user = row.user
    if (
        now - row.last_seen_at > IDLE_TIMEOUT
        or now - row.created_at > ABSOLUTE_TIMEOUT
        or not user.active
        or user.deleted_at is not None
    ):
        row.ended_at = now
        audit.record(session, "session.expire", user=user, ip=row.ip)
        return None
    row.last_seen_at = now
    return row


def end_session(session: Session, token: str, ip: str | None = None) -> None:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == _token_hash(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        audit.record(session, "logout", user=row.user, ip=ip)


def create_token(session: Session, user: UserAccount, name: str, ip: str | None = None) -> str:
    """A new bearer token for scripts; returned once, stored as a hash."""
    token = "ls_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name[:128] or "token", token_hash=_token_hash(token))
    session.add(row)
    session.flush()
    audit.record(session, "token.create", user=user, ip=ip, entity_type="api_token", entity_id=row.id,
                 after={"name": row.name})  # fmt: skip
    return token


def token_user(session: Session, token: str) -> UserAccount | None:
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active or row.user.deleted_at is not None:
        return None
    row.last_used_at = utcnow()
    return row.user
