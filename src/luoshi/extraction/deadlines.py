"""Deadlines (完成时限): find and normalize 到2025年, 2023年底前, 2023年6月底前, 持续推进 …"""

from __future__ import annotations

import re

from luoshi.extraction.model import Deadline, DeadlineKind

_YEAR = r"(?P<year>(?:19|20)\d{2})年"
_MONTH = r"(?:(?P<month>\d{1,2})月(?:份)?)"

# Order matters: the most specific forms first.
DEADLINE = re.compile(
    r"(?P<phased>(?:19|20)\d{2}年[^，。；]{0,12}(?:动工|开工|启动)[，,]\s*(?P<pyear>(?:19|20)\d{2})年(?:(?P<pmonth>\d{1,2})月)?底?(?:前)?(?:全面)?(?:建成|完成|竣工|投运|投产))"
    r"|(?:到|至|在|于)?" + _YEAR + _MONTH + r"?(?P<end>底|末)?(?P<before>前|以前)"
    r"|(?P<by>到|至)" + r"(?P<year2>(?:19|20)\d{2})年" + _MONTH.replace("month", "month2") + r"?(?P<end2>底|末)?"
    r"|(?P<ongoing>持续推进|长期坚持|长期推进|持续实施|常态化推进|长期|持续)"
    r"|(?P<plainyear>(?:19|20)\d{2})年(?:(?P<pm>\d{1,2})月)?(?P<pend>底|末)?(?![度以来份间期初])"
)


def _month(text: str | None) -> int | None:
    if not text:
        return None
    m = int(text)
    return m if 1 <= m <= 12 else None


def parse_deadline(text: str) -> Deadline | None:
    """Normalize a deadline phrase (a table cell or a phrase found in prose)."""
    text = text.strip()
    m = DEADLINE.search(text)
    if not m:
        return None
    g = m.groupdict()
    phrase = m.group(0)
    if g["phased"]:
        return Deadline(phrase, "phased", int(g["pyear"]), _month(g["pmonth"]) or 12)
    if g["year"]:
        month = _month(g["month"])
        if month is None and g["end"]:
            month = 12
        kind: DeadlineKind = "before" if g["month"] else "end_of"
        return Deadline(phrase, kind, int(g["year"]), month if month else 12)
    if g["by"]:
        month = _month(g["month2"])
        if month is None and g["end2"]:
            month = 12
        return Deadline(phrase, "by", int(g["year2"]), month)
    if g["ongoing"]:
        return Deadline(phrase, "ongoing")
    month = _month(g["pm"])
    if month is None and g["pend"]:
        month = 12
    return Deadline(phrase, "end_of" if g["pend"] else "within", int(g["plainyear"]), month)


# In prose only explicit time limits count; a bare year is too often a baseline or a name.
PROSE_DEADLINE = re.compile(
    r"(?:到|至)(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|末)?"
    r"|(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|末)?(?:前|以前)"
    # a year heading an aim: 2023年力争… / 力争2023年… (not 比2020年, 2018年度, 2020年以来)
    r"|(?:(?<=[，。；：、\n])|(?<=力争|确保|全年))(?:19|20)\d{2}年(?![度以来底末前后的初中间])(?=[\u4e00-\u9fff])"
)


def first_deadline(text: str) -> Deadline | None:
    """The first explicit time limit stated in prose (到2025年, 2023年底前 …)."""
    m = PROSE_DEADLINE.search(text)
    return parse_deadline(m.group(0)) if m else None
