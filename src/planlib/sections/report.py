"""Report sections as planlib calls: a notebook cell is one call, its output is Markdown or a Table.

    import planlib.sections.report as R
    ctx = R.context(as_of=2023, report_kind="annual")
    R.summary(ctx)            # 摘要: generated sentences
    R.headline_table(ctx)     # 专栏1 table with status and sources

Text and markup are kept apart: sentences (planlib.presentation.narrative, the ``_*_text`` helpers here), names,
units, source titles and everything else from data, the plan or the settings are plain text, and are
escaped (:func:`planlib.presentation.escape.md_text`) where they are put into Markdown; only the markup this module
writes itself (list dashes, ``**口径说明**``) is markup. Tables and figures escape their own text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planlib._values import is_missing
from planlib.indicators import assessment as A
from planlib.presentation.escape import md_text
from planlib.presentation.figures import Figure
from planlib.presentation.narrative import summary_sentences, target_text
from planlib.presentation.tables import MISSING_TEXT, Table, fmt_number, fmt_percent

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from planlib.inputs.plan import Plan


class Markdown(str):
    """Markdown that a notebook (and the publisher) shows; ``where`` names the section in messages.

    When shown, its characters are checked against the shipped fonts (raises
    :class:`planlib.errors.DataError` naming the section and the character)."""

    where: str = "报告段落"

    def __new__(cls, text: str, where: str | None = None) -> Markdown:
        obj = super().__new__(cls, text)
        if where:
            obj.where = where
        return obj

    def check_glyphs(self) -> None:
        from planlib.presentation.style import check_glyphs

        check_glyphs(str(self), file=self.where)

    def _repr_markdown_(self) -> str:
        self.check_glyphs()
        return str(self)


def _paragraphs(texts: list[str], where: str) -> Markdown:
    """Plain-text paragraphs → Markdown (each escaped)."""
    return Markdown("\n\n".join(md_text(t) for t in texts) + "\n", where)


def _items(texts: list[str]) -> list[str]:
    """Plain-text list items → Markdown lines ``- …`` (each escaped)."""
    return [f"- {md_text(t)}" for t in texts]


@dataclass(frozen=True)
class Context:
    plan: Plan
    observations: pd.DataFrame  # all observations; sections filter by as_of themselves
    assessment: pd.DataFrame
    as_of: int
    report_kind: str
    vintage: str = "latest"  # "latest" or the date YYYY-MM-DD the report is written as of
    # the marks (†, ‡) the report has printed so far: its footer says what they mean (see notice())
    shown: set[str] = field(default_factory=set, compare=False, hash=False)

    @property
    def years(self) -> list[int]:
        return list(range(self.plan.meta.period_start, self.as_of + 1))

    @functools.cached_property
    def data_key(self) -> str:
        """A digest of everything this report's figures may be drawn from — the plan, ``as_of``, the vintage
        and the observations of that vintage — computed once per report (the figure cache's key part)."""
        from planlib.presentation.figures import fingerprint

        plan = self.plan
        return fingerprint(plan.meta.model_dump(), plan.all_targets, self.as_of, self.vintage, self.observations)

    @functools.cached_property
    def source_numbers(self) -> dict[str, int]:
        """Computed once per report: every table of the report cites these numbers."""
        numbers: dict[str, int] = {}
        for text in [*self.assessment["sources"].fillna(""), *_alert_rows(self)["source"], *_heat_sources(self),
                     *_map_sources(self)]:
            for src in filter(None, str(text).split(A.SOURCE_SEPARATOR)):
                numbers.setdefault(src, len(numbers) + 1)
        return numbers


def context(as_of: int, report_kind: str = "annual", plan: str | None = None, vintage: str = "latest",
            observations: str | Path | pd.DataFrame | None = None) -> Context:  # fmt: skip
    """Everything a report needs for year ``as_of``; raises a clear error for a year outside the plan.

    ``vintage`` is ``"latest"`` (every figure in data/raw) or a date ``YYYY-MM-DD``: the report as it
    could have been written that day, from the figures published by then (later revisions and
    publications left out; see :func:`planlib.inputs.observations.as_known_on`). Nothing is cached between
    calls, so a context made after a data edit sees the edit (loading itself is cached on the files).
    ``plan`` is a plan id or YAML path (default: planlib's default plan); ``observations`` a tidy frame or
    the path of a tidy CSV (columns ``TIDY_COLUMNS``) to use instead of data/raw (the manifest's
    ``site.observations``).
    """
    from planlib.inputs.observations import as_known_on, load_observations
    from planlib.inputs.plan import DEFAULT_PLAN, load_plan

    plan_obj = load_plan(plan or DEFAULT_PLAN)
    frame = load_observations() if observations is None else tidy_observations(observations)
    obs = as_known_on(frame, vintage)  # what the report may see: A.visible(obs, as_of)
    assessment = A.assess(plan_obj, obs, as_of=int(as_of))
    return Context(plan=plan_obj, observations=obs, assessment=assessment, as_of=int(as_of),
                   report_kind=report_kind, vintage=str(vintage))  # fmt: skip


def heading(ctx: Context, which: str) -> Markdown:
    """A section heading whose words depend on the plan (empty where the plan has no such section):
    ``"targets"`` (``# 专栏2—13 项目量化目标``, plan meta ``targets_heading``; none without targets),
    ``"regional"`` (``# 区域协调（一区两群）``, ``layout_name``), ``"heat"`` (``## 区县就业热力指数``, with a
    layout), ``"comparison"`` (``# 与“十三五”比较``), ``"headline"`` (``# 主要指标完成情况（2021—2025年）``).
    Raises KeyError for another ``which``."""
    meta = ctx.plan.meta
    text = {
        "targets": f"# {meta.targets_heading}" if len(ctx.plan.targets) else "",
        "regional": f"# 区域协调（{meta.layout_name}）" if meta.layout_name else "",
        "heat": "## 区县就业热力指数" if meta.layout_name else "",
        "comparison": f"# 与{ctx.plan.previous_label}比较",
        "headline": f"# 主要指标完成情况（{_span(meta.period_start, meta.period_end)}）",
    }[which]
    return Markdown(text + "\n" if text else "", f"标题“{which}”")


def pending_note(ctx: Context) -> Markdown:
    """For the final report: which end-year figures of the headline indicators are not yet published (from
    the data), or nothing when all are."""
    end = ctx.plan.meta.period_end
    if ctx.as_of < end:
        return Markdown("", "段落“摘要”")
    ids = list(ctx.plan.indicators["id"])
    missing = [n for i, n in zip(ids, ctx.plan.indicators["name"], strict=True) if not _has_year(ctx, i, end)]
    if not missing:
        return Markdown("", "段落“摘要”")
    text = (f"{end}年的全年数据尚未全部公布（{len(missing)}项主要指标尚缺：{'、'.join(missing)}）；"
            "本报告使用截至目前已公布的数据，部分时期数据单独标注，不作为全年值。")  # fmt: skip
    return _paragraphs([text], "段落“摘要”")


def areas(ctx: Context, after: Callable[[str], Any] | None = None) -> Markdown:
    """Every plan area (plan meta ``areas``) under its own ``##`` heading, each :func:`area_section`;
    ``after(area)`` (e.g. the analysts' commentary for that area) follows each one when it gives text."""
    parts = []
    for area in ctx.plan.meta.areas:
        parts += [f"## {md_text(area)}", str(area_section(ctx, area)).strip("\n")]
        extra = str(after(area)).strip("\n") if after is not None else ""
        if extra:
            parts.append(extra)
    return Markdown("\n\n".join(parts) + "\n", "段落“分领域进展”")


def tidy_observations(observations: str | Path | pd.DataFrame) -> pd.DataFrame:
    """A tidy observations frame given as a frame or as a CSV written from one (types restored)."""
    import pandas as pd

    if isinstance(observations, pd.DataFrame):
        return observations
    frame = pd.read_csv(observations, dtype={"region_code": "string"}, encoding="utf-8")
    frame["year"] = frame["year"].astype("Int64")
    return frame


def summary(ctx: Context) -> Markdown:
    meta = ctx.plan.meta
    sentences = summary_sentences(ctx.assessment, ctx.as_of, meta.period_start, meta.region, meta.headline_label)
    head = ctx.assessment[ctx.assessment["group"] == "headline"]
    ctx.shown.update("".join(v for c in ("latest_marks", "marks") for v in head[c] if isinstance(v, str)))
    return _paragraphs(sentences, "段落“摘要”")


def _baseline_text(row: dict, base_year: int) -> str:
    """The baseline cell: '≥362（2016-2020累计）', '76.1', or '10.5（2019年）' for one not of ``base_year``."""
    if is_missing(row["baseline"]):
        return "—"
    prefix = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}.get(row.get("baseline_comparator") or "", "")
    text = prefix + fmt_number(row["baseline"])
    if isinstance(row.get("baseline_period"), str):
        text += f"（{row['baseline_period']}累计）"
    elif row.get("baseline_year") and int(row["baseline_year"]) != base_year:
        text += f"（{int(row['baseline_year'])}年）"
    return text


