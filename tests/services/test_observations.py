"""Service level: unit conversion and refusal, period parsing, row-by-row validation with an
all-or-nothing upload, target linking, superseding instead of overwriting."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from luoshi.errors import LuoshiError
from luoshi.registry.models import TargetRow
from luoshi.registry.tracking import AuditEntry, Observation
from luoshi.services import observations as obs
from luoshi.services.access import Forbidden
from tests.services.test_progress import Register, register  # noqa: F401  (the fixture)

HEADER = "indicator,region,period,value,unit,source\n"


@pytest.mark.parametrize(("value", "unit", "to", "expected"), [
    (0.035, "mg/m³", "μg/m³", 35.0), (35, "μg/m³", "mg/m³", 0.035), (5, "‰", "%", 0.5), (12, "%", "‰", 120.0),
    (25000, "万元", "亿元", 2.5), (1.2, "亿元", "万元", 12000.0), (3, "万吨标准煤", "吨标准煤", 30000.0),
    (15, "亩", "公顷", 1.0), (7, "%", "%", 7.0),
])
def test_conversions(value: float, unit: str, to: str, expected: float) -> None:
    assert obs.convert(value, unit, to) == pytest.approx(expected)


@pytest.mark.parametrize(("unit", "to"), [("mg/L", "μg/m³"), ("%", "万元"), ("pp", "%"), (None, "%"), ("%", None),
                                          ("个", "家")])
def test_incompatible_units_are_refused(unit: str | None, to: str | None) -> None:
    with pytest.raises(obs.UnitError):
        obs.convert(1.0, unit, to)


def test_unit_spellings_and_unknown_units() -> None:
    assert obs.normalize_unit("微克/立方米") == "μg/m³"
    assert obs.normalize_unit("ug/m3") == "μg/m³"
    assert obs.normalize_unit(" mg/m3 ") == "mg/m³"
    assert obs.normalize_unit("万元") == "万元"
    assert obs.normalize_unit("") is None
    for bad in ("斤/亩", "furlongs", "μg"):
        with pytest.raises(obs.UnitError, match="未知单位"):
            obs.normalize_unit(bad)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2025", ("2025", 2025, None)), ("2025-06", ("2025-06", 2025, 6)), ("2025年6月", ("2025-06", 2025, 6)),
    ("2025-Q2", ("2025-Q2", 2025, 6)), ("2025年第三季度", ("2025-Q3", 2025, 9)), ("2025/12", ("2025-12", 2025, 12)),
])
def test_periods(raw: str, expected: tuple[str, int, int | None]) -> None:
    assert obs.parse_period(raw) == expected


@pytest.mark.parametrize("raw", ["25", "2025-13", "2025-Q5", "明年", "1800"])
def test_bad_periods(raw: str) -> None:
    with pytest.raises(ValueError):
        obs.parse_period(raw)


def test_upload_is_all_or_nothing_with_row_numbers(register: Register) -> None:  # noqa: F811
    s = register.session
    csv = (HEADER + "PM2.5浓度,全市,2024,0.031,mg/m³,监测站\n"  # line 2: fine, converted
           "PM2.5浓度,全市,2025,abc,μg/m³,监测站\n"  # 3: value
           "PM2.5浓度,全市,2025,30,mg/L,监测站\n"  # 4: unit incompatible with the target
           "PM2.5浓度,全市,2024,30,μg/m³,监测站\n"  # 5: duplicate of line 2
           "其他指标,,2025,1,%,\n"  # 6: region and source empty
           "其他指标,全市,2025-Q9,1,%,x\n"  # 7: period
           "其他指标,全市,2025,1,斤,x\n")  # 8: unknown unit
    with pytest.raises(obs.UploadRejected) as caught:
        obs.upload_observations(s, register.housing, "d.csv", csv.encode(), 10_000)
    got = [(e.line, e.column) for e in caught.value.errors]
    assert got == [(3, "数值"), (4, "单位"), (5, "时期"), (6, "地区"), (6, "来源"), (7, "时期"), (8, "单位")]
    assert s.scalars(select(Observation)).all() == []
    with pytest.raises(obs.UploadRejected, match="错误"):
        obs.upload_observations(s, register.housing, "d.csv", b"indicator,value\nx,1\n", 10_000)
    with pytest.raises(LuoshiError, match="过大"):
        obs.upload_observations(s, register.housing, "d.csv", csv.encode(), 10)
    with pytest.raises(Forbidden):
        obs.upload_observations(s, register.viewer, "d.csv", csv.encode(), 10_000)


def test_upload_links_targets_converts_and_supersedes(register: Register) -> None:  # noqa: F811
    s = register.session
    pm25 = s.scalar(select(TargetRow).where(TargetRow.indicator == "PM2.5浓度"))
    assert pm25 is not None and pm25.unit == "μg/m³"
    csv = HEADER + "PM2.5浓度,全市,2024,0.031,mg/m³,监测站\n空气质量优良天数比率,南通市,2024,82.5,%,监测站\n"
    report = obs.upload_observations(s, register.office, "d.csv", csv.encode(), 10_000)
    assert (report.stored, report.linked, report.converted, report.superseded) == (2, 2, 1, 0)
    rows = s.scalars(select(Observation).order_by(Observation.id)).all()
    assert [(r.indicator, r.value, r.unit, r.target_id is not None) for r in rows] == [
        ("PM2.5浓度", pytest.approx(31.0), "μg/m³", True), ("空气质量优良天数比率", 82.5, "%", True)]
    assert rows[0].method and "mg/m³" in rows[0].method and rows[0].input_sha256
    # the same indicator, region and period again: the old value is superseded, not overwritten
    again = obs.add_observation(s, register.office, {"indicator": "PM2.5浓度", "region": "全市", "period": "2024",
                                                     "value": "30", "unit": "μg/m³", "source": "复核"})
    s.refresh(rows[0])
    assert rows[0].superseded_by_id == again.id and rows[0].value == pytest.approx(31.0)
    # a series without a target keeps the unit it started with
    obs.add_observation(s, register.office, {"indicator": "造林面积", "region": "如东县", "period": "2024",
                                             "value": "150", "unit": "亩", "source": "林业站"})
    later = obs.add_observation(s, register.office, {"indicator": "造林面积", "region": "如东县", "period": "2025",
                                                     "value": "20", "unit": "公顷", "source": "林业站"})
    assert (later.value, later.unit, later.target_id) == (pytest.approx(300.0), "亩", None)
    with pytest.raises(LuoshiError, match="单位"):
        obs.add_observation(s, register.office, {"indicator": "造林面积", "region": "如东县", "period": "2026",
                                                 "value": "1", "unit": "km", "source": "林业站"})
    entries = s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("observation.%")).order_by(AuditEntry.id)).all()
    assert entries == ["observation.upload", "observation.add", "observation.add", "observation.add"]


def test_unlinked_when_asked_or_no_target_matches(register: Register) -> None:  # noqa: F811
    s = register.session
    a = obs.add_observation(s, register.office, {"indicator": "PM2.5浓度", "region": "全市", "period": "2023",
                                                 "value": "33", "unit": "μg/m³", "source": "x"}, link=False)
    b = obs.add_observation(s, register.office, {"indicator": "PM2.5浓度", "region": "启东市", "period": "2023",
                                                 "value": "33", "unit": "μg/m³", "source": "x"})
    assert a.target_id is None and b.target_id is None
