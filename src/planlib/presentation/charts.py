"""Progress charts: each function returns a :class:`planlib.presentation.figures.Figure` with alt text.

Captions and alt texts are plain text (the Figure escapes them for Markdown); labels drawn from data
(names, units, period labels) are literal — the house style turns matplotlib's mathtext off, so a ``$``
stays a dollar sign — and are checked against the shipped fonts when the figure is saved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib.indicators import assessment as A
from planlib.indicators.marks import symbols
from planlib.presentation.figures import Figure
from planlib.presentation.style import PALETTE, house_style
from planlib.presentation.tables import fmt_number

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from planlib.inputs.plan import Plan

# One segment per evaluation class, in the order of the counts sentence (the same words as text and tables);
# colour-blind-safe (Okabe–Ito): greens done, blue in line, vermilion behind, greys for what judges nothing.
STATUS_COLOURS = {
    A.EARLY: "#005F46", A.DONE: "#009E73", A.AHEAD: "#0072B2", A.IN_LINE: "#56B4E9", A.BEHIND: "#E69F00",
    A.NOT_DONE: "#D55E00", A.INCOMPLETE: "#999999", A.MISSING: "#DDDDDD",
}  # fmt: skip


def cumulative_progress(plan: Plan, observations: pd.DataFrame, target_id: str, as_of: int) -> Figure:
    """Cumulative total of a five-year target year by year against the straight 序时进度 path.

    Only for ``kind: cumulative`` targets (a five-year total; a ``range`` target's path leads to its lower
    bound). Raises ``ValueError`` saying so for any other kind (use :func:`trajectory`), ``KeyError`` for
    an id the plan does not have."""
    import matplotlib.pyplot as plt

    from planlib.inputs.observations import annual_values

    spec = plan.target(target_id)
    if spec["kind"] != "cumulative":
        raise ValueError(f"“{spec['name']}”({target_id})不是五年累计目标(类型 {spec['kind']}),"
                         "没有累计进度;请用 charts.trajectory")
    start, end = plan.meta.period_start, plan.meta.period_end
    region = plan.meta.region  # the plan's whole area (全市, 全国, …)
    values = annual_values(observations, target_id, region)
    year_marks = _year_marks(observations, target_id, region)
    years = [y for y in range(start, as_of + 1)]
    have = [y for y in years if y in values.index]
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 4))
        path_years = [start - 1, *range(start, end + 1)]
        path = [spec["target"] * (y - start + 1) / (end - start + 1) for y in path_years]
        ax.plot(path_years, path, linestyle="--", color="#555555", label="序时进度（均匀完成目标）")
        running, xs, ys, labels = 0.0, [start - 1], [0.0], []
        gap, carried = None, ""
        for y in years:
            if y not in values.index:
                gap = y
                break
            running += float(values[y])
            carried = "".join(dict.fromkeys(carried + year_marks.get(y, "")))  # a total holds every year's marks
            xs.append(y)
            ys.append(running)
            labels.append(fmt_number(running) + carried)
        ax.plot(xs, ys, marker="o", color=PALETTE[0], label="实际累计（全年值）")
        for x, yv, label in zip(xs[1:], ys[1:], labels, strict=True):
            ax.annotate(label, (x, yv), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
        ax.axhline(spec["target"], color=PALETTE[3], linewidth=1, label=f"五年目标 {fmt_number(spec['target'])}")
        ax.set_xticks(path_years, [f"{y}" if y >= start else "起点" for y in path_years])
        ax.set_xlabel("年份")
        ax.set_ylabel(f"累计（{spec['unit']}）")
        ax.set_title(f"{spec['name']}：累计进度与序时进度")
        ax.legend(fontsize=8, loc="lower right")
    span = f"{start}—{xs[-1]}年" if xs[-1] > start else f"{start}年"
    done = f"{span}累计{fmt_number(ys[-1])}{spec['unit']}" if len(xs) > 1 else "尚无全年数据"
    missing = f"；{gap}年全年数据暂缺，累计线在此中断" if gap else ""
    alt = (f"折线图：{spec['name']}的实际累计值与序时进度线。{done}，五年目标{fmt_number(spec['target'])}"
           f"{spec['unit']}{missing}。" + (f"有数据的年份：{'、'.join(map(str, have))}。" if have else ""))
    name = f"progress-{target_id.replace('_', '-')}"
    shown = "".join(dict.fromkeys(year_marks.get(y, "") for y in xs[1:]))
    caption = f"{spec['name']}累计进度（截至{as_of}年）" + _legend_suffix(shown)
    return Figure(fig, alt=alt + _legend_suffix(shown), caption=caption, name=name, marks=shown)


def status_overview(assessment: pd.DataFrame, as_of: int, headline_label: str = "") -> Figure:
    """One glance at the headline indicators: how many are ahead, in line, behind, without data.

    ``assessment`` is the frame of :func:`planlib.assess` (its ``group`` and ``status`` columns; only
    ``group == "headline"`` rows count). A horizontal stacked bar of counts (项); the alt text gives each
    count. ``headline_label`` names the plan's headline table in the title (``plan.meta.headline_label``,
    e.g. 专栏1; empty: no name)."""
    import matplotlib.pyplot as plt

    head = assessment[assessment["group"] == "headline"]
    counts = {s: len(names) for s, names in A.by_class(head).items()}
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 3.4))
        left = 0
        for status, n in counts.items():
            label = f"{A.listed(status)}（{n}项）"
            ax.barh([0], [n], left=left, color=STATUS_COLOURS[status], edgecolor="white", label=label)
            ax.text(left + n / 2, 0, str(n), ha="center", va="center", fontsize=11, fontweight="bold")
            left += n
        ax.set_xlim(0, max(len(head), 1))
        ax.set_yticks([])
        ax.set_xlabel("指标数（项）")
        ax.set_title(f"{headline_label}主要指标进展概览（截至{as_of}年）")
        ax.legend(ncols=2, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.35))
        fig.tight_layout()
    parts = "，".join(f"{A.listed(g)}{n}项" for g, n in counts.items())
    of = f"{headline_label}的" if headline_label else ""
    alt = f"横向堆积条形图：{of}{len(head)}项主要指标按评估结论分类，{parts}。"
    return Figure(fig, alt=alt, caption=f"主要指标进展概览（截至{as_of}年）", name="status-overview")


def trajectory(plan: Plan, observations: pd.DataFrame, target_id: str, as_of: int, *,
               name: str | None = None, title: str | None = None) -> Figure:  # fmt: skip
    """The values of the plan's area (``plan.meta.region``, e.g. 全市) of one indicator or target against what
    the plan asks, for every target kind.

    Each year is the span between two tick marks, its label in the middle. Full-year values are points in
    the middle of their year, joined by a line; partial-period values are hollow points at the date their
    period ends, within their year (“2023年3月末” a quarter into 2023), labelled with their period inside the
    plot area (never a year's value); values after ``as_of`` are left out. A baseline that is a multi-year
    total (``baseline_period`` such as 2016-2020: the previous plan's five-year total) is never drawn as a
    year's point: a note under the plot says what it is. What is drawn as the target depends on the
    target's ``kind`` and ``comparator`` (plan YAML):

    - ``level``: the path baseline → target (序时进度) when the baseline is known, and the target line;
    - ``annual``: the bound that must hold every year (a band for ``range``);
    - ``cumulative``: the yearly pace the five-year total needs (total ÷ years of the period; a band for
      ``range``) — the running total against 序时进度 is :func:`cumulative_progress`;
    - ``relative`` (e.g. 高于 GDP 增速) and ``qualitative`` (e.g. 稳步提高): no number to draw; the values
      are shown and the alt text says what the target asks.

    Returns a :class:`planlib.presentation.figures.Figure` (alt text lists every value drawn). Raises
    ``KeyError`` for an id the plan does not have.
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    spec = plan.target(target_id)
    start, end = plan.meta.period_start, plan.meta.period_end
    obs = observations[(observations["indicator_id"] == target_id) & (observations["region"] == plan.meta.region)
                       & observations["preferred"] & (observations["period_end"] <= f"{as_of}-12-31")]  # fmt: skip
    annual = obs[obs["is_annual"]].sort_values("year")
    partial = obs[obs["period_type"] == "partial_year"].sort_values("period_end")
    base_year = int(spec["baseline_year"]) if pd.notna(spec["baseline_year"]) else None
    kind, comparator, unit = spec["kind"], spec["comparator"], spec["unit"]
    has_target = pd.notna(spec["target"])
    band = comparator == "range" and has_target and pd.notna(spec.get("target_high"))
    years = end - start + 1
    # the number drawn as the target: the level or bound, or for a five-year total the pace per year
    per_year = kind == "cumulative"
    low = spec["target"] / years if per_year and has_target else spec["target"]
    high = (spec["target_high"] / years if per_year else spec["target_high"]) if band else None
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 4))
        if kind == "level" and base_year is not None and has_target:
            ax.plot([base_year, end], [spec["baseline"], spec["target"]], linestyle="--", color="#555555",
                    label="目标路径（基数→目标，序时进度）")  # fmt: skip
        if band:
            what = "每年所需（五年目标区间÷5）" if per_year else "目标区间"
            ax.axhspan(low, high, color=PALETTE[3], alpha=0.15,
                       label=f"{what} {fmt_number(low)}—{fmt_number(high)}{unit}")  # fmt: skip
        elif has_target and per_year:
            ax.axhline(low, color=PALETTE[3], linewidth=1, linestyle=":",
                       label=f"年均所需 {fmt_number(low)}{unit}（五年目标{fmt_number(spec['target'])}{unit}÷{years}）")
        elif has_target:
            ax.axhline(spec["target"], color=PALETTE[3], linewidth=1,
                       label=f"目标 {fmt_number(spec['target'])}{spec['unit']}")  # fmt: skip
        total_base = _baseline_total(spec, plan.meta.previous_period_name)  # a five-year total is no year's value
        if base_year is not None and not total_base:
            ax.plot([base_year], [spec["baseline"]], marker="s", color="#555555", linestyle="none",
                    label=f"{base_year}年基数")  # fmt: skip
        if not annual.empty:
            ax.plot(annual["year"].astype(int), annual["value"], marker="o", color=PALETTE[0], label="全年值")
        for rec in annual.to_dict("records"):
            if symbols([rec]):  # a low-confidence or test value says so beside its point
                ax.annotate(symbols([rec]), (int(rec["year"]), rec["value"]), textcoords="offset points",
                            xytext=(5, 4), fontsize=8, color=PALETTE[0])  # fmt: skip
        partial_labels = []
        for rec in partial.to_dict("records"):
            x = date_position(rec["period_end"])  # at its date within its year
            ax.plot([x], [rec["value"]], marker="o", markerfacecolor="white", color=PALETTE[1], linestyle="none")
            # the label on the side of the point away from the line of full-year values
            below = _line_at(annual, x) is not None and _line_at(annual, x) >= rec["value"]
            partial_labels.append(ax.annotate(rec["period_label"] + symbols([rec]), (x, rec["value"]),
                                              textcoords="offset points", xytext=(0, -7 if below else 7),
                                              ha="center", va="top" if below else "bottom", fontsize=7,
                                              color=PALETTE[1]))  # fmt: skip
        if not partial.empty:
            ax.plot([], [], marker="o", markerfacecolor="white", color=PALETTE[1], linestyle="none",
                    label="部分时期值（不作全年值）")  # fmt: skip
        if annual.empty and partial.empty:
            ax.text(0.5, 0.5, f"{start}—{min(as_of, end)}年数据暂缺", transform=ax.transAxes, ha="center",
                    va="center", fontsize=10, color="#666666")  # fmt: skip
        first = base_year or start
        ax.set_xlim(first - 0.5, end + 0.5)
        _year_axis(ax, first, end)
        if total_base:
            fig.text(0.01, 0.01, f"注：基数{total_base}，不是某一年的数值，图中不作年度值绘出。", fontsize=7,
                     color="#444444")  # fmt: skip
            fig.subplots_adjust(bottom=0.17)
        ax.set_xlabel("年份")
        ax.set_ylabel(f"{spec['name']}（{unit}）")
        ax.set_title(title or f"{spec['name']}：实际值与目标")
        _inside(ax, partial_labels)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="best")
    pts = "、".join(f"{int(r['year'])}年{fmt_number(r['value'])}{symbols([r])}"
                   for r in annual.to_dict("records")) or "无全年值"  # fmt: skip
    parts = "、".join(f"{r['period_label']}{fmt_number(r['value'])}{symbols([r])}" for r in partial.to_dict("records"))
    shown = symbols([*annual.to_dict("records"), *partial.to_dict("records")])
    alt = (f"折线图：{spec['name']}（{unit}）。全年值：{pts}。"
           + (f"部分时期值（空心点，不作全年值）：{parts}。" if parts else "")
           + _target_text(spec, years)
           + (f"基数{total_base}，不是年度值，图中未绘出。" if total_base else ""))
    name = name or f"trajectory-{target_id.replace('_', '-')}"
    caption = f"{title or spec['name'] + '：实际值与目标'}（截至{as_of}年）" + _legend_suffix(shown)
    return Figure(fig, alt=alt + _legend_suffix(shown), caption=caption, name=name, marks=shown)


