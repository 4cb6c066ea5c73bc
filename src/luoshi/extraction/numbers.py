"""Numbers as printed in Chinese plans: Arabic, Chinese numerals, fractions, percentages.

Pure functions, no state. ``万``/``亿`` are kept apart by :func:`split_magnitude` because a
plan's unit is "万千瓦" or "亿元", not a bare count; :func:`parse_number` multiplies them out
when a caller wants the plain value.
"""

from __future__ import annotations

import re

CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0,
    "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
CN_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG: dict[str, int] = {"万": 10_000, "亿": 100_000_000}
MAGNITUDES: dict[str, float] = {
    "万": 1e4,
    "亿": 1e8,
    "千": 1e3,
    "百万": 1e6,
    "千万": 1e7,
    "万亿": 1e12,
}

CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_UNITS) + "".join(CN_BIG)
# A Chinese numeral run, for use inside other patterns.
CN_NUMBER = f"[{CN_NUMERAL_CHARS}]+"
# An Arabic number: thousands commas, decimals.
ARABIC_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％＋－", "0123456789.,%+-")
_ARABIC_RE = re.compile(rf"^[+-]?(?:{ARABIC_NUMBER})$")
_MAG_RE = re.compile(
    rf"^(?P<num>[+-]?(?:{ARABIC_NUMBER})|{CN_NUMBER}?)(?P<mag>万亿|百万|千万|万|亿)$"
)
_FRACTION_RE = re.compile(rf"^(?P<den>{CN_NUMBER}|\d+)分之(?P<num>{CN_NUMBER}|\d+(?:\.\d+)?)$")
_PERCENT_WORD_RE = re.compile(rf"^百分之(?P<num>{CN_NUMBER}|\d+(?:\.\d+)?)$")


def _clean(s: str) -> str:
    return s.strip().translate(_FULLWIDTH).replace(" ", "")


def chinese_to_int(s: str) -> int | None:
    """Chinese numeral to int: ``二十一`` → 21, ``一百零五`` → 105, ``两`` → 2, ``十二`` → 12,
    ``一千五百`` → 1500, ``三万`` → 30000; digit strings ``二〇二五`` → 2025. Arabic digits pass
    through. ``None`` if ``s`` is not a numeral."""
    s = _clean(s)
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if any(ch not in CN_DIGITS and ch not in CN_UNITS and ch not in CN_BIG for ch in s):
        return None
    if all(ch in CN_DIGITS for ch in s):
        # Positional digits (二〇二五, 一九) read digit by digit.
        value = 0
        for ch in s:
            value = value * 10 + CN_DIGITS[ch]
        return value
    total = 0  # completed 亿/万 groups
    section = 0  # within the current group
    digit: int | None = None
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            # A bare 十 at the start means 一十.
            section += (1 if digit is None else digit) * CN_UNITS[ch]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            digit = None
            if section == 0 and total == 0:
                return None
            big = CN_BIG[ch]
            if big > 10_000 or total == 0:
                total = (total + section) * big
            else:
                total += section * big
            section = 0
    return total + section + (digit or 0)


def _plain(s: str) -> float | None:
    """Arabic or Chinese numeral without magnitude suffix handling beyond chinese_to_int."""
    if _ARABIC_RE.match(s):
        return float(s.replace(",", ""))
    value = chinese_to_int(s)
    return float(value) if value is not None else None


def split_magnitude(s: str) -> tuple[float, str | None] | None:
    """Split a trailing 万/亿 magnitude off a number: ``1.5万`` → ``(1.5, "万")``,
    ``300`` → ``(300.0, None)``, ``三万`` → ``(3.0, "万")``. ``None`` if not a number."""
    s = _clean(s)
    m = _MAG_RE.match(s)
    if m and m.group("num"):
        value = _plain(m.group("num"))
        if value is not None:
            return value, m.group("mag")
    value = _plain(s)
    return (value, None) if value is not None else None


def parse_number(s: str) -> float | None:
    """Parse a number as printed: ``1,234.5``, full-width ``８.２``, ``二十五``, ``一百零五``,
    ``两``, ``二分之一`` (0.5), ``64%`` / ``百分之六十`` (64.0 / 60.0: the percent value, the
    ``%`` being a unit), ``1.5万`` (15000.0). ``None`` when ``s`` is not a number."""
    s = _clean(s)
    if not s:
        return None
    if s.endswith("%"):
        return _plain(s[:-1])
    m = _PERCENT_WORD_RE.match(s)
    if m:
        return _plain(m.group("num"))
    m = _FRACTION_RE.match(s)
    if m:
        den, num = _plain(m.group("den")), _plain(m.group("num"))
        if den is None or num is None or den == 0:
            return None
        return num / den
    split = split_magnitude(s)
    if split is None:
        return None
    value, mag = split
    return value * MAGNITUDES[mag] if mag else value
