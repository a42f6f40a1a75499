"""主要指标 (the plan's 专栏1): the headline table, the comparison with the previous period's baselines, and the
five-year-total chart.

    R.headline_table(ctx)        # baseline, target, latest value, progress, status, Eurostat, sources
    R.baseline_comparison(ctx)   # the previous period's baselines beside the latest figures (final report)

Cell texts come from :mod:`planlib.presentation.cells`, notes from :mod:`planlib.presentation.notes`.

Imports: inputs (``observations.baseline_evidence``), :mod:`planlib.presentation` (``cells``, ``narrative``,
``notes``, ``sources``, ``tables``, ``charts`` on first draw) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from planlib.presentation.cells import baseline_text, latest_text, marks_after, progress_text, year_span
from planlib.presentation.narrative import status_text, target_text
from planlib.presentation.notes import baseline_notes as baseline_notes_text
from planlib.presentation.sources import source_refs
from planlib.presentation.tables import MISSING_TEXT, Table, fmt_number
from planlib.sections.context import Context, drawn_once, sources_register, value_notes, visible

if TYPE_CHECKING:
    from planlib.presentation.figures import Figure


def headline_table(ctx: Context) -> Table:
    """专栏1: baseline, target, latest value and year, progress, status, Eurostat category, sources."""
    import pandas as pd

    register = sources_register(ctx)
    meta = ctx.plan.meta
    rows = []
    recs = ctx.assessment[ctx.assessment["group"] == "headline"].to_dict("records")
    for rec in recs:
        rows.append({
            "指标": f"{rec['name']}（{rec['unit']}）",
            f"{meta.baseline_year}年基数": baseline_text(ctx.plan.target(rec["id"]), meta.baseline_year),
            f"{meta.period_end}年目标": target_text(rec),
            "最新全年值": latest_text(rec), "进展": progress_text(rec), "状态": status_text(rec),
            "进展评价": rec["eurostat_category"], "属性": rec["attribute"],
            "来源": source_refs(rec, register),
        })  # fmt: skip
    caption = f"{ctx.plan.period_label}{meta.subject}主要指标完成情况（截至{ctx.as_of}年）"
    return Table(pd.DataFrame(rows), caption=caption,
                 name="headline-indicators", source="见文末“数据来源”，方括号内为来源编号",
                 notes=["只使用全年（或年末）数据；部分时期数据另行标注，不作为年度值。",
                        "“进展评价”按国际通行的进展评价方法（欧盟统计局）计算，见附录“评估方法”。",
                        *baseline_notes(ctx), *value_notes(ctx, recs)])  # fmt: skip


def baseline_notes(ctx: Context) -> list[str]:
    """What the published data say about the plan's baselines (:func:`planlib.presentation.notes.baseline_notes`
    of :func:`planlib.inputs.observations.baseline_evidence`): one that a published figure confirms is named
    with its source; one that a published figure contradicts is shown beside it (the plan's is used)."""
    from planlib.inputs.observations import baseline_evidence

    evidence = baseline_evidence(ctx.plan, ctx.observations)
    names = dict(zip(ctx.plan.indicators["id"], ctx.plan.indicators["name"], strict=True))
    return baseline_notes_text(evidence, names)


def baseline_comparison(ctx: Context) -> Table:
    """The previous period (the plan's baselines) against the latest figure of this one, where the plan gives a
    baseline (periods named from plan meta ``period_name`` / ``previous_period_name``)."""
    import pandas as pd

    meta = ctx.plan.meta
    current, previous = ctx.plan.period_label, ctx.plan.previous_label
    rows = []
    headline = ctx.assessment[(ctx.assessment["group"] == "headline") & ctx.assessment["baseline"].notna()]
    recs = headline.to_dict("records")
    for rec in recs:
        base = baseline_text(ctx.plan.target(rec["id"]), ctx.plan.meta.baseline_year)
        if rec["kind"] == "cumulative":
            how = f"{year_span(ctx.plan.meta.period_start, ctx.as_of)}累计"
            as_of_date = re.search(r"截至[^)）]*", rec["note"]) if isinstance(rec["note"], str) else None
            if as_of_date:  # a published cumulative figure stands in for missing years: say up to when
                how += f"，公布数{as_of_date.group(0)}"
            known = rec["cumulative"] == rec["cumulative"]
            now = f"{fmt_number(rec['cumulative'])}{marks_after(rec, 'marks')}（{how}）" if known else MISSING_TEXT
        else:
            now = latest_text(rec)
        rows.append({"指标": f"{rec['name']}（{rec['unit']}）", f"{previous}基数": base, f"{current}最新": now,
                     "目标": target_text(rec)})  # fmt: skip
    other = sorted({int(y) for y in headline["baseline_year"].dropna()} - {meta.baseline_year})
    dated = f"（带年份者为{'、'.join(map(str, other))}年数）" if other else ""
    return Table(pd.DataFrame(rows), caption=f"{current}与{previous}基数比较", name="baseline-comparison",
                 notes=[f"基数为规划{meta.headline_label}所列{meta.baseline_year}年数{dated}；"
                        f"累计指标的基数为{previous}五年累计。", *value_notes(ctx, recs)])  # fmt: skip


def jobs_chart(ctx: Context) -> Figure:
    """The plan's first cumulative headline indicator (城镇新增就业) against 序时进度, from the data the report
    may see. Raises ValueError for a plan without a cumulative headline indicator."""
    from planlib.presentation.charts import cumulative_progress

    ids = list(ctx.plan.indicators.loc[ctx.plan.indicators["kind"] == "cumulative", "id"])
    if not ids:
        raise ValueError(f"计划 {ctx.plan.id} 没有五年累计类主要指标,无法画累计进度图")
    return drawn_once(ctx, "jobs_chart", lambda: cumulative_progress(ctx.plan, visible(ctx), ids[0], ctx.as_of))
