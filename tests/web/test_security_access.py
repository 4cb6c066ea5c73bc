"""Access control (等保 8.1.4.2): a department user reads only its own unit's tasks — enforced
in the service layer, and over HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from luoshi.registry.db import make_engine, session_scope
from luoshi.registry.models import Department, TaskDepartment, TaskRow
from luoshi.registry.tracking import UserAccount
from luoshi.services import access
from tests.web.conftest import login


def _foreign_task(url: str) -> tuple[int, int, str, str]:
    """A live task, a unit named on it, and a department (kind=department) that is not."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        link = session.scalars(
            select(TaskDepartment).join(TaskRow, TaskRow.id == TaskDepartment.task_id)
            .where(TaskDepartment.role == "lead", TaskRow.superseded.is_(False)).order_by(TaskDepartment.id)
        ).first()  # fmt: skip
        assert link is not None
        named = set(session.scalars(select(TaskDepartment.department_id).where(TaskDepartment.task_id == link.task_id)))
        other = session.scalars(
            select(Department).where(Department.kind == "department", Department.id.not_in(named)).order_by(Department.id)
        ).first()  # fmt: skip
        own = session.get(Department, link.department_id)
        assert other is not None and own is not None
        result = (link.task_id, link.department_id, own.name, other.name)
    engine.dispose()
    return result


def test_service_layer_forbids_another_units_task(make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    task_id, _, own_unit, other_unit = _foreign_task(seeded_url)
    outsider = make_user("department", other_unit)
    insider = make_user("department", own_unit)
    office = make_user("office")
    engine = make_engine(seeded_url)
    with session_scope(engine) as session:
        def user(name: str) -> UserAccount:
            row = session.scalar(select(UserAccount).where(UserAccount.username == name))
            assert row is not None
            return row

        with pytest.raises(access.Forbidden):
            access.get_task(session, user(outsider.username), task_id)
        with pytest.raises(access.Forbidden):
            access.require_task_write(session, user(outsider.username), task_id)
        assert access.get_task(session, user(insider.username), task_id).id == task_id
        assert access.require_task_write(session, user(insider.username), task_id).id == task_id
        assert access.get_task(session, user(office.username), task_id).id == task_id
        visible = set(session.scalars(access.visible_tasks(user(outsider.username), select(TaskRow.id))))
        assert task_id not in visible
        with pytest.raises(access.NotFound):
            access.get_task(session, user(insider.username), 10**9)
    engine.dispose()


def test_task_page_by_url_is_403_for_another_unit(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    task_id, _, own_unit, other_unit = _foreign_task(seeded_url)
    login(app_client, make_user("department", other_unit))
    r = app_client.get(f"/tasks/{task_id}", follow_redirects=False)
    assert r.status_code == 403
    # the owning unit gets past the access check (the page itself is tested with the task pages)
    other = TestClient(app_client.app, raise_server_exceptions=False)
    login(other, make_user("department", own_unit))
    assert other.get(f"/tasks/{task_id}").status_code not in (401, 403)


def test_task_api_is_403_for_another_unit(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    task_id, _, own_unit, other_unit = _foreign_task(seeded_url)
    login(app_client, make_user("department", other_unit))
    r = app_client.get(f"/api/tasks/{task_id}")
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/json")
    other = TestClient(app_client.app)
    login(other, make_user("department", own_unit))
    assert other.get(f"/api/tasks/{task_id}").status_code == 200


def test_admin_pages_are_admin_only(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    for role in ("office", "department", "viewer"):
        client = TestClient(app_client.app)
        login(client, make_user(role, "市住房和城乡建设局" if role == "department" else None))
        assert client.get("/admin").status_code == 403
        assert client.get("/admin/audit").status_code == 403
        csrf = client.get("/account").text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        r = client.post("/admin/users", data={"csrf_token": csrf, "username": "sneaky", "password": "Sneaky-Passw0rd!",
                                              "role": "admin"})  # fmt: skip
        assert r.status_code == 403
    anonymous = TestClient(app_client.app)
    assert anonymous.get("/admin", follow_redirects=False).status_code == 303
