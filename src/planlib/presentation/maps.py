"""District maps of the 一区两群 layout: every function returns a :class:`planlib.presentation.figures.Figure`
(the matplotlib figure with its alt text and caption).

All maps use one projected CRS (:data:`planlib.inputs.boundaries.PROJECTED_CRS`), the shipped CJK fonts, and
colour-blind-safe colours; districts without data are grey and hatched (数据暂缺), never a value colour.
Titles, units and source notes are drawn literally (no mathtext) and checked against the shipped fonts
when the figure is saved; captions and alt texts are plain text that the Figure escapes for Markdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib.inputs.boundaries import BOUNDARY_SOURCE, load_boundaries
from planlib.inputs.regions import CLUSTER_SHORT, grouping_name, load_clusters
from planlib.presentation.figures import Figure
from planlib.presentation.style import house_style

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from matplotlib.axes import Axes

# Okabe–Ito colours: 中心城区 and 主城新区 are two shades apart within 主城都市区.
LAYOUT_COLOURS = {"中心城区": "#0072B2", "主城新区": "#56B4E9", "渝东北三峡库区城镇群": "#E69F00",
                  "渝东南武陵山区城镇群": "#009E73"}  # fmt: skip
MISSING_COLOUR = "#d9d9d9"
MISSING_LABEL = "数据暂缺"


def _layout_frame() -> gpd.GeoDataFrame:
    geo = load_boundaries(projected=True)
    clusters = load_clusters()[["district", "short", "cluster", "subcluster"]]
    frame = geo.merge(clusters, on="district", how="left", validate="one_to_one")
    frame["group"] = frame["subcluster"].fillna(frame["cluster"])
    return frame


def _cluster_outlines(frame: gpd.GeoDataFrame, ax: Axes) -> None:
    outlines = frame.dissolve(by="cluster")
    outlines.boundary.plot(ax=ax, color="#222222", linewidth=1.4)


def _decorate(ax: Axes, frame: gpd.GeoDataFrame) -> None:
    """North arrow and a 100 km scale bar (the CRS is in metres), no axes."""
    ax.set_axis_off()
    minx, miny, maxx, maxy = frame.total_bounds
    x0, y0 = minx + 0.03 * (maxx - minx), miny + 0.05 * (maxy - miny)
    ax.plot([x0, x0 + 100_000], [y0, y0], color="black", linewidth=2.5, solid_capstyle="butt")
    ax.text(x0 + 50_000, y0 + 0.015 * (maxy - miny), "100 公里", ha="center", va="bottom", fontsize=8)
    nx, ny = maxx - 0.05 * (maxx - minx), maxy - 0.08 * (maxy - miny)
    ax.annotate("北", xy=(nx, ny + 0.07 * (maxy - miny)), xytext=(nx, ny), ha="center", fontsize=10,
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5})  # fmt: skip


def _labels(frame: gpd.GeoDataFrame, ax: Axes, *, skip: set[str] | None = None, size: float = 7,
            callout_km2: float = 0.0) -> None:  # fmt: skip
    """Short names at the centroid (or a point inside, for odd shapes); districts smaller than
    ``callout_km2`` get their name outside with a leader line, so it does not cover their neighbours."""
    minx, miny, maxx, maxy = frame.total_bounds
    callouts = 0
    for rec in frame.itertuples():
        if skip and rec.district in skip:
            continue
        point = rec.geometry.centroid
        if not rec.geometry.contains(point):
            point = rec.geometry.representative_point()
        if rec.geometry.area / 1e6 < callout_km2:
            # outside the shapes, to the right, one row per callout so names never stack
            target = (maxx + 0.06 * (maxx - minx), miny + (0.12 + 0.1 * callouts) * (maxy - miny))
            ax.annotate(rec.short, (point.x, point.y), xytext=target, fontsize=size, ha="left", va="center",
                        arrowprops={"arrowstyle": "-", "lw": 0.6, "color": "#333333"})  # fmt: skip
            callouts += 1
        else:
            ax.text(point.x, point.y, rec.short, ha="center", va="center", fontsize=size, color="#111111")


def _central_inset(fig, frame: gpd.GeoDataFrame, colours) -> None:
    """The nine 中心城区 districts are too small to label on the whole map: label them in an enlarged inset."""
    central = frame[frame["subcluster"] == "中心城区"]
    inset = fig.add_axes((0.66, 0.04, 0.3, 0.3))
    central.plot(ax=inset, color=colours, edgecolor="white", linewidth=0.6)
    _labels(central, inset, size=6, callout_km2=120)  # 渝中区 (23 km²) and 大渡口区 (103 km²) are called out
    minx, _, maxx, _ = central.total_bounds
    inset.set_xlim(minx - 0.02 * (maxx - minx), maxx + 0.35 * (maxx - minx))
    inset.set_title("中心城区（放大）", fontsize=8)
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_visible(True)
        spine.set_color("#888888")


def layout_map() -> Figure:
    """The 一区两群 layout: 38 区县 coloured by cluster (中心城区 / 主城新区 distinguished), cluster outlines,
    the nine 中心城区 enlarged in an inset. Members from :func:`planlib.load_clusters` (the plan's 2020
    grouping, named in the caption), shapes from :func:`planlib.load_boundaries` (source in the figure)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    frame = _layout_frame()
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 6.6))
        colours = frame["group"].map(LAYOUT_COLOURS)
        frame.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.5)
        _cluster_outlines(frame, ax)
        central = set(frame.loc[frame["subcluster"] == "中心城区", "district"])
        _labels(frame, ax, skip=central)
        _central_inset(fig, frame, colours[frame["subcluster"] == "中心城区"])
        counts = frame["group"].value_counts()
        handles = [Patch(facecolor=c, edgecolor="#222222", label=f"{g}（{counts.get(g, 0)}个）")
                   for g, c in LAYOUT_COLOURS.items()]  # fmt: skip
        ax.legend(handles=handles, loc="upper left", fontsize=8, title="一区两群", title_fontsize=9)
        ax.set_title("重庆市“一区两群”空间布局（38个区县）")
        _decorate(ax, frame)
        fig.text(0.01, 0.01, f"示意图。片区划分：2020年“一区两群”（垫江县属渝东北）。{BOUNDARY_SOURCE}。",
                 fontsize=6.5, color="#444444")  # fmt: skip
    n = counts.to_dict()
    alt = (f"重庆市38个区县的分区示意图。主城都市区{n.get('中心城区', 0) + n.get('主城新区', 0)}个区位于西部，"
           f"其中中心城区{n.get('中心城区', 0)}个（深蓝）、主城新区{n.get('主城新区', 0)}个（浅蓝）；"
           f"渝东北三峡库区城镇群{n.get('渝东北三峡库区城镇群', 0)}个区县（橙色）位于东北部；"
           f"渝东南武陵山区城镇群{n.get('渝东南武陵山区城镇群', 0)}个区县（绿色）位于东南部。片区边界以粗线标出。")
    grouping = grouping_name()  # every map of clusters names its grouping (two are in use: see planlib.inputs.regions)
    return Figure(fig, alt=f"{alt}分组：{grouping}。", caption=f"重庆市“一区两群”空间布局（示意图；{grouping}）",
                  name="layout-map")  # fmt: skip


