"""District maps of the 一区两群 layout: every function returns a :class:`planlib.presentation.figures.Figure`
(the matplotlib figure with its alt text and caption).

All maps use one projected CRS (:data:`planlib.inputs.boundaries.PROJECTED_CRS`), the shipped CJK fonts, and
colour-blind-safe colours; districts without data are grey and hatched (数据暂缺), never a value colour.
Titles, units and source notes are drawn literally (no mathtext) and checked against the shipped fonts
when the figure is saved; captions and alt texts are plain text that the Figure escapes for Markdown.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


def _labels(frame: gpd.GeoDataFrame, ax: Axes, *, skip: set[str] | None = None, size: float = 7) -> list:
    """Short names where each shape has the most room (:func:`_label_point`); the texts drawn."""
    texts = []
    for rec in frame.itertuples():
        if skip and rec.district in skip:
            continue
        point = _label_point(rec.geometry)
        texts.append(ax.text(point.x, point.y, rec.short, ha="center", va="center", fontsize=size, color="#111111"))
    return texts


def _label_point(geometry):
    """The point of the largest part farthest from its edges (the pole of inaccessibility): where a name has
    the most room, never on a neighbour wrapped around by an odd shape (九龙坡区 around 大渡口区)."""
    from shapely.ops import polylabel

    part = max(geometry.geoms, key=lambda g: g.area) if geometry.geom_type == "MultiPolygon" else geometry
    return polylabel(part, tolerance=max(part.length / 1000, 1e-9))


def _callouts(frame: gpd.GeoDataFrame, named: list[str], ax: Axes, placed: list, *, size: float) -> list:
    """Names of the districts ``named`` (of ``frame``, the shapes drawn in ``ax``) outside the shapes, each
    joined to its district by a leader line.

    Each name is put beside all the shapes (on its own side first), at the height of its district or the
    nearest height at which its text and its leader line touch no other name and no other leader line and
    stay inside ``ax`` (checked on the drawn geometry: the figure must be laid out). Returns the
    annotations."""
    from matplotlib.text import Text
    from shapely.geometry import LineString, box

    renderer = ax.figure.canvas.get_renderer() if hasattr(ax.figure.canvas, "get_renderer") else None
    renderer = renderer or ax.figure._get_renderer()
    minx, miny, maxx, maxy = frame.total_bounds
    limits = ax.get_window_extent(renderer)
    area = box(limits.x0, limits.y0, limits.x1, limits.y1)
    taken = [box(*t.get_window_extent(renderer).extents).buffer(1) for t in placed]
    # beside the shapes and beside the names already drawn (a name near an edge reaches beyond it)
    to_data = ax.transData.inverted()
    reach = [to_data.transform(corner) for t in taken for corner in (t.bounds[:2], t.bounds[2:])]
    left = min([minx, *(x for x, _ in reach)]) - 0.03 * (maxx - minx)
    right = max([maxx, *(x for x, _ in reach)]) + 0.03 * (maxx - minx)
    lines: list = []
    out = []
    centre = (minx + maxx) / 2
    records = sorted(frame[frame["district"].isin(named)].itertuples(), key=lambda r: -_label_point(r.geometry).y)
    for rec in records:
        point = _label_point(rec.geometry)
        sides = ["left", "right"] if point.x < centre else ["right", "left"]
        candidates = [(side, point.y + step * 0.05 * (maxy - miny)) for side in sides
                      for step in (0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6)]  # fmt: skip
        chosen = None
        for side, y in candidates:
            x = left if side == "left" else right
            note = ax.annotate(rec.short, (point.x, point.y), xytext=(x, y), fontsize=size,
                               ha="right" if side == "left" else "left", va="center",
                               arrowprops={"arrowstyle": "-", "lw": 0.6, "color": "#333333", "shrinkA": 1,
                                           "shrinkB": 0})  # fmt: skip
            note.update_positions(renderer)
            extent = Text.get_window_extent(note, renderer)  # the name alone, without its leader line
            text = box(*extent.extents)
            start = ax.transData.transform((point.x, point.y))
            end = (extent.x1 if side == "left" else extent.x0, (extent.y0 + extent.y1) / 2)
            line = LineString([tuple(start), end])
            fits = (area.contains(text) and not any(text.intersects(t) for t in taken)
                    and not any(line.intersects(t) for t in taken) and not any(line.intersects(o) for o in lines))
            if fits or (side, y) == candidates[-1]:
                chosen = (note, text, line)
                break
            note.remove()
        note, text, line = chosen
        taken.append(text.buffer(1))
        lines.append(line)
        out.append(note)
    return out


def _free_place(frame: gpd.GeoDataFrame, width: float, height: float, gap: float) -> tuple[float, float]:
    """The lower-left corner of a ``width`` × ``height`` box at the bottom of the map, as far left as it goes
    without touching a district: right of every shape in that band (map units)."""
    from shapely.geometry import box

    minx, miny, maxx, _ = frame.total_bounds
    band = box(minx - 1, miny - 1, maxx + 1, miny + height + gap)
    shapes = frame.geometry.union_all().intersection(band)
    return (shapes.bounds[2] + gap if not shapes.is_empty else minx), miny


def _central_inset(fig, ax: Axes, frame: gpd.GeoDataFrame, colours) -> Axes:
    """The nine 中心城区 districts are too small to label on the whole map: label them in an enlarged inset,
    placed at the bottom of the map where it covers no district (the map is widened when it must be), the
    two smallest (渝中区 23 km², 大渡口区 103 km²) named beside it with leader lines that cross nothing."""
    central = frame[frame["subcluster"] == "中心城区"]
    cminx, cminy, cmaxx, cmaxy = central.total_bounds
    cw, ch = cmaxx - cminx, cmaxy - cminy
    view = (cminx - 0.45 * cw, cmaxx + 0.45 * cw, cminy - 0.04 * ch, cmaxy + 0.04 * ch)  # room for the callouts
    minx, miny, maxx, maxy = frame.total_bounds
    width = 0.36 * (maxx - minx)
    height = width * (view[3] - view[2]) / (view[1] - view[0])
    gap = 0.02 * (maxx - minx)
    x0, y0 = _free_place(frame, width, height * 1.12, gap)  # 12 %: the inset's title above it
    ax.set_xlim(minx - gap, max(maxx, x0 + width) + gap)
    ax.set_ylim(miny - gap, maxy + gap)
    # the inset's place in the figure: the box in map units, where the map's equal aspect puts it
    ax.apply_aspect()
    corners = fig.transFigure.inverted().transform(ax.transData.transform([(x0, y0), (x0 + width, y0 + height)]))
    (fx0, fy0), (fx1, fy1) = corners
    inset = fig.add_axes((fx0, fy0, fx1 - fx0, fy1 - fy0))
    central.plot(ax=inset, color=colours, edgecolor="white", linewidth=0.6)
    inset.set_xlim(view[0], view[1])
    inset.set_ylim(view[2], view[3])
    inset.set_title("中心城区（放大）", fontsize=8)
    inset.set_xlabel("")
    inset.set_ylabel("")
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_visible(True)
        spine.set_color("#888888")
    small = central.geometry.area / 1e6 < 120
    names = _labels(central[~small], inset, size=6)
    inset.apply_aspect()  # as drawing will: the callouts are placed on the geometry that is drawn
    _callouts(central, list(central.loc[small, "district"]), inset, names, size=6)
    return inset


def layout_map() -> Figure:
    """The 一区两群 layout: 38 区县 coloured by cluster (中心城区 / 主城新区 distinguished), cluster outlines,
    the nine 中心城区 enlarged in an inset. Members from :func:`planlib.load_clusters` (the plan's 2020
    grouping, named in the caption), shapes from :func:`planlib.load_boundaries` (source in the figure)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    frame = _layout_frame()
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 6.6))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.04, top=0.94)  # the map as large as the page allows
        colours = frame["group"].map(LAYOUT_COLOURS)
        frame.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.5)
        _cluster_outlines(frame, ax)
        central = set(frame.loc[frame["subcluster"] == "中心城区", "district"])
        _labels(frame, ax, skip=central)
        _central_inset(fig, ax, frame, colours[frame["subcluster"] == "中心城区"])
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
    values: pd.Series | Mapping[object, float],
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
    """Choropleth of a district value: a Series or ``{区县: 数值}`` keyed by 区县 name, short name or 6-digit code.

    ``values`` is typically :func:`planlib.district_values` (float, in its unit); title, unit, year (period)
    and source left out are taken from its ``attrs`` (series name, unit, period, source titles); a Series
    without them is titled by its name, and a source neither given nor recorded reads 来源未注明 in the
    figure and the caption. Keys are read as ``planlib check`` reads district names
    (:func:`planlib.inputs.district_names.district_keyed`: 万州 → 万州区, 500102 → 涪陵区, stray spaces).
    ``scheme`` is any mapclassify scheme ("Quantiles", "NaturalBreaks", "EqualInterval", …; see
    :func:`classify`) or None for a continuous scale; ``k`` the number of classes asked for. Tied values never
    make an empty class or two classes of one value: fewer classes are drawn, and the figure's note and the
    alt text say how many and why. Districts without a value are drawn grey and hatched and listed as
    数据暂缺.

    Raises ``ValueError`` naming every key that is not a 区县 (with the closest names) or names a 区县 already
    given, and, when no district has a value, naming the keys given.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from planlib.inputs.district_names import district_keyed, given_keys
    from planlib.presentation.figures import NO_SOURCE, labels

    said = labels(values, title=title, unit=unit, year=year, source=source)
    title, unit, year, source = said.title, said.unit, said.year, said.source

    keyed = district_keyed(values)
    frame = _layout_frame()
    frame["value"] = frame["district"].map(keyed).astype(float)
    has = frame["value"].notna()
    if has.sum() == 0:
        empty = ",数值均为空" if len(keyed) else ""
        raise ValueError(f"没有任何区县有数值,无法绘制分级图({given_keys(values)}{empty})")
    data = frame[has]
    classes = classify(data["value"].to_numpy(), scheme, k) if scheme else None
    note = classes.note if classes else ""
    with house_style():
        fig, ax = plt.subplots(figsize=(8, 6.6))
        if (~has).any():
            frame[~has].plot(ax=ax, color=MISSING_COLOUR, edgecolor="white", linewidth=0.5, hatch="///")
        value_legend = None
        if classes is not None:
            colours = _class_colours(cmap, len(classes.labels))
            data.plot(ax=ax, color=[colours[i] for i in classes.index], edgecolor="white", linewidth=0.5)
            handles = [Patch(facecolor=c, edgecolor="white", label=t) for c, t in zip(colours, classes.labels,
                                                                                    strict=True)]  # fmt: skip
            value_legend = ax.legend(handles=handles, loc="lower right", fontsize=7, title=unit, title_fontsize=8)
        else:
            data.plot(ax=ax, column="value", cmap=cmap, edgecolor="white", linewidth=0.5, legend=True,
                      legend_kwds={"label": unit, "shrink": 0.6})  # fmt: skip
        _cluster_outlines(frame, ax)
        if (~has).any():
            ax.legend(handles=[Patch(facecolor=MISSING_COLOUR, hatch="///", edgecolor="#888888",
                                     label=f"{MISSING_LABEL}（{int((~has).sum())}个）")], loc="upper left", fontsize=7)
            if value_legend is not None:
                ax.add_artist(value_legend)  # a second ax.legend() replaces the class legend: keep it
        ax.set_title(f"{title}（{year}）")
        _decorate(ax, frame)
        fig.text(0.01, 0.01, f"示意图。数据来源：{source}。{note}{BOUNDARY_SOURCE}。", fontsize=6.5, color="#444444",
                 wrap=True)  # fmt: skip
    missing = "、".join(frame.loc[~has, "short"])
    when = f"{year}年" if isinstance(year, int) else str(year)
    unit_text = f"（单位：{unit}）" if unit else ""
    drawn = (note or f"{classes.summary}。") if classes else ""  # the note says how many classes, and why
    alt = (f"{when}重庆市各区县{title}分级示意图{unit_text}。{int(has.sum())}个区县有数据，{_spread_text(data)}。"
           f"{drawn}" + (f"数据暂缺：{missing}。" if missing else ""))
    caption = f"{title}（{year}，示意图）" if said.source_given else f"{title}（{year}，示意图；{NO_SOURCE}）"
    return Figure(fig, alt=alt, caption=caption, name=name)


def _spread_text(data: pd.DataFrame) -> str:
    """'最高为A（9.0），最低为B、C（1.0）；主城都市区平均…' — or '数值均为7.0' when every district has the same
    value; numbers with as many decimals as it takes to tell the highest from the lowest (at least one)."""
    values = data["value"]
    top, low = values.max(), values.min()
    if top == low:
        return f"数值均为{_number(top, 1)}"
    digits = _digits_apart([low, top])
    by_cluster = data.groupby("cluster")["value"].mean()
    clusters = "、".join(f"{CLUSTER_SHORT[c]}平均{_number(v, digits)}" for c, v in by_cluster.items())
    return (f"最高为{_names(data.loc[values == top, 'district'])}（{_number(top, digits)}），"
            f"最低为{_names(data.loc[values == low, 'district'])}（{_number(low, digits)}）；{clusters}")


def _names(names: pd.Series, limit: int = 3) -> str:
    """'万州区', '万州区、涪陵区', or '万州区、涪陵区、渝中区等5个区县' for ties."""
    names = list(names)
    return "、".join(names[:limit]) + (f"等{len(names)}个区县" if len(names) > limit else "")


def _number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def _digits_apart(values: list[float], least: int = 1, most: int = 6) -> int:
    """The fewest decimals (``least``…``most``) at which the sorted ``values`` print strictly increasing."""
    for digits in range(least, most + 1):
        shown = [round(float(v), digits) for v in values]
        if all(a < b for a, b in itertools.pairwise(shown)):
            return digits
    return most


# mapclassify's schemes in the words a reader of the figure or its alt text understands
SCHEME_WORDS = {"quantiles": "分位数", "equalinterval": "等间距", "naturalbreaks": "自然断点",
                "fisherjenks": "自然断点", "fisherjenkssampled": "自然断点", "jenkscaspall": "自然断点",
                "jenkscaspallforced": "自然断点", "jenkscaspallsampled": "自然断点", "maximumbreaks": "最大间隔",
                "maxp": "自然断点", "boxplot": "箱线图", "percentiles": "百分位数", "stdmean": "均值与标准差",
                "headtailbreaks": "头尾断点", "prettybreaks": "整数断点"}  # fmt: skip


_SCHEMES_WITH_K = {"quantiles", "equalinterval", "naturalbreaks", "fisherjenks", "fisherjenkssampled",
                   "jenkscaspall", "jenkscaspallforced", "jenkscaspallsampled", "maximumbreaks", "maxp",
                   "prettybreaks"}  # fmt: skip


@dataclass(frozen=True)
class Classes:
    """Classes of a choropleth (:func:`classify`): ``index`` the class of each value (0 = lowest), ``labels``
    the range of the values in each class as the legend prints it, ``summary`` the words for the alt text
    ('按分位数分为5级'), ``note`` how many classes there are and why, when fewer than asked ('' otherwise)."""

    index: list[int]
    labels: list[str]
    summary: str
    note: str


def classify(values: Sequence[float], scheme: str = "Quantiles", k: int = 5) -> Classes:
    """Class each of ``values`` (finite floats) by a mapclassify ``scheme`` into at most ``k`` classes.

    Every class holds at least one value and no value is split from an equal one, so tied values give fewer
    classes rather than an empty class or a class "5.0, 5.0": with at most ``k`` distinct values each is its
    own class; otherwise the scheme's classes that hold a value are kept. The legend label of a class is the
    range of the values in it ('5.0—6.5', or '5.0' for one value), with the fewest decimals (at least one)
    at which the classes print apart. mapclassify's own warnings (in English) are not passed on: ``note``
    says in Chinese why there are fewer classes. Raises ``ValueError`` for ``k`` below 2 or an unknown
    scheme."""
    import warnings

    import numpy as np

    if not isinstance(k, int) or isinstance(k, bool) or k < 2:
        raise ValueError(f"分级数 k 应为不小于 2 的整数,而不是 {k!r}")
    key = str(scheme).replace("_", "").lower()
    words = SCHEME_WORDS.get(key)
    if words is None:
        raise ValueError(f"不认识的分级方法“{scheme}”;可用:Quantiles(分位数)、EqualInterval(等间距)、"
                         "NaturalBreaks(自然断点)、FisherJenks、MaximumBreaks、BoxPlot、Percentiles、StdMean、"
                         "HeadTailBreaks、PrettyBreaks")  # fmt: skip
    y = np.asarray(values, dtype=float)
    distinct = np.unique(y)
    if len(distinct) <= k:
        index = [int(i) for i in np.searchsorted(distinct, y)]
        summary = f"每种数值一级，共{len(distinct)}级"
        note = ""
        if len(distinct) == 1:
            note = "各区县数值相同，图中只有一种颜色。"
        elif len(distinct) < k:
            note = f"只有{len(distinct)}种不同的数值，每种一级，共{len(distinct)}级（少于要求的{k}级）。"
    else:
        import mapclassify

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Not enough unique values…", "Numba not installed…": said below
            found = mapclassify.classify(y, key, k=k)
        used = sorted({int(c) for c in found.yb})
        index = [used.index(int(c)) for c in found.yb]
        summary = f"按{words}分为{len(used)}级"
        note = ""
        if key == "quantiles" and len(used) < k:
            # ties swallowed classes: equal values stay together, the rest is split by quantiles (stated)
            index = _tied_quantiles(y, k)
            summary = f"按分位数分为{max(index) + 1}级"
            note = (f"数值相同的区县较多，分位数分级时数值相同者归为同一级，其余区县再按分位数分级，"
                    f"共{max(index) + 1}级。")  # fmt: skip
        elif len(used) < (asked := k if key in _SCHEMES_WITH_K else int(found.k)):
            whose = f"要求的{k}级" if key in _SCHEMES_WITH_K else f"该方法的{asked}级"  # BoxPlot, Percentiles …
            note = f"部分区间内没有区县，按{words}只能分出{len(used)}级（少于{whose}）。"
    n = max(index) + 1
    members = [y[[i == c for i in index]] for c in range(n)]
    lows, highs = [float(m.min()) for m in members], [float(m.max()) for m in members]
    # the fewest decimals at which each class prints apart from the next
    digits = next((d for d in range(1, 7) if all(round(highs[c], d) < round(lows[c + 1], d) for c in range(n - 1))), 6)
    labels = [_number(lo, digits) if round(lo, digits) == round(hi, digits) else
              f"{_number(lo, digits)}—{_number(hi, digits)}" for lo, hi in zip(lows, highs, strict=True)]  # fmt: skip
    return Classes(index=index, labels=labels, summary=summary, note=note)


def _tied_quantiles(y: Sequence[float], k: int) -> list[int]:
    """Quantile classes that never split equal values: walking up the distinct values, each class takes values
    until it holds its share of what is left (the values left ÷ the classes left); a tie larger than a share
    is one class, and at most ``k`` classes are made, each non-empty. The class of each of ``y``."""
    import numpy as np

    distinct, counts = np.unique(np.asarray(y, dtype=float), return_counts=True)
    class_of: dict[float, int] = {}
    start, left = 0, k
    while start < len(distinct):
        share = counts[start:].sum() / left
        end, taken = start, 0
        # take whole ties until the share is reached, leaving a value for every class still to come
        while end < len(distinct) and (taken == 0 or (taken < share and len(distinct) - end >= left)):
            taken += counts[end]
            end += 1
        if left == 1:
            end = len(distinct)
        for value in distinct[start:end]:
            class_of[float(value)] = k - left
        start, left = end, left - 1
    return [class_of[float(v)] for v in y]


def _class_colours(cmap: str, n: int) -> list[str]:
    """``n`` colours from ``cmap``, lowest class first (one class: the middle of the map)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    colours = colormaps[cmap]
    return [to_hex(colours(0.5 if n == 1 else i / (n - 1))) for i in range(n)]


