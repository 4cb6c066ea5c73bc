"""HJ 663 annual evaluation of one station or the city, exact until the final rounding.

Statistics (HJ 663 Table 1 [S]): annual means of SO2, NO2, PM10, PM2.5; CO 95th percentile
of daily means; O3 90th percentile of daily maximum 8-hour means (also the SO2/NO2 98th and
PM 95th percentiles of daily means, compared with the 24-hour limits). Percentile (HJ 663 §6
[R/S]): sort ascending X(1)..X(n); k = 1 + (n-1)·p/100; s = ⌊k⌋;
m_p = X(s) + (X(s+1) - X(s))·(k - s). Rounding (GB/T 8170, half to even, once, at the end):
µg/m³ to integers, CO to one decimal; the good-day ratio to one decimal of a percent.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from luoshi.indicators.air.daily import EPOCH, Daily
from luoshi.indicators.air.standards import Generation, Limits, generation_for, limits_for

IntArray = npt.NDArray[np.int64]
ANNUAL_MIN_DAYS = 324  # GB 3095 Table 4: >= 324 daily means per calendar year
MONTH_MIN_DAYS = 27  # ... and >= 27 per month (February >= 25)
FEB_MIN_DAYS = 25


Series = tuple[npt.NDArray[Any], int]  # integer numerators over one common denominator


def percentile(series: Series, p: int) -> Fraction | None:
    """HJ 663 percentile, exact: k = 1 + (n-1)p/100, m = X(s) + (X(s+1)-X(s))(k-s)."""
    nums, den = series
    n = nums.size
    if n == 0:
        return None
    x = np.sort(nums)
    s, r = divmod((n - 1) * p, 100)  # k = 1 + s + r/100 (1-based), so X(s) is x[s] here
    if r == 0 or s + 1 >= n:
        return Fraction(int(x[s]), den)
    return Fraction(int(x[s]) * 100 + (int(x[s + 1]) - int(x[s])) * r, 100 * den)


def round_half_even(v: Fraction | None, decimals: int) -> int | float | None:
    """GB/T 8170 rounding of an exact value; int for 0 decimals."""
    if v is None:
        return None
    scaled = v * 10**decimals
    q = round(scaled)  # Fraction.__round__ rounds half to even, exactly
    return int(q) if decimals == 0 else float(Fraction(q, 10**decimals))


def common(num: IntArray, den: IntArray) -> Series:
    """Valid values (num >= 0) over one common denominator; Python ints if int64 could overflow."""
    ok = num >= 0
    n, d = num[ok], den[ok]
    if n.size == 0:
        return np.zeros(0, dtype=np.int64), 1
    dens = [int(x) for x in np.unique(d)]
    lcm = math.lcm(*dens)
    if lcm < 2**62:
        mult = lcm // d
        if int(n.max()) * int(mult.max()) * n.size < 2**62:
            return n * mult, lcm
    exact = [int(a) * (lcm // int(b)) for a, b in zip(n, d, strict=True)]
    return np.asarray(exact, dtype=object), lcm


def mean(series: Series) -> Fraction | None:
    """Exact arithmetic mean."""
    nums, den = series
    if nums.size == 0:
        return None
    return Fraction(int(nums.sum()), den * nums.size)


STAT_KEYS: tuple[str, ...] = (
    "PM2.5", "PM10", "SO2", "NO2", "CO_P95", "O3_8H_P90",
    "SO2_P98", "NO2_P98", "PM10_P95", "PM2.5_P95",
)  # fmt: skip
EVAL_STATS: tuple[str, ...] = STAT_KEYS[:6]


def statistics(d: Daily, sel: IntArray) -> dict[str, Fraction | None]:
    """The exact (unrounded) HJ 663 annual statistics over the rows ``sel``."""
    series = {c: common(d.num[c][sel], d.den[c][sel]) for c in d.num}
    return {
        "PM2.5": mean(series["PM2.5"]),
        "PM10": mean(series["PM10"]),
        "SO2": mean(series["SO2"]),
        "NO2": mean(series["NO2"]),
        "CO_P95": percentile(series["CO"], 95),
        "O3_8H_P90": percentile(series["O3_8H_MAX"], 90),
        "SO2_P98": percentile(series["SO2"], 98),
        "NO2_P98": percentile(series["NO2"], 98),
        "PM10_P95": percentile(series["PM10"], 95),
        "PM2.5_P95": percentile(series["PM2.5"], 95),
    }


def decimals(key: str) -> int:
    """Reporting digits (GB/T 8170): CO to 0.1 mg/m³, the rest to integers of µg/m³."""
    return 1 if key.startswith("CO") else 0


def evaluate(
    d: Daily,
    rows: npt.NDArray[np.bool_],
    aqi: IntArray,
    standard: Generation | None,
    exact: dict[str, Fraction | None] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(EVAL for the JSON, assessment with limits and completeness) over the selected rows.

    ``exact``, if given, receives the unrounded statistics (for the moving average).
    """
    sel = np.nonzero(rows)[0]
    stats = statistics(d, sel)
    if exact is not None:
        exact.update(stats)
    a = aqi[sel]
    valid_days = int((a >= 0).sum())
    good_days = int(((a >= 0) & (a <= 100)).sum())
    ratio = Fraction(100 * good_days, valid_days) if valid_days else None
    out = {k: round_half_even(stats[k], decimals(k)) for k in stats}
    ev: dict[str, Any] = {k: out[k] for k in EVAL_STATS}
    ev.update(valid_days=valid_days, good_days=good_days, good_days_ratio=round_half_even(ratio, 1))
    days = d.day[sel]
    last = EPOCH + dt.timedelta(days=int(days.max())) if days.size else EPOCH
    gen = standard or generation_for(last)
    return ev, _assess(out, gen, last, d, sel)


