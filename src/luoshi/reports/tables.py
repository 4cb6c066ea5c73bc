"""The office's task breakdown (任务分解表): one row per task, in the columns it sends upward."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from luoshi.services.scorecard import NO_REPORT, Snapshot, TaskFact

HEADERS = ("序号", "重点工作任务", "完成时限", "责任部门", "最新进展状态", "完成进度", "进展情况")
STATUS_TEXT = {
    "not_started": "未启动", "in_progress": "推进中", "done": "已完成", "delayed": "滞后",
    "blocked": "受阻", NO_REPORT: "未报送",
}  # fmt: skip


@dataclass(frozen=True)
class TaskLine:
    number: int
    task: str
    deadline: str
    departments: str
    status: str
    percent: str
    progress: str

    def cells(self) -> tuple[object, ...]:
        return (self.number, self.task, self.deadline, self.departments, self.status, self.percent, self.progress)


def deadline_text(task: TaskFact) -> str:
    if task.deadline_text:
        return task.deadline_text
    if task.deadline_kind == "ongoing":
        return "长期坚持"
    if task.deadline_year is None:
        return ""
    return f"{task.deadline_year}年{task.deadline_month or 12}月底前"


def departments_text(task: TaskFact) -> str:
    """Lead first, each marked （牵头）, then the others in printed order."""
    return "、".join([f"{name}（牵头）" for name in task.lead] + task.others)


def task_lines(tasks: Iterable[TaskFact], *, accepted_only: bool = False) -> list[TaskLine]:
    """Rows in plan order; ``accepted_only`` shows only progress the office accepted."""
    lines = []
    for number, task in enumerate(sorted(tasks, key=lambda t: (t.document_id, t.id)), start=1):
        report = task.accepted if accepted_only else task.report
        title = f"{task.label}. {task.title}" if task.label and task.title else task.title
        progress = f"{report['period']}：{report['narrative']}" if report and report["narrative"] else ""
        lines.append(
            TaskLine(
                number, title, deadline_text(task), departments_text(task),
                STATUS_TEXT.get(report["status"] if report else NO_REPORT, ""),
                f"{report['percent']}%" if report else "", progress,
            )
        )  # fmt: skip
    return lines


def plan_tasks(snap: Snapshot, document_id: int, visible: set[int] | None) -> list[TaskFact]:
    return [
        t for t in snap.tasks.values()
        if t.document_id == document_id and (visible is None or t.id in visible)
    ]  # fmt: skip


def department_tasks(snap: Snapshot, department_id: int, visible: set[int] | None) -> list[TaskFact]:
    return [
        t for t in snap.tasks.values()
        if department_id in t.department_ids and (visible is None or t.id in visible)
    ]  # fmt: skip


def to_csv(lines: list[TaskLine]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(line.cells() for line in lines)
    return out.getvalue().encode("utf-8-sig")
