"""One target in full: its yearly series, the path to the target, the projection and sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from luoshi.assessment import Point, target_path
from luoshi.assessment.status import finite
from luoshi.registry.models import TargetRow
from luoshi.registry.tracking import Observation
from luoshi.services.access import NotFound
from luoshi.services.scorecard import Snapshot, TargetFact


@dataclass
class TargetDetail:
    fact: TargetFact
    row: TargetRow
    series: list[Point]
    sources: list[dict[str, Any]]  # one per observation used, newest year first

    def chart(self) -> dict[str, Any]:
        """What the line chart needs (also the API's ``chart``): plain JSON numbers."""
        a = self.fact.assessment
        path = target_path(a.baseline, a.target_value, self.fact.year) if (
            a.baseline is not None and a.target_value is not None and self.fact.year
        ) else []  # fmt: skip
        projection = (
            [[a.latest.year, a.latest.value], [a.projection.year, finite(a.projection.value)]]
            if a.latest is not None and a.projection is not None else []
        )  # fmt: skip
        return {
            "unit": self.fact.unit or "",
            "observed": [[p.year, p.value] for p in self.series],
            "path": [[year, finite(value)] for year, value in path],
            "projection": projection,
            "target": finite(a.target_value),
            "target_year": self.fact.year,
        }


def target_detail(session: Session, snap: Snapshot, target_id: int) -> TargetDetail:
    """``NotFound`` for a target that is missing, superseded or rejected."""
    fact = snap.targets.get(target_id)
    row = session.get(TargetRow, target_id)
    if fact is None or row is None:
        raise NotFound(f"target {target_id} not found")
    rows = session.scalars(
        select(Observation)
        .where(Observation.target_id == target_id, Observation.superseded_at.is_(None))
        .order_by(Observation.year, Observation.month, Observation.id)
    ).all()
    best: dict[int, Observation] = {}
    for obs in rows:  # per year the annual row, else the latest month (as the snapshot does)
        held = best.get(obs.year)
        rank = (13 if obs.month is None else obs.month, obs.id)
        if held is None or rank > (13 if held.month is None else held.month, held.id):
            best[obs.year] = obs
    used = [best[y] for y in sorted(best)]
    sources = [
        {"year": o.year, "period": o.period, "value": o.value, "unit": o.unit, "region": o.region,
         "source": o.source, "method": o.method, "input_file": o.input_file}
        for o in reversed(used)
    ]  # fmt: skip
    return TargetDetail(fact, row, [Point(o.year, o.value) for o in used], sources)
