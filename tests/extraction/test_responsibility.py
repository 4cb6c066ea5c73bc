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


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        # the common short form of X和Y names: XY
        ("市住房城乡建设局", "市住房和城乡建设局"),
        ("市人力资源社会保障局", "市人力资源和社会保障局"),
        ("市文化广电旅游局", "市文化广电和旅游局"),
        ("市自然资源规划局", "市自然资源和规划局"),
        ("市工业信息化局", "市工业和信息化局"),
        ("市发展改革委", "市发展和改革委员会"),
        ("市卫生健康委", "市卫生健康委员会"),
        ("市市场监管局", "市市场监督管理局"),
        ("市政府国资委", "市人民政府国有资产监督管理委员会"),
    ],
)
def test_official_short_names(printed: str, canonical: str) -> None:
    assert segment_names(printed, D) == [canonical]
    assert D.resolve(printed) == canonical


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # organisations without a place prefix are kept in a responsibility cell
        ("市财政局、杭州公交集团", ["市财政局", "杭州公交集团"]),
        ("市发改委、国网杭州供电公司", ["市发展和改革委员会", "国网杭州供电公司"]),
        ("市交通运输局、宁波海事局、宁波海关", ["市交通运输局", "宁波海事局", "宁波海关"]),
        ("市商务局、中国银行苏州分行", ["市商务局", "中国银行苏州分行"]),
        # vague bodies and prose are still not names
        ("各区、县（市）政府", []),
        ("加快推广应用", []),
    ],
)
def test_organisations_in_responsibility_cells(cell: str, expected: list[str]) -> None:
    assert segment_names(cell, D) == expected


@pytest.mark.parametrize(
    ("name", "resolved"),
    [
        # a leading 市 distributes onto city departments …
        ("交警支队", "市交警支队"),
        ("机关事务管理局", "市机关事务管理局"),
        # … but not onto companies, central agencies' branches, banks or bodies of a place
        ("国网苏州供电公司", "国网苏州供电公司"),
        ("国家税务总局苏州市税务局", "国家税务总局苏州市税务局"),
        ("人民银行苏州市分行", "人民银行苏州市分行"),
        ("苏州海关", "苏州海关"),
        ("杭州公交集团", "杭州公交集团"),
        ("苏州工业园区管委会", "苏州工业园区管委会"),
        ("吴江区生态环境局", "吴江区生态环境局"),
    ],
)
def test_leading_city_prefix_distribution(name: str, resolved: str) -> None:
    assert D.resolve(name, "市") == resolved


def test_attribution_with_a_power_company_after_city_departments() -> None:
    a = parse_attribution(
        "牵头单位：市发展改革委；责任单位：市住房城乡建设局、市机关事务管理局、国网苏州供电公司", D
    )
    assert a is not None
    assert a.responsible == (
        "市发展和改革委员会",
        "市住房和城乡建设局",
        "市机关事务管理局",
        "国网苏州供电公司",
    )
    assert a.lead == ("市发展和改革委员会",)


@pytest.mark.parametrize(
    ("content", "responsible", "lead"),
    [
        # office-level labels; each label starts a new list (no 市 carried over)
        ("牵头处室：大气处；配合处室：法规处、监测处", ["大气处", "法规处", "监测处"], ["大气处"]),
        ("牵头单位：市生态环境监测中心；配合处室：环境监测处、财务审计处", ["市生态环境监测中心", "环境监测处", "财务审计处"], ["市生态环境监测中心"]),
        # a county list does not prefix a city body
        ("县发改局、市生态环境局周至分局按职责分工负责", ["县发改局", "市生态环境局周至分局"], []),
        # the last name of a labelled list is kept
        ("责任单位：市水务局、市生态环境局、市城管局", ["市水务局", "市生态环境局", "市城市管理局"], []),
    ],
)
def test_offices_and_levels(content: str, responsible: list[str], lead: list[str]) -> None:
    a = parse_attribution(content, D)
    assert a is not None
    assert (list(a.responsible), list(a.lead)) == (responsible, lead)
