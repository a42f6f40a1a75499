"""Annual reports: the year against the annual targets its government set (年度目标), beside 序时进度.

    R.annual_targets_text(ctx)    # ``## 年度目标完成情况`` and one sentence
    R.annual_targets_table(ctx)   # the table: printed target, the year's value, the verdict, the plan's target

Both are empty for a year (or a plan) without annual targets (``plans/annual_targets/<plan id>.yaml``).

Imports: :mod:`planlib.indicators.annual_targets`, :mod:`planlib.inputs.annual_targets`,
:mod:`planlib.presentation` (``annual_targets``, ``markdown``, ``tables``) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib.presentation.markdown import Markdown, paragraphs
from planlib.presentation.tables import Table
from planlib.sections.context import Context

if TYPE_CHECKING:
    import pandas as pd


def _results(ctx: Context) -> pd.DataFrame:
    from planlib.indicators.annual_targets import annual_results
    from planlib.inputs.annual_targets import load_annual_targets

    return annual_results(ctx.plan, ctx.observations, ctx.as_of, targets=load_annual_targets(ctx.plan),
                          vintage=ctx.vintage)  # fmt: skip


def annual_targets_text(ctx: Context) -> Markdown:
    """The heading and the sentence of :func:`planlib.presentation.annual_targets.annual_targets_sentence`."""
    from planlib.presentation.annual_targets import annual_targets_sentence

    results = _results(ctx)
    if results.empty:
        return Markdown("", "段落“年度目标完成情况”")
    text = paragraphs([annual_targets_sentence(results, ctx.as_of)], "段落“年度目标完成情况”")
    return Markdown("## 年度目标完成情况\n\n" + text, "段落“年度目标完成情况”")


def annual_targets_table(ctx: Context) -> Table | Markdown:
    """The table of :func:`planlib.presentation.annual_targets.annual_targets_table` (empty without targets)."""
    from planlib.presentation.annual_targets import annual_targets_table as build

    table = build(_results(ctx), ctx.plan, ctx.as_of)
    return table if table is not None else Markdown("", "表格“年度目标完成情况”")
