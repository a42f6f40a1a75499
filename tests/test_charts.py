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
    fig = status_overview(assess(plan, obs, as_of=2023), 2023, "专栏1")
    # 2023, the classes of the counts sentence: 提前完成 1 (失业保险参保人数), 超额 2 (城镇新增就业、城镇就业占比),
    # 如期 1 (城镇调查失业率), 数据不足 4 (one year each, or a 口径 break), 数据暂缺 6; 1 + 2 + 1 + 4 + 6 = 14
    assert fig.alt == ("横向堆积条形图：专栏1的14项主要指标按评估结论分类，提前完成1项，达到序时进度、预计可超额完成2项，"
                       "达到或基本达到序时进度、预计可如期完成1项，数据不足、无法判断4项，数据暂缺6项。")
    labels = [t.get_text() for t in fig.figure.axes[0].get_legend().get_texts()]
    assert labels[0] == "提前完成（1项）" and labels[-1] == "数据暂缺（6项）"
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


def test_table_to_excel(tmp_path):
    import openpyxl
    import pandas as pd

    from planlib.presentation.tables import Table

    frame = pd.DataFrame({"指标": ["城镇新增就业", "城镇调查失业率"], "2024年": [71.9, 5.3]})
    table = Table(frame, caption="主要指标（2024年）", name="headline", source="重庆市统计公报", notes=["只用全年值。"])
    path = table.to_excel(tmp_path / "out" / "主要指标.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["表格", "说明"]
    assert [list(r) for r in book["表格"].iter_rows(values_only=True)] == [
        ["指标", "2024年"], ["城镇新增就业", 71.9], ["城镇调查失业率", 5.3]]
    assert [list(r) for r in book["说明"].iter_rows(values_only=True)] == [
        ["项目", "内容"], ["表名", "主要指标（2024年）"], ["资料来源", "重庆市统计公报"], ["注", "只用全年值。"]]
    assert book["表格"].column_dimensions["A"].width == 16  # 城镇调查失业率: 7 wide characters = 14, + 2
    with pytest.raises(ValueError) as err:
        table.to_excel(tmp_path / "t.csv")
    assert str(err.value) == "Excel 文件名须以 .xlsx 结尾:t.csv"


def test_disparity_takes_load_clusters_and_names_mismatches():
    import pandas as pd

    from planlib import disparity, district_values, load_clusters

    obs = load_observations()
    rate = district_values(obs, "urbanisation_rate", year=2024)
    pop = district_values(obs, "resident_population", year=2024)
    by_frame = disparity(rate, pop, load_clusters())
    by_series = disparity(rate, pop, load_clusters().set_index("district")["cluster"])
    pd.testing.assert_series_equal(by_frame, by_series)
    assert by_frame["n_districts"] == 38
    assert by_frame["theil_between"] + by_frame["theil_within"] == pytest.approx(by_frame["theil"])
    codes = pop.set_axis(load_clusters().set_index("district").loc[pop.index, "district_code"])
    with pytest.raises(ValueError) as err:
        disparity(rate, codes)
    assert str(err.value) == ("数值与人口没有共同的区县(数值 38 个,如“万州区”;人口 38 个,如“500101”);"
                              "应为:两者都以区县名为索引,如 planlib.district_values(...) 的结果")
    with pytest.raises(ValueError) as err:
        disparity(rate, pop, load_clusters()[["district", "short"]])
    assert str(err.value) == ("groups 应为 load_clusters() 的表(含 district 和 cluster 列)或以区县名为索引的 Series;"
                              "实际的列:district、short")


def test_disparity_hand_computed():
    import math

    import pandas as pd

    from planlib import disparity

    # SYNTHETIC: two districts, values 1 and 3, equal population: mean 2, sd 1, CV 0.5;
    # Theil = ½(½ ln ½) + ½(1.5 ln 1.5)
    out = disparity(pd.Series({"甲": 1.0, "乙": 3.0}), pd.Series({"甲": 5.0, "乙": 5.0}))
    assert out["cv"] == pytest.approx(0.5) and out["cv_weighted"] == pytest.approx(0.5)
    assert out["theil"] == pytest.approx(0.5 * 0.5 * math.log(0.5) + 0.5 * 1.5 * math.log(1.5))


def test_aggregate_clusters_reads_its_rule_from_settings():
    from planlib import aggregate_clusters, district_values

    obs = load_observations()
    census = district_values(obs, "resident_population", period_type="census_date")
    by_default = aggregate_clusters(census).set_index("group")  # resident_population: sum (aggregation.yaml)
    # 七普: 3205.42 万人 in all, 2112.24 of them in 主城都市区 (the census' own totals)
    assert by_default.loc["主城都市区", "value"] == pytest.approx(2112.237)
    assert by_default["value"].sum() == pytest.approx(3205.4159)
    assert by_default["grouping"].unique().tolist() == ["一区两群(2020年划分,本规划采用)"]
    assert bool(by_default["complete"].all())


def test_clusters_are_read_again_after_an_edit(tmp_path, monkeypatch):
    import shutil

    from planlib import load_clusters
    from planlib._paths import raw_dir

    (tmp_path / "data" / "raw" / "district").mkdir(parents=True)
    copy = tmp_path / "data" / "raw" / "district" / "clusters.csv"
    shutil.copy(raw_dir() / "district" / "clusters.csv", copy)
    monkeypatch.setenv("PLANLIB_ROOT", str(tmp_path))
    assert load_clusters().set_index("district").loc["万州区", "note"].startswith("code verified:")
    lines = copy.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(",code verified:", ",已核对代码:")  # 万州区's row
    copy.write_text("\n".join(lines), encoding="utf-8")
    # the next call sees the edit, with no cache to clear
    assert load_clusters().set_index("district").loc["万州区", "note"].startswith("已核对代码:")


def _hollow_points(ax):
    """(x, y) of the partial-period points: hollow markers drawn one at a time."""
    return [(float(line.get_xdata()[0]), float(line.get_ydata()[0])) for line in ax.get_lines()
            if line.get_markerfacecolor() == "white" and len(line.get_xdata()) == 1]


def test_a_partial_period_is_drawn_at_its_date_within_its_year(tmp_path):
    """2023年3月末 lies a quarter into 2023 (the span 2022.5–2023.5 whose label 2023 is in the middle),
    not near 2022; its label stays inside the plot area."""
    from planlib.presentation.charts import date_position, trajectory

    assert date_position("2023-03-31") == pytest.approx(2022.5 + 90 / 365)
    assert date_position("2023-12-31") == pytest.approx(2023.5)
    assert date_position("2024-02-29") == pytest.approx(2023.5 + 60 / 366)
    plan, obs = load_plan(), load_observations()
    fig = trajectory(plan, obs, "pension_coverage_rate", 2024)  # only a 2023年3月末 value (97%)
    ax = fig.figure.axes[0]
    assert _hollow_points(ax) == [pytest.approx((2022.5 + 90 / 365, 97.0))]
    # a year is the span between two tick marks, its label in the middle
    assert list(ax.get_xticks()) == [2019.5, 2020.5, 2021.5, 2022.5, 2023.5, 2024.5, 2025.5]
    assert [t.get_text() for t in ax.get_xticklabels(minor=True)] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert list(ax.get_xticks(minor=True)) == [2020, 2021, 2022, 2023, 2024, 2025]
    fig.save(tmp_path)
    renderer = fig.figure.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    [label] = [t for t in ax.texts if t.get_text() == "2023年3月末"]
    extent = label.get_window_extent(renderer)
    assert box.x0 < extent.x0 and extent.x1 < box.x1 and box.y0 < extent.y0 and extent.y1 < box.y1


def test_partial_labels_never_run_over_the_axes(tmp_path):
    """2021年12月 (5.2) is the lowest point of 城镇调查失业率, its label below it: the value axis grows so that
    every label of a partial period is inside the plot area; 12月 ends at the end of 2021."""
    from planlib.presentation.charts import trajectory

    plan, obs = load_plan(), load_observations()
    fig = trajectory(plan, obs, "surveyed_unemployment_rate", 2024)
    ax = fig.figure.axes[0]
    assert _hollow_points(ax) == [pytest.approx((2021.5, 5.2)), pytest.approx((2022.5 + 273 / 365, 5.4))]
    fig.save(tmp_path)
    renderer = fig.figure.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    labels = [t for t in ax.texts if t.get_text() in {"2021年12月", "2023年1—9月"}]
    assert len(labels) == 2
    for label in labels:
        extent = label.get_window_extent(renderer)
        assert box.x0 < extent.x0 and extent.x1 < box.x1 and box.y0 < extent.y0 and extent.y1 < box.y1, label


def test_a_five_year_baseline_is_never_a_point_on_the_annual_axis(tmp_path):
    """城镇新增就业's baseline 【362】 is the 十三五 2016—2020 total: no point at 362 beside the annual values
    (~70); a note under the plot and the alt text say what it is."""
    from planlib.presentation.charts import trajectory

    plan, obs = load_plan(), load_observations()
    fig = trajectory(plan, obs, "urban_new_jobs", 2024)
    ax = fig.figure.axes[0]
    drawn = [float(y) for line in ax.get_lines() for y in line.get_ydata()]
    assert 362 not in drawn and max(drawn) == pytest.approx(75.1)  # 2021, the highest annual value
    assert ax.get_ylim()[1] < 100
    assert "2020年基数" not in ax.get_legend_handles_labels()[1]
    assert "注：基数为“十三五”（2016—2020年）累计362万人，不是某一年的数值，图中不作年度值绘出。" in fig.texts()
    assert fig.alt == ("折线图：城镇新增就业（万人）。全年值：2020年65.56、2021年75.1、2022年70.67、2023年73.9、"
                       "2024年71.9。五年累计目标300万人，年均所需60万人。"
                       "基数为“十三五”（2016—2020年）累计362万人，不是年度值，图中未绘出。")
    # a level's baseline of one year stays a point: 城镇调查失业率 2020 5.7
    rate = trajectory(plan, obs, "surveyed_unemployment_rate", 2024)
    assert "2020年基数" in rate.figure.axes[0].get_legend_handles_labels()[1]
    assert "基数为" not in rate.alt
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.save(tmp_path)
