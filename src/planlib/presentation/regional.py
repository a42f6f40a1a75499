"""The sentences of a report's regional sections, as plain text (escaped where they become Markdown).

From computed results, never typed: the census day of the district population figures (:func:`census_date`),
the cluster population shares (:func:`cluster_population_sentence`, from
:func:`planlib.inputs.regions.aggregate_clusters`), the disparity of the urbanisation rate
(:func:`urbanisation_disparity_sentence`, from :func:`planlib.indicators.disparity.disparity`), the districts
that lack a year's GDP (:func:`gdp_gap_sentence`), and the heat index's method in Chinese
(:func:`heat_description`, :data:`HEAT_WORDS`).

Imports: :mod:`planlib.presentation.tables` (number formats); nothing of the sections or publish layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from planlib.presentation.tables import fmt_number, fmt_percent

if TYPE_CHECKING:
    import pandas as pd

# settings/heat_index.yaml's method keys, as the reader reads them
HEAT_WORDS = {"equal": "等权", "entropy": "熵权", "pooled": "全部区县和年份合并取最小值、最大值（各年可比）",
              "per_year": "每年单独取最小值、最大值"}  # fmt: skip


def heat_description(result: Any) -> list[str]:
    """The heat index's method notes in Chinese (its settings name the methods by English keys): the first
    from ``result.spec``, the rest ``result.describe()``'s (``result`` from
    :func:`planlib.indicators.heat_index.heat_index`). Raises KeyError for a method key without words."""
    spec = result.spec
    first = (f"{spec['name']}：定义 {len(spec['components'])} 项指标，权重方法：{HEAT_WORDS[spec['weights']]}，"
             f"标准化基准：{HEAT_WORDS[spec['goalposts']]}，"
             f"至少 {spec['min_components']} 项指标才计算指数。")  # fmt: skip
    return [first, *result.describe()[1:]]


def census_date(obs: pd.DataFrame) -> str:
    """The census day of the district population figures, as '2020年11月1日' (from the data: the latest
    ``period_end`` of the census-date ``resident_population`` rows)."""
    days = obs.loc[(obs["indicator_id"] == "resident_population") & (obs["period_type"] == "census_date"),
                   "period_end"].dropna()  # fmt: skip
    year, month, day = (int(p) for p in str(days.max())[:10].split("-"))
    return f"{year}年{month}月{day}日"


def cluster_population_sentence(sums: pd.Series, census_day: str, region: str, grouping: str) -> str:
    """'按第七次全国人口普查（2020年11月1日），全市常住人口…万人，其中主城都市区…万人（…%）、…（片区按…）。'

    ``sums`` is the census population (万人) per cluster, ``region`` the plan's whole area, ``grouping`` the
    name of the grouping the clusters follow."""
    shares = "、".join(f"{g}{fmt_number(v)}万人（{fmt_percent(v / sums.sum())}）" for g, v in sums.items())
    return (f"按第七次全国人口普查（{census_day}），{region}常住人口{fmt_number(sums.sum())}万人，"
            f"其中{shares}（片区按{grouping}）。")  # fmt: skip


def urbanisation_disparity_sentence(d: pd.Series) -> str:
    """The urbanisation rate's population-weighted mean (%), CV unweighted and weighted, Theil index and its
    between- and within-cluster parts, from :func:`planlib.indicators.disparity.disparity` (``d``)."""
    return (
        f"各区县常住人口城镇化率（由七普城镇人口与常住人口计算）的人口加权平均为{fmt_number(d['weighted_mean'])}%，"
        f"不加权变异系数{fmt_number(d['cv'], 3)}，人口加权变异系数{fmt_number(d['cv_weighted'], 3)}；"
        f"泰尔指数{fmt_number(d['theil'], 4)}，其中片区间差距{fmt_number(d['theil_between'], 4)}"
        f"（占{fmt_percent(d['theil_between'] / d['theil'])}），片区内差距{fmt_number(d['theil_within'], 4)}。"
    )


def gdp_gap_sentence(year: int, known: int, missing: list[str]) -> str:
    """Why no cluster total of GDP is computed for ``year``: ``known`` districts have a figure, ``missing``
    (names) have none."""
    return (f"{year}年分区县地区生产总值仅{known}个区县有已公布数据，缺{len(missing)}个"
            f"（{'、'.join(missing)}），不计算片区合计和人均地区生产总值差距。")  # fmt: skip
