"""Browser tests: the real app served by uvicorn on loopback, driven by Playwright in Debian's
chromium (``/usr/bin/chromium``; override with LUOSHI_CHROMIUM). Playwright never downloads
a browser here."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import BACKENDS
from tests.web.conftest import Account, make_user, seeded_database  # noqa: F401  (shared fixtures)

CHROMIUM = os.environ.get("LUOSHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The browser tests' own register: the live server must never wait on a write lock
    some other test left behind in a shared one."""
    with seeded_database(request.param, tmp_path_factory.mktemp("browser")) as url:
        yield url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(seeded_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "uvicorn.log"
    env = {**os.environ, "LUOSHI_DATABASE_URL": seeded_url}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "luoshi.web.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            proc.terminate()
            raise RuntimeError(f"server did not start: {log.read_text()}")
        try:
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            text = log.read_text(errors="replace")
            if "Traceback" in text:  # show the server's errors next to the failing test
                sys.stderr.write(f"\n--- uvicorn log ({log}) ---\n{text[-5000:]}\n")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def sign_in(page: Page, base: str, account: Account) -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", account.username)
    page.fill("input[name=password]", account.password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def sign_out(page: Page) -> None:
    page.click("header form[action='/logout'] button")
    page.wait_for_url(lambda url: "/login" in url)
