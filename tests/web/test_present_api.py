"""The JSON API: visibility, 403 for another unit's task, bearer tokens, OpenAPI, JSON errors."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from luoshi.registry.models import TaskRow
from luoshi.registry.tracking import UserAccount
from luoshi.services.accounts import create_token
from tests.web.conftest import login
from tests.web.present_support import PLAN_TITLE, db, plan_id, unit_tasks

UNIT = "市住房和城乡建设局"


def test_department_user_gets_only_its_tasks_and_403_for_others(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("department", UNIT))
    mine = unit_tasks(seeded_url, UNIT)
    listed = {t["id"] for t in app_client.get("/api/tasks").json()}
    assert listed == mine
    with db(seeded_url) as s:
        other = next(i for i in s.scalars(select(TaskRow.id).where(TaskRow.superseded.is_(False))) if i not in mine)
    r = app_client.get(f"/api/tasks/{other}")
    assert r.status_code == 403 and r.json()["error"] == "无权访问"
    own = app_client.get(f"/api/tasks/{min(mine)}").json()
    assert own["id"] == min(mine) and any(UNIT in d for d in own["departments"])
    assert app_client.get("/api/tasks/99999999").status_code == 404


def test_plans_targets_and_dashboard(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("office"))
    plans = app_client.get("/api/plans").json()
    assert PLAN_TITLE in [p["title"] for p in plans]
    plan = app_client.get(f"/api/plans/{plan_id(seeded_url)}").json()
    assert plan["sections"] and plan["task_list"] and plan["target_list"]
    assert plan["tasks"] == len(plan["task_list"])
    targets = app_client.get("/api/targets", params={"plan": plan["id"]}).json()
    assert {t["status"] for t in targets} <= {"achieved", "on_track", "at_risk", "off_track", "no_data"}
    one = app_client.get(f"/api/targets/{targets[0]['id']}").json()
    assert {"series", "path", "sources", "status", "reason", "ratio"} <= set(one)
    dash = app_client.get("/api/dashboard").json()
    assert dash["year"] == 2025 and dash["tasks"]["tasks"] >= plan["tasks"]


def test_bearer_token_and_anonymous_json_errors(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    account = make_user("viewer")
    with db(seeded_url) as s:
        user = s.scalars(select(UserAccount).where(UserAccount.username == account.username)).one()
        token = create_token(s, user, "present-test")
    r = app_client.get("/api/plans", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()
    r = app_client.get("/api/plans", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and "error" in r.json()
    assert app_client.get("/api/tasks").status_code == 401


def test_openapi_describes_the_api_with_response_models(app_client: TestClient) -> None:
    spec = app_client.get("/openapi.json").json()
    for path in ("/api/plans", "/api/plans/{document_id}", "/api/tasks", "/api/tasks/{task_id}",
                 "/api/targets", "/api/targets/{target_id}", "/api/dashboard"):  # fmt: skip
        assert "get" in spec["paths"][path], path
    schema = spec["paths"]["/api/targets/{target_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("TargetDetailOut")
    assert "TaskOut" in spec["components"]["schemas"]
