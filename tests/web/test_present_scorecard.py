"""The scorecard on the seeded register: overdue flags, latest reports, counts that add up."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from luoshi.registry.models import TaskRow
from luoshi.reports.dashboard import summarize
from luoshi.services import scorecard
from tests.web.present_support import add_report, db, department_id


def test_overdue_follows_the_deadline_and_the_latest_report(seeded_url: str) -> None:
    with db(seeded_url) as s:
        task = s.scalars(
            select(TaskRow.id).where(TaskRow.deadline_year == 2023, TaskRow.superseded.is_(False),
                                     TaskRow.review_state != "rejected").order_by(TaskRow.id.desc())
        ).first()  # fmt: skip
        assert task is not None
        before = scorecard.build(s, today=date(2024, 1, 15)).tasks[task]
        early = scorecard.build(s, today=date(2023, 11, 15)).tasks[task]
    assert early.due_soon and not early.overdue  # Dec 2023 is within 60 days of mid-November
    if before.status != "done":
        assert before.overdue
    add_report(seeded_url, task, department_id(seeded_url, "市生态环境局"), "done", "submitted", 100)
    with db(seeded_url) as s:
        after = scorecard.build(s, today=date(2024, 1, 15)).tasks[task]
    assert after.status == "done" and not after.overdue and after.report is not None
    assert after.report["narrative"] == "测试进展done"


def test_counts_add_up_and_the_cache_sees_new_rows(seeded_url: str) -> None:
    with db(seeded_url) as s:
        snap = scorecard.snapshot(s)
        data = summarize(snap, None)
        assert sum(data["tasks"]["by_status"].values()) == data["tasks"]["tasks"] == len(snap.tasks)
        assert sum(p["tasks"] for p in data["plans"]) == len(snap.tasks)
        assert sum(data["targets"].values()) == data["targets_total"]
        assert scorecard.snapshot(s) is snap  # nothing changed: served from the cache
        task = next(iter(snap.tasks))
    add_report(seeded_url, task, department_id(seeded_url, "市生态环境局"), "blocked", "submitted", 10)
    with db(seeded_url) as s:
        fresh = scorecard.snapshot(s)
    assert fresh is not snap and fresh.tasks[task].status == "blocked"


def test_district_names() -> None:
    assert scorecard.is_district("海安市") and scorecard.is_district("通州区")
    assert scorecard.is_district("各县人民政府、管委会")
    assert not scorecard.is_district("市生态环境局") and not scorecard.is_district("南通海关")
