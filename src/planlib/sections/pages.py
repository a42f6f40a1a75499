"""The site's monitoring pages: one per headline indicator (the plan's 专栏1), one for the project targets
(专栏2–13 and the body text), one per 区县 — what each page contains, composed from planlib's tables, figures
and assessments. Nothing here computes a number of its own: values are published figures (with their
source), assessments come from :func:`planlib.indicators.assessment.assess`, cluster totals from
:func:`planlib.inputs.regions.aggregate_clusters`; missing values read 数据暂缺.

A :class:`Page` is a list of blocks — :class:`Text` (plain paragraphs, escaped when written), :class:`Links`
(relative links within the site), :class:`presentation.tables.Table` and :class:`FigureBlock` (a figure made
when the page is written, so only one is open at a time). :mod:`planlib.publish.pages` writes them as HTML
with CSV and XLSX beside every table; both engines get the same pages, since no notebook is involved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from planlib.indicators.marks import legend, symbols
from planlib.inputs.periods import ANNUAL_TYPES
from planlib.presentation.figures import Figure
from planlib.presentation.tables import MISSING_TEXT, Table, fmt_number, fmt_percent

if TYPE_CHECKING:
    import pandas as pd

    from planlib.inputs.plan import Plan

PERIOD_TYPE_LABEL = {
    "full_year": "全年",
    "year_end": "年末",
    "partial_year": "部分时期(不作全年值)",
    "census_date": "普查时点",
    "multi_year": "多年合计",
    "as_of": "截至某日",
    "static": "无时间",
}


class ReportLike(Protocol):
    """What a page needs to know of a report of the manifest (:class:`planlib.publish.manifest.Report`)."""

    id: str
    kind: str
    title: str

    @property
    def as_of(self) -> int: ...

    @property
    def vintage(self) -> str: ...


@dataclass
class Text:
    """Plain-text paragraphs (escaped when written), under an optional heading."""

    paragraphs: list[str]
    heading: str | None = None


@dataclass
class Links:
    """Links within the site: (label, path relative to the site root)."""

    items: list[tuple[str, str]]
    heading: str | None = None


@dataclass
class FigureBlock:
    """A figure made when the page is written (``make()``); ``heading`` above it."""

    make: Callable[[], Figure]
    heading: str | None = None


@dataclass
class Page:
    """One page of the site at ``path`` (relative to the site root, e.g. ``indicators/urban_new_jobs.html``).

    ``key`` names its folder of downloads (``data/<kind>/<key>/<table>.csv``); ``missing`` counts the
    values shown as 数据暂缺 (for the indexes)."""

    path: str
    title: str
    kind: str  # "indicator" | "projects" | "district"
    key: str
    subtitle: str = ""
    blocks: list[Any] = field(default_factory=list)
    missing: int = 0

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def report_assessments(
    plan: Plan, observations: pd.DataFrame, reports: Sequence[ReportLike]
) -> dict[str, pd.DataFrame]:
    """The assessment each evaluation report of the manifest makes: :func:`assess` at its ``as_of`` on the
    figures known on its ``vintage`` (monthly bulletins do not assess the plan and are left out)."""
    from planlib.indicators.assessment import assess
    from planlib.inputs.observations import as_known_on

    out = {}
    for report in reports:
        if report.kind == "monthly":
            continue
        out[report.id] = assess(plan, as_known_on(observations, report.vintage), as_of=report.as_of)
    return out


def _target_text(spec: Any) -> str:
    """The target as the reports word it (:func:`planlib.presentation.narrative.target_text`: '≥300万人(五年
    累计)', '20—30个', '高于地区生产总值增速'), or 数据暂缺 for a row without one."""
    from planlib.presentation.narrative import target_text

    if spec["target"] != spec["target"] and spec["comparator"] not in ("higher_than", "steady_growth"):
        return MISSING_TEXT
    return target_text(spec)


def _baseline_text(spec: Any) -> str:
    """'362万人（2016—2020年累计）' for a five-year total, '76.1万人（2020年）' for a level; 数据暂缺 without one."""
    if not _known(spec["baseline"]):
        return MISSING_TEXT
    period = spec.get("baseline_period")
    when = (f"{str(period).replace('-', '—')}年累计" if isinstance(period, str) and period.strip()
            else f"{int(spec['baseline_year'])}年")  # fmt: skip
    return f"{fmt_number(spec['baseline'])}{spec['unit']}（{when}）"


