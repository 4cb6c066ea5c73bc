"""Service level: upload → preview → confirm, staging per user, and the office's review actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from luoshi.errors import LuoshiError
from luoshi.registry.models import Document, TargetRow, TaskRow
from luoshi.registry.tracking import AuditEntry
from luoshi.services import imports
from luoshi.services.access import Forbidden
from tests.services.test_progress import PLAN, Register, register  # noqa: F401  (the fixture)


@pytest.fixture(autouse=True)
def staging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "staging"
    monkeypatch.setenv("LUOSHI_STAGING_DIR", str(folder))
    return folder


def new_plan() -> bytes:
    return PLAN.replace("99号", "100号").replace("测试工作方案", "第二测试方案").encode()


def test_preview_then_confirm(register: Register, staging: Path) -> None:  # noqa: F811
    s = register.session
    docs = s.scalar(select(func.count()).select_from(Document))
    with pytest.raises(Forbidden):
        imports.preview(s, register.housing, "p.txt", new_plan(), 10**6)
    p = imports.preview(s, register.office, "p.txt", new_plan(), 10**6)
    assert (p.total("tasks"), p.total("targets"), p.documents[0].status, p.already_imported) == (2, 2, "new", False)
    assert s.scalar(select(func.count()).select_from(Document)) == docs  # nothing stored yet
    with pytest.raises(imports.ImportRefused):
        imports.confirm(s, _other_office(s), p.sha256)  # another user's upload
    report = imports.confirm(s, register.office, p.sha256)
    assert report.files[0].status == "imported" and report.files[0].tasks == 2
    assert s.scalar(select(func.count()).select_from(Document)) == docs + 1
    source = s.scalar(select(Document).order_by(Document.id.desc()))
    assert source is not None and source.source_file.path == "上传:p.txt"
    assert s.scalar(select(AuditEntry).where(AuditEntry.action == "plan.import")) is not None
    imports.discard(register.office, p.sha256)
    assert not any(staging.rglob("p.txt"))


def _other_office(s):  # type: ignore[no-untyped-def]
    from luoshi.services.accounts import create_user

    return create_user(s, "office2", "Test-Passw0rd!", "office")


@pytest.mark.parametrize(("name", "data", "message"), [
    ("a.xlsx", b"PK\x03\x04", "只接受"), ("a.pdf", b"hello", "not a PDF"), ("a.txt", "普通文字。".encode(), "未识别"),
    ("a.txt", b"x" * 2000, "过大"),
])
def test_bad_uploads_are_refused(register: Register, name: str, data: bytes, message: str) -> None:  # noqa: F811
    with pytest.raises(imports.ImportRefused, match=message):
        imports.preview(register.session, register.office, name, data, 1000)


def test_review_actions(register: Register) -> None:  # noqa: F811
    s = register.session
    task = s.get(TaskRow, register.dust)
    target = s.scalar(select(TargetRow).where(TargetRow.indicator == "PM2.5浓度"))
    assert task is not None and target is not None
    with pytest.raises(Forbidden):
        imports.review_item(s, register.housing, "task", task.id, "confirm")
    imports.review_item(s, register.office, "task", task.id, "confirm")
    assert task.review_state == "confirmed"
    imports.review_item(s, register.office, "target", target.id, "correct",
                        {"value": "28", "unit": "μg/m³", "year": "2027", "recurring": ""})
    assert target.review_state == "corrected"
    entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "review.correct"))
    assert entry is not None and entry.before == {"value": 30.0, "review_state": "extracted"}
    assert entry.after == {"value": 28.0, "review_state": "corrected"}
    with pytest.raises(LuoshiError, match="没有修改"):
        imports.review_item(s, register.office, "target", target.id, "correct", {"value": "28"})
    with pytest.raises(LuoshiError):
        imports.review_item(s, register.office, "task", task.id, "reject", note="")
    imports.review_item(s, register.office, "task", register.traffic, "reject", note="不是任务")
    assert imports.parse_field("lead", "市水利局、市农业农村局") == ["市水利局", "市农业农村局"]
