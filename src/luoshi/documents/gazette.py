"""Split a file into documents and read each one's 文号, issuer, date and title.

A gazette issue (政府公报) holds several notices; each starts with a title block followed by
its 文号 line (通政办发〔2023〕24号). A notice that 印发 a plan is one document carrying the
plan's title and the notice's 文号, issuer and date. Text before the first notice (cover,
contents) belongs to no document; a chronicle (大事记) is a document of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from luoshi.documents.normalize import NormalizedText, normalize
from luoshi.extraction.model import DocumentMeta

DOC_NUMBER = re.compile(r"^[（(]?(?P<n>[\u4e00-\u9fff]{1,12}[〔\[［【(（]\d{4}[〕\]］】)）]\s*\d+\s*号)[）)]?$")
DATE_LINE = re.compile(r"^(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")
ISSUER = re.compile(r"(?:人民政府|办公厅|办公室|委员会|管理委员会|管委会|局|厅|部|委)$")
LABELLED_NUMBER = re.compile(
    r"(?:发文字号|文号|文件编号)\s*[：:]\s*(?P<n>[\u4e00-\u9fff]{1,12}[〔\[［【(（]\d{4}[〕\]］】)）]\s*\d+\s*号)"
)
CHRONICLE = re.compile(r"^[\u4e00-\u9fff]{2,20}大事记$")
TITLE_WORD = re.compile(r"(?:通知|决定|意见|办法|方案|规划|计划|任务书|细则|规定|意见书|报告|纲要)$")
QUOTED = re.compile(r"《([^《》]{4,80})》")
TOC_LINE = re.compile(r"[·…\.]{3,}\s*\d+$")


@dataclass(frozen=True)
class DocumentPart:
    """One document of a file: its place in the original text, its metadata and its text."""

    meta: DocumentMeta
    span: tuple[int, int]  # in the original file text
    text: NormalizedText  # normalized, offsets into the original file text
    default_year: int | None  # the year an annual plan is for (2018年度), if stated


def _line_starts(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _title_tail(line: str) -> bool:
    """The wrapped last line of a title: 的通知, （2023—2025年）的通知, 工作方案的通知."""
    return line.startswith(("的", "（", "(")) or (len(line) <= 8 and bool(TITLE_WORD.search(line)))


def _title_block(lines: list[tuple[int, str]], k: int) -> int:
    """Index of the first line of the title block (at most three short lines) before line ``k``."""
    first = k
    while first > 0 and k - first < 3:
        prev = lines[first - 1][1]
        if (
            not prev
            or len(prev) > (90 if TITLE_WORD.search(prev) else 45)
            or prev[-1] in "。：；）)"
            or DATE_LINE.match(prev)
            or TOC_LINE.search(prev)
            # the previous document's title, unless the block so far is the wrapped tail
            # of this title (…实施方案 / 的通知)
            or (first < k and TITLE_WORD.search(prev) and not _title_tail(lines[first][1]))
        ):
            break
        first -= 1
    return first


def _meta(nt: NormalizedText, number: str | None, title: str) -> tuple[DocumentMeta, int | None]:
    lines = [line for _, line in _line_starts(nt.text)]
    issuer = date = None
    for i, line in enumerate(lines[:80]):
        m = DATE_LINE.match(line)
        if m and i > 0:
            date = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
            prev = lines[i - 1]
            if ISSUER.search(prev) and len(prev) <= 30:
                issuer = prev
            break
    plan_title = title
    if not title or re.search(r"印发|转发|颁布", title):
        body = "\n".join(lines[:15])
        quoted = QUOTED.search(title) or QUOTED.search(body)
        if quoted:
            plan_title = quoted.group(1)
        else:
            m2 = re.search(r"(?:印发|转发)(.+?)的通知$", title)
            if m2:
                plan_title = m2.group(1)
    year = re.search(r"((?:19|20)\d{2})年度", plan_title)
    return DocumentMeta(plan_title, number, issuer, date), int(year.group(1)) if year else None


def split_documents(original: str) -> list[DocumentPart]:
    """The documents held in ``original`` (one for an ordinary file)."""
    whole = normalize(original)
    lines = _line_starts(whole.text)
    starts: list[tuple[int, str | None, str]] = []  # (line index of title, 文号, title)
    labelled_number: str | None = None
    for k, (_, line) in enumerate(lines):
        m = DOC_NUMBER.match(line)
        if m:
            first = _title_block(lines, k)
            title = "".join(line for _, line in lines[first:k])
            starts.append((first, re.sub(r"\s+", "", m.group("n")), title))
        elif CHRONICLE.match(line) and starts:
            starts.append((k, None, line))
    if not starts:
        # a web page's metadata table: 文号：甬政办发〔2022〕35号 in a cell
        for _, line in lines[:60]:
            cell = LABELLED_NUMBER.search(line)
            if cell:
                labelled_number = re.sub(r"\s+", "", cell.group("n"))
                break
    if len(starts) <= 1:
        number = starts[0][1] if starts else labelled_number
        title = starts[0][2] if starts else ""
        if not title:
            first_lines = [ln for _, ln in lines if ln][:3]
            title = next((ln for ln in first_lines if TITLE_WORD.search(ln)), first_lines[0] if first_lines else "")
        meta, year = _meta(whole, number, title)
        return [DocumentPart(meta, (0, len(original)), whole, year)]
    parts: list[DocumentPart] = []
    for i, (first, number, title) in enumerate(starts):
        begin = whole.offsets[lines[first][0]]
        end = whole.offsets[lines[starts[i + 1][0]][0]] if i + 1 < len(starts) else len(original)
        nt = normalize(original, int(begin), int(end))
        if number is None:
            parts.append(DocumentPart(DocumentMeta(title), (int(begin), int(end)), nt, None))
            continue
        meta, year = _meta(nt, number, title)
        parts.append(DocumentPart(meta, (int(begin), int(end)), nt, year))
    return parts
