"""月度就业监测简报: the sections of the monthly bulletin, each a short composition of presentation functions.

    import planlib.sections.bulletin as B
    ctx = B.context(month="2026-10")   # the results `planlib monitor run --month 2026-10` saved
    B.summary(ctx)                     # 摘要: generated sentences
    B.heat_map(ctx)                    # 区县就业工作热力指数 map

The bulletin reads only what ``planlib monitor run`` saved (``data/monitoring/<month>``): disclosure-
controlled values, never the records. Sentences are plain text, escaped where they become Markdown.

Imports: indicators (``monitoring``: the saved results) and :mod:`planlib.presentation` (``monitoring``,
``markdown``, ``tables``, ``escape``, ``figures``); no other sections module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planlib.indicators.monitoring import MUNICIPALITY, MonthlyResult, load_monthly, month_label, shift_month
from planlib.presentation import monitoring as P
from planlib.presentation.escape import md_text
from planlib.presentation.figures import Figure
from planlib.presentation.markdown import Markdown
from planlib.presentation.tables import MISSING_TEXT, Table, fmt_number


@dataclass(frozen=True)
class BulletinContext:
    """The month of the bulletin and its saved results."""

    month: str
    result: MonthlyResult


def context(month: str, folder: Path | str | None = None) -> BulletinContext:
    """The results saved for ``month`` (YYYY-MM); raises :class:`planlib.errors.DataError` naming the folder
    and the command to run when the month has not been computed."""
    return BulletinContext(month=month, result=load_monthly(month, folder))


def _paragraphs(texts: list[str], where: str) -> Markdown:
    return Markdown("\n\n".join(md_text(t) for t in texts if t) + "\n", where)


def _number(ctx: BulletinContext, series: str, month: str | None = None, region: str = MUNICIPALITY) -> str:
    value = ctx.result.value(series, region, month or ctx.month)
    return MISSING_TEXT if value != value else fmt_number(value, 1)


def _change(ctx: BulletinContext, series: str) -> str:
    """“,同比增长 12.3%” against the same month a year earlier, or “” when either is not published."""
    now = ctx.result.value(series, MUNICIPALITY, ctx.month)
    before = ctx.result.value(series, MUNICIPALITY, shift_month(ctx.month, -12))
    if now != now or before != before or before == 0:
        return ""
    pct = (now - before) / before * 100
    return f"，同比{'增长' if pct >= 0 else '下降'} {fmt_number(abs(pct), 1)}%"


def synthetic_notice(ctx: BulletinContext) -> Markdown:
    """A warning at the top when the results were computed from synthetic test data (else nothing)."""
    if not ctx.result.synthetic:
        return Markdown("", "段落“合成数据说明”")
    text = md_text("本简报由合成测试数据（SYNTHETIC）生成，所有数字均为虚构，不得作为监测结果引用。")
    return Markdown(f"::: {{.callout-warning}}\n{text}\n:::\n", "段落“合成数据说明”")


def summary(ctx: BulletinContext) -> Markdown:
    """摘要: 全市 flows and stock of the month with year-on-year change, the heat index range, alert count."""
    r, month = ctx.result, ctx.month
    label = month_label(month)
    lines = []
    if "registers" in r.files:
        lines.append(f"{label}，全市新增就业登记 {_number(ctx, 'mon_new_employment')} 人次"
                     f"{_change(ctx, 'mon_new_employment')}；新增失业登记 "
                     f"{_number(ctx, 'mon_unemployment_inflow')} 人次"
                     f"{_change(ctx, 'mon_unemployment_inflow')}，"
                     f"失业登记注销 {_number(ctx, 'mon_unemployment_exits')} 人次；"
                     f"月末登记失业人数 {_number(ctx, 'mon_registered_unemployed')} 人"
                     f"{_change(ctx, 'mon_registered_unemployed')}，每万常住人口 "
                     f"{_number(ctx, 'mon_registered_unemployed_per_10k')} 人。")  # fmt: skip
    if "postings" in r.files:
        lines.append(f"招聘求职记录中全市求人倍率为 {_number(ctx, 'mon_vacancy_ratio')}"
                     f"（上年同月 {_number(ctx, 'mon_vacancy_ratio', shift_month(month, -12))}）。")
    if "enterprises" in r.files:
        lines.append(f"失业动态监测企业 {_number(ctx, 'mon_enterprise_sample')} 家，岗位净变化率 "
                     f"{_number(ctx, 'mon_enterprise_net_change_rate')}%，减员率 "
                     f"{_number(ctx, 'mon_enterprise_layoff_rate')}%。")
    heat = r.heat[r.heat["month"] == month].dropna(subset=["index"])
    if not heat.empty:
        top, low = heat.nlargest(1, "index").iloc[0], heat.nsmallest(1, "index").iloc[0]
        lines.append(f"区县就业工作热力指数覆盖 {len(heat)} 个区县，"
                     f"最高为{top['region']}（{fmt_number(top['index'], 1)}），"
                     f"最低为{low['region']}（{fmt_number(low['index'], 1)}）。")
    alerts = r.alerts[r.alerts["month"] == month]
    if alerts.empty:
        lines.append("本月没有触发失业预警规则。")
    else:
        levels = alerts["level"].value_counts()
        counted = "、".join(f"{k}{v}条" for k, v in levels.items())
        lines.append(f"本月触发失业预警 {len(alerts)} 条（{counted}），见“失业预警”。")
    return _paragraphs(lines, "段落“摘要”")


def heat_map(ctx: BulletinContext) -> Figure:
    return P.heat_map(ctx.result, ctx.month)


def heat_table(ctx: BulletinContext) -> Table:
    return P.heat_table(ctx.result, ctx.month)


def registered_unemployed_map(ctx: BulletinContext) -> Figure:
    """每万常住人口登记失业人数 by 区县 (hidden cells marked 不予公布)."""
    return P.count_map(ctx.result, "mon_registered_unemployed_per_10k", ctx.month)


def district_flows_table(ctx: BulletinContext) -> Table:
    """区县 登记 flows and stock of the month, disclosure-controlled."""
    return P.district_table(ctx.result, ["mon_new_employment", "mon_unemployment_inflow", "mon_unemployment_exits",
                                         "mon_registered_unemployed", "mon_registered_unemployed_per_10k"],
                            ctx.month, name="district-registers", caption="各区县就业失业登记")  # fmt: skip


def district_market_table(ctx: BulletinContext) -> Table:
    """区县 求人倍率 and enterprise-sample rates of the month."""
    return P.district_table(ctx.result, ["mon_vacancy_ratio", "mon_enterprise_sample", "mon_enterprise_net_change_rate",
                                         "mon_enterprise_layoff_rate"],
                            ctx.month, name="district-market", caption="各区县招聘求职与监测企业用工")  # fmt: skip


def groups_table(ctx: BulletinContext) -> Table:
    return P.city_groups_table(ctx.result, ctx.month)


def industry_chart(ctx: BulletinContext) -> Figure:
    return P.industry_chart(ctx.result, ctx.month)


def industry_table(ctx: BulletinContext) -> Table:
    return P.industry_table(ctx.result, ctx.month)


def alerts(ctx: BulletinContext) -> Table | Markdown:
    """The alert table of the month, or a sentence naming the rules when none fired."""
    table = P.alerts_table(ctx.result, ctx.month)
    if table is not None:
        return table
    rules = "；".join(f"{r['level']}：{r['text']}" for r in ctx.result.settings["alerts"]["rules"])
    return _paragraphs([f"{month_label(ctx.month)}没有触发失业预警规则。规则：{rules}。"], "段落“失业预警”")


def method(ctx: BulletinContext) -> Markdown:
    """方法与口径: definitions, the disclosure rule, the heat-index rule, the alert rules."""
    s = ctx.result.settings
    lines = [
        "新增就业登记、新增失业登记、失业登记注销按登记日期所在月份计数（人次）；月末登记失业人数 = 期初在册 + "
        "累计新增失业登记 − 累计注销；每万常住人口指标以第七次全国人口普查常住人口为分母；"
        "注销率 = 当月注销 ÷ 上月末登记失业人数 × 100。",
        "求人倍率 = 招聘岗位数 ÷ 求职人数（参照中国就业市场景气指数 CIER 的做法）；企业用工扩散指数 = 50 + 50 ×"
        "（岗位增加的企业占比 − 岗位减少的企业占比），与上年同月比较以排除季节因素。",
        f"公布规则：少于 {s.threshold} 人的数不公布，并隐去足以由合计或“上月末 + 新增 − 注销 = 本月末”推算出这些数的"
        f"其他单元格；被隐去的单元格一律标为“{s['disclosure']['mark']}”。重点群体人数在其与区县合计之差少于 "
        f"{s.threshold} 时也不公布。由被隐去的人数计算的比率不公布；监测企业少于 "
        f"{s['disclosure']['min_enterprises']} 家时不公布企业用工比率。",
        f"{s['heat_index']['name']}：各项指标按"
        + ("当月" if s["heat_index"]["goalposts"] == "per_month" else "全部月份")
        + "各区县的最小—最大值换算为 0—100（方向一致，越高越好），"
        + ("等权" if s["heat_index"]["weights"] == "equal" else "熵权")
        + f"加权平均，至少 {s['heat_index']['min_components']} 项指标。",
        "失业预警规则：" + "；".join(f"{r['level']} {r['text']}" for r in s["alerts"]["rules"])
        + "。只对可公布的数值判断。",
    ]
    return Markdown("\n".join(f"- {md_text(line)}" for line in lines) + "\n", "段落“方法与口径”")


def data_note(ctx: BulletinContext) -> Markdown:
    """数据说明: the marking, the files and record counts, what was removed on ingest, what is missing."""
    r = ctx.result
    lines = [f"本简报的数字为{r.settings['output']['marking']}，不是统计部门公布的数据，不与公报数据混用。",
             f"数据来源：{r.provenance}。", *r.notices]  # fmt: skip
    return Markdown("\n".join(f"- {md_text(line)}" for line in lines) + "\n", "段落“数据说明”")


def cover_month(ctx: BulletinContext) -> str:
    """``2026年10月`` (for a title written in the notebook)."""
    return month_label(ctx.month)
