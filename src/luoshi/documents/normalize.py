"""Normalize a plan's text for extraction while keeping a map back to the original.

PDF and HTML conversions of Chinese plans wrap lines mid-sentence, interleave page furniture
(``— 1 —``, bare page numbers, image addresses, running headers) and mix full- and half-width
forms. Extraction wants clean paragraphs; provenance wants the untouched original. So the
normalized text carries ``offsets``: for each normalized character, the index of the original
character it came from. No library keeps such a map through these edits, hence this module.

Paragraphs come out separated by ``\\n``; a table row (a line with tab-separated cells) stays
one line. Traditional characters are mapped to simplified ones character by character, so the
map stays one-to-one.
"""

from __future__ import annotations

import re
import statistics
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from luoshi.extraction.model import Span

# A table header cell flattened to a line of its own (序号 / 重点工作任务 / 责任单位 / 完成时限).
HEADER_CELL_LINE = re.compile(
    r"^(?:序号|编号|(?:重点|主要|具体)?(?:工作)?(?:任务|内容|措施)|(?:牵头|责任|配合)(?:单位|部门)"
    r"|(?:完成)?(?:时限|时间)|指标名称|单位|备注)$"
)
# A line that opens a numbered item or a new block: never glued to the line before.
STRUCTURE_START = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条部分篇]"
    r"|[一二三四五六七八九十]+[、．.]"
    r"|（[一二三四五六七八九十]+）"
    r"|\d{1,3}(?:[．.、](?!\d)|\s)"
    r"|（\d{1,3}）"
    r"|[①-⑳]"
    r"|附件|附表|附：)"
)
PAGE_MARKER = re.compile(r"^[—–\-－_~～]+\s*\d{1,4}\s*[—–\-－_~～]+$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$")
BARE_NUMBER = re.compile(r"^\d{1,4}$")
# Lines that stand alone in a notice's head: 文号, dates, and a title ending in 通知.
STANDALONE = re.compile(
    r"^[（(]?[\u4e00-\u9fff]{1,12}[〔\[［【]\s*\d{4}\s*[〕\]］】]\s*\d+\s*号[）)]?$"
    r"|^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|通知$"
)
# A plan's title on a line of its own (…实施方案, …工作要点): never glued to the next line.
TITLE_LINE = re.compile(
    r"(?:方案|计划|规划|意见|要点|纲要|办法|细则|规定|任务书|清单|通知|决定|报告)(?:（[^（）]{2,20}）)?$"
)
# The first cell of a table header flattened one cell per line: never glued to the line before.
HEADER_START = re.compile(r"^(?:序号|编号)$")
URL_LINE = re.compile(r"^<?(?:https?://|www\.)\S+>?$", re.IGNORECASE)
SENTENCE_END = frozenset("。！？；：!?;")
CLOSERS = frozenset("”’」』）)】")

_FULLWIDTH_KEEP = frozenset("（），：；！？")  # Chinese punctuation stays full-width
_HALF_TO_FULL = {"(": "（", ")": "）", ";": "；"}


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@lru_cache(maxsize=1)
def _t2s_converter() -> object:
    import opencc  # opencc-python-reimplemented: pure Python, Apache-2.0

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _simplified(ch: str) -> str:
    """One traditional character to its simplified form; unchanged if not one-to-one."""
    converted: str = _t2s_converter().convert(ch)  # type: ignore[attr-defined]
    return converted if len(converted) == 1 else ch


def _map_char(ch: str) -> str:
    code = ord(ch)
    if ch == "\u3000" or ch == "\xa0":
        return " "
    if 0xFF01 <= code <= 0xFF5E and ch not in _FULLWIDTH_KEEP:
        return chr(code - 0xFEE0)  # full-width ASCII forms: digits, letters, % . / + …
    if ch in _HALF_TO_FULL:
        return _HALF_TO_FULL[ch]
    if _is_cjk(ch):
        return _simplified(ch)
    return ch


@dataclass(frozen=True)
class NormalizedText:
    """Normalized text plus, per character, its index in the original text."""

    text: str
    offsets: array  # type: ignore[type-arg]  # array('q'), len(offsets) == len(text)

    def source_span(self, start: int, end: int) -> Span:
        """Map a normalized ``[start, end)`` to the original ``[start, end)``."""
        if not self.text:
            return (0, 0)
        start = max(0, min(start, len(self.text) - 1))
        if end <= start:
            pos = int(self.offsets[start])
            return (pos, pos)
        end = min(end, len(self.text))
        return (int(self.offsets[start]), int(self.offsets[end - 1]) + 1)


@dataclass
class _Line:
    start: int  # absolute offset of the first kept character
    raw: str  # stripped content
    table: bool
    seps: tuple[tuple[int, int], ...] = ()  # runs of spaces (in ``raw``) that separate cells


_SPACE_RUN = re.compile(r"[ \u3000\xa0]+")
# A cell of a header row written with single spaces (序号 重点工作任务 完成时限 责任部门).
_HEADER_CELL = re.compile(r"序号|编号|名称|指标|单位|类别|属性|备注|任务|内容|时限|时间|期限|责任|牵头|配合|目标值")
_ROW_NUMBER = re.compile(r"^\d{1,3}$")