def _sym(row: dict, column: str) -> str:
    value = row.get(column)
    return value if isinstance(value, str) else ""


def _latest_text(row: dict) -> str:
    if is_missing(row["latest_value"]):
        return MISSING_TEXT
    return f"{fmt_number(row['latest_value'])}{_sym(row, 'latest_marks')}（{int(row['latest_year'])}年）"


def _progress_text(row: dict) -> str:
    if row["kind"] == "cumulative":
        if is_missing(row["cumulative"]):
            return MISSING_TEXT
        return f"累计 {fmt_number(row['cumulative'])}{_sym(row, 'marks')}，完成 {fmt_percent(row['completion'])}"
    if row["kind"] in ("annual", "relative", "qualitative"):
        if is_missing(row["years_assessed"]) or not row["years_assessed"]:
            return MISSING_TEXT
        return f"{int(row['years_met'])}/{int(row['years_assessed'])} 年满足"
    if is_missing(row["completion"]):
        return MISSING_TEXT
    return f"完成 {fmt_percent(row['completion'])}"


def _value_notes(ctx: Context, rows: list[dict]) -> list[str]:
    """Notes a table owes its reader for the values it shows: the legend of the marks († ‡) that appear,
    and, per value, a footnote marker in the original, a special zone the figure includes, or why it was
    chosen over another value for the same period (assessment columns from
    :func:`planlib.indicators.assessment.assess`)."""
    from planlib.indicators.marks import legend

    found = [_sym(r, c) for r in rows for c in ("latest_marks", "marks")]
    found += [r["partial_note"] for r in rows if isinstance(r.get("partial_note"), str)]
    notes = legend(found)
    ctx.shown.update("".join(found))
    for r in rows:
        notes += [n for n in (r.get("value_notes") or ()) if n not in notes]
    return notes


def sources_register(ctx: Context) -> dict[str, int]:
    """Number every source the report uses (assessment, alerts, heat index), in order of first use.

    Tables cite these numbers; the titles themselves are listed once, in the appendix."""
    return ctx.source_numbers


def _src(title: str, url: str) -> str:
    return f"{title} <{url}>"


def _alert_rows(ctx: Context) -> pd.DataFrame:
    from planlib.indicators.alerts import unemployment_alerts

    obs, meta = ctx.observations, ctx.plan.meta
    # the plan's region, and its districts where it has a district layout
    ours = (obs["region"] == meta.region) | ((obs["region_kind"] == "district") & bool(meta.layout_name))
    alerts = unemployment_alerts(obs[ours], as_of=ctx.as_of, region=meta.region)
    # the base year is before the plan: its figures are baselines, never alerts of the plan period
    alerts = alerts[alerts["year"].isna() | (alerts["year"] >= meta.period_start)].copy()
    alerts["source"] = [_src(t, u) for t, u in zip(alerts["source_title"], alerts["source_url"], strict=True)]
    return alerts


def _heat_rows(ctx: Context) -> pd.DataFrame:
    """The district observations of the report year that the heat index's components read."""
    from planlib.indicators.heat_index import load_spec

    series = {c["series"] for c in load_spec()["components"]}
    obs = _visible(ctx)
    return obs[obs["indicator_id"].isin(series) & (obs["year"] == ctx.as_of) & (obs["region_kind"] == "district")
               & obs["preferred"]]  # fmt: skip


