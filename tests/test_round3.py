"""The third research round in data/raw/round3: coverage, vintages, stand-ins, baselines and the 2024 grouping.

Every number here is a published figure read from data/raw (real data), checked by hand against the
research notes (data/raw/round3/NOTES.md) and the original files in data/raw/round3/original/.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from planlib.cli import main
from planlib.inputs import district_names
from planlib.inputs.observations import (
    annual_values,
    baseline_evidence,
    load_observations,
    load_series_map,
    raw_observation_files,
    stand_ins,
)
from planlib.inputs.plan import load_plan

REPO = Path(__file__).resolve().parents[1]
ROUND3 = REPO / "data" / "raw" / "round3"


@pytest.fixture(scope="module")
def obs():
    return load_observations()


def headline_cells(frame: pd.DataFrame) -> dict[int, set[str]]:
    """专栏1 full-year cells: for each year, the headline indicators with a preferred full-year 全市 value."""
    ids = set(load_plan().indicators["id"])
    sel = frame[frame["indicator_id"].isin(ids) & (frame["region"] == "全市") & frame["is_annual"] & frame["preferred"]]
    return {int(y): set(g["indicator_id"]) for y, g in sel.groupby("year")}


def test_headline_coverage_rises_from_15_to_20_and_2025_from_0_to_4(obs):
    before_files = [p for p in raw_observation_files() if "round3" not in p.parts]
    before = headline_cells(load_observations(before_files))
    after = headline_cells(obs)
    count = {year: {y: len(after_or_before.get(y, set())) for y in range(2021, 2026)}
             for year, after_or_before in (("before", before), ("after", after))}  # fmt: skip
    assert count["before"] == {2021: 3, 2022: 5, 2023: 2, 2024: 5, 2025: 0}
    assert count["after"] == {2021: 3, 2022: 6, 2023: 5, 2024: 6, 2025: 4}
    assert sum(count["before"][y] for y in range(2021, 2025)) == 15
    assert sum(count["after"][y] for y in range(2021, 2025)) == 20
    new = {(y, i) for y in after for i in after[y] - before.get(y, set()) if 2021 <= y <= 2025}
    assert new == {
        (2022, "unemployment_insurance_enrolment"), (2023, "unemployment_insurance_enrolment"),
        (2024, "unemployment_insurance_enrolment"), (2025, "unemployment_insurance_enrolment"),
        (2023, "urban_employment_share"), (2023, "labour_remuneration_share"),
        (2025, "urban_new_jobs"), (2025, "surveyed_unemployment_rate"), (2025, "work_injury_insurance_enrolment"),
    }  # fmt: skip


def test_new_headline_values(obs):
    assert annual_values(obs, "unemployment_insurance_enrolment").to_dict() == {
        2022: 614.24, 2023: 625.15, 2024: 646.79, 2025: 652.69}  # fmt: skip
    assert annual_values(obs, "work_injury_insurance_enrolment").to_dict() == {2025: 682.17}
    # 1108.83 / 1661.89 = 66.72 % (yearbook table 3-11, derived by the researcher, same method as the other years)
    assert annual_values(obs, "urban_employment_share").loc[2023] == 66.72
    assert round(1108.83 / 1661.89 * 100, 2) == 66.72


def test_labour_share_on_the_input_output_basis_is_labelled(obs):
    row = obs[(obs["indicator_id"] == "labour_remuneration_share") & (obs["year"] == 2023)].iloc[0]
    assert (row["value"], row["published_name"], row["confidence"]) == (51.01, "劳动报酬占比(投入产出表口径)", "medium")
    # 15616.17 亿 ÷ 30614.28 亿 = 51.01 %
    assert round(15616.17 / 30614.28 * 100, 2) == 51.01
    note = load_series_map().name_note("labour_remuneration_share", row["published_name"])
    assert note.startswith("投入产出表口径：2023年重庆市投入产出表中劳动者报酬合计除以增加值合计")


def test_the_stand_in_is_its_own_series_and_says_how_it_differs(obs):
    assert annual_values(obs, "pension_coverage_rate").empty  # the plan's 参保率 is still not published
    assert load_series_map().stand_in_for("pension_insured_persons") == "pension_coverage_rate"
    rows = stand_ins(obs[obs["region"] == "全市"], "pension_coverage_rate")  # not the national plan's 全国 rows
    assert set(rows["indicator_id"]) == {"pension_insured_persons"}
    annual = rows[rows["is_annual"] & rows["preferred"]].set_index("year")["value"].to_dict()
    # 2022: 1431.76 + 1140.32; 2023: 1475.36 + 1174.97; 2024: 1512.04 + 1154.65; 2025: 1558.31 + 1111.12
    assert annual == {2022: 2572.08, 2023: 2650.33, 2024: 2666.69, 2025: 2669.43}
    assert set(rows["stand_in_note"]) == {
        "规划指标是基本养老保险参保率（%），该比率未公布；这里是参保人数（万人），只能说明参保规模的变化，"
        "不能与参保率目标（95%）比较，也不能据此判断目标是否达成。"
    }
    assert stand_ins(obs, "urban_new_jobs").empty


def test_the_2020_baseline_of_the_urban_employment_share_is_confirmed(obs):
    evidence = baseline_evidence(load_plan(), obs)
    share = evidence[evidence["indicator_id"] == "urban_employment_share"]
    assert len(share) == 1
    row = share.iloc[0]
    assert (row["baseline"], row["value"], bool(row["matches"])) == (65.64, 65.64, True)
    assert row["source_title"] == "重庆统计年鉴2025(市统计局、国家统计局重庆调查总队;中国统计出版社2025-11)"
    assert (row["quote"], row["published"]) == ("2020 1676.01 1100.12", "2025-11-30")
    # the 2016–2020 total 362.3 rounds to the plan's 【362】; the 2016–2020 training total 180 is not 162.7
    jobs = evidence[evidence["indicator_id"] == "urban_new_jobs"].iloc[0]
    assert (jobs["value"], bool(jobs["matches"]), jobs["period_label"]) == (362.3, True, "2016—2020年累计")
    training = evidence[evidence["indicator_id"] == "subsidised_vocational_training"].iloc[0]
    assert (training["value"], bool(training["matches"])) == (180.0, False)


def test_preliminary_and_final_are_data(obs):
    gdp = obs[(obs["indicator_id"] == "gdp") & (obs["region"] == "全市")]
    y2025 = gdp[(gdp["year"] == 2025) & gdp["is_annual"]].iloc[0]  # 2025年1—3月 7574.79 is also on file
    assert (y2025["value"], y2025["status"], y2025["period_label"], y2025["revised"]) == (
        33757.93, "preliminary", "2025年(初步核算数)", False)  # fmt: skip
    y2024 = gdp[(gdp["year"] == 2024) & gdp["is_annual"]].sort_values("source_line")
    assert [(r.value, r.status, r.revised, r.preferred, r.superseded) for r in y2024.itertuples()] == [
        (32046.73, "final", True, True, False),  # 2025 bulletin, line 18: 最终核实
        (32193.15, "preliminary", False, False, True),  # 重庆统计年鉴2025 line 68, though named “修订值”
        (32193.15, "", False, False, True),  # the 2024 计划执行报告 in the first research file
    ]
    assert annual_values(obs, "gdp").loc[2024] == 32046.73
    assert annual_values(obs, "gdp_real_growth").loc[2024] == 5.6
    cluster = obs[(obs["region"] == "主城都市区(含垫江)") & (obs["indicator_id"] == "gdp") & (obs["year"] == 2025)]
    assert cluster[["value", "status", "published"]].values.tolist() == [[26501.24, "preliminary", "2026-03-26"]]


def test_district_coverage_all_38(obs):
    districts = obs[(obs["region_kind"] == "district") & obs["is_annual"] & obs["preferred"]]
    for series, years in (("resident_population", (2023, 2024)), ("urbanisation_rate", (2023, 2024)),
                          ("gdp", (2024,)), ("gdp_real_growth", (2023, 2024))):  # fmt: skip
        for year in years:
            cell = districts[(districts["indicator_id"] == series) & (districts["year"] == year)]
            assert cell["region"].nunique() == 38, (series, year)
    qijiang = districts[(districts["region"] == "綦江区") & (districts["year"] == 2024)]
    assert set(qijiang["includes"]) == {"万盛经开区"}


@pytest.mark.parametrize("year", [2023, 2024])
def test_the_2024_grouping_members_add_up_to_the_published_cluster_totals(obs, year):
    """Each spatial2024 cluster's members in districts.yaml sum to the yearbook's own subtotal (常住人口)."""
    pop = obs[(obs["indicator_id"] == "resident_population") & (obs["year"] == year) & obs["preferred"]
              & (obs["period_type"] == "year_end")].set_index("region")["value"]  # fmt: skip
    table = district_names.district_table()
    clusters = table[table["groupings"].fillna("").str.contains("spatial2024")]
    assert len(clusters) == 6
    for rec in clusters.to_dict("records"):
        members = rec["members"].split("、")
        if rec["name"] not in pop.index:
            continue
        assert round(pop[members].sum(), 2) == round(pop[rec["name"]], 2), rec["name"]
    # the three top clusters cover the 38 区县 once each; 3190.47 万人 in all in 2024 (yearbook table 20-1)
    top = ["主城都市区(含垫江)", "渝东北三峡库区城镇群(不含垫江)", "渝东南武陵山区城镇群"]
    members = [m for name in top for m in clusters.set_index("name").loc[name, "members"].split("、")]
    assert len(members) == len(set(members)) == 38
    if year == 2024:
        assert round(pop[members].sum(), 2) == 3190.47


def test_the_2020_main_urban_cluster_is_not_the_2024_one():
    assert district_names.normalise_district("主城都市区(合计)").name == "主城都市区"
    assert district_names.normalise_district("主城都市区(合计,含垫江)").name == "主城都市区(含垫江)"
    assert district_names.normalise_district("渝东北三峡库区(合计,不含垫江)").name == "渝东北三峡库区城镇群(不含垫江)"
    assert set(district_names.district_groupings()) == {"plan2020", "spatial2024"}


def test_the_committed_files_are_what_the_script_writes():
    spec = importlib.util.spec_from_file_location("round3_to_raw", REPO / "scripts" / "round3_to_raw.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, source in module.SOURCES.items():
        expected = module.reshape(name, (ROUND3 / source).read_text(encoding="utf-8"))
        assert (ROUND3 / name).read_text(encoding="utf-8") == expected
    original = (ROUND3 / "original" / "chongqing_municipal_observations_r3.csv").read_text(encoding="utf-8")
    reshaped = (ROUND3 / "municipal_observations.csv").read_text(encoding="utf-8")
    assert len(original.splitlines()) == len(reshaped.splitlines()) == 76


def test_planlib_check_passes_on_round3_with_no_unknown_names(capsys):
    code = main(["check", *(str(p) for p in sorted(ROUND3.glob("*observations.csv")))])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "data/raw/round3/district_observations.csv: 通过 —— 314 行,载入 314 行,4 个序列,44 个地区" in out
    assert "data/raw/round3/municipal_observations.csv: 通过 —— 75 行,载入 75 行,25 个序列,1 个地区" in out
    assert "未知" not in out
