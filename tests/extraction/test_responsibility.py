from __future__ import annotations

import pytest

from luoshi.extraction.departments import default_dictionary, load_dictionary
from luoshi.extraction.responsibility import parse_attribution, parse_duty, segment_names

D = default_dictionary()


@pytest.mark.parametrize(
    ("content", "responsible", "lead"),
    [
        # abbreviations resolve to canonical names; lead is empty without 牵头
        ("市资规局、市生态环境局、市农业农村局等按职责分工负责", ["市自然资源和规划局", "市生态环境局", "市农业农村局"], []),
        # lead vs co-responsible
        ("市工信局牵头，市发改委、市科技局等部门按职责分工负责", ["市工业和信息化局", "市发展和改革委员会", "市科学技术局"], ["市工业和信息化局"]),
        ("市生态环境局牵头", ["市生态环境局"], ["市生态环境局"]),
        # a leading 市 distributes over the list (市场监督管理局 already starts with 市)
        ("市生态环境局、发展和改革委员会、工业和信息化局、市场监督管理局等按职责分工负责", ["市生态环境局", "市发展和改革委员会", "市工业和信息化局", "市市场监督管理局"], []),
        # non-department bodies are kept as printed; vague bodies are dropped
        ("市生态环境局、南通海事局、各相关部门按职责分工负责", ["市生态环境局", "南通海事局"], []),
        # implementing governments are not departments; the standing rule is recognised
        ("市发改委、市工信局等按职责分工负责；各县〈市、区〉人民政府、市各直属园区管委会落实。以下均需各县〈市、区〉人民政府、市各直属园区管委会落实，不再列出", ["市发展和改革委员会", "市工业和信息化局"], []),
        ("市发改委牵头，市科技局、市工信局等部门以及各县〈市、区〉人民政府按职责分工负责", ["市发展和改革委员会", "市科学技术局", "市工业和信息化局"], ["市发展和改革委员会"]),
        # a development zone's 区 distributes the same way
        ("区环保局、经发局负责", ["区环保局", "区经发局"], []),
    ],
)
def test_parse_attribution(content: str, responsible: list[str], lead: list[str]) -> None:
    a = parse_attribution(content, D)
    assert a is not None
    assert list(a.responsible) == responsible
    assert list(a.lead) == lead


def test_standing_rule_and_implementing_bodies() -> None:
    a = parse_attribution("市资规局等按职责分工负责；各县〈市、区〉人民政府落实。以下均需各县〈市、区〉人民政府落实，不再列出", D)
    assert a is not None and a.standing_rule
    assert a.implementing and "人民政府" in a.implementing[0]
    assert all("人民政府" not in n for n in a.responsible)


@pytest.mark.parametrize("content", ["2023—2025年", "近", "以下简称排污口", "含本辖区内中央、省、市属等单位"])
def test_parentheses_that_are_not_attributions(content: str) -> None:
    assert parse_attribution(content, D) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("市生态环境局负责监督指导工业排污口的整治工作", ["市生态环境局"]),
        ("市住房和城乡建设局、市市政和园林局负责监督指导城镇污水处理厂排污口", ["市住房和城乡建设局", "市市政和园林局"]),
        ("市河长办要充分发挥“河长制”的管理优势", ["市河长制工作办公室"]),
        ("各地人民政府（管委会）要落实属地管理责任", None),
        ("合理布局产业空间\n贯彻落实《南通市重点产业布局指导意见》", None),
        ("严格控制煤炭消费，有序推进清洁能源开发", None),
    ],
)
def test_parse_duty(body: str, expected: list[str] | None) -> None:
    a = parse_duty(body, D)
    assert (list(a.responsible) if a else None) == expected


def test_glued_table_cells_are_segmented() -> None:
    assert segment_names("市资规局市住建局", D) == ["市自然资源和规划局", "市住房和城乡建设局"]


def test_user_dictionary_overrides(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "mine.csv"
    extra.write_text("canonical,kind,aliases\n苏州市生态环境局,department,苏州环保局|市环保局\n", "utf-8")
    d = load_dictionary(extra)
    assert d.resolve("市环保局") == "苏州市生态环境局"
    assert d.resolve("市资规局") == "市自然资源和规划局"  # shipped rows remain
    bad = tmp_path / "bad.csv"
    bad.write_text("name,aliases\nx,y\n", "utf-8")
    with pytest.raises(Exception, match="bad.csv"):
        load_dictionary(bad)


@pytest.mark.parametrize(
    ("content", "responsible", "lead"),
    [
        ("牵头单位：市生态环境局；责任单位：市发改委、市工信局", ["市生态环境局", "市发展和改革委员会", "市工业和信息化局"], ["市生态环境局"]),
        ("责任单位：市住建局、市城管局", ["市住房和城乡建设局", "市城市管理局"], []),
        ("由市水利局牵头，市农业农村局配合", ["市水利局", "市农业农村局"], ["市水利局"]),
    ],
)
def test_labelled_roles(content: str, responsible: list[str], lead: list[str]) -> None:
    a = parse_attribution(content, D)
    assert a is not None
    assert (list(a.responsible), list(a.lead)) == (responsible, lead)
