from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import sign_in, sign_out


def test_sign_in_shows_the_dashboard_and_sign_out_ends_the_session(live_server: str, page: Page, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user("office")
    sign_in(page, live_server, account)
    assert page.locator("h1").first.inner_text() == "总览"
    assert account.username in page.locator("header .who").inner_text()
    sign_out(page)
    page.goto(live_server + "/")
    assert "/login" in page.url


def test_wrong_password_stays_on_the_login_page(live_server: str, page: Page, make_user) -> None:  # type: ignore[no-untyped-def]
    account = make_user("viewer")
    page.goto(live_server + "/login")
    page.fill("input[name=username]", account.username)
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text().startswith("用户名或密码错误")
