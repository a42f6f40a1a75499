"""专栏2–13 and the body text: the table of the plan's project targets (nothing for a plan without them).

    R.project_table(ctx)   # each target with its latest known value or 数据暂缺

Imports: :mod:`planlib.indicators.assessment`, :mod:`planlib.presentation` (``cells``, ``markdown``,
``narrative``, ``sources``, ``tables``) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

from planlib.indicators import assessment as A
from planlib.presentation.cells import latest_text, progress_text
from planlib.presentation.markdown import Markdown
from planlib.presentation.narrative import target_text
from planlib.presentation.sources import source_refs
from planlib.presentation.tables import Table
from planlib.sections.context import Context, sources_register, value_notes


def project_table(ctx: Context) -> Table | Markdown:
    """专栏2–13 and body-text targets with their latest known value or 数据暂缺 (nothing for a plan without
    such targets)."""
    import pandas as pd

    if ctx.plan.targets.empty:
        return Markdown("", "表格“项目量化目标”")
    register = sources_register(ctx)
    rows = []
    recs = ctx.assessment[ctx.assessment["group"] == "project"].to_dict("records")
    for rec in recs:
        rows.append({"出处": rec["section"], "目标": rec["name"], "目标值": target_text(rec),
                     "最新值": latest_text(rec), "进展": progress_text(rec), "状态": rec["status"],
                     "来源": source_refs(rec, register)})  # fmt: skip
    counts = pd.Series([r["状态"] for r in rows]).value_counts()
    missing = int(counts.get(A.MISSING, 0))
    caption = f"{ctx.plan.meta.targets_label}量化目标（截至{ctx.as_of}年）"
    return Table(pd.DataFrame(rows), caption=caption, name="project-targets",
                 notes=[f"{len(rows)} 项目标中 {missing} 项尚无已公布数据（数据暂缺）。",
                        *value_notes(ctx, recs)])  # fmt: skip
