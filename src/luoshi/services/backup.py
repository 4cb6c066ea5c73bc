"""Back up and restore the whole register as one portable file (SQLite ⇄ PostgreSQL).

The file is a zip::

    manifest.json          format, alembic revision, when, from which dialect, and per table
                           its row count, columns and the SHA-256 of its data file
    tables/<table>.jsonl   one JSON object per row, in primary-key order

Values are written by column type: timestamps and dates as ISO 8601, bytes (attachments) as
base64, JSON columns as JSON. Every table of the schema is included, the audit log too, so the
restored chain still verifies (``luoshi audit verify``).

Restore checks the whole file first (format, schema revision, table set, row counts, checksums)
and writes nothing if anything is off; it refuses a non-empty register unless ``force``, which
empties it and loads the file in one transaction.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, Engine, Table, bindparam, func, inspect, select, text
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON, Date, DateTime, LargeBinary, TypeDecorator, TypeEngine

import luoshi.registry.tracking  # noqa: F401  (registers the tracking tables on Base.metadata)
from luoshi import __version__
from luoshi.errors import LuoshiError
from luoshi.registry.db import alembic_config, upgrade
from luoshi.registry.models import Base, utcnow
from luoshi.services import audit

FORMAT = "luoshi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000


class BackupError(LuoshiError):
    """A backup cannot be written, or a file cannot be restored (nothing was written)."""


@dataclass(frozen=True)
class TableSummary:
    name: str
    rows: int


@dataclass(frozen=True)
class BackupReport:
    path: Path
    revision: str
    tables: list[TableSummary]

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def describe(self, verb: str) -> str:
        return f"{verb} {self.path}: {len(self.tables)} tables, {self.rows} rows, schema revision {self.revision}"


def tables() -> list[Table]:
    """Every table of the register, parents before children."""
    return list(Base.metadata.sorted_tables)


def head_revision() -> str:
    """The schema revision this version of luoshi migrates to."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    if head is None:  # pragma: no cover - the package ships its migrations
        raise BackupError("no migrations found")
    return head


def database_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def _kind(column: Column[Any]) -> str:
    kind: TypeEngine[Any] = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl if isinstance(kind.impl, TypeEngine) else kind.impl()
    if isinstance(kind, DateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, LargeBinary):
        return "bytes"
    if isinstance(kind, JSON):
        return "json"
    return "plain"


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in ("datetime", "date"):
        assert isinstance(value, date)
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value)
    return value


def _pk_order(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns) or list(table.columns)


# --- backup ----------------------------------------------------------------------------------


