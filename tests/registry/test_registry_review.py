"""Review: corrections overlay extracted values, bad input is refused by field name."""

from __future__ import annotations

import pytest
from registry_support import TEXT_V1, FakeExtractor, plan
from sqlalchemy import Engine, select

from luoshi.errors import RegistryError
from luoshi.registry import (
    confirm,
    correct,
    effective,
    history,
    import_paths,
    reject,
    targets_for_conflicts,
)
from luoshi.registry.db import session_scope
from luoshi.registry.models import Correction, ProjectRow, TargetRow, TaskRow
from luoshi.registry.review import get_item


@pytest.fixture
def imported(engine: Engine, fake: FakeExtractor) -> Engine:
    with session_scope(engine) as session:
        import_paths(session, [fake.write("plan.txt", TEXT_V1, [plan(1)])], extract=fake)
    return engine


@pytest.mark.parametrize(
    ("field", "value"),
    [("colour", "red"), ("comparator", "more"), ("value", "ten"), ("value", True), ("year", 20255),
     ("month", 13), ("recurring", "yes"), ("indicator", "  ")],
)  # fmt: skip
def test_correct_refuses_bad_field_or_value(imported: Engine, field: str, value: object) -> None:
    with session_scope(imported) as session:
        item = session.scalars(select(TargetRow)).first()
        assert item is not None
        with pytest.raises(RegistryError, match=field):
            correct(session, item, field, value, by="王工")
        assert item.review_state == "extracted"
        assert session.scalars(select(Correction)).all() == []


def test_effective_and_history(imported: Engine) -> None:
    with session_scope(imported) as session:
        pm = session.scalars(select(TargetRow).where(TargetRow.scope.is_(None))).first()
        assert pm is not None
        correct(session, pm, "comparator", "=", by="王工")
        correct(session, pm, "value", 25, by="王工")
        correct(session, pm, "value", 26.5, by="李工", note="复核")
        values = effective(pm)
        assert (values["comparator"], values["value"], pm.value) == ("=", 26.5, 30.0)
        fields = [(c.field, c.new_value, c.by) for c in history(session, pm)]
        assert fields == [
            ("comparator", "=", "王工"), ("review_state", "corrected", "王工"),
            ("value", 25.0, "王工"), ("value", 26.5, "李工"),
        ]  # fmt: skip
        assert history(session, pm)[-1].old_value == 25.0
        confirm(session, pm, by="赵工")
        assert pm.review_state == "corrected"  # confirming keeps the correction visible


def test_department_corrections_use_canonical_names(imported: Engine) -> None:
    with session_scope(imported) as session:
        t1 = session.scalars(select(TaskRow).where(TaskRow.label == "1")).one()
        assert effective(t1)["responsible"] == [
            "市生态环境局",
            "市发展和改革委员会",
            "市锅炉整治专班",
        ]
        assert effective(t1)["lead"] == ["市生态环境局"]
        correct(session, t1, "lead", ["市发改委"], by="王工")
        assert effective(t1)["lead"] == ["市发展和改革委员会"]
        with pytest.raises(RegistryError, match="responsible"):
            correct(session, t1, "responsible", "市发改委", by="王工")
        project = session.scalars(select(ProjectRow)).one()
        with pytest.raises(RegistryError, match="investment_wan_yuan"):
            correct(session, project, "investment_wan_yuan", -1, by="王工")


def test_reject_needs_a_note_and_never_deletes(imported: Engine) -> None:
    with session_scope(imported) as session:
        item = get_item(session, "task", 1)
        with pytest.raises(RegistryError, match="note"):
            reject(session, item, by="王工", note=" ")
        reject(session, item, by="王工", note="不是任务")
    with session_scope(imported) as session:
        assert get_item(session, "task", 1).review_state == "rejected"
        with pytest.raises(RegistryError, match="no task with id 999"):
            get_item(session, "task", 999)


def test_targets_for_conflicts_uses_effective_values(imported: Engine) -> None:
    with session_scope(imported) as session:
        targets = session.scalars(select(TargetRow).order_by(TargetRow.id)).all()
        correct(session, targets[0], "value", 27, by="王工")
        reject(session, targets[1], by="王工", note="重复")
    with session_scope(imported) as session:
        records = targets_for_conflicts(session)
    assert [(r.indicator, r.scope, r.value) for r in records] == [
        ("PM2.5浓度", None, 27), ("PM2.5浓度", "海门区", 32.0),
    ]  # fmt: skip
    first = records[0]
    assert (
        first.document_title == "南通市生态环境保护工作方案"
        and first.doc_number == "通政办发〔2024〕12号"
    )
    assert first.span == (1, 5) and first.text.startswith("PM2.5") and first.unit == "微克/立方米"
