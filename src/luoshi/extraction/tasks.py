"""Tasks (重点任务): numbered items that carry a responsibility attribution.

Three forms are recognised:
- prose: the item's own text closes with an attribution parenthesis;
- duty: the item opens with its department as subject (（二）市生态环境局负责…);
- table: rows of a task table (序号 / 任务 / 完成时限 / 责任部门), tab-separated or flattened
  one cell per line as PDF conversion leaves them (:mod:`luoshi.extraction.flat_tables`).

Spans are in the coordinates of the normalized text given; the pipeline maps them back.
"""

from __future__ import annotations

import re

from luoshi.extraction.deadlines import first_deadline, parse_deadline
from luoshi.extraction.departments import DepartmentDictionary
from luoshi.extraction.flat_tables import flat_table_tasks
from luoshi.extraction.model import Task
from luoshi.extraction.responsibility import (
    PAREN_GROUP,
    ROLE_LINE,
    parse_attribution,
    parse_duty,
    segment_names,
)
from luoshi.extraction.structure import Node
from luoshi.extraction.tables import find_tables

_WS = re.compile(r"\s+")


def _attribution_group(own: str) -> re.Match[str] | None:
    """The last parenthesized group of an item's own text that reads as an attribution."""
    groups = [
        m for m in PAREN_GROUP.finditer(own)
        if re.search(r"负责|牵头|落实|配合|责任(?:单位|部门|处室)", m.group(1))
    ]  # fmt: skip
    return groups[-1] if groups else None


def prose_tasks(text: str, nodes: list[Node], d: DepartmentDictionary) -> list[Task]:
    tasks: list[Task] = []
    standing: tuple[str, ...] = ()
    for node in nodes:
        own_end = node.own_end
        own = text[node.start : own_end]
        body = text[node.body : own_end]
        group = _attribution_group(own)
        attribution = parse_attribution(group.group(1), d) if group else None
        if attribution is None:
            line = ROLE_LINE.search(own)  # 责任单位：… written without parentheses
            if line:
                group = None
                attribution = parse_attribution(line.group(0), d)
        source = "prose"
        if attribution is None:
            attribution = parse_duty(body.lstrip(), d)
            source = "duty"
        if attribution is None:
            continue
        if attribution.standing_rule:
            standing = attribution.implementing or standing
        implementing = attribution.implementing or standing
        end = node.start + (group.end() if group and source == "prose" else len(own.rstrip()))
        task_text = text[node.start : end].strip()
        tasks.append(
            Task(
                label=node.label,
                path=node.path,
                title=node.title,
                text=task_text,
                responsible=attribution.responsible,
                lead=attribution.lead,
                implementing=implementing,
                deadline=first_deadline(task_text),
                span=(node.start, end),
                source=source,
            )
        )
    return tasks


_TASK_HEADER = re.compile(r"责任(?:部门|单位|主体)|牵头(?:部门|单位)|配合(?:部门|单位)")
_PROJECT_HEADER = re.compile(r"项目名称|工程名称")


def table_tasks(text: str, d: DepartmentDictionary) -> list[Task]:
    """Tasks from tab-separated tables whose header names the responsible units."""
    tasks: list[Task] = []
    for table in find_tables(text):
        head = "".join(table.header)
        if not _TASK_HEADER.search(head) or _PROJECT_HEADER.search(head):
            continue
        c_no = table.column(r"序号|编号")
        c_task = table.column(r"任务|工作|内容|事项|措施")
        c_deadline = table.column(r"时限|时间|期限|进度")
        c_lead = table.column(r"牵头")
        c_resp = table.column(r"责任(?:部门|单位|主体)")
        c_help = table.column(r"配合|协办|参与")
        for row in table.rows:
            lead = segment_names(row.cell(c_lead), d) if c_lead is not None else []
            resp = segment_names(row.cell(c_resp), d) if c_resp is not None else []
            helpers = segment_names(row.cell(c_help), d) if c_help is not None else []
            responsible = tuple(dict.fromkeys([*lead, *resp, *helpers]))
            if not responsible:
                continue
            body = row.cell(c_task) if c_task is not None else ""
            tasks.append(
                Task(
                    label=_WS.sub("", row.cell(c_no)) if c_no is not None else str(len(tasks) + 1),
                    path=(),
                    title=body[:40],
                    text=body,
                    responsible=responsible,
                    lead=tuple(lead),
                    deadline=parse_deadline(row.cell(c_deadline)) if c_deadline is not None else None,
                    span=row.span,
                    source="table",
                )
            )
    return tasks


def extract_tasks(text: str, nodes: list[Node], d: DepartmentDictionary) -> list[Task]:
    """Every task of a normalized document text, in document order."""
    tasks = prose_tasks(text, nodes, d) + table_tasks(text, d) + flat_table_tasks(text, d)
    return sorted(tasks, key=lambda t: t.span[0])
