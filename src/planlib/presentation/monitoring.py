"""Tables, maps and charts of the monthly monitoring results (:class:`planlib.indicators.monitoring.MonthlyResult`).

Each function returns a :class:`planlib.presentation.tables.Table` or a
:class:`planlib.presentation.figures.Figure` (which escape
their own text); none computes an indicator. A hidden (disclosure-controlled) cell is shown with the
same mark wherever it appears — ``不予公布`` in tables, its own hatching on maps — whether it was hidden
for being small or to protect another cell, so a reader cannot tell which is which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib.indicators.monitoring import MUNICIPALITY, MonthlyResult, month_label, shift_month
from planlib.presentation.figures import Figure
from planlib.presentation.style import PALETTE, house_style
from planlib.presentation.tables import MISSING_TEXT, Table, fmt_number

if TYPE_CHECKING:
    import pandas as pd

SUPPRESSED_COLOUR = "#f2f2f2"
SUPPRESSED_HATCH = "..."


def source_text(result: MonthlyResult) -> str:
    """The source line under a figure or table: marking, files, date (and SYNTHETIC where so)."""
    return result.source_title


def _month(result: MonthlyResult, month: str | None) -> str:
    return month or result.month


def _values(result: MonthlyResult, series: str, month: str) -> pd.DataFrame:
    v = result.values
    return v[(v["series"] == series) & (v["month"] == month)]


def _cell(value: object, suppressed: bool, mark: str, digits: int = 1) -> object:
    if suppressed:
        return mark
    if value is None or value != value:
        return MISSING_TEXT
    number = float(value)
    return int(number) if number.is_integer() else round(number, digits)


def district_table(result: MonthlyResult, series: list[str], month: str | None = None, *, name: str,
                   caption: str) -> Table:  # fmt: skip
    """区县 rows (and 全市 first), one column per series, for one month; hidden cells show the mark."""
    import pandas as pd

    from planlib.inputs.regions import load_clusters

    month = _month(result, month)
    mark = result.settings["disclosure"]["mark"]
    table = result.series
    order = [MUNICIPALITY, *load_clusters()["district"]]
    frame = pd.DataFrame({"地区": order})
    for sid in series:
        data = _values(result, sid, month).set_index("region")
        spec = table[sid]
        label = f"{spec.name}（{spec.unit}）"
        frame[label] = [(_cell(data["value"].get(r), bool(data["suppressed"].get(r, False)), mark)
                         if r in data.index else MISSING_TEXT) for r in order]  # fmt: skip
    threshold = result.settings.threshold
    notes = [f"“{mark}”：少于 {threshold} 人的数，以及为防止由合计或上月末、新增、注销推算出这些数而一并隐去的数"
             f"（两者标记相同）；由被隐去的人数计算的比率同样不予公布。“{MISSING_TEXT}”：记录中没有该区县的数据。",
             "人次：登记次数；月末登记失业人数 = 期初在册 + 累计新增失业登记 − 累计注销。"]  # fmt: skip
    return Table(frame, caption=f"{caption}（{month_label(month)}）", name=name, source=source_text(result),
                 notes=notes, align={c: "right" for c in frame.columns if c != "地区"})  # fmt: skip


def city_groups_table(result: MonthlyResult, month: str | None = None) -> Table:
    """全市 重点群体 and 青年 breakdown of 新增就业登记 and 新增失业登记, this month and a year earlier."""
    import pandas as pd

    month = _month(result, month)
    before = shift_month(month, -12)
    mark = result.settings["disclosure"]["mark"]
    table = result.series
    groups = [(g["id"], g["label"]) for g in result.settings["key_groups"]]
    groups.append(("youth", f"青年（{result.settings['youth']}岁）"))
    rows = []
    for flow, flow_name in (("mon_new_employment", "新增就业登记"), ("mon_unemployment_inflow", "新增失业登记")):
        for gid, label in [("", "合计"), *groups]:
            sid = f"{flow}_{gid}" if gid else flow
            if sid not in table:
                continue
            cells = []
            for m in (month, before):
                data = _values(result, sid, m).set_index("region")
                if MUNICIPALITY in data.index:
                    cells.append(_cell(data["value"][MUNICIPALITY], bool(data["suppressed"][MUNICIPALITY]), mark))
                else:
                    cells.append(MISSING_TEXT)
            rows.append({"指标": flow_name, "群体": label, f"{month_label(month)}（人次）": cells[0],
                         f"{month_label(before)}（人次）": cells[1]})  # fmt: skip
    frame = pd.DataFrame(rows)
    return Table(frame, caption=f"全市重点群体登记情况（{month_label(month)}）", name="key-groups",
                 source=source_text(result), notes=["一人可属多个群体；各群体之和不等于合计。"],
                 align={c: "right" for c in frame.columns[2:]})  # fmt: skip


def heat_table(result: MonthlyResult, month: str | None = None) -> Table:
    """区县就业工作热力指数 of the month, highest first, with the number of components used."""
    import pandas as pd

    month = _month(result, month)
    heat = result.heat[(result.heat["month"] == month)].dropna(subset=["index"])
    frame = pd.DataFrame({"区县": heat["region"], "指数（0—100）": heat["index"].round(1),
                          "纳入指标数": heat["n_components"].astype(int),
                          "缺少的指标": heat["missing_components"].fillna("").replace("", "—")})  # fmt: skip
    frame = frame.sort_values("指数（0—100）", ascending=False, kind="stable")
    spec = result.settings["heat_index"]
    weights = "、".join(f"{c['label']}{fmt_number(result.heat_weights.get(c['series'], 0) * 100, 1)}%"
                        for c in spec["components"])  # fmt: skip
    goal = "当月各区县之间" if spec["goalposts"] == "per_month" else "各月各区县合并"
    notes = [f"各项指标按{goal}的最小—最大值换算为 0—100（越高越好），按权重（{weights}）加权平均；"
             f"少于 {spec['min_components']} 项指标的区县不计算指数。指数反映区县的相对位置，不是绝对水平。"]
    return Table(frame, caption=f"区县就业工作热力指数（{month_label(month)}）", name="heat-index-monthly",
                 source=source_text(result), notes=notes)  # fmt: skip


def heat_map(result: MonthlyResult, month: str | None = None) -> Figure:
    """Choropleth of the 区县就业工作热力指数 of the month (districts without an index: 数据暂缺)."""
    from planlib.presentation import maps

    month = _month(result, month)
    heat = result.heat[(result.heat["month"] == month)].dropna(subset=["index"])
    values = heat.set_index("region")["index"]
    return maps.district_map(values, title="区县就业工作热力指数", unit="指数（0—100）", year=month_label(month),
                             source=_short_source(result), name=f"heat-map-{month}")  # fmt: skip


def _short_source(result: MonthlyResult) -> str:
    kinds = {"registers": "就业失业登记", "enterprises": "失业动态监测企业样本", "postings": "招聘求职记录"}
    what = "、".join(kinds[k] for k in result.files)
    prefix = "合成测试数据（SYNTHETIC，非真实数据）" if result.synthetic else result.settings["output"]["marking"]
    return f"{prefix}，由{what}计算（{result.computed}）"


def count_map(result: MonthlyResult, series: str, month: str | None = None) -> Figure:
    """Choropleth of one 区县 series; hidden cells get their own hatching and legend entry (不予公布),
    districts without data stay grey (数据暂缺)."""
    from matplotlib.patches import Patch

    from planlib.inputs.boundaries import load_boundaries
    from planlib.presentation import maps

    month = _month(result, month)
    spec = result.series[series]
    data = _values(result, series, month)
    data = data[data["region"] != MUNICIPALITY]
    shown = data[~data["suppressed"]].set_index("region")["value"].dropna()
    hidden = set(data.loc[data["suppressed"], "region"])
    name = f"{series.replace('_', '-')}-{month}"
    figure = maps.district_map(shown, title=spec.name, unit=spec.unit, year=month_label(month),
                               source=_short_source(result), name=name)  # fmt: skip
    mark = result.settings["disclosure"]["mark"]
    if hidden:
        ax = figure.figure.axes[0]
        geo = load_boundaries(projected=True)
        with house_style():
            geo[geo["district"].isin(hidden)].plot(ax=ax, color=SUPPRESSED_COLOUR, edgecolor="#666666",
                                                    linewidth=0.5, hatch=SUPPRESSED_HATCH)  # fmt: skip
            missing = 38 - len(shown) - len(hidden)
            handles = [Patch(facecolor=SUPPRESSED_COLOUR, hatch=SUPPRESSED_HATCH, edgecolor="#666666",
                             label=f"{mark}（{len(hidden)}个）")]  # fmt: skip
            if missing:
                handles.append(Patch(facecolor=maps.MISSING_COLOUR, hatch="///", edgecolor="#888888",
                                     label=f"{maps.MISSING_LABEL}（{missing}个）"))  # fmt: skip
            old = ax.get_legend()  # district_map's 数据暂缺 legend counted hidden districts as missing
            if old is not None:
                old.remove()
            ax.legend(handles=handles, loc="upper left", fontsize=7)
        names = "、".join(sorted(hidden))
        absent = "、".join(sorted(set(geo["district"]) - set(shown.index) - hidden))
        why = f"少于 {result.settings.threshold} 人或为防推算而隐去"
        alt = (figure.alt.split("数据暂缺：")[0] + f"{mark}（{why}）：{names}。"
               + (f"数据暂缺：{absent}。" if absent else ""))
        figure = Figure(figure.figure, alt=alt, caption=figure.caption, name=figure.name)
    return figure


def industry_chart(result: MonthlyResult, month: str | None = None) -> Figure:
    """重点行业就业景气: 求人倍率 (vacancies ÷ applicants) and the enterprise diffusion index (50 = 荣枯线)
    of each key industry in the month, each with the same month a year earlier."""
    import matplotlib.pyplot as plt
    import numpy as np

    month = _month(result, month)
    ind = result.industry[(result.industry["month"] == month) & (result.industry["key"].astype(bool))]
    labels = list(ind["industry_name"])
    y = np.arange(len(labels))
    before = month_label(shift_month(month, -12))
    with house_style():
        fig, (left, right) = plt.subplots(1, 2, figsize=(8.6, 0.42 * len(labels) + 1.6), sharey=True)
        for ax, column, title, unit in ((left, "vacancy_ratio", "求人倍率（岗位数÷求职人数）", "倍"),
                                        (right, "diffusion", "企业用工扩散指数", "指数")):  # fmt: skip
            values = ind[column].to_numpy(float)
            last = ind[f"{column}_last_year"].to_numpy(float)
            ax.barh(y, np.nan_to_num(values), color=PALETTE[0], height=0.6, label=month_label(month))
            ax.plot(last, y, linestyle="none", marker="D", markerfacecolor="white", color=PALETTE[1], label=before)
            for yi, v in zip(y, values, strict=True):
                ax.text(0 if np.isnan(v) else v, yi, f" {MISSING_TEXT if np.isnan(v) else fmt_number(v, 1)}",
                        va="center", fontsize=7)  # fmt: skip
            ax.set_title(title, fontsize=10)
            ax.set_xlabel(unit)
        right.axvline(50, color="#555555", linestyle="--", linewidth=1, label="50（增减持平）")
        right.set_xlim(0, 100)
        left.set_yticks(y, labels)
        left.invert_yaxis()
        right.legend(fontsize=7, loc="lower right")
        fig.suptitle(f"重点行业就业景气（{month_label(month)}）", fontweight="bold")
        fig.tight_layout(rect=(0, 0.05, 1, 1))
        fig.text(0.01, 0.01, f"资料来源：{_short_source(result)}。菱形为{before}。", fontsize=6.5, color="#444444")
    parts = []
    for rec in ind.to_dict("records"):
        ratio = MISSING_TEXT if rec["vacancy_ratio"] != rec["vacancy_ratio"] else fmt_number(rec["vacancy_ratio"], 2)
        diff = MISSING_TEXT if rec["diffusion"] != rec["diffusion"] else fmt_number(rec["diffusion"], 1)
        parts.append(f"{rec['industry_name']}求人倍率{ratio}、扩散指数{diff}")
    alt = (f"两幅并列的横向条形图：{month_label(month)}重点行业的求人倍率和企业用工扩散指数（50 为增减持平），"
           f"菱形为{before}的值。" + ";".join(parts) + "。")
    return Figure(fig, alt=alt, caption=f"重点行业就业景气指数（{month_label(month)}）",
                  name=f"industry-climate-{month}")


def industry_table(result: MonthlyResult, month: str | None = None) -> Table:
    """重点行业 (and 全部行业) 求人倍率 and diffusion index, with the same month a year earlier."""
    import pandas as pd

    month = _month(result, month)
    ind = result.industry[(result.industry["month"] == month)
                          & (result.industry["key"].astype(bool) | (result.industry["industry"] == "全部"))]
    before = month_label(shift_month(month, -12))

    def show(v: object, digits: int) -> object:
        return MISSING_TEXT if v is None or v != v else round(float(v), digits)

    frame = pd.DataFrame({
        "行业": ind["industry_name"], "求人倍率": [show(v, 2) for v in ind["vacancy_ratio"]],
        f"求人倍率（{before}）": [show(v, 2) for v in ind["vacancy_ratio_last_year"]],
        "扩散指数": [show(v, 1) for v in ind["diffusion"]],
        f"扩散指数（{before}）": [show(v, 1) for v in ind["diffusion_last_year"]],
        "监测企业数": [show(v, 0) for v in ind["n_enterprises"]],
    })  # fmt: skip
    min_ent = result.settings["disclosure"]["min_enterprises"]
    notes = [f"求人倍率 = 招聘岗位数 ÷ 求职人数（求职人数少于 {result.settings.threshold} 人时不计算）；"
             f"扩散指数 = 50 + 50 ×（岗位增加的企业占比 − 岗位减少的企业占比），高于 50 表示增加用工的企业多于减少的；"
             f"监测企业少于 {min_ent} 家的行业不计算。"]  # fmt: skip
    return Table(frame, caption=f"重点行业就业景气指数（{month_label(month)}）", name="industry-climate",
                 source=source_text(result), notes=notes)


def alerts_table(result: MonthlyResult, month: str | None = None) -> Table | None:
    """The alerts of the month (None when no rule fired), each naming its rule, value and threshold."""
    import pandas as pd

    month = _month(result, month)
    alerts = result.alerts[result.alerts["month"] == month]
    if alerts.empty:
        return None

    def ref(rec: dict) -> str:
        if rec["reference"] is None or rec["reference"] != rec["reference"]:
            return "—"
        return f"{rec['reference_label']} {fmt_number(rec['reference'], 2)}"

    frame = pd.DataFrame({
        "地区": alerts["region"], "预警": alerts["level"], "规则": alerts["description"],
        "指标": [result.series[s].name for s in alerts["series"]],
        "数值": [fmt_number(v, 2) + (u if u == "%" else f" {u}") for v, u in zip(alerts["value"], alerts["unit"],
                                                                               strict=True)],
        "阈值": [fmt_number(v, 2) for v in alerts["threshold"]],
        "对照": [ref(r) for r in alerts.to_dict("records")],
    })  # fmt: skip
    return Table(frame, caption=f"失业预警（{month_label(month)}）", name="monitoring-alerts",
                 source=source_text(result), notes=["规则见 settings/monitoring.yaml；只对可公布的数值判断。"])


def series_rows(result: MonthlyResult, series: str, region: str = MUNICIPALITY) -> pd.DataFrame:
    """One region's published monthly values of a series (month, value, suppressed), oldest first."""
    v = result.values
    return v[(v["series"] == series) & (v["region"] == region)].sort_values("month")[["month", "value", "suppressed"]]
