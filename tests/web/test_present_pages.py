"""Dashboard, plan, target and public pages on the seeded register (both backends)."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select

from luoshi.registry.models import Document, TargetRow, TaskRow
from luoshi.registry.review import reject
from luoshi.web.app import create_app
from luoshi.web.config import Settings
from tests.web.conftest import login
from tests.web.present_support import (
    PLAN_TITLE,
    add_observations,
    add_report,
    db,
    department_id,
    plan_id,
    target_id,
    unit_tasks,
)

UNIT = "市交通运输局"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_dashboard_has_counts_charts_and_lists(app_client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("office"))
    page = soup(app_client.get("/").text)
    assert int(page.select_one('[data-count="tasks"]').get_text()) > 0
    assert page.select_one("#on-track h2").get_text().startswith("2025")
    assert {c["data-chart"] for c in page.select("[data-chart]")} >= {"stack", "pie"}
    data = json.loads(page.select_one("script#chart-data").string)
    assert set(data) == {"plans", "departments", "districts", "status", "targets"}
    assert any(PLAN_TITLE.startswith(c) for c in data["plans"]["categories"])
    assert page.select_one('script[src="/static/vendor/echarts.min.js"]') is not None
    assert page.select("#overdue, #due-soon") and page.select("#by-plan tr[data-plan]")


def test_a_department_user_sees_only_its_units_numbers(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("department", UNIT))
    mine = unit_tasks(seeded_url, UNIT)
    page = soup(app_client.get("/").text)
    assert int(page.select_one('[data-count="tasks"]').get_text()) == len(mine)
    for row in page.select("#overdue tr[data-task], #due-soon tr[data-task]"):
        assert int(row["data-task"]) in mine
    tree = soup(app_client.get(f"/plans/{plan_id(seeded_url)}").text)
    shown = {int(li["data-task"]) for li in tree.select("li.task")}
    assert shown and shown <= mine


def test_plan_tree_opens_each_items_source_sentence(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("viewer"))
    listing = soup(app_client.get("/plans").text)
    assert PLAN_TITLE in [a.get_text() for a in listing.select("#plans a")]
    page = soup(app_client.get(f"/plans/{plan_id(seeded_url)}").text)
    assert page.select("li.section details summary") and page.select("li.target") and page.select("#source")
    link = page.select_one("li.task a[hx-get]")
    fragment = soup(app_client.get(link["hx-get"], headers={"HX-Request": "true"}).text)
    task_id = int(link.find_parent("li")["data-task"])
    with db(seeded_url) as s:
        task = s.get(TaskRow, task_id)
        assert task is not None
        document = s.get(Document, task.document_id)
        assert document is not None
        expected = document.source_file.text[task.span_start : task.span_end]
    # the task's own sentence, exactly as in the file, is the highlighted part
    assert fragment.select_one("mark.source").get_text() == expected and expected.strip()


def test_source_of_another_units_task_is_forbidden(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("department", UNIT))
    mine = unit_tasks(seeded_url, UNIT)
    with db(seeded_url) as s:
        other = next(i for i in s.scalars(select(TaskRow.id).where(TaskRow.superseded.is_(False))) if i not in mine)
    assert app_client.get(f"/plans/items/task/{other}/source").status_code == 403


def test_target_status_follows_new_observations(app_client: TestClient, make_user, seeded_url: str) -> None:  # type: ignore[no-untyped-def]
    login(app_client, make_user("office"))
    target = target_id(seeded_url, "生态保护红线面积", ">=")  # ≥ 2534 km² by 2035
    assert target

    def status() -> str:
        badge = soup(app_client.get(f"/targets/{target}").text).select_one("#status")
        api = app_client.get(f"/api/targets/{target}").json()
        assert api["status"] == badge["data-status"]
        return str(badge["data-status"])

    # 2400 → 2450 over 3 years: CAGR_o = 0.6897%, needed (2534/2400)^(1/15) − 1 = 0.3628% → R = 1.90
    add_observations(seeded_url, target, [(2020, 2400), (2023, 2450)], "km²")
    assert status() == "on_track"
    page = soup(app_client.get(f"/targets/{target}").text)
    chart = json.loads(page.select_one("script#chart-data").string)
    assert chart["observed"] == [[2020, 2400.0], [2023, 2450.0]] and chart["path"][-1][0] == 2035
    add_observations(seeded_url, target, [(2024, 2300)], "km²")  # falling: moving away
    assert status() == "off_track"
    add_observations(seeded_url, target, [(2025, 2600)], "km²")  # already above the target
    assert status() == "achieved"
    listing = soup(app_client.get("/targets?status=achieved").text)
    assert str(target) in [row["data-target"] for row in listing.select("tr[data-target]")]


def test_public_pages_work_without_login_and_hide_rejected_and_unaccepted(
    app_client: TestClient, seeded_url: str
) -> None:
    plan = plan_id(seeded_url)
    rejected = target_id(seeded_url, "年度造林、湿地保护等工作", "delegated")
    with db(seeded_url) as s:
        row = s.get(TargetRow, rejected)
        if row is not None and row.review_state != "rejected":
            reject(s, row, "present-test", "测试：不是目标")
        task = s.scalars(select(TaskRow.id).where(TaskRow.document_id == plan, TaskRow.superseded.is_(False),
                                                   TaskRow.review_state != "rejected").order_by(TaskRow.id)).first()  # fmt: skip
    assert task is not None
    add_report(seeded_url, task, department_id(seeded_url, "市生态环境局"), "done", "submitted", 100)
    index = soup(app_client.get("/public").text)
    assert PLAN_TITLE in [a.get_text() for a in index.select("#public-plans a")]
    page = soup(app_client.get(f"/public/plans/{plan}").text)
    assert page.select("li.task") and not page.select(f'li[data-target="{rejected}"]')
    item = page.select_one(f'li[data-task="{task}"]')
    assert "已完成" not in item.get_text()  # submitted, not yet accepted
    assert app_client.get(f"/public/items/target/{rejected}/source").status_code == 404
    assert app_client.get(f"/public/items/task/{task}/source").status_code == 200
    add_report(seeded_url, task, department_id(seeded_url, "市生态环境局"), "done", "accepted", 100)
    item = soup(app_client.get(f"/public/plans/{plan}").text).select_one(f'li[data-task="{task}"]')
    assert "已完成" in item.get_text()


def test_public_pages_can_be_switched_off(settings: Settings) -> None:
    off = Settings(**{**settings.__dict__, "public_pages": False})
    app = create_app(off)
    with TestClient(app) as client:
        assert client.get("/public").status_code == 404
    app.state.engine.dispose()
