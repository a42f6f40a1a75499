"""Progress charts: drawn with the shipped fonts; alt text carries the computed numbers."""

from __future__ import annotations

import warnings

import matplotlib
import pytest

matplotlib.use("Agg")
from planlib import load_observations, load_plan
from planlib.assess import assess
from planlib.charts import cumulative_progress, status_overview


def test_cumulative_progress_real_data(tmp_path):
    plan, obs = load_plan(), load_observations()
    fig = cumulative_progress(plan, obs[obs["period_end"] <= "2023-12-31"], "urban_new_jobs", 2023)
    assert "2021—2023年累计219.67万人" in fig.alt and "五年目标300万人" in fig.alt
    ax = fig.figure.axes[0]
    line = ax.get_lines()[1]  # the actual cumulative line: 0, 75.1, 145.77, 219.67
    assert list(line.get_ydata()) == pytest.approx([0.0, 75.1, 145.77, 219.67])
    assert ax.get_xlabel() == "年份" and ax.get_ylabel() == "累计(万人)"
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
    # 2023: 已完成 2 + 快于 1; 达标 2; 慢于 1; 数据暂缺 8 (as in the 2023 summary)
    assert fig.alt.endswith("已完成/快于序时进度3项、符合序时进度/达标2项、慢于序时进度/未达标1项、数据暂缺/不全8项。")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.save(tmp_path)
