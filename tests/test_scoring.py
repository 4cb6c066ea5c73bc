"""The benchmark scorer (benchmarks/scoring.py) on small hand-made cases, and the gold files."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "tests" / "gold"
SEEDS_DIR = ROOT / "data" / "seeds"
DEPARTMENTS = ROOT / "src" / "luoshi" / "extraction" / "data" / "departments.csv"


def _load_scoring() -> ModuleType:
    name = "luoshi_benchmark_scoring"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "scoring.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


scoring = _load_scoring()


def task(
    label: str,
    path: list[str],
    responsible: list[str],
    lead: list[str] | None = None,
    deadline: str | None = None,
) -> dict[str, Any]:
    return {
        "label": label,
        "path": path,
        "responsible": responsible,
        "lead": lead or [],
        "deadline": deadline,
    }


def target(
    indicator: str, comparator: str, value: float | None, unit: str | None, year: int | None
) -> dict[str, Any]:
    return {
        "indicator": indicator,
        "comparator": comparator,
        "value": value,
        "unit": unit,
        "year": year,
    }


def document(title: str = "全面推进美丽南通建设实施方案", **parts: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "title": title,
        "doc_number": "通政发〔2024〕33号",
        "issuer": "南通市人民政府",
        "date": "2024-12-25",
        "tasks": [],
        "targets": [],
        "projects": [],
    }
    doc.update(parts)
    return doc


def gold_file(*docs: dict[str, Any]) -> dict[str, Any]:
    return {"source": "000_x.txt", "documents": list(docs)}


GOLD_DOC = document(
    tasks=[
        task("1", ["二", "一"], ["市自然资源和规划局", "市生态环境局"], deadline="到2035年"),
        task("2", ["二", "一"], ["市发展和改革委员会", "市工业和信息化局"], ["市发展和改革委员会"]),
        task("3", [], ["市工业和信息化局"], deadline="持续推进"),
    ],
    targets=[
        target("PM2.5浓度", "≈", 27, "μg/m³", 2025),
        target("近岸海水优良比例", ">=", 64, "%", 2025),
        target("优良天数比率", "delegated", None, None, 2025),
    ],
    projects=[
        {"name": "黑臭河道整治", "investment_wan_yuan": 1000, "responsible": [], "deadline": None},
        {"name": "黑臭河道整治", "investment_wan_yuan": 2000, "responsible": [], "deadline": None},
    ],
)


def score(
    pred_docs: list[dict[str, Any]],
    gold_doc: dict[str, Any] = GOLD_DOC,
    aliases: dict[str, str] | None = None,
) -> dict[str, Any]:
    return scoring.score_seed(gold_file(gold_doc), pred_docs, aliases)


def test_perfect_prediction_scores_one_everywhere() -> None:
    result = score([copy.deepcopy(GOLD_DOC)])
    for name in scoring.METRICS:
        counts = result[name]
        assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0), name
        assert not counts.false_negatives and not counts.false_positives


def test_missing_department_lowers_recall_only() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["tasks"][0]["responsible"] = ["市自然资源和规划局"]
    counts = score([pred])["task_departments"]
    assert (counts.tp, counts.gold, counts.pred) == (4, 5, 4)
    assert counts.precision == 1.0
    assert counts.recall == pytest.approx(0.8)
    assert any("市生态环境局" in line for line in counts.false_negatives)


def test_extra_department_lowers_precision_only() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["tasks"][2]["responsible"].append("市财政局")
    counts = score([pred])["task_departments"]
    assert counts.recall == 1.0
    assert counts.precision == pytest.approx(5 / 6)
    assert any("市财政局" in line for line in counts.false_positives)


def test_aliases_are_mapped_on_both_sides() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["tasks"][1]["responsible"] = ["市发改委", "市工信局"]
    pred["tasks"][1]["lead"] = ["市发改委"]
    aliases = {"市发改委": "市发展和改革委员会", "市工信局": "市工业和信息化局"}
    assert score([pred])["task_departments"].tp == 3  # without the alias table
    result = score([pred], aliases=aliases)
    assert result["task_departments"].f1 == 1.0
    assert result["task_leads"].f1 == 1.0


def test_aliases_from_the_department_dictionary() -> None:
    aliases = scoring.load_department_aliases(DEPARTMENTS)
    assert aliases["市资规局"] == "市自然资源和规划局"
    assert aliases["市发改委"] == "市发展和改革委员会"


def test_task_in_wrong_place_counts_its_departments_both_ways() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["tasks"][0]["path"] = ["二", "二"]
    result = score([pred])
    assert result["tasks"].tp == 2
    assert (
        result["task_departments"].tp,
        result["task_departments"].gold,
        result["task_departments"].pred,
    ) == (3, 5, 5)
    assert result["task_deadlines"].tp == 1


def test_labels_are_compared_without_punctuation() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["tasks"][0]["label"] = "1．"
    pred["tasks"][0]["path"] = ["二、", "（一）"]
    assert score([pred])["tasks"].f1 == 1.0


def test_tasks_sharing_a_key_match_in_order() -> None:
    gold = document(tasks=[task("1", [], ["市水利局"]), task("1", [], ["市商务局"])])
    pred = document(tasks=[task("1", [], ["市水利局"]), task("1", [], ["市商务局"])])
    assert score([pred], gold)["task_departments"].f1 == 1.0
    swapped = document(tasks=[task("1", [], ["市商务局"]), task("1", [], ["市水利局"])])
    assert score([swapped], gold)["task_departments"].tp == 0


def test_lead_marking() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["tasks"][1]["lead"] = []
    pred["tasks"][0]["lead"] = ["市生态环境局"]
    counts = score([pred])["task_leads"]
    assert (counts.tp, counts.gold, counts.pred) == (0, 1, 1)


def test_deadline_parsing() -> None:
    parse = scoring.parse_deadline
    assert parse("到2025年") == ("date", 2025, None, "")
    assert parse("2025年底前") == parse("到2025年")
    assert parse("2023年6月底前") == ("date", 2023, 6, "")
    assert parse("2023 年 6 月底前") == ("date", 2023, 6, "")
    assert parse("持续推进") == ("ongoing", None, None, "")
    assert parse(None) is None
    assert parse("") is None
    assert parse("2018年主体动工，2019年底完成")[1] == 2018


def test_deadlines_compare_year_and_month() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["tasks"][0]["deadline"] = "2035年底前"  # same year: still right
    pred["tasks"][2]["deadline"] = "2025年"  # gold says 持续推进
    pred["tasks"][1]["deadline"] = "到2030年"  # gold has none
    counts = score([pred])["task_deadlines"]
    assert (counts.tp, counts.gold, counts.pred) == (1, 2, 3)


def test_target_unit_synonyms_and_value_tolerance() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["targets"][0]["unit"] = "微克/立方米"
    pred["targets"][1]["value"] = 64.0000001
    assert score([pred])["targets"].f1 == 1.0


@pytest.mark.parametrize(
    "field_name, value",
    [
        ("comparator", "="),
        ("value", 65),
        ("unit", "个"),
        ("year", 2027),
        ("indicator", "林木覆盖率"),
    ],
)
def test_target_mismatch_in_any_field_is_an_error(field_name: str, value: Any) -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["targets"][1][field_name] = value
    counts = score([pred])["targets"]
    assert (counts.tp, counts.gold, counts.pred) == (2, 3, 3)
    assert len(counts.false_negatives) == 1 and len(counts.false_positives) == 1


def test_target_indicator_similarity() -> None:
    assert scoring.is_similar("PM2.5浓度", "PM2.5年均浓度")
    assert scoring.is_similar("城市绿色出行比例", "主城区城市绿色出行比例")  # containment
    assert scoring.is_similar("PM2.5 浓度", "PM2.5浓度")
    assert not scoring.is_similar("林木覆盖率", "近岸海水优良比例")
    assert scoring.similarity("林木覆盖率", "林木覆盖率") == 1.0


def test_targets_prefer_the_most_similar_indicator() -> None:
    gold = document(
        targets=[
            target("自然湿地保护率", "delegated", None, None, 2025),
            target("水土保持率", "delegated", None, None, 2025),
        ]
    )
    pred = document(
        targets=[
            target("水土保持率", "delegated", None, None, 2025),
            target("自然湿地保护率", "delegated", None, None, 2025),
        ]
    )
    assert scoring.match_targets(gold["targets"], pred["targets"]) == [(0, 1), (1, 0)]


def test_extra_and_missing_targets() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["targets"].pop()
    pred["targets"].append(target("受污染耕地安全利用率", ">=", 94, "%", 2027))
    pred["targets"].append(target("受污染耕地安全利用率", ">=", 94, "%", 2027))
    counts = score([pred])["targets"]
    assert (counts.tp, counts.gold, counts.pred) == (2, 3, 4)


def test_projects_need_name_and_investment() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["projects"] = [
        {"name": "黑臭河道整治", "investment_wan_yuan": 2000},
        {"name": "黑臭河道整治工程", "investment_wan_yuan": 1500},
    ]
    counts = score([pred])["projects"]
    assert (counts.tp, counts.gold, counts.pred) == (1, 2, 2)


def test_documents_align_by_title_and_order() -> None:
    first = document("南通市人民政府关于明确生产安全事故调查处理职责的通知")
    second = document("南通市数字人民币试点工作方案", tasks=[task("1", [], ["市财政局"])])
    third = document("南通市人民政府大事记")
    gold = {"source": "002_x.txt", "documents": [first, second, third]}
    # the extractor missed the first document and named the second by its notice
    pred_second = copy.deepcopy(second)
    pred_second["title"] = "南通市人民政府办公室关于印发南通市数字人民币试点工作方案的通知"
    result = scoring.score_seed(gold, [pred_second, copy.deepcopy(third)])
    assert (result["documents"].tp, result["documents"].gold, result["documents"].pred) == (2, 3, 2)
    assert result["task_departments"].f1 == 1.0


def test_unaligned_prediction_is_all_false_positive() -> None:
    stray = document(
        "完全无关的标题",
        tasks=[task("1", [], ["市财政局"])],
        targets=[target("林木覆盖率", "=", 24, "%", 2025)],
    )
    result = scoring.score_seed(
        gold_file(copy.deepcopy(GOLD_DOC)), [copy.deepcopy(GOLD_DOC), stray]
    )
    assert result["documents"].precision == 0.5
    assert result["task_departments"].pred == 6
    assert result["targets"].pred == 4


def test_empty_prediction() -> None:
    result = score([])
    assert result["task_departments"].recall == 0.0
    assert result["task_departments"].precision == 0.0
    assert result["targets"].f1 == 0.0


def test_metadata() -> None:
    pred = copy.deepcopy(GOLD_DOC)
    pred["doc_number"] = "通政发〔2024〕 33 号"  # spaces do not matter
    pred["date"] = "2024-12-26"
    counts = score([pred])["metadata"]
    assert (counts.tp, counts.gold, counts.pred) == (2, 3, 3)


def test_counts_merge_and_serialize() -> None:
    a = scoring.Counts(tp=1, gold=2, pred=1)
    b = scoring.Counts(tp=1, gold=1, pred=3)
    total = scoring.merge_counts([{"targets": a}, {"targets": b}])["targets"]
    assert (total.tp, total.gold, total.pred) == (2, 3, 4)
    assert total.as_dict()["recall"] == pytest.approx(0.6667, abs=1e-4)


# --------------------------------------------------------------------------- the gold itself

GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem[:3] for p in GOLD_FILES])
def test_gold_scores_perfectly_against_itself(path: Path) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    pred = copy.deepcopy(gold["documents"])
    result = scoring.score_seed(gold, pred, scoring.load_department_aliases(DEPARTMENTS))
    for name in scoring.METRICS:
        assert result[name].f1 == 1.0, name


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem[:3] for p in GOLD_FILES])
def test_gold_is_well_formed(path: Path) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert path.stem + ".txt" == gold["source"]
    aliases = scoring.load_department_aliases(DEPARTMENTS)
    canonical = set(aliases.values())
    seed = SEEDS_DIR / gold["source"]
    text = re.sub(r"\s+", "", seed.read_text(encoding="utf-8")) if seed.exists() else None
    comparators = {">=", "<=", "=", "≈", "decrease_by", "increase_by", "delegated"}
    for doc in gold["documents"]:
        assert doc["title"] and " " not in doc["title"]
        for item in doc["tasks"]:
            assert set(item["lead"]) <= set(item["responsible"])
            for name in item["responsible"]:
                # canonical dictionary names, or development-zone units written as printed
                assert name in canonical or name.startswith("区") or name == "崇川区", name
            if text is not None:
                assert item["quote"] in text, item["quote"]
        for item in doc["targets"]:
            assert item["comparator"] in comparators
            if item["comparator"] == "delegated":
                assert item["value"] is None and item["unit"] is None
            else:
                assert isinstance(item["value"], int | float)
            if text is not None:
                assert item["quote"] in text, item["quote"]
