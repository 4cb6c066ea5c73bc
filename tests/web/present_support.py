"""Helpers for the presentation tests: direct database access to the shared seeded register."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.registry.db import make_engine, session_scope
from luoshi.registry.models import Department, Document, TargetRow, TaskDepartment, TaskRow
from luoshi.registry.tracking import Observation, ProgressReport, ReportingPeriod

PLAN_TITLE = "全面推进美丽南通建设实施方案"


@contextmanager
def db(url: str) -> Iterator[Session]:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def plan_id(url: str) -> int:
    with db(url) as s:
        return s.scalars(select(Document.id).where(Document.title == PLAN_TITLE)).one()


def unit_tasks(url: str, unit: str) -> set[int]:
    """Tasks on which ``unit`` is lead or responsible."""
    with db(url) as s:
        query = (
            select(TaskDepartment.task_id)
            .join(Department, Department.id == TaskDepartment.department_id)
            .join(TaskRow, TaskRow.id == TaskDepartment.task_id)
            .where(Department.name == unit, TaskDepartment.role.in_(("lead", "responsible")))
            .where(TaskRow.superseded.is_(False), TaskRow.review_state != "rejected")
        )
        return set(s.scalars(query))


def department_id(url: str, name: str) -> int:
    with db(url) as s:
        return s.scalars(select(Department.id).where(Department.name == name)).one()


def target_id(url: str, indicator: str, comparator: str) -> int:
    with db(url) as s:
        return s.scalars(
            select(TargetRow.id)
            .where(TargetRow.indicator == indicator, TargetRow.comparator == comparator)
            .where(TargetRow.superseded.is_(False), TargetRow.review_state != "rejected")
            .order_by(TargetRow.id)
        ).first() or 0


def add_observations(url: str, target: int, points: list[tuple[int, float]], unit: str | None) -> None:
    with db(url) as s:
        indicator = s.get(TargetRow, target).indicator  # type: ignore[union-attr]
        for year, value in points:
            s.add(Observation(target_id=target, indicator=indicator, region="南通市", period=str(year),
                              year=year, value=value, unit=unit, source="test"))  # fmt: skip


def add_report(url: str, task: int, unit_id: int, status: str, state: str, percent: int = 50) -> None:
    """A report for ``task`` in a fresh period of its own (labels are unique per plan)."""
    with db(url) as s:
        key = s.get(TaskRow, task).document_key  # type: ignore[union-attr]
        period = ReportingPeriod(document_key=key, label="t" + uuid.uuid4().hex[:10],
                                 starts_on=date(2099, 1, 1), ends_on=date(2099, 3, 31), due_on=date(2099, 4, 10))  # fmt: skip
        s.add(period)
        s.flush()
        s.add(ProgressReport(task_id=task, period_id=period.id, unit_id=unit_id, status=status,
                             percent=percent, narrative=f"测试进展{status}", state=state))  # fmt: skip