def _space_separators(raw: str) -> tuple[tuple[int, int], ...]:
    """Runs of spaces that separate the cells of a table row a PDF converter laid out with
    spaces; empty when ``raw`` is not such a row.

    A run of two or more spaces separates cells when the line has at least three cells.
    A single space does too when the line has at least three cells of two or more characters,
    no sentence punctuation, and reads as a header (cells naming columns) or as a numbered
    row; otherwise single spaces are the ones PDF text puts between CJK characters
    (``生 态 空 间``), removed by :func:`_clean_line`.
    """
    runs = [
        (m.start(), m.end())
        for m in _SPACE_RUN.finditer(raw)
        if m.end() - m.start() >= 2
        or not (_is_ascii_alnum(raw[m.start() - 1]) and _is_ascii_alnum(raw[m.end()]))
    ]  # one space between ASCII words (ISO 14001) is part of the text
    wide = [r for r in runs if r[1] - r[0] >= 2]
    if len(wide) >= 2:
        cells = _split_at(raw, wide)
        if all(c and c[-1] not in "。；;" for c in cells) and any(len(c) > 1 for c in cells):
            return tuple(wide)
        return ()
    if wide or len(runs) < 2 or re.search(r"[，。；：、！？,;:]", raw):
        return ()
    cells = _split_at(raw, runs)
    if any(len(c) < 2 or len(c) > 16 for c in cells[1:]) or not cells[0]:
        return ()
    header = sum(1 for c in cells if len(c) <= 8 and _HEADER_CELL.search(c)) >= 2
    numbered = bool(_ROW_NUMBER.match(cells[0])) and len(cells) >= 4
    return tuple(runs) if header or numbered else ()


def _split_at(raw: str, runs: list[tuple[int, int]]) -> list[str]:
    cells, prev = [], 0
    for a, b in runs:
        cells.append(raw[prev:a])
        prev = b
    cells.append(raw[prev:])
    return cells


def _lines(original: str, begin: int, end: int) -> Iterator[_Line]:
    for m in re.finditer(r"[^\r\n\f]*", original[begin:end]):
        content = m.group()
        stripped = content.strip(" \t\u3000\xa0\r")
        if not stripped:
            continue
        # A tab after the first cell makes a table row; a lone leading tab is an indent.
        table = "\t" in content.strip(" \u3000\xa0\r").lstrip("\t")
        if table:  # leading tabs are empty cells (merged rows): keep them
            stripped = content.strip(" \u3000\xa0\r").rstrip("\t")
        lead = content.index(stripped[0]) if stripped[0] != "\t" else content.index("\t")
        seps = () if table else _space_separators(stripped)
        yield _Line(begin + m.start() + lead, stripped, table or bool(seps), seps)


def _furniture(lines: list[_Line]) -> set[int]:
    """Indexes of lines that are page furniture rather than content."""
    drop: set[int] = set()
    numbers: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if PAGE_MARKER.match(line.raw) or URL_LINE.match(line.raw):
            drop.add(i)
        elif BARE_NUMBER.match(line.raw):
            numbers.setdefault(int(line.raw), []).append(i)
    # A bare number is a page number unless it belongs to a run 1, 2, 3 … (table row numbers).
    for value, places in numbers.items():
        for i in places:
            near = [j for v in (value - 1, value + 1) for j in numbers.get(v, []) if abs(j - i) <= 60]
            if not near:
                drop.add(i)
    # Running headers: short lines repeated on several pages, mostly next to page furniture.
    # Compared without spaces: converters pad a header's parts (公报      2024年第6期).
    keys = [_SPACE_RUN.sub("", line.raw.replace("\t", "")) for line in lines]
    counts = Counter(k for k in keys if len(k) <= 60)
    by_page: Counter[str] = Counter()
    near_page: list[int] = []
    for i, key in enumerate(keys):
        if counts[key] >= 3 and any(j in drop for j in range(i - 2, i + 3) if j != i):
            by_page[key] += 1
            near_page.append(i)
    # a cell repeated down a flattened table (市生态环境局) is only sometimes next to a marker
    for i in near_page:
        if by_page[keys[i]] >= 2 and 2 * by_page[keys[i]] >= counts[keys[i]]:
            drop.add(i)
    return drop