def _heat_sources(ctx: Context) -> list[str]:
    if not ctx.plan.meta.layout_name:
        return []
    used = _heat_rows(ctx)
    return sorted({_src(t, u) for t, u in zip(used["source_title"], used["source_url"], strict=True)})


def _map_sources(ctx: Context) -> list[str]:
    found = _gdp_map_rows(ctx) if ctx.plan.meta.layout_name else None
    if found is None:
        return []
    return sorted({_src(t, u) for t, u in zip(found[1]["source_title"], found[1]["source_url"], strict=True)})


def _source_refs(row: dict, register: dict[str, int]) -> str:
    text = row.get("sources")
    if not isinstance(text, str):
        return "—"
    refs = [register[s] for s in filter(None, text.split(A.SOURCE_SEPARATOR))]
    return "、".join(f"[{n}]" for n in refs) or "—"


def headline_table(ctx: Context) -> Table:
    """专栏1: baseline, target, latest value and year, progress, status, Eurostat category, sources."""
    import pandas as pd

    register = sources_register(ctx)
    meta = ctx.plan.meta
    rows = []
    recs = ctx.assessment[ctx.assessment["group"] == "headline"].to_dict("records")
    for rec in recs:
        rows.append({
            "指标": f"{rec['name']}（{rec['unit']}）",
            f"{meta.baseline_year}年基数": _baseline_text(ctx.plan.target(rec["id"]), meta.baseline_year),
            f"{meta.period_end}年目标": target_text(rec),
            "最新全年值": _latest_text(rec), "进展": _progress_text(rec), "状态": rec["status"],
            "Eurostat 评价": rec["eurostat_category"], "属性": rec["attribute"], "来源": _source_refs(rec, register),
        })  # fmt: skip
    caption = f"{ctx.plan.period_label}{meta.subject}主要指标完成情况（截至{ctx.as_of}年）"
    return Table(pd.DataFrame(rows), caption=caption,
                 name="headline-indicators", source="见文末“数据来源”，方括号内为来源编号",
                 notes=["只使用全年（或年末）数据；部分时期数据另行标注，不作为年度值。",
                        *_baseline_notes(ctx), *_value_notes(ctx, recs)])  # fmt: skip


def _baseline_notes(ctx: Context) -> list[str]:
    """What the published data say about the plan's baselines: one that a published figure confirms is named
    with its source; one that a published figure contradicts is shown beside it (the plan's is used)."""
    from planlib.inputs.observations import baseline_evidence

    evidence = baseline_evidence(ctx.plan, ctx.observations)
    names = dict(zip(ctx.plan.indicators["id"], ctx.plan.indicators["name"], strict=True))
    confirmed, differing = [], []
    for sid, rows in evidence.groupby("indicator_id", sort=False):
        row = rows[rows["matches"]].iloc[0] if rows["matches"].any() else rows.iloc[0]
        period = f"{int(row['baseline_year'])}年" if str(row["period_label"]).strip() == "" else row["period_label"]
        if rows["matches"].any():
            confirmed.append(f"{names[sid]}{fmt_number(row['baseline'])}（{row['source_title']}）")
        else:
            differing.append(f"{names[sid]}：已公布的{period}数为{fmt_number(row['value'])}（{row['source_title']}），"
                             f"与规划所列基数{fmt_number(row['baseline'])}不同，本报告按规划基数评估")  # fmt: skip
    notes = [f"规划基数已由公布数据证实：{'；'.join(confirmed)}。"] if confirmed else []
    return notes + [f"{d}。" for d in differing]


def project_table(ctx: Context) -> Table | Markdown:
    """专栏2–13 and body-text targets with their latest known value or 数据暂缺 (nothing for a plan without
    such targets)."""
    import pandas as pd

    if ctx.plan.targets.empty:
        return Markdown("", "表格“项目量化目标”")
    register = sources_register(ctx)
    rows = []
    recs = ctx.assessment[ctx.assessment["group"] == "project"].to_dict("records")
    for rec in recs:
        rows.append({"出处": rec["section"], "目标": rec["name"], "目标值": target_text(rec),
                     "最新值": _latest_text(rec), "进展": _progress_text(rec), "状态": rec["status"],
                     "来源": _source_refs(rec, register)})  # fmt: skip
    counts = pd.Series([r["状态"] for r in rows]).value_counts()
    missing = int(counts.get(A.MISSING, 0))
    caption = f"{ctx.plan.meta.targets_label}量化目标（截至{ctx.as_of}年）"
    return Table(pd.DataFrame(rows), caption=caption, name="project-targets",
                 notes=[f"{len(rows)} 项目标中 {missing} 项尚无已公布数据（数据暂缺）。",
                        *_value_notes(ctx, recs)])  # fmt: skip


def coverage_table(ctx: Context) -> Table:
    """Indicator × year: 全年 (full-year value) / 部分 (only partial-period values) / 缺 (nothing)."""
    import pandas as pd

    obs = ctx.observations[(ctx.observations["region"] == ctx.plan.meta.region)]
    rows = []
    for rec in ctx.plan.indicators.to_dict("records"):
        series = obs[obs["indicator_id"] == rec["id"]]
        row = {"指标": rec["name"]}
        for year in ctx.years:
            full = series[series["is_annual"] & (series["year"] == year)]
            part = series[(series["period_type"] == "partial_year") & (series["year"] == year)]
            row[f"{year}年"] = "全年" if not full.empty else ("部分" if not part.empty else "缺")
        rows.append(row)
    frame = pd.DataFrame(rows)
    cells = frame.drop(columns="指标").to_numpy().ravel()
    full_n = int((cells == "全年").sum())
    span = _span(ctx.plan.meta.period_start, ctx.as_of)
    return Table(frame, caption=f"主要指标数据覆盖情况（{span}）", name="coverage",
                 notes=[f"全年数据 {full_n}/{cells.size} 格；“部分”指只有季度、月度或截至某日的数据；"
                        "“缺”指未找到已公布数据。"],
                 align={c: "center" for c in frame.columns if c != "指标"})  # fmt: skip