def backup(engine: Engine, path: str | Path) -> BackupReport:
    """Write the whole register to ``path`` (a zip), read in one consistent transaction."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise BackupError(f"{path}: is a directory; name a file, e.g. {path / 'luoshi-backup.zip'}")
    tmp = path.with_name(path.name + ".partial")
    summaries: list[TableSummary] = []
    manifest_tables: dict[str, Any] = {}
    try:
        with engine.connect() as connection, connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
            revision = database_revision(connection)
            if revision is None:
                raise BackupError("the database has no schema yet: nothing to back up (run `luoshi db upgrade`)")
            if revision != head_revision():
                raise BackupError(
                    f"the database is at schema revision {revision}, this luoshi expects {head_revision()}: "
                    "run `luoshi db upgrade` first"
                )
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                for table in tables():
                    kinds = {c.name: _kind(c) for c in table.columns}
                    digest = hashlib.sha256()
                    count = 0
                    member = f"tables/{table.name}.jsonl"
                    with archive.open(member, "w", force_zip64=True) as out:
                        result = connection.execution_options(yield_per=BATCH).execute(
                            select(table).order_by(*_pk_order(table))
                        )
                        for row in result.mappings():
                            record = {name: _encode(kinds[name], row[name]) for name in kinds}
                            line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
                            digest.update(line)
                            out.write(line)
                            count += 1
                    manifest_tables[table.name] = {
                        "file": member, "rows": count, "sha256": digest.hexdigest(),
                        "columns": sorted(kinds),
                    }  # fmt: skip
                    summaries.append(TableSummary(table.name, count))
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "alembic_revision": revision,
                    "created_at": utcnow().isoformat(),
                    "luoshi_version": __version__,
                    "source_dialect": engine.dialect.name,
                    "tables": manifest_tables,
                }
                archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        tmp.replace(path)
    except OSError as exc:
        raise BackupError(f"{path}: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return BackupReport(path, revision, summaries)


# --- restore ---------------------------------------------------------------------------------


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path}: not a luoshi backup (not a readable zip file: {exc})") from None


def _lines(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    with archive.open(member) as handle:
        yield from handle


def check(path: str | Path) -> dict[str, Any]:
    """Read the whole file and check it against its manifest and this luoshi's schema; return
    the manifest. Raises :class:`BackupError` with a clear message, before anything is written."""
    path = Path(path)
    with _open(path) as archive:
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except KeyError:
            raise BackupError(f"{path}: not a luoshi backup (no {MANIFEST})") from None
        except ValueError as exc:
            raise BackupError(f"{path}: {MANIFEST} is not valid JSON ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"{path}: not a luoshi backup (format is not {FORMAT!r})")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(f"{path}: backup format version {manifest.get('format_version')} is not supported")
        revision, head = manifest.get("alembic_revision"), head_revision()
        if revision != head:
            raise BackupError(
                f"{path}: made from schema revision {revision}, but this luoshi's schema is revision {head}; "
                "restore it with the luoshi version that wrote it (then upgrade), nothing was written"
            )
        listed = manifest.get("tables") or {}
        expected = {t.name: t for t in tables()}
        if set(listed) != set(expected):
            missing, extra = sorted(set(expected) - set(listed)), sorted(set(listed) - set(expected))
            raise BackupError(f"{path}: tables do not match the schema (missing {missing}, unknown {extra})")
        for name, table in expected.items():
            entry = listed[name]
            if sorted(entry.get("columns") or []) != sorted(c.name for c in table.columns):
                raise BackupError(f"{path}: table {name}: columns do not match the schema")
            digest, count = hashlib.sha256(), 0
            try:
                for line in _lines(archive, entry["file"]):
                    digest.update(line)
                    count += 1
            except KeyError:
                raise BackupError(f"{path}: table {name}: data file {entry.get('file')} is missing") from None
            except (zipfile.BadZipFile, OSError) as exc:
                raise BackupError(f"{path}: table {name}: data cannot be read ({exc})") from None
            if digest.hexdigest() != entry.get("sha256"):
                raise BackupError(f"{path}: table {name}: checksum does not match (file damaged or altered)")
            if count != entry.get("rows"):
                raise BackupError(f"{path}: table {name}: {count} rows, the manifest says {entry.get('rows')}")
    return dict(manifest)


def row_counts(connection: Connection) -> dict[str, int]:
    return {
        t.name: int(connection.execute(select(func.count()).select_from(t)).scalar() or 0) for t in tables()
    }


def restore(engine: Engine, path: str | Path, *, force: bool = False) -> BackupReport:
    """Load a backup into ``engine``'s database. Checks the file first; refuses a non-empty
    register unless ``force``; all in one transaction (all or nothing)."""
    path = Path(path)
    manifest = check(path)
    revision = str(manifest["alembic_revision"])
    with engine.connect() as connection:
        current = database_revision(connection)
    if current is not None and current != revision:
        raise BackupError(
            f"the database is at schema revision {current}, the backup at {revision}: "
            "bring them to the same revision first; nothing was written"
        )
    if current is None:
        upgrade(engine)
    summaries: list[TableSummary] = []
    with _open(path) as archive, engine.begin() as connection:
        present = {name: n for name, n in row_counts(connection).items() if n}
        if present and not force:
            busy = ", ".join(f"{k} ({v})" for k, v in sorted(present.items()))
            raise BackupError(
                f"the register is not empty ({busy}); use --force to replace it; nothing was written"
            )
        for table in reversed(tables()):
            connection.execute(table.delete())
        for table in tables():
            count = _load_table(connection, table, archive, manifest["tables"][table.name]["file"])
            summaries.append(TableSummary(table.name, count))
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
        # the restore itself goes on the record, chained to the restored log
        session = Session(bind=connection)  # joins the transaction; commit() only flushes
        try:
            audit.record(session, "backup.restore", username=audit.CLI_ACTOR,
                         after={"file": path.name, "rows": sum(s.rows for s in summaries),
                                "source_dialect": manifest.get("source_dialect"),
                                "created_at": manifest.get("created_at"), "forced": bool(present)})  # fmt: skip
            session.commit()
        finally:
            session.close()
    return BackupReport(path, revision, summaries)


def _load_table(connection: Connection, table: Table, archive: zipfile.ZipFile, member: str) -> int:
    kinds = {c.name: _kind(c) for c in table.columns}
    # a column pointing into its own table (document.superseded_by_id, section.parent_id …)
    # may point forward: insert it empty, then fill it in once every row is there
    self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    pk = [c.name for c in table.primary_key.columns]
    deferred: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    count = 0
    for line in _lines(archive, member):
        raw = json.loads(line)
        row = {name: _decode(kinds[name], raw.get(name)) for name in kinds}
        if self_refs and any(row[c] is not None for c in self_refs):
            deferred.append({**{f"_{c}": row[c] for c in pk}, **{c: row[c] for c in self_refs}})
            row.update({c: None for c in self_refs})
        batch.append(row)
        count += 1
        if len(batch) >= BATCH:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
    if deferred:
        statement = (
            table.update()
            .where(*[table.c[c] == bindparam(f"_{c}") for c in pk])
            .values({c: bindparam(c) for c in self_refs})
        )
        for start in range(0, len(deferred), BATCH):
            connection.execute(statement, deferred[start : start + BATCH])
    return count


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: move each id sequence past the restored ids."""
    for table in tables():
        for column in table.primary_key.columns:
            if column.autoincrement is not True and not (
                column.autoincrement == "auto" and len(table.primary_key.columns) == 1
            ):
                continue
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar()
            if sequence:
                connection.execute(
                    text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false)'),
                    {"s": sequence},
                )
