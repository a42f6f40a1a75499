"""Every chart function on every target of the plan gives a figure, or says in Chinese why not; and no text in
any figure is a tofu box: each text is drawn with a shipped font that has all its characters."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from planlib import load_observations, load_plan
from planlib._glyphs import FONT_FILES, missing_glyphs
from planlib.indicators.assessment import assess
from planlib.presentation import charts, maps
from planlib.presentation.figures import Figure

from .font_spy import fonts_used

PLAN = load_plan()
OBS = load_observations()
TARGETS = PLAN.all_targets.to_dict("records")
SHIPPED = {str(p) for p in FONT_FILES.values()}


def _fonts_used(figure: Figure) -> tuple[set[str], list[str]]:
    """Render ``figure``; the font files matplotlib took for its texts, and its missing-glyph warnings."""
    return fonts_used(figure.render)


def _assert_no_tofu(figure: Figure) -> None:
    used, missing = _fonts_used(figure)
    assert used and used <= SHIPPED, used
    assert missing == []
    for text in figure.texts():  # every character is in Noto Sans SC, the only font figures use
        assert missing_glyphs(text) == "", text
    plt.close(figure.figure)


def test_the_plan_has_every_target_kind():
    kinds = {(t["kind"], t["comparator"]) for t in TARGETS}
    assert len(TARGETS) == 81
    assert {("level", ">="), ("level", "~"), ("annual", "<"), ("annual", "range"), ("cumulative", ">="),
            ("cumulative", "range"), ("cumulative", "~"), ("relative", "higher_than"),
            ("qualitative", "steady_growth")} <= kinds  # fmt: skip


@pytest.mark.parametrize("target", TARGETS, ids=[t["id"] for t in TARGETS])
def test_trajectory_for_every_target(target):
    fig = charts.trajectory(PLAN, OBS, target["id"], 2024)
    assert isinstance(fig, Figure)
    assert fig.alt.startswith(f"折线图：{target['name']}（{target['unit']}）。")
    assert fig.caption.startswith(f"{target['name']}：实际值与目标（截至2024年）")
    _assert_no_tofu(fig)


@pytest.mark.parametrize("target", TARGETS, ids=[t["id"] for t in TARGETS])
def test_cumulative_progress_for_every_target(target):
    if target["kind"] != "cumulative":
        with pytest.raises(ValueError) as err:
            charts.cumulative_progress(PLAN, OBS, target["id"], 2024)
        assert str(err.value) == (f"“{target['name']}”({target['id']})不是五年累计目标(类型 {target['kind']}),"
                                  "没有累计进度;请用 charts.trajectory")  # fmt: skip
        return
    fig = charts.cumulative_progress(PLAN, OBS, target["id"], 2024)
    assert fig.caption.startswith(f"{target['name']}累计进度（截至2024年）")
    _assert_no_tofu(fig)


def test_what_each_kind_draws():
    """Hand-checked: the target drawn for a range, a five-year total, a relative and a qualitative target."""
    band = charts.trajectory(PLAN, OBS, "startup_projects_supported", 2024)
    assert band.alt == "折线图：遴选优质创业项目“1对1”跟踪扶持（个）。全年值：无全年值。目标区间20—30个。"
    assert band.figure.axes[0].get_legend_handles_labels()[1] == ["目标区间 20—30个"]
    assert "2021—2024年数据暂缺" in band.texts()
    total = charts.trajectory(PLAN, OBS, "national_labour_brands", 2024)
    assert total.alt.endswith("五年累计目标区间3—5个，年均所需0.6个。")  # 3 / 5 years
    assert total.figure.axes[0].get_legend_handles_labels()[1] == ["每年所需（五年目标区间÷5） 0.6—1个"]
    jobs = charts.trajectory(PLAN, OBS, "urban_new_jobs", 2024)
    assert "年均所需 60万人（五年目标300万人÷5）" in jobs.figure.axes[0].get_legend_handles_labels()[1]
    relative = charts.trajectory(PLAN, OBS, "labour_productivity_growth", 2024)
    assert relative.alt == "折线图：全员劳动生产率增长（%）。全年值：无全年值。相对目标“高于地区生产总值增速”，无数值路径。"
    qualitative = charts.trajectory(PLAN, OBS, "labour_remuneration_share", 2024)
    assert qualitative.alt.endswith("定性目标“稳步增长”，无数值路径。")
    assert "2023年51.01" in qualitative.alt
    for fig in (band, total, jobs, relative, qualitative):
        plt.close(fig.figure)


def test_the_other_charts_and_maps_have_no_tofu():
    from planlib.inputs.regions import district_values

    gdp = district_values(OBS, "gdp", year=2022)
    figures = [
        charts.status_overview(assess(PLAN, OBS, as_of=2024), 2024),
        charts.cluster_dots(gdp),
        maps.layout_map(),
        maps.district_map(district_values(OBS, "urbanisation_rate", year=2024)),
        maps.small_multiples({f"{y}年": district_values(OBS, "gdp", year=y) for y in (2022, 2023)},
                             title="地区生产总值", unit="亿元", source="区县统计公报等"),
    ]  # fmt: skip
    for fig in figures:
        _assert_no_tofu(fig)
