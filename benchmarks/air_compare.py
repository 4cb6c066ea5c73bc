"""Compare luoshi's IAQI/AQI with the PyPI peers over random inputs; print categorized counts.

    python benchmarks/air_compare.py [N]      # default N = 100000

python-aqi (ALGO_MEP) is compared under the 2012 rules, aqi-hub (0.3.x, 2026 tables) under the
2026 rules. Each difference is put in the class that explains it (see docs/indicators-air.md).
"""

from __future__ import annotations

import math
import sys
import warnings
from collections import Counter
from decimal import ROUND_HALF_EVEN, Decimal

import aqi as pyaqi
import numpy as np
from aqi_hub.aqi_cn.aqi import cal_aqi_cn, cal_iaqi_cn

from luoshi.indicators.air import iaqi
from luoshi.indicators.air.iaqi import aqi_from
from luoshi.indicators.air.standards import BREAKPOINTS, IAQI_STEPS

PYAQI = {
    "SO2_24H": "so2_24h", "SO2_1H": "so2_1h", "NO2_24H": "no2_24h", "NO2_1H": "no2_1h",
    "PM10_24H": "pm10", "PM2.5_24H": "pm25", "CO_24H": "co_24h", "CO_1H": "co_1h",
    "O3_1H": "o3_1h", "O3_8H": "o3_8h",
}  # fmt: skip
HUB = {k: k.replace("PM2.5", "PM25") for k in PYAQI}


def draw(rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray]:
    inds = rng.choice(list(PYAQI), size=n)
    top = np.asarray([BREAKPOINTS["2012"][i][-1] for i in inds], dtype=float)
    c = rng.uniform(0, 1.15, size=n) * top
    dec = np.where(np.char.startswith(inds.astype(str), "CO"), 2, rng.integers(0, 2, size=n))
    return list(inds), np.asarray([round(x, int(d)) for x, d in zip(c, dec, strict=True)])


def _hj_float(ind: str, c: float, gen: str, table: str | None = None) -> float:
    bps = BREAKPOINTS[gen][table or ind]  # type: ignore[index]
    for j in range(1, len(bps)):
        if c <= bps[j]:
            lo, hi = bps[j - 1], bps[j]
            return (IAQI_STEPS[j] - IAQI_STEPS[j - 1]) / (hi - lo) * (c - lo) + IAQI_STEPS[j - 1]
    return 500.0


def _stepped(ind: str, c: int) -> float | None:
    """python-aqi's own segments: (0-35)->(0-50), (36-75)->(51-100), ... on a truncated c."""
    bps = BREAKPOINTS["2012"][ind]
    for j in range(1, len(bps)):
        lo_c = bps[j - 1] + (1 if j > 1 else 0)
        lo_i = IAQI_STEPS[j - 1] + (1 if j > 1 else 0)
        if lo_c <= c <= bps[j]:
            return (IAQI_STEPS[j] - lo_i) / (bps[j] - lo_c) * (c - lo_c) + lo_i
    return None


def _half_even(v: float) -> int:
    return int(Decimal(repr(v)).quantize(Decimal("1"), rounding=ROUND_HALF_EVEN))


def compare_python_aqi(inds: list[str], conc: np.ndarray) -> Counter[str]:
    out: Counter[str] = Counter()
    for ind, c in zip(inds, conc, strict=True):
        ours = iaqi(ind, [c], "2012")[0]
        try:
            theirs = int(pyaqi.to_iaqi(PYAQI[ind], str(c), algo=pyaqi.ALGO_MEP))
        except Exception as exc:  # IndexError above the table
            out[
                f"python-aqi raises {type(exc).__name__} (above the table / >800 special case)"
            ] += 1
            continue
        if np.isnan(ours):
            out["ours undefined (2012 >800 special case needs the fallback value)"] += 1
        elif theirs == ours:
            out["agree"] += 1
        else:
            t = math.trunc(c)
            s = _stepped(ind, t)
            if theirs == iaqi(ind, [t], "2012")[0]:
                out["truncation of the concentration to an integer"] += 1
            elif theirs == _half_even(_hj_float(ind, t, "2012")):
                out["truncation + half-even rounding of the IAQI (not 进位取整)"] += 1
            elif s is not None and theirs == _half_even(s):
                out["stepped segments (36-75 -> 51-100 ...) + truncation + half-even"] += 1
            else:
                out["unexplained"] += 1
    return out


