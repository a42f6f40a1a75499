"""What data a report has and lacks: the coverage grid (数据覆盖), and for the final report the figures still to be
published (the table, and the note in its summary).

    R.coverage_table(ctx)         # indicator × year: 全年 / 部分 / 缺
    R.pending_publications(ctx)   # final report: what must still be published
    R.pending_note(ctx)           # final report's summary: which end-year headline figures are missing

Imports: :mod:`planlib.indicators.assessment`, :mod:`planlib.presentation` (``cells``, ``markdown``,
``tables``) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

from planlib.indicators import assessment as A
from planlib.presentation.cells import year_span
from planlib.presentation.markdown import Markdown, paragraphs
from planlib.presentation.tables import Table
from planlib.sections.context import Context, has_year


def coverage_table(ctx: Context) -> Table:
    """Indicator × year: 全年 (full-year value) / 部分 (only partial-period values) / 缺 (nothing)."""
    import pandas as pd

    obs = ctx.observations[(ctx.observations["region"] == ctx.plan.meta.region)]
    rows = []
    for rec in ctx.plan.indicators.to_dict("records"):
        series = obs[obs["indicator_id"] == rec["id"]]
        row = {"指标": rec["name"]}
        for year in ctx.years:
            full = series[series["is_annual"] & (series["year"] == year)]
            part = series[(series["period_type"] == "partial_year") & (series["year"] == year)]
            row[f"{year}年"] = "全年" if not full.empty else ("部分" if not part.empty else "缺")
        rows.append(row)
    frame = pd.DataFrame(rows)
    cells = frame.drop(columns="指标").to_numpy().ravel()
    full_n = int((cells == "全年").sum())
    span = year_span(ctx.plan.meta.period_start, ctx.as_of)
    return Table(frame, caption=f"主要指标数据覆盖情况（{span}）", name="coverage",
                 notes=[f"全年数据 {full_n}/{cells.size} 格；“部分”指只有季度、月度或截至某日的数据；"
                        "“缺”指未找到已公布数据。"],
                 align={c: "center" for c in frame.columns if c != "指标"})  # fmt: skip


def pending_publications(ctx: Context) -> Table:
    """For the final report: the data the report still lacks — every headline indicator without all its
    full-year values, and the project targets that have some data but not all; the project targets with no data
    at all are counted in a note (listed in the appendix), not a page of rows."""
    import pandas as pd

    rows, untouched = [], 0
    for rec in ctx.assessment.to_dict("records"):
        missing = [y for y in ctx.years if not has_year(ctx, rec["id"], y)]
        if not missing:
            continue
        if rec["group"] != "headline" and rec["status"] == A.MISSING and not isinstance(rec["partial_note"], str):
            untouched += 1
            continue
        partial = rec["partial_note"] if isinstance(rec["partial_note"], str) else "—"
        rows.append({"出处": rec["section"], "指标或目标": rec["name"],
                     "尚缺的全年数据": A.years_text(missing), "已有的部分时期数据": partial})  # fmt: skip
    notes = ["所列为本报告输入中尚缺的全年数据，不表示有关部门未公布；补充后重新生成报告即可更新评估。"]
    if untouched:
        notes.append(f"另有{untouched}项项目量化目标尚未收集到任何年份的数据，列于附录“项目量化目标一览”。")
    return Table(pd.DataFrame(rows, columns=["出处", "指标或目标", "尚缺的全年数据", "已有的部分时期数据"]),
                 caption="本报告尚未收集到的数据", name="pending-publications", notes=notes)  # fmt: skip


def pending_note(ctx: Context) -> Markdown:
    """For the final report: which end-year figures of the headline indicators the report's data lack, or
    nothing when it has them all. It says what planlib's inputs lack (尚未收集到), never that a figure is
    unpublished: whether it is published is not something the data can know."""
    end = ctx.plan.meta.period_end
    if ctx.as_of < end:
        return Markdown("", "段落“摘要”")
    ids = list(ctx.plan.indicators["id"])
    missing = [n for i, n in zip(ids, ctx.plan.indicators["name"], strict=True) if not has_year(ctx, i, end)]
    if not missing:
        return Markdown("", "段落“摘要”")
    text = (f"本报告尚未收集到{len(missing)}项主要指标的{end}年全年数据（{'、'.join(missing)}），相关判断依据"
            "已有年份作出并注明所依据的年份；部分时期数据单独标注，不作为全年值。")  # fmt: skip
    return paragraphs([text], "段落“摘要”")