def _pace_text(row: dict) -> str:
    if row["status"] == A.DONE:
        return "已完成目标"
    if is_missing(row["required_pace"]):
        return "—"
    return f"{fmt_number(row['required_pace'])} {row['required_pace_unit']}"


def _projection_text(row: dict) -> str:
    value = row["projected_end"]
    if value != value or value is None:
        return "无法预测（数据不足）"
    return f"{fmt_number(value)}{row['unit']}（{row['escap_category']}）"


def midterm_table(ctx: Context) -> Table:
    """时间过半、任务过半: completion against time progress, the pace the remaining years need, the projection."""
    import pandas as pd

    rows = []
    recs = ctx.assessment[ctx.assessment["group"] == "headline"].to_dict("records")
    for rec in recs:
        completion = (fmt_percent(rec["completion"]) if rec["kind"] in ("cumulative", "level")
                      else "不适用（逐年判断）")  # fmt: skip
        rows.append({"指标": rec["name"], "目标": target_text(rec), "完成度": completion,
                     "序时进度": fmt_percent(rec["time_progress"]), "判断": rec["status"],
                     f"{ctx.as_of + 1}—{ctx.plan.meta.period_end}年所需年均": _pace_text(rec),
                     f"按当前速度预计{ctx.plan.meta.period_end}年": _projection_text(rec)})  # fmt: skip
    caption = f"中期评估：时间过半、任务过半（截至{ctx.as_of}年）"
    return Table(pd.DataFrame(rows), caption=caption, name="midterm-judgement",
                 notes=["所需年均：累计目标为剩余年份每年须完成的量；水平目标为须达到的年均增速。",
                        "预计值按实际年均增速（或年均累计量）外推，不是预测模型。",
                        *_value_notes(ctx, recs)])  # fmt: skip


def risks(ctx: Context) -> Markdown:
    """Targets that will be missed at the current pace, and targets that lack the data to judge."""
    a = ctx.assessment
    at_risk = a[a["escap_category"].isin([A.ESCAP_ACCELERATE, A.ESCAP_REVERSE]) | a["constraint_behind"]]
    no_data = a[(a["group"] == "headline") & a["status"].isin([A.MISSING, A.INCOMPLETE])]
    lines = []
    if at_risk.empty:
        lines.append(md_text("按当前速度外推，有数据的主要指标中没有预计无法完成的目标。"))
    else:
        items = []
        for rec in at_risk.to_dict("records"):
            value = rec["projected_end"]
            end = ctx.plan.meta.period_end
            projected = f"，按当前速度预计{end}年为{fmt_number(value)}{rec['unit']}" if value == value else ""
            flag = "（约束性指标）" if rec["constraint_behind"] else ""
            items.append(f"{rec['name']}{flag}：{rec['escap_category']}{projected}，目标为{target_text(rec)}。")
        lines += _items(items)
    names = "、".join(no_data["name"])
    lines.append("\n" + md_text(f"缺少数据、无法判断的主要指标{len(no_data)}项：{names or '无'}。"))
    return Markdown("\n".join(lines) + "\n", "段落“风险”")


def pending_publications(ctx: Context) -> Table:
    """For the final report: which figures must still be published before a definitive evaluation."""
    import pandas as pd

    rows = []
    for rec in ctx.assessment.to_dict("records"):
        if rec["status"] not in (A.MISSING, A.INCOMPLETE) and not (
            rec["kind"] in ("annual", "relative", "qualitative") and rec["years_assessed"] != len(ctx.years)
        ):
            continue
        missing_years = "、".join(str(y) for y in ctx.years if not _has_year(ctx, rec["id"], y))
        partial = rec["partial_note"] if isinstance(rec["partial_note"], str) else "—"
        rows.append({"出处": rec["section"], "指标或目标": rec["name"],
                     "缺少的全年数据": f"{missing_years}年" if missing_years else "—", "已有的部分时期数据": partial})
    return Table(pd.DataFrame(rows, columns=["出处", "指标或目标", "缺少的全年数据", "已有的部分时期数据"]),
                 caption="终期评估前仍待公布的数据", name="pending-publications",
                 notes=["公布后重新运行 planlib build 即可更新评估。"])  # fmt: skip


def _has_year(ctx: Context, series_id: str, year: int) -> bool:
    obs = ctx.observations
    return bool(((obs["indicator_id"] == series_id) & (obs["region"] == ctx.plan.meta.region) & obs["is_annual"]
                 & (obs["year"] == year)).any())  # fmt: skip


def _visible(ctx: Context) -> pd.DataFrame:
    """Observations a report for ``as_of`` may use (:func:`planlib.indicators.assessment.visible`; the
    context's observations are already those of its vintage)."""
    return A.visible(ctx.observations, ctx.as_of)




def _span(start: int, end: int) -> str:
    """'2021—2023年', or '2021年' for a one-year span (never '2021—2021年')."""
    return f"{start}—{end}年" if end > start else f"{start}年"


def _indicator_sentence(rec: dict, ctx: Context) -> str:
    name, unit = rec["name"], rec["unit"]
    if rec["status"] == A.MISSING:
        partial = (f"；已有部分时期数据：{rec['partial_note']}（不作全年值）"
                   if isinstance(rec["partial_note"], str) else "")  # fmt: skip
        return f"{name}：截至{ctx.as_of}年没有已公布的全年数据，数据暂缺{partial}。{_stand_in_text(rec, ctx)}"
    if rec["kind"] == "cumulative":
        from planlib.presentation.narrative import cumulative_sentence

        return cumulative_sentence(rec, ctx.as_of, ctx.plan.meta.period_start, ctx.plan.meta.region)
    value = fmt_number(rec["latest_value"]) + _sym(rec, "latest_marks")
    latest = f"最新全年值为{int(rec['latest_year'])}年的{value}{unit}"
    if rec["kind"] in ("annual", "relative", "qualitative"):
        return (f"{name}：{latest}；有数据的{int(rec['years_assessed'])}个年份中{int(rec['years_met'])}个满足"
                f"“{target_text(rec)}”，判断为“{rec['status']}”。")
    return (f"{name}：{latest}，完成计划增量的{fmt_percent(rec['completion'])}，"
            f"目标{target_text(rec)}，判断为“{rec['status']}”。")


