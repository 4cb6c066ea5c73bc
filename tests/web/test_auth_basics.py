from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of, login


def test_pages_need_sign_in_and_api_answers_401(app_client: TestClient) -> None:
    r = app_client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = app_client.get("/api/whoami-does-not-exist", headers={"accept": "application/json"})
    assert r.status_code in (401, 404)


def test_login_sets_a_strict_httponly_cookie_and_logout_needs_csrf(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user("office")
    r = app_client.post("/login", data={"username": account.username, "password": account.password}, follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    token = csrf_of(app_client.get("/").text)
    assert app_client.post("/logout").status_code == 403  # forged: no token
    assert app_client.post("/logout", data={"csrf_token": "x" + token}).status_code == 403
    r = app_client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert app_client.get("/", follow_redirects=False).status_code == 303  # signed out


def test_wrong_password_is_refused(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user("viewer")
    r = app_client.post("/login", data={"username": account.username, "password": "nope"})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    login(app_client, account)
