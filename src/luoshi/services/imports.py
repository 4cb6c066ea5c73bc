"""Bringing plans in from the web: upload → preview the extraction → confirm the import; and
reviewing what was extracted (confirm / correct / reject), for the office only.

Between preview and confirm the upload waits in a staging folder under the user's id, named by
its SHA-256, so that only the uploader can confirm it and the confirmed bytes are exactly the
previewed ones. The import itself is :func:`luoshi.registry.importer.import_paths`, in the
caller's transaction: a bad file leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.documents.source import SourceFile
from luoshi.errors import LuoshiError
from luoshi.extraction.model import ExtractedDocument
from luoshi.registry import review
from luoshi.registry.importer import ImportReport, import_paths
from luoshi.registry.models import Document, Item, SourceFileRow
from luoshi.registry.rows import document_key
from luoshi.registry.tracking import UserAccount
from luoshi.services import audit
from luoshi.services.access import require_office

PLAN_EXTENSIONS = (".txt", ".pdf", ".docx", ".html", ".htm")
STAGING_TTL_SECONDS = 24 * 3600


class ImportRefused(LuoshiError):
    """An upload that cannot be previewed or imported (the message is the reader's one line)."""


def staging_root() -> Path:
    return Path(os.environ.get("LUOSHI_STAGING_DIR") or Path(tempfile.gettempdir()) / "luoshi-staging")


def _safe_name(filename: str) -> str:
    name = re.split(r"[\\/]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    return name[-120:] or "plan.txt"


def _staged(user: UserAccount, sha: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise ImportRefused("预览已失效，请重新上传文件")
    return staging_root() / str(user.id) / sha


def _clean_stale(root: Path) -> None:
    now = time.time()
    for path in root.glob("*/*/*"):
        try:
            if now - path.stat().st_mtime > STAGING_TTL_SECONDS:
                path.unlink()
                path.parent.rmdir()
        except OSError:
            pass  # another request got there first


@dataclass(frozen=True)
class PreviewDocument:
    title: str
    doc_number: str | None
    date: str | None
    status: str  # "new" | "new_version"
    tasks: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    projects: list[dict[str, Any]]


@dataclass(frozen=True)
class Preview:
    filename: str
    sha256: str
    size: int
    already_imported: bool
    documents: list[PreviewDocument]

    def total(self, name: str) -> int:
        return sum(len(getattr(d, name)) for d in self.documents)


def _extract(path: Path, display: str) -> tuple[SourceFile, list[ExtractedDocument]]:
    from luoshi import pipeline  # late: tests may replace the pipeline

    source, docs = pipeline.extract_path(path)
    # the register records where the file came from, not the staging folder
    return replace(source, path=f"上传:{display}"), docs


def preview(session: Session, user: UserAccount, filename: str, data: bytes, max_bytes: int) -> Preview:
    """Stage the upload and extract it (nothing is stored in the register)."""
    require_office(user)
    name = _safe_name(filename)
    if not name.lower().endswith(PLAN_EXTENSIONS):
        raise ImportRefused(f"{name}: 只接受 TXT、PDF、DOCX、HTML 格式的规划文件")
    if len(data) > max_bytes:
        raise ImportRefused(f"{name}: 文件过大（{len(data) / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB")
    sha = hashlib.sha256(data).hexdigest()
    root = staging_root()
    _clean_stale(root)
    folder = _staged(user, sha)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        old.unlink(missing_ok=True)  # the same bytes uploaded before under another name
    path = folder / name
    path.write_bytes(data)
    try:
        _, docs = _extract(path, name)
        if not any(d.tasks or d.targets or d.projects for d in docs):
            raise ImportRefused(f"{name}: 未识别出任何任务、目标或项目")
    except LuoshiError as e:
        path.unlink(missing_ok=True)
        raise ImportRefused(str(e).replace(str(path), name)) from None
    known = set(session.scalars(select(Document.key).where(Document.superseded_at.is_(None))))
    documents = [
        PreviewDocument(
            d.meta.title, d.meta.doc_number, d.meta.date, "new_version" if document_key(d) in known else "new",
            [{"label": t.label, "title": t.title, "lead": list(t.lead), "responsible": list(t.responsible),
              "deadline": t.deadline.text if t.deadline else None} for t in d.tasks],
            [{"indicator": g.indicator, "comparator": g.comparator, "value": g.value, "unit": g.unit, "year": g.year}
             for g in d.targets],
            [{"name": p.name, "investment": p.investment_wan_yuan} for p in d.projects],
        )  # fmt: skip
        for d in docs
    ]
    exists = session.scalar(select(SourceFileRow.id).where(SourceFileRow.sha256 == sha)) is not None
    return Preview(name, sha, len(data), exists, documents)


def confirm(session: Session, user: UserAccount, sha256: str, ip: str | None = None) -> ImportReport:
    """Import the file the same user previewed, in the caller's transaction."""
    require_office(user)
    folder = _staged(user, sha256)
    files = list(folder.glob("*")) if folder.is_dir() else []
    if len(files) != 1 or hashlib.sha256(files[0].read_bytes()).hexdigest() != sha256:
        raise ImportRefused("预览已失效，请重新上传文件")
    path = files[0]
    report = import_paths(session, [path], extract=lambda p: _extract(p, path.name))
    f = report.files[0]
    audit.record(session, "plan.import", user=user, ip=ip, entity_type="source_file", entity_id=sha256[:16],
                 after={"file": path.name, "sha256": sha256, "status": f.status, "documents": f.documents,
                        "tasks": f.tasks, "targets": f.targets, "projects": f.projects,
                        "added": f.added, "updated": f.updated, "superseded": f.superseded})  # fmt: skip
    return report


def discard(user: UserAccount, sha256: str) -> None:
    """Remove a staged upload once imported (after the transaction commits)."""
    folder = _staged(user, sha256)
    for path in folder.glob("*"):
        path.unlink(missing_ok=True)
    if folder.is_dir():
        folder.rmdir()


# ---------------------------------------------------------------- review of extracted items

INT_FIELDS = {"year", "month", "baseline_year", "deadline_year", "deadline_month"}
FLOAT_FIELDS = {"value", "investment_wan_yuan"}
LIST_FIELDS = {"responsible", "lead", "implementing"}
BOOL_FIELDS = {"recurring"}


def parse_field(name: str, raw: str) -> Any:
    """A form's text as the typed value :func:`registry.review.correct` checks."""
    s = (raw or "").strip()
    if name in LIST_FIELDS:
        return [x for x in re.split(r"[、,，;；\s]+", s) if x]
    if name in BOOL_FIELDS:
        return s in ("1", "true", "on", "是")
    if not s:
        return None
    try:
        if name in INT_FIELDS:
            return int(s)
        if name in FLOAT_FIELDS:
            return float(s)
    except ValueError:
        raise LuoshiError(f"字段 {name}：“{s}”不是数字") from None
    return s


def review_item(session: Session, user: UserAccount, kind: str, item_id: int, action: str,
                fields: dict[str, str] | None = None, note: str | None = None,
                ip: str | None = None) -> Item:  # fmt: skip
    """confirm / reject (with a note) / correct (the changed fields) one extracted item."""
    require_office(user)
    item = review.get_item(session, kind, item_id)
    before = review.effective(item)
    note = (note or "").strip() or None
    if action == "confirm":
        review.confirm(session, item, user.username, note)
    elif action == "reject":
        review.reject(session, item, user.username, note or "")
    elif action == "correct":
        changed = 0
        for name, raw in (fields or {}).items():
            if name not in review.FIELDS[kind]:
                continue
            value = parse_field(name, raw)
            old = before.get(name)
            if value != (old.strip() if isinstance(old, str) else old):
                review.correct(session, item, name, value, user.username, note)
                changed += 1
        if not changed:
            raise LuoshiError("没有修改任何字段")
    else:
        raise LuoshiError(f"未知操作 {action}")
    after = review.effective(item)
    audit.record(session, f"review.{action}", user=user, ip=ip, entity_type=kind, entity_id=item.id,
                 before={k: before.get(k) for k in after if before.get(k) != after[k]} | {"review_state": before["review_state"]},
                 after={k: after[k] for k in after if before.get(k) != after[k]} | {"review_state": after["review_state"]})  # fmt: skip
    return item
