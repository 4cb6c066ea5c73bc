"""Units as printed in Chinese plans, mapped to one canonical spelling.

Physical units get SI-like symbols (``μg/m³``, ``km²``, ``万m³/d``) so that the same
indicator compares across plans; count and measure words (个, 家, 万千瓦, 亿元 …) stay as
printed, since they have no better spelling.
"""

from __future__ import annotations

import re

# Spelling variants folded before lookup: OCR and HTML give "m3", "m ³", "ug", "µ" (micro sign).
_FOLD = str.maketrans({"µ": "μ", "／": "/", "％": "%", "³": "³", "²": "²", "Ｍ": "M", "ｍ": "m"})
_SUPERSCRIPT = re.compile(r"(?<=[mM])\s*([23])(?![\d.])")
_SPACES = re.compile(r"\s+")

# Physical units: printed form → canonical. Longest forms are matched first by the extractor.
CANONICAL: dict[str, str] = {
    "%": "%",
    "个百分点": "pp",
    "百分点": "pp",
    "微克/立方米": "μg/m³",
    "μg/m³": "μg/m³",
    "ug/m³": "μg/m³",
    "毫克/立方米": "mg/m³",
    "mg/m³": "mg/m³",
    "平方千米": "km²",
    "平方公里": "km²",
    "km²": "km²",
    "万平方千米": "万km²",
    "万平方公里": "万km²",
    "平方米": "m²",
    "m²": "m²",
    "万平方米": "万m²",
    "万m²": "万m²",
    "亿平方米": "亿m²",
    "公里": "km",
    "千米": "km",
    "km": "km",
    "万公里": "万km",
    "米": "m",
    "立方米": "m³",
    "m³": "m³",
    "万立方米": "万m³",
    "万m³": "万m³",
    "亿立方米": "亿m³",
    "亿m³": "亿m³",
    "立方米/日": "m³/d",
    "立方米/天": "m³/d",
    "万立方米/日": "万m³/d",
    "万立方米/天": "万m³/d",
    "万m³/d": "万m³/d",
    "吨/日": "t/d",
    "吨/天": "t/d",
    "t/d": "t/d",
    "万吨/日": "万t/d",
    "万吨/天": "万t/d",
    "吨/年": "t/a",
    "万吨/年": "万t/a",
    "t/a": "t/a",
    "万t/a": "万t/a",
    "立方米/万元": "m³/万元",
    "m³/万元": "m³/万元",
    "吨标煤": "吨标准煤",
    "万吨标煤": "万吨标准煤",
    "毫克/升": "mg/L",
    "mg/l": "mg/L",
    "mg/L": "mg/L",
}

# Count and measure words kept as printed (with an optional 万/亿 prefix).
MEASURE_WORDS: tuple[str, ...] = (
    "吨标准煤", "千瓦时", "标准车", "标台", "万千瓦", "千瓦", "兆瓦", "亿元", "万元", "元", "美元", "亿美元",
    "吨", "千克", "公斤", "亩", "公顷", "个", "家", "座", "辆", "台", "项", "条", "处", "张", "所",
    "户", "人", "人次", "艘", "套", "株", "棵", "天", "小时", "倍", "场", "次", "件", "部", "名",
    "只", "片", "段", "批次", "批",
)  # fmt: skip


def canonical_unit(raw: str) -> str:
    """The canonical spelling of a printed unit: ``微克/立方米`` → ``μg/m³``, ``万 m ²`` →
    ``万m²``, ``个百分点`` → ``pp``; measure words (个, 万千瓦, 亿元 …) come back as printed
    (stripped). Unknown units come back stripped, so callers never lose information."""
    s = _SPACES.sub("", raw.translate(_FOLD))
    s = _SUPERSCRIPT.sub(lambda m: "³" if m.group(1) == "3" else "²", s)
    if s in CANONICAL:
        return CANONICAL[s]
    low = s.lower()
    for key, value in CANONICAL.items():
        if key.lower() == low:
            return value
    return s


def _unit_alternation() -> str:
    forms = set(CANONICAL) | {f"{p}{w}" for w in MEASURE_WORDS for p in ("", "万", "亿")}
    forms |= {"m3", "m2", "ug/m3", "μg/m3", "mg/m3", "km2", "万m3/d"}
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


# Matches a printed unit right after a number; longest alternatives first.
UNIT_PATTERN = _unit_alternation()
COUNT_UNIT = re.compile(r"^(?:万|亿)?(?:个|家|座|辆|台|项|条|处|张|所|户|艘|套|场|件|部|名|片|段|批次|批)$")
