"""Groupings of the 38 区县 as data: the plan's 2020 一区两群 and the 2024 grouping the yearbooks print.

The 2024 members are checked against the published figures themselves: the 2024 year-end 常住人口 of the
members (重庆统计年鉴2025 表20-1) adds up to every cluster and sub-cluster total the yearbook prints.
"""

from __future__ import annotations

import pytest

import planlib
from planlib.inputs.regions import aggregate_clusters, district_values, grouping_name, load_clusters

SPATIAL = "国土空间总体规划分区(2024年划分,统计年鉴2024起采用)"
PLAN = "一区两群(2020年划分,本规划采用)"


def test_the_plan_grouping_is_the_default_and_dianjiang_moves_in_2024():
    plan, spatial = load_clusters(), load_clusters("spatial2024")
    assert plan.groupby("cluster").size().to_dict() == {"主城都市区": 21, "渝东北三峡库区城镇群": 11, "渝东南武陵山区城镇群": 6}
    assert spatial.groupby("cluster").size().to_dict() == {
        "主城都市区(含垫江)": 22, "渝东北三峡库区城镇群(不含垫江)": 10, "渝东南武陵山区城镇群": 6}
    assert spatial.dropna(subset=["subcluster"]).groupby("subcluster").size().to_dict() == {
        "中心城区": 9, "渝东新城": 5, "渝西地区": 8}
    dianjiang = {g: [v if isinstance(v, str) else None for v in c.set_index("district").loc["垫江县", ["cluster", "subcluster"]]] for g, c in
                 (("plan2020", plan), ("spatial2024", spatial))}
    assert dianjiang == {"plan2020": ["渝东北三峡库区城镇群", None], "spatial2024": ["主城都市区(含垫江)", "渝东新城"]}
    assert set(plan["grouping"]) == {"plan2020"} and set(spatial["grouping"]) == {"spatial2024"}
    assert grouping_name() == PLAN and grouping_name("spatial2024") == SPATIAL


def test_2024_members_add_up_to_the_yearbook_totals():
    obs = planlib.load_observations()
    population = district_values(obs, "resident_population", year=2024)
    assert len(population) == 38
    printed = obs[(obs["region_kind"] == "cluster_total") & (obs["indicator_id"] == "resident_population")
                  & (obs["year"] == 2024) & obs["preferred"]].set_index("region")["value"]  # fmt: skip
    for level in ("cluster", "subcluster"):
        sums = aggregate_clusters(population, "sum", grouping="spatial2024", level=level)
        assert set(sums["grouping"]) == {SPATIAL} and sums["complete"].all()
        for rec in sums.to_dict("records"):
            assert rec["value"] == pytest.approx(printed[rec["group"]], abs=0.005 * rec["n_districts"]), rec["group"]
    # the same districts, the plan's grouping: 垫江县 (63.14 万人) moves from 主城都市区 to 渝东北
    plan = aggregate_clusters(population, grouping="plan2020").set_index("group")
    assert plan["value"].round(2).to_dict() == {"渝东北三峡库区城镇群": 786.89, "主城都市区": 2120.10,
                                                "渝东南武陵山区城镇群": 283.48}
    assert set(plan["grouping"]) == {PLAN}


def test_rule_comes_from_the_settings_and_unknown_groupings_are_named():
    values = district_values(planlib.load_observations(), "urban_new_jobs", year=2023)
    with pytest.raises(ValueError, match="该序列按规则不可跨区县汇总"):
        aggregate_clusters(values)  # urban_new_jobs: none (district counts are not comparable)
    with pytest.raises(ValueError) as info:
        load_clusters("yiqu2019")
    assert str(info.value) == f"未知的区县分组“yiqu2019”;可用:plan2020({PLAN})、spatial2024({SPATIAL})"
