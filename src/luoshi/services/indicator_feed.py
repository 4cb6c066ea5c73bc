"""Computed indicators into the register: observations of the plans' matching targets.

A value computed from monitoring data (``luoshi indicators air|water … --record``) becomes one
``indicator_observation`` per matching live target and year, with its provenance: source
``"computed"``, the method (standards and clauses), the input file's path and SHA-256.

* the city's annual PM2.5 mean → every live target whose indicator normalizes
  (:func:`luoshi.extraction.conflicts.indicator_key`) to ``PM2.5浓度`` (PM2.5浓度, PM2.5平均浓度,
  细颗粒物（PM2.5）年均浓度 …), in μg/m³;
* the city's 优良天数比例 → targets normalizing to ``优良天数比率`` (优良天数比率/比例), in %;
* the water share of sections at class I–III → targets ``…{scope}断面水质优Ⅲ比例`` where scope
  is the set the file's sections form (国考, 省考 or 国省考), in %.

A target matches when its scope is the whole area (none, 全市, 南通市 …) and ``region`` is
全市, or when its scope names ``region``. Recording again for the same target, year and region
supersedes the earlier computed observation (``superseded_at``/``superseded_by_id``); nothing is
deleted, and observations entered by people are left alone. Each recorded value gets an audit
entry ``observation.compute``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.errors import LuoshiError
from luoshi.extraction.conflicts import indicator_key
from luoshi.registry.models import utcnow
from luoshi.registry.queries import targets_for_conflicts
from luoshi.registry.tracking import Observation, UserAccount
from luoshi.services import audit

if TYPE_CHECKING:
    from luoshi.indicators.air.pipeline import AirResult

SOURCE = "computed"
DEFAULT_REGION = "全市"
WATER_SCOPES: tuple[str, ...] = ("国考", "省考", "国省考")
_WHOLE = re.compile(
    r"^(?:全[市省区县国]|全市域|全域|市域|我[市省区县]|本[市省区县]|[\u4e00-\u9fff]{2,3}[市省](?:区|域)?|市区|市本级)$"
)
AIR_METHOD: dict[str, str] = {
    "2012": "HJ 663-2013 annual evaluation (annual mean of station-mean daily values; "
    "优良天数比例 over valid AQI days); HJ 633-2012 daily AQI; GB 3095-2012 data validity",
    "2026": "HJ 663-2026 annual evaluation (annual mean of station-mean daily values; "
    "优良天数比例 over valid AQI days); HJ 633-2026 daily AQI; GB 3095-2026 data validity",
    "mixed": "HJ 663 annual evaluation (annual mean of station-mean daily values; 优良天数比例 "
    "over valid AQI days); HJ 633-2012 daily AQI before 2026-03-01, HJ 633-2026 from then; "
    "GB 3095 data validity",
}
WATER_METHOD = (
    "GB 3838-2002 Table 1; 环办〔2011〕22号 single-factor evaluation of annual mean "
    "concentrations; share of sections at class I–III"
)


class FeedError(LuoshiError):
    """The computed result cannot be recorded (e.g. it spans more than one year)."""


@dataclass(frozen=True)
class Computed:
    """One computed value and the targets it feeds (by normalized indicator name)."""

    indicator: str  # the name the observation carries
    value: float
    unit: str
    year: int
    method: str
    matches: tuple[str, ...]  # indicator keys of the targets it is an observation of


@dataclass
class FeedReport:
    """What a recording did: observations written, earlier ones superseded, values unmatched."""

    input_file: str
    input_sha256: str
    region: str
    recorded: list[dict[str, Any]] = field(default_factory=list)
    superseded: int = 0
    unmatched: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "input_file": self.input_file,
            "input_sha256": self.input_sha256,
            "region": self.region,
            "observations": self.recorded,
            "superseded": self.superseded,
            "unmatched": self.unmatched,
        }


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def air_values(result: AirResult, standard: str | None = None) -> list[Computed]:
    """The city's annual PM2.5 mean and 优良天数比例 of an air evaluation of one year."""
    a = result.assessment["CITY"]
    period = a.get("period")
    if not period:
        raise FeedError("no valid day in the input: nothing to record")
    first, last = int(period[0][:4]), int(period[1][:4])
    if first != last:
        raise FeedError(f"the input spans {first}–{last}: record one calendar year at a time")
    gens = {str(a["generation"])} if standard else _generations(period)
    method = AIR_METHOD[gens.pop() if len(gens) == 1 else "mixed"]
    out: list[Computed] = []
    pm = result.city.get("PM2.5")
    if pm is not None:
        out.append(Computed("PM2.5浓度", float(pm), "μg/m³", first, method, ("PM2.5浓度",)))
    ratio = result.city.get("good_days_ratio")
    if ratio is not None:
        out.append(Computed("优良天数比率", float(ratio), "%", first, method, ("优良天数比率",)))
    return out


