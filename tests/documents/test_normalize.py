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
