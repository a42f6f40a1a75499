"""Tidy observations from the real raw files: values, periods, units, provenance, the choice rule."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from planlib.errors import DataError
from planlib.inputs import observations
from planlib.inputs.observations import (
    CHOICE_RULE,
    CONFIDENCE_RANK,
    TIDY_COLUMNS,
    LoadReport,
    annual_values,
    choose_preferred,
    find_conflicts,
    load_observations,
    load_series_map,
    read_raw_file,
    revision_word,
    value_marks,
)


@pytest.fixture(scope="module")
def obs():
    return load_observations()


def _one(obs, **conditions):
    sel = obs
    for col, value in conditions.items():
        sel = sel[sel[col] == value]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_columns_and_provenance_on_every_row(obs):
    assert list(obs.columns) == TIDY_COLUMNS
    assert obs["source_title"].str.len().gt(0).all()
    has_url = obs["source_url"].str.startswith("http")
    # one district row says explicitly that its source has no known address
    assert (~has_url).sum() == 1 and set(obs.loc[~has_url, "source_url"]) == {"(no URL known)"}
    assert set(obs["confidence"]) == {"high", "medium", "low"}  # no test values in the real data


def test_urban_new_jobs_full_years(obs):
    values = annual_values(obs, "urban_new_jobs")
    # 2025: 72.88 from the 2025 统计公报 (data/raw/round3)
    assert values.to_dict() == {2020: 65.56, 2021: 75.1, 2022: 70.67, 2023: 73.9, 2024: 71.9, 2025: 72.88}
    # 2021–2025 by hand: 75.1 + 70.67 + 73.9 + 71.9 + 72.88 = 364.45
    assert values.loc[2021:2025].sum() == pytest.approx(364.45)


def test_partial_and_cumulative_periods_are_kept_but_not_annual(obs):
    q1 = _one(obs, indicator_id="urban_new_jobs", region="全市", period_type="partial_year")
    assert (q1["value"], q1["year"], q1["is_annual"]) == (17.2, 2025, False)
    assert (q1["period_start"], q1["period_end"]) == ("2025-01-01", "2025-03-31")
    span = _one(obs, indicator_id="urban_new_jobs", region="全市", period_type="multi_year")
    assert span["value"] == pytest.approx(362.3) and pd.isna(span["year"])
    assert (span["period_start"], span["period_end"]) == ("2016-01-01", "2020-12-31")
    as_of = _one(obs, indicator_id="urban_new_jobs", region="全市", period_type="as_of")
    assert as_of["value"] == 348 and as_of["period_end"] == "2025-10-10"


def test_unemployment_rate_december_is_not_the_2021_value(obs):
    values = annual_values(obs, "surveyed_unemployment_rate")
    assert 2021 not in values.index  # only "2021 (Dec)" = 5.2 was published
    assert values.to_dict() == {2020: 5.7, 2022: 5.4, 2023: 5.4, 2024: 5.3, 2025: 5.3}  # 2025: 2025 统计公报


def test_district_units_converted_to_series_unit(obs):
    yunyang = _one(obs, indicator_id="urban_new_jobs", region="云阳县", year=2020)
    assert yunyang["value"] == pytest.approx(1.5016)  # 15016 人 = 1.5016 万人
    assert (yunyang["published_value"], yunyang["published_unit"], yunyang["unit"]) == ("15016", "人", "万人")
    assert yunyang["region_code"] == "500235" and yunyang["region_kind"] == "district"


def test_census_population_for_all_38_districts(obs):
    census = obs[(obs["indicator_id"] == "resident_population") & (obs["period_type"] == "census_date")
                 & (obs["region_kind"] == "district") & obs["preferred"]]  # fmt: skip
    assert census["region"].nunique() == 38 and len(census) == 38
    # 38 区县 sum = 32,054,159 人 = 七普公报 total
    assert census["value"].sum() == pytest.approx(3205.4159)
    assert not census["is_annual"].any()


def test_conflicting_values_are_kept_and_the_rule_picks_confidence(obs):
    yuzhong = obs[(obs["indicator_id"] == "gdp") & (obs["region"] == "渝中区") & (obs["year"] == 2022)]
    assert sorted(yuzhong["value"]) == [1560.9, 1602.76]
    assert yuzhong["conflict"].all()
    chosen = yuzhong[yuzhong["preferred"]]
    assert list(chosen["value"]) == [1560.9]  # the district work report (high) beats the ranking site (low)


def test_cluster_totals_are_not_districts(obs):
    totals = obs[obs["region_kind"] == "cluster_total"]
    assert set(totals["region"]) >= {"主城都市区", "渝东北三峡库区城镇群"}
    assert totals["region_code"].isna().all()


def test_choose_preferred_uses_recency_after_confidence():
    # (changed with issue 10: the middle title used to say “修订公报”, which now wins by revision wording
    # before confidence is looked at — see test_revision_wording_wins_before_confidence)
    frame = pd.DataFrame({
        "indicator_id": ["x"] * 3, "region": ["全市"] * 3, "period_type": ["full_year"] * 3,
        "period_start": ["2022-01-01"] * 3, "period_end": ["2022-12-31"] * 3,
        "value": [1.0, 2.0, 3.0], "confidence": ["medium", "medium", "low"],
        "source_title": ["公报(2022-03-01)", "年鉴(2023-05-20)", "网站(2024-01-01)"], "note": ["", "", ""],
    })  # fmt: skip
    out = choose_preferred(frame)
    assert list(out["preferred"]) == [False, True, False]
    assert out["conflict"].all() and not out["superseded"].any()
    assert list(out["published_guess"]) == ["2022-03-01", "2023-05-20", "2024-01-01"]


def test_unknown_and_ignored_names_are_reported(repo_copy):
    extra = repo_copy / "data" / "raw" / "extra_observations.csv"
    extra.write_text(
        "indicator,year,value,unit,source_title,source_url,confidence\n"
        "城镇新增就业岗位数,2023,50,万个,某网站,https://example.org/a,low\n",
        encoding="utf-8",
    )
    obs, report = load_observations(with_report=True)
    assert "城镇新增就业岗位数" in report.unknown_names
    assert report.unknown_names["城镇新增就业岗位数"] == ["data/raw/extra_observations.csv:2"]
    assert "常住人口城镇化率(七普,推算)" in report.ignored_names
    assert "城镇新增就业人员" in report.unused_names  # an alias no current file uses
    assert "城镇新增就业岗位数" not in set(obs["published_name"])
    assert any("城镇新增就业岗位数" in line for line in report.lines())


# ------------------------------------------------------------------ the choice rule (issue 10)

CELL = {"indicator_id": "urban_new_jobs", "region": "全市", "period_type": "full_year", "period_start": "2022-01-01",
        "period_end": "2022-12-31", "period_label": "2022年", "unit": "万人", "bound": None, "approx": False,
        "value_low": None, "value_high": None, "note": "", "published_name": "城镇新增就业", "includes": ""}  # fmt: skip


def _cell(*rows: dict) -> pd.DataFrame:
    """Rows of one cell (城镇新增就业, 全市, 2022): each dict gives value, title, confidence and more."""
    return pd.DataFrame([{**CELL, "source_file": "t.csv", "source_line": i + 2, "published": None, **r}
                         for i, r in enumerate(rows)])  # fmt: skip


def test_choice_rule_text_comes_from_the_settings():
    assert CHOICE_RULE == (
        "同一指标、地区、时期有多个数值时全部保留;标记 preferred 的一条按以下顺序选出:"
        "① 来源标题、说明或指标名称写明修订(如“修订”“第五次全国经济普查”“最终核实”)者优先;"
        "② published 列写明的发布日期较晚者优先(写明日期的优先于未写的);"
        "③ 可信度较高者优先(high > medium > low > test);"
        "④ 来源标题或说明中识别出的最晚日期较晚者优先;"
        "⑤ 文件中的先后顺序(在前者优先)。"
        "数值不同、且选用的数值不是凭 ① 或 ② 胜出的组标记 conflict(来源之间有分歧);"
        "凭 ① 或 ② 被取代的旧数值标记 superseded(同一数字的不同版本,不算冲突)。"
        "测试值(confidence 为 test)在这些规则之前排在最后,从不取代其他数值;"
        "同一数字精度不同(742 与 742.01)不算不同数值;"
        "同一区县口径不同(含或不含特殊功能区)的数值标为冲突,不算新旧版本。"
    )
    assert CONFIDENCE_RANK == {"high": 3, "medium": 2, "low": 1, "test": 0}


@pytest.mark.parametrize(
    ("first", "second", "winner", "conflict", "reason"),
    [
        # ① revision wording beats a higher confidence and a later date
        ({"source_title": "快报(2024-01-05)", "confidence": "high"},
         {"source_title": "年鉴(最终核实数)", "confidence": "low"}, 1, False,
         "选用的来源写明修订(“最终核实”),另一来源没有"),
        # ② an explicit later published date beats a higher confidence
        ({"source_title": "快报", "confidence": "high", "published": "2023-01-20"},
         {"source_title": "年鉴", "confidence": "medium", "published": "2023-09-30"}, 1, False,
         "选用的来源发布日期(2023-09-30)晚于另一来源(2023-01-20)"),
        ({"source_title": "快报", "confidence": "high"},
         {"source_title": "年鉴", "confidence": "low", "published": "2023-09-30"}, 1, False,
         "选用的来源写明发布日期(2023-09-30),另一来源没有"),
        # ③ confidence
        ({"source_title": "网站", "confidence": "low"}, {"source_title": "公报", "confidence": "high"}, 1, True,
         "选用的来源可信度较高(可信度高,另一来源低)"),
        ({"source_title": "测试", "confidence": "test"}, {"source_title": "网站", "confidence": "low"}, 1, True,
         "另一条是测试值(非公布数据),测试值从不取代其他数值"),
        # ④ a date guessed from the title
        ({"source_title": "公报(2023-03-01)", "confidence": "medium"},
         {"source_title": "年鉴(2023年9月30日)", "confidence": "medium"}, 1, True,
         "两者可信度相同,选用的来源标题或说明中的日期(2023-09-30)晚于另一来源(2023-03-01)"),
        ({"source_title": "年鉴", "confidence": "medium"},
         {"source_title": "公报", "confidence": "medium", "note": "发布于 2023-03-01"}, 1, True,
         "两者可信度相同,选用的来源标题或说明中有日期(2023-03-01),另一来源没有"),
        # ⑤ file order
        ({"source_title": "甲", "confidence": "medium"}, {"source_title": "乙", "confidence": "medium"}, 0, True,
         "两者可信度相同、日期无从比较,按文件中的先后顺序取在前的一条"),
    ],
)  # fmt: skip
def test_each_step_of_the_choice_rule(first, second, winner, conflict, reason):
    out = choose_preferred(_cell({"value": 70.0, **first}, {"value": 71.0, **second}))
    loser = 1 - winner
    assert list(out["preferred"]) == [winner == 0, winner == 1]
    assert list(out["conflict"]) == [conflict, conflict]
    assert list(out["superseded"]) == [not conflict and loser == 0, not conflict and loser == 1]
    rows = out.to_dict("records")
    w, lo = rows[winner], rows[loser]
    label = {"high": "高", "medium": "中", "low": "低", "test": "测试值"}  # settings/choice.yaml's words, not keys
    shown_w = f"{w['value']:g} 万人(“{w['source_title']}”,t.csv 第 {w['source_line']} 行,可信度{label[w['confidence']]})"
    shown_l = f"{lo['value']:g} 万人(“{lo['source_title']}”,t.csv 第 {lo['source_line']} 行,可信度{label[lo['confidence']]})"
    # a report cites the source, never the file and line (those are for check and process)
    cited_w = f"{w['value']:g} 万人（“{w['source_title']}”，可信度{label[w['confidence']]}）"
    cited_l = f"{lo['value']:g} 万人（“{lo['source_title']}”，可信度{label[lo['confidence']]}）"
    assert w["choice"] == f"选用本值;同一指标、地区、时期另有 {cited_l},未选用,因为{reason}。"
    assert lo["choice"] == f"未选用本值;同一指标、地区、时期选用的是 {cited_w},因为{reason}。"
    [found] = find_conflicts(out)
    assert found.kind == ("conflict" if conflict else "revision")
    assert found.line() == (f"{'冲突' if conflict else '修订'}:城镇新增就业(urban_new_jobs)·全市·2022年:"
                            f"选用 {shown_w};未选用 {shown_l}——{reason}")  # fmt: skip


def test_revision_wording_wins_before_confidence():
    """The frame of the old recency test with its “修订公报”: the revised row wins on rule ①, no conflict."""
    frame = pd.DataFrame({
        "indicator_id": ["x"] * 3, "region": ["全市"] * 3, "period_type": ["full_year"] * 3,
        "period_start": ["2022-01-01"] * 3, "period_end": ["2022-12-31"] * 3,
        "value": [1.0, 2.0, 3.0], "confidence": ["high", "medium", "low"],
        "source_title": ["公报(2022-03-01)", "修订公报(2023-05-20)", "网站(2024-01-01)"], "note": ["", "", ""],
    })  # fmt: skip
    out = choose_preferred(frame)
    assert list(out["preferred"]) == [False, True, False]
    assert list(out["revised"]) == [False, True, False]
    assert not out["conflict"].any() and list(out["superseded"]) == [True, False, True]


def test_same_values_are_no_conflict_and_need_no_explanation():
    out = choose_preferred(_cell({"value": 70.67, "source_title": "甲", "confidence": "low"},
                                 {"value": 70.67, "source_title": "乙", "confidence": "high"}))  # fmt: skip
    assert list(out["preferred"]) == [False, True]
    assert not out["conflict"].any() and not out["superseded"].any() and list(out["choice"]) == ["", ""]
    assert find_conflicts(out) == []


def test_a_conflict_names_every_other_value_and_the_duplicates():
    out = choose_preferred(_cell({"value": 70.67, "source_title": "甲", "confidence": "high"},
                                 {"value": 70.67, "source_title": "乙", "confidence": "medium"},
                                 {"value": 99.99, "source_title": "丙", "confidence": "low"}))  # fmt: skip
    assert out.loc[0, "choice"] == ("选用本值;同一指标、地区、时期另有 99.99 万人（“丙”，可信度低）,未选用,"
                                    "因为选用的来源可信度较高(可信度高,另一来源低);另有 1 条来源给出相同数值。")  # fmt: skip
    assert out.loc[1, "choice"] == "" and out["conflict"].all()


@pytest.mark.parametrize(
    ("texts", "word"),
    [
        (("万州区2024年统计公报(第五次全国经济普查后修订2023年数)",), "第五次全国经济普查"),
        (("重庆统计年鉴2025", "2024年数为最终核实数"), "最终核实"),
        (("年鉴", "", "地区生产总值(GDP,修订值)"), "修订"),  # the published indicator name
        (("初步核算数;2023年及以后可能因第五次全国经济普查修订",), None),  # a revision still to come
        (("尚未修订的快报数",), None),
        (("2022年统计公报",), None),
    ],
)
def test_revision_wording(texts, word):
    assert revision_word(*texts) == word


# ------------------------------------------------------------------ the real data under the new rule


def test_real_data_choices_and_every_difference_is_reported(obs):
    """On data/raw: the 6 conflicts of issue 10 stay; round 3 adds 17 later vintages (revised or dated)."""
    _, report = load_observations(with_report=True)
    summary = {(c.indicator_id, c.region, c.period_label, c.kind, c.chosen.number,
                tuple(o.number for o, _, _ in c.others), tuple(rule for _, rule, _ in c.others))
               for c in report.conflicts}  # fmt: skip
    assert summary == {
        ("area", "万州区", "(无时间)", "conflict", 3456.38, (3457.0,), ("confidence",)),
        ("area", "奉节县", "(无时间)", "conflict", 4087.0, (4098.0,), ("published_guess",)),
        ("gdp", "渝中区", "2022年", "conflict", 1560.9, (1602.76,), ("confidence",)),
        # 742.01/742, 1144.17/1144.2, 813.466/813.47: one figure published with fewer decimals, not a conflict
        # the GDP series revised after the 5th economic census (重庆统计年鉴2025 表2-5/2-7) beats first releases
        ("gdp", "全市", "2020年", "revision", 25158.07, (25002.79,), ("revised",)),
        ("gdp", "全市", "2021年", "revision", 28092.54, (27894.02,), ("revised",)),
        ("gdp", "全市", "2022年", "revision", 28771.84, (29129.03,), ("revised",)),
        ("gdp", "全市", "2023年", "revision", 30614.28, (30145.79,), ("revised",)),
        ("gdp_real_growth", "全市", "2021年", "revision", 8.4, (8.3,), ("revised",)),
        ("gdp_real_growth", "全市", "2022年", "revision", 2.5, (2.6,), ("revised",)),
        ("gdp_real_growth", "全市", "2023年", "revision", 6.2, (6.1,), ("revised",)),
        # 2024: the final value (2025 bulletin, status final) beats the preliminary one printed twice
        ("gdp", "全市", "2024年(最终核实数)", "revision", 32046.73, (32193.15, 32193.15), ("revised", "revised")),
        ("gdp_real_growth", "全市", "2024年(最终核实数)", "revision", 5.6, (5.7, 5.7), ("revised", "revised")),
        # a dated yearbook value beats an undated one that differs even at its own precision (67.35 → 67.4)
        ("urban_employment_share", "全市", "2024年", "revision", 67.35, (67.3,), ("published",)),
        ("resident_population", "合川区", "2023年末", "revision", 122.06, (123.4,), ("published",)),
        # 綦江区 in the yearbooks includes 万盛经开区, the district's own figures do not: two scopes, shown
        ("resident_population", "綦江区", "2023年末", "conflict", 98.69, (101.0,), ("scope",)),
        ("gdp_real_growth", "綦江区", "2023年", "conflict", 6.4, (6.5,), ("scope",)),
    }
    # 4 + 4 revised GDP/growth rows of the yearbook (2020–2023) and the 2 final 2024 rows, less 2020 growth: 9
    assert obs["revised"].sum() == 9 and obs["superseded"].sum() == 13
    assert obs["published"].notna().sum() == 75 + 314  # every row of round 3 is dated, no other row
    assert set(obs.loc[obs["conflict"], "region"]) == {"万州区", "奉节县", "渝中区", "綦江区"}
    assert (obs["footnote"] == "").all()
    assert set(obs.loc[obs["includes"] != "", "region"]) == {"綦江区"}
    lines = report.lines()
    head = "同一指标、地区、时期有不同数值:16 组(来源有分歧 5 组,新版本取代旧版本 11 组),每组选用的数值及依据如下:"
    assert lines[-17:] == [head, *(c.line() for c in report.conflicts)]
    assert lines[-17 + 13] == (
        "冲突:地区生产总值实际增速(gdp_real_growth)·綦江区·2023年:选用 6.4%(含万盛经开区)(“重庆统计年鉴2024 表20-2 "
        "各区县生产总值(2023年,仅指数)”,data/raw/round3/district_observations.csv 第 207 行,可信度高);未选用 6.5%"
        "(“2023年重庆市綦江区国民经济和社会发展统计公报(转载,繁体)”,data/raw/district/observations.csv 第 153 行,"
        "可信度中)——选用的来源写明发布日期(2025-05-06),另一来源没有;两者口径不同(选用的一条含万盛经开区,另一条不含"
        "特殊功能区),不是同一数字的不同版本"
    )
    assert lines[-17 + 7] == (
        "修订:地区生产总值(gdp)·全市·2024年(最终核实数):选用 32046.73 亿元(“2025年重庆市国民经济和社会发展统计公报"
        "(市统计局、国家统计局重庆调查总队,2026-03-26)”,data/raw/round3/municipal_observations.csv 第 18 行,可信度高);"
        "未选用 32193.15 亿元(“重庆统计年鉴2025(市统计局、国家统计局重庆调查总队;中国统计出版社2025-11)”,"
        "data/raw/round3/municipal_observations.csv 第 68 行,可信度高)——选用的来源写明修订(“最终核实数”),另一来源没有;"
        "未选用 32193.15 亿元(“重庆日报2025-03-11第10版:关于重庆市2024年国民经济和社会发展计划执行情况及2025年计划草案的报告”,"
        "data/raw/chongqing_municipal_observations.csv 第 79 行,可信度高)——选用的来源写明修订(“最终核实数”),另一来源没有"
    )


def test_load_report_as_dict_is_json():
    _, report = load_observations(with_report=True)
    data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
    assert data["choice_rule"] == CHOICE_RULE and len(data["conflicts"]) == 16
    first = data["conflicts"][0]
    assert first["chosen"] == {"value": "3456.38 平方公里", "number": 3456.38,
                               "source_title": "维基百科:万州区(2021-02版本 infobox)",
                               "source_file": "data/raw/district/observations.csv", "source_line": 178,
                               "confidence": "medium", "published": None}  # fmt: skip
    assert first["others"][0]["rule"] == "confidence" and first["kind"] == "conflict"
    assert LoadReport().as_dict()["conflicts"] == [] and LoadReport().lines() == ["读取 0 个文件,共 0 行观测值。"]


# ------------------------------------------------------------------ shared cases through load_observations

# shared case conflicting_duplicate_observations.csv (test value 99.99)
DUPLICATE = ("indicator,year,value,unit,kind,source_title,source_url,confidence,note\n"
             "城镇新增就业,2022,99.99,万人,annual,2022年重庆市国民经济和社会发展统计公报,https://example.org/dup,high,"
             "conflicting duplicate\n")  # fmt: skip
# shared case census_revision_observations.csv (synthetic values)
REVISION = ("district,indicator,year,value,unit,period,source_title,source_url,confidence,note\n"
            "万州区,地区生产总值,2023,1100.0,亿元,annual,万州区2023年国民经济和社会发展统计公报(2024-03-20),"
            "https://example.gov.cn/wz/tjgb2023,high,preliminary figure (synthetic value for the test)\n"
            "万州区,地区生产总值,2023,1150.0,亿元,annual,万州区2024年国民经济和社会发展统计公报(第五次全国经济普查后修订2023年数),"
            "https://example.gov.cn/wz/tjgb2024,high,2023 revised after the fifth economic census (synthetic value for the test)\n")  # fmt: skip


def test_a_duplicate_is_reported_by_process_with_both_values(repo_copy):
    (repo_copy / "data" / "raw" / "dup_observations.csv").write_text(DUPLICATE, encoding="utf-8")
    obs, report = load_observations(with_report=True)
    cell = obs[(obs["indicator_id"] == "urban_new_jobs") & (obs["year"] == 2022) & (obs["region"] == "全市")]
    assert list(zip(cell["value"], cell["preferred"], cell["conflict"], strict=True)) == [
        (99.99, True, True), (70.67, False, True)]
    [dup] = [c for c in report.conflicts if c.indicator_id == "urban_new_jobs"]
    assert dup.line() == (
        "冲突:城镇新增就业(urban_new_jobs)·全市·2022年:选用 99.99 万人(“2022年重庆市国民经济和社会发展统计公报”,"
        "data/raw/dup_observations.csv 第 2 行,可信度高);未选用 70.67 万人(“2022年重庆市国民经济和社会发展统计公报"
        "(全文转载;官方页 cq.gov.cn/zwgk/zfxxgkml/sjfb_120853/tjgb/202303/t20230320_11785098.html)”,"
        "data/raw/chongqing_municipal_observations.csv 第 5 行,可信度中)——选用的来源可信度较高(可信度高,另一来源中)"
    )
    assert dup.line() in report.lines()
    assert cell.iloc[0]["choice"].startswith("选用本值;同一指标、地区、时期另有 70.67 万人（")
    assert cell.iloc[1]["choice"].startswith("未选用本值;同一指标、地区、时期选用的是 99.99 万人（")


def test_a_census_revision_wins_and_is_not_a_conflict(repo_copy):
    (repo_copy / "data" / "raw" / "rev_observations.csv").write_text(REVISION, encoding="utf-8")
    obs, report = load_observations(with_report=True)
    cell = obs[(obs["indicator_id"] == "gdp") & (obs["region"] == "万州区") & (obs["year"] == 2023)]
    got = sorted(zip(cell["value"], cell["preferred"], cell["superseded"], cell["revised"], strict=True))
    # data/raw holds 1179.4 from the 2024 政府工作报告 (medium): also superseded by the revised figure
    assert got == [(1100.0, False, True, False), (1150.0, True, False, True), (1179.4, False, True, False)]
    assert not cell["conflict"].any()
    [rev] = [c for c in report.conflicts if c.region == "万州区" and c.indicator_id == "gdp"]
    assert rev.kind == "revision" and {rule for _, rule, _ in rev.others} == {"revised"}
    chosen = cell[cell["preferred"]].iloc[0]
    assert chosen["choice"].endswith("因为选用的来源写明修订(“第五次全国经济普查”),另一来源没有。")


def test_footnotes_includes_and_marks_reach_the_tidy_frame(repo_copy):
    (repo_copy / "data" / "raw" / "misc_observations.csv").write_text(
        "district,indicator,year,value,unit,period,source_title,source_url,confidence,note\n"
        "綦江区(含万盛经开区),地区生产总值,2022,770.79,亿元,annual,测试来源(测试数据),https://example.org/q,test,\n"
        ",城镇新增就业,2019,75.78①,万人,annual,测试来源(测试数据),https://example.org/f,low,\n",
        encoding="utf-8")  # fmt: skip
    obs, report = load_observations(with_report=True)
    mine = obs[obs["source_file"] == "data/raw/misc_observations.csv"].set_index("source_line")
    assert (mine.loc[2, "region"], mine.loc[2, "includes"], mine.loc[2, "confidence"]) == ("綦江区", "万盛经开区", "test")
    assert (mine.loc[3, "value"], mine.loc[3, "footnote"], mine.loc[3, "published_value"]) == (75.78, "①", "75.78①")
    assert value_marks(mine.loc[2]) == [
        observations.Mark("‡", "‡ 测试值,非公布数据,不得作为评估依据。"), observations.Mark("", "含万盛经开区。")]
    assert value_marks(mine.loc[3]) == [
        observations.Mark("†", "† 低可信度来源(转载、聚合页等),仅供参考。"),
        observations.Mark("", "原文数值带脚注标记“①”,脚注内容见来源。")]
    assert value_marks({"confidence": "high", "footnote": "", "includes": ""}) == []
    assert "data/raw/misc_observations.csv 第 2 行:綦江区的数值含万盛经开区(includes 列)" in report.lines()


# ------------------------------------------------------------------ plausibility and dates


def test_every_series_states_a_measure_with_a_rule():
    smap = load_series_map()
    rules = {sid: smap.plausibility(sid) for sid in smap.series}
    assert {r.measure for r in rules.values()} == {"count", "stock", "amount", "level", "share", "rate", "growth"}
    assert (rules["urban_new_jobs"].low, rules["urban_new_jobs"].high) == (0, None)
    assert (rules["surveyed_unemployment_rate"].low, rules["surveyed_unemployment_rate"].high) == (0, 100)
    growth = rules["gdp_real_growth"]
    assert (growth.low, growth.high, growth.ref) == (-20, 30, "series.gdp_real_growth.range")
    assert growth.rule == "增速必须在本序列规定的 -20 到 30 之间"
    assert all(smap.unit(sid) == "%" for sid, r in rules.items() if r.measure in {"share", "rate", "growth"})


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("    measure: count\n", ""), "series.yaml,series.urban_new_jobs,字段“measure”:缺少 measure;"
                                      "应为:以下之一:count、stock、amount、level、share、rate、growth"),
        (("    measure: count\n", "    measure: counts\n"),
         "series.yaml,series.urban_new_jobs,字段“measure”:measure“counts”不在 measures 中;"
         "应为:以下之一:count、stock、amount、level、share、rate、growth"),
        (("    range: [-20, 30]\n", ""), "series.yaml,series.labour_productivity_growth,字段“range”:范围为 None;"
                                      "应为:[下限, 上限],两个数字,下限小于上限(增速序列必填)"),
        (("    range: [-20, 30]\n", "    range: [30, -20]\n"), "series.yaml,series.labour_productivity_growth,"
                                      "字段“range”:范围为 [30, -20];应为:[下限, 上限],两个数字,下限小于上限(增速序列必填)"),
    ],
)  # fmt: skip
def test_load_series_map_refuses_a_series_without_a_valid_measure(tmp_path, change, problem):
    text = observations.SERIES_FILE.read_text(encoding="utf-8")
    assert change[0] in text
    bad = tmp_path / "series.yaml"
    bad.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_series_map(bad)
    assert [str(p).replace(str(tmp_path) + "/", "") for p in info.value.problems] == [problem]


def test_a_share_series_must_be_in_percent(tmp_path):
    text = observations.SERIES_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "series.yaml"
    bad.write_text(text.replace('    unit: "%"\n    measure: share', "    unit: 万人\n    measure: share", 1),
                   encoding="utf-8")  # fmt: skip
    with pytest.raises(DataError) as info:
        load_series_map(bad)
    assert [str(p).replace(str(tmp_path) + "/", "") for p in info.value.problems] == [
        "series.yaml,series.urban_employment_share,字段“unit”:share 序列的单位是“万人”;应为:%"]


def test_today_is_injectable_and_refuses_periods_not_over(tmp_path):
    path = tmp_path / "t_observations.csv"
    path.write_text("indicator,year,value,unit,kind,source_title,source_url,confidence,published\n"
                    "城镇新增就业,2024,71.9,万人,annual,测试,https://example.org/t,test,2025-01-20\n",
                    encoding="utf-8")  # fmt: skip
    frame, _ = read_raw_file(path, today=dt.date(2025, 1, 20))
    assert list(frame["published"]) == ["2025-01-20"]
    with pytest.raises(DataError) as info:
        read_raw_file(path, today=dt.date(2024, 12, 30))
    assert [str(p) for p in info.value.problems] == [
        f"{path},第 2 行,字段“published”:发布日期 2025-01-20 晚于今天(2024-12-30),不可能已经发布;应为:已经过去的日期",
        f"{path},第 2 行,字段“year”:时期“2024”(2024年)到 2024-12-31 才结束,尚未结束的时期不可能已有公布的数值;"
        "应为:已经结束的时期(今天是 2024-12-30);规划目标和预测值不是观测值",
    ]


def test_the_real_data_would_be_refused_in_2022(monkeypatch):
    """Injecting an earlier today through load_observations: every later period is named, none loads."""
    with pytest.raises(DataError) as info:
        load_observations(today=dt.date(2022, 6, 30))
    assert info.value.problems and all(p.field in {"year", "published"} for p in info.value.problems)
    assert any(str(p).endswith("应为:已经结束的时期(今天是 2022-06-30);规划目标和预测值不是观测值")
               for p in info.value.problems)  # fmt: skip
    assert len(load_observations()) > 400  # the real today still loads everything