def _stand_in_text(rec: dict, ctx: Context) -> str:
    """Where the plan's measure is unpublished but a close count is (基本养老保险参保人数 for the 参保率): the
    count's latest value, labelled as a reference that is not the plan's measure and judges nothing."""
    from planlib.inputs.observations import load_series_map, stand_ins

    rows = stand_ins(_visible(ctx), rec["id"])
    rows = rows[rows["preferred"] & rows["is_annual"] & (rows["region"] == ctx.plan.meta.region)]
    if rows.empty:
        return ""
    latest = rows.sort_values("period_end").iloc[-1]
    name = load_series_map().series[latest["indicator_id"]]["name"]
    return (f"作为参考（不是规划指标口径，不据此判断目标）：{name}{latest['period_label']}为"
            f"{fmt_number(latest['value'])}{latest['unit']}（{latest['source_title']}）——{latest['stand_in_note']}")


def area_section(ctx: Context, area: str) -> Markdown:
    """One plan area (就业创业 / 社会保障 / 技能人才队伍发展): what the numbers say, a chart for each
    indicator with data, and the caveats (scope breaks) that affect the comparison."""
    import pandas as pd

    from planlib.inputs.observations import load_series_map
    from planlib.presentation.charts import cumulative_progress, trajectory

    ids = list(ctx.plan.indicators.loc[ctx.plan.indicators["area"] == area, "id"])
    rows = ctx.assessment.set_index("id", drop=False).loc[ids].to_dict("records")
    parts = [md_text(_indicator_sentence(rec, ctx)) for rec in rows]
    visible = _visible(ctx)
    for rec in rows:
        has_data = ((visible["indicator_id"] == rec["id"]) & (visible["region"] == ctx.plan.meta.region)).any()
        if not has_data or rec["kind"] in ("relative", "qualitative"):
            continue
        if rec["kind"] == "cumulative" and pd.isna(rec["latest_year"]):
            continue  # no full-year value in the period: a cumulative line would be empty
        charted = _visible(ctx)
        chart = _drawn_once(ctx, "area_chart", lambda sid=rec["id"], kind=rec["kind"], obs=charted: (
            cumulative_progress(ctx.plan, obs, sid, ctx.as_of) if kind == "cumulative"
            else trajectory(ctx.plan, obs, sid, ctx.as_of)), rec["id"])  # fmt: skip
        parts.append(chart._repr_markdown_())
        ctx.shown.update(chart.marks)
    notes = _value_notes(ctx, rows)
    if notes:
        parts.append("**数值说明**\n\n" + "\n".join(_items(notes)))
    series = load_series_map().series if ctx.plan.meta.series_notes else {}
    caveats = [f"{series[i]['name']}：{series[i]['note']}" for i in ids
               if i in series and series[i].get("note") and _knowable(series[i]["note"], ctx.as_of)]
    if caveats:
        parts.append("**口径说明**\n\n" + "\n".join(_items(caveats)))
    return Markdown("\n\n".join(parts) + "\n", f"段落“{area}”")


def caveats(ctx: Context) -> Markdown:
    """Data caveats for the appendix: what the numbers can and cannot say."""
    meta = ctx.plan.meta
    lines = [
        "数值为发布时的数据（初步核算数），此后可能修订。",
        *meta.revision_caveats,
        "只有全年（或年末）数据作为年度值；季度、月度、截至某日的数据单独标注，不用于计算完成度。",
        "缺少数据的指标标为“数据暂缺”，不做估计；缺少某年全年数据的五年累计标为“数据不全”，不跨缺口求和。",
        *_scope_break_lines(ctx),
        *[c for c in ctx.plan.all_targets["caveat"] if isinstance(c, str)],  # the plan's caveats on its indicators
        *meta.caveats,
        *_district_unemployment_caveat(ctx),
    ]
    return Markdown("\n".join(_items([line for line in lines if _knowable(line, ctx.as_of)])) + "\n",
                    "段落“数据说明与局限”")  # fmt: skip


def _scope_break_lines(ctx: Context) -> list[str]:
    """Indicators the plan marks ``scope_break`` (技能人才): the jump from the plan's baseline to the first
    published figure, computed, not typed."""
    from planlib.inputs.observations import annual_values

    lines = []
    for spec in ctx.plan.all_targets.to_dict("records"):
        if not isinstance(spec.get("scope_break"), str) or is_missing(spec["baseline"]):
            continue
        values = annual_values(_visible(ctx), spec["id"], region=ctx.plan.meta.region)
        later = values[values.index > int(spec["baseline_year"])]
        if later.empty:
            continue
        year, value, unit = int(later.index[0]), float(later.iloc[0]), spec["unit"]
        jump = value - spec["baseline"]
        lines.append(f"{spec['scope_break']}：{year}年{spec['name']}{fmt_number(value)}{unit}，较{int(spec['baseline_year'])}"
                     f"年基数{fmt_number(spec['baseline'])}{unit}增加{fmt_number(jump)}{unit}，疑为统计口径扩大，"
                     "与规划目标比较须谨慎。")  # fmt: skip
    return lines


def _district_unemployment(ctx: Context) -> pd.DataFrame:
    """District rows of the series the alert rules watch that the report may see (empty: none published)."""
    from planlib.indicators.alerts import load_rules

    obs = _visible(ctx)
    return obs[(obs["indicator_id"] == load_rules()["series"]) & (obs["region_kind"] == "district")]


def _district_unemployment_caveat(ctx: Context) -> list[str]:
    """Said only while it is true: no district's surveyed unemployment rate is in the data."""
    if not ctx.plan.meta.layout_name or not _district_unemployment(ctx).empty:
        return []
    return ["尚未找到任何区县的城镇调查失业率。"]


def _knowable(text: str, as_of: int) -> bool:
    """A caveat about a year after ``as_of`` would tell the reader of that report about its future."""
    return all(int(y) <= as_of for y in re.findall(r"(20\d\d)年", text))


