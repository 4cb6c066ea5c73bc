"""Importing: idempotent, all-or-nothing, and kind to review across new versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from registry_support import TEXT_V1, TEXT_V2, FakeExtractor, plan
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from luoshi.errors import DocumentError, ExtractionError
from luoshi.registry import confirm, correct, effective, import_paths, reject, summary
from luoshi.registry.db import session_scope
from luoshi.registry.models import (
    Base,
    Correction,
    Department,
    Document,
    ProjectRow,
    SourceFileRow,
    TargetRow,
    TaskRow,
)


def counts(session: Session) -> dict[str, int]:
    models: list[type[Base]] = [
        SourceFileRow,
        Document,
        TaskRow,
        TargetRow,
        ProjectRow,
        Department,
        Correction,
    ]
    return {
        m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0 for m in models
    }


def task(session: Session, label: str) -> TaskRow:
    return session.scalars(select(TaskRow).where(TaskRow.label == label)).one()


def target(session: Session, indicator: str, scope: str | None = None) -> TargetRow:
    query = select(TargetRow).where(TargetRow.indicator == indicator)
    query = query.where(TargetRow.scope.is_(None) if scope is None else TargetRow.scope == scope)
    return session.scalars(query).one()


def test_import_then_reimport_is_unchanged(engine: Engine, fake: FakeExtractor) -> None:
    path = fake.write("plan.txt", TEXT_V1, [plan(1)])
    with session_scope(engine) as session:
        report = import_paths(session, [path], extract=fake)
    file = report.files[0]
    assert (file.status, file.documents, file.tasks, file.targets, file.projects) == (
        "imported",
        1,
        2,
        3,
        1,
    )
    assert file.departments == 5  # 生态环境局, 发改委 (alias), 专班 (unknown), 住建局, 水利局
    with session_scope(engine) as session:
        before = counts(session)
        source = session.scalars(select(SourceFileRow)).one()
        assert source.text == TEXT_V1 and source.imported_at.tzinfo is not None

    with session_scope(engine) as session:
        again = import_paths(session, [path], extract=fake)
    assert again.files[0].status == "unchanged" and fake.calls == 1  # not even extracted again
    with session_scope(engine) as session:
        assert counts(session) == before


def test_one_bad_path_writes_nothing(engine: Engine, fake: FakeExtractor, tmp_path: Path) -> None:
    good = fake.write("plan.txt", TEXT_V1, [plan(1)])
    with pytest.raises(DocumentError, match="missing.txt"), session_scope(engine) as session:
        import_paths(session, [good, tmp_path / "missing.txt"], extract=fake)
    with session_scope(engine) as session:
        assert set(counts(session).values()) == {0}


def test_file_without_items_is_refused_and_nothing_written(
    engine: Engine, fake: FakeExtractor
) -> None:
    good = fake.write("plan.txt", TEXT_V1, [plan(1)])
    empty = fake.write("empty.txt", "无任务的通知", [])
    refused = pytest.raises(ExtractionError, match="no tasks, targets or projects found")
    with refused, session_scope(engine) as session:
        import_paths(session, [good, empty], extract=fake)
    with session_scope(engine) as session:
        assert counts(session)["source_file"] == 0 and counts(session)["task"] == 0


def test_review_survives_a_new_version(engine: Engine, fake: FakeExtractor) -> None:
    v1 = fake.write("plan-v1.txt", TEXT_V1, [plan(1)])
    v2 = fake.write("plan-v2.txt", TEXT_V2, [plan(2)])
    with session_scope(engine) as session:
        import_paths(session, [v1], extract=fake)
    with session_scope(engine) as session:
        correct(
            session, target(session, "PM2.5浓度"), "value", 29, by="王工", note="以正式文件为准"
        )
        confirm(session, task(session, "1"), by="王工")
        reject(session, target(session, "空气质量优良天数比率"), by="李工", note="重复指标")
        pm_id = target(session, "PM2.5浓度").id

    with session_scope(engine) as session:
        report = import_paths(session, [v2], extract=fake)
    file = report.files[0]
    assert file.status == "new_version"
    assert (file.added, file.superseded) == (1, 1)  # task 3 new, task 2 gone

    with session_scope(engine) as session:
        pm = target(session, "PM2.5浓度")
        assert pm.id == pm_id and pm.value == 28.0  # extracted value follows the new version
        assert (
            pm.review_state == "corrected" and effective(pm)["value"] == 29
        )  # the correction wins
        assert target(session, "空气质量优良天数比率").review_state == "rejected"
        t1 = task(session, "1")
        assert t1.review_state == "confirmed" and t1.text == "全面推进燃煤锅炉整治。"
        assert t1.changed_after_review_at is not None  # flagged for a second look
        t2 = task(session, "2")
        assert t2.superseded and t2.superseded_at is not None  # kept, not deleted
        assert task(session, "3").review_state == "extracted"
        documents = session.scalars(select(Document).order_by(Document.id)).all()
        assert [d.superseded_at is not None for d in documents] == [True, False]
        assert documents[0].superseded_by_id == documents[1].id
        assert t1.document_id == documents[1].id and t2.document_id == documents[0].id
        assert t1.section is not None and t1.section.parent is not None
        assert t1.section.parent.label == "一"
        assert len(documents[1].sections) == 2  # every section stored, not only those tasks use

        (current,) = summary(session)
        assert current.id == documents[1].id and current.doc_number == "通政办发〔2024〕12号"
        # tasks 1 and 3; targets without the rejected one; superseded task 2 not counted
        assert (current.tasks, current.targets, current.projects, current.rejected) == (2, 2, 1, 1)
        assert current.departments == 5  # 生态环境局, 发改委, 专班, 交通运输局, 水利局

    # the old file again: its bytes are known, so nothing changes
    with session_scope(engine) as session:
        assert import_paths(session, [v1], extract=fake).files[0].status == "unchanged"
        assert not task(session, "3").superseded


def test_a_superseded_item_comes_back_when_a_later_version_has_it(
    engine: Engine, fake: FakeExtractor
) -> None:
    v1 = fake.write("v1.txt", TEXT_V1, [plan(1)])
    v2 = fake.write("v2.txt", TEXT_V2, [plan(2)])
    v3 = fake.write("v3.txt", TEXT_V1 + "\n（第三版）", [plan(1)])
    with session_scope(engine) as session:
        import_paths(session, [v1, v2, v3], extract=fake)  # one call, three versions
    with session_scope(engine) as session:
        assert not task(session, "2").superseded and task(session, "3").superseded
        assert session.scalar(select(func.count()).select_from(TaskRow)) == 3


def test_default_extraction_is_the_pipeline(
    engine: Engine, fake: FakeExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import luoshi.pipeline as pipeline

    path = fake.write("plan.txt", TEXT_V1, [plan(1)])
    monkeypatch.setattr(pipeline, "extract_path", fake)
    with session_scope(engine) as session:
        assert import_paths(session, [path]).files[0].status == "imported"
