"""HTTP: the report workflow on both backends — submit with evidence, return, resubmit, accept —
and what a department may not do."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from luoshi.registry.models import Department, TaskDepartment, TaskRow
from luoshi.registry.tracking import AuditEntry, ProgressReport, ProgressReportRevision
from tests.web.conftest import login

HOUSING = "市住房和城乡建设局"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def unit_task(db: Session, unit: str, named: bool = True, pick: int = 0) -> int:
    """A live task the unit is (or is not) named on as lead or responsible; tests share the
    register, so each test picks its own task."""
    on = select(TaskDepartment.task_id).join(Department).where(
        Department.name == unit, TaskDepartment.role.in_(("lead", "responsible")))
    q = select(TaskRow.id).where(TaskRow.superseded.is_(False), TaskRow.review_state != "rejected")
    q = q.where(TaskRow.id.in_(on) if named else TaskRow.id.not_in(select(TaskDepartment.task_id).where(
        TaskDepartment.department_id.in_(select(Department.id).where(Department.name == unit)))))
    return int(db.scalars(q.order_by(TaskRow.id)).all()[-1 - pick if named else pick])


def period_of(client: TestClient, task_id: int) -> int:
    import re

    html = client.get(f"/tasks/{task_id}").text
    m = re.search(r'<select name="period_id"><option value="(\d+)"', html)
    assert m, html[:2000]
    return int(m.group(1))


def report_count(db: Session, task_id: int) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(ProgressReport).where(ProgressReport.task_id == task_id)) or 0


def post_report(client: TestClient, csrf: str, task_id: int, period: int, files: Any = None, **fields: str) -> Any:
    data = {"csrf_token": csrf, "period_id": str(period), "status": "in_progress", "percent": "40",
            "narrative": "已完成工地在线监测安装 120 处", "action": "submit", **fields}
    return client.post(f"/tasks/{task_id}/reports", data=data, files=files or [], follow_redirects=False)


def test_submit_return_resubmit_accept(app_client: TestClient, settings: Any, make_user: Any, db: Session) -> None:
    task_id = unit_task(db, HOUSING)
    dept, office = make_user("department", HOUSING), make_user("office")
    csrf = login(app_client, dept)
    assert "我的任务" in app_client.get("/tasks").text
    period = period_of(app_client, task_id)
    r = post_report(app_client, csrf, task_id, period, files=[("files", ("监测.pdf", PDF, "application/pdf"))])
    assert r.status_code == 303, r.text[:1000]
    report = db.scalar(select(ProgressReport).where(ProgressReport.task_id == task_id,
                                                    ProgressReport.period_id == period))
    assert report is not None and report.state == "submitted" and report.revision == 1
    page = app_client.get(f"/tasks/{task_id}").text
    assert "监测.pdf" in page and "已提交" in page
    import re

    att = int(re.search(r'href="/attachments/(\d+)"', page).group(1))  # type: ignore[union-attr]
    got = app_client.get(f"/attachments/{att}")
    assert got.status_code == 200 and got.content == PDF and "attachment" in got.headers["content-disposition"]

    # the office returns it with a comment
    app_client.cookies.clear()
    ocsrf = login(app_client, office)
    assert "监测安装" in app_client.get("/reports").text
    r = app_client.post(f"/reports/{report.id}/review", data={"csrf_token": ocsrf, "decision": "return", "comment": ""},
                        follow_redirects=False)
    assert r.status_code == 400 and "退回意见" in r.text  # a return needs a comment
    r = app_client.post(f"/reports/{report.id}/review",
                        data={"csrf_token": ocsrf, "decision": "return", "comment": "请补充照片"}, follow_redirects=False)
    assert r.status_code == 303

    # the department sees the comment, corrects and resubmits
    app_client.cookies.clear()
    csrf = login(app_client, dept)
    assert "请补充照片" in app_client.get(f"/tasks/{task_id}").text
    r = post_report(app_client, csrf, task_id, period, percent="60",
                    files=[("files", ("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png"))])
    assert r.status_code == 303, r.text[:1000]

    app_client.cookies.clear()
    ocsrf = login(app_client, office)
    r = app_client.post(f"/reports/{report.id}/review", data={"csrf_token": ocsrf, "decision": "accept"},
                        follow_redirects=False)
    assert r.status_code == 303
    db.expire_all()
    report = db.get(ProgressReport, report.id)
    assert report is not None and (report.state, report.revision, report.percent) == ("accepted", 2, 60)
    revs = db.scalars(select(ProgressReportRevision).where(ProgressReportRevision.report_id == report.id)
                      .order_by(ProgressReportRevision.revision)).all()
    assert [(v.revision, v.snapshot["percent"]) for v in revs] == [(1, 40), (2, 60)]
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "progress_report",
                                                         AuditEntry.entity_id == str(report.id))
                         .order_by(AuditEntry.id)).all()
    assert [a for a in actions if a != "report.save"] == ["report.submit", "report.return", "report.submit", "report.accept"]

    # a department that is not on the task can neither open it nor fetch its evidence
    app_client.cookies.clear()
    named = set(db.scalars(select(Department.name).join(TaskDepartment).where(TaskDepartment.task_id == task_id)))
    outsider = next(u for u in ("市交通运输局", "市农业农村局", "市水利局", "市财政局") if u not in named)
    login(app_client, make_user("department", outsider))
    assert app_client.get(f"/tasks/{task_id}").status_code == 403
    assert app_client.get(f"/attachments/{att}").status_code == 403


def test_department_cannot_open_or_write_another_units_task(app_client: TestClient, make_user: Any, db: Session) -> None:
    foreign = unit_task(db, HOUSING, named=False)
    csrf = login(app_client, make_user("department", HOUSING))
    r = app_client.get(f"/tasks/{foreign}")
    assert r.status_code == 403 and "无权访问" in r.text
    before = report_count(db, foreign)
    assert post_report(app_client, csrf, foreign, 1).status_code == 403
    assert report_count(db, foreign) == before
    assert app_client.get("/reports").status_code == 403
    assert app_client.get("/review").status_code == 403
    assert app_client.get("/import").status_code == 403


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("证明.pdf", b"MZ\x90\x00\x03\x00\x00\x00binary", "内容与扩展名"),
    ("程序.exe", b"MZ\x90\x00", "类型不允许"),
    ("大文件.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024), "过大"),
])
def test_bad_evidence_is_refused_and_nothing_is_saved(app_client: TestClient, make_user: Any, db: Session,
                                                      name: str, data: bytes, reason: str) -> None:
    task_id = unit_task(db, HOUSING, pick=1)
    user = make_user("department", HOUSING)
    csrf = login(app_client, user)
    period = period_of(app_client, task_id)
    before = report_count(db, task_id)
    r = post_report(app_client, csrf, task_id, period, files=[("files", (name, data, "application/pdf"))])
    assert r.status_code == 400 and reason in r.text
    assert report_count(db, task_id) == before


def test_bad_percent_and_status_are_clear_errors(app_client: TestClient, make_user: Any, db: Session) -> None:
    task_id = unit_task(db, HOUSING, pick=2)
    csrf = login(app_client, make_user("department", HOUSING))
    period = period_of(app_client, task_id)
    before = report_count(db, task_id)
    assert "0–100" in post_report(app_client, csrf, task_id, period, percent="150").text
    assert "进展状态" in post_report(app_client, csrf, task_id, period, status="finished").text
    assert report_count(db, task_id) == before


def test_comments_with_htmx_and_task_filters(app_client: TestClient, make_user: Any, db: Session) -> None:
    task_id = unit_task(db, HOUSING, pick=3)
    csrf = login(app_client, make_user("department", HOUSING))
    r = app_client.post(f"/tasks/{task_id}/comments", data={"csrf_token": csrf, "body": "下周现场核查"},
                        headers={"hx-request": "true"})
    assert r.status_code == 200 and "下周现场核查" in r.text and "<html" not in r.text
    r = app_client.post(f"/tasks/{task_id}/comments", data={"csrf_token": csrf, "body": "  "},
                        headers={"hx-request": "true"})
    assert "评论不能为空" in r.text
    assert app_client.post(f"/tasks/{task_id}/comments", data={"body": "x"}).status_code == 403  # no CSRF token
    for query in ("", "?overdue=1", "?status=none", "?status=in_progress"):
        assert app_client.get(f"/tasks{query}").status_code == 200
    page = app_client.get(f"/tasks/{task_id}").text
    assert '<mark class="source">' in page and "牵头" in page


def test_office_sets_a_monthly_schedule(app_client: TestClient, make_user: Any, db: Session) -> None:
    task = db.get(TaskRow, unit_task(db, "市交通运输局"))
    assert task is not None
    csrf = login(app_client, make_user("office"))
    assert app_client.get("/reports/schedules").status_code == 200
    assert "代报单位" in app_client.get(f"/tasks/{task.id}").text  # the office reports on behalf of a unit
    assert app_client.get("/tasks?overdue=1").status_code == 200
    r = app_client.post("/reports/schedules", data={"csrf_token": csrf, "document_key": task.document_key,
                        "frequency": "monthly", "starts_on": "2026-01-01", "due_days": "5"}, follow_redirects=False)
    assert r.status_code == 303
    page = app_client.get(f"/tasks/{task.id}").text
    assert "2026-11" in page and "2026-10" in page
    r = app_client.post("/reports/schedules", data={"csrf_token": csrf, "document_key": task.document_key,
                        "frequency": "weekly", "starts_on": "2026-01-01", "due_days": "5"})
    assert r.status_code == 400 and "月度" in r.text