def _drawn_once(ctx: Context | None, what: str, draw: Callable[[], Figure], *inputs: Any) -> Figure:
    """``draw()`` through the build's figure cache (:func:`planlib.presentation.figures.cached`), keyed on
    ``what``, the extra ``inputs`` and, with ``ctx``, everything a report's figure may be drawn from: the
    plan, ``as_of``, the vintage and the observations of that vintage. Two reports that see the same data
    (annual-2025 and final-2025) draw such a figure once; ``ctx=None`` for a figure that depends on no report
    (the layout map)."""
    from planlib.presentation.figures import cached, fingerprint

    return cached(fingerprint(what, *inputs, *([ctx.data_key] if ctx is not None else [])), draw)


def status_chart(ctx: Context) -> Figure:
    from planlib.presentation.charts import status_overview

    return _drawn_once(ctx, "status_chart",
                       lambda: status_overview(ctx.assessment, ctx.as_of, ctx.plan.meta.headline_label))


def jobs_chart(ctx: Context) -> Figure:
    """The plan's first cumulative headline indicator (城镇新增就业) against 序时进度, from the data the report
    may see. Raises ValueError for a plan without a cumulative headline indicator."""
    from planlib.presentation.charts import cumulative_progress

    ids = list(ctx.plan.indicators.loc[ctx.plan.indicators["kind"] == "cumulative", "id"])
    if not ids:
        raise ValueError(f"计划 {ctx.plan.id} 没有五年累计类主要指标,无法画累计进度图")
    return _drawn_once(ctx, "jobs_chart", lambda: cumulative_progress(ctx.plan, _visible(ctx), ids[0], ctx.as_of))


def layout_map(ctx: Context) -> Figure | Markdown:
    from planlib.presentation import maps

    if not ctx.plan.meta.layout_name:
        return Markdown("", "地图“区域布局”")
    # drawn from the district data alone (the same for every report of a build)
    return _drawn_once(None, "layout_map", maps.layout_map)


def district_gdp_map(ctx: Context) -> Figure | Markdown:
    """Choropleth of district GDP for the report year, or the latest year up to it that has data."""
    from planlib.indicators.marks import legend, symbols
    from planlib.inputs.regions import district_values
    from planlib.presentation import maps

    if not ctx.plan.meta.layout_name:
        return Markdown("", "地图“各区县地区生产总值”")
    found = _gdp_map_rows(ctx)
    if found is not None:
        year, rows = found
        values = district_values(rows, "gdp", year=year)
        sources = rows["source_title"].nunique()
        marked = {r["region"]: symbols([r]) for r in rows.to_dict("records") if symbols([r])}
        shown = "".join(dict.fromkeys(marked.values()))
        flagged = "".join(f"；其中{'、'.join(d for d, m in marked.items() if sym in m)}的数值标{sym}" for sym in shown)
        source = f"{sources}种区县统计公报、政府工作报告及汇编（初步核算数，见数据来源）{flagged}"
        figure = _drawn_once(None, "district_map", lambda: maps.district_map(
            values, title="各区县地区生产总值", unit="亿元", year=year, source=source, name=f"gdp-map-{year}"),
            values, year, source)  # fmt: skip
        if shown:
            figure.caption += f"（{flagged.removeprefix('；')}：{' '.join(legend([shown]))}）"
            figure.marks = shown
            ctx.shown.update(shown)
        return figure
    return _paragraphs([f"截至{ctx.as_of}年，公布地区生产总值的区县不足10个，分区县地图数据暂缺。"],
                       "段落“各区县地区生产总值”")


def _gdp_map_rows(ctx: Context) -> tuple[int, pd.DataFrame] | None:
    """The year the district GDP map shows (the report year, or the latest before it with ≥ 10 districts)
    and the observation rows it uses; None when no year has enough districts."""
    from planlib.inputs.regions import district_values

    obs = _visible(ctx)
    gdp = obs[(obs["indicator_id"] == "gdp") & obs["preferred"] & (obs["region_kind"] == "district")
              & obs["is_annual"]]  # fmt: skip
    for year in range(ctx.as_of, ctx.plan.meta.baseline_year - 1, -1):
        rows = gdp[gdp["year"] == year]
        if len(district_values(rows, "gdp", year=year)) >= 10:
            return year, rows
    return None


def regional_text(ctx: Context) -> Markdown:
    """Cluster aggregates and disparity, only where every district has data; otherwise say which are missing."""
    from planlib.indicators.disparity import CONVENTIONS, disparity
    from planlib.inputs.regions import aggregate_clusters, district_values, grouping_name, load_clusters

    if not ctx.plan.meta.layout_name:
        return Markdown("", "段落“区域协调”")
    obs = _visible(ctx)
    pop = district_values(obs, "resident_population", period_type="census_date")
    urban = district_values(obs, "urban_resident_population", period_type="census_date")
    groups = load_clusters().set_index("district")["cluster"]
    lines = []
    if len(groups) and len(pop) == len(groups) and len(urban) == len(groups):
        sums = aggregate_clusters(pop, "sum").set_index("group")["value"]
        shares = "、".join(f"{g}{fmt_number(v)}万人（{fmt_percent(v / sums.sum())}）" for g, v in sums.items())
        lines.append(f"按第七次全国人口普查（{_census_date(obs)}），{ctx.plan.meta.region}常住人口{fmt_number(sums.sum())}万人，"
                     f"其中{shares}（片区按{grouping_name()}）。")  # fmt: skip
        rate = urban / pop * 100
        d = disparity(rate, pop, groups)
        lines.append(
            f"各区县常住人口城镇化率（由七普城镇人口与常住人口计算）的人口加权平均为{fmt_number(d['weighted_mean'])}%，"
            f"不加权变异系数{fmt_number(d['cv'], 3)}，人口加权变异系数{fmt_number(d['cv_weighted'], 3)}；"
            f"泰尔指数{fmt_number(d['theil'], 4)}，其中片区间差距{fmt_number(d['theil_between'], 4)}"
            f"（占{fmt_percent(d['theil_between'] / d['theil'])}），片区内差距{fmt_number(d['theil_within'], 4)}。"
        )
    gdp = district_values(obs, "gdp", year=ctx.as_of)
    missing = sorted(set(groups.index) - set(gdp.index))
    if missing:
        lines.append(f"{ctx.as_of}年分区县地区生产总值仅{len(gdp)}个区县有已公布数据，缺{len(missing)}个"
                     f"（{'、'.join(missing)}），不计算片区合计和人均地区生产总值差距。")  # fmt: skip
    lines.append(f"计算口径：{CONVENTIONS}")
    return _paragraphs(lines, "段落“区域协调”")


