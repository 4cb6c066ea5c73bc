"""Accounts: password policy, lock-out, session timeouts (time moved by hand), admin changes,
tokens, and the `luoshi user` / `luoshi token` commands — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from luoshi.cli import app
from luoshi.registry.db import make_engine, session_scope, upgrade
from luoshi.registry.departments import sync_departments
from luoshi.registry.models import utcnow
from luoshi.registry.tracking import AppSetting, AuditEntry, UserAccount, WebSession
from luoshi.services import accounts, audit
from luoshi.services.access import Forbidden

PASSWORD = "Test-Passw0rd!"
UNIT = "市住房和城乡建设局"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        sync_departments(session)
    yield engine
    engine.dispose()


def _user(engine: Engine, name: str = "zhang", role: str = "office", unit: str | None = None) -> int:
    with session_scope(engine) as session:
        return accounts.create_user(session, name, PASSWORD, role, unit).id


def _actions(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.mark.parametrize(
    "password",
    ["short-1A", "alllowercaseletters", "NoDigitsOrSymbolsHere", "zhang-Passw0rd!", "aaaaAAAA11!!"],
)
def test_password_policy_refuses_weak_passwords(password: str) -> None:
    with pytest.raises(accounts.AccountError):
        accounts.check_password_policy(password, "zhang")


def test_password_policy_accepts_a_good_one() -> None:
    accounts.check_password_policy("Kx7!pQ2-vLm9", "zhang")


def test_passwords_are_argon2id_and_never_stored_plain(engine: Engine) -> None:
    uid = _user(engine)
    with session_scope(engine) as session:
        stored = session.get(UserAccount, uid)
        assert stored is not None
        assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash


def test_lockout_after_five_failures_for_fifteen_minutes(engine: Engine) -> None:
    _user(engine)
    t0 = utcnow()
    for i in range(accounts.MAX_FAILED_LOGINS):
        with session_scope(engine) as session, pytest.raises(accounts.LoginFailed):
            accounts.authenticate(session, "zhang", "wrong", "10.0.0.9", now=t0 + timedelta(seconds=i))
    # locked: even the right password is refused, with the same message
    with session_scope(engine) as session, pytest.raises(accounts.LoginFailed):
        accounts.authenticate(session, "zhang", PASSWORD, now=t0 + timedelta(minutes=14))
    with session_scope(engine) as session:
        assert accounts.authenticate(session, "zhang", PASSWORD, now=t0 + timedelta(minutes=16)).username == "zhang"
    acts = _actions(engine)
    assert acts.count("login.fail") == 5 and "user.lock" in acts and "login.locked" in acts
    assert acts[-1] == "login.ok"
    with session_scope(engine) as session:
        lock = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.lock"))
        assert lock is not None and lock.ip == "10.0.0.9" and lock.after and lock.after["locked_until"]


def test_unknown_and_disabled_users_fail_like_a_wrong_password(engine: Engine) -> None:
    uid = _user(engine)
    with session_scope(engine) as session, pytest.raises(accounts.LoginFailed):
        accounts.authenticate(session, "nobody", PASSWORD)
    with session_scope(engine) as session:
        accounts.set_active(session, None, uid, False)
    with session_scope(engine) as session, pytest.raises(accounts.LoginFailed):
        accounts.authenticate(session, "zhang", PASSWORD)


def test_idle_and_absolute_session_timeouts(engine: Engine) -> None:
    uid = _user(engine)
    t0 = utcnow()
    with session_scope(engine) as session:
        user = session.get(UserAccount, uid)
        assert user is not None
        idle = accounts.start_session(session, user, now=t0).token
        busy = accounts.start_session(session, user, now=t0).token
    with session_scope(engine) as session:
        assert accounts.session_user(session, idle, t0 + timedelta(minutes=29)) is not None
        assert accounts.session_user(session, idle, t0 + timedelta(minutes=60)) is None  # 31 min idle
        assert accounts.session_user(session, idle, t0 + timedelta(minutes=61)) is None  # ended for good
    # a busy session (seen every 20 minutes) still ends after 12 hours
    with session_scope(engine) as session:
        t = t0
        while t < t0 + accounts.ABSOLUTE_TIMEOUT - timedelta(minutes=20):
            t += timedelta(minutes=20)
            assert accounts.session_user(session, busy, t) is not None
        assert accounts.session_user(session, busy, t0 + accounts.ABSOLUTE_TIMEOUT + timedelta(minutes=1)) is None
    with session_scope(engine) as session:
        reasons = [e.after["reason"] for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "session.expire").order_by(AuditEntry.id)) if e.after]  # fmt: skip
        assert reasons == ["idle", "absolute"]


def test_change_password_needs_the_old_one_refuses_reuse_and_ends_other_sessions(engine: Engine) -> None:
    uid = _user(engine)
    with session_scope(engine) as session:
        user = session.get(UserAccount, uid)
        assert user is not None
        here = accounts.start_session(session, user)
        elsewhere = accounts.start_session(session, user)
        with pytest.raises(accounts.AccountError, match="当前密码不正确"):
            accounts.change_password(session, user, "Wrong-Passw0rd!", "New-Passw0rd#2")
        with pytest.raises(accounts.AccountError, match="不能与当前密码相同"):
            accounts.change_password(session, user, PASSWORD, PASSWORD)
        with pytest.raises(accounts.AccountError):
            accounts.change_password(session, user, PASSWORD, "weak")
        accounts.change_password(session, user, PASSWORD, "New-Passw0rd#2", keep_session_id=here.row.id)
    with session_scope(engine) as session:
        assert accounts.session_user(session, here.token) is not None
        assert accounts.session_user(session, elsewhere.token) is None
        assert accounts.authenticate(session, "zhang", "New-Passw0rd#2").id == uid
    assert _actions(engine).count("password.change_fail") == 1  # the wrong old password is on record


def test_only_an_admin_changes_accounts_and_every_change_is_audited(engine: Engine) -> None:
    admin_id = _user(engine, "root", "admin")
    office_id = _user(engine, "office1", "office")
    target_id = _user(engine, "dept1", "department", UNIT)
    with session_scope(engine) as session:
        office = session.get(UserAccount, office_id)
        with pytest.raises(Forbidden):
            accounts.set_active(session, office, target_id, False)
        with pytest.raises(Forbidden):
            accounts.create_user(session, "x_user", PASSWORD, "viewer", actor=office)
        with pytest.raises(Forbidden):
            accounts.list_users(session, office)
    with session_scope(engine) as session:
        admin = session.get(UserAccount, admin_id)
        assert admin is not None
        with pytest.raises(accounts.AccountError):
            accounts.set_active(session, admin, admin_id, False)  # not yourself
        accounts.set_active(session, admin, target_id, False, ip="10.1.1.1")
        accounts.set_active(session, admin, target_id, True, ip="10.1.1.1")
        accounts.reset_password(session, admin, target_id, "Reset-Passw0rd#9", ip="10.1.1.1")
        accounts.unlock(session, admin, target_id)
        accounts.delete_user(session, admin, target_id)
    with session_scope(engine) as session:
        entries = {e.action: e for e in session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(target_id)))}
        disable = entries["user.disable"]
        assert disable.username == "root" and disable.ip == "10.1.1.1"
        assert disable.before and disable.after
        assert disable.before["active"] is True and disable.after["active"] is False
        assert disable.after["unit"] == UNIT
        assert {"user.create", "user.enable", "user.reset_password", "user.unlock", "user.delete"} <= set(entries)
        gone = session.get(UserAccount, target_id)
        assert gone is not None and gone.deleted_at is not None and not gone.active  # soft delete
        assert target_id not in [u.id for u in accounts.list_users(session)]
        assert audit.verify(session).ok


def test_unit_roles_need_a_known_unit(engine: Engine) -> None:
    with session_scope(engine) as session:
        with pytest.raises(accounts.AccountError):
            accounts.create_user(session, "d1", PASSWORD, "department")
        with pytest.raises(accounts.AccountError):
            accounts.create_user(session, "d2", PASSWORD, "department", "不存在的局")
        with pytest.raises(accounts.AccountError):
            accounts.create_user(session, "d3", PASSWORD, "superuser")


def test_tokens_are_hashed_revocable_and_die_with_the_account(engine: Engine) -> None:
    uid = _user(engine)
    other = _user(engine, "li", "office")
    with session_scope(engine) as session:
        user = session.get(UserAccount, uid)
        assert user is not None
        token = accounts.create_token(session, user, "nightly")
        second = accounts.create_token(session, user, "second")
    with session_scope(engine) as session:
        assert token.startswith("ls_")
        assert all(token not in t.token_hash for t in accounts.user_tokens(session, session.get(UserAccount, uid)))  # type: ignore[arg-type]
        found = accounts.token_user(session, token)
        assert found is not None and found.id == uid
        row = accounts.user_tokens(session, found)[0]
        with pytest.raises(Forbidden):
            accounts.revoke_token(session, session.get(UserAccount, other), row.id)  # type: ignore[arg-type]
        accounts.revoke_token(session, found, row.id)
    with session_scope(engine) as session:
        assert accounts.token_user(session, token) is None
        assert accounts.token_user(session, second) is not None
        accounts.set_active(session, None, uid, False)
    with session_scope(engine) as session:
        assert accounts.token_user(session, second) is None


def test_digest_switch_is_validated_and_audited(engine: Engine) -> None:
    admin_id = _user(engine, "root", "admin")
    with session_scope(engine) as session:
        admin = session.get(UserAccount, admin_id)
        with pytest.raises(accounts.AccountError):
            accounts.set_digest(session, admin, True, "")
        with pytest.raises(accounts.AccountError):
            accounts.set_digest(session, admin, True, "relative/dir")
        accounts.set_digest(session, admin, True, "/srv/luoshi/digest")
        accounts.set_digest(session, admin, False, "/srv/luoshi/digest")
    with session_scope(engine) as session:
        assert accounts.get_setting(session, "digest") == {"enabled": False, "folder": "/srv/luoshi/digest"}
        assert session.scalar(select(func.count()).select_from(AppSetting)) == 1
        last = session.scalars(select(AuditEntry).where(AuditEntry.action == "setting.change").order_by(AuditEntry.id)).all()[-1]
        assert last.before == {"enabled": True, "folder": "/srv/luoshi/digest"}
        assert last.after == {"enabled": False, "folder": "/srv/luoshi/digest"}


# --- the command line --------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def cli_db(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LUOSHI_DATABASE_URL", db_url)
    return db_url


def test_cli_user_add_list_disable_unlock_and_token_create(cli_db: str, engine: Engine) -> None:
    r = runner.invoke(app, ["user", "add", "wang", "--role", "department", "--unit", UNIT], input=PASSWORD + "\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "add", "weak", "--role", "viewer"], input="password\n")
    assert r.exit_code == 1 and "密码" in r.output
    r = runner.invoke(app, ["user", "list"])
    assert r.exit_code == 0 and "wang" in r.stdout and UNIT in r.stdout and "active" in r.stdout

    t0 = utcnow()
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with session_scope(engine) as session, pytest.raises(accounts.LoginFailed):
            accounts.authenticate(session, "wang", "wrong", now=t0)
    assert "locked" in runner.invoke(app, ["user", "list"]).stdout
    r = runner.invoke(app, ["user", "unlock", "wang"])
    assert r.exit_code == 0, r.output
    with session_scope(engine) as session:
        assert accounts.authenticate(session, "wang", PASSWORD).username == "wang"

    r = runner.invoke(app, ["token", "create", "nightly", "--user", "wang"])
    assert r.exit_code == 0, r.output
    token = r.stdout.strip()
    with session_scope(engine) as session:
        found = accounts.token_user(session, token)
        assert found is not None and found.username == "wang"

    r = runner.invoke(app, ["user", "disable", "wang"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "list", "--json"])
    assert '"active": false' in r.stdout
    with session_scope(engine) as session:
        assert accounts.token_user(session, token) is None
        with pytest.raises(accounts.LoginFailed):
            accounts.authenticate(session, "wang", PASSWORD)
        cli_entries = session.scalars(select(AuditEntry).where(AuditEntry.username == audit.CLI_ACTOR)).all()
        assert {"user.create", "user.unlock", "token.create", "user.disable"} <= {e.action for e in cli_entries}

    assert runner.invoke(app, ["user", "disable", "nobody"]).exit_code == 1
    assert runner.invoke(app, ["token", "create", "x", "--user", "nobody"]).exit_code == 1


def test_sessions_table_never_holds_the_cookie_token(engine: Engine) -> None:
    uid = _user(engine)
    with session_scope(engine) as session:
        new = accounts.start_session(session, session.get(UserAccount, uid))  # type: ignore[arg-type]
    with session_scope(engine) as session:
        rows = session.scalars(select(WebSession)).all()
        assert rows and all(new.token not in (r.token_hash, r.csrf_token) for r in rows)


