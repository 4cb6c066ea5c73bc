"""The judged workflow, in a real browser: a department reports with evidence, the office
returns it, the department resubmits, the office accepts; the dashboard and a target's status
follow; a department cannot open another department's task by URL or API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page
from sqlalchemy import select

from luoshi.registry.db import make_engine
from luoshi.registry.models import Department, TaskDepartment, TaskRow
from tests.browser.conftest import sign_in

UNIT = "市生态环境局"


def _tasks_for(url: str) -> tuple[int, int]:
    """A live task the unit is named on, and one it is not named on."""
    engine = make_engine(url)
    with engine.connect() as conn:
        unit_id = conn.scalar(select(Department.id).where(Department.name == UNIT))
        mine = conn.scalar(
            select(TaskRow.id)
            .join(TaskDepartment, TaskDepartment.task_id == TaskRow.id)
            .where(TaskDepartment.department_id == unit_id, TaskDepartment.role == "lead",
                   TaskRow.superseded.is_(False))
            .order_by(TaskRow.id.desc())
        )  # fmt: skip
        named = select(TaskDepartment.task_id).where(TaskDepartment.department_id == unit_id)
        other = conn.scalar(
            select(TaskRow.id).where(TaskRow.id.not_in(named), TaskRow.superseded.is_(False),
                                     TaskRow.source_kind == "prose").order_by(TaskRow.id)
        )  # fmt: skip
    engine.dispose()
    assert mine and other
    return int(mine), int(other)


def _json(page: Page, url: str) -> Any:
    response = page.request.get(url)
    assert response.status == 200, response.text()[:300]
    return response.json()


def _unit_group(board: dict[str, Any]) -> dict[str, Any]:
    return next(g for g in board["departments"] if g["name"] == UNIT)


def _new_page(browser: Browser) -> Page:
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(30_000)
    return page


def test_report_return_resubmit_accept(
    live_server: str, browser: Browser, seeded_url: str, make_user, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    mine, other = _tasks_for(seeded_url)
    dept, office = make_user("department", UNIT), make_user("office")
    evidence = tmp_path / "整治验收记录.txt"
    evidence.write_text("2025年第一季度整治验收记录：已完成12个排污口溯源。\n", encoding="utf-8")

    office_page = _new_page(browser)
    sign_in(office_page, live_server, office)
    before = _json(office_page, f"{live_server}/api/tasks/{mine}")
    board_before = _unit_group(_json(office_page, f"{live_server}/api/dashboard"))

    # the department reports, with an attachment
    page = _new_page(browser)
    sign_in(page, live_server, dept)
    page.goto(f"{live_server}/tasks/{mine}")
    form = page.locator("form.report-form")
    form.locator("select[name=status]").select_option("in_progress")
    form.locator("input[name=percent]").fill("40")
    form.locator("textarea[name=narrative]").fill("已完成排查，正在整治。")
    form.locator("input[type=file]").set_input_files(str(evidence))
    form.locator("button[value=submit]").click()
    page.wait_for_load_state()
    assert "已提交" in page.content()
    assert page.locator("a[href^='/attachments/']").filter(has_text="整治验收记录").count() >= 1

    # …and cannot open another department's task, by URL or by API
    response = page.goto(f"{live_server}/tasks/{other}")
    assert response is not None and response.status == 403
    assert page.request.get(f"{live_server}/api/tasks/{other}").status == 403

    # the office returns it with a comment
    office_page.goto(f"{live_server}/tasks/{mine}")
    review = office_page.locator("form.review-form").first
    review.locator("input[name=comment]").fill("请补充整治前后照片")
    review.locator("button[value=return]").click()
    office_page.wait_for_load_state()
    assert "已退回" in office_page.content()

    # the department sees the comment and resubmits
    page.goto(f"{live_server}/tasks/{mine}")
    assert "请补充整治前后照片" in page.content()
    page.locator("form[action^='/reports/'][action$='/submit'] button").first.click()
    page.wait_for_load_state()
    assert "已提交" in page.content()

    # the office accepts
    office_page.goto(f"{live_server}/tasks/{mine}")
    office_page.locator("form.review-form").first.locator("button[value=accept]").click()
    office_page.wait_for_load_state()
    assert "已通过" in office_page.content()

    # the task's latest status now comes from the accepted report, and the dashboard follows
    after = _json(office_page, f"{live_server}/api/tasks/{mine}")
    assert (after["status"], after["percent"]) == ("in_progress", 40)
    board_after = _unit_group(_json(office_page, f"{live_server}/api/dashboard"))
    moved = 0 if before["status"] == "in_progress" else 1
    assert board_after["by_status"].get("in_progress", 0) == board_before["by_status"].get("in_progress", 0) + moved
    office_page.goto(f"{live_server}/")
    assert UNIT in office_page.content()


def test_target_status_follows_observations(live_server: str, browser: Browser, make_user) -> None:  # type: ignore[no-untyped-def]
    office = make_user("office")
    page = _new_page(browser)
    sign_in(page, live_server, office)
    targets = _json(page, f"{live_server}/api/targets")
    target = next(
        t for t in targets
        if t["status"] == "no_data" and t["comparator"] == ">=" and t["unit"] == "%" and t["year"] == 2025
        and not t["scope"] and t["value"] is not None
    )  # fmt: skip
    for period, value in (("2020", target["value"] * 0.80), ("2024", target["value"] * 0.97)):
        page.goto(f"{live_server}/observations")
        form = page.locator("form[action='/observations']")
        form.locator("input[name=indicator]").fill(target["indicator"])
        form.locator("input[name=region]").fill("全市")
        form.locator("input[name=period]").fill(period)
        form.locator("input[name=value]").fill(f"{value:.1f}")
        form.locator("input[name=unit]").fill("%")
        form.locator("input[name=source]").fill("市统计局年鉴")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    updated = _json(page, f"{live_server}/api/targets/{target['id']}")
    assert updated["status"] in ("on_track", "at_risk", "off_track", "achieved")
    assert updated["latest"]["year"] == 2024
    page.goto(f"{live_server}/targets/{target['id']}")
    assert target["indicator"] in page.content()
