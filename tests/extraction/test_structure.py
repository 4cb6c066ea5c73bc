from __future__ import annotations

from luoshi.extraction.structure import parse_structure

TEXT = "\n".join(
    [
        "第一章 总体要求",
        "一、重点任务",
        "（一）大气",
        "1.治理扬尘。内容。",
        "2.治理臭氧。内容。",
        "（1）夏季。",
        "（2）冬季。",
        "①细项。",
        "（二）水",
        "3.编号跨组延续。",
        "二、保障措施",
        "1.加强领导。",
        "附件：清单",
        "1.附件里的编号从头开始。",
    ]
)


def test_tree_paths_and_labels() -> None:
    nodes = parse_structure(TEXT)
    got = [(n.path, n.label) for n in nodes]
    assert got == [
        ((), "一"),
        (("一",), "一"),
        (("一", "一"), "一"),
        (("一", "一", "一"), "1"),
        (("一", "一", "一"), "2"),
        (("一", "一", "一", "2"), "1"),
        (("一", "一", "一", "2"), "2"),
        (("一", "一", "一", "2", "2"), "1"),
        (("一", "一"), "二"),
        (("一", "一", "二"), "3"),
        (("一",), "二"),
        (("一", "二"), "1"),
        ((), "1"),
    ]
    assert nodes[0].style == "chapter" and nodes[0].title == "总体要求"
    assert nodes[3].title == "治理扬尘"


def test_spans_nest_and_out_of_sequence_numbers_are_text() -> None:
    text = "一、甲\n1.第一项。\n3.这不是下一项。\n2.第二项。\n二、乙"
    nodes = parse_structure(text)
    assert [n.label for n in nodes] == ["一", "1", "2", "二"]
    first, one, two, second = nodes
    assert first.start <= one.start < one.end <= two.start < two.end <= first.end == second.start
    assert "3.这不是下一项" in text[one.start : one.end]