def _known(value: Any) -> bool:
    import pandas as pd

    return value is not None and not pd.isna(value)


def _progress(row: Any) -> str:
    if row["kind"] == "cumulative" and _known(row["cumulative"]):
        return f"累计 {fmt_number(row['cumulative'])},完成 {fmt_percent(row['completion'])}"
    if _known(row["completion"]):
        return f"完成 {fmt_percent(row['completion'])}"
    if _known(row["years_assessed"]) and row["years_assessed"]:
        return f"{int(row['years_met'])}/{int(row['years_assessed'])} 个年份达到要求"
    return MISSING_TEXT


def _latest(row: Any) -> str:
    if not _known(row["latest_value"]):
        return MISSING_TEXT
    return f"{fmt_number(row['latest_value'])}{row.get('latest_marks') or ''}({int(row['latest_year'])}年)"


def _observation_table(obs: pd.DataFrame, ids: list[str], names: dict[str, str], name: str, caption: str,
                       region: str) -> Table:  # fmt: skip
    """Every collected value of the series ``ids`` for ``region`` (the plan's whole area, e.g. 全市), with
    period, source, confidence and note."""
    import pandas as pd

    from planlib.inputs.observations import load_choice_settings

    rows = obs[obs["indicator_id"].isin(ids) & (obs["region"] == region)]
    rows = rows.sort_values(["indicator_id", "period_end", "period_label", "source_title"], na_position="first",
                            key=lambda s: s.map(ids.index) if s.name == "indicator_id" else s)  # fmt: skip
    recs = rows.to_dict("records")
    settings = load_choice_settings()
    frame = pd.DataFrame({
        "指标": [names.get(r["indicator_id"], r["indicator_id"]) for r in recs],
        "时期": [r["period_label"] for r in recs],
        "数值": [fmt_number(r["value"]) + symbols([r]) for r in recs],
        "单位": [r["unit"] for r in recs],
        "时期类型": [PERIOD_TYPE_LABEL.get(r["period_type"], r["period_type"]) for r in recs],
        "采用": ["是" if r["preferred"] else "否(另有采用值)" for r in recs],
        "可信度": [settings.label(r["confidence"]) for r in recs],  # 高/中/低, never the keys
        "来源": [r["source_title"] for r in recs],
        "链接": [r["source_url"] for r in recs],
        "说明": [r["note"] if isinstance(r["note"], str) else "" for r in recs],
    }, columns=["指标", "时期", "数值", "单位", "时期类型", "采用", "可信度", "来源", "链接", "说明"])  # fmt: skip
    if len(ids) == 1:
        frame = frame.drop(columns="指标")
    notes = legend([symbols(recs)])
    if frame.empty:
        notes.append("尚未收集到任何数值:数据暂缺。")
    return Table(frame, caption=caption, name=name, notes=notes, links=("链接",))


def _judgements_table(spec_ids: list[str], names: dict[str, str], reports: Sequence[ReportLike],
                      assessments: dict[str, pd.DataFrame], name: str, caption: str) -> Table:  # fmt: skip
    """How each report judged each target: one row per (target, report), in the manifest's order."""
    import pandas as pd

    rows = []
    for sid in spec_ids:
        for report in reports:
            if report.id not in assessments:
                continue
            a = assessments[report.id].set_index("id")
            row = a.loc[sid]
            rows.append({"指标": names[sid], "报告": report.title, "数据截至": f"{report.as_of}年",
                         "数据版本": "最新" if report.vintage == "latest" else f"{report.vintage} 已公布",
                         "最新全年值": _latest(row), "进展": _progress(row), "状态": row["status"]})  # fmt: skip
    frame = pd.DataFrame(rows, columns=["指标", "报告", "数据截至", "数据版本", "最新全年值", "进展", "状态"])
    if len(spec_ids) == 1:
        frame = frame.drop(columns="指标")
    shown = [
        row.get("latest_marks") or "" for a in assessments.values() for _, row in a[a["id"].isin(spec_ids)].iterrows()
    ]
    return Table(frame, caption=caption, name=name, notes=legend(shown))


