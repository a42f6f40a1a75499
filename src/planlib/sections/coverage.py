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
    """For the final report: which figures must still be published before a definitive evaluation."""
    import pandas as pd

    rows = []
    for rec in ctx.assessment.to_dict("records"):
        if rec["status"] not in (A.MISSING, A.INCOMPLETE) and not (
            rec["kind"] in ("annual", "relative", "qualitative") and rec["years_assessed"] != len(ctx.years)
        ):
            continue
        missing_years = "、".join(str(y) for y in ctx.years if not has_year(ctx, rec["id"], y))
        partial = rec["partial_note"] if isinstance(rec["partial_note"], str) else "—"
        rows.append({"出处": rec["section"], "指标或目标": rec["name"],
                     "缺少的全年数据": f"{missing_years}年" if missing_years else "—", "已有的部分时期数据": partial})
    return Table(pd.DataFrame(rows, columns=["出处", "指标或目标", "缺少的全年数据", "已有的部分时期数据"]),
                 caption="终期评估前仍待公布的数据", name="pending-publications",
                 notes=["公布后重新运行 planlib build 即可更新评估。"])  # fmt: skip


def pending_note(ctx: Context) -> Markdown:
    """For the final report: which end-year figures of the headline indicators are not yet published (from
    the data), or nothing when all are."""
    end = ctx.plan.meta.period_end
    if ctx.as_of < end:
        return Markdown("", "段落“摘要”")
    ids = list(ctx.plan.indicators["id"])
    missing = [n for i, n in zip(ids, ctx.plan.indicators["name"], strict=True) if not has_year(ctx, i, end)]
    if not missing:
        return Markdown("", "段落“摘要”")
    text = (f"{end}年的全年数据尚未全部公布（{len(missing)}项主要指标尚缺：{'、'.join(missing)}）；"
            "本报告使用截至目前已公布的数据，部分时期数据单独标注，不作为全年值。")  # fmt: skip
    return paragraphs([text], "段落“摘要”")
