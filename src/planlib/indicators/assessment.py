"""Assess every target of a plan at any point of the plan period.

``assess(plan, observations, as_of=YEAR)`` returns one row per target (headline indicators and project
targets), computed only from data for years ≤ ``as_of``. Definitions (序时进度, Eurostat, ESCAP) follow
the method appendix printed in the reports; the numbers that change outcomes are settings
(``settings/assessment.yaml``), not constants in code.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planlib._paths import PACKAGE_DIR
from planlib._values import is_missing

if TYPE_CHECKING:
    import pandas as pd

    from planlib.inputs.plan import Plan

SETTINGS_FILE = PACKAGE_DIR / "settings" / "assessment.yaml"
SOURCE_SEPARATOR = "\n"  # between "title <url>" entries of the `sources` column

# Status vocabulary: the classes Chinese plan evaluations use (中期/终期评估报告 of the 十三五 and 十四五
# plans: 提前完成 / 达到序时进度、预计可超额完成 / 达到或基本达到序时进度、预计可如期完成 / 未达序时进度), the
# final evaluation's 已完成 / 未完成, and the two words for what the data cannot carry. The rules that pick a
# class are settings (``settings/assessment.yaml``), stated in the method appendix by :meth:`Settings.describe`.
EARLY = "提前完成"
AHEAD = "达到序时进度、预计可超额完成"
IN_LINE = "达到或基本达到序时进度、预计可如期完成"
BEHIND = "未达序时进度"
DONE = "已完成"
NOT_DONE = "未完成"
INCOMPLETE = "数据不足，无法判断"
MISSING = "数据暂缺"
STATUSES = (EARLY, DONE, AHEAD, IN_LINE, BEHIND, NOT_DONE, INCOMPLETE, MISSING)
BEHIND_OUTLOOK = "完成难度较大"  # printed after 未达序时进度 when the projection to the plan's end falls short
STATUS_MEANING = {
    EARLY: "规划期末之前目标已经实现（累计值或最新值已满足目标）",
    AHEAD: "完成度与序时进度之比 ρ 不低于“超额”界值，按当前进度预计期末可超额完成",
    IN_LINE: "ρ 不低于“如期”界值（预期性指标含容差，约束性指标不设容差）；每年须满足的目标有数据的年份均满足",
    BEHIND: "ρ 低于“如期”界值，或每年须满足的目标有年份未满足",
    DONE: "终期评估：目标已经实现",
    NOT_DONE: "终期评估：目标未实现（注明差距）",
    INCOMPLETE: "有部分年份数据，但不足以支撑判断（缺少必要年份、有数据年份过少、口径与基期不可比）",
    MISSING: "没有可用于评估的已公布数据",
}


def by_class(rows: pd.DataFrame) -> dict[str, list[str]]:
    """The names of ``rows`` (assessment rows: ``status``, ``name``) per class, in the order of :data:`STATUSES`
    (the order of every counts sentence and chart legend); classes without a row are left out."""
    return {s: list(rows.loc[rows["status"] == s, "name"]) for s in STATUSES if (rows["status"] == s).any()}


def listed(status: str) -> str:
    """A class as it stands in a list of classes: '数据不足、无法判断' (its own comma would split the list)."""
    return status.replace("，", "、")

EUROSTAT_MET = "已达到目标"
EUROSTAT_SIGNIFICANT = "显著进展"
EUROSTAT_MODERATE = "一定进展"
EUROSTAT_INSUFFICIENT = "进展不足"
EUROSTAT_AWAY = "偏离目标"
EUROSTAT_MODERATE_AWAY = "轻度偏离"
NOT_APPLICABLE = "不适用"

ESCAP_ON_TRACK = "按当前速度可实现"
ESCAP_ACCELERATE = "需加快进度"
ESCAP_REVERSE = "需扭转趋势"

COLUMNS = [
    "id", "name", "section", "group", "attribute", "kind", "unit", "baseline", "baseline_year", "target",
    "target_high", "comparator", "reference", "latest_year", "latest_value", "partial_note", "cumulative",
    "time_progress",
    "completion", "status", "years_met", "years_assessed", "cagr_actual", "cagr_required", "eurostat_ratio",
    "eurostat_category", "escap_category", "projected_end", "required_pace", "required_pace_unit",
    "constraint_behind", "achieved_year", "basis_years", "outlook", "sources", "latest_marks", "marks",
    "value_notes", "note",
]  # fmt: skip


@dataclass(frozen=True)
class Settings:
    ahead: float = 1.10
    in_line: float = 1.00
    broadly_in_line: float = 0.95
    eurostat_significant: float = 0.95
    eurostat_moderate: float = 0.60
    no_target_significant: float = 1.0
    no_target_moderate: float = 0.0
    no_target_moderate_away: float = -1.0
    approx_tolerance: float = 0.05
    min_share_of_years: float = 0.6

    def years_needed(self, elapsed: int) -> int:
        """How many observed years a target judged year by year needs after ``elapsed`` plan years."""
        return max(1, math.ceil(self.min_share_of_years * elapsed - 1e-9))

    def describe(self) -> list[str]:
        """The settings in words, for the method appendix."""
        return [
            f"序时进度判断：ρ = 完成度 ÷ 序时进度；规划期末前已实现目标的为“{EARLY}”；ρ ≥ {self.ahead:.2f} 为"
            f"“{AHEAD}”；ρ ≥ {self.broadly_in_line:.2f}（约束性指标不设容差，须 ρ ≥ {self.in_line:.2f}）为"
            f"“{IN_LINE}”；其余为“{BEHIND}”，按当前进度外推至期末仍不能实现的，注明“{BEHIND_OUTLOOK}”。"
            f"终期评估按期末实际判为“{DONE}”或“{NOT_DONE}”，未完成的注明差距。",
            f"每年须满足的目标（年度上下限、相对目标、方向性目标）：有数据年份均满足的为“{IN_LINE}”"
            f"（终期为“{DONE}”），有年份未满足的为“{BEHIND}”（终期为“{NOT_DONE}”），并注明所依据的年份；"
            f"有数据的年份少于已过年份的 {self.min_share_of_years:.0%} 的，判为“{INCOMPLETE}”，不计入完成项数。",
            f"国际通行的进展评价方法（欧盟统计局）：实际年均增速 ÷ 所需年均增速 ≥ {self.eurostat_significant:.0%}"
            f" 为“{EUROSTAT_SIGNIFICANT}”，≥ {self.eurostat_moderate:.0%} 为“{EUROSTAT_MODERATE}”，≥ 0 为"
            f"“{EUROSTAT_INSUFFICIENT}”，< 0 为“{EUROSTAT_AWAY}”；已满足目标者为“{EUROSTAT_MET}”。",
            f"“左右”类目标：达到目标值的 {1 - self.approx_tolerance:.0%} 即视为实现。",
            "测试值只作展示，不参与判断和计数。",
        ]


@functools.cache
def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    """The assessment settings (``settings/assessment.yaml``); a missing key keeps its documented default.

    Raises :class:`planlib.errors.DataError` naming the file and the key for a YAML syntax error, an unknown
    key or a value that is not a number.
    """
    from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

    from planlib._config import load_mapping, validation_problems
    from planlib.errors import DataError

    class _Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)

    class Schedule(_Strict):
        ahead: float = Settings.ahead
        in_line: float = Settings.in_line
        broadly_in_line: float = Settings.broadly_in_line

    class Eurostat(_Strict):
        significant: float = Settings.eurostat_significant
        moderate: float = Settings.eurostat_moderate
        no_target_significant: float = Settings.no_target_significant
        no_target_moderate: float = Settings.no_target_moderate
        no_target_moderate_away: float = Settings.no_target_moderate_away

    class Coverage(_Strict):
        min_share_of_years: float = Settings.min_share_of_years

    class File(_Strict):
        schedule: Schedule = Schedule()
        eurostat: Eurostat = Eurostat()
        approx_tolerance: float = Settings.approx_tolerance
        coverage: Coverage = Coverage()

        @model_validator(mode="after")
        def _ordered(self) -> File:
            # cut-offs out of order would call a target behind schedule “ahead”: refuse them
            s, e = self.schedule, self.eurostat
            if not s.ahead >= s.in_line >= s.broadly_in_line > 0:
                raise ValueError(f"schedule 的界值须满足 ahead ≥ in_line ≥ broadly_in_line > 0,现为 {s.ahead}、"
                                 f"{s.in_line}、{s.broadly_in_line}")  # fmt: skip
            if not 1 >= e.significant >= e.moderate >= 0:
                raise ValueError("eurostat 的界值须满足 1 ≥ significant ≥ moderate ≥ 0,"
                                 f"现为 {e.significant}、{e.moderate}")  # fmt: skip
            if not 0 < self.coverage.min_share_of_years <= 1:
                raise ValueError("coverage.min_share_of_years 须在 0 与 1 之间(如 0.6),"
                                 f"现为 {self.coverage.min_share_of_years}")  # fmt: skip
            if not 0 <= self.approx_tolerance < 1:
                raise ValueError(f"approx_tolerance 须在 0 与 1 之间(如 0.05),现为 {self.approx_tolerance}")
            return self

    raw = load_mapping(path, "含 schedule、eurostat 和 approx_tolerance")
    try:
        spec = File.model_validate(raw)
    except ValidationError as exc:
        raise DataError(validation_problems(path, raw, exc.errors())) from None
    sched, euro = spec.schedule, spec.eurostat
    return Settings(
        ahead=sched.ahead, in_line=sched.in_line, broadly_in_line=sched.broadly_in_line,
        eurostat_significant=euro.significant, eurostat_moderate=euro.moderate,
        no_target_significant=euro.no_target_significant, no_target_moderate=euro.no_target_moderate,
        no_target_moderate_away=euro.no_target_moderate_away, approx_tolerance=spec.approx_tolerance,
        min_share_of_years=spec.coverage.min_share_of_years,
    )  # fmt: skip


# ------------------------------------------------------------------ small pure helpers


def meets(value: float, comparator: str, target: float, *, tolerance: float = 0.05) -> bool:
    """Does ``value`` satisfy ``comparator target``? Ranges count from their lower end."""
    if comparator == ">":
        return value > target
    if comparator in (">=", "range"):
        return value >= target
    if comparator == "<":
        return value < target
    if comparator == "<=":
        return value <= target
    if comparator == "=":
        return math.isclose(value, target, rel_tol=1e-9, abs_tol=1e-9)
    if comparator == "~":
        return value >= target * (1 - tolerance)
    raise ValueError(f"comparator {comparator!r} has no numeric test")


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate; NaN where undefined (non-positive values, no elapsed time)."""
    if years <= 0 or start <= 0 or end <= 0:
        return math.nan
    return (end / start) ** (1 / years) - 1