def _with_sources(sources: list[str]) -> object:
    """A stand-in carrying ``attrs["sources"]`` (each source once, most frequent first) for :func:`labels`."""
    from collections import Counter
    from types import SimpleNamespace

    return SimpleNamespace(attrs={"sources": [s for s, _ in Counter(sources).most_common()]}, name=None)


def small_multiples(panels: Mapping[str, pd.Series | Mapping[object, float]], *, title: str | None = None,
                    unit: str | None = None, source: str | None = None, cmap: str = "viridis",
                    name: str = "small-multiples") -> Figure:  # fmt: skip
    """District values side by side (panel label → Series or ``{区县: 数值}``, e.g. ``{"2023年":
    planlib.district_values(obs, "gdp", year=2023), …}``), keys read as :func:`district_map` reads them.

    Panels of one series and unit share one colour scale. Panels of different series or units (each panel's
    ``attrs`` name and unit, as :func:`planlib.district_values` records them) are never put on one scale:
    each group gets its own scale and colour bar, labelled with its name and unit, and the alt text says
    so. ``title`` and ``unit`` left out come from the panels' ``attrs`` (several series: their names
    joined); ``unit`` is the unit of panels that record none. The source comes from every panel's recorded
    sources; none recorded reads 来源未注明.

    Raises ``ValueError`` for no panel, for a ``unit`` that contradicts a unit a panel records, for a key
    that is not a 区县 or names one twice (see :func:`district_map`), and when no panel has a value."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    from planlib.inputs.district_names import district_keyed, given_keys
    from planlib.presentation.figures import labels

    if not panels:
        raise ValueError("没有给出任何一幅图(panels 为空);应为:{图名: 区县数值},如 {\"2023年\": district_values(...)}")
    groups: dict[str, tuple[str, str]] = {}  # panel label -> (series name, unit)
    keyed: dict[str, pd.Series] = {}
    for label, series in panels.items():
        attrs = getattr(series, "attrs", None) or {}
        recorded = str(attrs.get("unit") or "")
        if unit is not None and recorded and recorded != unit:
            raise ValueError(f"给出的单位“{unit}”与“{label}”一幅记录的单位“{recorded}”不同;"
                             "不同单位的数值不能共用一个色标,请去掉 unit=,或只放同一单位的图")  # fmt: skip
        groups[label] = (str(attrs.get("name") or title or ""), recorded or (unit or ""))
        keyed[label] = district_keyed(series, what=f"“{label}”一幅的区县数值")
    if source is None:
        recorded = [s for series in panels.values() for s in (getattr(series, "attrs", None) or {}).get("sources", [])]
        source = labels(_with_sources(recorded)).source if recorded else None
    kinds = list(dict.fromkeys(groups.values()))
    names = [n for n in dict.fromkeys(n for n, _ in kinds) if n]
    said = labels(next(iter(panels.values())), title=title or "、".join(names) or None, unit=unit, source=source)
    title, source = said.title, said.source

    frame = _layout_frame()
    scales = {}
    for kind in kinds:
        values = [v for label, s in keyed.items() if groups[label] == kind for v in s.dropna().to_numpy()]
        if values:
            low, high = min(values), max(values)
            pad = 0.0 if high > low else max(abs(low) * 0.05, 0.5)  # one value: the middle of the colours
            scales[kind] = Normalize(low - pad, high + pad)
    if not scales:
        given = ";".join(f"“{label}”{given_keys(panels[label])}" for label in panels)
        raise ValueError(f"没有任何区县有数值,无法绘制({given})")
    with house_style():
        fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 3.4 if len(kinds) == 1 else 3.9))
        axes = [axes] if len(panels) == 1 else list(axes)
        counts = {}
        for ax, (label, series) in zip(axes, keyed.items(), strict=True):
            f = frame.assign(value=frame["district"].map(series).astype(float))
            has = f["value"].notna()
            counts[label] = int(has.sum())
            if (~has).any():
                f[~has].plot(ax=ax, color=MISSING_COLOUR, edgecolor="white", linewidth=0.3, hatch="///")
            if has.any():
                f[has].plot(ax=ax, column="value", cmap=cmap, norm=scales[groups[label]], edgecolor="white",
                            linewidth=0.3)  # fmt: skip
            _cluster_outlines(f, ax)
            ax.set_axis_off()
            ax.set_title(f"{label}（{counts[label]}/38）", fontsize=9)
        if len(kinds) == 1:
            fig.colorbar(plt.cm.ScalarMappable(norm=scales[kinds[0]], cmap=cmap), ax=axes, shrink=0.6,
                         label=kinds[0][1])  # fmt: skip
        else:
            for run in _runs(list(groups.values())):  # one colour bar under each run of panels of one kind
                kind = groups[list(panels)[run[0]]]
                if kind in scales:
                    what = f"{kind[0]}（{kind[1]}）" if kind[0] and kind[1] else kind[0] or kind[1]
                    fig.colorbar(plt.cm.ScalarMappable(norm=scales[kind], cmap=cmap), ax=[axes[i] for i in run],
                                 orientation="horizontal", shrink=0.8, pad=0.02, label=what)  # fmt: skip
        fig.suptitle(title)
        fig.text(0.01, 0.01, f"示意图。数据来源：{source}。灰色斜线为数据暂缺。{BOUNDARY_SOURCE}。", fontsize=6)
    if len(kinds) == 1:
        alt = (f"{len(panels)}幅并列的区县分级示意图，{title}（{kinds[0][1]}），共用同一色标："
               + "、".join(f"{k}有{v}个区县有数据" for k, v in counts.items()) + "；灰色斜线为数据暂缺。")
    else:
        parts = []
        for kind in kinds:
            what = f"{kind[0]}（{kind[1]}）" if kind[0] and kind[1] else kind[0] or kind[1] or "未注明单位"
            shown = "、".join(f"{k}有{v}个区县有数据" for k, v in counts.items() if groups[k] == kind)
            parts.append(f"{what}：{shown}")
        alt = (f"{len(panels)}幅并列的区县分级示意图，{title}；指标或单位不同，分{len(kinds)}组，各用各自的色标。"
               + "；".join(parts) + "；灰色斜线为数据暂缺。")
    return Figure(fig, alt=alt, caption=f"{title}（示意图）", name=name)


def _runs(kinds: list) -> list[list[int]]:
    """Indices of consecutive equal items: ['a', 'a', 'b', 'a'] → [[0, 1], [2], [3]]."""
    runs: list[list[int]] = []
    for i, kind in enumerate(kinds):
        if runs and kinds[runs[-1][-1]] == kind:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs
