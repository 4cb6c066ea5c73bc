"""Service level: reporting periods, the report workflow and its audit trail, who may do what,
evidence checks, late lists and the digest. A fresh register per test, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.registry.db import make_engine, upgrade
from luoshi.registry.importer import import_paths
from luoshi.registry.models import TaskRow
from luoshi.registry.tracking import AppSetting, AuditEntry, ProgressReportRevision, UserAccount
from luoshi.services import progress, reminders
from luoshi.services.access import Forbidden
from luoshi.services.accounts import create_user

PLAN = """南通市测试工作方案
通政办发〔2026〕99号
各县（市、区）人民政府，市各有关部门：
现将《南通市测试工作方案》印发给你们，请认真贯彻落实。
南通市人民政府办公室
2026年1月5日
一、主要目标
到2027年，全市PM2.5浓度降至30微克/立方米以下，空气质量优良天数比率达到85%以上。
二、重点任务
（一）推进扬尘治理。加强建筑工地扬尘管控，2026年底前完成全部工地在线监测。（市住房和城乡建设局牵头，市生态环境局按职责分工负责）
（二）推进机动车治理。淘汰国三及以下排放标准柴油货车。（市交通运输局、市公安局按职责分工负责）
"""
PASSWORD = "Test-Passw0rd!"
TODAY = date(2026, 11, 24)
PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class Register:
    session: Session
    key: str
    dust: int  # 市住房和城乡建设局 leads, 市生态环境局 responsible
    traffic: int  # 市交通运输局, 市公安局
    housing: UserAccount
    transport: UserAccount
    office: UserAccount
    viewer: UserAccount


@pytest.fixture
def register(db_url: str, tmp_path: Path) -> Iterator[Register]:
    engine = make_engine(db_url)
    upgrade(engine)
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    with Session(engine, expire_on_commit=False) as session:
        import_paths(session, [plan])
        tasks = session.scalars(select(TaskRow).order_by(TaskRow.id)).all()
        users = [create_user(session, f"u{i}", PASSWORD, role, unit) for i, (role, unit) in enumerate([
            ("department", "市住房和城乡建设局"), ("department", "市交通运输局"), ("office", None), ("viewer", None)])]
        session.commit()
        yield Register(session, tasks[0].document_key, tasks[0].id, tasks[1].id, *users)
    engine.dispose()


def actions(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    q = select(AuditEntry).where(AuditEntry.entity_type == entity, AuditEntry.entity_id == str(entity_id))
    return list(session.scalars(q.order_by(AuditEntry.id)))


def test_period_bounds() -> None:
    assert progress.period_bounds("quarterly", date(2025, 2, 14)) == ("2025-Q1", date(2025, 1, 1), date(2025, 3, 31))
    assert progress.period_bounds("quarterly", date(2025, 12, 31)) == ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31))
    assert progress.period_bounds("monthly", date(2024, 2, 10)) == ("2024-02", date(2024, 2, 1), date(2024, 2, 29))
    assert progress.period_bounds("monthly", date(2025, 12, 5)) == ("2025-12", date(2025, 12, 1), date(2025, 12, 31))


def test_periods_default_quarterly_from_the_plan_date_then_monthly(register: Register) -> None:
    s = register.session
    periods = progress.ensure_periods(s, register.key, TODAY)
    assert [p.label for p in periods] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert periods[0].due_on == date(2026, 4, 10)  # 10 days after the quarter ends
    with pytest.raises(Forbidden):
        progress.set_schedule(s, register.housing, register.key, "monthly", date(2026, 1, 1), 5)
    with pytest.raises(progress.ProgressError):
        progress.set_schedule(s, register.office, register.key, "weekly", date(2026, 1, 1), 5)
    row = progress.set_schedule(s, register.office, register.key, "monthly", date(2026, 9, 1), 5)
    monthly = progress.ensure_periods(s, register.key, TODAY)
    assert [p.label for p in monthly] == ["2026-09", "2026-10", "2026-11"]
    assert monthly[0].due_on == date(2026, 10, 5)
    assert [p.label for p in progress.recent_periods(s, register.key, TODAY)] == ["2026-11", "2026-10"]
    entry = actions(s, "plan_schedule", row.id)[-1]
    assert entry.before == {"frequency": "quarterly", "starts_on": "2026-01-05", "due_days": 10}
    assert entry.after == {"frequency": "monthly", "starts_on": "2026-09-01", "due_days": 5}


def test_workflow_with_revisions_and_audit(register: Register) -> None:
    s, dept, office = register.session, register.housing, register.office
    period = progress.current_period(s, register.key, TODAY)
    assert period is not None
    report = progress.save_report(s, dept, register.dust, period.id, status="in_progress", percent=30, narrative="开工")
    assert (report.state, report.unit_id) == ("draft", dept.unit_id)
    progress.add_attachment(s, dept, report.id, "证明.pdf", PDF, 1024)
    progress.submit_report(s, dept, report.id)
    with pytest.raises(progress.ProgressError, match="不能再修改"):
        progress.save_report(s, dept, register.dust, period.id, status="done", percent=100, narrative="")
    with pytest.raises(Forbidden):
        progress.accept_report(s, dept, report.id)  # only the office reviews
    with pytest.raises(progress.ProgressError, match="退回意见"):
        progress.return_report(s, office, report.id, "  ")
    progress.return_report(s, office, report.id, "缺少照片")
    assert (report.state, report.review_comment) == ("returned", "缺少照片")
    progress.save_report(s, dept, register.dust, period.id, status="in_progress", percent=50, narrative="已补照片")
    progress.submit_report(s, dept, report.id)
    progress.accept_report(s, office, report.id, "同意")
    assert (report.state, report.revision, report.percent) == ("accepted", 2, 50)
    with pytest.raises(progress.ProgressError):
        progress.return_report(s, office, report.id, "晚了")  # accepted is final
    revs = s.scalars(select(ProgressReportRevision).where(ProgressReportRevision.report_id == report.id)
                     .order_by(ProgressReportRevision.revision)).all()
    assert [(r.revision, r.snapshot["percent"], r.snapshot["narrative"]) for r in revs] == [(1, 30, "开工"), (2, 50, "已补照片")]
    assert len(revs[0].snapshot["attachments"]) == 1
    trail = [(e.action, (e.before or {}).get("state"), (e.after or {}).get("state")) for e in actions(s, "progress_report", report.id)]
    assert trail == [("report.save", None, "draft"), ("report.submit", "draft", "submitted"),
                     ("report.return", "submitted", "returned"), ("report.save", "returned", "returned"),
                     ("report.submit", "returned", "submitted"), ("report.accept", "submitted", "accepted")]
    assert [r.id for r in progress.review_queue(s, office)] == []


def test_a_department_cannot_touch_another_departments_task(register: Register) -> None:
    s = register.session
    period = progress.current_period(s, register.key, TODAY)
    assert period is not None
    report = progress.save_report(s, register.housing, register.dust, period.id, status="not_started", percent=0, narrative="")
    for call in (
        lambda: progress.task_reports(s, register.transport, register.dust),
        lambda: progress.get_report(s, register.transport, report.id),
        lambda: progress.save_report(s, register.transport, register.dust, period.id, status="done", percent=1, narrative=""),
        lambda: progress.add_comment(s, register.transport, register.dust, "hi"),
        lambda: progress.save_report(s, register.housing, register.traffic, period.id, status="done", percent=1, narrative=""),
        lambda: progress.save_report(s, register.viewer, register.dust, period.id, status="done", percent=1, narrative=""),
        lambda: progress.save_report(s, register.housing, register.dust, period.id, status="done", percent=1, narrative="",
                                     unit_id=register.transport.unit_id),
    ):
        with pytest.raises(Forbidden):
            call()
    att = progress.add_attachment(s, register.housing, report.id, "a.txt", "说明".encode(), 1024)
    with pytest.raises(Forbidden):
        progress.get_attachment(s, register.transport, att.id)
    assert progress.get_attachment(s, register.office, att.id).data == "说明".encode()


def test_the_office_reports_on_behalf_of_a_named_unit(register: Register) -> None:
    s, office = register.session, register.office
    period = progress.current_period(s, register.key, TODAY)
    assert period is not None
    with pytest.raises(progress.ProgressError, match="代报"):
        progress.save_report(s, office, register.traffic, period.id, status="done", percent=100, narrative="")
    with pytest.raises(progress.ProgressError, match="责任单位"):
        progress.save_report(s, office, register.traffic, period.id, status="done", percent=100, narrative="",
                             unit_id=register.housing.unit_id)
    r = progress.save_report(s, office, register.traffic, period.id, status="done", percent=100, narrative="代报",
                             unit_id=register.transport.unit_id)
    assert r.unit_id == register.transport.unit_id
    # the unit sees it as its own report
    assert [x.id for x in progress.task_reports(s, register.transport, register.traffic)] == [r.id]


@pytest.mark.parametrize(("name", "data", "ok"), [
    ("a.pdf", PDF, True), ("a.PNG", b"\x89PNG\r\n\x1a\nxx", True), ("a.jpeg", b"\xff\xd8\xff\xe0xx", True),
    ("a.txt", "进展".encode("gb18030"), True), ("a.pdf", b"\x89PNG\r\n\x1a\nxx", False), ("a.exe", b"MZ", False),
    ("a.docx", b"PK\x03\x04junk", False), ("a.txt", b"\x00\x01\x02", False), ("noext", b"hello", False),
    ("a.pdf", b"", False), ("big.pdf", PDF + b"0" * 2000, False),
])
def test_attachment_checks(name: str, data: bytes, ok: bool) -> None:
    if ok:
        assert progress.check_upload(name, data, 1024) in progress.CONTENT_TYPES
    else:
        with pytest.raises(progress.ProgressError):
            progress.check_upload(name, data, 1024)


def test_office_files_are_sniffed_from_the_zip() -> None:
    import io
    import zipfile

    def archive(member: str) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(member, "<x/>")
        return buf.getvalue()

    assert progress.sniff(archive("word/document.xml")) == "docx"
    assert progress.sniff(archive("xl/workbook.xml")) == "xlsx"
    assert progress.check_upload("a.zip", archive("notes.txt"), 10_000) == "zip"
    with pytest.raises(progress.ProgressError, match="不符"):
        progress.check_upload("a.docx", archive("xl/workbook.xml"), 10_000)


def test_late_lists_banner_and_digest(register: Register, tmp_path: Path) -> None:
    s = register.session
    items = reminders.outstanding(s, register.housing, TODAY)
    assert {(o.period_label, o.kind) for o in items} == {("2026-Q3", "overdue"), ("2026-Q4", "missing")}
    assert all(o.unit_id == register.housing.unit_id for o in items)
    everyone = reminders.outstanding(s, register.office, TODAY)
    assert {o.unit_name for o in everyone} == {"市住房和城乡建设局", "市生态环境局", "市交通运输局", "市公安局"}
    assert reminders.tally(everyone, "unit")[0].overdue == 1
    banner = reminders.banner(s, register.housing, TODAY)
    assert banner is not None and banner.overdue == 1
    assert reminders.banner(s, register.office, TODAY) is None
    # submitting the overdue report takes it off the list
    q3 = progress.recent_periods(s, register.key, TODAY)[1]
    r = progress.save_report(s, register.housing, register.dust, q3.id, status="delayed", percent=10, narrative="")
    progress.submit_report(s, register.housing, r.id)
    assert {o.period_label for o in reminders.outstanding(s, register.housing, TODAY)} == {"2026-Q4"}
    # the digest: off unless switched on; then one file per unit
    assert reminders.write_digest(s, None, TODAY) == []
    s.add(AppSetting(key="digest", value={"enabled": True, "folder": str(tmp_path)}))
    s.flush()
    files = reminders.write_digest(s, None, date(2027, 1, 5))  # Q4 due 2027-01-10: due soon
    assert sorted(f.name for f in files) == ["市交通运输局.md", "市住房和城乡建设局.md", "市公安局.md", "市生态环境局.md"]
    text = (tmp_path / "2027-01-05" / "市住房和城乡建设局.md").read_text(encoding="utf-8")
    assert "2026-Q4" in text and "7 天内到期（1）" in text


def test_comments_are_kept(register: Register) -> None:
    s = register.session
    progress.add_comment(s, register.housing, register.dust, "第一条")
    with pytest.raises(progress.ProgressError):
        progress.add_comment(s, register.housing, register.dust, "   ")
    assert [c.body for c in progress.comments(s, register.office, register.dust)] == ["第一条"]


def test_digest_command(register: Register, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    from typer.testing import CliRunner

    app = typer.Typer()
    app.command("digest")(reminders.digest_command)
    app.command("noop")(lambda: None)  # a second command keeps "digest" as a subcommand
    monkeypatch.setenv("LUOSHI_DATABASE_URL", db_url)
    runner = CliRunner()
    result = runner.invoke(app, ["digest", "--date", "2027-01-05"])
    assert result.exit_code == 0 and "switched off" in result.output
    result = runner.invoke(app, ["digest", "--date", "2027-01-05", "--folder", str(tmp_path)])
    assert result.exit_code == 0 and "4 digest files" in result.output, result.output
    assert runner.invoke(app, ["digest", "--date", "tomorrow"]).exit_code == 1
