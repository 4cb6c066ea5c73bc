"""The exceptions luoshi raises. The CLI turns them into one-line messages and exit codes.

    LuoshiError
     ├── DocumentError      a file cannot be read as a plan (names the file and the reason)
     ├── ExtractionError    a document was read but holds nothing to register
     └── RegistryError      the register refused a change (names the record or field)
"""

from __future__ import annotations

from pathlib import Path


class LuoshiError(Exception):
    """Base class of every error luoshi reports to a user."""


class DocumentError(LuoshiError):
    """A file cannot be read as a plan."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ExtractionError(LuoshiError):
    """A document was read but yields nothing a register can hold."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class RegistryError(LuoshiError):
    """The register refused a change."""
