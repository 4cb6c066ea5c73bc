"""Department names: resolve the abbreviations plans print to canonical names.

The dictionary ships as ``data/departments.csv`` (``canonical,kind,aliases`` with aliases
separated by ``|``). A user adds or overrides rows with a CSV of the same shape, named by the
environment variable ``LUOSHI_DEPARTMENTS`` or passed to :func:`load_dictionary`.
Bodies that are not departments (南通海事局, 国网南通供电公司) are kept as printed.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from luoshi.errors import DocumentError

# Suffixes that mark a government body's name; used for names the dictionary lacks.
BODY_SUFFIX = re.compile(
    r"(?:局|委|办|厅|部|委员会|中心|支队|大队|总社|社|院|会|所|站|处|公司|集团|分行|支行|分局|海关|海事局|管委会|办公室|学院)$"
)
# Vague or implementing bodies that are not departments.
NOT_A_DEPARTMENT = re.compile(
    r"^(?:各|有关|相关|其他|其它)|人民政府|管委会$|^(?:地方|各地|乡镇|街道)$|^市各|^区各"
)
_PREFIXES = ("市委", "市", "区", "县", "省")
ADMIN_PREFIX = re.compile(r"^(?:市|区|县|省|镇|乡|街道|南通|江苏|国网|国家|中国|人行|人民银行|[\u4e00-\u9fff]{2,4}(?:市|区|县|省))")
NOT_A_NAME = re.compile(r"[《》“”\n，。；：]")
# Bodies that are not city departments, so a list's leading 市 does not distribute onto them:
# state-owned companies, central agencies' branches, banks, and bodies named after a place.
NOT_DISTRIBUTED = re.compile(
    r"^(?:国网|国家|中国|中共|人民银行|人行)"
    r"|(?:公司|集团|海关|海事局|银行|分行|支行|监管分局|税务局|大学|研究院)$"
    r"|^(?!市场|市域|市政|市区|市委|市级)[\u4e00-\u9fff]{2,6}(?:市|区|县|省|州)(?![场域政级委])"
)
# Organisations that own tasks without a place prefix (杭州公交集团, 国网杭州供电公司).
ORGANISATION = re.compile(
    r"(?:有限公司|公司|集团|海关|海事局|银行|分行|支行|监管分局|供电局|研究院|研究所|大学|学院)$"
)


@dataclass
class DepartmentDictionary:
    """Aliases → canonical names, plus the kind of each canonical body."""

    canonical: dict[str, str] = field(default_factory=dict)  # alias or name → canonical
    kind: dict[str, str] = field(default_factory=dict)  # canonical → kind
    _alternation: re.Pattern[str] | None = None

    def add(self, canonical: str, kind: str, aliases: list[str]) -> None:
        self.kind[canonical] = kind
        self.canonical[canonical] = canonical
        for alias in aliases:
            self.canonical[alias] = canonical
        self._alternation = None

    def lookup(self, name: str) -> str | None:
        return self.canonical.get(name)

    @property
    def pattern(self) -> re.Pattern[str]:
        """A regex matching any known name, longest first (for segmenting glued names)."""
        if self._alternation is None:
            names = sorted(self.canonical, key=len, reverse=True)
            self._alternation = re.compile("|".join(map(re.escape, names)))
        return self._alternation

    def resolve(self, name: str, prefix: str = "") -> str:
        """Canonical name for ``name`` printed in a list whose first item began with ``prefix``."""
        name = name.strip()
        if prefix and not name.startswith(prefix):
            found = self.lookup(prefix + name)
            if found:
                return found
        found = self.lookup(name)
        if found:
            return found
        if (
            prefix
            and not name.startswith(prefix)
            and not name.startswith(("市", "区", "县", "省"))  # already names its own level
            and BODY_SUFFIX.search(name)
            and not NOT_DISTRIBUTED.search(name)
        ):
            return prefix + name
        return name


def _read_rows(path: Path | str, text: str) -> list[tuple[str, str, list[str]]]:
    rows: list[tuple[str, str, list[str]]] = []
    reader = csv.DictReader(text.splitlines())
    missing = {"canonical", "kind", "aliases"} - set(reader.fieldnames or [])
    if missing:
        raise DocumentError(path, f"department dictionary lacks column(s) {', '.join(sorted(missing))}")
    for line_no, row in enumerate(reader, start=2):
        canonical = (row.get("canonical") or "").strip()
        if not canonical:
            raise DocumentError(path, f"line {line_no}: empty canonical name")
        aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
        rows.append((canonical, (row.get("kind") or "department").strip(), aliases))
    return rows


def shipped_rows() -> list[tuple[str, str, list[str]]]:
    text = resources.files("luoshi.extraction").joinpath("data/departments.csv").read_text("utf-8")
    return _read_rows("departments.csv", text)


def user_rows(path: str | Path) -> list[tuple[str, str, list[str]]]:
    p = Path(path)
    if not p.is_file():
        raise DocumentError(p, "department dictionary not found")
    return _read_rows(p, p.read_text("utf-8-sig"))


def load_dictionary(extra: str | Path | None = None) -> DepartmentDictionary:
    """The shipped dictionary, overridden by ``extra`` (or ``$LUOSHI_DEPARTMENTS``)."""
    d = DepartmentDictionary()
    for canonical, kind, aliases in shipped_rows():
        d.add(canonical, kind, aliases)
    extra = extra or os.environ.get("LUOSHI_DEPARTMENTS") or None
    if extra:
        for canonical, kind, aliases in user_rows(extra):
            d.add(canonical, kind, aliases)
    return d


@lru_cache(maxsize=1)
def default_dictionary() -> DepartmentDictionary:
    return load_dictionary()


def list_prefix(first: str) -> str:
    """The administrative prefix a list's first name carries (市, 区 …), if any."""
    for p in _PREFIXES:
        if first.startswith(p) and not first.startswith("市场"):
            return "市" if p == "市委" else p
    return ""


def is_department_like(name: str, d: DepartmentDictionary) -> bool:
    """True when ``name`` names a body that can own a task."""
    if not name or len(name) < 2 or len(name) > 30 or NOT_A_DEPARTMENT.search(name):
        return False
    if d.lookup(name) is not None:
        return True
    # Unknown names must look like an administrative body: a place prefix and a body suffix.
    return bool(ADMIN_PREFIX.match(name) and BODY_SUFFIX.search(name) and not NOT_A_NAME.search(name))


def is_organisation(name: str) -> bool:
    """True when ``name`` reads as an organisation (杭州公交集团, 南京海关) even without an
    administrative prefix: accepted where a body is expected, in a responsibility cell."""
    return (
        4 <= len(name) <= 30
        and bool(ORGANISATION.search(name))
        and not NOT_A_DEPARTMENT.search(name)
        and not NOT_A_NAME.search(name)
        and not re.search(r"[\d%（）()]", name)
    )