def indicator_pages(plan: Plan, observations: pd.DataFrame, reports: Sequence[ReportLike],
                    assessments: dict[str, pd.DataFrame]) -> list[Page]:  # fmt: skip
    """One page per headline indicator of ``plan`` (its 专栏1), in the plan's order."""
    from planlib.presentation import charts

    as_of = max((r.as_of for r in reports if r.id in assessments), default=plan.meta.period_end)
    pages = []
    for spec in plan.indicators.to_dict("records"):
        sid = spec["id"]
        names = {sid: spec["name"]}
        base = _baseline_text(spec)
        where = " · ".join(str(x) for x in (f"{spec['section']}第{spec['number']}项", spec["attribute"], spec["area"])
                           if _known(x) and str(x).strip())  # fmt: skip
        facts = [where.strip(" ·"),
                 f"基数：{base}；目标：{_target_text(spec)}。"]  # fmt: skip
        plan_text = [t for t in (f"规划原文:{spec['source_text']}" if spec["source_text"] else "",
                                 f"口径说明:{spec['note']}" if isinstance(spec["note"], str) else "") if t]  # fmt: skip
        judged = _judgements_table([sid], names, reports, assessments, "judgements", f"{spec['name']}:各期报告的判断")
        observed = _observation_table(observations, [sid], names, "observations",
                                      f"{spec['name']}:已收集的全部数值(含部分时期值和未采用的值)",
                                      plan.meta.region)  # fmt: skip

        def make(sid: str = sid, kind: str = spec["kind"]) -> Figure:
            if kind == "cumulative":
                return charts.cumulative_progress(plan, observations, sid, as_of)
            return charts.trajectory(plan, observations, sid, as_of)

        # what the assessments say about the values they used (a choice between sources, a scope, a stand-in)
        # and the latest partial-period value: beside the numbers
        rows = [a.set_index("id").loc[sid] for a in assessments.values()]
        caveats = list(dict.fromkeys(note for row in rows for note in (row["value_notes"] or ())))
        caveats += [f"部分时期值(不作全年值):{p}。" for p in dict.fromkeys(r["partial_note"] for r in rows)
                    if isinstance(p, str)]  # fmt: skip
        latest = assessments[max(assessments, key=lambda rid: next(r.as_of for r in reports if r.id == rid))] \
            if assessments else None  # fmt: skip
        status = latest.set_index("id").loc[sid, "status"] if latest is not None else MISSING_TEXT
        pages.append(
            Page(
                path=f"indicators/{sid}.html",
                title=f"{spec['name']}({spec['unit']})",
                kind="indicator",
                key=sid,
                subtitle=f"最近一期判断:{status}",
                blocks=[
                    Text(facts),
                    FigureBlock(make, "实际值与目标路径"),
                    judged,
                    Text(caveats, "口径与数据说明"),
                    observed,
                    Text(plan_text, "规划原文与口径"),
                ],
                missing=int((observed.frame["数值"] == MISSING_TEXT).sum()) + int(observed.frame.empty),
            )
        )
    return pages


def projects_page(plan: Plan, observations: pd.DataFrame, reports: Sequence[ReportLike],
                  assessments: dict[str, pd.DataFrame]) -> Page:  # fmt: skip
    """One page for every quantified target outside 专栏1 (专栏2–13 and the body text): its target, and the
    status each report gave it; then every value collected for them."""
    import pandas as pd

    targets = plan.targets
    names = dict(zip(targets["id"], targets["name"], strict=True))
    shown = [r for r in reports if r.id in assessments]
    rows = []
    for spec in targets.to_dict("records"):
        row = {"栏目": spec["section"], "工程或条目": spec["project"] or "", "指标": spec["name"],
               "目标": _target_text(spec)}  # fmt: skip
        for report in shown:
            row[report.title] = assessments[report.id].set_index("id").loc[spec["id"], "status"]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["栏目", "工程或条目", "指标", "目标", *[r.title for r in shown]])
    label = plan.meta.targets_label
    status = Table(frame, caption=f"{label}目标:各期报告的判断", name="judgements")
    ids = [i for i in targets["id"] if (observations["indicator_id"] == i).any()]
    observed = _observation_table(observations, ids, names, "observations", "已收集的全部数值(有数值的目标)",
                                  plan.meta.region)
    without = [names[i] for i in targets["id"] if i not in ids]
    missing_text = [f"尚无任何数值(数据暂缺)的目标 {len(without)} 项:{'、'.join(without)}。"] if without else []
    return Page(
        path="indicators/projects.html",
        title=f"{label}的量化目标",
        kind="projects",
        key="projects",
        subtitle=f"共 {len(targets)} 项目标",
        blocks=[status, observed, Text(missing_text, "数据暂缺")],
        missing=len(without),
    )


