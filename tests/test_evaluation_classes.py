"""The evaluation classes and their sentences, as Chinese plan evaluations write them (SYNTHETIC data; the
plan is tests/fixtures/synthetic_assess_plan.yaml, every expected number computed by hand in a comment)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planlib.indicators import assessment as A
from planlib.indicators.assessment import assess
from planlib.inputs.plan import load_plan
from planlib.presentation import narrative as N
from tests.synthetic import frame, row

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def plan():
    return load_plan(FIXTURES / "synthetic_assess_plan.yaml")


def one(plan, rows, as_of, tid):
    return assess(plan, frame(rows), as_of=as_of).set_index("id").loc[tid].to_dict() | {"id": tid}


# ---------------------------------------------------------------- classes per target kind


def test_cumulative_met_early_names_the_year(plan):
    rows = [row("jobs", 2021, 100), row("jobs", 2022, 120), row("jobs", 2023, 90)]
    r = one(plan, rows, 2023, "jobs")  # 100 + 120 = 220 < 300; + 90 = 310 ≥ 300 in 2023
    assert (r["status"], r["achieved_year"], r["basis_years"]) == (A.EARLY, 2023, "2021—2023年")
    assert N.status_text(r) == "提前完成（2023年）"
    assert N.cumulative_sentence(r, 2023, 2021, "全市") == (
        "2023年全市新增就业90万人；2021—2023年累计310万人，完成五年目标（300万人）的103.3%，序时进度为60.0%，"
        "提前完成（2023年）。")


def test_cumulative_behind_says_the_outlook_and_the_gap(plan):
    rows = [row("jobs", 2021, 40), row("jobs", 2022, 40), row("jobs", 2023, 40)]
    r = one(plan, rows, 2023, "jobs")  # 120 / 300 = 0.4; ρ = 0.4 / 0.6 = 0.667; 120 + 40 × 2 = 200 < 300
    assert (r["status"], r["outlook"]) == (A.BEHIND, A.BEHIND_OUTLOOK)
    assert N.cumulative_sentence(r, 2023, 2021) == (
        "2023年新增就业40万人；2021—2023年累计120万人，完成五年目标（300万人）的40.0%，序时进度为60.0%，"
        "未达序时进度（完成难度较大），距目标差180万人。")


def test_final_evaluation_says_done_or_not_done_with_the_gap(plan):
    short = [row("jobs", y, 59) for y in range(2021, 2026)]  # 295 < 300: 5 short
    r = one(plan, short, 2025, "jobs")
    assert r["status"] == A.NOT_DONE and N.shortfall_text(r) == "距目标差5万人"
    full = [row("jobs", y, 61) for y in range(2021, 2026)]  # 305 ≥ 300, reached in 2025
    done = one(plan, full, 2025, "jobs")
    assert (done["status"], done["achieved_year"]) == (A.DONE, 2025) and N.status_text(done) == "已完成"


def test_every_year_bound_thin_data_in_a_final_evaluation(plan):
    one_year = one(plan, [row("rate", 2021, 5.2)], 2025, "rate")  # 1 of 5 years < ⌈0.6 × 5⌉ = 3
    assert (one_year["status"], one_year["basis_years"]) == (A.INCOMPLETE, "2021年")
    assert one_year["note"] == "仅有2021年数据，不足以判断"
    assert N.yearly_sentence(one_year) == "失业率仅有2021年数据（2021年为5.2%），数据不足，无法判断。"
    four = one(plan, [row("rate", y, 5.2) for y in (2021, 2022, 2023, 2025)], 2025, "rate")  # 4 of 5 ≥ 3
    assert (four["status"], four["basis_years"], four["note"]) == (A.DONE, "2021—2023、2025年", "2024年数据暂缺")
    assert N.yearly_sentence(four) == ("失业率2021—2023、2025年均满足“<5.5%（每年）”的要求（2024年数据暂缺），"
                                       "最新2025年为5.2%，已完成。")


def test_every_year_bound_failed_year_is_conclusive_and_quantified(plan):
    r = one(plan, [row("rate", 2021, 5.2), row("rate", 2022, 5.9)], 2025, "rate")  # 2022: 5.9 > 5.5
    assert (r["status"], r["note"]) == (A.NOT_DONE, "2022年未满足；2023—2025年数据暂缺")
    assert N.yearly_sentence(r) == ("失业率2022年未满足“<5.5%（每年）”的要求，最新2022年为5.9%，超出目标0.4个百分点，"
                                    "未完成。")


def test_growth_cannot_be_judged_from_one_point(plan):
    r = one(plan, [row("steady", 2023, 50.9)], 2025, "steady")  # 2019 base → 2023: one observed plan year
    assert r["status"] == A.INCOMPLETE and r["note"] == "仅有2023年数据，不足以判断"


def test_test_values_are_shown_never_judged_or_counted(plan):
    rows = [row("level", 2022, 125) | {"confidence": "test"}]  # would meet 120 if it were judged
    r = one(plan, rows, 2022, "level")
    assert r["status"] == A.MISSING and pd.isna(r["latest_value"])
    assert r["value_notes"] == ("水平（2022年）：测试值125‡万人，不作为评估依据",)
    assert "合成测试数据" in r["sources"]


def test_a_level_below_its_baseline_is_a_fall_not_a_negative_rate(plan):
    r = one(plan, [row("insured", 2025, 500)], 2025, "insured")  # base 548 (2020), target ≥ 610
    assert r["completion"] == pytest.approx((500 - 548) / (610 - 548))  # −0.774: never printed
    assert N.progress_text(r) == "比基期（2020年）减少48万人"
    assert N.level_sentence(r) == "参保人数2025年为500万人，比基期（2020年）减少48万人，目标≥610万人，未完成，距目标差110万人。"


def test_a_basis_change_leaves_a_level_unjudged():
    from planlib import load_observations

    real = assess(load_plan(), load_observations(), as_of=2025).set_index("id")
    skilled = real.loc["skilled_workers_total"]  # 503 in 2022 ≥ 450, but on a wider 口径 than 2020's 387
    assert skilled["status"] == A.INCOMPLETE and pd.isna(skilled["completion"])
    assert skilled["note"] == "2022年数据疑似扩大统计口径，与2020年基数不可比，不作判断"


# ---------------------------------------------------------------- the counts sentence and the 约束性 paragraph


def _assessment(plan):
    rows = [row("jobs", y, 70) for y in (2021, 2022, 2023)]  # 210 / 300 = 0.7; ρ = 1.17 → 超额
    rows += [row("rate", y, 5.2) for y in (2021, 2022, 2023)]  # every year < 5.5 → 如期
    rows += [row("insured", 2023, 560)]  # (560 − 548) / 62 = 0.194; ρ = 0.194 / 0.6 = 0.32 → 未达
    rows += [row("met_early", 2022, 460)]  # > 450 in 2022 → 提前完成（2022年）
    rows += [row("steady", 2023, 50.9)]  # 1 observed year of 3 < 2 → 数据不足
    return assess(plan, frame(rows), as_of=2023)


def test_the_counts_sentence_names_the_indicators_of_each_class(plan):
    assert N.status_counts_sentence(_assessment(plan)) == (
        "13项主要指标中，提前完成1项（提前完成），达到序时进度、预计可超额完成1项（新增就业），"
        "达到或基本达到序时进度、预计可如期完成1项（失业率），未达序时进度1项（参保人数）；"
        "另有数据不足、无法判断1项（稳步增长），数据暂缺8项（新增就业(约束性)、失业率(无基数)、水平、越低越好、"
        "基数等于目标、由负转正、劳动生产率增长、无数据）。")  # 13 = 1 + 1 + 1 + 1 + 1 + 8


def test_the_binding_paragraph_gives_each_class_and_gap(plan):
    assert N.binding_sentence(_assessment(plan)) == (
        "3项约束性指标中，新增就业(约束性)尚未收集到数据，暂无法评估；参保人数未达序时进度（完成难度较大），"
        "2023年为560万人，距目标差50万人；无数据尚未收集到数据，暂无法评估。参保人数未达到约束性要求，需重点关注。")