def date_position(date: str) -> float:
    """Where a date (``YYYY-MM-DD``) lies on a chart's year axis, on which year Y spans Y − 0.5 to Y + 0.5 (its
    full-year value in the middle, at Y): the end of that day. ``2023-03-31`` → 2022.5 + 90/365 ≈ 2022.75,
    a quarter into 2023; ``2023-12-31`` → 2023.5, the end of 2023."""
    import datetime as dt

    day = dt.date.fromisoformat(str(date)[:10])
    days = (dt.date(day.year + 1, 1, 1) - dt.date(day.year, 1, 1)).days
    return day.year - 0.5 + day.timetuple().tm_yday / days


def _year_axis(ax, first: int, last: int) -> None:
    """Tick marks between the years, each year's label in the middle of its span (no tick mark there)."""
    ax.set_xticks([y - 0.5 for y in range(first, last + 2)], [""] * (last - first + 2))
    ax.set_xticks(range(first, last + 1), [str(y) for y in range(first, last + 1)], minor=True)
    ax.tick_params(axis="x", which="minor", length=0)
    ax.tick_params(axis="x", which="major", length=5)


def _inside(ax, texts: list) -> None:
    """Keep each annotation within the plot area: one that would run over the left or right edge is
    aligned to the other side of its point, and the value axis grows until each fits below the top."""
    if not texts:
        return
    figure = ax.figure
    renderer = figure.canvas.get_renderer() if hasattr(figure.canvas, "get_renderer") else figure._get_renderer()
    box = ax.get_window_extent(renderer)
    for text in texts:
        extent = text.get_window_extent(renderer)
        if extent.x1 > box.x1:
            text.set_horizontalalignment("right")
        elif extent.x0 < box.x0:
            text.set_horizontalalignment("left")
    for _ in range(5):
        extents = [t.get_window_extent(renderer) for t in texts]
        over = max(e.y1 for e in extents) - (box.y1 - 2)  # display units beyond the top, the bottom
        under = (box.y0 + 2) - min(e.y0 for e in extents)
        if over <= 0 and under <= 0:
            break
        low, high = ax.get_ylim()
        per = (high - low) / box.height
        ax.set_ylim(low - max(under + 4, 0) * per, high + max(over + 4, 0) * per)


