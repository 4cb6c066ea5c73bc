"""The register: plans, tasks, targets and projects in SQLite or PostgreSQL, with review.

- :mod:`~luoshi.registry.db`: connect, migrate (Alembic, packaged), transactions;
- :mod:`~luoshi.registry.importer`: files in, rows out (idempotent, all-or-nothing);
- :mod:`~luoshi.registry.review`: confirm / correct / reject as an overlay on extracted values;
- :mod:`~luoshi.registry.queries`: summaries and records for the conflict finder.
"""

from luoshi.registry import tracking  # noqa: F401  (the tracking tables join the metadata)
from luoshi.registry.db import database_url, make_engine, session_scope, upgrade
from luoshi.registry.importer import FileReport, ImportReport, import_paths
from luoshi.registry.queries import DocumentSummary, TargetRecord, summary, targets_for_conflicts
from luoshi.registry.review import confirm, correct, effective, history, reject

__all__ = [
    "DocumentSummary",
    "FileReport",
    "ImportReport",
    "TargetRecord",
    "confirm",
    "correct",
    "database_url",
    "effective",
    "history",
    "import_paths",
    "make_engine",
    "reject",
    "session_scope",
    "summary",
    "targets_for_conflicts",
    "upgrade",
]