def schedule_status(completion: float, time_progress: float, settings: Settings, *, binding: bool) -> str:
    """序时进度 class from ρ = completion / time progress. Binding (约束性) targets get no tolerance band."""
    rho = completion / time_progress
    if rho >= settings.ahead:
        return AHEAD
    if rho >= (settings.in_line if binding else settings.broadly_in_line):
        return IN_LINE
    return BEHIND


def eurostat_category(ratio: float, settings: Settings) -> str:
    if math.isnan(ratio):
        return NOT_APPLICABLE
    if ratio >= settings.eurostat_significant:
        return EUROSTAT_SIGNIFICANT
    if ratio >= settings.eurostat_moderate:
        return EUROSTAT_MODERATE
    if ratio >= 0:
        return EUROSTAT_INSUFFICIENT
    return EUROSTAT_AWAY


def eurostat_no_target_category(growth_pct: float, settings: Settings, *, lower_is_better: bool = False) -> str:
    """Eurostat's judgement of a series without a quantified target, from its CAGR in % a year."""
    if math.isnan(growth_pct):
        return NOT_APPLICABLE
    g = -growth_pct if lower_is_better else growth_pct
    if g > settings.no_target_significant:
        return EUROSTAT_SIGNIFICANT
    if g > settings.no_target_moderate:
        return EUROSTAT_MODERATE
    if g >= settings.no_target_moderate_away:
        return EUROSTAT_MODERATE_AWAY
    return EUROSTAT_AWAY


