"""摘要: the generated summary sentences and the status overview chart beside them.

    R.summary(ctx)          # sentences from the assessment (presentation.narrative)
    R.status_chart(ctx)     # how many headline indicators are in each status

Imports: :mod:`planlib.presentation` (``narrative``, ``markdown``, ``charts`` on first draw) and
:mod:`planlib.sections.context`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib.presentation.markdown import Markdown, paragraphs
from planlib.presentation.narrative import summary_sentences
from planlib.sections.context import Context, drawn_once

if TYPE_CHECKING:
    from planlib.presentation.figures import Figure


def summary(ctx: Context) -> Markdown:
    """The 摘要 paragraphs (:func:`planlib.presentation.narrative.summary_sentences`); the marks of the headline
    rows are recorded as shown."""
    meta = ctx.plan.meta
    sentences = summary_sentences(ctx.assessment, ctx.as_of, meta.period_start, meta.region, meta.headline_label)
    head = ctx.assessment[ctx.assessment["group"] == "headline"]
    ctx.shown.update("".join(v for c in ("latest_marks", "marks") for v in head[c] if isinstance(v, str)))
    return paragraphs(sentences, "段落“摘要”")


def status_chart(ctx: Context) -> Figure:
    """The headline indicators by status (:func:`planlib.presentation.charts.status_overview`), drawn once per
    build for the data the report sees."""
    from planlib.presentation.charts import status_overview

    return drawn_once(ctx, "status_chart",
                      lambda: status_overview(ctx.assessment, ctx.as_of, ctx.plan.meta.headline_label))
