"""Progress charts: each function returns a :class:`planlib.figures.Figure` with alt text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib import assess as A
from planlib.figures import Figure
from planlib.style import PALETTE, house_style
from planlib.tables import fmt_number

if TYPE_CHECKING:
    import pandas as pd

    from planlib.plan import Plan

STATUS_GROUPS = {
    "已完成/快于序时进度": ((A.DONE, A.AHEAD), "#009E73"),
    "符合序时进度/达标": ((A.IN_LINE, A.BROADLY, A.MET), "#56B4E9"),
    "慢于序时进度/未达标": ((A.BEHIND, A.NOT_DONE, A.NOT_MET), "#D55E00"),
    "数据暂缺/不全": ((A.MISSING, A.INCOMPLETE), "#BBBBBB"),
}


def cumulative_progress(plan: Plan, observations: pd.DataFrame, target_id: str, as_of: int) -> Figure:
    """Cumulative total of a five-year target year by year against the straight 序时进度 path."""
    import matplotlib.pyplot as plt

    from planlib.observations import annual_values

    spec = plan.target(target_id)
    start, end = plan.meta.period_start, plan.meta.period_end
    values = annual_values(observations, target_id)
    years = [y for y in range(start, as_of + 1)]
    have = [y for y in years if y in values.index]
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 4))
        path_years = [start - 1, *range(start, end + 1)]
        path = [spec["target"] * (y - start + 1) / (end - start + 1) for y in path_years]
        ax.plot(path_years, path, linestyle="--", color="#555555", label="序时进度(均匀完成目标)")
        running, xs, ys = 0.0, [start - 1], [0.0]
        gap = None
        for y in years:
            if y not in values.index:
                gap = y
                break
            running += float(values[y])
            xs.append(y)
            ys.append(running)
        ax.plot(xs, ys, marker="o", color=PALETTE[0], label="实际累计(全年值)")
        for x, yv in zip(xs[1:], ys[1:], strict=True):
            ax.annotate(fmt_number(yv), (x, yv), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
        ax.axhline(spec["target"], color=PALETTE[3], linewidth=1, label=f"五年目标 {fmt_number(spec['target'])}")
        ax.set_xticks(path_years, [f"{y}" if y >= start else "起点" for y in path_years])
        ax.set_xlabel("年份")
        ax.set_ylabel(f"累计({spec['unit']})")
        ax.set_title(f"{spec['name']}:累计进度与序时进度")
        ax.legend(fontsize=8, loc="lower right")
    span = f"{start}—{xs[-1]}年" if xs[-1] > start else f"{start}年"
    done = f"{span}累计{fmt_number(ys[-1])}{spec['unit']}" if len(xs) > 1 else "尚无全年数据"
    missing = f";{gap}年全年数据暂缺,累计线在此中断" if gap else ""
    alt = (f"折线图:{spec['name']}的实际累计值与序时进度线。{done},五年目标{fmt_number(spec['target'])}"
           f"{spec['unit']}{missing}。" + (f"有数据的年份:{'、'.join(map(str, have))}。" if have else ""))
    name = f"progress-{target_id.replace('_', '-')}"
    return Figure(fig, alt=alt, caption=f"{spec['name']}累计进度(截至{as_of}年)", name=name)


def status_overview(assessment: pd.DataFrame, as_of: int) -> Figure:
    """One glance at the headline indicators: how many are ahead, in line, behind, without data."""
    import matplotlib.pyplot as plt

    head = assessment[assessment["group"] == "headline"]
    counts = {g: int(head["status"].isin(s).sum()) for g, (s, _) in STATUS_GROUPS.items()}
    with house_style():
        fig, ax = plt.subplots(figsize=(7, 3.2))
        left = 0
        for group, (_, colour) in STATUS_GROUPS.items():
            n = counts[group]
            ax.barh([0], [n], left=left, color=colour, edgecolor="white", label=f"{group}({n}项)")
            if n:
                ax.text(left + n / 2, 0, str(n), ha="center", va="center", fontsize=11, fontweight="bold")
            left += n
        ax.set_xlim(0, len(head))
        ax.set_yticks([])
        ax.set_xlabel("指标数(项)")
        ax.set_title(f"专栏1主要指标进展概览(截至{as_of}年)")
        ax.legend(ncols=2, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.35))
        fig.tight_layout()
    parts = "、".join(f"{g}{n}项" for g, n in counts.items())
    alt = f"横向堆积条形图:专栏1的{len(head)}项主要指标按进展分组,{parts}。"
    return Figure(fig, alt=alt, caption=f"主要指标进展概览(截至{as_of}年)", name="status-overview")
