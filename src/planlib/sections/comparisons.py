"""Comparisons in a report: tables and sentences from :mod:`planlib.indicators.comparisons`.

    import planlib.sections.comparisons as K
    K.comparisons(ctx)      # 与上年、全国和片区比较: only the parts the data support; "" when none

Each part comes with its heading, and a part without data is left out entirely (no placeholder): the national
comparison appears only where observations for region 全国 exist, the cluster comparison only where the sources
publish cluster figures for the report year.

Imports: indicators (``comparisons``, ``marks``), :mod:`planlib.presentation` (``escape``, ``markdown``,
``references``, ``tables``) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib.indicators import comparisons as K
from planlib.indicators.marks import legend
from planlib.presentation.escape import md_text
from planlib.presentation.markdown import Markdown
from planlib.presentation.references import change_text
from planlib.presentation.tables import MISSING_TEXT, Table, fmt_number, fmt_percent
from planlib.sections.context import visible

if TYPE_CHECKING:
    from planlib.sections.context import Context

HEADING = "与上年、全国和片区比较"


def _names(ctx: Context) -> dict[str, str]:
    from planlib.inputs.observations import load_series_map

    names = {sid: str(spec.get("name", sid)) for sid, spec in load_series_map().series.items()}
    names.update(zip(ctx.plan.indicators["id"], ctx.plan.indicators["name"], strict=True))
    return names


def _headline_ids(ctx: Context) -> list[str]:
    return list(ctx.plan.indicators["id"])


def previous_year_table(ctx: Context) -> Table | None:
    """专栏1 indicators: the latest full-year value up to the report year beside the year before."""
    import pandas as pd

    frame = K.year_on_year(visible(ctx), _headline_ids(ctx), ctx.as_of,
                           ctx.plan.meta.region)
    if frame.empty:
        return None
    names = _names(ctx)
    rows = [{"指标": f"{names[r['indicator_id']]}（{r['unit']}）", "年份": f"{int(r['year'])}年",
             "本年": fmt_number(r["value"]) + r["marks"], "上年": fmt_number(r["previous"]) + r["previous_marks"],
             "比上年": change_text(r["change"], r["unit"])} for r in frame.to_dict("records")]  # fmt: skip
    found = [*frame["marks"], *frame["previous_marks"]]
    ctx.shown.update("".join(found))
    return Table(pd.DataFrame(rows), caption=f"主要指标与上年比较（截至{ctx.as_of}年）", name="previous-year",
                 source="见文末“数据来源”",
                 notes=["本年为截至评估年份的最新全年值，上年为其前一年的全年值；两年都有全年数据的指标才列出。",
                        "比率类指标的变化以百分点计。", *legend(found)])  # fmt: skip


def national_table(ctx: Context) -> Table | None:
    """The plan's area beside the national figure for the same indicator and year (only where both exist;
    never for a plan of the whole country)."""
    import pandas as pd

    area = ctx.plan.meta.region
    if area == K.NATIONAL:
        return None
    frame = K.vs_national(visible(ctx), _headline_ids(ctx), ctx.as_of, area)
    if frame.empty:
        return None
    names = _names(ctx)
    rows = [{"指标": f"{names[r['indicator_id']]}（{r['unit']}）", "年份": f"{int(r['year'])}年",
             area: fmt_number(r["city"]), "全国": fmt_number(r["national"]),
             f"{area}与全国比较": _vs_whole(r["city"], r["national"], r["difference"], r["unit"], "全国")}
            for r in frame.to_dict("records")]  # fmt: skip
    sources = "；".join(dict.fromkeys(frame["national_source"]))
    return Table(pd.DataFrame(rows), caption=f"{area}与全国比较（截至{ctx.as_of}年）", name="vs-national",
                 source=f"全国：{sources}；{area}：见文末“数据来源”",
                 notes=["同一指标、同一年份、同一单位都有全年数据时才比较；比率给出与全国之差（百分点），"
                        "总量给出占全国的比重。"])  # fmt: skip


def _vs_whole(value: float, whole: float, difference: float, unit: str, name: str) -> str:
    """A rate against the whole's rate (比全国高 x 个百分点); a total as its share of the whole (占全国x%)."""
    if unit in K.RATE_UNITS:
        return _difference(difference, unit).replace("高", f"比{name}高").replace("低", f"比{name}低")
    return f"占{name}{fmt_percent(value / whole)}" if whole else MISSING_TEXT


