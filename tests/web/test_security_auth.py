"""Identification and authentication over HTTP (等保 8.1.4.1): lock-out, idle and absolute
timeouts (time moved through ``app.state.clock``), cookie flags, session rotation, server-side
logout, bearer tokens — on SQLite and PostgreSQL (the fixtures parametrize)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from luoshi.registry.db import make_engine, session_scope
from luoshi.registry.models import utcnow
from luoshi.registry.tracking import AuditEntry, UserAccount, WebSession
from luoshi.services import accounts
from luoshi.web.deps import SESSION_COOKIE
from tests.web.conftest import Account, csrf_of, login


def _audit(url: str, username: str) -> list[AuditEntry]:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return list(session.scalars(select(AuditEntry).where(AuditEntry.username == username).order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def _set_clock(client: TestClient, at: Callable[[], datetime]) -> None:
    client.app.state.clock = at  # type: ignore[attr-defined]


def _post_login(client: TestClient, account: Account, password: str | None = None) -> int:
    r = client.post("/login", data={"username": account.username, "password": password or account.password},
                    follow_redirects=False)  # fmt: skip
    return r.status_code


def test_lockout_after_five_failures_lifts_after_fifteen_minutes(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    account = make_user("office")
    t0 = utcnow()
    _set_clock(app_client, lambda: t0)
    for _ in range(5):
        assert _post_login(app_client, account, "Wrong-Passw0rd!") == 401
    r = app_client.post("/login", data={"username": account.username, "password": account.password})
    assert r.status_code == 401 and "锁定" in r.text  # same message as a wrong password
    _set_clock(app_client, lambda: t0 + timedelta(minutes=14))
    assert _post_login(app_client, account) == 401
    _set_clock(app_client, lambda: t0 + timedelta(minutes=16))
    assert _post_login(app_client, account) == 303
    actions = [e.action for e in _audit(seeded_url, account.username)]
    assert actions.count("login.fail") == 5 and actions.count("login.locked") == 2
    assert "user.lock" in actions and actions[-1] == "login.ok"
    assert all(e.ip == "testclient" for e in _audit(seeded_url, account.username) if e.action.startswith("login"))


def test_idle_session_expires_after_thirty_minutes(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    account = make_user("viewer")
    t0 = utcnow()
    _set_clock(app_client, lambda: t0)
    login(app_client, account)
    _set_clock(app_client, lambda: t0 + timedelta(minutes=29))
    assert app_client.get("/", follow_redirects=False).status_code == 200  # activity resets the clock
    _set_clock(app_client, lambda: t0 + timedelta(minutes=29 + 31))
    r = app_client.get("/tasks", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # the session is over on the server: going back in time does not revive it
    _set_clock(app_client, lambda: t0 + timedelta(minutes=30))
    assert app_client.get("/", follow_redirects=False).status_code == 303
    expiry = [e for e in _audit(seeded_url, account.username) if e.action == "session.expire"]
    assert len(expiry) == 1 and expiry[0].after == {**(expiry[0].after or {}), "reason": "idle"}


def test_absolute_timeout_ends_even_a_busy_session(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user("viewer")
    t0 = utcnow()
    _set_clock(app_client, lambda: t0)
    login(app_client, account)
    t = t0
    for _ in range(int(accounts.ABSOLUTE_TIMEOUT / timedelta(minutes=25))):
        t += timedelta(minutes=25)
        now = t
        _set_clock(app_client, lambda now=now: now)  # type: ignore[misc]
        assert app_client.get("/api/me").status_code == 200
    _set_clock(app_client, lambda: t0 + accounts.ABSOLUTE_TIMEOUT + timedelta(minutes=1))
    assert app_client.get("/api/me").status_code == 401


def test_expired_session_redirects_pages_and_answers_401_json_for_the_api(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user("office")
    t0 = utcnow()
    _set_clock(app_client, lambda: t0)
    login(app_client, account)
    assert app_client.get("/api/me").json()["username"] == account.username
    _set_clock(app_client, lambda: t0 + timedelta(hours=1))
    r = app_client.get("/api/me")
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/json")
    assert r.json()["error"] == "请先登录"
    r = app_client.get("/account", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/account"


def test_cookie_is_httponly_samesite_strict_and_holds_no_user_data(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user("office")
    r = app_client.post("/login", data={"username": account.username, "password": account.password}, follow_redirects=False)
    cookie = r.headers["set-cookie"]
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "path=/" in lowered
    assert account.username not in cookie and "secure" not in lowered  # settings.cookie_secure is off in tests


def test_secure_flag_follows_the_setting(settings, make_user) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from luoshi.web.app import create_app

    app = create_app(replace(settings, cookie_secure=True))
    account = make_user("office")
    with TestClient(app, base_url="https://testserver") as client:
        r = client.post("/login", data={"username": account.username, "password": account.password}, follow_redirects=False)
        assert "secure" in r.headers["set-cookie"].lower()
    app.state.engine.dispose()


def test_login_rotates_the_session(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    first, second = make_user("viewer"), make_user("office")
    login(app_client, first)
    old = app_client.cookies.get(SESSION_COOKIE)
    old_csrf = csrf_of(app_client.get("/").text)
    login(app_client, second)
    new = app_client.cookies.get(SESSION_COOKIE)
    assert old and new and old != new
    assert csrf_of(app_client.get("/").text) != old_csrf
    # the old cookie is dead on the server
    stale = TestClient(app_client.app, cookies={SESSION_COOKIE: old})
    assert stale.get("/api/me").status_code == 401
    assert "logout" in [e.action for e in _audit(seeded_url, first.username)]


def test_logout_ends_the_session_on_the_server(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    account = make_user("office")
    token = login(app_client, account)
    cookie = app_client.cookies.get(SESSION_COOKIE)
    assert app_client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = TestClient(app_client.app, cookies={SESSION_COOKIE: cookie or ""})
    assert replay.get("/api/me").status_code == 401  # a copied cookie is worthless after logout
    engine = make_engine(seeded_url)
    with session_scope(engine) as session:
        user = session.scalar(select(UserAccount).where(UserAccount.username == account.username))
        assert user is not None
        rows = session.scalars(select(WebSession).where(WebSession.user_id == user.id)).all()
        assert rows and all(r.ended_at is not None for r in rows)
    engine.dispose()


def test_bearer_tokens_work_for_the_api_until_revoked(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user("department", "市住房和城乡建设局")
    csrf = login(app_client, account)
    r = app_client.post("/account/tokens", data={"csrf_token": csrf, "name": "nightly"})
    assert r.status_code == 200 and "只显示这一次" in r.text
    token = r.text.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert token.startswith("ls_")
    assert token not in app_client.get("/account").text  # shown once
    api = TestClient(app_client.app)
    me = api.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["unit"] == "市住房和城乡建设局"
    for bad in ("ls_forged", "", token + "x"):
        r = api.get("/api/me", headers={"Authorization": f"Bearer {bad}"})
        assert r.status_code == 401 and r.json()["error"] == "请先登录"
    token_id = int(app_client.get("/account").text.split("/account/tokens/", 1)[1].split("/", 1)[0])
    assert app_client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    r = api.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/json")
    assert "已撤销" in app_client.get("/account").text


def test_change_password_on_the_account_page(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user("viewer")
    csrf = login(app_client, account)
    form = {"csrf_token": csrf, "old_password": "Wrong-Passw0rd!", "new_password": "New-Passw0rd#7",
            "confirm_password": "New-Passw0rd#7"}  # fmt: skip
    r = app_client.post("/account/password", data=form)
    assert r.status_code == 400 and "当前密码不正确" in r.text
    r = app_client.post("/account/password", data=form | {"old_password": account.password, "new_password": account.password,
                                                          "confirm_password": account.password})  # fmt: skip
    assert r.status_code == 400 and "不能与当前密码相同" in r.text
    r = app_client.post("/account/password", data=form | {"old_password": account.password, "confirm_password": "x"})
    assert r.status_code == 400 and "不一致" in r.text
    r = app_client.post("/account/password", data=form | {"old_password": account.password})
    assert r.status_code == 200 and "密码已修改" in r.text
    assert app_client.get("/api/me").status_code == 200  # this session goes on
    fresh = TestClient(app_client.app)
    assert _post_login(fresh, account) == 401
    assert _post_login(fresh, Account(account.username, "New-Passw0rd#7", "viewer", None)) == 303


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_site(app_client: TestClient, make_user, target: str) -> None:  # type: ignore[no-untyped-def]
    account = make_user("viewer")
    r = app_client.post("/login", data={"username": account.username, "password": account.password, "next": target},
                        follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/"