def _census_date(obs: pd.DataFrame) -> str:
    """The census day of the district population figures, as '2020年11月1日' (from the data)."""
    days = obs.loc[(obs["indicator_id"] == "resident_population") & (obs["period_type"] == "census_date"),
                   "period_end"].dropna()  # fmt: skip
    year, month, day = (int(p) for p in str(days.max())[:10].split("-"))
    return f"{year}年{month}月{day}日"


def heat_index_table(ctx: Context) -> Table | Markdown:
    from planlib.indicators.heat_index import heat_index

    if not ctx.plan.meta.layout_name:
        return Markdown("", "段落“区县就业热力指数”")
    result = heat_index(_visible(ctx))
    idx = result.index[result.index["year"] == ctx.as_of].dropna(subset=["index"])
    notes = _heat_description(result)
    if idx.empty:
        return _paragraphs([f"{ctx.as_of}年可用于区县就业热力指数的区县数据不足（每个区县至少需要"
                            f"{result.spec['min_components']}项指标），本年指数暂缺。{''.join(notes)}"],
                           "段落“区县就业热力指数”")  # fmt: skip
    import pandas as pd

    from planlib.indicators.marks import legend, symbols

    used = _heat_rows(ctx)
    marks = {d: symbols(rows.to_dict("records")) for d, rows in used.groupby("region")}
    names = [d + marks.get(d, "") for d in idx["district"]]
    shown = [m for d, m in marks.items() if m and d in set(idx["district"])]
    if shown:
        ctx.shown.update("".join(shown))
        notes = [*notes, "区县名后的符号表示纳入计算的数值中有这类数值：" + " ".join(legend(shown))]
    frame = pd.DataFrame({"区县": names, "指数（0—100）": idx["index"].round(1),
                          "纳入指标数": idx["n_components"]}).sort_values("指数（0—100）", ascending=False)  # fmt: skip
    register = sources_register(ctx)
    refs = "、".join(f"[{register[s]}]" for s in _heat_sources(ctx))
    return Table(frame, caption=f"区县就业热力指数（{ctx.as_of}年，仅含有数据的区县）", name="heat-index",
                 source=f"{refs}（编号见附录“数据来源”）" if refs else None, notes=notes)


# settings/heat_index.yaml's method keys, as the reader reads them
HEAT_WORDS = {"equal": "等权", "entropy": "熵权", "pooled": "全部区县和年份合并取最小值、最大值（各年可比）",
              "per_year": "每年单独取最小值、最大值"}  # fmt: skip


def _heat_description(result) -> list[str]:
    """The heat index's method notes in Chinese (its settings name the methods by English keys)."""
    spec = result.spec
    first = (f"{spec['name']}：定义 {len(spec['components'])} 项指标，权重方法：{HEAT_WORDS[spec['weights']]}，"
             f"标准化基准：{HEAT_WORDS[spec['goalposts']]}，"
             f"至少 {spec['min_components']} 项指标才计算指数。")  # fmt: skip
    return [first, *result.describe()[1:]]


def alerts_table(ctx: Context) -> Table | Markdown:
    from planlib.indicators.alerts import load_rules

    alerts = _alert_rows(ctx)
    register = sources_register(ctx)
    rules = "；".join(f"{r['level']}：{r['text']}" for r in load_rules()["rules"])
    if alerts.empty:
        return _paragraphs([f"截至{ctx.as_of}年，城镇调查失业率未触发任何预警规则。规则：{rules}。"], "段落“失业预警”")
    districts = _district_unemployment(ctx)
    scope = ("" if not ctx.plan.meta.layout_name else  # a plan without districts has no district scope to state
             f"区县调查失业率尚未公布，仅对{ctx.plan.meta.region}判断。" if districts.empty else
             f"{ctx.plan.meta.region}和已公布调查失业率的{districts['region'].nunique()}个区县均已判断。")  # fmt: skip
    import pandas as pd

    marks = [_sym(r, "marks") for r in alerts.to_dict("records")]
    values = [fmt_number(v) + m for v, m in zip(alerts["value"], marks, strict=True)]
    ctx.shown.update("".join(marks))
    frame = pd.DataFrame({"地区": alerts["region"], "时期": alerts["period_label"], "预警": alerts["level"],
                          "规则": alerts["description"], "触发值（%）": values if any(marks) else alerts["value"],
                          "上年值（%）": ["—" if is_missing(v) else v for v in alerts["previous_year_value"]],
                          "来源": [f"[{register[s]}]" for s in alerts["source"]]})  # fmt: skip
    return Table(frame, caption=f"失业预警（截至{ctx.as_of}年）", name="unemployment-alerts",
                 notes=[f"预警规则：{rules}。{scope}",
                        *_legend(marks)])  # fmt: skip


def monthly_picture(ctx: Context) -> Markdown:
    """The monthly picture of the report year from record-level monitoring (``planlib monitor run``), where
    such results exist: one row per month for the plan's region (new employment registrations, new unemployment
    registrations, exits, registered unemployed at month end), marked as administrative data. Nothing at
    all (an empty section) where no month of the year was computed.
    """
    import pandas as pd

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
             "少于披露阈值的数已按规则隐去。", *_legend([marks])]  # fmt: skip
    ctx.shown.update(marks)
    table = Table(pd.DataFrame(frame), caption=f"{ctx.as_of}年{region}月度就业监测（行政记录）{marks}",
                  name="monthly-picture", source="；".join(sources), notes=notes)
    # the heading comes with the table: a year without monitoring results shows no empty section
    return Markdown("## 月度就业监测（行政记录）\n\n" + table._repr_markdown_(), "段落“月度监测”")


