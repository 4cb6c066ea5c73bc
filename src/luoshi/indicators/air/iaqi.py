"""IAQI, AQI, primary pollutants and categories per HJ 633, in exact integer arithmetic.

The standards round every IAQI *up* to an integer (HJ 633-2012 §6.2, HJ 633-2026 §4.2.6:
"全部进位取整数"). A float interpolation can land on 100.00000000000001 and ceil to 101, so
the interpolation here is done on rationals: a concentration is ``num / den`` with integer
``num`` and ``den``, breakpoints are integers, and ``ceil`` is an integer division.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from luoshi.indicators.air.standards import BANDS, BREAKPOINTS, IAQI_STEPS, Generation

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
MISSING = -1  # sentinel for "no IAQI" in integer arrays (IAQI and concentrations are >= 0)
FLOAT_SCALE = 10**6  # float inputs are read as exact decimals with 6 places


def ceil_div(a: IntArray, b: IntArray | int) -> IntArray:
    """Exact ceil(a / b) for integer arrays, b > 0."""
    return -((-a) // b)


def round_half_even_div(a: IntArray, b: IntArray | int) -> IntArray:
    """Exact a / b rounded half to even (GB/T 8170 "四舍六入五成双"), a >= 0, b > 0."""
    q = a // b
    r2 = 2 * (a - q * b)
    up = (r2 > b) | ((r2 == b) & (q % 2 == 1))
    out: IntArray = (q + up).astype(a.dtype)
    return out


def to_scaled(values: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """Float concentrations -> (integer numerators over FLOAT_SCALE, validity mask).

    ``np.rint`` to 6 decimals removes binary noise from decimal input (0.1 -> 100000 exactly).
    NaN and negative values are not valid.
    """
    x = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(x) & (x >= 0)
    num = np.where(ok, np.rint(np.where(ok, x, 0.0) * FLOAT_SCALE), 0).astype(np.int64)
    return num, ok.astype(np.int64)


def iaqi_exact(num: IntArray, den: int, indicator: str, generation: Generation) -> IntArray:
    """IAQI of concentrations ``num/den`` (num < 0 means missing) on the indicator's breakpoints.

    Above the highest breakpoint the standard defines no IAQI; 500 is returned (the top of the
    AQI scale). The >800 special cases of SO2_1H and O3_8H are applied by :func:`iaqi`.
    """
    bps = np.asarray(BREAKPOINTS[generation][indicator], dtype=np.int64) * den
    steps = np.asarray(IAQI_STEPS[: len(bps)], dtype=np.int64)
    n = np.asarray(num, dtype=np.int64)
    # segment j with bps[j-1] < c <= bps[j]; c == 0 falls in segment 1 and gives IAQI 0
    j = np.clip(np.searchsorted(bps, n, side="left"), 1, len(bps) - 1)
    lo_c, hi_c, lo_i, hi_i = bps[j - 1], bps[j], steps[j - 1], steps[j]
    value = lo_i + ceil_div((hi_i - lo_i) * (n - lo_c), hi_c - lo_c)
    value = np.where(n > bps[-1], 500 if len(bps) == 8 else MISSING, value)
    return np.where(n < 0, MISSING, value).astype(np.int64)


def iaqi(
    indicator: str,
    concentrations: npt.ArrayLike,
    generation: Generation,
    fallback: npt.ArrayLike | None = None,
) -> FloatArray:
    """IAQI of float concentrations (µg/m³, CO mg/m³); NaN where missing or undefined.

    ``indicator`` is one of ``SO2_24H SO2_1H NO2_24H NO2_1H PM10_24H PM2.5_24H CO_24H CO_1H
    O3_1H O3_8H``. Special cases (HJ 633-2012 Table 1 notes 2-3; HJ 633-2026 Table 3 notes b-c):

    * SO2_1H > 800: 2012 reports the SO2 24-hour IAQI (pass the 24-hour mean as ``fallback``);
      2026 counts the IAQI as 200.
    * O3_8H > 800: 2012 reports the O3 1-hour IAQI (pass the 1-hour value as ``fallback``);
      2026 counts the IAQI as 300.
    """
    num, ok = to_scaled(concentrations)
    num = np.where(ok == 1, num, MISSING)
    out = iaqi_exact(num, FLOAT_SCALE, indicator, generation)
    special = {"SO2_1H": ("SO2_24H", 200), "O3_8H": ("O3_1H", 300)}
    if indicator in special:
        over = num > 800 * FLOAT_SCALE
        other, cap = special[indicator]
        if generation == "2026":
            out = np.where(over, cap, out)
        else:
            if fallback is None:
                fb = np.full_like(out, MISSING)
            else:
                fnum, fok = to_scaled(np.broadcast_to(np.asarray(fallback, float), num.shape))
                fb = iaqi_exact(np.where(fok == 1, fnum, MISSING), FLOAT_SCALE, other, generation)
            out = np.where(over, fb, out)
    return np.where(out < 0, np.nan, out.astype(np.float64))


def aqi_from(iaqis: Mapping[str, IntArray]) -> tuple[IntArray, list[list[str]]]:
    """AQI = max of the IAQIs (missing ignored; all missing -> MISSING) and primary pollutants.

    Primary pollutants: only when AQI > 50, every indicator whose IAQI equals the AQI
    (HJ 633-2012 §7 / HJ 633-2026: ties are all listed).
    """
    names = list(iaqis)
    stack = np.stack([np.asarray(iaqis[k], dtype=np.int64) for k in names])
    aqi = stack.max(axis=0)
    aqi = np.where(aqi < 0, MISSING, aqi)
    is_primary = (stack == aqi) & (aqi > 50)
    primary: list[list[str]] = [[] for _ in range(aqi.shape[0])]
    for r, c in zip(*np.nonzero(is_primary.T), strict=True):
        primary[int(r)].append(names[int(c)])
    return aqi, primary


def band_index(aqi: IntArray) -> IntArray:
    """0..5 for 优..严重污染 (HJ 633 Table 2 bands 0-50, 51-100, ... >300); MISSING if no AQI."""
    uppers = np.asarray([b[0] for b in BANDS[:-1]], dtype=np.int64)
    idx = np.searchsorted(uppers, np.asarray(aqi, dtype=np.int64), side="left").astype(np.int64)
    return np.where(np.asarray(aqi) < 0, MISSING, idx)


def category(aqi: int) -> str:
    """The category name (优, 良, 轻度污染, 中度污染, 重度污染, 严重污染) of one AQI."""
    return BANDS[int(band_index(np.asarray([aqi]))[0])][2]


def level(aqi: int) -> str:
    """The level name (一级 … 六级) of one AQI."""
    return BANDS[int(band_index(np.asarray([aqi]))[0])][1]


def aqi_of(values: Mapping[str, float], generation: Generation) -> tuple[int, list[str]]:
    """Convenience: AQI and primary pollutants of one set of indicator concentrations."""
    iaqis = {
        k: np.nan_to_num(iaqi(k, [v], generation, _fallback(k, values)), nan=-1).astype(np.int64)
        for k, v in values.items()
    }
    aqi, primary = aqi_from(iaqis)
    return int(aqi[0]), primary[0]


def _fallback(indicator: str, values: Mapping[str, float]) -> Sequence[float] | None:
    other = {"SO2_1H": "SO2_24H", "O3_8H": "O3_1H"}.get(indicator)
    return [values[other]] if other and other in values else None