# --- districts -------------------------------------------------------------------------------------------------


def _series_years(obs: pd.DataFrame) -> list[tuple[str, int | None, str]]:
    """(series, year, period_type) for which any 区县 has a preferred value, in a stable order."""
    d = obs[(obs["region_kind"] == "district") & obs["preferred"]]
    keys = d[["indicator_id", "year", "period_type"]].drop_duplicates()
    keys = keys.assign(y=keys["year"].fillna(0).astype(int)).sort_values(["indicator_id", "y", "period_type"])
    return [(r.indicator_id, int(r.year) if _known(r.year) else None, r.period_type)
            for r in keys.itertuples()]  # fmt: skip


def _population(obs: pd.DataFrame, year: int | None) -> pd.Series | None:
    """Weights for a population-weighted mean (settings/aggregation.yaml): 常住人口 at the end of ``year`` when
    every 区县 has it, else the census (七普) population."""
    from planlib.inputs.regions import district_values

    if year is not None:
        pop = district_values(obs, "resident_population", year=year)
        if len(pop) == 38:
            return pop
    census = district_values(obs, "resident_population", period_type="census_date")
    return census if len(census) else None


def _district_frame(obs: pd.DataFrame, region: str) -> pd.DataFrame:
    """One row per (series, period, 区县): the district's value, its cluster's aggregate and the value of
    ``region`` (the plan's whole area, e.g. 全市)."""
    import pandas as pd

    from planlib.inputs.regions import aggregate_clusters, aggregation_rules, district_values, load_clusters

    clusters = load_clusters().set_index("district")
    rules = aggregation_rules()
    d = obs[(obs["region_kind"] == "district") & obs["preferred"]]
    city = obs[(obs["region"] == region) & obs["preferred"]]
    out = []
    for sid, year, ptype in _series_years(obs):
        sel = d[(d["indicator_id"] == sid) & (d["period_type"] == ptype)]
        sel = sel[sel["year"] == year] if year is not None else sel[sel["year"].isna()]
        if ptype == "static":  # a value without a period (e.g. 面积) is not compared over time
            continue
        recs = {r["region"]: r for r in sel.to_dict("records")}
        values = district_values(obs, sid, year=year, period_type=ptype) if recs else None
        agg: dict[str, str] = {}
        agg_num: dict[str, float] = {}
        rule = rules.get(sid, "none")
        if rule == "none":
            agg = {c: "不可跨区县汇总" for c in clusters["cluster"].unique()}
        elif values is not None:
            pop = _population(obs, year) if rule == "population_weighted_mean" else None
            table = aggregate_clusters(values.rename(sid), population=pop)
            for rec in table.to_dict("records"):
                agg_num[rec["group"]] = rec["value"]
                agg[rec["group"]] = (fmt_number(rec["value"]) if rec["complete"] else
                                     f"数据暂缺({rec['n_with_data']}/{rec['n_districts']} 个区县有数据)")  # fmt: skip
        c = city[city["indicator_id"] == sid]
        # a full-year or year-end value is a year's value either way (全市 城镇化率 is published full_year,
        # the 区县 ones year_end); other periods must match exactly
        c = c[c["is_annual"]] if ptype in ANNUAL_TYPES else c[c["period_type"] == ptype]
        c = c[c["year"] == year] if year is not None else c[c["year"].isna()]
        c_num = float(c["value"].iloc[0]) if len(c) else float("nan")
        c_val = fmt_number(c["value"].iloc[0]) + symbols(c.to_dict("records")[:1]) if len(c) else MISSING_TEXT
        for district in clusters.index:
            r = recs.get(district)
            out.append({"series": sid, "year": year, "period_type": ptype, "district": district,
                        "period_label": (r or next(iter(recs.values())))["period_label"],
                        "value": r["value"] if r else float("nan"), "marks": symbols([r]) if r else "",
                        "unit": (r or next(iter(recs.values())))["unit"], "cluster_value":
                        agg.get(clusters.loc[district, "cluster"], MISSING_TEXT), "city_value": c_val,
                        "cluster_num": agg_num.get(clusters.loc[district, "cluster"], float("nan")), "city_num": c_num,
                        "source": r["source_title"] if r else "", "url": r["source_url"] if r else ""})  # fmt: skip
    return pd.DataFrame(out)


