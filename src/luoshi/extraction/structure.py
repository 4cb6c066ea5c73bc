"""The numbering hierarchy of a plan: 第一章/第一节, 一、, （一）, 1．, （1）, ① as a tree.

Levels are not fixed by style: plans nest styles in different orders, so a style seen for the
first time opens a deeper level and a style already open closes everything below it. A number
that does not continue its sibling sequence is taken as ordinary text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from luoshi.extraction.numbers import chinese_to_int

_CN = "一二三四五六七八九十百零〇"
MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"第(?P<n>[{_CN}\d]+)[章篇部分]")),
    ("jie", re.compile(rf"第(?P<n>[{_CN}\d]+)节")),
    ("cn", re.compile(rf"(?P<n>[{_CN}]+)、")),
    ("paren_cn", re.compile(rf"（(?P<n>[{_CN}]+)）")),
    ("arabic", re.compile(r"(?P<n>\d{1,3})(?:[.．、](?!\d)|\s)")),
    ("paren_arabic", re.compile(r"（(?P<n>\d{1,3})）")),
    ("circled", re.compile(r"(?P<n>[①-⑳])")),
)
ATTACHMENT = re.compile(r"附件\s*\d*\s*[：:]?|附表")
TITLE_END = re.compile(r"[。；：！？]|\n")


@dataclass
class Node:
    """A numbered item while the tree is being built (``Section`` is its frozen form)."""

    label: str
    style: str
    number: int
    level: int
    start: int  # offset of the marker in the normalized text
    body: int  # offset just after the marker
    end: int = -1
    title: str = ""
    path: tuple[str, ...] = ()
    children: list[Node] = field(default_factory=list)

    @property
    def own_end(self) -> int:
        """End of the item's own text: where its first child begins, else its end."""
        return self.children[0].start if self.children else self.end


def _number(style: str, raw: str) -> int:
    if style == "circled":
        return ord(raw) - ord("①") + 1
    if raw.isdigit():
        return int(raw)
    value = chinese_to_int(raw)
    return -1 if value is None else value


def _match_marker(line: str) -> tuple[str, str, int] | None:
    for style, pattern in MARKERS:
        m = pattern.match(line)
        if m:
            return style, m.group("n"), m.end()
    return None


def _title(text: str, body: int, end: int) -> str:
    m = TITLE_END.search(text, body, end)
    stop = m.start() if m else end
    title = text[body:stop].strip()
    return title if len(title) <= 40 else title[:40]


def parse_structure(text: str) -> list[Node]:
    """All numbered items of ``text`` (normalized), in document order, with parents linked."""
    nodes: list[Node] = []
    stack: list[Node] = []
    last: dict[str, int] = {}
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if ATTACHMENT.match(line) and len(line) <= 40:
            for open_node in stack:
                open_node.end = line_start
            stack = []  # an attachment restarts the numbering
            last = {}
            continue
        found = _match_marker(line)
        if not found:
            continue
        style, raw, marker_len = found
        number = _number(style, raw)
        depth = next((i for i, n in enumerate(stack) if n.style == style), None)
        if depth is not None:
            if number != stack[depth].number + 1:
                continue  # not the next sibling: ordinary text such as a list in a sentence
            for closed in stack[depth:]:
                closed.end = line_start
            stack = stack[:depth]
        elif stack and number != 1 and number != last.get(style, -1) + 1:
            continue  # numbering may run on across groups (1–5 under （一）, 6 under （二）)
        node = Node(
            label=raw if style != "circled" else str(number),
            style=style,
            number=number,
            level=len(stack),
            start=line_start,
            body=line_start + marker_len,
            path=tuple(n.label for n in stack),
        )
        node.title = _title(text, node.body, min(len(text), line_start + len(line)))
        last[style] = number
        if stack:
            stack[-1].children.append(node)
        stack.append(node)
        nodes.append(node)
    for open_node in stack:
        open_node.end = len(text)
    for node in nodes:
        if node.end < 0:
            node.end = len(text)
    return nodes
