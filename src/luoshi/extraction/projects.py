"""Projects (重点工程项目): rows of project tables with name, content, investment, owner, time."""

from __future__ import annotations

import re

from luoshi.extraction.deadlines import parse_deadline
from luoshi.extraction.departments import DepartmentDictionary
from luoshi.extraction.model import Deadline, Project
from luoshi.extraction.responsibility import segment_names
from luoshi.extraction.tables import find_tables

_PROJECT_HEADER = re.compile(r"项目名称|工程名称|项目")
_AMOUNT = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<mag>亿|万)?")


def parse_investment(cell: str, header: str) -> float | None:
    """An investment in 万元: ``1500万元`` → 1500, ``1.2亿元`` → 12000, ``—`` → None.

    A bare number takes the unit the column header states (计划投资（万元）/（亿元）).
    """
    m = _AMOUNT.search(cell.replace(",", ""))
    if not m:
        return None
    value = float(m.group("n"))
    magnitude = m.group("mag") or ("亿" if "亿元" in header else "万")
    return value * 10000 if magnitude == "亿" else value


def extract_projects(text: str, d: DepartmentDictionary) -> list[Project]:
    projects: list[Project] = []
    for table in find_tables(text):
        c_name = table.column(r"项目名称|工程名称|名称")
        if c_name is None or not _PROJECT_HEADER.search("".join(table.header)):
            continue
        c_cat = table.column(r"类别|分类|类型")
        c_no = table.column(r"序号|编号")
        c_content = table.column(r"内容|规模")
        c_invest = table.column(r"投资|资金")
        c_resp = table.column(r"责任|牵头|实施|业主")
        c_time = table.column(r"时间|时限|年限|进度")
        category: str | None = None
        for row in table.rows:
            name = row.cell(c_name)
            if not name:
                continue
            category = row.cell(c_cat) or category
            deadline: Deadline | None = None
            time_cell = row.cell(c_time)
            if time_cell:
                deadline = parse_deadline(time_cell) or Deadline(time_cell, "within")
                deadline = Deadline(time_cell, deadline.kind, deadline.year, deadline.month)
            projects.append(
                Project(
                    name=name,
                    content=row.cell(c_content) or None,
                    investment_wan_yuan=parse_investment(
                        row.cell(c_invest), table.header[c_invest] if c_invest is not None else ""
                    ),
                    responsible=tuple(segment_names(row.cell(c_resp), d)),
                    deadline=deadline,
                    span=row.span,
                    category=category,
                    number=row.cell(c_no) or None,
                )
            )
    return projects
