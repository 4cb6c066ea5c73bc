"""The admin pages (等保 8.1.4.2 account management, 8.1.4.3 audit): create users with a unit
chosen from the departments, disable / enable / unlock / reset / delete, the audit log with
filters and paging, the daily digest switch — every change audited with before → after."""

from __future__ import annotations

import contextlib
import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from luoshi.registry.db import make_engine, session_scope
from luoshi.registry.models import utcnow
from luoshi.registry.tracking import AuditEntry, UserAccount
from luoshi.services import accounts
from tests.web.conftest import Account, login

UNIT = "市住房和城乡建设局"


def _user(url: str, name: str) -> UserAccount | None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        row = session.scalar(select(UserAccount).where(UserAccount.username == name))
    engine.dispose()
    return row


def _entries(url: str, entity_id: int) -> dict[str, AuditEntry]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "user",
                                                        AuditEntry.entity_id == str(entity_id))).all()  # fmt: skip
    engine.dispose()
    return {r.action: r for r in rows}


def test_admin_manages_an_account_through_its_life(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    admin = make_user("admin")
    csrf = login(app_client, admin)
    page = app_client.get("/admin")
    assert page.status_code == 200 and f'<option value="{UNIT}"' in page.text and admin.username in page.text
    name = f"new_{uuid.uuid4().hex[:6]}"
    form = {"csrf_token": csrf, "username": name, "password": "First-Passw0rd!", "role": "department", "unit": ""}
    r = app_client.post("/admin/users", data=form)
    assert r.status_code == 400 and "必须指定所属单位" in r.text
    r = app_client.post("/admin/users", data=form | {"unit": UNIT, "display_name": "王五"}, follow_redirects=False)
    assert r.status_code == 303
    created = _user(seeded_url, name)
    assert created is not None and created.role == "department" and created.unit_id is not None
    uid = created.id
    person = TestClient(app_client.app)
    login(person, Account(name, "First-Passw0rd!", "department", UNIT))

    for action in ("disable", "enable", "unlock"):
        assert app_client.post(f"/admin/users/{uid}/{action}", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert person.get("/api/me").status_code == 401  # disabling ended the person's session
    r = app_client.post(f"/admin/users/{uid}/reset-password", data={"csrf_token": csrf, "password": "weak"})
    assert r.status_code == 400 and "密码" in r.text
    r = app_client.post(f"/admin/users/{uid}/reset-password", data={"csrf_token": csrf, "password": "Second-Passw0rd!"},
                        follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    login(TestClient(app_client.app), Account(name, "Second-Passw0rd!", "department", UNIT))
    assert app_client.post(f"/admin/users/{uid}/delete", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert name not in app_client.get("/admin").text
    gone = _user(seeded_url, name)
    assert gone is not None and gone.deleted_at is not None  # soft delete: the row stays

    entries = _entries(seeded_url, uid)
    assert {"user.create", "user.disable", "user.enable", "user.unlock", "user.reset_password", "user.delete"} <= set(entries)
    disable = entries["user.disable"]
    assert disable.username == admin.username and disable.ip == "testclient"
    assert disable.before is not None and disable.after is not None
    assert (disable.before["active"], disable.after["active"]) == (True, False)
    assert "password_hash" not in (entries["user.reset_password"].after or {})


def test_an_admin_cannot_disable_themselves(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    admin = make_user("admin")
    csrf = login(app_client, admin)
    me = _user(seeded_url, admin.username)
    assert me is not None
    r = app_client.post(f"/admin/users/{me.id}/disable", data={"csrf_token": csrf})
    assert r.status_code == 400 and "不能停用" in r.text


def test_locked_users_show_and_can_be_unlocked(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    admin, victim = make_user("admin"), make_user("viewer")
    engine = make_engine(seeded_url)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with session_scope(engine) as session, contextlib.suppress(accounts.LoginFailed):
            accounts.authenticate(session, victim.username, "wrong")  # the failure count is kept
    engine.dispose()
    csrf = login(app_client, admin)
    assert "已锁定至" in app_client.get("/admin").text
    row = _user(seeded_url, victim.username)
    assert row is not None and row.locked_until is not None and row.locked_until > utcnow() + timedelta(minutes=14)
    assert app_client.post(f"/admin/users/{row.id}/unlock", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    login(TestClient(app_client.app), victim)
    unlock = _entries(seeded_url, row.id)["user.unlock"]
    assert unlock.before and unlock.after and unlock.before["locked_until"] and unlock.after["locked_until"] is None


def test_audit_log_page_filters_pages_and_verifies(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    admin = make_user("admin")
    victim = make_user("viewer")
    for _ in range(3):
        app_client.post("/login", data={"username": victim.username, "password": "nope"})
    login(app_client, admin)
    r = app_client.get("/admin/audit", params={"action": "login.fail", "username": victim.username})
    assert r.status_code == 200 and r.text.count("<td>login.fail</td>") == 3 and "共 3 条" in r.text
    r = app_client.get("/admin/audit", params={"action": "login", "username": victim.username})
    assert "共 3 条" in r.text
    r = app_client.get("/admin/audit", params={"page": 2})
    assert r.status_code == 200 and "第 2 /" in r.text
    today = utcnow().date().isoformat()
    r = app_client.get("/admin/audit", params={"since": today, "until": today, "username": admin.username})
    assert "<td>login.ok</td>" in r.text
    assert app_client.get("/admin/audit", params={"since": "yesterday"}).status_code == 400
    r = app_client.get("/admin/audit", params={"verify": "1"})
    assert "哈希链完整" in r.text


def test_digest_switch(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    csrf = login(app_client, make_user("admin"))
    r = app_client.post("/admin/settings/digest", data={"csrf_token": csrf, "enabled": "1", "folder": ""})
    assert r.status_code == 400 and "输出目录" in r.text
    r = app_client.post("/admin/settings/digest", data={"csrf_token": csrf, "enabled": "1", "folder": "/srv/digest"},
                        follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    engine = make_engine(seeded_url)
    with session_scope(engine) as session:
        assert accounts.get_setting(session, "digest") == {"enabled": True, "folder": "/srv/digest"}
    r = app_client.post("/admin/settings/digest", data={"csrf_token": csrf, "folder": "/srv/digest"}, follow_redirects=False)
    with session_scope(engine) as session:
        assert accounts.get_setting(session, "digest")["enabled"] is False
    engine.dispose()
    assert 'name="enabled" value="1" style="width:auto" >' in app_client.get("/admin").text
