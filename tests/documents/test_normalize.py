from __future__ import annotations

import pytest

from luoshi.documents.normalize import normalize
from tests.conftest import seed


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        # PDF line wraps inside a sentence are joined without a space
        ("根据《中共江苏省委关于全面推进美丽江 \n\n苏建设的实施意见》，特制定如下方案。", "根据《中共江苏省委关于全面推进美丽江苏建设的实施意见》，特制定如下方案。"),
        # a new numbered item starts a new paragraph even when the line before is not finished
        ("一、总体要求\n以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神", "一、总体要求\n以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神"),
        # page furniture goes: — 1 — markers and image addresses
        ("第一段文字很长很长很长很长很长\n— 1 —\n接着写的文字。", "第一段文字很长很长很长很长很长接着写的文字。"),
        ("上文。\nhttp://www.jiangsu.gov.cn/picture/0/211.jpg\n下文。", "上文。\n下文。"),
        # full-width digits and letters become half-width; Chinese punctuation stays
        ("ＰＭ２．５浓度降至２５微克／立方米（全市）", "PM2.5浓度降至25微克/立方米（全市）"),
        # spaces a converter put between CJK characters go, English spaces stay
        ("2018 年 1 月 13 日 ISO 14001", "2018年1月13日ISO 14001"),
        # LaTeX-like subscripts of the converter
        ("PM_{2.5} 浓度与 NO_x 排放", "PM2.5浓度与NOx排放"),
        # ASCII parentheses become Chinese ones; a thousands comma stays
        ("(一) 投资1,000万元, 完成", "（一）投资1,000万元，完成"),
        # traditional characters map to simplified ones, one to one
        ("生態環境質量持續改善。", "生态环境质量持续改善。"),
    ],
)
def test_normalize(original: str, expected: str) -> None:
    assert normalize(original).text == expected


def test_offsets_point_back_to_the_original() -> None:
    original = "到2025年，PM_{2.5}浓度27微克/立方米\n\n左右。"
    nt = normalize(original)
    start = nt.text.index("PM2.5")
    s, e = nt.source_span(start, start + len("PM2.5浓度"))
    assert original[s:e] == "PM_{2.5}浓度"
    for i, ch in enumerate(nt.text):
        if ch not in "\n":
            src = original[nt.offsets[i]]
            assert src == ch or normalize(src).text == ch


def test_bare_numbers_are_page_numbers_unless_they_count_rows() -> None:
    text = "甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己\n20\n子丑寅卯。\n表\n1\n第一行\n2\n第二行\n3\n第三行"
    out = normalize(text).text
    assert "20" not in out
    assert "\n1\n" in out and "\n2\n" in out and "\n3\n" in out


def test_seed_spans_cover_the_same_characters() -> None:
    original = seed("000").read_text("utf-8")
    nt = normalize(original)
    assert len(nt.offsets) == len(nt.text)
    assert list(nt.offsets) == sorted(nt.offsets)  # monotonic: spans never cross
    i = nt.text.index("生态保护红线面积保持在2534平方千米以上")
    s, e = nt.source_span(i, i + len("生态保护红线面积保持在2534平方千米以上"))
    assert original[s:e].replace("\n", "").replace(" ", "") == "生态保护红线面积保持在2534平方千米以上"


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        # runs of two or more spaces between three or more cells: a table row
        (
            "序号  指标名称      单位          2020年（基期）   2025年（目标）\n"
            "1     细颗粒物（PM2.5）年均浓度    微克/立方米   24    ≤22\n"
            "4     地表水劣Ⅴ类水体比例    %    0    0",
            "序号\t指标名称\t单位\t2020年（基期）\t2025年（目标）\n"
            "1\t细颗粒物（PM2.5）年均浓度\t微克/立方米\t24\t≤22\n"
            "4\t地表水劣Ⅴ类水体比例\t%\t0\t0",
        ),
        # single spaces between header cells that name columns
        ("序号 重点工作任务 完成时限 责任部门", "序号\t重点工作任务\t完成时限\t责任部门"),
        # single spaces in a numbered row of four or more cells
        ("1 细颗粒物浓度 微克/立方米 24 ≤22", "1\t细颗粒物浓度\t微克/立方米\t24\t≤22"),
        # spaces a converter put between CJK characters still go
        ("生 态 空 间 生 态", "生态空间生态"),
        ("南通市经济技术开发区 2018 年度生态文明 建设工程目标任务书", "南通市经济技术开发区2018年度生态文明建设工程目标任务书"),
        # two cells are a heading with padding, not a row
        ("第一章  总则", "第一章总则"),
        ("主任 凌屹", "主任凌屹"),
        # prose with single spaces is not a row
        ("推进 重点 行业 治理，完成 任务", "推进重点行业治理，完成任务"),
    ],
)
def test_space_separated_table_rows(original: str, expected: str) -> None:
    assert normalize(original).text == expected