def _generations(period: list[str]) -> set[str]:
    return {"2026" if p >= "2026-03-01" else "2012" for p in period}


def water_values(result: dict[str, Any], scope: str, year: int | None = None) -> list[Computed]:
    """The share of sections at class I–III for the 国考/省考/国省考 set the file holds."""
    if scope not in WATER_SCOPES:
        raise FeedError(f"unknown section scope {scope!r}: use {', '.join(WATER_SCOPES)}")
    years = [int(y) for y in result.get("years_in_file", [])]
    y = year if year is not None else (years[0] if len(set(years)) == 1 else None)
    if y is None:
        raise FeedError(f"the samples span years {years}: choose one with --year")
    share = result.get("share_I_III")
    if share is None:
        return []
    key = f"{scope}断面水质优Ⅲ比例"
    return [Computed(key, float(share), "%", y, WATER_METHOD, (key,))]


def record(
    session: Session,
    values: list[Computed],
    *,
    input_file: Path,
    input_sha256: str | None = None,
    region: str = DEFAULT_REGION,
    user: UserAccount | None = None,
) -> FeedReport:
    """Write observations for ``values`` in the caller's transaction (the caller commits)."""
    digest = input_sha256 or sha256_of(input_file)
    report = FeedReport(str(input_file), digest, region)
    targets = targets_for_conflicts(session)
    now = utcnow()
    for v in values:
        matched = [
            t
            for t in targets
            if indicator_key(t.indicator) in v.matches and _scope_fits(t.scope, region)
        ]
        if not matched:
            report.unmatched.append(v.indicator)
        for t in matched:
            earlier = session.scalars(
                select(Observation).where(
                    Observation.target_id == t.id,
                    Observation.year == v.year,
                    Observation.month.is_(None),
                    Observation.region == region,
                    Observation.source == SOURCE,
                    Observation.superseded_at.is_(None),
                )
            ).all()
            obs = Observation(
                target_id=t.id,
                indicator=t.indicator,
                region=region,
                period=str(v.year),
                year=v.year,
                month=None,
                value=v.value,
                unit=v.unit,
                source=SOURCE,
                method=v.method,
                input_file=str(input_file),
                input_sha256=digest,
                created_by_id=user.id if user else None,
                created_at=now,
            )
            session.add(obs)
            session.flush()
            for e in earlier:
                e.superseded_at = now
                e.superseded_by_id = obs.id
            report.superseded += len(earlier)
            after = {
                "target_id": t.id, "indicator": t.indicator, "region": region,
                "period": obs.period, "value": v.value, "unit": v.unit, "source": SOURCE,
                "method": v.method, "input_file": str(input_file), "input_sha256": digest,
            }  # fmt: skip
            audit.record(
                session,
                "observation.compute",
                user=user,
                username=None if user else "luoshi indicators",
                entity_type="indicator_observation",
                entity_id=obs.id,
                before={"superseded": [e.id for e in earlier]} if earlier else None,
                after=after,
            )
            report.recorded.append({"observation_id": obs.id, **after})
    session.flush()
    return report


def _scope_fits(scope: str | None, region: str) -> bool:
    if not scope or _WHOLE.match(scope):
        return region == DEFAULT_REGION or bool(scope and scope == region)
    return region in scope


def _open_and_record(
    values: list[Computed], path: Path, region: str, database_url: str | None
) -> FeedReport:
    from luoshi.registry.db import make_engine, session_scope

    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return record(session, values, input_file=path.resolve(), region=region)
    finally:
        engine.dispose()


def record_air_file(
    path: Path,
    result: AirResult,
    *,
    region: str = DEFAULT_REGION,
    standard: str | None = None,
    database_url: str | None = None,
) -> FeedReport:
    """Record an air evaluation of ``path`` in the register at ``database_url`` (default env)."""
    return _open_and_record(air_values(result, standard), Path(path), region, database_url)


def record_water_file(
    path: Path,
    result: dict[str, Any],
    *,
    scope: str,
    year: int | None = None,
    region: str = DEFAULT_REGION,
    database_url: str | None = None,
) -> FeedReport:
    """Record the 优Ⅲ比例 of a water evaluation of ``path`` for the given section scope."""
    return _open_and_record(water_values(result, scope, year), Path(path), region, database_url)
