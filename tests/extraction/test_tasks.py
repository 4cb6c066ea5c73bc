from __future__ import annotations

from luoshi.documents.gazette import split_documents
from luoshi.extraction.departments import default_dictionary
from luoshi.extraction.model import Task
from luoshi.extraction.structure import parse_structure
from luoshi.extraction.tasks import extract_tasks
from tests.conftest import seed

D = default_dictionary()


def _tasks(text: str) -> list[Task]:
    return extract_tasks(text, parse_structure(text), D)


def test_prose_task_with_abbreviated_departments_and_standing_rule() -> None:
    text = (
        "二、重点任务\n（一）实施绿色低碳发展行动\n"
        "1.优化空间发展保护格局。到2035年，生态保护红线面积保持在2534平方千米以上。"
        "（市资规局、市生态环境局等按职责分工负责；各县〈市、区〉人民政府落实。以下均需各县〈市、区〉人民政府落实，不再列出）\n"
        "2.积极稳妥推进碳达峰碳中和。2023年底前完成。（市发改委牵头，市工信局等按职责分工负责）\n"
    )
    one, two = _tasks(text)
    assert (one.path, one.label, one.title) == (("二", "一"), "1", "优化空间发展保护格局")
    assert one.responsible == ("市自然资源和规划局", "市生态环境局") and one.lead == ()
    assert one.deadline is not None and (one.deadline.text, one.deadline.year) == ("到2035年", 2035)
    assert two.lead == ("市发展和改革委员会",)
    assert two.implementing == one.implementing != ()  # the standing rule carries over
    assert two.deadline is not None and (two.deadline.year, two.deadline.month) == (2023, 12)
    assert text[one.span[0] : one.span[1]].startswith("1.优化") and text[one.span[1] - 1] == "）"


def test_item_without_attribution_is_not_a_task() -> None:
    assert _tasks("一、主要任务\n1.积极实施主体功能区战略。认真落实规划。\n2.严守红线。") == []


def test_tab_table_with_lead_and_helper_columns() -> None:
    text = "序号\t重点任务\t完成时限\t牵头单位\t配合单位\n1\t建成污水管网100公里\t2025年底前\t市住建局\t市水利局、市财政局\n"
    (task,) = _tasks(text)
    assert task.source == "table" and task.label == "1"
    assert task.lead == ("市住房和城乡建设局",)
    assert task.responsible == ("市住房和城乡建设局", "市水利局", "市财政局")
    assert task.deadline is not None and task.deadline.year == 2025


def test_seed_000_prose_and_attachment_table() -> None:
    part = split_documents(seed("000").read_text("utf-8"))[0]
    tasks = _tasks(part.text.text)
    prose = [t for t in tasks if t.source == "prose"]
    table = [t for t in tasks if t.source == "table"]
    assert [t.label for t in prose] == [str(i) for i in range(1, 21)]
    assert [t.label for t in table] == [str(i) for i in range(1, 22)]
    assert prose[0].path == ("二", "一") and prose[19].path == ("二", "五")
    assert table[2].deadline is not None and table[2].deadline.text == "2025年"
    assert table[2].responsible == ("市工业和信息化局",)


def test_seed_002_prose_duties() -> None:
    parts = split_documents(seed("002").read_text("utf-8"))
    outfalls = next(p for p in parts if p.meta.doc_number == "通政办发〔2023〕28号")
    duties = [t for t in _tasks(outfalls.text.text) if t.source == "duty"]
    assert [(t.label, t.responsible) for t in duties][:2] == [
        ("二", ("市生态环境局",)),
        ("三", ("市住房和城乡建设局", "市市政和园林局")),
    ]


def test_role_line_without_parentheses() -> None:
    text = "一、任务\n1.推进河道整治。完成20条河道整治。\n责任单位：市水利局、市住建局\n2.加强监管。\n"
    (task,) = _tasks(text)
    assert task.label == "1" and task.responsible == ("市水利局", "市住房和城乡建设局")
