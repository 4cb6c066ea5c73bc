"""Station-hours -> daily values per GB 3095 validity rules and HJ 663, then daily AQI (HJ 633).

Day boundary: a time label is the *end* of its hour (as the national platform publishes, and as
HJ 663 counts O3 8-hour values "8时至24时"): the row ``2025-01-02 00:00`` is the 24th hour
(``24时``) of 2025-01-01, and the natural day D holds the labels D 01:00 … D+1 00:00.
``hour_label="start"`` switches to labels 00:00-23:00 of D.

Daily values are exact rationals ``num/den`` with one integer ``den`` per column:
24-hour means use den = 212520·scale (212520 = lcm(20..24), so sum/count divides exactly),
O3 8-hour means den = 168·scale (lcm(6, 7, 8)), the O3 1-hour maximum den = scale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from luoshi.indicators.air.iaqi import MISSING, iaqi_exact, round_half_even_div
from luoshi.indicators.air.reader import SCALE, Exclusions, Hourly
from luoshi.indicators.air.standards import POLLUTANTS, SWITCH_DATE, Generation

HourLabel = Literal["end", "start"]
IntArray = npt.NDArray[np.int64]
MEAN_LCM = 212520  # lcm(20, 21, 22, 23, 24)
WIN_LCM = 168  # lcm(6, 7, 8)
MIN_HOURS_DAY = 20  # GB 3095 Table 4: >= 20 hourly means per natural day
MIN_HOURS_8H = 6  # GB 3095 Table 4: >= 6 hourly means in each 8 hours
MIN_WINDOWS = 14  # HJ 663 §6.1.2 [S]: >= 14 valid 8-hour values per day (08-24 labels)
O3_8H_EXCEED = 160  # fewer windows still valid when the maximum exceeds the class-2 limit
MEANS = ("SO2", "NO2", "PM10", "CO", "PM2.5")
# daily columns: the five 24-hour means, then the O3 1-hour max and the O3 daily max 8-hour mean
COLUMNS = ("SO2", "NO2", "PM10", "CO", "O3_1H_MAX", "O3_8H_MAX", "PM2.5")
EPOCH = dt.date(1970, 1, 1)


@dataclass
class Daily:
    """One row per (station, day); num < 0 marks an invalid daily value."""

    names: list[str]
    station: npt.NDArray[np.int32]
    day: IntArray  # days since 1970-01-01
    num: dict[str, IntArray]  # COLUMNS -> exact numerators
    den: dict[str, IntArray]  # COLUMNS -> denominators (per row; uniform for stations)
    hours: IntArray  # valid hours of the day (any pollutant)

    def dates(self) -> list[dt.date]:
        return [EPOCH + dt.timedelta(days=int(d)) for d in self.day]


def dedupe(h: Hourly, ex: Exclusions, lines: IntArray | None = None) -> Hourly:
    """Duplicate station-hours: identical copies keep one; conflicting copies are all excluded.

    Which of two different values is right cannot be known, so neither is used; both cases
    are counted (``duplicate_station_hour_identical`` / ``..._conflicting``).
    """
    key = h.station.astype(np.int64) << 40 | (h.hour - h.hour.min() if h.hour.size else h.hour)
    if key.size < 2 or bool((key[1:] > key[:-1]).all()):  # sorted and distinct: no duplicates
        return h
    order = np.argsort(key, kind="stable")
    k = key[order]
    same_prev = np.zeros(k.size, dtype=bool)
    same_prev[1:] = k[1:] == k[:-1]
    if not same_prev.any():
        return h
    v = h.values[order]
    equal_prev = np.zeros(k.size, dtype=bool)
    equal_prev[1:] = (v[1:] == v[:-1]).all(axis=1)
    # groups of duplicates: a group is conflicting if any member differs from its predecessor
    group = np.cumsum(~same_prev)
    conflict_g = np.unique(group[same_prev & ~equal_prev])
    in_conflict = np.isin(group, conflict_g)
    dup_identical = same_prev & ~in_conflict
    drop = in_conflict | dup_identical
    if lines is None:
        lines = h.lines
    rows = order + 2 if lines is None else lines[order]
    multi = np.isin(group, np.unique(group[same_prev]))
    ex.row("duplicate_station_hour_conflicting", np.sort(rows[in_conflict & multi]))
    ex.row("duplicate_station_hour_identical", np.sort(rows[dup_identical]))
    keep = np.sort(order[~drop])
    kept_lines = None if h.lines is None else h.lines[keep]
    return Hourly(h.stations, h.station[keep], h.hour[keep], h.values[keep], kept_lines)


def daily_values(h: Hourly, hour_label: HourLabel = "end") -> Daily:
    """Daily means (>= 20 h), O3 daily max 1-hour and daily max 8-hour values per station-day.

    Rows are scattered into a station-day × 24-hour cube (one plane per pollutant), found
    without sorting when the station × day grid is dense enough, by ``np.unique`` otherwise.
    """
    shifted = h.hour - 1 if hour_label == "end" else h.hour
    day = shifted // 24
    slot = shifted - day * 24
    dmin = int(day.min())
    span = int(day.max()) - dmin + 1
    key = h.station.astype(np.int64) * span + (day - dmin)
    grid = (int(h.station.max()) + 1) * span
    if grid <= 4 * key.size + 1024:
        present = np.zeros(grid, dtype=bool)
        present[key] = True
        uniq = np.flatnonzero(present)
        index = np.cumsum(present, dtype=np.int64) - 1
        sd = index[key]
        del present, index
    else:
        uniq, sd = np.unique(key, return_inverse=True)
    n = uniq.size
    flat = np.full((len(POLLUTANTS), n * 24), -1, dtype=np.int32)
    flat[:, sd * 24 + slot] = h.values.T
    cube = flat.reshape(len(POLLUTANTS), n, 24)
    num: dict[str, IntArray] = {}
    den: dict[str, IntArray] = {}
    any_valid = np.zeros((n, 24), dtype=bool)
    for j, p in enumerate(POLLUTANTS):
        plane = cube[j]
        ok = plane >= 0
        any_valid |= ok
        if p not in MEANS:
            continue
        cnt = ok.sum(axis=1)
        tot = np.where(ok, plane, 0).sum(axis=1, dtype=np.int64)
        good = cnt >= MIN_HOURS_DAY
        num[p] = np.where(good, tot * (MEAN_LCM // np.maximum(cnt, 1)), MISSING)
        den[p] = np.full(n, MEAN_LCM * SCALE[p], dtype=np.int64)
    o3 = cube[POLLUTANTS.index("O3")].astype(np.int64)
    o3ok = o3 >= 0
    cnt1 = o3ok.sum(axis=1)
    # O3 daily max 1-hour: no separate rule in GB 3095 Table 4; the 24-hour rule (>= 20 h) is used
    num["O3_1H_MAX"] = np.where(cnt1 >= MIN_HOURS_DAY, o3.max(axis=1), MISSING)
    den["O3_1H_MAX"] = np.full(n, SCALE["O3"], dtype=np.int64)
    num["O3_8H_MAX"] = _o3_8h_max(np.where(o3ok, o3, 0), o3ok)
    den["O3_8H_MAX"] = np.full(n, WIN_LCM * SCALE["O3"], dtype=np.int64)
    hours = any_valid.sum(axis=1).astype(np.int64)
    station = (uniq // span).astype(np.int32)
    num = {c: num[c] for c in COLUMNS}
    den = {c: den[c] for c in COLUMNS}
    return Daily(h.stations, station, (uniq % span + dmin).astype(np.int64), num, den, hours)


def merge_daily(parts: list[Daily]) -> Daily:
    """Daily values of station partitions -> one Daily sorted by station, then day."""
    if len(parts) == 1:
        return parts[0]
    station = np.concatenate([d.station for d in parts])
    day = np.concatenate([d.day for d in parts])
    order = np.lexsort((day, station))
    return Daily(
        parts[0].names,
        station[order],
        day[order],
        {c: np.concatenate([d.num[c] for d in parts])[order] for c in COLUMNS},
        {c: np.concatenate([d.den[c] for d in parts])[order] for c in COLUMNS},
        np.concatenate([d.hours for d in parts])[order],
    )


def _o3_8h_max(o3: IntArray, ok: npt.NDArray[np.bool_]) -> IntArray:
    """Max of the 17 windows ending at slots 7..23 (labels 08:00-24:00), each >= 6 valid hours."""
    csum = np.concatenate([np.zeros((o3.shape[0], 1), np.int64), np.cumsum(o3, axis=1)], axis=1)
    ccnt = np.concatenate([np.zeros((o3.shape[0], 1), np.int64), np.cumsum(ok, axis=1)], axis=1)
    wsum = csum[:, 8:] - csum[:, :-8]  # 17 windows
    wcnt = ccnt[:, 8:] - ccnt[:, :-8]
    wok = wcnt >= MIN_HOURS_8H
    mean = np.where(wok, wsum * (WIN_LCM // np.maximum(wcnt, 1)), MISSING)
    best = mean.max(axis=1)
    nwin = wok.sum(axis=1)
    exceeds = best > O3_8H_EXCEED * WIN_LCM * SCALE["O3"]
    return np.where((nwin >= MIN_WINDOWS) | ((nwin > 0) & exceeds), best, MISSING)


def rounded(num: IntArray, den: IntArray, column: str) -> IntArray:
    """GB/T 8170 (half to even): µg/m³ to integers, CO (mg/m³) to tenths; MISSING stays."""
    digits = 10 if column == "CO" else 1
    safe = np.where(num >= 0, num, 0)
    out = round_half_even_div(safe * digits, den)
    return np.where(num >= 0, out, MISSING)


PRIMARY_NAMES: tuple[str, ...] = ("SO2", "NO2", "PM10", "CO", "PM2.5", "O3_1H", "O3_8H")


@dataclass
class DailyAqi:
    values: dict[str, IntArray]  # COLUMNS -> rounded concentrations (CO in tenths), MISSING
    aqi: IntArray
    primary_mask: IntArray  # bit i set: PRIMARY_NAMES[i] is a primary pollutant that day
    g26: npt.NDArray[np.bool_]  # the day is evaluated under the 2026 generation

    @property
    def primary(self) -> list[list[str]]:
        """Primary pollutants per day, in PRIMARY_NAMES order (empty: none, or no AQI)."""
        table = primary_lists()
        return [table[m] for m in self.primary_mask.tolist()]

    @property
    def generation(self) -> list[Generation]:
        return ["2026" if g else "2012" for g in self.g26.tolist()]


def primary_lists() -> list[list[str]]:
    """Primary-pollutant list of every bit mask over PRIMARY_NAMES."""
    return [
        [n for i, n in enumerate(PRIMARY_NAMES) if m >> i & 1]
        for m in range(1 << len(PRIMARY_NAMES))
    ]


_IND = {
    "SO2": "SO2_24H",
    "NO2": "NO2_24H",
    "PM10": "PM10_24H",
    "CO": "CO_24H",
    "PM2.5": "PM2.5_24H",
}


def daily_aqi(d: Daily, standard: Generation | None) -> DailyAqi:
    """Daily IAQI/AQI from the rounded daily values (HJ 633-2026 §4.2.2 rounds first).

    2012 (HJ 633-2012 §5.1.2): seven indicators, the five 24-hour means plus the O3 daily max
    1-hour and daily max 8-hour values; O3 8-hour > 800 reports the O3 1-hour IAQI.
    A day's AQI is valid only when all seven are. 2026 (HJ 633-2026): six indicators (no O3
    1-hour); O3 8-hour > 800 counts 300; with a pollutant missing the AQI of the others is
    published only if > 100 (§5.3), so such a day is valid only then.
    Primary pollutants (AQI > 50): every indicator whose IAQI equals the AQI.
    """
    vals = {c: rounded(d.num[c], d.den[c], c) for c in COLUMNS}
    if standard:
        g26 = np.full(d.day.size, standard == "2026", dtype=bool)
    else:
        g26 = d.day >= (SWITCH_DATE - EPOCH).days
    aqi = np.full(d.day.size, MISSING, dtype=np.int64)
    mask = np.zeros(d.day.size, dtype=np.int64)
    for gen in ("2012", "2026"):
        sel = g26 if gen == "2026" else ~g26
        if not sel.any():
            continue
        iq: dict[str, IntArray] = {}
        for c, ind in _IND.items():
            iq[c] = iaqi_exact(vals[c][sel], 10 if c == "CO" else 1, ind, gen)
        o3_8 = vals["O3_8H_MAX"][sel]
        i8 = iaqi_exact(o3_8, 1, "O3_8H", gen)
        if gen == "2012":
            i1 = iaqi_exact(vals["O3_1H_MAX"][sel], 1, "O3_1H", gen)
            iq["O3_1H"] = i1
            iq["O3_8H"] = np.where(o3_8 > 800, i1, i8)
        else:
            iq["O3_8H"] = np.where(o3_8 > 800, 300, i8)
        stack = np.stack(list(iq.values()))
        a = stack.max(axis=0)
        a = np.where(a < 0, MISSING, a)
        complete = stack.min(axis=0) >= 0
        ok = complete | ((a > 100) if gen == "2026" else False)
        bits = np.asarray([1 << PRIMARY_NAMES.index(k) for k in iq], dtype=np.int64)
        m = ((stack == a) & (a > 50) & ok).astype(np.int64).T @ bits
        aqi[sel] = np.where(ok, a, MISSING)
        mask[sel] = m
    return DailyAqi(vals, aqi, mask, g26)


def city_daily(d: Daily) -> Daily:
    """City daily value = mean of the stations' valid daily values that day (HJ 663 [S]).

    Exact: each station's ``num`` is brought to a common denominator before averaging.
    """
    days, inv = np.unique(d.day, return_inverse=True)
    num: dict[str, IntArray] = {}
    den: dict[str, IntArray] = {}
    for c in COLUMNS:
        ok = d.num[c] >= 0
        tot = np.bincount(inv, weights=None, minlength=days.size).astype(np.int64) * 0
        np.add.at(tot, inv[ok], d.num[c][ok])  # all stations share one den per column
        cnt = np.bincount(inv[ok], minlength=days.size).astype(np.int64)
        num[c] = np.where(cnt > 0, tot, MISSING)
        den[c] = d.den[c][0] * np.maximum(cnt, 1)
    hours = np.zeros(days.size, dtype=np.int64)
    np.maximum.at(hours, inv, d.hours)
    return Daily(
        ["CITY"], np.zeros(days.size, dtype=np.int32), days.astype(np.int64), num, den, hours
    )
