"""CSRF (等保 8.1.4.2 / 8.1.4.5 intrusion prevention): EVERY unsafe route of the app — found by
walking ``app.routes``, so routes added later are covered — refuses a request made with the
session cookie but without the session's CSRF token, or with a forged one; and a refused
request changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from starlette.routing import Route

from luoshi.registry.db import make_engine, session_scope
from luoshi.registry.tracking import AppSetting, AuditEntry, UserAccount
from luoshi.web.app import create_app
from tests.web.conftest import login

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every endpoint, through included routers (FastAPI ≥ 0.165 keeps them
    as wrappers holding ``original_router``; older versions flatten them into ``app.routes``)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(list(inner.routes), prefix + str(getattr(context, "prefix", "") or ""))
        elif isinstance(route, APIRoute | Route):
            for method in route.methods or set():
                yield method, prefix + route.path


def unsafe_routes() -> list[tuple[str, str]]:
    app = create_app()
    try:
        return sorted({(m, p) for m, p in _walk(list(app.routes)) if m in UNSAFE})
    finally:
        app.state.engine.dispose()


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _audit_count(url: str) -> int:
    engine = make_engine(url)
    with session_scope(engine) as session:
        n = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    engine.dispose()
    return n


def test_the_app_has_unsafe_routes_to_check() -> None:
    paths = {p for _, p in unsafe_routes()}
    assert {"/login", "/logout", "/account/password", "/account/tokens", "/admin/users"} <= paths


@pytest.mark.parametrize("forged", [None, "", "forged-token"], ids=["missing", "empty", "forged"])
def test_every_unsafe_route_refuses_a_missing_or_forged_token(app_client: TestClient, make_user, seeded_url: str, forged: str | None) -> None:  # type: ignore[no-untyped-def]
    real = login(app_client, make_user("admin"))
    checked = 0
    for method, path in unsafe_routes():
        if path == "/login":
            continue  # no session yet: covered by the Origin test below
        data = {} if forged is None else {"csrf_token": forged}
        before = _audit_count(seeded_url)
        r = app_client.request(method, _concrete(path), data=data, follow_redirects=False)
        assert r.status_code == 403, f"{method} {path}: {r.status_code} without a valid CSRF token"
        assert "CSRF" in r.text
        # the same with the token in the header instead of the form
        headers = {} if forged is None else {"X-CSRF-Token": forged}
        r = app_client.request(method, _concrete(path), headers=headers, follow_redirects=False)
        assert r.status_code == 403, f"{method} {path} (header)"
        assert _audit_count(seeded_url) == before, f"{method} {path} changed something"
        checked += 1
    assert checked >= 4
    # the real token still works afterwards (nothing above ended the session)
    assert app_client.get("/api/me").status_code == 200 and real


def test_a_forged_token_changes_nothing_in_the_database(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    admin = make_user("admin")
    victim = make_user("viewer")
    login(app_client, admin)
    engine = make_engine(seeded_url)
    with session_scope(engine) as session:
        victim_row = session.scalar(select(UserAccount).where(UserAccount.username == victim.username))
        assert victim_row is not None
        victim_id, victim_hash = victim_row.id, victim_row.password_hash
        settings_before = session.scalar(select(func.count()).select_from(AppSetting))
    forged = {"csrf_token": "forged"}
    attempts = [
        ("/admin/users", forged | {"username": "planted_admin", "password": "Planted-Passw0rd!", "role": "admin"}),
        (f"/admin/users/{victim_id}/disable", forged),
        (f"/admin/users/{victim_id}/reset-password", forged | {"password": "Planted-Passw0rd!"}),
        ("/admin/settings/digest", forged | {"enabled": "1", "folder": "/tmp/planted"}),
        ("/account/tokens", forged | {"name": "planted"}),
    ]
    for path, data in attempts:
        r = app_client.post(path, data=data, follow_redirects=False)
        assert r.status_code == 403 and "CSRF" in r.text, path
    with session_scope(engine) as session:
        assert session.scalar(select(UserAccount).where(UserAccount.username == "planted_admin")) is None
        row = session.get(UserAccount, victim_id)
        assert row is not None and row.active and row.password_hash == victim_hash
        assert session.scalar(select(func.count()).select_from(AppSetting)) == settings_before
    engine.dispose()


def test_cross_site_requests_are_refused_by_origin(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user("viewer")
    evil = {"Origin": "https://evil.example"}
    # login CSRF: a foreign site cannot sign the browser in as someone else
    r = app_client.post("/login", data={"username": account.username, "password": account.password},
                        headers=evil, follow_redirects=False)  # fmt: skip
    assert r.status_code == 403
    r = app_client.post("/login", data={"username": account.username, "password": account.password},
                        headers={"Origin": "http://testserver"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    token = app_client.get("/account").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    # even with the right token, a foreign Origin or Referer is refused
    for headers in (evil, {"Referer": "https://evil.example/page"}, {"Origin": "null"}):
        r = app_client.post("/logout", data={"csrf_token": token}, headers=headers, follow_redirects=False)
        assert r.status_code == 403, headers
    assert app_client.get("/api/me").status_code == 200


def test_bearer_requests_need_no_csrf_token_but_a_valid_token(app_client: TestClient) -> None:
    r = app_client.post("/account/tokens", data={"name": "x"}, headers={"Authorization": "Bearer forged"},
                        follow_redirects=False)  # fmt: skip
    assert r.status_code in (401, 303)  # not signed in: no change either way