def _clean_line(line: _Line, original: str) -> tuple[list[str], list[int]]:
    """Map characters, drop spaces that a converter put between CJK characters, and
    unwrap LaTeX-like subscripts (``PM_{2.5}`` → ``PM2.5``)."""
    chars: list[str] = []
    idx: list[int] = []
    raw = original[line.start : line.start + len(line.raw)]
    i = 0
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch == "_" and i + 1 < n and (raw[i + 1] == "{" or _is_ascii_alnum(raw[i + 1])):
            if raw[i + 1] == "{":
                close = raw.find("}", i + 2)
                if close != -1:
                    for k in range(i + 2, close):
                        chars.append(_map_char(raw[k]))
                        idx.append(line.start + k)
                    i = close + 1
                    continue
            i += 1
            continue
        sep = next((b for a, b in line.seps if a == i), None)
        if sep is not None:  # a run of spaces between two cells: one tab, mapped to its start
            chars.append("\t")
            idx.append(line.start + i)
            i = sep
            continue
        chars.append("\t" if ch == "\t" else _map_char(ch))
        idx.append(line.start + i)
        i += 1
    # Spaces survive only between two ASCII letters/digits (English words, "ISO 14001").
    out_c: list[str] = []
    out_i: list[int] = []
    for k, ch in enumerate(chars):
        if ch == " ":
            prev = out_c[-1] if out_c else ""
            nxt = next((c for c in chars[k + 1 :] if c != " "), "")
            if not (_is_ascii_alnum(prev[-1:] or " ") and _is_ascii_alnum(nxt or " ")) or prev == " ":
                continue
        if ch == "\t" and out_c and out_c[-1] == " ":
            out_c.pop()
            out_i.pop()
        out_c.append(ch)
        out_i.append(idx[k])
    # ASCII comma/colon become Chinese ones except inside numbers (1,000 / 10:30).
    for k, ch in enumerate(out_c):
        if ch in ",:":
            left = out_c[k - 1] if k else ""
            right = out_c[k + 1] if k + 1 < len(out_c) else ""
            if not (left.isdigit() and right.isdigit()):
                out_c[k] = "，" if ch == "," else "："
    return out_c, out_i


def _typical_width(lines: list[_Line]) -> float:
    widths = [len(line.raw) for line in lines if not line.table and len(line.raw) >= 8]
    if len(widths) < 5:
        return 0.0
    return float(statistics.quantiles(widths, n=4)[2])  # upper quartile: a full line


def normalize(original: str, begin: int = 0, end: int | None = None) -> NormalizedText:
    """Normalize ``original[begin:end]``; offsets index into ``original``."""
    end = len(original) if end is None else end
    lines = list(_lines(original, begin, end))
    drop = _furniture(lines)
    kept = [line for i, line in enumerate(lines) if i not in drop]
    width = _typical_width(kept)
    short = 0.6 * width
    heading = 0.8 * width if width else 20.0  # a numbered heading line, not a wrapped one

    chars: list[str] = []
    offsets = array("q")
    kept_clean: list[str] = []
    depth = 0  # open （ in the current paragraph
    prev_opens = True  # the previous line began a paragraph
    for k, line in enumerate(kept):
        c, o = _clean_line(line, original)
        if not c:
            continue
        glue = False
        if chars:
            prev_clean = kept_clean[-1]
            prev = kept[k - 1]
            glue = not (
                line.table
                or HEADER_START.match(line.raw)
                or (HEADER_CELL_LINE.match(prev.raw) and HEADER_CELL_LINE.match(line.raw))
                or (prev_opens and _title_line(prev_clean, max(width, len(c))))
                or prev.table
                or BARE_NUMBER.match(line.raw)
                or BARE_NUMBER.match(prev.raw)
                or STANDALONE.search(line.raw)
                or STANDALONE.search(prev.raw)
                or STRUCTURE_START.match(line.raw)
                or prev.raw[-1] in SENTENCE_END
                or (prev.raw[-1] in CLOSERS and len(prev.raw) > 1 and prev.raw[-2] in SENTENCE_END)
                or len(prev_clean) < short
                or (STRUCTURE_START.match(prev.raw) and len(prev_clean) < heading and prev_clean[-1] not in "，、")
                # a page break ends a paragraph unless the line before is plainly unfinished
                or (
                    "\f" in original[prev.start + len(prev.raw) : line.start]
                    and prev_clean[-1] not in "、，"
                )
            )
            if not glue and depth > 0 and not (line.table or prev.table or STRUCTURE_START.match(line.raw)):
                glue = True  # inside an open parenthesis: （责任单位： wrapped before the names
            if glue:
                if _is_ascii_alnum(chars[-1]) and c[0].isascii() and c[0].isalpha():
                    chars.append(" ")  # an English word wrapped at the line end
                    offsets.append(prev.start + len(prev.raw))
            else:
                chars.append("\n")
                offsets.append(prev.start + len(prev.raw))
                depth = 0
        depth = max(0, depth + sum(1 for ch in c if ch == "（") - sum(1 for ch in c if ch == "）"))
        chars.extend(c)
        offsets.extend(o)
        kept_clean.append("".join(c))
        prev_opens = not glue
    return NormalizedText("".join(chars), offsets)


def _title_line(clean: str, width: float) -> bool:
    """A plan's title standing alone (苏州市空气质量持续改善行动计划实施方案): clearly short of
    a full line (``width``: the typical line or the next one), without sentence punctuation,
    ending in a title word."""
    return (
        bool(TITLE_LINE.search(clean))
        and 6 <= len(clean) <= 40
        and len(clean) < 0.85 * width
        and not re.search(r"[，。；：！？、]", clean)
    )