def _difference(value: float, unit: str) -> str:
    if value == 0:
        return "相同"
    sign = "高" if value > 0 else "低"
    return f"{sign}{fmt_number(abs(value))}{'个百分点' if unit == '%' else unit}"


def clusters_table(ctx: Context) -> Table | None:
    """Each published cluster figure of the report year beside the city's (share of the city, or the gap)."""
    import pandas as pd

    area = ctx.plan.meta.region
    frame = K.clusters_vs_city(visible(ctx), ctx.as_of, area)
    if frame.empty:
        return None
    names = _names(ctx)
    rows = []
    for r in frame.to_dict("records"):
        beside = _vs_whole(r["value"], r["city"], r["difference"], r["unit"], area)
        rows.append({"指标": f"{names.get(r['indicator_id'], r['indicator_id'])}（{r['unit']}）", "片区": r["region"],
                     "片区值": fmt_number(r["value"]), area: fmt_number(r["city"]), f"与{area}比较": beside})
    notes = ["片区值为统计年鉴、统计公报按片区公布的数（片区口径以来源为准，如“含垫江”）。",
             f"总量给出占{area}的比重，比率给出与{area}之差（百分点）。"]
    apart = frame[~frame["same_source"].astype(bool)]
    if not apart.empty:  # a revision shown, not hidden: the shares then need not add up to 100%
        notes.append(f"{area}值取自{'、'.join(dict.fromkeys(apart['city_source']))}（本报告采用的数），片区值的来源"
                     f"未给出同一版本的{area}值；两者可能是不同版本（如初步核算数与最终核实数），各片区比重之和可能不等于100%。")
    return Table(pd.DataFrame(rows), caption=f"片区与{area}比较（{ctx.as_of}年）", name="clusters-vs-city",
                 notes=notes)


def against_target_text(ctx: Context) -> list[str]:
    """One sentence per headline indicator that moved against its target on the year before, with what the
    remaining years must change (plain text)."""
    meta = ctx.plan.meta
    frame = K.required_change(ctx.assessment, visible(ctx), ctx.as_of, meta.period_end, meta.region)
    out = []
    end = ctx.plan.meta.period_end
    for r in frame.to_dict("records"):
        moved = change_text(r["change"], r["unit"])
        text = f"{r['name']}{int(r['year'])}年比上年{moved}，与目标方向相反。"
        if r["kind"] == "level" and r["required_per_year"] == r["required_per_year"] and r["margin"] < 0:
            text += (f"要在{end}年达到目标（{fmt_number(r['target'])}{r['unit']}），{int(r['year']) + 1}—{end}年"
                     f"每年须{change_text(r['required_per_year'], r['unit'])}。")
        elif r["kind"] == "cumulative" and r["required_per_year"] == r["required_per_year"]:
            text += f"剩余年份每年须完成{fmt_number(r['required_per_year'])}{r['unit']}。"
        elif r["margin"] == r["margin"]:
            text += (f"距目标（{fmt_number(r['target'])}{r['unit']}）尚余{fmt_number(r['margin'])}"
                     f"{'个百分点' if r['unit'] == '%' else r['unit']}。" if r["margin"] >= 0 else
                     f"已越过目标（{fmt_number(r['target'])}{r['unit']}）{fmt_number(-r['margin'])}"
                     f"{'个百分点' if r['unit'] == '%' else r['unit']}，剩余年份须扭转。")  # fmt: skip
        out.append(text)
    return out


def comparisons(ctx: Context) -> Markdown:
    """The report's comparison section: heading, then each part the data support; empty when none does. The
    heading names only the parts shown (与上年、全国和片区比较 when all three are)."""
    parts, named = [], []
    for short, heading, table in (("上年", "与上年比较", previous_year_table(ctx)),
                                  ("全国", "与全国比较", national_table(ctx)),
                                  ("片区", f"片区与{ctx.plan.meta.region}比较", clusters_table(ctx))):  # fmt: skip
        if table is not None:
            named.append(short)
            parts.append(f"## {md_text(heading)}\n\n{table._repr_markdown_()}")
    against = against_target_text(ctx)
    if against:
        parts.append("## " + md_text("与目标方向相反的变化") + "\n\n" + "\n".join(f"- {md_text(t)}" for t in against))
    if not parts:
        return Markdown("", f"段落“{HEADING}”")
    title = ("与" + "、".join(named[:-1]) + ("和" if len(named) > 1 else "") + named[-1] + "比较") if named else "比较"
    return Markdown(f"# {md_text(title)}\n\n" + "\n\n".join(parts) + "\n", f"段落“{title}”")