def _line_at(annual: pd.DataFrame, x: float) -> float | None:
    """The line of full-year values (at their years) at ``x``; None outside it."""
    import numpy as np

    if annual.empty:
        return None
    years = annual["year"].astype(int).to_numpy()
    if not years.min() <= x <= years.max():
        return None
    return float(np.interp(x, years, annual["value"].astype(float).to_numpy()))


def _baseline_total(spec: dict, previous: str | None) -> str:
    """'“十三五”（2016—2020年）累计362万人' for a baseline that is a multi-year total (``baseline_period``
    spanning several years), '' for a baseline of one year."""
    import re

    span = re.fullmatch(r"(\d{4})\s*[-—–]\s*(\d{4})", str(spec.get("baseline_period") or "").strip())
    if span is None or span[1] == span[2] or spec.get("baseline") != spec.get("baseline"):
        return ""
    name = f"“{previous}”（{span[1]}—{span[2]}年）" if previous else f"{span[1]}—{span[2]}年"
    return f"为{name}累计{fmt_number(spec['baseline'])}{spec['unit']}"


def _target_text(spec: dict, years: int) -> str:
    """The target in the alt text: ``目标5.5%。`` for a level or bound (unchanged wording), the range, the
    five-year total with its yearly pace, or the plan's own words for a target without a number."""
    import pandas as pd

    unit = spec["unit"]
    if pd.isna(spec["target"]):
        from planlib.presentation.narrative import target_text

        kind = "相对目标" if spec["kind"] == "relative" else "定性目标"
        return f"{kind}“{target_text(spec)}”，无数值路径。"
    if spec["comparator"] == "range" and pd.notna(spec.get("target_high")):
        text = f"目标区间{fmt_number(spec['target'])}—{fmt_number(spec['target_high'])}{unit}"
    else:
        text = f"目标{fmt_number(spec['target'])}{unit}"
    if spec["kind"] == "cumulative":
        return f"五年累计{text}，年均所需{fmt_number(spec['target'] / years)}{unit}。"
    return f"{text}。"


