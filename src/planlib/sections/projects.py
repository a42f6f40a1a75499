"""专栏2–13 and the body text: the table of the plan's project targets (nothing for a plan without them).

    R.project_table(ctx)   # the targets with data, their latest value and class; a count of the others
    R.project_annex(ctx)   # appendix: every target

Imports: :mod:`planlib.indicators.assessment`, :mod:`planlib.presentation` (``cells``, ``markdown``,
``narrative``, ``sources``, ``tables``) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

from planlib.indicators import assessment as A
from planlib.presentation.cells import latest_text, progress_text
from planlib.presentation.markdown import Markdown
from planlib.presentation.narrative import status_text, target_text
from planlib.presentation.sources import source_refs
from planlib.presentation.tables import Table
from planlib.sections.context import Context, sources_register, value_notes


def _rows(ctx: Context, recs: list[dict]) -> list[dict]:
    register = sources_register(ctx)
    return [{"出处": rec["section"], "目标": rec["name"], "目标值": target_text(rec), "最新值": latest_text(rec),
             "进展": progress_text(rec), "状态": status_text(rec), "来源": source_refs(rec, register)}
            for rec in recs]  # fmt: skip


def project_table(ctx: Context) -> Table | Markdown:
    """专栏2–13 and body-text targets that have data, with their latest value and class; the targets without any
    data are one sentence under the table and listed in the appendix (:func:`project_annex`), not a page of
    数据暂缺 rows. Nothing for a plan without such targets."""
    import pandas as pd

    if ctx.plan.targets.empty:
        return Markdown("", "表格“项目量化目标”")
    recs = ctx.assessment[ctx.assessment["group"] == "project"].to_dict("records")
    shown = [r for r in recs if r["status"] != A.MISSING]
    missing = len(recs) - len(shown)
    caption = f"{ctx.plan.meta.targets_label}量化目标（截至{ctx.as_of}年）"
    note = (f"{len(recs)}项目标中，{len(shown)}项已有数据（见上表）；其余{missing}项尚未收集到数据，"
            "列于附录“项目量化目标一览”。" if missing else f"{len(recs)}项目标均已有数据。")  # fmt: skip
    frame = pd.DataFrame(_rows(ctx, shown), columns=["出处", "目标", "目标值", "最新值", "进展", "状态", "来源"])
    return Table(frame, caption=caption, name="project-targets", notes=[note, *value_notes(ctx, shown)])


def project_annex(ctx: Context) -> Table | Markdown:
    """附录: every project target of the plan with its target value and class (数据暂缺 included), for reference."""
    import pandas as pd

    if ctx.plan.targets.empty:
        return Markdown("", "表格“项目量化目标一览”")
    recs = ctx.assessment[ctx.assessment["group"] == "project"].to_dict("records")
    frame = pd.DataFrame(_rows(ctx, recs)).drop(columns=["进展", "来源"])
    return Table(frame, caption=f"{ctx.plan.meta.targets_label}量化目标一览（截至{ctx.as_of}年）",
                 name="project-targets-annex", notes=value_notes(ctx, recs))  # fmt: skip
