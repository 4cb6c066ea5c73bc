"""Indicator observations: one entered by hand, or a CSV/Excel file checked row by row.

An upload is all or nothing: every row is validated first, and if any row fails nothing is
stored and the caller gets every rejected row (line, column, reason). Units are converted only
between known equivalents (mg/m³ ↔ μg/m³, % ↔ ‰, 万元 ↔ 亿元 …) and refused otherwise: never
guessed. The unit an observation must be in is its target's (when it matches one), else the
unit its series already uses, else the unit given.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from luoshi.errors import LuoshiError
from luoshi.extraction.units import CANONICAL, MEASURE_WORDS, canonical_unit
from luoshi.registry.models import Document, TargetRow, utcnow
from luoshi.registry.tracking import Observation, UserAccount
from luoshi.services import audit
from luoshi.services.access import require_role
from luoshi.services.scorecard import corrections

# Units of one quantity, with the factor to the group's first unit.
UNIT_GROUPS: list[dict[str, float]] = [
    {"μg/m³": 1.0, "mg/m³": 1e3, "ng/m³": 1e-3},  # air concentration
    {"mg/L": 1.0, "μg/L": 1e-3, "g/L": 1e3},  # water concentration
    {"%": 1.0, "‰": 0.1},
    {"元": 1.0, "万元": 1e4, "亿元": 1e8},
    {"吨标准煤": 1.0, "万吨标准煤": 1e4, "亿吨标准煤": 1e8},
    {"千瓦": 1.0, "万千瓦": 1e4, "兆瓦": 1e3},
    {"千瓦时": 1.0, "万千瓦时": 1e4, "亿千瓦时": 1e8},
    {"吨": 1.0, "万吨": 1e4, "亿吨": 1e8, "千克": 1e-3, "公斤": 1e-3},
    {"m²": 1.0, "万m²": 1e4, "亿m²": 1e8, "km²": 1e6, "万km²": 1e10, "公顷": 1e4, "亩": 1e4 / 15, "万亩": 1e8 / 15},
    {"m": 1.0, "km": 1e3, "万km": 1e7},
    {"m³": 1.0, "万m³": 1e4, "亿m³": 1e8},
    {"m³/d": 1.0, "万m³/d": 1e4},
    {"t/d": 1.0, "万t/d": 1e4},
]
_EXTRA = {"ng/m³", "μg/L", "g/L", "‰", "万吨标准煤", "亿吨标准煤", "万千瓦时", "亿千瓦时", "万吨", "亿吨", "万亩", "万t/d"}
KNOWN_UNITS: frozenset[str] = frozenset(
    set(CANONICAL.values()) | {f"{p}{w}" for w in MEASURE_WORDS for p in ("", "万", "亿")} | {"类"} | _EXTRA
    | {u for g in UNIT_GROUPS for u in g}
)
_SPELLINGS = {"ug/m3": "μg/m³", "mg/m3": "mg/m³", "ng/m3": "ng/m³", "ug/l": "μg/L", "μg/l": "μg/L", "g/l": "g/L",
              "千分比": "‰", "百分比": "%", "微克/升": "μg/L", "纳克/立方米": "ng/m³", "克/升": "g/L"}  # fmt: skip

LEVEL_COMPARATORS = (">=", "<=", "=", "≈")
COLUMNS = ("indicator", "region", "period", "value", "unit", "source")
ALIASES = {"指标": "indicator", "指标名称": "indicator", "地区": "region", "区域": "region", "时期": "period",
           "期间": "period", "时间": "period", "数值": "value", "值": "value", "单位": "unit", "来源": "source",
           "数据来源": "source"}  # fmt: skip
COLUMN_LABELS = {"indicator": "指标", "region": "地区", "period": "时期", "value": "数值", "unit": "单位", "source": "来源"}
_PERIOD = re.compile(r"^(\d{4})(?:年)?(?:[-/.]?(?:(0?[1-9]|1[0-2])月?|Q([1-4])|第?([1-4一二三四])季度))?$", re.I)
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}


class UnitError(LuoshiError):
    """A unit that is unknown or cannot be converted to the one required."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str


