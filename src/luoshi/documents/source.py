"""A file read into text: the single "original" every span points into."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceFile:
    """A decoded file. ``text`` is never modified afterwards: spans index into it.

    For PDF and DOCX, ``text`` is the text layer as extracted (pages separated by ``\\f``;
    table rows as lines with tab-separated cells), which is what provenance points into.
    """

    path: str
    text: str
    encoding: str  # "utf-8", "gb18030", … or "pdf" / "docx" / "html:<charset>"
    sha256: str  # of the file's bytes: the register's idempotency key
    kind: str  # "txt" | "pdf" | "docx" | "html"
