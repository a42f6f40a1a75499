"""Comparisons: previous year, national, clusters beside the city, change needed against the target.

The frames here are SYNTHETIC (made in this file, labelled synthetic in source_title), except where a test
says it reads the real annual-2024 report."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from planlib.indicators import comparisons as K

SYN = "合成数据（synthetic，仅用于测试）"


def _row(sid: str, region: str, year: int, value: float, unit: str = "万人", kind: str = "municipality",
         confidence: str = "high", annual: bool = True) -> dict:  # fmt: skip
    return {"indicator_id": sid, "region": region, "region_kind": kind, "year": year, "value": value, "unit": unit,
            "is_annual": annual, "preferred": True, "source_title": SYN, "source_url": "https://example.org/synthetic",
            "confidence": confidence, "footnote": None, "includes": None, "period_end": f"{year}-12-31"}


@pytest.fixture
def obs() -> pd.DataFrame:
    return pd.DataFrame([
        _row("jobs", "全市", 2022, 70.0), _row("jobs", "全市", 2023, 73.9), _row("jobs", "全市", 2024, 71.9),
        _row("rate", "全市", 2023, 5.4, "%"), _row("rate", "全市", 2024, 5.3, "%", confidence="low"),
        _row("rate", "全国", 2024, 5.1, "%", kind="national"), _row("rate", "全国", 2025, 5.0, "%", kind="national"),
        _row("jobs", "全国", 2024, 1256.0, kind="national"),
        _row("pop", "全市", 2024, 3190.47), _row("pop", "主城都市区", 2024, 2183.24, kind="cluster_total"),
        _row("share", "全市", 2024, 72.14, "%"), _row("share", "渝东南武陵山区城镇群", 2024, 52.96, "%", kind="cluster_total"),
        _row("share", "渝西地区", 2023, 66.0, "%", kind="cluster_total"),
        _row("jobs", "全市", 2025, 30.0, annual=False),  # a partial year: never compared
    ])  # fmt: skip


def test_previous_year_change_in_the_series_unit(obs):
    found = K.previous_year_change(obs, "jobs", 2024)
    assert (found["value"], found["previous"], round(found["change"], 6)) == (71.9, 73.9, -2.0)
    assert K.previous_year_change(obs, "jobs", 2022) is None  # no 2021 value
    assert K.previous_year_change(obs, "jobs", 2025) is None  # 2025 is partial only


def test_year_on_year_takes_the_latest_year_up_to_as_of_and_carries_marks(obs):
    frame = K.year_on_year(obs, ["jobs", "rate", "missing"], 2024)
    assert frame["indicator_id"].tolist() == ["jobs", "rate"]
    assert [round(c, 6) for c in frame["change"]] == [-2.0, -0.1]
    assert frame["marks"].tolist() == ["", "†"]
    assert K.year_on_year(obs, ["jobs"], 2023)["change"].round(6).tolist() == [3.9]


def test_vs_national_needs_both_values_in_the_same_unit_and_year(obs):
    frame = K.vs_national(obs, ["jobs", "rate"], 2024)
    assert frame[["indicator_id", "year", "city", "national"]].values.tolist() == [
        ["jobs", 2024, 71.9, 1256.0], ["rate", 2024, 5.3, 5.1]]
    assert round(frame["difference"].iloc[1], 6) == 0.2  # percentage points
    assert K.vs_national(obs[obs["region"] != "全国"], ["rate"], 2024).empty


def test_clusters_beside_the_city(obs):
    frame = K.clusters_vs_city(obs, 2024)
    assert frame["region"].tolist() == ["主城都市区", "渝东南武陵山区城镇群"]
    assert round(frame["share"].iloc[0], 4) == round(2183.24 / 3190.47, 4) == 0.6843
    assert math.isnan(frame["share"].iloc[1]) and round(frame["difference"].iloc[1], 2) == -19.18
    assert K.clusters_vs_city(obs, 2022).empty


def _assessment(rows: list[dict]) -> pd.DataFrame:
    base = {"group": "headline", "required_pace": float("nan")}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_required_change_only_for_moves_against_the_target():
    obs = pd.DataFrame([_row("level_up", "全市", 2022, 60.0, "%"), _row("level_up", "全市", 2023, 58.0, "%"),
                        _row("ceiling", "全市", 2023, 5.2, "%"), _row("ceiling", "全市", 2024, 5.6, "%"),
                        _row("good", "全市", 2023, 1.0), _row("good", "全市", 2024, 2.0)])  # fmt: skip
    a = _assessment([
        {"id": "level_up", "name": "甲", "unit": "%", "kind": "level", "comparator": ">=", "target": 67.0},
        {"id": "ceiling", "name": "乙", "unit": "%", "kind": "annual", "comparator": "<", "target": 5.5},
        {"id": "good", "name": "丙", "unit": "万人", "kind": "level", "comparator": ">=", "target": 5.0},
    ])  # fmt: skip
    frame = K.required_change(a, obs, as_of=2024, period_end=2025)
    assert frame["id"].tolist() == ["level_up", "ceiling"]
    up, ceiling = frame.to_dict("records")
    # 58 in 2023, 67 by 2025: (67 − 58) / 2 = 4.5 points a year; it fell 2 points
    assert (up["year"], up["change"], up["remaining_years"], up["required_per_year"], up["margin"]) == (
        2023, -2.0, 2, 4.5, -9.0)
    # 5.6 against a ceiling of 5.5: over it by 0.1 (margin −0.1), rose 0.4
    assert (round(ceiling["change"], 6), round(ceiling["margin"], 6)) == (0.4, -0.1)
    assert math.isnan(ceiling["required_per_year"])


def test_a_five_year_total_moves_against_its_target_only_below_the_pace_it_still_needs():
    # a user test: 城镇新增就业 fell 73.9 → 71.9 in 2024 while 97.2% of the five-year total was done (8.43 a
    # year still needed): no move against the target. Below the pace still needed, it is one.
    obs = pd.DataFrame([_row("total", "全市", 2023, 73.9), _row("total", "全市", 2024, 71.9)])
    spec = {"id": "total", "name": "丁", "unit": "万人", "kind": "cumulative", "comparator": ">=", "target": 300.0}
    ahead = K.required_change(_assessment([{**spec, "required_pace": 8.43}]), obs, as_of=2024, period_end=2025)
    assert ahead.empty
    behind = K.required_change(_assessment([{**spec, "required_pace": 80.0}]), obs, as_of=2024, period_end=2025)
    assert behind[["id", "change", "required_per_year"]].round(6).values.tolist() == [["total", -2.0, 80.0]]


def test_report_sections_show_national_rows_only_when_they_exist():
    """The real annual-2024 report beside the real national figures (data/raw/national): a rate as the gap in
    percentage points, a total as its share of the national total (71.9 / 1256 = 5.72%); without 全国 rows no
    national table; and a plan of the whole country is never compared with itself."""
    import planlib.sections.report as R
    from planlib.sections import comparisons as S

    ctx = R.context(as_of=2024)
    rows = S.national_table(ctx).frame.values.tolist()
    assert ["城镇调查失业率（%）", "2024年", "5.3", "5.1", "比全国高0.2个百分点"] in rows
    assert ["城镇新增就业（万人）", "2024年", "71.9", "1,256", "占全国5.7%"] in rows
    assert S.national_table(ctx).frame.columns.tolist() == ["指标", "年份", "全市", "全国", "全市与全国比较"]
    own = replace(ctx, observations=ctx.observations[ctx.observations["region"] != "全国"])
    assert S.national_table(own) is None
    extra = pd.DataFrame([_row("surveyed_unemployment_rate", "全国", 2024, 5.1, "%", kind="national")])
    with_synthetic = replace(own, observations=pd.concat([own.observations, extra], ignore_index=True))
    table = S.national_table(with_synthetic)
    assert table.frame.values.tolist() == [["城镇调查失业率（%）", "2024年", "5.3", "5.1", "比全国高0.2个百分点"]]
    assert table.source == f"全国：{SYN}；全市：见文末“数据来源”"
    national = R.context(as_of=2024, plan="cn-employment-14th")
    assert S.national_table(national) is None
    previous = S.previous_year_table(ctx).frame
    assert previous.values.tolist()[:2] == [["城镇新增就业（万人）", "2024年", "71.9", "73.9", "减少2万人"],
                                            ["城镇调查失业率（%）", "2024年", "5.3", "5.4", "下降0.1个百分点"]]
    assert S.against_target_text(ctx) == []  # 城镇新增就业 fell but is far ahead of 序时进度 (8.43 a year needed)
    clusters = S.clusters_table(ctx).frame
    assert clusters.iloc[0].tolist() == ["地区生产总值（亿元）", "中心城区", "13,419.09", "32,046.73", "占全市41.9%"]
    # the yearbook's preliminary clusters (25,168.51 + 5,003.47 + 2,021.15 = 32,193.13) beside the revised city
    # total 32,046.73: the table says the versions differ (a user test found the shares summing to 100.4%)
    assert S.clusters_table(ctx).notes[-1].startswith("全市值取自2025年重庆市国民经济和社会发展统计公报")
    assert S.clusters_table(ctx).notes[-1].endswith("两者可能是不同版本（如初步核算数与最终核实数），各片区比重之和可能不等于100%。")
