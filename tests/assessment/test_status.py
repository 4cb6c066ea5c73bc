"""Hand-worked examples of the status method (the same numbers as docs/status-method.md)."""

from __future__ import annotations

import pytest

from luoshi.assessment import (
    Goal,
    Point,
    absolute_target,
    assess,
    indicator_sense,
    pick,
    project,
    sense,
    target_path,
)

P = Point

# (name, goal, baseline, latest, proportion, status, ratio, method, projection)
CASES = [
    # ① PM2.5 ≤ 30 from 40 (2020) to 35 (2023), target 2025:
    #   CAGR_o = 0.875^(1/3) − 1 = −0.04353; CAGR_r = 0.75^(1/5) − 1 = −0.05591;
    #   R = −1 × −0.04353 / 0.05591 = 0.7786 → at risk; linear projection 35 − 5/3 × 2 = 31.67
    ("pm25", Goal("<=", 30, 2025, "μg/m³", "PM2.5浓度"), P(2020, 40), P(2023, 35), False,
     "at_risk", 0.7786, "cagr", 31.667),
    # ② 优良天数比率 ≥ 85% from 80 (2020) to 84 (2023): CAGR_o = 1.05^(1/3) − 1 = 0.016396;
    #   CAGR_r = 1.0625^(1/5) − 1 = 0.012199; R = 1.344 → on track; log-linear 84 × 1.05^(2/3) = 86.78
    ("good_days", Goal(">=", 85, 2025, "%", "优良天数比率"), P(2020, 80), P(2023, 84), True,
     "on_track", 1.3441, "cagr", 86.777),
    # ③ energy intensity down 18% on 2020's 0.50 → target 0.41; 0.48 in 2023:
    #   CAGR_o = 0.96^(1/3) − 1 = −0.013515; CAGR_r = 0.82^(1/5) − 1 = −0.038913; R = 0.3473 → off
    ("intensity", Goal("decrease_by", 18, 2025, "%", "单位地区生产总值能源消耗降低"),
     P(2020, 0.50), P(2023, 0.48), False, "off_track", 0.3473, "cagr", 0.4667),
    # ④ moving away: ≥ 64% from 60 (2020) to 58 (2022): CAGR_o = 0.96667^(1/2) − 1 = −0.016808;
    #   CAGR_r = 1.06667^(1/5) − 1 = 0.012991; R = −1.2938 < 0 → off track; 58 × 0.96667^1.5 = 55.12
    ("away", Goal(">=", 64, 2025, "%", "近岸海水优良比例"), P(2020, 60), P(2022, 58), True,
     "off_track", -1.2938, "cagr", 55.124),
    # ⑤ a zero target: ≤ 0 劣V类断面 from 4 (2020) to 2 (2023): linear, −2/3 per year against
    #   −4/5 needed → R = 0.6667 / 0.8 = 0.8333 → at risk; projection 2 − 2/3 × 2 = 0.667
    ("zero", Goal("<=", 0, 2025, "个", "劣V类断面"), P(2020, 4), P(2023, 2), False,
     "at_risk", 0.8333, "linear", 0.6667),
    # ⑥ = 10 家 with no direction in the name: approach from below (d = +1);
    #   CAGR_o = 1.75^(1/2) − 1 = 0.32288; CAGR_r = 2.5^(1/4) − 1 = 0.25743; R = 1.2542 → on track
    ("approach", Goal("=", 10, 2025, "个", "省级生态清洁小流域"), P(2021, 4), P(2023, 7), False,
     "on_track", 1.2542, "cagr", 10.0),
]  # fmt: skip


@pytest.mark.parametrize(
    "name, goal, base, latest, proportion, status, ratio, method, projected", CASES, ids=[c[0] for c in CASES]
)
def test_worked_examples(name, goal, base, latest, proportion, status, ratio, method, projected) -> None:  # type: ignore[no-untyped-def]
    result = assess(goal, base, latest, proportion=proportion)
    assert result.status == status, result.reason
    assert result.ratio == pytest.approx(ratio, abs=5e-4)
    assert result.method == method
    assert result.projection is not None and result.projection.year == goal.year
    assert result.projection.value == pytest.approx(projected, abs=5e-3)
    assert result.moving_away == (ratio < 0)


