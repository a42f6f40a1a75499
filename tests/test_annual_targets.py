"""Annual targets as data: the printed 年度目标 of the shipped plan, each year judged against them, and the
loader's refusals (file, entry, field) for a file that is not data a report can stand on."""

from __future__ import annotations

import math

import pytest

from planlib import load_observations
from planlib.errors import DataError
from planlib.indicators.annual_targets import annual_results
from planlib.inputs.annual_targets import load_annual_targets
from planlib.inputs.plan import load_plan


@pytest.fixture(scope="module")
def real():
    return load_plan(), load_observations()


def test_only_printed_targets_are_registered(real):
    plan, _ = real
    found = load_annual_targets(plan)
    assert [(t.year, t.target, t.comparator, t.value) for t in found.targets] == [
        (2021, "urban_new_jobs", ">=", 60), (2021, "surveyed_unemployment_rate", "<=", 5.5),
        (2021, "graduate_placement_rate", ">=", 90), (2021, "poverty_alleviated_migrant_workers", ">=", 76),
        (2023, "urban_new_jobs", ">=", 60), (2023, "surveyed_unemployment_rate", "<=", 5.5),
        (2023, "graduate_placement_rate", ">=", 90), (2024, "poverty_alleviated_migrant_workers", ">=", 75.11),
    ]  # the 2022 and 2024 城镇新增就业 targets are derived from a published share: not printed, not registered
    assert found.for_year(2022) == ([], [])


def test_2023_against_its_annual_targets(real):
    plan, obs = real
    r = annual_results(plan, obs, 2023).set_index("id")
    jobs = r.loc["urban_new_jobs"]  # 73.9 / 60 = 1.2317
    assert jobs["verdict"] == "完成年度目标任务的123.2%" and jobs["met"] is True
    assert jobs["annual_target"] == "全年城镇新增就业60万人以上（≥60万人）"
    assert jobs["source"] == ("重庆市人力资源和社会保障局：《重庆市人力资源和社会保障局2023年第二季度新闻发布会》"
                              "（2023年7月27日；中新网报道的转载）")
    rate = r.loc["surveyed_unemployment_rate"]  # 5.4 ≤ 5.5
    assert (rate["value"], rate["verdict"]) == (5.4, "控制在年度调控目标内")
    graduates = r.loc["graduate_placement_rate"]  # no 2023 full-year value in planlib's data
    assert graduates["verdict"] == "数据暂缺" and graduates["met"] is None and math.isnan(graduates["value"])
    assert graduates["wording"] == "市人力社保局负责人表述的工作目标（高校毕业生年底就业率），非政府工作报告指标"


def test_2024_quotes_the_official_statement_where_no_value_was_printed(real):
    plan, obs = real
    r = annual_results(plan, obs, 2024).set_index("id")
    jobs = r.loc["urban_new_jobs"]
    assert jobs["annual_target"] == "年度目标（来源未印出数值）" and jobs["value"] == 71.9
    assert jobs["verdict"] == "“2024年全市城镇新增就业71.9万人，完成年度目标任务的119%”"
    assert math.isnan(jobs["completion"])  # never recomputed against a derived target
    poverty = r.loc["poverty_alleviated_migrant_workers"]  # the year's task 75.11万, not the plan's > 70万
    assert poverty["annual_target"] == "全年任务75.11万人（≥75.11万人）"


def test_a_missed_floor_and_a_broken_ceiling_say_by_how_much(real, tmp_path):
    plan, obs = real
    path = tmp_path / "targets.yaml"
    path.write_text(
        "plan: cq-employment-14th\ntargets:\n"
        "  - {year: 2023, target: urban_new_jobs, comparator: '>=', value: 80, unit: 万人, text: 合成目标80万人,"
        "     source: {issuer: 合成测试, title: 合成, url: 'https://example.org/t'}}\n"
        "  - {year: 2023, target: surveyed_unemployment_rate, comparator: '<', value: 5.2, unit: '%', text: 合成上限,"
        "     source: {issuer: 合成测试, title: 合成, url: 'https://example.org/t'}}\n", encoding="utf-8")
    r = annual_results(plan, obs, 2023, targets=load_annual_targets(plan, path)).set_index("id")
    # 73.9 / 80 = 92.4 %, 6.1 short; 5.4 − 5.2 = 0.2 points above the ceiling
    assert r.loc["urban_new_jobs", "verdict"] == "完成年度目标任务的92.4%，未完成年度目标，差6.1万人"
    assert r.loc["surveyed_unemployment_rate", "verdict"] == "高于年度调控目标0.2个百分点"


BAD = "  - {year: %s, target: %s, comparator: '%s', value: %s, unit: %s, text: x, source: {issuer: a, title: b, url: c}}\n"


@pytest.mark.parametrize(("entry", "message"), [
    (BAD % (2019, "urban_new_jobs", ">=", 60, "万人"), "targets[0],字段“year”:2019 不在规划期 2021—2025 内"),
    (BAD % (2023, "no_such", ">=", 60, "万人"), "targets[0],字段“target”:规划中没有编号为“no_such”的指标或目标"),
    (BAD % (2023, "urban_new_jobs", ">=", 600000, "人"),
     "targets[0],字段“unit”:单位“人”与规划指标的单位“万人”不同;应为:换算为规划指标的单位后登记"),
])  # fmt: skip
def test_the_loader_names_file_entry_and_field(real, tmp_path, entry, message):
    plan, _ = real
    path = tmp_path / "t.yaml"
    path.write_text("plan: cq-employment-14th\ntargets:\n" + entry, encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_annual_targets(plan, path)
    assert str(info.value) == f"{path},{message}"


@pytest.mark.parametrize("value", [".nan", ".inf", "1e400"])
def test_not_a_finite_number_is_refused(real, tmp_path, value):
    plan, _ = real
    path = tmp_path / "t.yaml"
    path.write_text("plan: cq-employment-14th\ntargets:\n" + BAD % (2023, "urban_new_jobs", ">=", value, "万人"),
                    encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_annual_targets(plan, path)
    assert "字段“value”" in str(info.value) and "有限的数值" in str(info.value)


def test_a_file_of_another_plan_is_refused(real, tmp_path):
    plan, _ = real
    path = tmp_path / "t.yaml"
    path.write_text("plan: cn-employment-14th\ntargets: []\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_annual_targets(plan, path)
    assert str(info.value) == f"{path},字段“plan”:是规划“cn-employment-14th”的年度目标;应为:本规划的编号 cq-employment-14th"


def test_a_plan_without_annual_targets_has_none():
    plan = load_plan("cn-employment-14th")
    assert load_annual_targets(plan).targets == ()
