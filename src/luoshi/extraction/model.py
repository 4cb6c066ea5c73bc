"""What extraction produces: plain, immutable records with spans into the source text.

Every record carries ``span``: ``(start, end)``, a half-open range of characters in the
*original* decoded file text (not the normalized text), so a person can always be shown the
sentence an item came from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Span = tuple[int, int]

Comparator = Literal[">=", "<=", "=", "≈", "decrease_by", "increase_by", "delegated"]
COMPARATORS: tuple[str, ...] = (">=", "<=", "=", "≈", "decrease_by", "increase_by", "delegated")

DeadlineKind = Literal["by", "end_of", "before", "ongoing", "phased", "within"]


@dataclass(frozen=True)
class Deadline:
    """A normalized deadline (完成时限).

    ``kind``: ``by`` (到2025年), ``end_of`` (2023年底前, 2025年底), ``before``
    (2023年6月底前 with a month), ``ongoing`` (持续推进, 长期坚持), ``phased``
    (2018年主体动工，2019年底完成: the final milestone is kept), ``within`` (year only).
    """

    text: str
    kind: DeadlineKind
    year: int | None = None
    month: int | None = None


@dataclass(frozen=True)
class Section:
    """A numbered item of the document's hierarchy (第一章, 一、, （一）, 1．, （1）, ①)."""

    label: str  # the number without punctuation: "二", "一", "1"
    style: str  # numbering style key, e.g. "chapter", "cn", "paren_cn", "arabic", "paren_arabic", "circled"
    level: int  # depth in the tree, 0 = outermost
    title: str  # the item's title (first phrase), may be ""
    path: tuple[str, ...]  # labels of the enclosing items, outermost first
    span: Span  # the whole item including its children


@dataclass(frozen=True)
class Task:
    """A numbered item carrying a responsibility attribution (重点任务)."""

    label: str
    path: tuple[str, ...]
    title: str
    text: str
    responsible: tuple[str, ...]  # canonical department names, printed order
    lead: tuple[str, ...]  # the subset marked 牵头
    implementing: tuple[str, ...] = ()  # bodies from standing rules (各县〈市、区〉人民政府 …落实)
    deadline: Deadline | None = None
    span: Span = (0, 0)
    source: str = "prose"  # "prose" | "duty" | "table"


@dataclass(frozen=True)
class Target:
    """A quantitative target (目标指标)."""

    indicator: str
    comparator: Comparator
    value: float | None
    unit: str | None
    year: int | None
    text: str
    span: Span
    scope: str | None = None
    month: int | None = None
    baseline_year: int | None = None
    recurring: bool = False  # 每年…: the value applies to each year


@dataclass(frozen=True)
class Project:
    """A row of an engineering-project table (重点工程项目)."""

    name: str
    content: str | None
    investment_wan_yuan: float | None
    responsible: tuple[str, ...]
    deadline: Deadline | None
    span: Span
    category: str | None = None
    number: str | None = None


@dataclass(frozen=True)
class DocumentMeta:
    """Who issued what, when (文号, 发文机关, 成文日期)."""

    title: str
    doc_number: str | None = None
    issuer: str | None = None
    date: str | None = None  # YYYY-MM-DD


@dataclass(frozen=True)
class ExtractedDocument:
    """Everything extracted from one document (one notice of a gazette, or one file)."""

    source: str
    meta: DocumentMeta
    span: Span  # where this document lies in the original file text
    sections: tuple[Section, ...] = ()
    tasks: tuple[Task, ...] = ()
    targets: tuple[Target, ...] = ()
    projects: tuple[Project, ...] = ()
    departments: tuple[str, ...] = field(default=())  # every canonical body named, first-seen order

    def to_json(self) -> dict[str, Any]:
        """The public ``luoshi extract --json`` shape of one document."""
        return {
            "source": self.source,
            "title": self.meta.title,
            "doc_number": self.meta.doc_number,
            "issuer": self.meta.issuer,
            "date": self.meta.date,
            "tasks": [
                {
                    "label": t.label,
                    "path": list(t.path),
                    "text": t.text,
                    "responsible": list(t.responsible),
                    "lead": list(t.lead),
                    "deadline": t.deadline.text if t.deadline else None,
                    "span": list(t.span),
                }
                for t in self.tasks
            ],
            "targets": [
                {
                    "indicator": g.indicator,
                    "scope": g.scope,
                    "comparator": g.comparator,
                    "value": g.value,
                    "unit": g.unit,
                    "year": g.year,
                    "month": g.month,
                    "baseline_year": g.baseline_year,
                    "text": g.text,
                    "span": list(g.span),
                }
                for g in self.targets
            ],
            "projects": [
                {
                    "name": p.name,
                    "content": p.content,
                    "investment_wan_yuan": p.investment_wan_yuan,
                    "responsible": list(p.responsible),
                    "deadline": p.deadline.text if p.deadline else None,
                    "span": list(p.span),
                }
                for p in self.projects
            ],
        }


def as_dict(record: Any) -> dict[str, Any]:
    """A record as a plain dict (for storage in the register)."""
    return asdict(record)
