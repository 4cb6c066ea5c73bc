"""Task tables flattened one cell per line, as PDF converters leave them.

The header names the columns, either on one line (``序号 重点工作任务 完成时限 责任部门``,
tab-separated or glued) or one cell per line over consecutive lines (序号 / 工作任务 / 责任单位
/ 完成时限). Its order decides how a row is read: after the bare row number come the task
cell (possibly after a merged group cell such as ``（一）实施绿色低…``), the department cells
(one or more names per line) and the deadline cell, in the header's order. A header repeated
after a page break is skipped; rows are numbered 1, 2, 3 … across pages.

Spans are in the coordinates of the normalized text given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luoshi.extraction.deadlines import DEADLINE, first_deadline, parse_deadline
from luoshi.extraction.departments import NOT_A_DEPARTMENT, DepartmentDictionary
from luoshi.extraction.model import Task
from luoshi.extraction.responsibility import IMPLEMENTING, segment_names

# Column kinds by header cell; the first pattern that matches decides.
_COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("no", re.compile(r"^(?:序号|编号)$")),
    ("lead", re.compile(r"牵头(?:部门|单位)")),
    ("dept", re.compile(r"(?:责任|配合|协办|参与|主办|主责)(?:部门|单位|主体)")),
    ("deadline", re.compile(r"时限|时间|期限|进度|时序")),
    ("task", re.compile(r"任务|工作|内容|事项|措施|举措")),
)
# Header cells glued on one line (序号重点工作任务完成时限责任部门).
_GLUED_CELL = re.compile(
    r"序号|编号|牵头(?:部门|单位)|(?:责任|配合|协办|参与|主办|主责)(?:部门|单位|主体)"
    r"|(?:完成|办结|实施)?(?:时限|时间|期限|进度)|(?:重点|主要|具体)?(?:工作)?(?:任务|内容|事项|措施|举措)(?:内容)?"
)
_GROUP_CELL = re.compile(r"^（[一二三四五六七八九十]+）")
_DEADLINE_CELL = re.compile(r"^(?:" + DEADLINE.pattern + r")")
_DEADLINE_REST = re.compile(r"^(?:前|完成|建成|以前)?$")


@dataclass(frozen=True)
class _Header:
    columns: tuple[str, ...]  # kinds after the row number column
    end: int  # index of the line after the header


def _kind(cell: str) -> str | None:
    cell = re.sub(r"\s+", "", cell)
    if not cell or len(cell) > 12 or re.search(r"\d", cell):
        return None
    return next((kind for kind, pattern in _COLUMNS if pattern.search(cell)), None)


def _header_at(lines: list[tuple[int, str]], i: int) -> _Header | None:
    """The task-table header starting at line ``i``, if there is one."""
    line = lines[i][1].strip()
    if "\t" in line:
        kinds = [_kind(c) for c in line.split("\t")]
        columns = [k for k in kinds if k is not None]
        end = i + 1
    elif re.match(r"^(?:序号|编号)$", line):  # one cell per line
        columns = ["no"]
        end = i + 1
        while end < len(lines) and len(columns) < 8 and (k := _kind(lines[end][1])) not in (None, "no"):
            columns.append(k)
            end += 1
    elif re.match(r"^(?:序号|编号)", line) and len(line) <= 40:
        cells = [m.group() for m in _GLUED_CELL.finditer(line)]
        if sum(map(len, cells)) < len(line) - 2:
            return None
        columns = [k for c in cells if (k := _kind(c)) is not None]
        end = i + 1
    else:
        return None
    if not columns or columns[0] != "no" or "task" not in columns:
        return None
    if not {"dept", "lead"} & set(columns):
        return None
    return _Header(tuple(columns[1:]), end)


class _Rows:
    """Reads the rows of one flattened table; ``lines`` is changed in place when a deadline
    cell is glued to the department cell after it (``2025年市工信局``)."""

    def __init__(self, lines: list[tuple[int, str]], d: DepartmentDictionary) -> None:
        self.lines = lines
        self.d = d

    def names(self, line: str) -> list[str] | None:
        """The departments of a department cell line; ``[]`` for a vague or implementing body
        (各区人民政府), ``None`` if the line is not a department cell."""
        cell = line.strip()
        if not cell or len(cell) > 40 or re.search(r"[。；：]", cell):
            return None
        found = segment_names(cell, self.d)
        if found:
            return found
        if len(cell) <= 20 and (IMPLEMENTING.search(cell) or NOT_A_DEPARTMENT.search(cell)):
            return []
        return None

    def deadline(self, line: str) -> tuple[str, str] | None:
        """(deadline text, rest of the line) when ``line`` is a deadline cell."""
        m = _DEADLINE_CELL.match(line.strip())
        if not m:
            return None
        rest = line.strip()[m.end() :]
        if _DEADLINE_REST.match(rest) or self.names(rest):
            return m.group(0), rest if self.names(rest) else ""
        return None

    def starts(self, kind: str | None, line: str, expected: int) -> bool:
        """True when ``line`` begins a cell of ``kind`` (``None``: the next row)."""
        if line.strip() == str(expected + 1) or _header_line(line):
            return True
        if kind in ("dept", "lead"):
            return self.names(line) is not None
        if kind == "deadline":
            return self.deadline(line) is not None
        return False

    def read(self, i: int, label: str, header: _Header, expected: int) -> tuple[Task | None, int]:
        """The row whose number line is ``lines[i]``; returns the task and the next index."""
        lines = self.lines
        start = lines[i][0]
        i += 1
        end = start + len(label)
        body: list[str] = []
        lead: list[str] = []
        names: list[str] = []
        deadline_text = ""
        columns = header.columns
        for c, kind in enumerate(columns):
            following = columns[c + 1 :]
            nxt = next((k for k in following if k != "task"), None)
            if kind == "task":
                if i < len(lines) and _GROUP_CELL.match(lines[i][1]):
                    while (
                        i < len(lines)
                        and len(lines[i][1]) <= 12
                        and not self.starts(nxt, lines[i][1], expected)
                    ):
                        i += 1  # a merged group cell (（一）实施绿色低 / 碳发展行动 …)
                while i < len(lines) and (not body or not self.starts(nxt, lines[i][1], expected)):
                    if lines[i][1].strip() == str(expected + 1) or _header_line(lines[i][1]):
                        break
                    body.append(lines[i][1].strip())
                    end = lines[i][0] + len(lines[i][1])
                    i += 1
            elif kind in ("dept", "lead"):
                first = True
                while i < len(lines) and lines[i][1].strip() != str(expected + 1):
                    found = self.names(lines[i][1])
                    if found is None:
                        break
                    if kind == "lead" and (first or not following or following[0] != "dept"):
                        lead.extend(found)
                    names.extend(found)
                    end = lines[i][0] + len(lines[i][1])
                    i += 1
                    first = False
                    if kind == "lead" and following and following[0] == "dept":
                        break  # a lead cell is one line; the next lines fill the next column
            elif kind == "deadline" and i < len(lines):
                cell = self.deadline(lines[i][1])
                if cell is not None:
                    deadline_text, rest = cell
                    if rest:  # 2025年市工信局: the department cell follows on the same line
                        pos, line = lines[i]
                        lines[i] = (pos + len(line) - len(rest), rest)
                    else:
                        end = lines[i][0] + len(lines[i][1])
                        i += 1
        if not names:
            return None, i
        task_text = "".join(body)
        task = Task(
            label=label,
            path=(),
            title=task_text[:40],
            text=task_text,
            responsible=tuple(dict.fromkeys(names)),
            lead=tuple(dict.fromkeys(lead)),
            deadline=parse_deadline(deadline_text) if deadline_text else first_deadline(task_text),
            span=(start, end),
            source="table",
        )
        return task, i


def _header_line(line: str) -> bool:
    return bool(re.match(r"^(?:序号|编号)", line.strip()))


def flat_table_tasks(text: str, d: DepartmentDictionary) -> list[Task]:
    """Tasks from task tables flattened one cell per line."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    rows = _Rows(lines, d)
    tasks: list[Task] = []
    header: _Header | None = None
    expected = 1
    i = 0
    while i < len(lines):
        line = lines[i][1].strip()
        found = _header_at(lines, i) if _header_line(line) else None
        if found is not None:
            restart = found.end < len(lines) and lines[found.end][1].strip() == "1"
            if header is None or found.columns != header.columns or restart:
                expected = 1  # a new table (a header repeated on the next page continues it)
            header = found
            i = found.end
            continue
        if header is None or line != str(expected):
            i += 1
            continue
        task, i = rows.read(i, line, header, expected)
        if task is not None:
            tasks.append(task)
        expected += 1
    return tasks