def district_map(
    values: pd.Series,
    *,
    title: str | None = None,
    unit: str | None = None,
    year: str | int | None = None,
    source: str | None = None,
    scheme: str | None = "Quantiles",
    k: int = 5,
    cmap: str = "viridis",
    name: str = "district-map",
) -> Figure:
    """Choropleth of a district value (Series keyed by district name or 6-digit code).

    ``values`` is typically :func:`planlib.district_values` (float, in its unit); title, unit, year (period)
    and source left out are taken from its ``attrs`` (series name, unit, period, source titles); a Series
    without them is titled by its name, and a source neither given nor recorded reads 来源未注明 in the
    figure and the caption. ``scheme`` is any mapclassify scheme ("Quantiles", "NaturalBreaks",
    "EqualInterval", …) or None for a continuous scale. Districts without a value are drawn grey and
    hatched and listed as 数据暂缺. Raises ``ValueError`` when no district has a value.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from planlib.presentation.figures import NO_SOURCE, labels

    said = labels(values, title=title, unit=unit, year=year, source=source)
    title, unit, year, source = said.title, said.unit, said.year, said.source

    frame = _layout_frame()
    keyed = values.copy()
    by_code = keyed.index.astype(str).str.fullmatch(r"\d{6}").all()
    key = "district_code" if by_code else "district"
    keyed.index = keyed.index.astype(str)
    frame["value"] = frame[key].map(keyed).astype(float)
    has = frame["value"].notna()
    if has.sum() == 0:
        raise ValueError("没有任何区县有数值,无法绘制分级图")
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 6.6))
        if (~has).any():
            frame[~has].plot(ax=ax, color=MISSING_COLOUR, edgecolor="white", linewidth=0.5, hatch="///")
        data = frame[has]
        if scheme and data["value"].nunique() > k:
            data.plot(ax=ax, column="value", scheme=scheme, k=k, cmap=cmap, edgecolor="white", linewidth=0.5,
                      legend=True, legend_kwds={"loc": "lower right", "fontsize": 7, "title": unit,
                                                "title_fontsize": 8, "fmt": "{:,.1f}"})  # fmt: skip
        else:
            data.plot(ax=ax, column="value", cmap=cmap, edgecolor="white", linewidth=0.5, legend=True,
                      legend_kwds={"label": unit, "shrink": 0.6})  # fmt: skip
        _cluster_outlines(frame, ax)
        if (~has).any():
            value_legend = ax.get_legend()  # a second ax.legend() would replace the class legend: keep it
            ax.legend(handles=[Patch(facecolor=MISSING_COLOUR, hatch="///", edgecolor="#888888",
                                     label=f"{MISSING_LABEL}（{int((~has).sum())}个）")], loc="upper left", fontsize=7)
            if value_legend is not None:
                ax.add_artist(value_legend)
        ax.set_title(f"{title}（{year}）")
        _decorate(ax, frame)
        fig.text(0.01, 0.01, f"示意图。数据来源：{source}。{BOUNDARY_SOURCE}。", fontsize=6.5, color="#444444",
                 wrap=True)  # fmt: skip
    top = data.nlargest(1, "value").iloc[0]
    low = data.nsmallest(1, "value").iloc[0]
    by_cluster = data.groupby("cluster")["value"].mean()
    cluster_text = "、".join(f"{CLUSTER_SHORT[c]}平均{v:,.1f}" for c, v in by_cluster.items())
    missing = "、".join(frame.loc[~has, "short"])
    when = f"{year}年" if isinstance(year, int) else str(year)
    unit_text = f"（单位：{unit}）" if unit else ""
    alt = (f"{when}重庆市各区县{title}分级示意图{unit_text}。{int(has.sum())}个区县有数据，"
           f"最高为{top['district']}（{top['value']:,.1f}），最低为{low['district']}（{low['value']:,.1f}）；"
           f"{cluster_text}。" + (f"数据暂缺：{missing}。" if missing else ""))
    caption = f"{title}（{year}，示意图）" if said.source_given else f"{title}（{year}，示意图；{NO_SOURCE}）"
    return Figure(fig, alt=alt, caption=caption, name=name)


def _with_sources(sources: list[str]) -> object:
    """A stand-in carrying ``attrs["sources"]`` (each source once, most frequent first) for :func:`labels`."""
    from collections import Counter
    from types import SimpleNamespace

    return SimpleNamespace(attrs={"sources": [s for s, _ in Counter(sources).most_common()]}, name=None)


def small_multiples(panels: dict[str, pd.Series], *, title: str | None = None, unit: str | None = None,
                    source: str | None = None, cmap: str = "viridis",
                    name: str = "small-multiples") -> Figure:  # fmt: skip
    """The same district value for several years side by side (panel label → Series, e.g. ``{"2023年":
    planlib.district_values(obs, "gdp", year=2023), …}``), on one shared colour scale.

    Title and unit left out come from the first panel's ``attrs`` (see :func:`district_map`), the source
    from every panel's recorded sources; none recorded reads 来源未注明. Raises ``ValueError`` when no
    panel has a value."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    from planlib.presentation.figures import labels

    first = next(iter(panels.values()), None)
    if source is None:
        recorded = [s for series in panels.values() for s in (getattr(series, "attrs", None) or {}).get("sources", [])]
        source = labels(_with_sources(recorded)).source if recorded else None
    said = labels(first, title=title, unit=unit, source=source)
    title, unit, source = said.title, said.unit, said.source

    frame = _layout_frame()
    all_values = [v for s in panels.values() for v in s.dropna().to_numpy()]
    if not all_values:
        raise ValueError("没有任何区县有数值,无法绘制")
    norm = Normalize(min(all_values), max(all_values))
    with house_style():
        fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.4))
        axes = [axes] if len(panels) == 1 else list(axes)
        counts = {}
        for ax, (label, series) in zip(axes, panels.items(), strict=True):
            f = frame.assign(value=frame["district"].map(series).astype(float))
            has = f["value"].notna()
            counts[label] = int(has.sum())
            if (~has).any():
                f[~has].plot(ax=ax, color=MISSING_COLOUR, edgecolor="white", linewidth=0.3, hatch="///")
            if has.any():
                f[has].plot(ax=ax, column="value", cmap=cmap, norm=norm, edgecolor="white", linewidth=0.3)
            _cluster_outlines(f, ax)
            ax.set_axis_off()
            ax.set_title(f"{label}（{counts[label]}/38）", fontsize=9)
        fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=axes, shrink=0.6, label=unit)
        fig.suptitle(title)
        fig.text(0.01, 0.01, f"示意图。数据来源：{source}。灰色斜线为数据暂缺。{BOUNDARY_SOURCE}。", fontsize=6)
    alt = (f"{len(panels)}幅并列的区县分级示意图，{title}（{unit}），共用同一色标："
           + "、".join(f"{k}有{v}个区县有数据" for k, v in counts.items()) + "；灰色斜线为数据暂缺。")
    return Figure(fig, alt=alt, caption=f"{title}（示意图）", name=name)