class UploadRejected(LuoshiError):
    """An upload with at least one bad row; nothing was stored."""

    def __init__(self, errors: list[RowError], filename: str = "") -> None:
        self.errors = errors
        super().__init__(f"{filename}：{len(errors)} 处错误，未导入任何数据")


def normalize_unit(raw: str | None) -> str | None:
    """The canonical spelling of a unit, or None for an empty one. UnitError when unknown."""
    s = (raw or "").strip()
    if not s:
        return None
    s = _SPELLINGS.get(s.lower(), s)
    unit = canonical_unit(s)
    if unit not in KNOWN_UNITS:
        raise UnitError(f"未知单位“{raw}”")
    return unit


def convert(value: float, unit: str | None, to: str | None) -> float:
    """``value`` in ``unit`` expressed in ``to``; UnitError when the two are not the same quantity."""
    if unit == to:
        return value
    if unit is None or to is None:
        raise UnitError(f"缺少单位：需要 {to}" if unit is None else f"单位 {unit} 无法对应无单位的指标")
    for group in UNIT_GROUPS:
        if unit in group and to in group:
            return value * group[unit] / group[to]
    raise UnitError(f"单位 {unit} 不能换算为 {to}（不是同一种量）")


def parse_period(raw: str) -> tuple[str, int, int | None]:
    """'2025' / '2025-06' / '2025年6月' / '2025-Q2' / '2025年第二季度' → (period, year, month).
    A quarter's month is its last month, so quarters sort with months."""
    m = _PERIOD.match(re.sub(r"\s+", "", raw or ""))
    if not m or not 1949 <= int(m.group(1)) <= 2100:
        raise ValueError("时期应写作 2025、2025-06 或 2025-Q2")
    year = int(m.group(1))
    if m.group(2):
        return f"{year}-{int(m.group(2)):02d}", year, int(m.group(2))
    q = m.group(3) or m.group(4)
    if q:
        n = int(_QUARTERS.get(q, q))
        return f"{year}-Q{n}", year, 3 * n
    return str(year), year, None


def parse_value(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("数值应为数字")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        try:
            value = float(str(raw or "").strip().replace(",", "").replace("，", ""))
        except ValueError:
            raise ValueError(f"数值“{raw}”不是数字") from None
    if not math.isfinite(value):
        raise ValueError("数值应为有限数字")
    return value


# ---------------------------------------------------------------- matching targets


@dataclass(frozen=True)
class TargetRef:
    id: int
    indicator: str
    region: str | None  # the target's scope; None = the whole city
    unit: str | None
    year: int | None


@dataclass
class Context:
    """What validation needs from the register, loaded once per upload."""

    targets: dict[str, list[TargetRef]]
    cities: set[str]
    series_units: dict[tuple[str, str], str | None] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, series: Iterable[tuple[str, str]] = ()) -> Context:
        """Live targets (with corrections) and city names; the unit of each (indicator, region)
        in ``series`` that already has observations (looked up by those series, not by reading
        every observation)."""
        series = list(series)
        fixes = corrections(session, "target")
        targets: dict[str, list[TargetRef]] = {}
        live = (TargetRow.superseded.is_(False), TargetRow.review_state != "rejected")
        cols = (TargetRow.id, TargetRow.indicator, TargetRow.scope, TargetRow.comparator, TargetRow.unit, TargetRow.year)
        query = select(*cols).where(*live).order_by(TargetRow.id)
        if series:  # only the targets the file can match: by printed or corrected indicator
            wanted = {indicator for indicator, _ in series}
            renamed = [tid for tid, fix in fixes.items() if fix.get("indicator") in wanted]
            query = query.where(TargetRow.indicator.in_(wanted) | TargetRow.id.in_(renamed))
        for tid, indicator, scope, comparator, unit, year in session.execute(query):
            fix = fixes.get(tid)
            if fix:
                indicator, scope, comparator = fix.get("indicator", indicator), fix.get("scope", scope), fix.get("comparator", comparator)
                unit, year = fix.get("unit", unit), fix.get("year", year)
            # only a level target (≥ 35 μg/m³) says what unit the level is in; "下降14%" does not
            level_unit = unit if comparator in LEVEL_COMPARATORS else None
            targets.setdefault(indicator, []).append(TargetRef(tid, indicator, scope, level_unit, year))
        cities = {"全市", "市本级"}
        for issuer, title in session.execute(select(Document.issuer, Document.title).where(Document.superseded_at.is_(None))):
            m = re.match(r"^(\w{2,4}?市)", issuer or title or "")
            if m:
                cities.add(m.group(1))
        return cls(targets, cities, series_units(session, series))

    def match(self, indicator: str, region: str, year: int) -> TargetRef | None:
        """The target for this indicator and region: the same scope, or a city-wide target for a
        city-wide region; the nearest target year at or after ``year``, else the latest."""
        found = [t for t in self.targets.get(indicator, [])
                 if t.region == region or (t.region is None and region in self.cities)]  # fmt: skip
        if not found:
            return None
        ahead = [t for t in found if t.year is not None and t.year >= year]
        return min(ahead, key=lambda t: (t.year, t.id)) if ahead else max(found, key=lambda t: (t.year or 0, t.id))


