"""Numbers and units as printed in Chinese plans."""

from __future__ import annotations

import pytest

from luoshi.extraction.numbers import chinese_to_int, parse_number, split_magnitude
from luoshi.extraction.units import canonical_unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("二十五", 25), ("两", 2),
        ("一百零五", 105), ("一百二十", 120), ("一千五百", 1500), ("一千零一", 1001), ("三万", 30000),
        ("二万五千", 25000), ("一亿二千万", 120_000_000), ("〇", 0), ("零", 0), ("二〇二五", 2025),
        ("12", 12), ("abc", None), ("", None), ("第三", None),
    ],
)  # fmt: skip
def test_chinese_to_int(text: str, expected: int | None) -> None:
    assert chinese_to_int(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8.2", 8.2), ("１２３", 123.0), ("８．５", 8.5), ("1,234.5", 1234.5), ("2,534", 2534.0),
        ("二十五", 25.0), ("两", 2.0), ("二分之一", 0.5), ("三分之一", 1 / 3), ("3分之2", 2 / 3),
        ("64%", 64.0), ("６４％", 64.0), ("百分之六十", 60.0), ("百分之百", 100.0), ("1.5万", 15000.0),
        ("3亿", 3e8), ("三万", 30000.0), ("—", None), ("完成市下达指标", None), ("", None),
    ],
)  # fmt: skip
def test_parse_number(text: str, expected: float | None) -> None:
    got = parse_number(text)
    assert got == pytest.approx(expected) if expected is not None else got is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5万", (1.5, "万")),
        ("300", (300.0, None)),
        ("三万", (3.0, "万")),
        ("2.1亿", (2.1, "亿")),
        ("x", None),
    ],
)
def test_split_magnitude(text: str, expected: tuple[float, str | None] | None) -> None:
    assert split_magnitude(text) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("%", "%"), ("％", "%"), ("微克/立方米", "μg/m³"), ("ug/m3", "μg/m³"), ("μg/m ³", "μg/m³"),
        ("µg/m³", "μg/m³"), ("毫克/立方米", "mg/m³"), ("平方千米", "km²"), ("平方公里", "km²"),
        ("平方米", "m²"), ("万平方米", "万m²"), ("万 m ²", "万m²"), ("公里", "km"), ("千米", "km"),
        ("立方米", "m³"), ("m3", "m³"), ("万立方米/日", "万m³/d"), ("吨/日", "t/d"), ("个百分点", "pp"),
        ("m ³ / 万元", "m³/万元"), ("立方米/万元", "m³/万元"), ("个", "个"), ("万千瓦", "万千瓦"),
        ("亿元", "亿元"), ("万亩", "万亩"), ("公顷", "公顷"), ("吨标准煤", "吨标准煤"), ("天", "天"),
    ],
)  # fmt: skip
def test_canonical_unit(raw: str, expected: str) -> None:
    assert canonical_unit(raw) == expected
