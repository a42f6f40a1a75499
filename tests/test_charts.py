"""Progress charts: drawn with the shipped fonts; alt text carries the computed numbers."""

from __future__ import annotations

import warnings

import matplotlib
import pytest

matplotlib.use("Agg")
from planlib import load_observations, load_plan
from planlib.indicators.assessment import assess
from planlib.presentation.charts import cumulative_progress, status_overview


def test_cumulative_progress_real_data(tmp_path):
    plan, obs = load_plan(), load_observations()
    fig = cumulative_progress(plan, obs[obs["period_end"] <= "2023-12-31"], "urban_new_jobs", 2023)
    assert "2021—2023年累计219.67万人" in fig.alt and "五年目标300万人" in fig.alt
    ax = fig.figure.axes[0]
    line = ax.get_lines()[1]  # the actual cumulative line: 0, 75.1, 145.77, 219.67
    assert list(line.get_ydata()) == pytest.approx([0.0, 75.1, 145.77, 219.67])
    assert ax.get_xlabel() == "年份" and ax.get_ylabel() == "累计（万人）"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.save(tmp_path)


def test_cumulative_progress_breaks_at_a_missing_year():
    plan, obs = load_plan(), load_observations()
    cut = obs[~((obs["indicator_id"] == "urban_new_jobs") & (obs["year"] == 2022))]
    fig = cumulative_progress(plan, cut, "urban_new_jobs", 2023)
    assert "2021年累计75.1万人" in fig.alt and "2022年全年数据暂缺" in fig.alt and "2021—2021年" not in fig.alt


def test_status_overview_counts(tmp_path):
    plan, obs = load_plan(), load_observations()
    fig = status_overview(assess(plan, obs, as_of=2023), 2023)
    # 2023: 已完成 3 + 快于 2; 达标 3; 慢于 0; 数据暂缺 6 (as in the 2023 summary)
    assert fig.alt == ("横向堆积条形图：专栏1的14项主要指标按进展分组，已完成/快于序时进度5项、符合序时进度/达标3项、"
                       "慢于序时进度/未达标0项、数据暂缺/不全6项。")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.save(tmp_path)


def test_trajectory_marks_partial_values(tmp_path):
    from planlib.presentation.charts import trajectory

    plan, obs = load_plan(), load_observations()
    fig = trajectory(plan, obs, "surveyed_unemployment_rate", 2024)
    assert fig.alt == ("折线图：城镇调查失业率（%）。全年值：2020年5.7、2022年5.4、2023年5.4、2024年5.3。"
                       "部分时期值（空心点，不作全年值）：2021年12月5.2、2023年1—9月5.4。目标5.5%。")
    assert fig.caption == "城镇调查失业率：实际值与目标（截至2024年）"
    labels = {t.get_text() for t in fig.figure.axes[0].texts}
    assert {"2021年12月", "2023年1—9月"} <= labels
    early = trajectory(plan, obs, "surveyed_unemployment_rate", 2022)  # nothing after as_of
    assert "2023" not in early.alt and "2024" not in early.alt
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.save(tmp_path)


def test_cluster_dots_and_small_multiples(tmp_path):
    from planlib.inputs.regions import district_values
    from planlib.presentation import maps
    from planlib.presentation.charts import cluster_dots

    obs = load_observations()
    gdp = district_values(obs, "gdp", year=2022)
    dots = cluster_dots(gdp, title="地区生产总值", unit="亿元", year=2022, source="区县统计公报等")
    assert "主城都市区19个区县平均" in dots.alt and "渝东南3个区县平均266.31" in dots.alt  # (209.1+…)/3
    multiples = maps.small_multiples({f"{y}年": district_values(obs, "gdp", year=y) for y in (2020, 2021, 2022)},
                                     title="地区生产总值", unit="亿元", source="区县统计公报等")
    assert "2020年有24个区县有数据、2021年有27个区县有数据、2022年有25个区县有数据" in multiples.alt
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dots.save(tmp_path)
        multiples.save(tmp_path)
