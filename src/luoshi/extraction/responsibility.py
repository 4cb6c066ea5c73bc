"""Who is responsible: parse attributions such as （市工信局牵头，市发改委、市科技局等部门按职责分工负责）.

Returns canonical names in printed order, which of them lead (牵头), and the implementing
bodies of 落实 clauses (各县〈市、区〉人民政府 …), which are not departments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luoshi.extraction.departments import (
    BODY_SUFFIX,
    DepartmentDictionary,
    is_department_like,
    is_organisation,
    list_prefix,
)

ATTRIBUTION_HINT = re.compile(r"负责|牵头|落实|配合|参与|责任单位|责任部门|责任处室")
STANDING_RULE = re.compile(r"以下均(?:需|由|要)|不再(?:单独)?列出")
IMPLEMENTING = re.compile(r"人民政府|管委会|各县|各地|各区|各市|园区")
_ROLE_TAIL = re.compile(
    r"(?:等)?(?:有关|相关)?(?:部门和单位|部门|单位)?"
    r"(?:按职责分工|按照职责分工|按职责|根据职责|依职责|分别)?"
    r"(?:负责|配合|参与|落实|协同|牵头)?(?:实施|推进)?$"
)
_BRACKETED = re.compile(r"[〈《（(][^〉》）)]{0,12}[〉》）)]")
_SPLIT = re.compile(r"[、，,；;]|以及|及其")
ROLE_LABEL = re.compile(
    r"^(?P<role>牵头|责任|主办|主责|配合|协办|参与)(?:单位|部门|主体|处室|科室)[:：]\s*(?P<names>.+)$"
)
# A line or clause stating roles without parentheses: 责任单位：市生态环境局、市发改委
ROLE_LINE = re.compile(r"(?:牵头|责任|主办|主责)(?:单位|部门|主体|处室|科室)[:：][^\n）]+")
# A top-level parenthesized group, allowing one level of nesting (各县（市、区）人民政府).
PAREN_GROUP = re.compile(r"（((?:[^（）]|（[^（）]*）)*)）")


@dataclass(frozen=True)
class Attribution:
    responsible: tuple[str, ...]
    lead: tuple[str, ...]
    implementing: tuple[str, ...]
    standing_rule: bool


def _names(
    segment: str, d: DepartmentDictionary, prefix: str, labelled: bool = False
) -> tuple[list[str], str]:
    """Canonical department names listed in ``segment``; returns them and the list prefix.

    ``labelled``: the segment follows a role label (牵头处室：…), which is evidence enough that
    bare office names (大气处) are bodies."""
    cleaned = _BRACKETED.sub("", segment)
    out: list[str] = []
    for raw in _SPLIT.split(cleaned):
        name = _ROLE_TAIL.sub("", raw.strip())
        name = re.sub(r"(?:等)+$", "", name).strip()
        if not name:
            continue
        if not out and not prefix:
            prefix = list_prefix(name)
        elif not out:
            prefix = list_prefix(name) or prefix
        if not (
            is_department_like(name, d)
            or is_department_like(prefix + name, d)
            or (labelled and BODY_SUFFIX.search(name) and len(name) <= 20)
        ):
            continue
        out.append(d.resolve(name, prefix))
    return out, prefix


def parse_attribution(content: str, d: DepartmentDictionary) -> Attribution | None:
    """Parse the inside of an attribution parenthesis; ``None`` if it names no department."""
    if not ATTRIBUTION_HINT.search(content):
        return None
    responsible: list[str] = []
    lead: list[str] = []
    implementing: list[str] = []
    standing = False
    prefix = ""
    content = re.sub(r"^由", "", content.strip())
    for clause in re.split(r"[；。;]", content):
        if STANDING_RULE.search(clause):
            standing = True
            continue
        for segment in re.split(r"，|,", clause):
            segment = segment.strip()
            if not segment:
                continue
            if "落实" in segment and IMPLEMENTING.search(segment) and "牵头" not in segment:
                implementing.append(re.sub(r"落实$", "", _BRACKETED.sub("", segment)))
                continue
            labelled = ROLE_LABEL.match(segment)
            if labelled:  # 牵头单位：X / 责任单位：Y / 配合处室：Z — each label starts a new list
                names, prefix = _names(labelled.group("names"), d, "", labelled=True)
                if labelled.group("role") in ("牵头", "主办"):
                    lead.extend(names)
                responsible.extend(names)
                continue
            if "牵头" in segment:
                before, _, after = segment.partition("牵头")
                names, prefix = _names(before, d, prefix)
                lead.extend(names)
                responsible.extend(names)
                if after.strip("，, "):
                    more, prefix = _names(after, d, prefix)
                    responsible.extend(more)
                continue
            names, prefix = _names(segment, d, prefix)
            responsible.extend(names)
    responsible = list(dict.fromkeys(responsible))
    if not responsible:
        return None
    return Attribution(tuple(responsible), tuple(dict.fromkeys(lead)), tuple(implementing), standing)


DUTY = re.compile(
    r"^(?P<names>[^，。；：（《\n]{2,60}?)(?:要|应当|须)?(?P<verb>负责|牵头|会同|作为|承担|组织|督促|指导|(?<=要)(?=[\u4e00-\u9fff]))"
)


def parse_duty(body: str, d: DepartmentDictionary) -> Attribution | None:
    """A prose duty: an item opening with its department as subject (市生态环境局负责…)."""
    m = DUTY.match(body)
    if not m:
        return None
    raw = [n.strip() for n in _SPLIT.split(m.group("names")) if n.strip()]
    if not raw:
        return None
    prefix = list_prefix(raw[0])
    names: list[str] = []
    for n in raw:
        if not (is_department_like(n, d) or is_department_like(prefix + n, d)):
            return None  # every name of the subject must be a body, else it is prose
        names.append(d.resolve(n, prefix))
    lead = tuple(names) if m.group("verb") == "牵头" else ()
    return Attribution(tuple(dict.fromkeys(names)), lead, (), False)


def segment_names(cell: str, d: DepartmentDictionary) -> list[str]:
    """Names in a table cell, which PDF conversion may have glued (市资规局市住建局)."""
    out: list[str] = []
    prefix = ""
    for part in _SPLIT.split(_BRACKETED.sub("", cell)):
        part = re.sub(r"\s+", "", part)
        if not part:
            continue
        prefix = prefix or list_prefix(part)
        found = [m.group() for m in d.pattern.finditer(part)]
        if found and sum(map(len, found)) >= len(part) - 1:
            out.extend(d.resolve(f) for f in found)
        else:
            name = _ROLE_TAIL.sub("", part)
            if is_department_like(name, d) or is_organisation(name):
                out.append(d.resolve(name, prefix))
    return list(dict.fromkeys(out))
