"""The report's headings whose words depend on the plan (empty where the plan has no such section).

    R.heading(ctx, "regional")   # ``# 区域协调（一区两群）`` from plan meta ``layout_name``

Imports: :mod:`planlib.presentation` (``cells``, ``markdown``) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

from planlib.presentation.cells import year_span
from planlib.presentation.markdown import Markdown
from planlib.sections.context import Context


def heading(ctx: Context, which: str) -> Markdown:
    """A section heading whose words depend on the plan (empty where the plan has no such section):
    ``"targets"`` (``# 专栏2—13 项目量化目标``, plan meta ``targets_heading``; none without targets),
    ``"targets_annex"`` (``## 专栏2—13量化目标一览`` in the appendix, ``targets_label``; none without targets),
    ``"regional"`` (``# 区域协调（一区两群）``, ``layout_name``), ``"heat"`` (``## 区县就业热力指数``, with a
    layout), ``"comparison"`` (``# 与“十三五”比较``), ``"headline"`` (``# 主要指标完成情况（2021—2025年）``).
    Raises KeyError for another ``which``."""
    meta = ctx.plan.meta
    text = {
        "targets": f"# {meta.targets_heading}" if len(ctx.plan.targets) else "",
        "targets_annex": f"## {meta.targets_label}量化目标一览" if len(ctx.plan.targets) else "",
        "regional": f"# 区域协调（{meta.layout_name}）" if meta.layout_name else "",
        "heat": "## 区县就业热力指数" if meta.layout_name else "",
        "comparison": f"# 与{ctx.plan.previous_label}比较",
        "headline": f"# 主要指标完成情况（{year_span(meta.period_start, meta.period_end)}）",
    }[which]
    return Markdown(text + "\n" if text else "", f"标题“{which}”")
