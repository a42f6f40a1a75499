"""附录: the assessment method (评估方法), the data caveats (数据说明与局限) and the sources (数据来源).

    R.method_text(ctx)     # how completion, 序时进度 and status are computed, and the data vintage
    R.caveats(ctx)         # what the numbers can and cannot say (only what is knowable in the report year)
    R.sources_table(ctx)   # every source the report cites, numbered as its tables cite them

The sources table comes last in a report: its notice (the report's footer) covers every mark shown before it.

Imports: inputs (``observations.annual_values``), indicators (``assessment``, ``marks``),
:mod:`planlib.presentation` (``markdown``, ``narrative``, ``sources``, ``tables``) and
:mod:`planlib.sections.context`.
"""

from __future__ import annotations

from planlib._values import is_missing
from planlib.indicators import assessment as A
from planlib.presentation.markdown import Markdown, items
from planlib.presentation.narrative import knowable, scope_break_sentence
from planlib.presentation.sources import source_marks, source_origins, sources_rows
from planlib.presentation.tables import Table, fmt_percent
from planlib.sections.context import Context, district_unemployment, sources_register, visible


def method_text(ctx: Context) -> Markdown:
    """评估方法 as list items: 序时进度 of the report year, how each target kind's completion is computed, the data
    vintage, the assessment settings (:func:`planlib.indicators.assessment.load_settings`) and what each status
    means."""
    settings = A.load_settings()
    base, span = ctx.plan.meta.baseline_year, ctx.plan.meta.period_end - ctx.plan.meta.baseline_year
    lines = [f"序时进度 = （评估年份 − {base}）÷ {span}；"
             f"本报告评估年份为 {ctx.as_of} 年，序时进度 {fmt_percent(ctx.plan.time_progress(ctx.as_of))}。",
             "五年累计目标的完成度 = 规划期内各年全年值之和 ÷ 目标值；缺少某年全年值时不跨缺口求和，"
             f"改用已公布的累计数或判为“{A.INCOMPLETE}”。",
             "期末水平目标的完成度 = （最新值 − 基数）÷（目标值 − 基数）；最新值低于基数的，报告比基期减少的数量，"
             "不列负的完成度。",
             "年度约束目标逐年判断是否满足，并注明所依据的年份；相对目标逐年与参照序列比较；"
             "“稳步增长”逐年判断是否不下降。"]  # fmt: skip
    lines.append("数据版本：已收集的全部公布数据（最新）。" if ctx.vintage == "latest" else
                 f"数据版本：按 {ctx.vintage} 已公布的数据重写（此后的修订和发布不计入）。")  # fmt: skip
    lines += list(settings.describe())
    lines += [f"评估结论“{k}”：{v}。" for k, v in A.STATUS_MEANING.items()]
    return Markdown("\n".join(items(lines)) + "\n", "段落“评估方法”")


def caveats(ctx: Context) -> Markdown:
    """Data caveats for the appendix: what the numbers can and cannot say."""
    meta = ctx.plan.meta
    lines = [
        "数值为发布时的数据（初步核算数），此后可能修订。",
        *meta.revision_caveats,
        "只有全年（或年末）数据作为年度值；季度、月度、截至某日的数据单独标注，不用于计算完成度。",
        f"缺少数据的指标标为“{A.MISSING}”，不做估计；缺少某年全年数据的五年累计判为“{A.INCOMPLETE}”，不跨缺口求和。",
        *scope_break_lines(ctx),
        *[c for c in ctx.plan.all_targets["caveat"] if isinstance(c, str)],  # the plan's caveats on its indicators
        *meta.caveats,
        *district_unemployment_caveat(ctx),
    ]
    return Markdown("\n".join(items([line for line in lines if knowable(line, ctx.as_of)])) + "\n",
                    "段落“数据说明与局限”")  # fmt: skip


def scope_break_lines(ctx: Context) -> list[str]:
    """Indicators the plan marks ``scope_break`` (技能人才): the jump from the plan's baseline to the first
    published figure, computed, not typed (:func:`planlib.presentation.narrative.scope_break_sentence`)."""
    from planlib.inputs.observations import annual_values

    lines = []
    for spec in ctx.plan.all_targets.to_dict("records"):
        if not isinstance(spec.get("scope_break"), str) or is_missing(spec["baseline"]):
            continue
        values = annual_values(visible(ctx), spec["id"], region=ctx.plan.meta.region)
        later = values[values.index > int(spec["baseline_year"])]
        if later.empty:
            continue
        lines.append(scope_break_sentence(spec, int(later.index[0]), float(later.iloc[0])))
    return lines


def district_unemployment_caveat(ctx: Context) -> list[str]:
    """Said only while it is true: no district's surveyed unemployment rate is in the data."""
    if not ctx.plan.meta.layout_name or not district_unemployment(ctx).empty:
        return []
    return ["尚未找到任何区县的城镇调查失业率。"]


def sources_table(ctx: Context) -> Table:
    """数据来源: every source of the register (:func:`planlib.sections.context.sources_register`) with its number,
    its marks and its link; its notice tells the publisher what the report's footer must say of the marks shown."""
    import pandas as pd

    from planlib.indicators.marks import legend, report_notice

    register = sources_register(ctx)
    marked = source_marks(ctx.observations)
    rows, origins = sources_rows(register, marked, source_origins(ctx.observations))
    found = [marked.get(src, "") for src in register]
    ctx.shown.update("".join(found))
    return Table(pd.DataFrame(rows, columns=["编号", "来源", "网址"]), caption="数据来源", name="sources",
                 links=("网址",), origins=origins, notes=legend(found),
                 notice=report_notice(ctx.shown))  # fmt: skip
