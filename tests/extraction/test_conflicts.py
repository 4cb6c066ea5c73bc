"""Conflicts between plans on hand-built records (the seeds' PM2.5 and 林木覆盖率 cases)."""

from __future__ import annotations

import pytest

from luoshi.extraction.conflicts import TargetRecord, find_conflicts, indicator_key
from luoshi.extraction.model import Target

MEILI = "全面推进美丽南通建设实施方案"
JIANWU = "南通市减污降碳协同增效三年行动计划（2023—2025年）"
PROVINCE = "江苏省“十四五”生态环境保护规划"
TASKBOOK = "南通市经济技术开发区2018年度生态文明建设工程目标任务书"
CARBON = "南通市碳达峰实施方案"


def rec(indicator: str, comparator: str, value: float | None, unit: str | None, year: int | None,
        document: str, scope: str | None = None) -> TargetRecord:  # fmt: skip
    return TargetRecord(indicator, scope, comparator, value, unit, year, document)


SEED_RECORDS = [
    rec("PM2.5浓度", "≈", 27, "μg/m³", 2025, MEILI),
    rec("PM2.5平均浓度", "≈", 25, "μg/m³", 2035, MEILI),
    rec("PM2.5浓度", "≈", 25, "μg/m³", 2025, JIANWU, scope="全市"),
    rec("PM2.5浓度", "=", 33, "微克/立方米", 2025, PROVINCE),
    rec("林木覆盖率", "=", 24.1, "%", 2025, PROVINCE),
    rec("林木覆盖率", "≈", 24, "%", 2025, MEILI),
    rec("林木覆盖率", "≈", 24, "%", 2025, MEILI),  # the annex restates it
    rec("林木覆盖率", "=", 26, "%", 2018, TASKBOOK),
    rec("林木覆盖率", "delegated", None, None, 2025, CARBON),
]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("PM2.5浓度", "PM2.5平均浓度"),
        ("PM2.5浓度", "细颗粒物（PM2.5）浓度"),
        ("PM2.5浓度", "细颗粒物（PM2.5）年均浓度"),
        ("PM2.5浓度", "全市PM2.5浓度"),
        ("林木覆盖率", "林木覆盖率（%）"),
        ("优良天数比率", "空气质量优良天数比率"),
        ("优良天数比率", "环境空气质量优良天数比率"),
        ("优良天数比率", "优良天数比例"),
        ("单位GDP能耗", "单位地区生产总值能源消耗"),
    ],
)
def test_same_key(a: str, b: str) -> None:
    assert indicator_key(a) == indicator_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("林木覆盖率", "森林覆盖率"),
        ("PM2.5浓度", "PM10浓度"),
        ("国考断面水质优Ⅲ比例", "省考断面水质优Ⅲ比例"),
    ],
)
def test_different_key(a: str, b: str) -> None:
    assert indicator_key(a) != indicator_key(b)


def test_seed_conflicts() -> None:
    conflicts = find_conflicts(SEED_RECORDS)
    assert [(c.key, c.year) for c in conflicts] == [("PM2.5浓度", 2025), ("林木覆盖率", 2025)]
    pm, forest = conflicts
    assert sorted((r.comparator, r.value) for r in pm.records) == [("=", 33), ("≈", 25), ("≈", 27)]
    # 2018 (task book) is another year; the annex duplicate and the delegated record drop out.
    assert sorted((r.value, r.document) for r in forest.records) == [(24, MEILI), (24.1, PROVINCE)]


def test_delegated_counts_only_when_asked() -> None:
    records = [
        rec("林木覆盖率", "≈", 24, "%", 2025, MEILI),
        rec("林木覆盖率", "delegated", None, None, 2025, CARBON),
    ]
    assert find_conflicts(records) == []
    (c,) = find_conflicts(records, include_delegated=True)
    assert {r.comparator for r in c.records} == {"≈", "delegated"}


def test_no_conflict_when_same_or_one_document_or_partial_scope() -> None:
    same = [
        rec("秸秆综合利用率", ">=", 95, "%", 2025, MEILI),
        rec("秸秆综合利用率", ">=", 95, "%", 2025, JIANWU),
    ]
    assert find_conflicts(same) == []
    one_doc = [
        rec("近岸海水优良比例", ">=", 64, "%", 2025, MEILI),
        rec("近岸海水优良比例", "≈", 70, "%", 2025, MEILI),
    ]
    assert find_conflicts(one_doc) == []
    scoped = [
        rec("污水处理率", "=", 95, "%", 2025, TASKBOOK, scope="县城"),
        rec("污水处理率", "=", 98, "%", 2025, MEILI),
    ]
    assert find_conflicts(scoped) == []
    comparator_only = [
        rec("优良天数比率", ">=", 82, "%", 2025, JIANWU),
        rec("优良天数比率", "≈", 82, "%", 2025, PROVINCE),
    ]
    assert len(find_conflicts(comparator_only)) == 1


def test_from_target() -> None:
    t = Target("PM2.5浓度", "≈", 27.0, "μg/m³", 2025, "PM2.5浓度27微克/立方米左右", (10, 30))
    r = TargetRecord.from_target(t, MEILI, "通政发〔2024〕33号")
    assert (r.document, r.doc_number, r.span, r.value) == (
        MEILI,
        "通政发〔2024〕33号",
        (10, 30),
        27.0,
    )