def _year_marks(observations: pd.DataFrame, series_id: str, region: str) -> dict[int, str]:
    """Year → the marks of the full-year value :func:`planlib.inputs.observations.annual_values` uses."""
    sel = observations[(observations["indicator_id"] == series_id) & (observations["region"] == region)
                       & observations["is_annual"] & observations["preferred"]]  # fmt: skip
    return {int(r["year"]): symbols([r]) for r in sel.to_dict("records") if symbols([r])}


def _legend_suffix(shown: str) -> str:
    """'(† 低可信度来源……)' after a caption whose figure shows marked values; '' otherwise."""
    from planlib.indicators.marks import legend

    notes = legend([shown])
    return "（" + " ".join(notes) + "）" if notes else ""


def cluster_dots(values: pd.Series | Mapping[object, float], *, title: str | None = None, unit: str | None = None,
                 year: str | int | None = None, source: str | None = None,
                 name: str = "cluster-dots") -> Figure:  # fmt: skip
    """District values grouped by 一区两群 cluster, one dot per district, with each cluster's mean.

    ``values`` as for :func:`planlib.maps.district_map` (a Series or ``{区县: 数值}``, keys read as ``planlib
    check`` reads names; title, unit, year and source default to its ``attrs``; a source neither given nor
    recorded reads 来源未注明). Raises ``ValueError`` naming every key that is not a 区县 or names one twice."""
    import matplotlib.pyplot as plt

    from planlib.inputs.district_names import district_keyed
    from planlib.inputs.regions import CLUSTER_SHORT, CLUSTERS, load_clusters
    from planlib.presentation.figures import NO_SOURCE, labels

    said = labels(values, title=title, unit=unit, year=year, source=source)
    title, unit, year, source = said.title, said.unit, said.year, said.source

    clusters = load_clusters().set_index("district")
    data = district_keyed(values).dropna().rename("value").to_frame().join(clusters[["cluster", "short"]])
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 4.2))
        for i, cluster in enumerate(CLUSTERS):
            part = data[data["cluster"] == cluster].sort_values("value")
            if part.empty:
                continue
            xs = [i + (j - (len(part) - 1) / 2) * 0.03 for j in range(len(part))]
            ax.scatter(xs, part["value"], color=PALETTE[i], s=18, zorder=3)
            ax.hlines(part["value"].mean(), i - 0.3, i + 0.3, color=PALETTE[i], linewidth=2)
            ax.text(i + 0.32, part["value"].mean(), f"平均 {fmt_number(part['value'].mean())}", va="center", fontsize=7)
        labels = [f"{CLUSTER_SHORT[c]}\n（{int((data['cluster'] == c).sum())}/"
                  f"{int((clusters['cluster'] == c).sum())}个区县有数据）" for c in CLUSTERS]  # fmt: skip
        ax.set_xticks(range(len(CLUSTERS)), labels)
        ax.set_ylabel(unit)
        ax.set_title(f"{title}：按片区（{year}）")
        fig.tight_layout(rect=(0, 0.05, 1, 1))
        fig.text(0.01, 0.01, f"数据来源：{source}。横线为片区内区县的简单平均。", fontsize=6.5, color="#444444")
    when = f"{year}年" if isinstance(year, int) else str(year)
    means = data.groupby("cluster")["value"].mean()
    alt = (f"点图：{when}各区县{title}（{unit}）按一区两群分组，每点一个区县。"
           + "、".join(f"{CLUSTER_SHORT[c]}{int((data['cluster'] == c).sum())}个区县平均{fmt_number(means[c])}"
                       for c in CLUSTERS if c in means.index) + "。")
    caption = f"{title}：按片区（{year}）" + ("" if said.source_given else f"（{NO_SOURCE}）")
    return Figure(fig, alt=alt, caption=caption, name=name)
