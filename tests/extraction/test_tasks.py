from __future__ import annotations

import pytest

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


FlatRow = tuple[str, tuple[str, ...], tuple[str, ...], str | None]

FLAT_TABLES: list[tuple[str, str, list[FlatRow]]] = [
    (
        "header one cell per line, departments before the deadline",
        "附件2\n重点工作任务清单\n序号\n重点工作任务\n责任单位\n完成时限\n"
        "1\n完成30家工业企业低挥发性原辅材料源头替代。\n市生态环境局\n市工业和信息化局\n各区人民政府\n2024年12月底前\n"
        "2\n强化建筑工地扬尘治理，推进智慧工地建设。\n市住房城乡建设局\n市城管执法局\n持续推进\n",
        [
            ("1", ("市生态环境局", "市工业和信息化局"), (), "2024-12"),
            ("2", ("市住房和城乡建设局", "市城管执法局"), (), "ongoing"),
        ],
    ),
    (
        "header one cell per line, deadline before the departments",
        "序号\n工作任务\n完成时限\n责任部门\n"
        "1\n新建污水管网200公里，城市生活污水集中收集率达到72%。\n2025年底前\n市水利局\n市住建局\n"
        "2\n深入推进生活垃圾分类。\n持续推进\n市城管局\n",
        [
            ("1", ("市水利局", "市住房和城乡建设局"), (), "2025-12"),
            ("2", ("市城市管理局",), (), "ongoing"),
        ],
    ),
    (
        "tab header (seed 000), a deadline cell glued to the department cell",
        "序号\t重点工作任务\t完成时限\t责任部门\n"
        "1\n（一）实施绿色低\n碳发展行动\n构建“616”产业体系。到2025年，高新技术产业产值比重不低于48.8%。\n2025年市工信局\n"
        "2\n严格控制煤炭消费。\n持续推进\n市发改委\n市工信局\n",
        [
            ("1", ("市工业和信息化局",), (), "2025"),
            ("2", ("市发展和改革委员会", "市工业和信息化局"), (), "ongoing"),
        ],
    ),
    (
        "header glued on one line",
        "序号重点工作任务完成时限责任部门\n1\n推进河道整治。\n2023年\n市水利局\n",
        [("1", ("市水利局",), (), "2023")],
    ),
    (
        "header repeated after a page break, numbering continues",
        "序号\n重点工作任务\n责任单位\n完成时限\n1\n完善臭氧污染天气应急预案。\n市生态环境局\n市气象局\n2024年5月底前\n"
        "序号\n重点工作任务\n责任单位\n完成时限\n2\n加快新能源汽车推广应用。\n市发展改革委\n2024年12月底前\n",
        [
            ("1", ("市生态环境局", "市气象局"), (), "2024-05"),
            ("2", ("市发展和改革委员会",), (), "2024-12"),
        ],
    ),
    (
        "a second table under the same header restarts the numbering",
        "序号\n工作任务\n责任单位\n完成时限\n1\n推进河道整治。\n市水利局\n2024年\n"
        "附件3\n序号\n工作任务\n责任单位\n完成时限\n1\n加强资金保障。\n市财政局\n持续推进\n",
        [("1", ("市水利局",), (), "2024"), ("1", ("市财政局",), (), "ongoing")],
    ),
    (
        "lead and helper columns, organisations without a place prefix",
        "序号\n工作任务\n牵头单位\n配合单位\n完成时限\n"
        "1\n推进公交车辆新能源化更新。\n市交通运输局\n市财政局、杭州公交集团\n2024年12月底前\n",
        [("1", ("市交通运输局", "市财政局", "杭州公交集团"), ("市交通运输局",), "2024-12")],
    ),
]


def _deadline_key(task: Task) -> str | None:
    if task.deadline is None:
        return None
    if task.deadline.kind == "ongoing":
        return "ongoing"
    return f"{task.deadline.year}-{task.deadline.month:02d}" if task.deadline.month else str(task.deadline.year)


@pytest.mark.parametrize(("layout", "text", "expected"), FLAT_TABLES, ids=[c[0] for c in FLAT_TABLES])
def test_flattened_task_tables(layout: str, text: str, expected: list[FlatRow]) -> None:
    tasks = [t for t in _tasks(text) if t.source == "table"]
    got = [(t.label, t.responsible, t.lead, _deadline_key(t)) for t in tasks]
    assert got == expected, layout
    for task in tasks:  # the span starts at the row number and covers the task cell
        assert text[task.span[0] : task.span[1]].startswith(task.label + "\n")
        assert task.text in text[task.span[0] : task.span[1]].replace("\n", "")


def test_labelled_attribution_in_parentheses_wrapped_after_the_colon() -> None:
    from luoshi.documents.normalize import normalize

    raw = (
        "一、重点任务\n1.推进河湖长制。全面落实河湖长制，开展河湖“清四乱”专项行动。（责任单位：\n"
        "市水务局、市生态环境局）\n2.加强监管。（责任单位：市城管局）\n"
    )
    text = normalize(raw).text
    one, two = _tasks(text)
    assert one.responsible == ("市水务局", "市生态环境局")
    assert two.responsible == ("市城市管理局",)
