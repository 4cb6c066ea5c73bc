"""Indicator tables (主要指标): tab rows with an indicator column and a target column; and the
task cells of task tables (重点任务清单), whose targets are read as prose.

A row is a header if it has an indicator column (指标名称, 指标, 主要指标 …) and a target
column: a year (2025年, 2025年目标, 2025年（目标）), 目标值, 规划值 or 预期值; of several year
columns the latest is the target (现状/基期 columns, such as 2020年（基期）, are never targets).
Rows are aligned to the header from the right (merged category cells are missing on the left).
The conventions are written up in docs/targets.md ("Tables").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luoshi.extraction.deadlines import parse_deadline
from luoshi.extraction.model import Comparator, Target
from luoshi.extraction.numbers import ARABIC_NUMBER, parse_number
from luoshi.extraction.units import UNIT_PATTERN, canonical_unit

__all__ = [
    "DELEGATED",
    "PLAN_PERIOD",
    "WATER_CLASS",
    "IndicatorTable",
    "TaskTable",
    "table_header",
    "table_row",
    "table_year",
    "task_cell",
    "task_table_header",
]

# Shared with the prose rules of luoshi.extraction.targets.
WATER_CLASS = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "Ⅴ": 5, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
PLAN_PERIOD = re.compile(r"“?十([四五六])五”?(?:末|期间|时期)")
DELEGATED = re.compile(
    r"(?:力争)?(?:超额)?(?:完成|达到|实现|满足|不低于|不少于|控制在)(?:国家|省|市|区|县|上级)(?:里|级)?(?:下达|下发|确定|定|规定)(?:的)?"
    r"(?P<obj>[^，。；：\d]{0,24}?)(?:目标任务|目标|任务|指标|要求|(?P<qty>减排量|削减量|总量|量)(?=[，。；：！？]|$))"
)

_TABLE_NAME = re.compile(
    r"^(?:指标名称|指标|主要指标|指标项|具体指标|指标内容|评价指标|考核指标|指标名)$"
)
_TABLE_TARGET = re.compile(
    r"^(?:(?P<y>(?:19|20)\d{2})年?(?:底|末)?(?:目标值?|规划值|预期值)?(?:[（(][^（）()]{1,6}[）)])?|目标值?|规划目标值?|预期目标|规划值|预期值|目标值（(?P<y2>(?:19|20)\d{2})年?）)$"
)
_TABLE_BASE = re.compile(r"现状|基期|基准|基数|现值")
_CELL_RE = re.compile(
    rf"^(?P<pre>≥|≤|>|<|＞|＜|不低于|不少于|不高于|不超过|约|下降|降低|减少|提高|增长|增加)?"
    rf"[\[【〔(（]?(?P<num>{ARABIC_NUMBER})(?:[-—～~](?P<hi>{ARABIC_NUMBER}))?[\]】〕)）]?"
    rf"(?P<unit>{UNIT_PATTERN})?(?P<post>以上|以下|以内|左右)?$"
)
_CELL_CMP: dict[str, Comparator] = {
    "≥": ">=", ">": ">=", "＞": ">=", "不低于": ">=", "不少于": ">=", "以上": ">=",
    "≤": "<=", "<": "<=", "＜": "<=", "不高于": "<=", "不超过": "<=", "以下": "<=", "以内": "<=",
    "约": "≈", "左右": "≈", "下降": "decrease_by", "降低": "decrease_by", "减少": "decrease_by",
    "提高": "increase_by", "增长": "increase_by", "增加": "increase_by",
}  # fmt: skip
_NAME_UNIT = re.compile(r"[（(](?P<u>[^（）()]{1,12})[）)]$")
_SUB_SCOPE = re.compile(r"^(?:市县|县城|建制镇|城市|农村|城镇|市区|乡镇|县（市、区）)$")


@dataclass
class IndicatorTable:
    width: int
    name: int
    value: int
    unit: int | None
    year: int | None
    pending: str | None = None  # a bare parent name row (污水处理率) above sub-rows (县城)


def table_header(cells: list[str]) -> IndicatorTable | None:
    name = next((i for i, c in enumerate(cells) if _TABLE_NAME.match(c)), None)
    if name is None:
        return None
    unit = next((i for i, c in enumerate(cells) if c.startswith("单位") and len(c) <= 4), None)
    best: tuple[int, int] | None = None  # (year or 0, column)
    for i, c in enumerate(cells):
        m = _TABLE_TARGET.match(c)
        if i != name and m and not _TABLE_BASE.search(c):
            year = int(m.group("y") or m.group("y2") or 0)
            if best is None or year >= best[0]:
                best = (year, i)
    if best is None:
        return None
    return IndicatorTable(len(cells), name, best[1], unit, best[0] or None)


def table_year(text: str, start: int) -> int | None:
    before = text[max(0, start - 300) : start].split("\n")[-3:]
    for line in reversed(before):
        if m := re.search(r"((?:19|20)\d{2})\s*年", line):
            return int(m.group(1))
        if m := PLAN_PERIOD.search(line + "期间") or re.search(r"十([四五六])五", line):
            return {"四": 2025, "五": 2030, "六": 2035}[m.group(1)]
    return None


def table_row(
    tab: IndicatorTable, line: str, span: tuple[int, int], default_year: int | None
) -> list[Target]:
    """The target of one data row of an indicator table (none for a blank or \"—\" cell)."""
    cells = [c.strip() for c in line.split("\t")]
    cells = (["" for _ in range(tab.width - len(cells))] + cells)[-tab.width :]
    name, cell = cells[tab.name], cells[tab.value]
    unit_raw = cells[tab.unit] if tab.unit is not None else ""
    if not name or name.isdigit() or _TABLE_NAME.match(name):
        return []
    scope = None
    if _SUB_SCOPE.match(name) and tab.pending:
        name, scope = tab.pending, name
    else:
        tab.pending = None
    if not unit_raw and (m := _NAME_UNIT.search(name)):
        u = canonical_unit(m.group("u"))
        if u != m.group("u") or re.search(r"[%/‰]|^[个家座项条处万亿吨元亩]", u):
            unit_raw, name = m.group("u"), name[: m.start()]
    unit = canonical_unit(unit_raw) if unit_raw and unit_raw not in ("—", "-", "/") else None
    year = tab.year or default_year
    if DELEGATED.search(cell):
        return [Target(name, "delegated", None, None, year, line, span, scope)]
    m = _CELL_RE.match(cell)
    if not m:
        cls = re.fullmatch(r"(?P<c>[ⅠⅡⅢⅣⅤ])类?(?P<post>以上|及以上|以下)?", cell)
        if cls:
            cmp_: Comparator = "<=" if cls.group("post") in ("以上", "及以上") else "="
            return [
                Target(name, cmp_, float(WATER_CLASS[cls.group("c")]), "类", year, line, span, scope)
            ]
        return []
    comparator: Comparator = _CELL_CMP.get(m.group("pre") or m.group("post") or "", "=")
    if comparator == "=" and re.search(r"(?:降低|下降|减少|削减)$", name):
        comparator = "decrease_by"
    value = parse_number(m.group("num"))
    if m.group("unit"):
        unit = canonical_unit(m.group("unit"))
    return [Target(name, comparator, value, unit, year, line, span, scope)]




# --- task tables: targets are stated in the task cell (淘汰国三柴油货车2000辆) ----------------
_TASK_COLUMN = re.compile(r"任务|工作|内容|事项|措施|举措")
_TASK_TABLE_MARK = re.compile(r"责任|牵头|配合|时限|期限")
_DEADLINE_COLUMN = re.compile(r"时限|时间|期限|进度")
_PROJECT_COLUMN = re.compile(r"项目名称|工程名称|指标")


@dataclass(frozen=True)
class TaskTable:
    width: int
    task: int
    deadline: int | None


def task_table_header(cells: list[str]) -> TaskTable | None:
    """A task table's header row (序号 / 工作任务 / 牵头单位 / 完成时限 …), if ``cells`` is one."""
    short = [c.replace(" ", "") if len(c) <= 12 else "" for c in cells]
    if any(_PROJECT_COLUMN.search(c) for c in short):
        return None
    task = next((i for i, c in enumerate(short) if c and _TASK_COLUMN.search(c)), None)
    if task is None or not any(_TASK_TABLE_MARK.search(c) for i, c in enumerate(short) if i != task):
        return None
    deadline = next(
        (i for i, c in enumerate(short) if i != task and _DEADLINE_COLUMN.search(c)), None
    )
    return TaskTable(len(cells), task, deadline)


def task_cell(
    tab: TaskTable, line: str, default_year: int | None
) -> tuple[int, int, int | None] | None:
    """The task cell of a row as ``(start, end)`` in ``line``, and the year its yearless
    targets take: the 完成时限 cell's year (none when it is 持续推进), else ``default_year``."""
    bounds: list[tuple[int, int]] = []
    pos = 0
    for cell in line.split("\t"):
        bounds.append((pos, pos + len(cell)))
        pos += len(cell) + 1
    if len(bounds) < tab.width:  # merged cells are missing on the left
        bounds = [(0, 0)] * (tab.width - len(bounds)) + bounds
    if tab.task >= len(bounds) or bounds[tab.task][0] == bounds[tab.task][1]:
        return None
    year = default_year
    if tab.deadline is not None and tab.deadline < len(bounds):
        a, b = bounds[tab.deadline]
        deadline = parse_deadline(line[a:b]) if line[a:b].strip() else None
        if deadline is not None:
            year = deadline.year
    return bounds[tab.task][0], bounds[tab.task][1], year
