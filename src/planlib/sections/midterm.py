"""中期评估: 时间过半、任务过半 — completion against time progress — and the targets at risk.

    R.midterm_table(ctx)   # completion, 序时进度, the pace the remaining years need, the projection
    R.risks(ctx)           # targets that will be missed at the current pace, and those without data

Imports: :mod:`planlib.indicators.assessment`, :mod:`planlib.presentation` (``cells``, ``escape``,
``markdown``, ``narrative``, ``tables``) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

from planlib.indicators import assessment as A
from planlib.presentation.cells import pace_text, projection_text
from planlib.presentation.escape import md_text
from planlib.presentation.markdown import Markdown, items
from planlib.presentation.narrative import risk_sentence, status_text, target_text
from planlib.presentation.tables import Table, fmt_percent
from planlib.sections.context import Context, value_notes


def midterm_table(ctx: Context) -> Table:
    """时间过半、任务过半: completion against time progress, the pace the remaining years need, the projection."""
    import pandas as pd

    rows = []
    recs = ctx.assessment[ctx.assessment["group"] == "headline"].to_dict("records")
    for rec in recs:
        completion = (fmt_percent(rec["completion"]) if rec["kind"] in ("cumulative", "level")
                      else "不适用（逐年判断）")  # fmt: skip
        rows.append({"指标": rec["name"], "目标": target_text(rec), "完成度": completion,
                     "序时进度": fmt_percent(rec["time_progress"]), "判断": status_text(rec),
                     f"{ctx.as_of + 1}—{ctx.plan.meta.period_end}年所需年均": pace_text(rec),
                     f"按当前速度预计{ctx.plan.meta.period_end}年": projection_text(rec)})  # fmt: skip
    caption = f"中期评估：时间过半、任务过半（截至{ctx.as_of}年）"
    return Table(pd.DataFrame(rows), caption=caption, name="midterm-judgement",
                 notes=["所需年均：累计目标为剩余年份每年须完成的量；水平目标为须达到的年均增速。",
                        "预计值按实际年均增速（或年均累计量）外推，不是预测模型。",
                        *value_notes(ctx, recs)])  # fmt: skip


def risks(ctx: Context) -> Markdown:
    """Targets that will be missed at the current pace, and targets that lack the data to judge."""
    a = ctx.assessment
    at_risk = a[a["escap_category"].isin([A.ESCAP_ACCELERATE, A.ESCAP_REVERSE]) | a["constraint_behind"]]
    no_data = a[(a["group"] == "headline") & a["status"].isin([A.MISSING, A.INCOMPLETE])]
    lines = []
    if at_risk.empty:
        lines.append(md_text("按当前速度外推，有数据的主要指标中没有预计无法完成的目标。"))
    else:
        end = ctx.plan.meta.period_end
        lines += items([risk_sentence(rec, end) for rec in at_risk.to_dict("records")])
    names = "、".join(no_data["name"])
    lines.append("\n" + md_text(f"缺少数据、无法判断的主要指标{len(no_data)}项：{names or '无'}。"))
    return Markdown("\n".join(lines) + "\n", "段落“风险”")