def plain_number(value: float) -> str:
    """A value in a generated note: two decimals at most, trailing zeros dropped, thousands separated
    ('1,234.5', '70.67', '60')."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# ------------------------------------------------------------------ the assessment


@dataclass(frozen=True)
class _Series:
    """The usable data of one series for one region, cut at ``as_of``."""

    annual: dict[int, float]  # year -> preferred full-year value
    annual_src: dict[int, str]
    others: list[dict]  # preferred non-annual rows ending by as_of, latest first
    annual_rows: dict[int, dict] = field(default_factory=dict)  # year -> the observation row used
    tests: dict[int, dict] = field(default_factory=dict)  # year -> a test value (‡): shown, never judged


def _series_index(observations: pd.DataFrame, region: str, as_of: int) -> dict[str, _Series]:
    """Split observations by series once: annual values ≤ as_of, and the other periods ending by as_of."""
    cut = f"{as_of}-12-31"
    obs = observations[(observations["region"] == region) & observations["preferred"]]
    out: dict[str, _Series] = {}
    for sid, rows in obs.groupby("indicator_id", sort=False):
        annual, src, others, used, tests = {}, {}, [], {}, {}
        for rec in rows.to_dict("records"):
            ended = rec["period_end"] if isinstance(rec["period_end"], str) else None
            if rec.get("confidence") == "test":  # a value nobody published decides nothing (choice.yaml)
                if rec["is_annual"] and int(rec["year"]) <= as_of and rec["value"] == rec["value"]:
                    tests[int(rec["year"])] = rec
                continue
            if rec["is_annual"]:
                if int(rec["year"]) <= as_of and rec["value"] == rec["value"]:
                    annual[int(rec["year"])] = float(rec["value"])
                    src[int(rec["year"])] = f"{rec['source_title']} <{rec['source_url']}>"
                    used[int(rec["year"])] = rec
            elif ended is not None and ended <= cut:
                others.append(rec)
        others.sort(key=lambda r: (r["period_end"], r["period_start"] or ""), reverse=True)
        out[str(sid)] = _Series(annual=dict(sorted(annual.items())), annual_src=src, others=others, annual_rows=used,
                                tests=dict(sorted(tests.items())))
    return out


def visible(observations: pd.DataFrame, as_of: int, vintage: str = "latest") -> pd.DataFrame:
    """What a report for year ``as_of`` (and data version ``vintage``) may see — the one rule that
    :func:`assess`, the charts, the alerts and every report section use.

    ``vintage`` ``"latest"`` keeps every figure; a date ``YYYY-MM-DD`` keeps the figures published by
    then (:func:`planlib.inputs.observations.as_known_on`, choice rule applied again). Of those, rows whose
    period ended by 31 December of ``as_of`` are kept, and rows without a period (static facts). Returns a
    new frame with the same columns; raises ValueError for a vintage that is not a date.
    """
    from planlib.inputs.observations import as_known_on

    obs = as_known_on(observations, vintage)
    return obs[obs["period_end"].isna() | (obs["period_end"] <= f"{int(as_of)}-12-31")]


def assess(
    plan: Plan,
    observations: pd.DataFrame,
    as_of: int,
    *,
    region: str | None = None,
    settings: Settings | None = None,
    vintage: str = "latest",
) -> pd.DataFrame:
    """One row per target of ``plan`` (columns :data:`COLUMNS`), using only data for years ≤ ``as_of``.

    ``observations`` is the tidy frame of :func:`planlib.load_observations` (or a user's own frame with
    the same columns). A series measures a target when its ``indicator_id`` equals the target ``id``.
    ``vintage`` is ``"latest"`` (everything published) or a date ``YYYY-MM-DD``: the assessment as it
    could have been made on that day, from the figures published by then
    (:func:`planlib.inputs.observations.as_known_on`; later revisions and later publications are left out).
    What it sees is :func:`visible` (the rule every report uses). ``region`` is the region whose series
    are assessed (default: the plan's ``region``, e.g. 全市 or 全国).
    """
    import pandas as pd

    start, end = plan.meta.period_start, plan.meta.period_end
    if not start <= as_of <= end:
        raise ValueError(f"as_of={as_of} 不在规划期 {start}—{end} 内")
    observations = visible(observations, as_of, vintage)
    cfg = settings or load_settings()
    index = _series_index(observations, region or plan.meta.region, as_of)
    empty = _Series({}, {}, [])
    ctx = _Context(plan=plan, as_of=as_of, settings=cfg, index=index)
    rows = []
    for spec in plan.all_targets.to_dict("records"):
        row = {col: spec.get(col) for col in COLUMNS if col in spec and col != "note"}
        row.update(time_progress=plan.time_progress(as_of), years_met=pd.NA, years_assessed=pd.NA)
        row.update(_assess_one(spec, index.get(spec["id"], empty), ctx))
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in COLUMNS:
        if col not in frame.columns:
            frame[col] = None
    frame = frame[COLUMNS]
    for col in ("latest_year", "years_met", "years_assessed", "baseline_year", "achieved_year"):
        frame[col] = frame[col].astype("Int64")
    for col in ("latest_value", "cumulative", "completion", "cagr_actual", "cagr_required", "eurostat_ratio",
                "projected_end", "required_pace", "baseline", "target", "target_high", "time_progress"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame["constraint_behind"] = frame["constraint_behind"].fillna(False).astype(bool)
    return frame


@dataclass(frozen=True)
class _Context:
    plan: Plan
    as_of: int
    settings: Settings
    index: dict[str, _Series]

    @property
    def start(self) -> int:
        return self.plan.meta.period_start

    @property
    def end(self) -> int:
        return self.plan.meta.period_end

    @property
    def final(self) -> bool:
        """A final evaluation (终期评估): the assessment year is the plan's last year."""
        return self.as_of >= self.end


def _assess_one(spec: dict, series: _Series, ctx: _Context) -> dict[str, Any]:
    kind = spec["kind"]
    base: dict[str, Any] = {
        "eurostat_category": NOT_APPLICABLE,
        "escap_category": NOT_APPLICABLE,
        "partial_note": _partial_note(series, spec["unit"]),
        "constraint_behind": False,
    }
    in_period = {y: v for y, v in series.annual.items() if ctx.start <= y <= ctx.as_of}
    if in_period:
        latest = max(in_period)
        base.update(latest_year=latest, latest_value=in_period[latest])
    handler = {
        "cumulative": _cumulative,
        "level": _level,
        "annual": _annual_bound,
        "relative": _relative,
        "qualitative": _qualitative,
    }[kind]
    base.update(handler(spec, series, in_period, ctx))
    latest_row = series.annual_rows.get(base["latest_year"]) if "latest_year" in base else None
    base.update(_marks(spec["name"], base.pop("_rows", []), latest_row, str(spec["id"])))
    if series.tests:  # shown with the values' notes (under every table that prints the row), never judged
        base["value_notes"] = base["value_notes"] + _test_notes(spec["name"], series, spec["unit"], ctx)
        shown = [f"{r['source_title']} <{r['source_url']}>" for y, r in series.tests.items() if y >= ctx.start]
        listed = [s for s in (base.get("sources") or "").split(SOURCE_SEPARATOR) if s]
        base["sources"] = SOURCE_SEPARATOR.join(dict.fromkeys(listed + shown))
    if base.get("status") == BEHIND and base.get("outlook") is None:
        projected = base.get("projected_end")
        short = is_missing(projected) or not meets(projected, spec["comparator"], spec["target"],
                                                   tolerance=ctx.settings.approx_tolerance)
        base["outlook"] = BEHIND_OUTLOOK if short else None
    binding = spec.get("attribute") == "约束性"
    base["constraint_behind"] = binding and base.get("status") in {BEHIND, NOT_DONE}
    if base["constraint_behind"]:
        base["note"] = _join(base.get("note"), "约束性指标未达到要求，需重点关注")
    return base


def _test_notes(name: str, series: _Series, unit: str, ctx: _Context) -> tuple[str, ...]:
    """The test values (‡) of the plan years, shown beside the judgement that ignores them."""
    from planlib.indicators.marks import symbols

    return tuple(f"{name}（{y}年）：测试值{plain_number(r['value'])}{symbols([r]) or '‡'}{unit}，不作为评估依据"
                 for y, r in series.tests.items() if y >= ctx.start)  # fmt: skip


def years_text(years: list[int]) -> str:
    """Years as a reader writes them: [2021, 2022, 2023, 2025] → '2021—2023、2025年'; [] → ''."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    text = "、".join(f"{r[0]}—{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return f"{text}年" if text else ""


def _partial_note(series: _Series, unit: str) -> str | None:
    """The latest partial-year value as text, e.g. '2025年1—3月 17.2万人' (never used as an annual value)."""
    from planlib.indicators.marks import symbols

    for rec in series.others:
        if rec["period_type"] == "partial_year" and rec["value"] == rec["value"]:
            return f"{rec['period_label']} {plain_number(rec['value'])}{symbols([rec])}{unit}"
    return None


def _sources(series: _Series, years: list[int], extra: list[dict] | None = None,
             also: tuple[_Series, list[int]] | None = None) -> dict[str, Any]:  # fmt: skip
    """The sources of the values a row uses (one per line: titles contain ";" and ","), and those rows
    (``_rows``, turned into marks and notes by :func:`_marks`)."""
    parts = [(series, years)] + ([also] if also else [])
    rows = [s.annual_rows[y] for s, ys in parts for y in ys if y in s.annual_rows] + list(extra or [])
    found = [s.annual_src[y] for s, ys in parts for y in ys if y in s.annual_src]
    found += [f"{r['source_title']} <{r['source_url']}>" for r in extra or []]
    return {"sources": SOURCE_SEPARATOR.join(dict.fromkeys(found)) or "", "_rows": rows}


def _marks(name: str, rows: list[dict], latest: dict | None, target_id: str = "") -> dict[str, Any]:
    """What a report must print with this row's values (``settings/choice.yaml``): the symbols of the latest
    value († low confidence, ‡ test value), the symbols of every value used, and notes — footnote markers
    stripped from a published value, special zones a figure includes, and why a value was chosen over
    another for the same period."""
    from planlib.inputs.observations import load_series_map, value_marks

    def symbols(recs: list[dict]) -> str:
        return "".join(dict.fromkeys(m.symbol for r in recs for m in value_marks(r) if m.symbol))

    smap = load_series_map()
    notes = []
    for rec in rows:
        # a reference series' row (地区生产总值增长 beside 全员劳动生产率增长) is named as itself
        own = (smap.series.get(str(rec.get("indicator_id"))) or {}).get("name") if rec.get("indicator_id") else None
        where = f"{own if own and rec.get('indicator_id') != target_id else name}（{rec.get('period_label')}）"
        notes += [f"{where}：{m.note}" for m in value_marks(rec) if not m.symbol]
        basis = smap.name_note(str(rec.get("indicator_id")), str(rec.get("published_name") or ""))
        if basis:  # a value published on another basis (劳动报酬占比 from the input–output table) says so
            notes.append(f"{where}：{basis}")
        choice = rec.get("choice")
        if isinstance(choice, str) and choice:
            notes.append(f"{where}：{choice}")
    return {"latest_marks": symbols([latest] if latest else []), "marks": symbols(rows),
            "value_notes": tuple(dict.fromkeys(notes))}  # fmt: skip


def _join(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    return "；".join(kept) if kept else None


def _cumulative(spec: dict, series: _Series, in_period: dict[int, float], ctx: _Context) -> dict[str, Any]:
    target, as_of, end = spec["target"], ctx.as_of, ctx.end
    years = list(range(ctx.start, as_of + 1))
    missing = [y for y in years if y not in in_period]
    out: dict[str, Any] = {"required_pace_unit": f"{spec['unit']}/年"}
    extra: list[dict] = []
    if not missing:
        total = sum(in_period[y] for y in years)
        out["cumulative"] = total
        mean = total / len(years)
        out["projected_end"] = total + mean * (end - as_of)
    else:
        published = next(
            (r for r in series.others
             if r["period_type"] in {"multi_year", "as_of"} and r["period_start"] == f"{ctx.start}-01-01"
             and r["value"] == r["value"]),
            None,
        )  # fmt: skip
        gap = "、".join(str(y) for y in missing)
        if published is not None:
            total = float(published["value"])
            out["cumulative"] = total
            extra = [published]
            out["note"] = f"{gap}年全年数缺失，采用公布的累计数（{published['period_label']}）"
        else:
            out["cumulative"] = math.nan
            out["status"] = MISSING if not in_period else INCOMPLETE
            if in_period:
                out["note"] = f"缺少{gap}年全年数，无法计算累计值"
            out.update(_sources(series, sorted(in_period)))
            return out
    total = out["cumulative"]
    out["completion"] = total / target
    remaining = end - as_of
    out["required_pace"] = max(target - total, 0.0) / remaining if remaining > 0 else math.nan
    out["basis_years"] = years_text(sorted(in_period)) if not extra else str(extra[0]["period_label"])
    tol = ctx.settings.approx_tolerance
    if meets(total, spec["comparator"], target, tolerance=tol):
        out["status"] = DONE if ctx.final else EARLY
        running, reached = 0.0, as_of
        for y in years if not missing else []:  # the year the running total first reached the target
            running += in_period[y]
            if meets(running, spec["comparator"], target, tolerance=tol):
                reached = y
                break
        out["achieved_year"] = reached
    elif ctx.final:
        out["status"] = NOT_DONE
    else:
        out["status"] = schedule_status(
            out["completion"], ctx.plan.time_progress(as_of), ctx.settings, binding=spec.get("attribute") == "约束性"
        )
    if "projected_end" in out:
        on_track = out["projected_end"] >= target
        out["escap_category"] = ESCAP_ON_TRACK if on_track else ESCAP_ACCELERATE
    out.update(_sources(series, sorted(in_period), extra))
    return out


def _level(spec: dict, series: _Series, in_period: dict[int, float], ctx: _Context) -> dict[str, Any]:
    target, comparator, end = spec["target"], spec["comparator"], ctx.end
    tol = ctx.settings.approx_tolerance
    out: dict[str, Any] = {}
    if not in_period:
        out["status"] = MISSING
        return out
    t = max(in_period)
    xt = in_period[t]
    x0 = spec["baseline"]
    t0 = spec["baseline_year"]
    has_base = not is_missing(x0) and not is_missing(t0)
    lower_better = comparator in ("<", "<=")
    met_now = meets(xt, comparator, target, tolerance=tol)
    out.update(_sources(series, [t]))
    if has_base:
        t0 = int(t0)
        change_needed = target - x0
        out["completion"] = (xt - x0) / change_needed if change_needed != 0 else (1.0 if met_now else 0.0)
        a, r = cagr(x0, xt, t - t0), cagr(x0, target, end - t0)
        linear = math.isnan(a) or math.isnan(r)
        if linear and t > t0:  # CAGR undefined (zero/negative values): compare linear yearly changes
            a = (xt - x0) / (t - t0) / abs(x0) if x0 else math.nan
            r = change_needed / (end - t0) / abs(x0) if x0 else math.nan
            out["note"] = "数值非正，按线性变化计算"
        out["cagr_actual"], out["cagr_required"] = a, r
        ratio = a / r if r and not math.isnan(r) and not math.isnan(a) else math.nan
        out["eurostat_ratio"] = ratio
        out["eurostat_category"] = EUROSTAT_MET if met_now else eurostat_category(ratio, ctx.settings)
        if not math.isnan(a):
            projected = xt * (1 + a) ** (end - t) if not linear else xt + a * abs(x0) * (end - t)
            out["projected_end"] = projected
            if meets(projected, comparator, target, tolerance=tol):
                out["escap_category"] = ESCAP_ON_TRACK
            else:
                moving_right = (xt < x0) if lower_better else (xt > x0)
                out["escap_category"] = ESCAP_ACCELERATE if moving_right else ESCAP_REVERSE
    else:
        # No baseline: report the share of the target level reached; growth methods do not apply.
        out["completion"] = xt / target if target else math.nan
        out["note"] = "规划未给出基数：完成度为最新值占目标值的比例"
    if t < end and xt > 0 and target > 0 and not met_now:
        out["required_pace"] = ((target / xt) ** (1 / (end - t)) - 1) * 100
        out["required_pace_unit"] = "%（年均增速）"
    out["basis_years"] = years_text([t])
    broken = _basis_break(spec, t)
    if broken:  # nothing computed from an incomparable value is shown
        for key in ("completion", "cagr_actual", "cagr_required", "eurostat_ratio", "projected_end", "required_pace"):
            out.pop(key, None)
        out.update(status=INCOMPLETE, note=broken, eurostat_category=NOT_APPLICABLE, escap_category=NOT_APPLICABLE)
        return out
    elif met_now:
        out["status"] = DONE if t >= end else EARLY
        # the first year from which every observed year meets the target
        reached = t
        for y in sorted(in_period, reverse=True):
            if not meets(in_period[y], comparator, target, tolerance=tol):
                break
            reached = y
        out["achieved_year"] = reached
    elif t >= end:
        out["status"] = NOT_DONE
    elif has_base:
        tp = (t - int(t0)) / (end - int(t0))
        binding = spec.get("attribute") == "约束性"
        out["status"] = schedule_status(out["completion"], tp, ctx.settings, binding=binding) if tp > 0 else MISSING
    else:
        tp = ctx.plan.time_progress(t)
        out["status"] = schedule_status(out["completion"], tp, ctx.settings, binding=False) if tp > 0 else MISSING
    if t < ctx.as_of:
        out["note"] = _join(out.get("note"), f"最新全年数据为{t}年，序时进度按{t}年计")
    return out


def _year_checks(checks: dict[int, bool], ctx: _Context, observed: list[int] | None = None) -> dict[str, Any]:
    """The class of a target judged year by year, from ``checks`` (year → met?) and the ``observed`` plan
    years (default: the years checked). A failed year is conclusive; a clean record needs enough years."""
    years = list(range(ctx.start, ctx.as_of + 1))
    seen = sorted(observed if observed is not None else checks)
    missing = [y for y in years if y not in seen]
    out: dict[str, Any] = {"years_assessed": len(checks), "years_met": sum(checks.values()),
                           "basis_years": years_text(seen)}  # fmt: skip
    if not checks:
        out["status"] = MISSING if not seen else INCOMPLETE
        if seen:
            out["note"] = f"仅有{years_text(seen)}数据，不足以判断"
        return out
    failed = [y for y, ok in sorted(checks.items()) if not ok]
    needed = ctx.settings.years_needed(len(years))
    notes = []
    if failed:
        out["status"] = NOT_DONE if ctx.final else BEHIND
        notes.append(f"{years_text(failed)}未满足")
    elif len(seen) < needed:
        out["status"] = INCOMPLETE
        notes.append(f"仅有{years_text(seen)}数据，不足以判断")
    else:
        out["status"] = DONE if ctx.final else IN_LINE
    if missing and out["status"] != INCOMPLETE:
        notes.append(f"{years_text(missing)}数据暂缺")
    out["note"] = _join(*notes)
    return out


def _annual_bound(spec: dict, series: _Series, in_period: dict[int, float], ctx: _Context) -> dict[str, Any]:
    tol = ctx.settings.approx_tolerance
    checks = {y: meets(v, spec["comparator"], spec["target"], tolerance=tol) for y, v in in_period.items()}
    out = _year_checks(checks, ctx)
    out.update(_sources(series, sorted(in_period)))
    # Trend beside the yes/no: a straight line through the baseline and the years observed, extended to
    # the final year, warns when the bound would be crossed even while every year so far complies.
    points = dict(in_period)
    if not is_missing(spec["baseline"]) and not is_missing(spec["baseline_year"]):
        points.setdefault(int(spec["baseline_year"]), float(spec["baseline"]))
    if len(in_period) >= 2:
        projected = _linear_projection(points, ctx.end)
        if spec["unit"] == "%":
            projected = min(max(projected, 0.0), 100.0)
        out["projected_end"] = projected
        ok = meets(projected, spec["comparator"], spec["target"], tolerance=tol)
        out["escap_category"] = ESCAP_ON_TRACK if ok else ESCAP_REVERSE
        if not ok and out["status"] == IN_LINE:
            warning = f"按线性趋势外推，{ctx.end}年将不满足约束（{plain_number(projected)}）"
            out["note"] = _join(out.get("note"), warning)
    return out


def _basis_break(spec: dict, year: int) -> str | None:
    """Why a value of ``year`` cannot be compared with the plan's baseline — the plan marks the target
    ``scope_break`` (its published figures jump from the baseline: 统计口径扩大) — or None."""
    base_year = spec.get("baseline_year")
    if not isinstance(spec.get("scope_break"), str) or is_missing(base_year) or not int(base_year) < year:
        return None
    return f"{year}年数据疑似扩大统计口径，与{int(base_year)}年基数不可比，不作判断"


def _linear_projection(points: dict[int, float], year: int) -> float:
    xs, ys = list(points), list(points.values())
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my + slope * (year - mx)


def _relative(spec: dict, series: _Series, in_period: dict[int, float], ctx: _Context) -> dict[str, Any]:
    ref = ctx.index.get(spec["reference"] or "", _Series({}, {}, []))
    both = {y: (v, ref.annual[y]) for y, v in in_period.items() if y in ref.annual}
    checks = {y: a > b for y, (a, b) in both.items()}
    out = _year_checks(checks, ctx, observed=sorted(both))
    if in_period and not both:
        out["note"] = _join(out.get("note"), f"参照序列 {spec['reference']} 缺少对应年份数据")
    out.update(_sources(series, sorted(both), also=(ref, sorted(both))))
    return out


def _qualitative(spec: dict, series: _Series, in_period: dict[int, float], ctx: _Context) -> dict[str, Any]:
    points = dict(in_period)
    if not is_missing(spec["baseline"]) and not is_missing(spec["baseline_year"]):
        points.setdefault(int(spec["baseline_year"]), float(spec["baseline"]))
    years = sorted(points)
    # steady growth = no year-on-year fall; a gap is compared across (noted), never filled in
    checks = {later: points[later] >= points[earlier] for earlier, later in itertools.pairwise(years)
              if later >= ctx.start}
    out = _year_checks(checks, ctx, observed=sorted(in_period))
    gaps = [f"{a}→{b}" for a, b in itertools.pairwise(years) if b - a > 1 and b >= ctx.start]
    if gaps and out["status"] != INCOMPLETE:
        out["note"] = _join(out.get("note"), f"跨缺失年份比较：{'、'.join(gaps)}")
    out.update(_sources(series, sorted(in_period)))
    if len(years) >= 2 and in_period:
        growth = cagr(points[years[0]], points[years[-1]], years[-1] - years[0]) * 100
        out["cagr_actual"] = growth / 100
        out["eurostat_category"] = eurostat_no_target_category(growth, ctx.settings)
    return out