def alerts_chart(ctx: Context) -> Figure | Markdown:
    """The surveyed unemployment rate against the plan's ceiling, the series the alert rules watch (nothing
    where the plan has no such target)."""
    from planlib.indicators.alerts import load_rules
    from planlib.presentation.charts import trajectory

    if load_rules()["series"] not in set(ctx.plan.all_targets["id"]):
        return Markdown("", "图“失业预警”")
    return _drawn_once(ctx, "alerts_chart", lambda: trajectory(
        ctx.plan, _visible(ctx), load_rules()["series"], ctx.as_of, name="alerts-unemployment",
        title="失业预警：城镇调查失业率与规划控制线"))  # fmt: skip


def baseline_comparison(ctx: Context) -> Table:
    """The previous period (the plan's baselines) against the latest figure of this one, where the plan gives a
    baseline (periods named from plan meta ``period_name`` / ``previous_period_name``)."""
    import pandas as pd

    meta = ctx.plan.meta
    current, previous = ctx.plan.period_label, ctx.plan.previous_label
    rows = []
    headline = ctx.assessment[(ctx.assessment["group"] == "headline") & ctx.assessment["baseline"].notna()]
    recs = headline.to_dict("records")
    for rec in recs:
        base = _baseline_text(ctx.plan.target(rec["id"]), ctx.plan.meta.baseline_year)
        if rec["kind"] == "cumulative":
            how = f"{_span(ctx.plan.meta.period_start, ctx.as_of)}累计"
            as_of_date = re.search(r"截至[^)）]*", rec["note"]) if isinstance(rec["note"], str) else None
            if as_of_date:  # a published cumulative figure stands in for missing years: say up to when
                how += f"，公布数{as_of_date.group(0)}"
            known = rec["cumulative"] == rec["cumulative"]
            now = f"{fmt_number(rec['cumulative'])}{_sym(rec, 'marks')}（{how}）" if known else MISSING_TEXT
        else:
            now = _latest_text(rec)
        rows.append({"指标": f"{rec['name']}（{rec['unit']}）", f"{previous}基数": base, f"{current}最新": now,
                     "目标": target_text(rec)})  # fmt: skip
    other = sorted({int(y) for y in headline["baseline_year"].dropna()} - {meta.baseline_year})
    dated = f"（带年份者为{'、'.join(map(str, other))}年数）" if other else ""
    return Table(pd.DataFrame(rows), caption=f"{current}与{previous}基数比较", name="baseline-comparison",
                 notes=[f"基数为规划{meta.headline_label}所列{meta.baseline_year}年数{dated}；"
                        f"累计指标的基数为{previous}五年累计。", *_value_notes(ctx, recs)])  # fmt: skip


def sources_table(ctx: Context) -> Table:
    import pandas as pd

    from planlib.indicators.marks import report_notice

    register = sources_register(ctx)
    rows, origins = [], []
    where = _source_origins(ctx)
    marked = _source_marks(ctx)
    for src, number in register.items():
        # "title <url>": a URL has no space, a title may hold " <" itself, so split at the last one
        title, _, url = src.rpartition(" <")
        rows.append({"编号": f"[{number}]", "来源": title + marked.get(src, ""), "网址": url.removesuffix(">")})
        origins.append(where.get(src))
    found = [marked.get(src, "") for src in register]
    ctx.shown.update("".join(found))
    return Table(pd.DataFrame(rows, columns=["编号", "来源", "网址"]), caption="数据来源", name="sources",
                 links=("网址",), origins=origins, notes=_legend(found),
                 notice=report_notice(ctx.shown))  # fmt: skip


def _legend(found: list[str]) -> list[str]:
    from planlib.indicators.marks import legend

    return legend(found)


def _source_marks(ctx: Context) -> dict[str, str]:
    """``"title <url>"`` → the marks of the values the report takes from it († when any used value of that
    source has low confidence, ‡ for test values)."""
    from planlib.indicators.marks import symbols

    obs = ctx.observations[ctx.observations["preferred"]]
    out: dict[str, str] = {}
    for rec in obs.to_dict("records"):
        found = symbols([rec])
        if found:
            key = _src(rec["source_title"], rec["source_url"])
            out[key] = "".join(dict.fromkeys(out.get(key, "") + found))
    return out


def _source_origins(ctx: Context) -> dict[str, str]:
    """``"title <url>"`` → the first raw file and line that cites it (named when a title cannot be drawn)."""
    obs = ctx.observations
    if not {"source_file", "source_line"} <= set(obs.columns):
        return {}
    out: dict[str, str] = {}
    for title, url, file, line in zip(obs["source_title"], obs["source_url"], obs["source_file"], obs["source_line"],
                                      strict=True):  # fmt: skip
        if not is_missing(file):
            out.setdefault(_src(title, url), f"{file} 第 {int(line)} 行" if not is_missing(line) else str(file))
    return out


def method_text(ctx: Context) -> Markdown:
    settings = A.load_settings()
    base, span = ctx.plan.meta.baseline_year, ctx.plan.meta.period_end - ctx.plan.meta.baseline_year
    lines = [f"序时进度 = （评估年份 − {base}）÷ {span}；"
             f"本报告评估年份为 {ctx.as_of} 年，序时进度 {fmt_percent(ctx.plan.time_progress(ctx.as_of))}。",
             "五年累计目标的完成度 = 规划期内各年全年值之和 ÷ 目标值；缺少某年全年值时不跨缺口求和，"
             "改用已公布的累计数或标为“数据不全”。",
             "期末水平目标的完成度 = （最新值 − 基数）÷（目标值 − 基数）。",
             "年度约束目标逐年判断是否满足，报告满足的年数；相对目标逐年与参照序列比较；"
             "“稳步增长”逐年判断是否不下降。"]  # fmt: skip
    lines.append("数据版本：已收集的全部公布数据（最新）。" if ctx.vintage == "latest" else
                 f"数据版本：按 {ctx.vintage} 已公布的数据重写（此后的修订和发布不计入）。")  # fmt: skip
    lines += list(settings.describe())
    lines += [f"状态“{k}”：{v}。" for k, v in A.STATUS_MEANING.items()]
    return Markdown("\n".join(_items(lines)) + "\n", "段落“评估方法”")


def fmt(value: object) -> str:
    """Number formatting for notebook prose (re-exported for convenience)."""
    return fmt_number(value)
