"""失业预警: the alerts the rules of settings/alerts.yaml raise on the surveyed unemployment rate, as a table, and
the rate against the plan's ceiling as a chart.

    R.alerts_table(ctx)   # every alert of the plan period up to the report year, or a sentence that none fired
    R.alerts_chart(ctx)   # the watched series against its target (nothing where the plan has no such target)

Imports: indicators (``alerts``), :mod:`planlib.presentation` (``cells``, ``markdown``, ``tables``, ``charts``
on first draw) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib._values import is_missing
from planlib.presentation.cells import marks_after
from planlib.presentation.markdown import Markdown, paragraphs
from planlib.presentation.tables import Table, fmt_number
from planlib.sections.context import Context, alert_rows, district_unemployment, drawn_once, sources_register, visible

if TYPE_CHECKING:
    from planlib.presentation.figures import Figure


def alerts_table(ctx: Context) -> Table | Markdown:
    """Every alert of the plan period up to ``as_of`` (region, period, level, rule, value, the year before,
    source number), the rules and the districts judged in the notes; a sentence when no rule fired."""
    from planlib.indicators.alerts import load_rules
    from planlib.indicators.marks import legend

    alerts = alert_rows(ctx)
    register = sources_register(ctx)
    rules = "；".join(f"{r['level']}：{r['text']}" for r in load_rules()["rules"])
    if alerts.empty:
        return paragraphs([f"截至{ctx.as_of}年，城镇调查失业率未触发任何预警规则。规则：{rules}。"], "段落“失业预警”")
    districts = district_unemployment(ctx)
    scope = ("" if not ctx.plan.meta.layout_name else  # a plan without districts has no district scope to state
             f"区县调查失业率尚未公布，仅对{ctx.plan.meta.region}判断。" if districts.empty else
             f"{ctx.plan.meta.region}和已公布调查失业率的{districts['region'].nunique()}个区县均已判断。")  # fmt: skip
    import pandas as pd

    marks = [marks_after(r, "marks") for r in alerts.to_dict("records")]
    values = [fmt_number(v) + m for v, m in zip(alerts["value"], marks, strict=True)]
    ctx.shown.update("".join(marks))
    frame = pd.DataFrame({"地区": alerts["region"], "时期": alerts["period_label"], "预警": alerts["level"],
                          "规则": alerts["description"], "触发值（%）": values if any(marks) else alerts["value"],
                          "上年值（%）": ["—" if is_missing(v) else v for v in alerts["previous_year_value"]],
                          "来源": [f"[{register[s]}]" for s in alerts["source"]]})  # fmt: skip
    return Table(frame, caption=f"失业预警（截至{ctx.as_of}年）", name="unemployment-alerts",
                 notes=[f"预警规则：{rules}。{scope}",
                        *legend(marks)])  # fmt: skip


def alerts_chart(ctx: Context) -> Figure | Markdown:
    """The surveyed unemployment rate against the plan's ceiling, the series the alert rules watch (nothing
    where the plan has no such target)."""
    from planlib.indicators.alerts import load_rules
    from planlib.presentation.charts import trajectory

    if load_rules()["series"] not in set(ctx.plan.all_targets["id"]):
        return Markdown("", "图“失业预警”")
    return drawn_once(ctx, "alerts_chart", lambda: trajectory(
        ctx.plan, visible(ctx), load_rules()["series"], ctx.as_of, name="alerts-unemployment",
        title="失业预警：城镇调查失业率与规划控制线"))  # fmt: skip
