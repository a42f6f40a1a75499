"""区域协调 (the plan's district layout, e.g. 一区两群): the layout map, the cluster and disparity text, the district
GDP map and the district heat index. A plan without a layout (plan meta ``layout_name``) gets none of them.

    R.layout_map(ctx)         # the clusters on the district boundaries
    R.regional_text(ctx)      # cluster population shares and urbanisation disparity, where every district has data
    R.district_gdp_map(ctx)   # district GDP of the report year (or the latest year with ≥ 10 districts)
    R.heat_index_table(ctx)   # 区县就业热力指数 of the report year

Sentences come from :mod:`planlib.presentation.regional`.

Imports: inputs (``regions``), indicators (``disparity``, ``heat_index``, ``marks``), :mod:`planlib.presentation`
(``markdown``, ``regional``, ``tables``, ``maps`` on first draw) and :mod:`planlib.sections.context`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib.presentation.markdown import Markdown, paragraphs
from planlib.presentation.regional import (
    census_date,
    cluster_population_sentence,
    gdp_gap_sentence,
    heat_description,
    urbanisation_disparity_sentence,
)
from planlib.presentation.tables import Table
from planlib.sections.context import (
    Context,
    drawn_once,
    gdp_map_rows,
    heat_rows,
    heat_sources,
    sources_register,
    visible,
)

if TYPE_CHECKING:
    from planlib.presentation.figures import Figure

def layout_map(ctx: Context) -> Figure | Markdown:
    """The plan's district layout (:func:`planlib.presentation.maps.layout_map`), drawn once per build."""
    from planlib.presentation import maps

    if not ctx.plan.meta.layout_name:
        return Markdown("", "地图“区域布局”")
    # drawn from the district data alone (the same for every report of a build)
    return drawn_once(None, "layout_map", maps.layout_map)


def district_gdp_map(ctx: Context) -> Figure | Markdown:
    """Choropleth of district GDP for the report year, or the latest year up to it that has data."""
    from planlib.indicators.marks import legend, symbols
    from planlib.inputs.regions import district_values
    from planlib.presentation import maps

    if not ctx.plan.meta.layout_name:
        return Markdown("", "地图“各区县地区生产总值”")
    found = gdp_map_rows(ctx)
    if found is not None:
        year, rows = found
        values = district_values(rows, "gdp", year=year)
        sources = rows["source_title"].nunique()
        marked = {r["region"]: symbols([r]) for r in rows.to_dict("records") if symbols([r])}
        shown = "".join(dict.fromkeys(marked.values()))
        flagged = "".join(f"；其中{'、'.join(d for d, m in marked.items() if sym in m)}的数值标{sym}" for sym in shown)
        source = f"{sources}种区县统计公报、政府工作报告及汇编（初步核算数，见数据来源）{flagged}"
        figure = drawn_once(None, "district_map", lambda: maps.district_map(
            values, title="各区县地区生产总值", unit="亿元", year=year, source=source, name=f"gdp-map-{year}"),
            values, year, source)  # fmt: skip
        if shown:
            figure.caption += f"（{flagged.removeprefix('；')}：{' '.join(legend([shown]))}）"
            figure.marks = shown
            ctx.shown.update(shown)
        return figure
    return paragraphs([f"截至{ctx.as_of}年，公布地区生产总值的区县不足10个，分区县地图数据暂缺。"],
                      "段落“各区县地区生产总值”")


def regional_text(ctx: Context) -> Markdown:
    """Cluster aggregates and disparity, only where every district has data; otherwise say which are missing."""
    from planlib.indicators.disparity import CONVENTIONS, disparity
    from planlib.inputs.regions import aggregate_clusters, district_values, grouping_name, load_clusters

    if not ctx.plan.meta.layout_name:
        return Markdown("", "段落“区域协调”")
    obs = visible(ctx)
    pop = district_values(obs, "resident_population", period_type="census_date")
    urban = district_values(obs, "urban_resident_population", period_type="census_date")
    groups = load_clusters().set_index("district")["cluster"]
    lines = []
    if len(groups) and len(pop) == len(groups) and len(urban) == len(groups):
        sums = aggregate_clusters(pop, "sum").set_index("group")["value"]
        lines.append(cluster_population_sentence(sums, census_date(obs), ctx.plan.meta.region, grouping_name()))
        rate = urban / pop * 100
        lines.append(urbanisation_disparity_sentence(disparity(rate, pop, groups)))
    gdp = district_values(obs, "gdp", year=ctx.as_of)
    missing = sorted(set(groups.index) - set(gdp.index))
    if missing:
        lines.append(gdp_gap_sentence(ctx.as_of, len(gdp), missing))
    lines.append(f"计算口径：{CONVENTIONS}")
    return paragraphs(lines, "段落“区域协调”")


def heat_index_table(ctx: Context) -> Table | Markdown:
    """区县就业热力指数 of the report year (:func:`planlib.indicators.heat_index.heat_index`), districts with data
    only, highest first, with the method notes; a paragraph saying so where no district has enough data."""
    from planlib.indicators.heat_index import heat_index

    if not ctx.plan.meta.layout_name:
        return Markdown("", "段落“区县就业热力指数”")
    result = heat_index(visible(ctx))
    idx = result.index[result.index["year"] == ctx.as_of].dropna(subset=["index"])
    notes = heat_description(result)
    if idx.empty:
        return paragraphs([f"{ctx.as_of}年可用于区县就业热力指数的区县数据不足（每个区县至少需要"
                           f"{result.spec['min_components']}项指标），本年指数暂缺。{''.join(notes)}"],
                          "段落“区县就业热力指数”")  # fmt: skip
    import pandas as pd

    from planlib.indicators.marks import legend, symbols

    used = heat_rows(ctx)
    marks = {d: symbols(rows.to_dict("records")) for d, rows in used.groupby("region")}
    names = [d + marks.get(d, "") for d in idx["district"]]
    shown = [m for d, m in marks.items() if m and d in set(idx["district"])]
    if shown:
        ctx.shown.update("".join(shown))
        notes = [*notes, "区县名后的符号表示纳入计算的数值中有这类数值：" + " ".join(legend(shown))]
    frame = pd.DataFrame({"区县": names, "指数（0—100）": idx["index"].round(1),
                          "纳入指标数": idx["n_components"]}).sort_values("指数（0—100）", ascending=False)  # fmt: skip
    register = sources_register(ctx)
    refs = "、".join(f"[{register[s]}]" for s in heat_sources(ctx))
    return Table(frame, caption=f"区县就业热力指数（{ctx.as_of}年，仅含有数据的区县）", name="heat-index",
                 source=f"{refs}（编号见附录“数据来源”）" if refs else None, notes=notes)
