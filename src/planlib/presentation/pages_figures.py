"""Figures of the site's district pages: a small locator map and a district's rates against its cluster and
the city. Each returns a :class:`planlib.presentation.figures.Figure` with alt text and caption.

The locator map is drawn once per process and recoloured for each 区县 (38 maps would otherwise be 38
geopandas drawings): the returned Figure shares that matplotlib figure, so save it before asking for the
next district.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from planlib.indicators.marks import legend
from planlib.presentation.figures import Figure
from planlib.presentation.style import PALETTE, house_style
from planlib.presentation.tables import fmt_number

if TYPE_CHECKING:
    import pandas as pd

HIGHLIGHT = "#D55E00"
OTHERS = {"主城都市区": "#c6dbef", "渝东北三峡库区城镇群": "#fde0b8", "渝东南武陵山区城镇群": "#c7e9c0"}


@functools.cache
def _locator_base() -> tuple[Any, Any, list[str], dict[str, str]]:
    """(matplotlib figure, the districts' PatchCollection, district names in drawing order, name → cluster)."""
    from matplotlib.figure import Figure as MplFigure

    from planlib.presentation.maps import _cluster_outlines, _layout_frame

    frame = _layout_frame().sort_values("district_code").reset_index(drop=True)
    with house_style():
        fig = MplFigure(figsize=(3.2, 2.6))  # no pyplot: the figure lives as long as the process, closed by no one
        ax = fig.add_axes((0, 0, 1, 1))
        frame.plot(ax=ax, color=[OTHERS[c] for c in frame["cluster"]], edgecolor="white", linewidth=0.4)
        _cluster_outlines(frame, ax)
        ax.set_axis_off()
    return fig, ax.collections[0], list(frame["district"]), dict(zip(frame["district"], frame["cluster"], strict=True))


def district_locator(district: str, layout: str) -> Figure:
    """The 38 区县 in their cluster's pale colour, ``district`` in orange, cluster outlines in black."""
    from planlib.inputs.regions import grouping_name, load_clusters

    fig, patches, order, cluster_of = _locator_base()
    if district not in cluster_of:
        raise ValueError(f"没有区县“{district}”的边界")
    patches.set_facecolor([HIGHLIGHT if d == district else OTHERS[cluster_of[d]] for d in order])
    code = load_clusters().set_index("district").loc[district, "district_code"]
    alt = (f"示意图:{len(order)}个区县,{district}以橙色标出,位于{cluster_of[district]}(浅色为该片区其他区县,"
           f"粗线为片区边界;分组:{grouping_name()})。")  # fmt: skip
    return Figure(fig, alt=alt, caption=f"{district}在“{layout}”中的位置(示意图)", name=f"locator-{code}")


def district_comparison(rows: pd.DataFrame, district: str, code: str, smap: Any, region: str) -> Figure:
    """One panel per rate series (rows of :func:`planlib.sections.pages._district_frame` for one district):
    the district's values by year against its cluster's population-weighted mean and the city's value.
    Years without a value leave a gap (never drawn across)."""
    import matplotlib.pyplot as plt

    series = [s for s in dict.fromkeys(rows["series"]) if rows.loc[rows["series"] == s, "value"].notna().any()]
    with house_style():
        fig, axes = plt.subplots(1, len(series), figsize=(3.6 * len(series), 3.0), squeeze=False)
        parts = []
        for ax, sid in zip(axes[0], series, strict=True):
            part = rows[(rows["series"] == sid) & rows["year"].notna()].sort_values("year")
            years = part["year"].astype(int).tolist()
            for column, label, colour, style in (("value", district, HIGHLIGHT, "-"),
                                                 ("cluster_num", "所在片区", PALETTE[0], "--"),
                                                 ("city_num", region, "#555555", ":")):  # fmt: skip
                ax.plot(years, part[column].astype(float).tolist(), linestyle=style, marker="o", markersize=3,
                        color=colour, label=label)  # fmt: skip
            unit = part["unit"].iloc[0]
            ax.set_title(f"{smap.name(sid)}({unit})", fontsize=9)
            ax.set_xticks(years, [str(y) for y in years], fontsize=7)
            ax.tick_params(axis="y", labelsize=7)
            shown = "、".join(f"{y}年{fmt_number(v)}{m}" for y, v, m in
                             zip(years, part["value"], part["marks"], strict=True) if v == v) or "无"  # fmt: skip
            parts.append(f"{smap.name(sid)}({unit}),{district}:{shown}")
        axes[0][0].legend(fontsize=7, loc="best")
        fig.subplots_adjust(wspace=0.3)  # the page saves with a tight box; no tight_layout pass needed
    alt = f"折线图:{district}与所在片区(人口加权平均)、{region}对比。" + ";".join(parts) + "。空缺为数据暂缺。"
    notes = legend(list(rows["marks"]))
    caption = f"{district}与所在片区、{region}对比" + ("(" + " ".join(notes) + ")" if notes else "")
    return Figure(fig, alt=alt + " ".join(notes), caption=caption, name=f"compare-{code}")
