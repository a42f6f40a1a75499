"""assess(): hand-computed expectations for every kind of target and status (SYNTHETIC data),
and a backtest on the real published figures."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from planlib.indicators import assessment as A
from planlib.indicators.assessment import assess, load_settings
from planlib.inputs.plan import load_plan
from tests.synthetic import frame, row

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def plan():
    return load_plan(FIXTURES / "synthetic_assess_plan.yaml")


def one(result: pd.DataFrame, tid: str) -> dict:
    return result.set_index("id").loc[tid].to_dict()


def run(plan, rows, as_of):
    return assess(plan, frame(rows), as_of=as_of)


# ---------------------------------------------------------------- cumulative (five-year totals)


def test_cumulative_ahead_of_schedule(plan):
    rows = [row("jobs", 2021, 75), row("jobs", 2022, 70), row("jobs", 2023, 74)]
    r = one(run(plan, rows, 2023), "jobs")
    assert r["cumulative"] == pytest.approx(75 + 70 + 74)  # 219
    assert r["time_progress"] == pytest.approx(0.6)  # (2023 − 2020) / 5
    assert r["completion"] == pytest.approx(219 / 300)  # 0.73; ρ = 0.73 / 0.6 = 1.217 ≥ 1.10
    assert r["status"] == A.AHEAD
    assert r["required_pace"] == pytest.approx((300 - 219) / 2)  # 40.5 a year for 2024–2025
    assert r["required_pace_unit"] == "万人/年"
    assert r["projected_end"] == pytest.approx(219 + 219 / 3 * 2)  # mean 73 a year → 365
    assert r["escap_category"] == A.ESCAP_ON_TRACK
    assert (r["latest_year"], r["latest_value"]) == (2023, 74)
    assert r["eurostat_category"] == A.NOT_APPLICABLE and math.isnan(r["cagr_actual"])
    assert "合成测试数据" in r["sources"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([60, 60], A.IN_LINE),  # 120 / 300 = 0.40; ρ = 0.40 / 0.40 = 1.00
        ([58, 58], A.IN_LINE),  # 116 / 300 = 0.3867; ρ = 0.9667 ≥ 0.95 (基本达到)
        ([50, 50], A.BEHIND),  # 100 / 300 = 0.3333; ρ = 0.8333
        ([150, 151], A.EARLY),  # 301 ≥ 300 already in 2022, before the plan ends
    ],
)
def test_cumulative_status_bands(plan, values, expected):
    rows = [row("jobs", 2021, values[0]), row("jobs", 2022, values[1])]
    assert one(run(plan, rows, 2022), "jobs")["status"] == expected


def test_binding_targets_get_no_tolerance_band(plan):
    rows = [row("jobs_binding", 2021, 58), row("jobs_binding", 2022, 58)]  # ρ = 0.9667 as above
    r = one(run(plan, rows, 2022), "jobs_binding")
    assert r["status"] == A.BEHIND and r["constraint_behind"]
    assert "约束性" in r["note"]


def test_final_year_not_done_vs_done(plan):
    short = [row("jobs", y, 59) for y in range(2021, 2026)]  # 295 < 300
    full = [row("jobs", y, 60) for y in range(2021, 2026)]  # 300 ≥ 300
    assert one(run(plan, short, 2025), "jobs")["status"] == A.NOT_DONE
    done = one(run(plan, full, 2025), "jobs")
    assert done["status"] == A.DONE and done["completion"] == pytest.approx(1.0)
    assert math.isnan(done["required_pace"])


def test_missing_year_makes_the_sum_incomplete_and_names_the_year(plan):
    rows = [row("jobs", 2021, 75), row("jobs", 2023, 74)]
    r = one(run(plan, rows, 2023), "jobs")
    assert r["status"] == A.INCOMPLETE and math.isnan(r["cumulative"])
    assert "2022" in r["note"]


def test_published_cumulative_bridges_a_gap(plan):
    rows = [row("jobs", 2021, 75), row("jobs", 2023, 74),
            row("jobs", None, 220, period_type="as_of", start="2021-01-01", end="2023-11-30",
                label="2021—2023年累计(截至2023-11-30)")]  # fmt: skip
    r = one(run(plan, rows, 2023), "jobs")
    assert r["cumulative"] == 220 and r["completion"] == pytest.approx(220 / 300)
    assert "采用公布的累计数" in r["note"] and "2022" in r["note"]


def test_no_data_at_all(plan):
    r = one(run(plan, [], 2023), "jobs")
    assert r["status"] == A.MISSING and pd.isna(r["latest_year"])


def test_as_of_hides_later_years_and_partial_periods(plan):
    rows = [row("jobs", 2021, 75), row("jobs", 2022, 70), row("jobs", 2023, 74),
            row("jobs", 2024, 1000),
            row("jobs", 2024, 17.2, period_type="partial_year", start="2024-01-01", end="2024-03-31",
                label="2024年1—3月")]  # fmt: skip
    r2023 = one(run(plan, rows, 2023), "jobs")
    assert r2023["cumulative"] == pytest.approx(219) and pd.isna(r2023["partial_note"])
    rows_2024 = [r for r in rows if not (r["year"] == 2024 and r["period_type"] == "full_year")]
    r2024 = one(run(plan, rows_2024, 2024), "jobs")
    assert r2024["partial_note"] == "2024年1—3月 17.2万人"
    assert r2024["status"] == A.INCOMPLETE  # the partial value is never used as 2024's value
    assert "2024" in r2024["note"]


def test_range_target_counts_from_lower_end(plan):
    rows = [row("parks", 2021, 1), row("parks", 2022, 1), row("parks", 2023, 1)]
    r = one(run(plan, rows, 2023), "parks")
    assert r["cumulative"] == 3 and r["status"] == A.EARLY and r["completion"] == pytest.approx(1.0)
    assert r["achieved_year"] == 2023  # 1 + 1 + 1 reaches the lower end 3 in 2023


# ---------------------------------------------------------------- levels (end-of-period targets)


def test_level_in_line_with_eurostat_and_escap(plan):
    r = one(run(plan, [row("level", 2022, 108)], 2022), "level")
    assert r["completion"] == pytest.approx((108 - 100) / (120 - 100))  # 0.4 = time progress → ρ = 1
    assert r["status"] == A.IN_LINE
    a = 1.08 ** (1 / 2) - 1  # 0.039230
    req = 1.2 ** (1 / 5) - 1  # 0.037137
    assert r["cagr_actual"] == pytest.approx(a) and r["cagr_required"] == pytest.approx(req)
    assert r["eurostat_ratio"] == pytest.approx(a / req)  # 1.0564 ≥ 0.95
    assert r["eurostat_category"] == A.EUROSTAT_SIGNIFICANT
    assert r["projected_end"] == pytest.approx(108 * (1 + a) ** 3)  # 121.2
    assert r["escap_category"] == A.ESCAP_ON_TRACK
    assert r["required_pace"] == pytest.approx(((120 / 108) ** (1 / 3) - 1) * 100)  # 3.574 % a year


def test_level_uses_time_progress_of_latest_data_year(plan):
    r = one(run(plan, [row("level", 2022, 108)], 2024), "level")
    assert r["latest_year"] == 2022 and r["time_progress"] == pytest.approx(0.8)
    assert r["status"] == A.IN_LINE  # judged against 2022's 40 %, not 2024's 80 %
    assert "2022" in r["note"]


def test_binding_level_behind_is_flagged(plan):
    r = one(run(plan, [row("insured", 2022, 570)], 2022), "insured")
    assert r["completion"] == pytest.approx(22 / 62)  # 0.3548; ρ = 0.887
    assert r["status"] == A.BEHIND and r["constraint_behind"]


def test_lower_is_better(plan):
    r = one(run(plan, [row("lower", 2022, 9.2)], 2022), "lower")
    assert r["completion"] == pytest.approx((9.2 - 10) / (8 - 10))  # 0.4
    a, req = 0.92 ** 0.5 - 1, 0.8 ** 0.2 - 1  # −0.040834, −0.043648: both negative
    assert r["eurostat_ratio"] == pytest.approx(a / req)  # 0.9355 → moderate (60–95 %)
    assert r["eurostat_category"] == A.EUROSTAT_MODERATE
    worse = one(run(plan, [row("lower", 2022, 10.5)], 2022), "lower")
    assert worse["eurostat_ratio"] < 0 and worse["eurostat_category"] == A.EUROSTAT_AWAY
    assert worse["escap_category"] == A.ESCAP_REVERSE and worse["status"] == A.BEHIND


def test_already_met_level(plan):
    r = one(run(plan, [row("met_early", 2022, 503)], 2022), "met_early")
    assert r["status"] == A.EARLY and r["eurostat_category"] == A.EUROSTAT_MET and r["achieved_year"] == 2022
    assert r["completion"] == pytest.approx((503 - 387) / (450 - 387))  # 1.841


def test_baseline_equal_to_target(plan):
    met = one(run(plan, [row("equal", 2022, 5.0)], 2022), "equal")
    assert met["status"] == A.EARLY and met["completion"] == 1.0 and met["eurostat_category"] == A.EUROSTAT_MET
    assert met["cagr_required"] == 0
    missed = one(run(plan, [row("equal", 2022, 4.9)], 2022), "equal")
    assert missed["completion"] == 0.0 and missed["status"] == A.BEHIND
    assert missed["eurostat_category"] == A.NOT_APPLICABLE  # required growth 0: ratio undefined


def test_negative_baseline_uses_linear_change(plan):
    r = one(run(plan, [row("negative", 2022, 0.0)], 2022), "negative")
    assert r["completion"] == pytest.approx((0 - -2) / (2 - -2))  # 0.5
    # linear: actual (0 − (−2)) / 2 years / |−2| = 0.5; required 4 / 5 / 2 = 0.4 → ratio 1.25
    assert r["cagr_actual"] == pytest.approx(0.5) and r["cagr_required"] == pytest.approx(0.4)
    assert r["eurostat_category"] == A.EUROSTAT_SIGNIFICANT and "线性" in r["note"]


def test_approximate_target(plan):
    assert one(run(plan, [row("about_ten", 2023, 9.5)], 2023), "about_ten")["status"] == A.EARLY  # ≥ 95 % of 10
    r = one(run(plan, [row("about_ten", 2023, 9.4)], 2023), "about_ten")
    # no baseline: completion is the share of the target, 0.94; ρ = 0.94 / 0.6 = 1.57
    assert r["status"] == A.AHEAD and r["completion"] == pytest.approx(0.94)


def test_no_data_binding_level(plan):
    r = one(run(plan, [], 2023), "nothing")
    assert r["status"] == A.MISSING and not r["constraint_behind"]


# ---------------------------------------------------------------- annual bounds, relative, qualitative


def test_annual_bound_counts_years(plan):
    rows = [row("rate", 2021, 5.2), row("rate", 2022, 5.4), row("rate", 2023, 5.6)]
    r2022 = one(run(plan, rows, 2022), "rate")
    assert (r2022["status"], r2022["years_met"], r2022["years_assessed"]) == (A.IN_LINE, 2, 2)
    r2023 = one(run(plan, rows, 2023), "rate")
    assert (r2023["status"], r2023["years_met"], r2023["years_assessed"]) == (A.BEHIND, 2, 3)
    assert "2023年未满足" in r2023["note"]
    # trend through 2020 5.7, 2021 5.2, 2022 5.4: slope −0.15, mean 5.4333 at 2021 → 2025: 4.8333
    assert r2022["projected_end"] == pytest.approx(5.4333333 - 0.15 * 4)


def test_annual_bound_trend_warning_while_compliant(plan):
    rows = [row("rate_nobase", 2021, 4.6), row("rate_nobase", 2022, 5.0), row("rate_nobase", 2023, 5.4)]
    r = one(run(plan, rows, 2023), "rate_nobase")
    assert (r["status"], r["years_met"]) == (A.IN_LINE, 3)  # every year below 5.5 …
    # … but the line through (2021 4.6, 2022 5.0, 2023 5.4) has slope 0.4: 5.0 + 0.4 × 3 = 6.2 in 2025
    assert r["projected_end"] == pytest.approx(6.2)
    assert r["escap_category"] == A.ESCAP_REVERSE and "2025年将不满足" in r["note"]


def test_relative_target(plan):
    rows = [row("productivity", 2021, 9.0), row("productivity", 2022, 2.0),
            row("gdp_growth", 2021, 8.3), row("gdp_growth", 2022, 2.6)]  # fmt: skip
    r = one(run(plan, rows, 2022), "productivity")
    assert (r["status"], r["years_met"], r["years_assessed"]) == (A.BEHIND, 1, 2)
    only_2021 = one(run(plan, rows, 2021), "productivity")
    assert only_2021["status"] == A.IN_LINE  # one year elapsed, one observed
    no_ref = one(run(plan, rows[:2], 2022), "productivity")
    assert no_ref["status"] == A.MISSING and "gdp_growth" in no_ref["note"]


def test_qualitative_steady_growth(plan):
    rows = [row("steady", 2021, 50.5), row("steady", 2022, 50.1)]
    r = one(run(plan, rows, 2022), "steady")
    # 2019 baseline 50.3 → 2021 50.5 (up, across the 2020 gap) → 2022 50.1 (down)
    assert (r["status"], r["years_met"], r["years_assessed"]) == (A.BEHIND, 1, 2)
    assert "2019→2021" in r["note"]
    up = one(run(plan, [row("steady", 2021, 50.5), row("steady", 2022, 50.6)], 2022), "steady")
    assert up["status"] == A.IN_LINE
    assert up["cagr_actual"] == pytest.approx((50.6 / 50.3) ** (1 / 3) - 1)


def test_zero_values_are_data_not_missing(plan):
    rows = [row("jobs", 2021, 0.0), row("jobs", 2022, 0.0)]
    r = one(run(plan, rows, 2022), "jobs")
    assert r["cumulative"] == 0 and r["completion"] == 0 and r["status"] == A.BEHIND


def test_every_target_gets_a_row_with_a_known_status(plan):
    result = run(plan, [], 2023)
    assert list(result["id"]) == list(plan.all_targets["id"])
    assert set(result["status"]) <= set(A.STATUSES)
    assert list(result.columns) == A.COLUMNS


def test_as_of_outside_plan_period_is_a_clear_error(plan):
    with pytest.raises(ValueError, match="不在规划期"):
        run(plan, [], 2026)


# ---------------------------------------------------------------- small functions


@pytest.mark.parametrize(
    ("growth", "lower", "expected"),
    [(1.5, False, A.EUROSTAT_SIGNIFICANT), (0.5, False, A.EUROSTAT_MODERATE), (-0.5, False, A.EUROSTAT_MODERATE_AWAY),
     (-1.5, False, A.EUROSTAT_AWAY), (-1.5, True, A.EUROSTAT_SIGNIFICANT), (0.5, True, A.EUROSTAT_MODERATE_AWAY)],
)  # fmt: skip
def test_eurostat_without_target(growth, lower, expected):
    assert A.eurostat_no_target_category(growth, load_settings(), lower_is_better=lower) == expected


def test_cagr_edge_cases():
    assert A.cagr(100, 121, 2) == pytest.approx(0.1)
    assert math.isnan(A.cagr(0, 5, 2)) and math.isnan(A.cagr(-1, 5, 2)) and math.isnan(A.cagr(1, 5, 0))


# ---------------------------------------------------------------- backtest on the real published figures


@pytest.fixture(scope="module")
def real():
    from planlib import load_observations

    return load_plan(), load_observations()


@pytest.mark.parametrize(
    ("as_of", "total", "status"),
    [
        (2021, 75.1, A.AHEAD),  # 75.1/300 = 0.2503; ρ = 0.2503/0.2 = 1.25
        (2022, 75.1 + 70.67, A.AHEAD),  # 145.77 → 0.4859/0.4 = 1.21
        (2023, 75.1 + 70.67 + 73.9, A.AHEAD),  # 219.67 → 0.7322/0.6 = 1.22
        (2024, 75.1 + 70.67 + 73.9 + 71.9, A.AHEAD),  # 291.57 → 0.9719/0.8 = 1.21
    ],
)
def test_backtest_urban_new_jobs(real, as_of, total, status):
    plan, obs = real
    r = one(assess(plan, obs, as_of=as_of), "urban_new_jobs")
    assert r["cumulative"] == pytest.approx(total)
    assert r["completion"] == pytest.approx(total / 300)
    assert r["status"] == status
    assert r["required_pace"] == pytest.approx((300 - total) / (2025 - as_of))
    if as_of == 2024:
        assert pd.isna(r["partial_note"])  # the 2025 Q1 figure is not visible before 2025


@pytest.mark.parametrize(
    ("as_of", "status", "met", "assessed"),
    [
        (2021, A.MISSING, 0, 0),  # only "2021 (Dec)" 5.2 published: not a full-year value
        (2022, A.INCOMPLETE, 1, 1),  # 5.4 < 5.5, but 1 observed year of 2 elapsed < ⌈0.6 × 2⌉ = 2
        (2023, A.IN_LINE, 2, 2),  # 5.4 < 5.5; 2 of 3 years ≥ ⌈1.8⌉ = 2
        (2024, A.IN_LINE, 3, 3),  # 5.3 < 5.5; 3 of 4 years ≥ ⌈2.4⌉ = 3
    ],
)
def test_backtest_surveyed_unemployment(real, as_of, status, met, assessed):
    plan, obs = real
    r = one(assess(plan, obs, as_of=as_of), "surveyed_unemployment_rate")
    assert (r["status"], r["years_met"], r["years_assessed"]) == (status, met, assessed)
    if as_of == 2021:
        assert r["partial_note"] == "2021年12月 5.2%"


def test_backtest_final_2025_sums_five_full_years(real):
    plan, obs = real
    r = one(assess(plan, obs, as_of=2025), "urban_new_jobs")
    # the 2025 统计公报 (round 3) gives 2025's full-year 72.88, so the five years are summed:
    # 75.1 + 70.67 + 73.9 + 71.9 + 72.88 = 364.45 (the published "as of 2025-10-10" 348 is no longer needed)
    assert r["cumulative"] == pytest.approx(364.45) and r["status"] == A.DONE
    assert r["completion"] == pytest.approx(364.45 / 300) and not isinstance(r["note"], str)
    assert r["partial_note"] == "2025年1—3月 17.2†万人"  # Q1 2025 (low confidence) stays labelled, never summed


def test_sources_keep_titles_with_semicolons_whole(plan):
    rows = [row("jobs", 2021, 75), row("jobs", 2022, 70)]
    rows[0]["source_title"] = "2021年统计公报(市统计局,2022-03-18;镜像转载)"  # real titles contain ";"
    r = one(run(plan, rows, 2022), "jobs")
    assert r["sources"].split(A.SOURCE_SEPARATOR) == [
        "2021年统计公报(市统计局,2022-03-18;镜像转载) <https://example.org/synthetic>",
        "合成测试数据(SYNTHETIC,非真实数据) <https://example.org/synthetic>",
    ]
