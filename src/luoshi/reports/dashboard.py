"""The dashboard's figures from a scorecard snapshot: counts by status per plan, department and
district, the overdue and due-soon lists, and the targets due in a year by status."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from luoshi.services.scorecard import Snapshot, TargetFact, TaskFact, is_district


def _group(tasks: Iterable[TaskFact]) -> dict[str, Any]:
    counts: dict[str, int] = defaultdict(int)
    total = overdue = 0
    for task in tasks:
        total += 1
        counts[task.status] += 1
        overdue += task.overdue
    return {"tasks": total, "overdue": overdue, "by_status": dict(counts), "done": counts["done"]}


def _target_counts(targets: Iterable[TargetFact]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for target in targets:
        counts[target.status] += 1
    return dict(counts)


def summarize(
    snap: Snapshot, visible: set[int] | None, unit_id: int | None = None,
    year: int = 2025, limit: int = 20,
) -> dict[str, Any]:  # fmt: skip
    """Everything the dashboard shows, for the tasks in ``visible`` (None: all). A unit user's
    department breakdown is narrowed to ``unit_id``; targets are city-wide for everyone."""
    tasks = [t for t in snap.tasks.values() if visible is None or t.id in visible]
    per_plan: dict[int, list[TaskFact]] = defaultdict(list)
    per_unit: dict[int, list[TaskFact]] = defaultdict(list)
    for task in tasks:
        per_plan[task.document_id].append(task)
        for dept_id in task.department_ids:
            if unit_id is None or dept_id == unit_id:
                per_unit[dept_id].append(task)
    targets_per_plan: dict[int, list[TargetFact]] = defaultdict(list)
    for target in snap.targets.values():
        targets_per_plan[target.document_id].append(target)
    plans = [
        {"id": doc_id, "title": doc["title"], **_group(per_plan.get(doc_id, [])),
         "targets": _target_counts(targets_per_plan.get(doc_id, []))}
        for doc_id, doc in snap.documents.items()
        if per_plan.get(doc_id) or targets_per_plan.get(doc_id)
    ]  # fmt: skip
    units = sorted(
        ({"id": d, "name": snap.departments.get(d, "?"), **_group(ts)} for d, ts in per_unit.items()),
        key=lambda u: (-u["tasks"], u["name"]),
    )
    overdue = sorted((t for t in tasks if t.overdue), key=lambda t: (t.deadline or snap.today, t.id))
    due_soon = sorted((t for t in tasks if t.due_soon), key=lambda t: (t.deadline or snap.today, t.id))
    current = [t for t in snap.targets.values() if t.year == year]
    return {
        "today": snap.today,
        "tasks": _group(tasks),
        "plans": plans,
        "departments": [u for u in units if not is_district(u["name"])],
        "districts": [u for u in units if is_district(u["name"])],
        "overdue": overdue[:limit],
        "overdue_total": len(overdue),
        "due_soon": due_soon[:limit],
        "due_soon_total": len(due_soon),
        "targets": _target_counts(snap.targets.values()),
        "targets_total": len(snap.targets),
        "year": year,
        "year_targets": _target_counts(current),
        "year_total": len(current),
    }
