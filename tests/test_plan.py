"""The plan as data: real 专栏1 values, the project targets, a second plan, and validation errors."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from planlib._paths import raw_dir
from planlib.errors import DataError
from planlib.inputs.plan import COLUMNS, available_plans, load_plan

FIXTURES = Path(__file__).parent / "fixtures"
HEADLINE_IDS = [
    "urban_new_jobs", "surveyed_unemployment_rate", "urban_employment_share", "graduate_placement_rate",
    "poverty_alleviated_migrant_workers", "labour_productivity_growth", "labour_remuneration_share",
    "pension_coverage_rate", "unemployment_insurance_enrolment", "work_injury_insurance_enrolment",
    "subsidised_vocational_training", "skilled_workers_total", "high_skilled_workers_total",
    "working_age_schooling_years",
]  # fmt: skip


@pytest.fixture(scope="module")
def plan():
    return load_plan()


def row(plan, target_id):
    return plan.target(target_id)


def test_fourteen_headline_indicators_in_table_order(plan):
    assert list(plan.indicators["id"]) == HEADLINE_IDS
    assert list(plan.indicators["number"]) == list(range(1, 15))
    assert set(COLUMNS[:11]) <= set(plan.indicators.columns)
    assert list(plan.targets.columns) == list(plan.indicators.columns)


@pytest.mark.parametrize(
    ("tid", "baseline", "baseline_year", "target", "comparator", "kind", "attribute", "unit"),
    [
        ("urban_new_jobs", 362, 2020, 300, ">=", "cumulative", "预期性", "万人"),
        ("surveyed_unemployment_rate", 5.7, 2020, 5.5, "<", "annual", "预期性", "%"),
        ("urban_employment_share", 65.64, 2020, 67, ">", "level", "预期性", "%"),
        ("graduate_placement_rate", 93.6, 2020, 90, ">", "annual", "预期性", "%"),
        ("poverty_alleviated_migrant_workers", 76.1, 2020, 70, ">", "annual", "预期性", "万人"),
        ("pension_coverage_rate", 95, 2020, 95, ">", "annual", "预期性", "%"),
        ("unemployment_insurance_enrolment", 548, 2020, 610, ">=", "level", "约束性", "万人"),
        ("work_injury_insurance_enrolment", 730, 2020, 750, ">=", "level", "约束性", "万人"),
        ("subsidised_vocational_training", 162.7, 2020, 150, ">=", "cumulative", "预期性", "万人次"),
        ("skilled_workers_total", 387, 2020, 450, ">", "level", "预期性", "万人"),
        ("high_skilled_workers_total", 104, 2020, 135, ">", "level", "预期性", "万人"),
        ("working_age_schooling_years", 10.86, 2020, 12, ">=", "level", "约束性", "年"),
    ],
)
def test_headline_values_as_printed(plan, tid, baseline, baseline_year, target, comparator, kind, attribute, unit):
    r = row(plan, tid)
    assert r["baseline"] == pytest.approx(baseline)
    assert r["baseline_year"] == baseline_year
    assert r["target"] == pytest.approx(target)
    assert r["target_year"] == 2025
    assert r["comparator"] == comparator
    assert r["kind"] == kind
    assert r["attribute"] == attribute
    assert r["unit"] == unit


def test_special_headline_rows(plan):
    remuneration = row(plan, "labour_remuneration_share")
    assert remuneration["baseline"] == pytest.approx(50.3) and remuneration["baseline_year"] == 2019  # * = 2019
    assert remuneration["comparator"] == "steady_growth" and math.isnan(remuneration["target"])
    productivity = row(plan, "labour_productivity_growth")
    assert productivity["comparator"] == "higher_than" and productivity["reference"] == "gdp_real_growth"
    assert productivity["kind"] == "relative" and productivity["baseline"] == pytest.approx(3.5)
    assert row(plan, "pension_coverage_rate")["baseline_comparator"] == ">"  # baseline printed as ">95"
    assert row(plan, "urban_new_jobs")["baseline_period"] == "2016-2020"
    # 专栏1 areas
    areas = plan.indicators.groupby("area", sort=False).size().to_dict()
    assert areas == {"就业创业": 7, "社会保障": 3, "技能人才队伍发展": 4}


def test_time_progress(plan):
    assert plan.time_progress(2022) == pytest.approx(0.4)
    assert plan.time_progress(2023) == pytest.approx(0.6)
    assert plan.time_progress(2025) == pytest.approx(1.0)


def test_project_targets_are_complete_and_quoted_verbatim(plan):
    targets = plan.targets
    assert len(targets) >= 60
    text = (raw_dir() / "plan" / "chongqing-employment-14th-fyp.txt").read_text(encoding="utf-8")
    for rec in targets.to_dict("records"):
        assert rec["text"] and rec["text"] in text, rec["id"]
    for rec in plan.indicators.to_dict("records"):
        first_cell = rec["source_text"].split(" | ")[0]
        assert first_cell in text, rec["id"]
    # every 专栏 with a number contributes; 专栏3 and 专栏13 contain no quantified target (listed in the YAML)
    sections = set(targets["section"])
    assert sections == {f"专栏{i}" for i in range(2, 13) if i != 3} | {"正文"}
    assert targets.groupby("section").size().to_dict() == {
        "正文": 6, "专栏2": 4, "专栏4": 8, "专栏5": 5, "专栏6": 6, "专栏7": 3, "专栏8": 15, "专栏9": 3, "专栏10": 5,
        "专栏11": 9, "专栏12": 3}


@pytest.mark.parametrize(
    ("tid", "target", "high", "unit", "comparator", "kind", "period"),
    [
        ("flexible_jobs_created", 250, None, "万个", ">=", "cumulative", "five_year_total"),
        ("municipal_incubation_bases", 120, None, "个", ">=", "level", "by_end"),
        ("municipal_job_fairs", 200, None, "场次", ">=", "annual", "per_year"),
        ("hr_services_revenue", 1500, None, "亿元", ">=", "level", "by_end"),
        ("village_employment_platform_coverage", 100, None, "%", ">=", "level", "by_end"),
        ("national_labour_brands", 3, 5, "个", "range", "cumulative", "five_year_total"),
        ("national_hr_industrial_parks", 1, 2, "家", "range", "cumulative", "five_year_total"),
        ("startup_projects_supported", 20, 30, "个", "range", "annual", "per_year"),
        ("municipal_hr_industrial_parks", 10, None, "家", "~", "level", "by_end"),
        ("registered_unemployed_reemployed", 75, None, "万人", ">=", "cumulative", "five_year_total"),
        ("hard_to_employ_helped", 40, None, "万人", ">=", "cumulative", "five_year_total"),
        ("poverty_alleviated_employment_floor", 76, None, "万人", ">=", "annual", "per_year"),
        ("employment_staff_trained", 1000, None, "人次", ">=", "annual", "per_year"),
    ],
)
def test_project_targets(plan, tid, target, high, unit, comparator, kind, period):
    r = plan.target(tid)
    assert r["target"] == target
    assert (r["target_high"] == high) if high is not None else math.isnan(r["target_high"])
    assert (r["unit"], r["comparator"], r["kind"], r["period"], r["group"]) == (unit, comparator, kind, period, "project")


def test_ids_unique_across_plan(plan):
    ids = plan.all_targets["id"]
    assert ids.is_unique


def test_second_plan_loads_without_code_change():
    second = load_plan(FIXTURES / "synthetic_second_plan.yaml")
    assert second.id == "synthetic-talent-15th"
    assert list(second.indicators["id"]) == ["talent_total", "new_talent", "talent_outflow_rate"]
    assert second.time_progress(2027) == pytest.approx(0.4)
    parks = second.target("talent_parks")
    assert (parks["target"], parks["target_high"], parks["comparator"]) == (2, 4, "range")


def test_available_plans_lists_the_shipped_plan():
    assert "cq-employment-14th" in available_plans()


# ------------------------------------------------------------------ validation errors


def _write_variant(tmp_path, mutate) -> Path:
    data = yaml.safe_load((FIXTURES / "synthetic_second_plan.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "bad_plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _set(path_parts, value):
    def mutate(data):
        node = data
        for part in path_parts[:-1]:
            node = node[part]
        node[path_parts[-1]] = value

    return mutate


def _delete(path_parts):
    def mutate(data):
        node = data
        for part in path_parts[:-1]:
            node = node[part]
        del node[path_parts[-1]]

    return mutate


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_delete(["indicators", 0, "unit"]), ["indicators[0] (id=talent_total)", "字段“unit”", "缺少必填字段"]),
        (_set(["indicators", 1, "comparator"], "≥≥"), ["indicators[1] (id=new_talent)", "字段“comparator”", "≥≥"]),
        (_set(["indicators", 2, "kind"], "cumulative"), ["indicators[2] (id=talent_outflow_rate)", "period"]),
        (_set(["indicators", 0, "target"], "七百"), ["(id=talent_total)", "字段“target”", "不是数字"]),
        (_set(["indicators", 0, "target_year"], 2035), ["talent_total", "2035", "规划期"]),
        (_set(["indicators", 1, "id"], "talent_total"), ["indicators[1] (id=talent_total)", "id 重复"]),
        (_set(["indicators", 0, "id"], "Talent-Total"), ["字段“id”", "格式不对"]),
        (_delete(["targets", 0, "target_high"]), ["targets[0] (id=talent_parks)", "target_high"]),
        (_set(["targets", 0, "colour"], "red"), ["字段“colour”", "未知字段"]),
        (_set(["indicators", 0, "attribute"], "指导性"), ["字段“attribute”", "指导性"]),
        (_delete(["plan", "period_end"]), ["plan", "字段“period_end”", "缺少必填字段"]),
        (_set(["indicators", 0, "comparator"], "higher_than"), ["talent_total", "reference"]),
        (_set(["indicators"], []), ["indicators", "列表为空"]),
    ],
)
def test_invalid_plan_names_file_entry_and_field(tmp_path, mutate, expected):
    path = _write_variant(tmp_path, mutate)
    with pytest.raises(DataError) as info:
        load_plan(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in expected:
        assert fragment in message, (fragment, message)


def test_yaml_syntax_error_names_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("plan:\n  id: x\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_plan(path)
    assert "YAML 语法错误" in str(info.value) and str(path) in str(info.value)


def test_missing_plan_file_lists_known_plans(tmp_path):
    with pytest.raises(DataError) as info:
        load_plan("no-such-plan")
    assert "cq-employment-14th" in str(info.value)


def test_second_plan_is_assessable_without_code_change():
    """The engine runs on another plan's YAML (other period, ids, sections) with SYNTHETIC observations."""
    from planlib.indicators.assessment import assess
    from tests.synthetic import frame, row

    second = load_plan(FIXTURES / "synthetic_second_plan.yaml")
    obs = frame([row("talent_total", 2027, 640), row("new_talent", 2026, 22), row("new_talent", 2027, 20),
                 row("talent_outflow_rate", 2026, 3.5), row("talent_outflow_rate", 2027, 2.9)])  # fmt: skip
    result = assess(second, obs, as_of=2027).set_index("id")
    assert result.loc["talent_total", "completion"] == pytest.approx((640 - 600) / (700 - 600))  # 0.4 = 序时进度
    assert result.loc["new_talent", "cumulative"] == 42 and result.loc["new_talent", "time_progress"] == 0.4
    assert (result.loc["talent_outflow_rate", "years_met"], result.loc["talent_outflow_rate", "years_assessed"]) == (1, 2)
    assert result.loc["talent_parks", "status"] == "数据暂缺"
