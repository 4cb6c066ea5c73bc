from __future__ import annotations

import pytest

from luoshi.extraction.deadlines import first_deadline, parse_deadline


@pytest.mark.parametrize(
    ("text", "kind", "year", "month"),
    [
        ("到2025年", "by", 2025, None),
        ("到2025年底", "by", 2025, 12),
        ("2023年底前", "end_of", 2023, 12),
        ("2023年6月底前", "before", 2023, 6),
        ("2018年底", "end_of", 2018, 12),
        ("2025年", "within", 2025, None),
        ("2018年主体动工，2019年底完成", "phased", 2019, 12),
        ("持续推进", "ongoing", None, None),
        ("长期坚持", "ongoing", None, None),
    ],
)
def test_parse_deadline(text: str, kind: str, year: int | None, month: int | None) -> None:
    d = parse_deadline(text)
    assert d is not None
    assert (d.kind, d.year, d.month) == (kind, year, month)


def test_first_deadline_in_prose_ignores_bare_years() -> None:
    assert first_deadline("2020年全区耕地保有量不低于市下达保护任务") is None
    d = first_deadline("完成城镇开发边界划定，到2035年，生态保护红线面积保持在2534平方千米以上，2027年底前完成评估")
    assert d is not None and d.text == "到2035年"
    assert parse_deadline("尽快") is None
