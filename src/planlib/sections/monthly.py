"""月度就业监测 in an annual report: the months of the report year from record-level monitoring
(``planlib monitor run``), where such results exist — nothing at all where none do.

    R.monthly_picture(ctx)   # heading and table of the plan's monthly series (plan meta ``monthly_series``)

Imports: indicators (``monitoring``: the saved monthly observations and their settings),
:mod:`planlib.presentation` (``markdown``, ``tables``) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

from planlib.presentation.markdown import Markdown
from planlib.presentation.tables import Table
from planlib.sections.context import Context


def monthly_picture(ctx: Context) -> Markdown:
    """The monthly picture of the report year from record-level monitoring (``planlib monitor run``), where
    such results exist: one row per month for the plan's region (new employment registrations, new unemployment
    registrations, exits, registered unemployed at month end), marked as administrative data. Nothing at
    all (an empty section) where no month of the year was computed.
    """
    import pandas as pd

    from planlib.indicators.marks import legend
    from planlib.indicators.monitoring import load_monthly_observations, load_settings, series_table

    series = list(ctx.plan.meta.monthly_series)  # the plan names the series its monthly picture shows
    region = ctx.plan.meta.region
    data = load_monthly_observations()
    year = data[(data["region"] == region) & data["indicator_id"].isin(series)
                & (data["period_start"].astype(str).str[:4] == str(ctx.as_of))]  # fmt: skip
    if not series or data.empty or year.empty:
        return Markdown("", "段落“月度监测”")
    names = {sid: f"{s.name}（{s.unit}）" for sid, s in series_table().items() if sid in series}
    wide = year.pivot_table(index="period_label", columns="indicator_id", values="value", aggfunc="first")
    wide = wide.reindex(columns=[c for c in series if c in wide.columns]).rename(columns=names)
    frame = wide.reset_index().rename(columns={"period_label": "月份"})
    marks = "".join(sorted(set(year["confidence"].map({"test": "‡"}).dropna())))
    sources = sorted(set(year["source_title"]))
    notes = [f"{load_settings()['output']['marking']}：由登记记录计算，不是统计部门公布的数字；"
             "少于披露阈值的数已按规则隐去。", *legend([marks])]  # fmt: skip
    ctx.shown.update(marks)
    table = Table(pd.DataFrame(frame), caption=f"{ctx.as_of}年{region}月度就业监测（行政记录）{marks}",
                  name="monthly-picture", source="；".join(sources), notes=notes)
    # the heading comes with the table: a year without monitoring results shows no empty section
    return Markdown("## 月度就业监测（行政记录）\n\n" + table._repr_markdown_(), "段落“月度监测”")