def series_units(session: Session, series: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """The unit of the newest live observation of each (indicator, region) that has one."""
    wanted = sorted(set(series))
    latest: dict[tuple[str, str], int] = {}
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        keys = set(chunk)
        q = (select(Observation.indicator, Observation.region, func.max(Observation.id))
             .where(Observation.indicator.in_({i for i, _ in chunk}), Observation.region.in_({r for _, r in chunk}),
                    Observation.superseded_at.is_(None))
             .group_by(Observation.indicator, Observation.region))  # fmt: skip
        latest.update({(i, r): n for i, r, n in session.execute(q) if (i, r) in keys})
    units: dict[int, str | None] = {}
    ids = sorted(latest.values())
    for start in range(0, len(ids), 500):
        q2 = select(Observation.id, Observation.unit).where(Observation.id.in_(ids[start : start + 500]))
        units.update({i: u for i, u in session.execute(q2)})
    return {key: units[i] for key, i in latest.items()}


def _series_of(raw: dict[str, Any]) -> tuple[str, str]:
    return (str(raw.get("indicator") or "").strip(), str(raw.get("region") or "").strip())


@dataclass(frozen=True)
class Checked:
    indicator: str
    region: str
    period: str
    year: int
    month: int | None
    value: float
    unit: str | None
    source: str
    target_id: int | None
    method: str | None


def check_row(ctx: Context, raw: dict[str, Any], line: int, link: bool) -> tuple[Checked | None, list[RowError]]:
    """Validate one row; the errors name its line and column."""
    errors: list[RowError] = []

    def text(col: str) -> str:
        v = raw.get(col)
        s = "" if v is None else str(v).strip()
        if not s:
            errors.append(RowError(line, COLUMN_LABELS[col], "不能为空"))
        elif len(s) > (128 if col == "region" else 255):
            errors.append(RowError(line, COLUMN_LABELS[col], "过长"))
        return s

    indicator, region, source = text("indicator"), text("region"), text("source")
    period = year = month = value = unit = None
    try:
        period, year, month = parse_period(str(raw.get("period") or ""))
    except ValueError as e:
        errors.append(RowError(line, "时期", str(e)))
    try:
        value = parse_value(raw.get("value"))
    except ValueError as e:
        errors.append(RowError(line, "数值", str(e)))
    try:
        unit = normalize_unit(None if raw.get("unit") is None else str(raw.get("unit")))
    except UnitError as e:
        errors.append(RowError(line, "单位", str(e)))
    if errors or period is None or year is None or value is None:
        return None, errors
    target = ctx.match(indicator, region, year) if link else None
    series = ctx.series_units.get((indicator, region), unit)
    wanted = target.unit if target is not None and target.unit is not None else series
    method = None
    try:
        converted = convert(value, unit, wanted)
    except UnitError as e:
        whose = "目标" if target is not None and target.unit is not None else "该指标已有数据"
        return None, [RowError(line, "单位", f"{e}（{whose}的单位为 {wanted or '无'}）")]
    if wanted != unit:
        method = f"单位换算：{value:g} {unit} → {converted:g} {wanted}"
    return Checked(indicator, region, period, year, month, converted, wanted, source,
                   target.id if target else None, method), []  # fmt: skip


# ---------------------------------------------------------------- reading files


def read_table(filename: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row by column name) from a CSV or XLSX file. UploadRejected on a bad header
    or a file that is neither."""
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(filename, data)
    else:
        text = None
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text is None or "\x00" in text:
            raise UploadRejected([RowError(1, "—", "不是 CSV 或 Excel（.xlsx）文件")], filename)
        reader = csv.reader(io.StringIO(text))
        try:
            rows = [(reader.line_num, r) for r in reader]
        except csv.Error as e:
            raise UploadRejected([RowError(reader.line_num, "—", f"CSV 格式错误：{e}")], filename) from None
    if not rows:
        raise UploadRejected([RowError(1, "—", "文件为空")], filename)
    header_line, header = rows[0]
    names = [ALIASES.get(str(h or "").strip(), str(h or "").strip().lower()) for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        cols = "、".join(f"{c}（{COLUMN_LABELS[c]}）" for c in missing)
        raise UploadRejected([RowError(header_line, "表头", f"缺少列：{cols}")], filename)
    out: list[tuple[int, dict[str, Any]]] = []
    for line, cells in rows[1:]:
        if not any(str(c or "").strip() for c in cells):
            continue  # blank lines are not rows
        if len(cells) > len(names) and any(str(c or "").strip() for c in cells[len(names):]):
            out.append((line, {"__extra__": True}))
            continue
        out.append((line, {n: (cells[i] if i < len(cells) else None) for i, n in enumerate(names)}))
    return out


def _xlsx_rows(filename: str, data: bytes) -> list[tuple[int, list[Any]]]:
    import openpyxl  # type: ignore[import-untyped]  # only for Excel uploads

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a bad file
        raise UploadRejected([RowError(1, "—", f"无法读取 Excel 文件：{type(e).__name__}")], filename) from None
    try:
        sheet = book.worksheets[0]
        return [(i, list(r)) for i, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


# ---------------------------------------------------------------- storing


@dataclass(frozen=True)
class UploadReport:
    stored: int
    linked: int
    converted: int
    superseded: int
    ids: list[int]


def _store(session: Session, user: UserAccount, rows: list[Checked], input_file: str | None,
           sha: str | None) -> tuple[list[int], int]:  # fmt: skip
    """Insert; an earlier value for the same indicator, region and period is superseded, not deleted.
    One query finds the earlier values, one INSERT stores the rows, one UPDATE supersedes."""
    if not rows:
        return [], 0
    now = utcnow()
    keys = {(c.indicator, c.region, c.period) for c in rows}
    old: dict[tuple[str, str, str], list[int]] = {}
    ordered = sorted(keys)
    for start in range(0, len(ordered), 200):
        chunk = ordered[start : start + 200]
        q = select(Observation.id, Observation.indicator, Observation.region, Observation.period).where(
            Observation.indicator.in_({k[0] for k in chunk}), Observation.region.in_({k[1] for k in chunk}),
            Observation.period.in_({k[2] for k in chunk}), Observation.superseded_at.is_(None),
        )  # fmt: skip
        for obs_id, *key in session.execute(q):
            if tuple(key) in keys:
                old.setdefault((key[0], key[1], key[2]), []).append(obs_id)
    values = [
        {"target_id": c.target_id, "indicator": c.indicator, "region": c.region, "period": c.period, "year": c.year,
         "month": c.month, "value": c.value, "unit": c.unit, "source": c.source, "method": c.method,
         "input_file": input_file, "input_sha256": sha, "created_by_id": user.id, "created_at": now}
        for c in rows
    ]  # fmt: skip
    # one multi-row INSERT; its rows come back keyed (indicator, region, period are unique here)
    table = cast(Table, Observation.__table__)
    returned = session.execute(insert(table).returning(table.c.id, table.c.indicator, table.c.region, table.c.period),
                               values)  # fmt: skip
    new_ids = {(ind, region, period): obs_id for obs_id, ind, region, period in returned}
    ids = [new_ids[(c.indicator, c.region, c.period)] for c in rows]
    changes = [
        {"id": old_id, "superseded_at": now, "superseded_by_id": new_id}
        for c, new_id in zip(rows, ids, strict=True)
        for old_id in old.get((c.indicator, c.region, c.period), [])
    ]
    if changes:
        session.execute(
            update(table).where(table.c.id == bindparam("old_id"))
            .values(superseded_at=bindparam("at"), superseded_by_id=bindparam("new_id")),
            [{"old_id": c["id"], "at": c["superseded_at"], "new_id": c["superseded_by_id"]} for c in changes],
        )  # fmt: skip
    return ids, len(changes)


def _writer(user: UserAccount | None) -> UserAccount:
    return require_role(user, "admin", "office", "department", "district")


def add_observation(session: Session, user: UserAccount | None, values: dict[str, Any], link: bool = True,
                    ip: str | None = None) -> Observation:  # fmt: skip
    """One observation from the entry form; LuoshiError naming the field when it is wrong."""
    actor = _writer(user)
    checked, errors = check_row(Context.load(session, [_series_of(values)]), values, 1, link)
    if checked is None:
        raise LuoshiError("；".join(f"{e.column}：{e.reason}" for e in errors))
    ids, superseded = _store(session, actor, [checked], None, None)
    audit.record(session, "observation.add", user=actor, ip=ip, entity_type="indicator_observation",
                 entity_id=ids[0], after={**checked.__dict__, "superseded": superseded})  # fmt: skip
    obs = session.get(Observation, ids[0])
    assert obs is not None
    return obs


def upload_observations(session: Session, user: UserAccount | None, filename: str, data: bytes, max_bytes: int,
                        link: bool = True, ip: str | None = None) -> UploadReport:  # fmt: skip
    """Validate every row, then store all of them, or none (UploadRejected lists every bad row)."""
    actor = _writer(user)
    if len(data) > max_bytes:
        raise LuoshiError(f"文件过大（{len(data) / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB")
    table = read_table(filename, data)
    if not table:
        raise UploadRejected([RowError(1, "—", "没有数据行")], filename)
    ctx = Context.load(session, [_series_of(raw) for _, raw in table if not raw.get("__extra__")])
    good: list[Checked] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, raw in table:
        if raw.get("__extra__"):
            errors.append(RowError(line, "—", "列数多于表头"))
            continue
        checked, errs = check_row(ctx, raw, line, link)
        errors.extend(errs)
        if checked is None:
            continue
        key = (checked.indicator, checked.region, checked.period)
        if key in seen:
            errors.append(RowError(line, "时期", f"与第 {seen[key]} 行重复（同一指标、地区、时期）"))
            continue
        seen[key] = line
        ctx.series_units.setdefault((checked.indicator, checked.region), checked.unit)
        good.append(checked)
    if errors:
        raise UploadRejected(errors, filename)
    sha = hashlib.sha256(data).hexdigest()
    ids, superseded = _store(session, actor, good, filename[-255:], sha)
    report = UploadReport(len(ids), sum(c.target_id is not None for c in good), sum(c.method is not None for c in good),
                          superseded, ids)  # fmt: skip
    audit.record(session, "observation.upload", user=actor, ip=ip, entity_type="indicator_observation",
                 entity_id=ids[0] if ids else None,
                 after={"file": filename, "sha256": sha, "rows": len(ids), "ids": [ids[0], ids[-1]],
                        "linked": report.linked, "converted": report.converted, "superseded": superseded})  # fmt: skip
    return report


def recent(session: Session, limit: int = 50) -> list[Observation]:
    q = select(Observation).where(Observation.superseded_at.is_(None)).order_by(Observation.id.desc()).limit(limit)
    return list(session.scalars(q))