def compare_aqi_hub(inds: list[str], conc: np.ndarray) -> Counter[str]:
    out: Counter[str] = Counter()
    for ind, c in zip(inds, conc, strict=True):
        ours = iaqi(ind, [c], "2026")[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = cal_iaqi_cn(HUB[ind], float(c))
        if theirs is None:
            out["aqi-hub returns None"] += 1
        elif theirs == ours:
            out["agree"] += 1
        elif ind == "SO2_24H" and theirs == math.ceil(_hj_float(ind, c, "2026", "SO2_1H")):
            out["SO2_24H scored on the 1-hour table (aqi-hub bug)"] += 1
        elif theirs == math.ceil(_hj_float(ind, c, "2026")):
            out["float noise: ceil of a float interpolation"] += 1
        else:
            out["unexplained"] += 1
    return out


DAILY = ("SO2_24H", "NO2_24H", "PM10_24H", "CO_24H", "O3_8H", "PM2.5_24H")


def compare_daily_aqi(rng: np.random.Generator, n: int) -> tuple[Counter[str], Counter[str]]:
    """Daily AQI of random 6-pollutant sets (within the tables, so python-aqi does not raise)."""
    sets = {k: rng.uniform(0, 0.95, size=n) * BREAKPOINTS["2012"][k][-1] for k in DAILY}
    sets = {k: np.round(v, 1 if k == "CO_24H" else 0) for k, v in sets.items()}
    ours = {}
    drivers: list[list[str]] = []
    for g in ("2012", "2026"):
        iq = {k: np.nan_to_num(iaqi(k, v, g), nan=-1).astype(np.int64) for k, v in sets.items()}  # type: ignore[arg-type]
        ours[g], prim = aqi_from(iq)
        drivers = drivers or prim
    pa: Counter[str] = Counter()
    hub: Counter[str] = Counter()
    for i in range(n):
        v = {k: sets[k][i] for k in DAILY}
        t = int(pyaqi.to_aqi([(PYAQI[k], str(x)) for k, x in v.items()], algo=pyaqi.ALGO_MEP))
        d = abs(t - int(ours["2012"][i]))
        why = (
            "CO: mg/m³ truncated to integers"
            if "CO_24H" in drivers[i]
            else "truncation/steps/rounding"
        )
        pa[
            "agree"
            if d == 0
            else f"differ by {'1' if d == 1 else '2-5' if d <= 5 else '>5'} ({why})"
        ] += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            h, _ = cal_aqi_cn(
                v["PM2.5_24H"],
                v["PM10_24H"],
                v["SO2_24H"],
                v["NO2_24H"],
                v["CO_24H"],
                v["O3_8H"],
                "daily",
            )
        hub[
            "agree"
            if h == ours["2026"][i]
            else "differ (SO2_24H table)"
            if v["SO2_24H"] > 0
            else "differ"
        ] += 1
    return pa, hub


def show(title: str, c: Counter[str]) -> None:
    total = sum(c.values())
    print(f"\n{title} ({total} inputs)")
    for k, v in c.most_common():
        print(f"  {v:>7}  {100 * v / total:5.1f}%  {k}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = np.random.default_rng(20260301)
    inds, conc = draw(rng, n)
    show("IAQI vs python-aqi 0.6 (ALGO_MEP), HJ 633-2012 rules", compare_python_aqi(inds, conc))
    show("IAQI vs aqi-hub 0.3 (cal_iaqi_cn), HJ 633-2026 rules", compare_aqi_hub(inds, conc))
    pa, hub = compare_daily_aqi(rng, n // 5)
    show("daily AQI (6 pollutants) vs python-aqi, 2012", pa)
    show("daily AQI (6 pollutants) vs aqi-hub, 2026", hub)


if __name__ == "__main__":
    main()
