"""分领域进展: one section per plan area (就业创业, 社会保障, 技能人才队伍发展, from plan meta ``areas``).

    R.areas(ctx)                  # every area under its ``##`` heading
    R.area_section(ctx, "就业创业")  # one area: a sentence per indicator, its charts, value and scope notes

Sentences come from :mod:`planlib.presentation.narrative`, charts from :mod:`planlib.presentation.charts`.

Imports: inputs (``observations``: the series map, stand-ins), :mod:`planlib.indicators.assessment`,
:mod:`planlib.presentation` (``escape``, ``markdown``, ``narrative``, ``charts`` on first draw) and
:mod:`planlib.sections.context`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planlib.indicators import assessment as A
from planlib.presentation import narrative
from planlib.presentation.escape import md_text
from planlib.presentation.markdown import Markdown, items
from planlib.sections.context import Context, drawn_once, value_notes, visible


def areas(ctx: Context, after: Callable[[str], Any] | None = None) -> Markdown:
    """Every plan area (plan meta ``areas``) under its own ``##`` heading, each :func:`area_section`;
    ``after(area)`` (e.g. the analysts' commentary for that area) follows each one when it gives text."""
    parts = []
    for area in ctx.plan.meta.areas:
        parts += [f"## {md_text(area)}", str(area_section(ctx, area)).strip("\n")]
        extra = str(after(area)).strip("\n") if after is not None else ""
        if extra:
            parts.append(extra)
    return Markdown("\n\n".join(parts) + "\n", "段落“分领域进展”")


def area_section(ctx: Context, area: str) -> Markdown:
    """One plan area (就业创业 / 社会保障 / 技能人才队伍发展): what the numbers say, a chart for each
    indicator with data, and the caveats (scope breaks) that affect the comparison."""
    import pandas as pd

    from planlib.inputs.observations import load_series_map
    from planlib.presentation.charts import cumulative_progress, trajectory

    ids = list(ctx.plan.indicators.loc[ctx.plan.indicators["area"] == area, "id"])
    rows = ctx.assessment.set_index("id", drop=False).loc[ids].to_dict("records")
    parts = [md_text(indicator_sentence(rec, ctx)) for rec in rows]
    seen = visible(ctx)
    for rec in rows:
        has_data = ((seen["indicator_id"] == rec["id"]) & (seen["region"] == ctx.plan.meta.region)).any()
        if not has_data or rec["kind"] in ("relative", "qualitative"):
            continue
        if rec["kind"] == "cumulative" and pd.isna(rec["latest_year"]):
            continue  # no full-year value in the period: a cumulative line would be empty
        charted = visible(ctx)
        chart = drawn_once(ctx, "area_chart", lambda sid=rec["id"], kind=rec["kind"], obs=charted: (
            cumulative_progress(ctx.plan, obs, sid, ctx.as_of) if kind == "cumulative"
            else trajectory(ctx.plan, obs, sid, ctx.as_of)), rec["id"])  # fmt: skip
        parts.append(chart._repr_markdown_())
        ctx.shown.update(chart.marks)
    notes = value_notes(ctx, rows)
    if notes:
        parts.append("**数值说明**\n\n" + "\n".join(items(notes)))
    series = load_series_map().series if ctx.plan.meta.series_notes else {}
    caveats = [f"{series[i]['name']}：{series[i]['note']}" for i in ids
               if i in series and series[i].get("note") and narrative.knowable(series[i]["note"], ctx.as_of)]
    if caveats:
        parts.append("**口径说明**\n\n" + "\n".join(items(caveats)))
    return Markdown("\n\n".join(parts) + "\n", f"段落“{area}”")


def indicator_sentence(rec: dict, ctx: Context) -> str:
    """The sentence of headline indicator ``rec`` (an assessment row) in the report of ``ctx``
    (:func:`planlib.presentation.narrative.indicator_sentence`); one without data names its stand-in."""
    meta = ctx.plan.meta
    stand_in = stand_in_text(rec, ctx) if rec["status"] == A.MISSING else ""
    return narrative.indicator_sentence(rec, ctx.as_of, meta.period_start, meta.region, stand_in)


def stand_in_text(rec: dict, ctx: Context) -> str:
    """Where the plan's measure is unpublished but a close count is (基本养老保险参保人数 for the 参保率): the
    count's latest full-year value in the plan's region, labelled as a reference that is not the plan's
    measure and judges nothing (:func:`planlib.presentation.narrative.stand_in_sentence`); ``""`` for none."""
    from planlib.inputs.observations import load_series_map, stand_ins

    rows = stand_ins(visible(ctx), rec["id"])
    rows = rows[rows["preferred"] & rows["is_annual"] & (rows["region"] == ctx.plan.meta.region)]
    if rows.empty:
        return ""
    latest = rows.sort_values("period_end").iloc[-1]
    return narrative.stand_in_sentence(latest, load_series_map().series[latest["indicator_id"]]["name"])
