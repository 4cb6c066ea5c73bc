"""`luoshi backup` / `luoshi restore`: the whole register round-trips, between SQLite and
PostgreSQL both ways; bad files, other schema revisions and non-empty registers are refused."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

from luoshi.cli import app
from luoshi.registry.db import make_engine, session_scope, upgrade
from luoshi.registry.importer import import_paths
from luoshi.registry.models import Document, SectionRow, TaskRow, utcnow
from luoshi.registry.tracking import (
    Attachment,
    AuditEntry,
    Observation,
    PlanSchedule,
    ProgressReport,
    ReportingPeriod,
    UserAccount,
)
from luoshi.services import accounts, audit, backup
from tests.conftest import BACKENDS, fresh_database, seed

runner = CliRunner()
BLOB = bytes(range(256)) * 40 + "证明材料".encode()


def _fill(engine: Engine) -> None:
    """Two plans plus one row in the tracking tables, attachment bytes included."""
    upgrade(engine)
    with session_scope(engine) as session:
        import_paths(session, [seed("000"), seed("002")])
    with session_scope(engine) as session:
        user = accounts.create_user(session, "dept", "Test-Passw0rd!", "department", "市住房和城乡建设局")
        task = session.scalars(select(TaskRow).order_by(TaskRow.id)).first()
        assert task is not None
        session.add(PlanSchedule(document_key=task.document_key, frequency="quarterly", starts_on=date(2025, 1, 1)))
        period = ReportingPeriod(document_key=task.document_key, label="2025-Q1", starts_on=date(2025, 1, 1),
                                 ends_on=date(2025, 3, 31), due_on=date(2025, 4, 10))  # fmt: skip
        session.add(period)
        session.flush()
        assert user.unit_id is not None
        report = ProgressReport(task_id=task.id, period_id=period.id, unit_id=user.unit_id, status="in_progress",
                                percent=40, narrative="已完成方案编制", submitted_by_id=user.id,
                                submitted_at=utcnow())  # fmt: skip
        session.add(report)
        session.flush()
        session.add(Attachment(task_id=task.id, report_id=report.id, filename="证明.pdf",
                               content_type="application/pdf", size=len(BLOB),
                               sha256=hashlib.sha256(BLOB).hexdigest(), data=BLOB, uploaded_by_id=user.id))  # fmt: skip
        session.add(Observation(indicator="PM2.5年均浓度", region="全市", period="2024", year=2024, value=31.5,
                                unit="微克/立方米", source="市生态环境局"))  # fmt: skip
        accounts.create_token(session, user, "script")
        accounts.authenticate(session, "dept", "Test-Passw0rd!", "10.0.0.1")


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return backup.row_counts(connection)


def _sample(engine: Engine) -> dict[str, Any]:
    with session_scope(engine) as session:
        attachment = session.scalars(select(Attachment)).one()
        doc = session.scalars(select(Document).order_by(Document.id)).first()
        section = session.scalars(select(SectionRow).where(SectionRow.parent_id.is_not(None)).order_by(SectionRow.id)).first()
        user = session.scalars(select(UserAccount)).one()
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert doc and section and entry
        return {
            "attachment": (attachment.data, attachment.filename, attachment.uploaded_at),
            "document": (doc.id, doc.title, doc.doc_number, doc.date, doc.imported_at),
            "section": (section.id, section.parent_id, section.path, section.title),
            "user": (user.username, user.password_hash, user.unit_id, user.role),
            "report": session.scalars(select(ProgressReport.narrative)).one(),
            "observation": session.scalars(select(Observation.value)).one(),
            "audit_first": session.scalars(select(AuditEntry.hash).order_by(AuditEntry.id)).first(),
        }


@pytest.fixture(params=BACKENDS)
def source(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    folder = tmp_path / "source"
    folder.mkdir()
    with fresh_database(request.param, folder) as url:
        engine = make_engine(url)
        _fill(engine)
        yield engine
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    folder = tmp_path / "target"
    folder.mkdir()
    with fresh_database(request.param, folder) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_round_trip_between_backends(source: Engine, target: Engine, tmp_path: Path) -> None:
    path = tmp_path / "register.zip"
    written = backup.backup(source, path)
    before_counts, before = _counts(source), _sample(source)
    assert written.rows == sum(before_counts.values())
    assert before_counts["attachment"] == 1 and before_counts["audit_log"] >= 3

    restored = backup.restore(target, path)  # an empty database: migrated, then loaded
    assert restored.rows == written.rows
    after_counts = _counts(target)
    assert after_counts == before_counts | {"audit_log": before_counts["audit_log"] + 1}  # + backup.restore
    assert _sample(target) | {"audit_first": None} == before | {"audit_first": None}
    with session_scope(target) as session:
        result = audit.verify(session)
        assert result.ok, result.describe()
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and last.action == "backup.restore"
        # ids continue after the restored ones (PostgreSQL sequences were moved on)
        accounts.create_user(session, "after_restore", "Test-Passw0rd!", "viewer")
        assert accounts.authenticate(session, "dept", "Test-Passw0rd!").username == "dept"


def test_restore_refuses_a_non_empty_register_unless_forced(source: Engine, tmp_path: Path) -> None:
    path = tmp_path / "register.zip"
    backup.backup(source, path)
    with session_scope(source) as session:
        accounts.create_user(session, "late_user", "Test-Passw0rd!", "viewer")
    counts = _counts(source)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(source, path)
    assert _counts(source) == counts
    backup.restore(source, path, force=True)
    with session_scope(source) as session:
        assert session.scalar(select(UserAccount).where(UserAccount.username == "late_user")) is None
        assert audit.verify(session).ok


def _rewrite(path: Path, out: Path, change: Any) -> None:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, change(info.filename, data))


@pytest.mark.parametrize("backend", ["sqlite"])
def test_restore_refuses_bad_files_and_writes_nothing(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        engine = make_engine(url)
        _fill(engine)
        good = tmp_path / "good.zip"
        backup.backup(engine, good)
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")

    def revision(name: str, data: bytes) -> bytes:
        if name != backup.MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["alembic_revision"] = "0001"
        return json.dumps(manifest).encode()

    def tamper(name: str, data: bytes) -> bytes:
        return data.replace("已完成方案编制".encode(), "全部完成了啊啊".encode()) if name.endswith("progress_report.jsonl") else data

    cases = {"other_revision.zip": (revision, "schema revision"), "tampered.zip": (tamper, "checksum")}
    for name, (change, message) in cases.items():
        _rewrite(good, tmp_path / name, change)
        with pytest.raises(backup.BackupError, match=message):
            backup.restore(empty, tmp_path / name)
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(backup.BackupError, match="not a luoshi backup"):
        backup.restore(empty, tmp_path / "junk.zip")
    with pytest.raises(backup.BackupError, match="no such file"):
        backup.restore(empty, tmp_path / "missing.zip")
    with empty.connect() as connection:  # nothing written: not even the schema
        assert backup.database_revision(connection) is None
    engine.dispose()
    empty.dispose()


def test_restore_refuses_a_database_at_another_revision(tmp_path: Path) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    _fill(source)
    backup.backup(source, tmp_path / "b.zip")
    older = make_engine(f"sqlite:///{tmp_path / 'older.db'}")
    upgrade(older, "0001")
    with pytest.raises(backup.BackupError, match="revision 0001"):
        backup.restore(older, tmp_path / "b.zip")
    with older.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM document")).scalar() == 0
    source.dispose()
    older.dispose()


def test_cli_backup_and_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    _fill(source)
    monkeypatch.setenv("LUOSHI_DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    r = runner.invoke(app, ["backup", str(tmp_path / "b.zip")])
    assert r.exit_code == 0, r.output
    assert "wrote" in r.stdout and "schema revision" in r.stdout
    r = runner.invoke(app, ["restore", str(tmp_path / "b.zip")])
    assert r.exit_code == 1 and "not empty" in r.output and "--force" in r.output
    r = runner.invoke(app, ["restore", str(tmp_path / "b.zip"), "--force"])
    assert r.exit_code == 0, r.output
    monkeypatch.setenv("LUOSHI_DATABASE_URL", f"sqlite:///{tmp_path / 'c.db'}")
    r = runner.invoke(app, ["restore", str(tmp_path / "b.zip")])
    assert r.exit_code == 0, r.output
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    c = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    with session_scope(c) as session:
        assert session.scalar(select(func.count()).select_from(TaskRow)) == _counts(source)["task"]
    source.dispose()
    c.dispose()