STATUS_ONLY = [
    # achieved whatever the trend: the latest value meets the comparator
    ("met_ge", Goal(">=", 64, 2025, "%"), P(2020, 66), P(2023, 65), "achieved"),
    ("met_le", Goal("<=", 30, 2025), P(2020, 40), P(2022, 30), "achieved"),
    # ≈ 24: within 5% (22.8 … 25.2); 覆盖率 is higher-better, so overshooting counts too
    ("approx_within", Goal("≈", 24, 2025, "%", "林木覆盖率"), P(2020, 20), P(2023, 23), "achieved"),
    ("approx_over", Goal("≈", 24, 2025, "%", "林木覆盖率"), P(2020, 20), P(2023, 26), "achieved"),
    # = with no known direction: crossing the value from the starting side reaches it …
    ("equal_crossed", Goal("=", 10, 2025, "个", "省级生态清洁小流域"), P(2021, 4), P(2023, 12), "achieved"),
    # … and a value to hold (base within 0.5%) is met only within that tolerance
    ("equal_hold", Goal("=", 2, 2025, "级", "河道等级"), P(2021, 2), P(2023, 2.5), "off_track"),
    # target year reached or passed and not met
    ("year_reached", Goal(">=", 85, 2025, "%"), P(2020, 80), P(2025, 84), "off_track"),
    # one observation only: cannot measure progress
    ("single", Goal(">=", 85, 2025, "%"), P(2023, 80), P(2023, 80), "no_data"),
    ("no_obs", Goal(">=", 85, 2025, "%"), None, None, "no_data"),
    # delegated without an assigned value
    ("delegated", Goal("delegated", None, 2025), P(2020, 1), P(2023, 2), "no_data"),
    # baseline already met the target, latest fell back: moving away
    ("base_met", Goal(">=", 50, 2025), P(2020, 50), P(2023, 48), "off_track"),
    # relative target with no baseline point
    ("relative_no_base", Goal("increase_by", 10, 2025, "%"), None, P(2023, 5), "no_data"),
    # recurring (每年) target not met this year
    ("recurring", Goal(">=", 90, None, "%", recurring=True), P(2022, 80), P(2023, 85), "off_track"),
]  # fmt: skip


@pytest.mark.parametrize("name, goal, base, latest, status", STATUS_ONLY, ids=[c[0] for c in STATUS_ONLY])
def test_statuses(name, goal, base, latest, status) -> None:  # type: ignore[no-untyped-def]
    assert assess(goal, base, latest).status == status


def test_target_year_passed_by_the_calendar() -> None:
    goal, base, latest = Goal(">=", 85, 2023, "%"), P(2020, 80), P(2022, 84)
    # 2023's figures are published in 2024: still judged by the trend then, missed from 2025 on
    assert assess(goal, base, latest, current_year=2024).status == "on_track"
    assert assess(goal, base, latest, current_year=2025).status == "off_track"


@pytest.mark.parametrize(
    "goal, base, expected",
    [
        (Goal("decrease_by", 18, 2025, "%"), P(2020, 0.5), 0.41),
        (Goal("increase_by", 3, 2025, "pp"), P(2020, 80), 83.0),
        (Goal("decrease_by", 5, 2025, "万吨"), P(2020, 40), 35.0),
        (Goal("increase_by", 100, 2025, "%"), P(2020, 7), 14.0),  # 翻一番
        (Goal(">=", 64, 2025, "%"), None, 64.0),
    ],
)
def test_absolute_target(goal: Goal, base: Point | None, expected: float) -> None:
    assert absolute_target(goal, base) == pytest.approx(expected)


def test_direction_from_comparator_then_indicator() -> None:
    assert sense(">=") == 1 and sense("increase_by") == 1
    assert sense("<=") == -1 and sense("decrease_by") == -1
    assert sense("≈", "PM2.5浓度") == -1
    assert sense("=", "城市生活污水集中收集处理率") == 1
    assert indicator_sense("劣V类水体比例") == -1  # 劣 wins over 比例
    assert indicator_sense("长江干流年均水质", "类") == -1
    assert sense("=", "省级生态清洁小流域") == 0


def test_pick_prefers_the_baseline_year() -> None:
    series = [P(2019, 1), P(2020, 2), P(2023, 3)]
    assert pick(series, 2020) == (P(2020, 2), P(2023, 3))
    assert pick(series, 2018) == (P(2019, 1), P(2023, 3))  # no 2018 point: earliest
    assert pick([], None) == (None, None)


def test_projection_is_capped_and_the_path_ends_on_the_target() -> None:
    assert project(P(2020, 90), P(2022, 99), 2030, proportion=True) == 100.0
    assert project(P(2020, 10), P(2022, 4), 2030, proportion=True) < 4
    path = target_path(P(2020, 40), 30, 2025)
    assert path[0] == (2020, 40) and path[-1][0] == 2025 and path[-1][1] == pytest.approx(30)
    assert target_path(P(2020, 4), 0, 2024)[2] == (2022, 2.0)  # linear through zero
