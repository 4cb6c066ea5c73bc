"""Where plans disagree: the same indicator, the same year, different numbers.

Province, city and district plans restate each other's targets (PM2.5 33 in the provincial
plan, ≈27 in the city's 美丽南通 plan, ≈25 in its 减污降碳 plan). Users need these side by
side. Pure: records in, conflicts out.

Rules (see docs/targets.md):
- indicators match on a normalized key: scope words (全市, 全省, 我市, 南通市 …), brackets
  holding a unit or an abbreviation, punctuation and spaces are dropped, and synonyms folded
  (细颗粒物（PM2.5）浓度 = PM2.5平均浓度 = PM2.5浓度; 优良天数比例 = 空气质量优良天数比率);
- whole-jurisdiction scopes (全市, 全省) do not separate records, since comparing levels is the
  point; partial scopes (县城, 苏南等有条件地区, 试点县) do;
- only records with a year take part, and a conflict needs two different documents;
- ``delegated`` (完成省下达任务) agrees with any number by definition and is left out unless
  ``include_delegated=True``, in which case "delegated" versus a number counts as a difference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from luoshi.extraction.model import Span, Target
from luoshi.extraction.units import canonical_unit

__all__ = ["Conflict", "TargetRecord", "find_conflicts", "indicator_key"]


@dataclass(frozen=True)
class TargetRecord:
    """A target with the document it comes from."""

    indicator: str
    scope: str | None
    comparator: str
    value: float | None
    unit: str | None
    year: int | None
    document: str  # the document's title
    doc_number: str | None = None
    text: str = ""
    span: Span = (0, 0)

    @classmethod
    def from_target(
        cls, target: Target, document: str, doc_number: str | None = None
    ) -> TargetRecord:
        return cls(target.indicator, target.scope, target.comparator, target.value, target.unit,
                   target.year, document, doc_number, target.text, target.span)  # fmt: skip


@dataclass(frozen=True)
class Conflict:
    """Records of one indicator and year whose numbers differ across documents."""

    key: str  # the normalized indicator key
    year: int
    scope: str | None  # a partial scope shared by the records, None for whole jurisdictions
    records: tuple[TargetRecord, ...]  # one per distinct (document, comparator, value, unit)

    @property
    def indicator(self) -> str:
        return self.records[0].indicator

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "key": self.key,
            "year": self.year,
            "scope": self.scope,
            "records": [
                {
                    "document": r.document, "doc_number": r.doc_number, "indicator": r.indicator,
                    "comparator": r.comparator, "value": r.value, "unit": r.unit,
                    "text": r.text, "span": list(r.span),
                }
                for r in self.records
            ],
        }  # fmt: skip

    def describe(self) -> str:
        """Several lines for a terminal: the indicator and year, then each document's value."""
        lines = [f"{self.indicator} ({self.year}{'，' + self.scope if self.scope else ''}):"]
        for r in self.records:
            value = "下达任务" if r.value is None else f"{r.value:g}{r.unit or ''}"
            lines.append(f"  {r.comparator} {value}  — {r.document} {r.doc_number or ''}".rstrip())
            lines.append(f"      「{r.text}」")
        return "\n".join(lines)


_WHOLE_SCOPE = re.compile(
    r"^(?:全[市省区县国]|全市域|全域|市域|我[市省区县]|本[市省区县]|[\u4e00-\u9fff]{2,3}[市省](?:区|域)?|市区|市本级)$"
)
_SCOPE_PREFIX = re.compile(r"^(?:全市域|全[市省区县国]|全域|市域|我[市省区县]|本[市省区县])")
# A bracket holding a unit or an abbreviation: （%）, (微克/立方米), （PM2.5）, （NOx）.
_BRACKET = re.compile(
    r"[（(](?:[ -~μ³²‰]+|%|[^（）()]{0,10}/[^（）()]{0,10}|微克/立方米|万?[吨元亩个]|公顷|千米)[）)]"
)
_PUNCT = re.compile(r"[\s“”‘’\"'《》〈〉「」、，,·。:：;；]|(?<!\d)\.|\.(?!\d)")
_SYNONYMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a), b)
    for a, b in (
        (r"细颗粒物(?:PM2\.5)?", "PM2.5"),
        (r"PM2\.5(?:年均|平均|年平均)?浓度(?:均值)?", "PM2.5浓度"),
        (r"^(?:环境)?(?:空气质量)?优良天数(?:比率|比例)$", "优良天数比率"),
        (r"单位GDP", "单位地区生产总值"),
        (r"能源消耗", "能耗"),
        (r"二氧化碳排放量", "二氧化碳排放"),
        (r"优Ⅲ类?", "优Ⅲ"),
    )
)


def indicator_key(indicator: str) -> str:
    """The comparison key of an indicator name: "细颗粒物（PM2.5）平均浓度" → "PM2.5浓度",
    "全市林木覆盖率（%）" → "林木覆盖率", "空气质量优良天数比例" → "优良天数比率"."""
    s = indicator.strip()
    s = re.sub(r"PM_?\{?2\.5\}?", "PM2.5", s, flags=re.IGNORECASE)
    s = re.sub(r"[（(]PM2\.5[）)]", "", s) if "细颗粒物" in s else s
    s = _BRACKET.sub("", s)
    s = _SCOPE_PREFIX.sub("", s)
    s = _PUNCT.sub("", s)
    for pattern, repl in _SYNONYMS:
        s = pattern.sub(repl, s)
    return s


def _partial_scope(scope: str | None) -> str | None:
    if not scope or _WHOLE_SCOPE.match(scope):
        return None
    return scope


def _unit(unit: str | None) -> str | None:
    return canonical_unit(unit) if unit else None


def _claim(r: TargetRecord) -> tuple[str, float | None, str | None]:
    if r.comparator == "delegated":
        return ("delegated", None, None)
    value = round(r.value, 6) if r.value is not None else None
    return (r.comparator, value, _unit(r.unit))


def find_conflicts(
    targets: Iterable[TargetRecord], *, include_delegated: bool = False
) -> list[Conflict]:
    """Indicators whose value (or comparator) for one year differs between documents, in order
    of key, year and scope. Each conflict lists one record per distinct document and claim."""
    groups: dict[tuple[str, int, str | None], list[TargetRecord]] = {}
    for r in targets:
        if r.year is None or (r.comparator == "delegated" and not include_delegated):
            continue
        if r.comparator != "delegated" and r.value is None:
            continue
        groups.setdefault((indicator_key(r.indicator), r.year, _partial_scope(r.scope)), []).append(
            r
        )
    out: list[Conflict] = []
    for (key, year, scope), records in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
    ):
        seen: dict[tuple[str, tuple[str, float | None, str | None]], TargetRecord] = {}
        for r in records:
            seen.setdefault((r.doc_number or r.document, _claim(r)), r)
        claims = {claim for _, claim in seen}
        documents = {doc for doc, _ in seen}
        if len(claims) < 2 or len(documents) < 2:
            continue
        # Disagreement must be between documents, not only inside one (a plan and its annex).
        by_doc: dict[str, set[tuple[str, float | None, str | None]]] = {}
        for doc, claim in seen:
            by_doc.setdefault(doc, set()).add(claim)
        if all(by_doc[d] == claims for d in by_doc):
            continue
        ordered = sorted(seen.values(), key=lambda r: (r.document, r.span))
        out.append(Conflict(key, year, scope, tuple(ordered)))
    return out