def district_pages(observations: pd.DataFrame, region: str, layout: str) -> list[Page]:
    """One page per 区县 of the plan's grouping (:func:`planlib.inputs.regions.load_clusters`), by code, each
    against its cluster and ``region`` (the plan's whole area, e.g. 全市); ``layout`` names the plan's spatial
    layout (e.g. 一区两群) in captions."""
    import pandas as pd

    from planlib.inputs.observations import load_series_map
    from planlib.inputs.regions import grouping_name, load_clusters
    from planlib.presentation.pages_figures import district_comparison, district_locator

    smap = load_series_map()
    clusters = load_clusters()
    frame = _district_frame(observations, region)
    grouping = grouping_name()
    pages = []
    for rec in clusters.to_dict("records"):
        name, code = rec["district"], rec["district_code"]
        part = frame[frame["district"] == name]
        have = part[part["value"].notna()]
        table = pd.DataFrame({
            "指标": [smap.name(s) for s in have["series"]],
            "时期": list(have["period_label"]),
            "本区县": [fmt_number(v) + m for v, m in zip(have["value"], have["marks"], strict=True)],
            f"{rec['cluster']}(汇总)": list(have["cluster_value"]),
            region: list(have["city_value"]),
            "单位": list(have["unit"]),
            "来源": list(have["source"]),
            "链接": list(have["url"]),
        })  # fmt: skip
        notes = [
            *legend(list(have["marks"])),
            f"片区按{grouping}汇总;片区值仅在其全部区县都有数据时给出,否则标明有数据的区县数。",
        ]
        values = Table(table, caption=f"{name}:各项数据与所在片区、{region}对比", name="values", notes=notes,
                       links=("链接",))  # fmt: skip
        gaps = part[part["value"].isna()]
        missing = [f"{smap.name(s)}:{'、'.join(g['period_label'])}" for s, g in gaps.groupby("series", sort=False)]
        sub = f" · {rec['subcluster']}" if isinstance(rec["subcluster"], str) else ""
        facts = [f"行政区划代码 {code} · {rec['cluster']}{sub}",
                 f"分组:{grouping}。"]  # fmt: skip
        blocks: list[Any] = [Text(facts),
                             FigureBlock(lambda n=name: district_locator(n, layout), f"在“{layout}”中的位置")]
        rates = part[part["series"].isin(_rate_series())]
        if rates["value"].notna().any():
            blocks.append(
                FigureBlock(lambda r=rates, n=name, c=code: district_comparison(r, n, c, smap, region),
                            f"与片区、{region}对比")
            )
        blocks += [values, Text([f"以下数据在其他区县已有、本区县数据暂缺:{'；'.join(missing)}。"] if missing else
                               ["其他区县已有的数据,本区县均已收集。"], "数据暂缺")]  # fmt: skip
        pages.append(
            Page(
                path=f"districts/{code}.html",
                title=name,
                kind="district",
                key=code,
                subtitle=f"区县监测页 · {grouping}",
                blocks=blocks,
                missing=len(gaps),
            )
        )
    return pages


def _rate_series() -> list[str]:
    """Series drawn as lines against cluster and city: rates, aggregated by population-weighted mean."""
    from planlib.inputs.regions import aggregation_rules

    return [s for s, rule in aggregation_rules().items() if rule == "population_weighted_mean"]