def compare(
    out: Mapping[str, int | float | None], lim: Limits
) -> tuple[dict[str, Any], bool | None]:
    """Each statistic against the class-1/class-2 limits of ``lim``; all class 2 met (None: unknown)."""
    pairs = {
        "PM2.5": lim.annual["PM2.5"], "PM10": lim.annual["PM10"], "SO2": lim.annual["SO2"],
        "NO2": lim.annual["NO2"], "CO_P95": lim.daily["CO"], "O3_8H_P90": lim.o3_8h,
        "SO2_P98": lim.daily["SO2"], "NO2_P98": lim.daily["NO2"],
        "PM10_P95": lim.daily["PM10"], "PM2.5_P95": lim.daily["PM2.5"],
    }  # fmt: skip
    items: dict[str, Any] = {}
    for k, (c1, c2) in pairs.items():
        v = out.get(k)
        items[k] = {
            "value": v, "class1_limit": c1, "class2_limit": c2,
            "meets_class1": None if v is None else v <= c1,
            "meets_class2": None if v is None else v <= c2,
        }  # fmt: skip
    meets2 = [i["meets_class2"] for i in items.values()]
    return items, None if None in meets2 else all(meets2)


def _assess(
    out: dict[str, int | float | None], gen: Generation, last: dt.date, d: Daily, sel: IntArray
) -> dict[str, Any]:
    lim = limits_for(gen, last)
    items, meets2 = compare(out, lim)
    return {
        "generation": gen,
        "limits": lim.name,
        "period": _period(d, sel),
        "statistics": items,
        "meets_class2": meets2,
        "completeness": _completeness(d, sel),
    }


def moving_average(
    per_year: Mapping[int, Mapping[str, Fraction | int | float | None]],
    standard: Generation | None = None,
    window: int = 3,
) -> dict[int, dict[str, Any]]:
    """三年滑动平均 (HJ 663-2026 [S]): each statistic averaged over ``window`` consecutive years.

    ``per_year`` maps a calendar year to its annual statistics (exact Fractions as
    :func:`statistics` gives them, or reported numbers). For every year Y with Y-window+1 … Y
    all present, each statistic known in all of them is averaged exactly and rounded once
    (GB/T 8170) and compared with the limits in force on 31 December of Y (``standard`` None:
    the generation in force then). Years missing from the run: no value for Y.
    """
    out: dict[int, dict[str, Any]] = {}
    for y in sorted(per_year):
        span = list(range(y - window + 1, y + 1))
        if not all(x in per_year for x in span):
            continue
        vals: dict[str, int | float | None] = {}
        for k in STAT_KEYS:
            xs = [per_year[x].get(k) for x in span]
            if any(v is None for v in xs):
                vals[k] = None
                continue
            total = sum((_exact(v) for v in xs if v is not None), Fraction(0))
            vals[k] = round_half_even(total / window, decimals(k))
        last = dt.date(y, 12, 31)
        gen = standard or generation_for(last)
        lim = limits_for(gen, last)
        items, meets2 = compare(vals, lim)
        res: dict[str, Any] = {
            "years": span,
            "generation": gen,
            "limits": lim.name,
            "statistics": items,
            "meets_class2": meets2,
        }
        if gen == "2012":
            res["note"] = (
                "HJ 663-2013 judges each year on its own; the three-year moving average is a "
                "HJ 663-2026 method, shown here for comparison only"
            )
        out[y] = res
    return out


def _exact(v: Fraction | int | float) -> Fraction:
    """A reported number as the decimal it prints as (0.1 is 1/10, not the binary float)."""
    if isinstance(v, Fraction | int):
        return Fraction(v)
    return Fraction(Decimal(repr(v)))


def _period(d: Daily, sel: IntArray) -> list[str] | None:
    if not sel.size:
        return None
    days = d.day[sel]
    return [str(EPOCH + dt.timedelta(days=int(x))) for x in (days.min(), days.max())]


def _completeness(d: Daily, sel: IntArray) -> dict[str, Any]:
    """GB 3095 Table 4 annual rule per pollutant: >= 324 valid days, >= 27 a month (Feb 25)."""
    res: dict[str, Any] = {}
    months = d.day[sel].astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    present, month_of = np.unique(months, return_inverse=True)
    labels = [(1970 + int(m) // 12, int(m) % 12 + 1) for m in present]
    need = np.asarray([FEB_MIN_DAYS if mo == 2 else MONTH_MIN_DAYS for _, mo in labels])
    for c in ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_8H_MAX"):
        ok = d.num[c][sel] >= 0
        n = int(ok.sum())
        have = np.bincount(month_of[ok], minlength=present.size)
        short = [
            f"{labels[i][0]}-{labels[i][1]:02d}:{int(have[i])}" for i in np.flatnonzero(have < need)
        ]
        res[c] = {
            "valid_days": n,
            "annual_ok": n >= ANNUAL_MIN_DAYS and not short,
            "months_short": short,
        }
    return res