def test_space_separated_row_offsets_map_each_tab_to_its_first_space() -> None:
    original = "序号  指标名称   单位  目标值\n1  森林覆盖率   %  ≥34"
    nt = normalize(original)
    assert len(nt.offsets) == len(nt.text)
    for i, ch in enumerate(nt.text):
        src = original[nt.offsets[i]]
        if ch == "\t":
            assert src == " " and original[nt.offsets[i] - 1] != " "
        elif ch != "\n":
            assert src == ch
    s, e = nt.source_span(nt.text.index("森林"), nt.text.index("≥34") + 3)
    assert original[s:e] == "森林覆盖率   %  ≥34"


@pytest.mark.parametrize(
    ("original", "kept", "gone"),
    [
        # a running header padded with spaces, repeated next to page markers
        (
            "第一段很长很长很长很长很长很长的文字，\n— 1 —\n\f苏州市人民政府公报                          2024年第6期\n"
            "第二段很长很长很长很长很长很长的文字，\n— 2 —\n\f苏州市人民政府公报                          2024年第6期\n"
            "第三段很长很长很长很长很长很长的文字。\n— 3 —\n\f苏州市人民政府公报                          2024年第6期\n",
            "第三段",
            "公报",
        ),
        # a cell repeated down a flattened table is kept though once next to a page marker
        (
            "1\n甲任务很长很长。\n市生态环境局\n2\n乙任务很长很长。\n市生态环境局\n3\n丙任务很长很长。\n市生态环境局\n"
            "4\n丁任务很长很长。\n市生态环境局\n— 2 —\n\f5\n戊任务很长很长。\n市生态环境局\n",
            "戊任务很长很长。\n市生态环境局",
            "— 2 —",
        ),
    ],
)
def test_running_headers(original: str, kept: str, gone: str) -> None:
    out = normalize(original).text
    assert kept in out and gone not in out
    assert out.count("市生态环境局") == original.count("市生态环境局")


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        # a plan title on its own line is not glued onto the paragraph after it
        (
            "2024年3月28日\n苏州市空气质量持续改善行动计划实施方案\n"
            "为深入贯彻落实《国务院关于印发〈空气质量持续改善行动计划〉的\n通知》要求，制定本方案。",
            "2024年3月28日\n苏州市空气质量持续改善行动计划实施方案\n"
            "为深入贯彻落实《国务院关于印发〈空气质量持续改善行动计划〉的通知》要求，制定本方案。",
        ),
        (
            "佛山市2024年生态环境保护工作要点\n2024年是实施“十四五”规划的关键之年。全市生态环境保护工\n作要坚持。",
            "佛山市2024年生态环境保护工作要点\n2024年是实施“十四五”规划的关键之年。全市生态环境保护工作要坚持。",
        ),
        # a table title is not glued onto the header's first cell
        (
            "佛山市2024年生态环境保护重点工作任务\n序号\n重点工作任务\n责任单位",
            "佛山市2024年生态环境保护重点工作任务\n序号\n重点工作任务\n责任单位",
        ),
        # a sentence cut by a page break after 、 continues on the next page
        (
            "到2025年，全市光伏发电装机容量达到600万千瓦以上。（牵头单位：市发展改革委；责任单位：市住房城乡建设局、\n"
            "— 2 —\n\f市机关事务管理局、国网苏州供电公司）",
            "到2025年，全市光伏发电装机容量达到600万千瓦以上。（牵头单位：市发展改革委；责任单位：市住房城乡建设局、"
            "市机关事务管理局、国网苏州供电公司）",
        ),
    ],
)
def test_titles_table_headers_and_page_breaks(original: str, expected: str) -> None:
    assert normalize(original).text == expected
