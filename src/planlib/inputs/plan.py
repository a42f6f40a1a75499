"""The plan as data: one YAML file per plan, validated on load.

A plan file has three parts: ``plan`` (title, period, baseline year), ``indicators`` (the headline
table, 专栏1 here) and ``targets`` (every other quantified target: 专栏2–13 and the body text). Both
lists share one schema, so the same code assesses any plan written this way — the next plan is a new
YAML file, not new code. Optional: ``unassessed``, headline rows recorded with what was read of them but
not assessed (each with its ``reason``), and ``review`` on any entry, which ``planlib plan import`` writes
where a reviewer must check it (:mod:`planlib.inputs.plan_import`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from planlib._config import FieldValueError, load_yaml, validation_problems
from planlib._paths import PACKAGE_DIR
from planlib.errors import DataError, Problem

if TYPE_CHECKING:
    import pandas as pd

PLANS_DIR = PACKAGE_DIR / "plans"
DEFAULT_PLAN = "cq-employment-14th"

Comparator = Literal[">", ">=", "<", "<=", "=", "~", "range", "higher_than", "steady_growth"]
Kind = Literal["cumulative", "annual", "level", "relative", "qualitative"]
Period = Literal["five_year_total", "per_year", "by_end"]

# Which accounting period each kind of target implies; a mismatch is a transcription error.
KIND_PERIOD = {
    "cumulative": {"five_year_total"},
    "annual": {"per_year"},
    "level": {"by_end"},
    "relative": {"per_year"},
    "qualitative": {"per_year"},
}
# Plain-language descriptions, used in error messages and the report's method appendix.
COMPARATOR_ZH = {
    ">": "高于(>)",
    ">=": "不低于(≥)",
    "<": "低于(<)",
    "<=": "不高于(≤)",
    "=": "等于",
    "~": "左右(约等于)",
    "range": "区间(达到下限即完成)",
    "higher_than": "高于参照序列",
    "steady_growth": "稳步增长(逐年不下降)",
}
KIND_ZH = {
    "cumulative": "五年累计",
    "annual": "年度约束(每年须满足)",
    "level": "期末水平",
    "relative": "相对目标(与参照序列比较)",
    "qualitative": "定性方向",
}
PERIOD_ZH = {"five_year_total": "五年累计", "per_year": "每年", "by_end": "到期末"}

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _not_a_truth_value(value: Any) -> Any:
    """YAML reads yes/no/true/false as booleans, which pydantic would take for 1 and 0: a number is refused as one."""
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} 是真假值,不是数值(YAML 把 yes、no、true、false 读作真假值)")
    return value


Number = Annotated[float, BeforeValidator(_not_a_truth_value)]  # finite (see _Strict), never a truth value
Year = Annotated[int, BeforeValidator(_not_a_truth_value)]


class _Strict(BaseModel):
    # a number is finite: .nan, "NaN", .inf and 1e400 (read as infinity) are refused, never judged
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class PlanMeta(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str
    issuer: str
    issued: dt.date
    period_start: Year
    period_end: Year
    baseline_year: Year
    source_url: str | None = None
    areas: list[str] = Field(default_factory=list)
    # What the report layer says about the plan, so that no report sentence is written for one plan only
    region: str  # the whole area the plan covers, as the data name it (全市, 全国); assessed series use it
    period_name: str | None = None  # the plan period's short name (十四五); None: the years (2021—2025年) stand in
    previous_period_name: str | None = None  # the period the baselines close (十三五)
    subject: str = ""  # what the plan promotes, as captions name it (就业促进: “十四五”就业促进主要指标…)
    headline_label: str = "主要指标表"  # where the plan prints its headline indicators (专栏1)
    targets_label: str = "其他"  # where its other quantified targets are (专栏2—13 及正文)
    targets_heading: str = "其他量化目标"  # the report heading over them (专栏2—13 项目量化目标)
    series_notes: bool = True  # print series.yaml notes (they describe this plan's region's data) as 口径说明
    layout_name: str | None = None  # the plan's area grouping of districts (一区两群); None: no district sections
    monthly_series: list[str] = Field(default_factory=list)  # series of the monthly picture of annual reports
    revision_caveats: list[str] = Field(default_factory=list)  # data caveats on revisions, printed first
    caveats: list[str] = Field(default_factory=list)  # the plan's other data caveats, printed last

    @model_validator(mode="after")
    def _period(self) -> PlanMeta:
        if not self.period_start <= self.period_end:
            raise FieldValueError("period_end",
                                  f"规划期结束年 {self.period_end} 早于起始年 period_start {self.period_start}")
        if self.baseline_year >= self.period_start:
            raise FieldValueError("baseline_year", f"基期年份 {self.baseline_year} 不早于规划期起始年 period_start "
                                                   f"{self.period_start}:基期是规划期开始之前的一年")  # fmt: skip
        return self


class TargetSpec(_Strict):
    """One target: a headline indicator (with ``no``/``area``) or a project target (with ``project``)."""

    id: str = Field(pattern=_ID.pattern)
    section: str
    name: str
    unit: str
    baseline: Number | None = None
    baseline_year: Year | None = None
    baseline_period: str | None = None
    baseline_comparator: Literal[">", ">=", "<", "<="] | None = None
    target: Number | None = None
    target_high: Number | None = None
    target_year: Year
    comparator: Comparator
    reference: str | None = None
    kind: Kind
    period: Period
    attribute: Literal["预期性", "约束性"] | None = None
    note: str | None = None
    # headline-table fields
    number: int | None = None  # row number in the headline table ("no" would read as false in YAML)
    area: str | None = None
    source_text: str | None = None
    # project-target fields
    project: str | None = None
    item: str | None = None
    text: str | None = None
    also_in: str | None = None
    # report text: a caveat on this indicator's data (printed in 数据说明与局限), and, where its first
    # published figure may have a wider scope than the baseline, the label of that caveat (the jump is computed)
    caveat: str | None = None
    scope_break: str | None = None
    # written by `planlib plan import`: what a reviewer must check in this entry; deleted once checked
    review: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> TargetSpec:
        if self.period not in KIND_PERIOD[self.kind]:
            allowed = "、".join(PERIOD_ZH[p] for p in sorted(KIND_PERIOD[self.kind]))
            raise FieldValueError(
                "period", f"kind '{self.kind}'({KIND_ZH[self.kind]})与 period '{self.period}' 不一致,应为 {allowed}"
            )
        if self.comparator == "range":
            if self.target is None or self.target_high is None or not self.target_high > self.target:
                raise FieldValueError("target_high",
                                      "区间目标(comparator: range)须同时给出 target(下限)和更大的 target_high(上限)")
        elif self.target_high is not None:
            raise FieldValueError("target_high", "只有区间目标(comparator: range)才能有 target_high")
        if self.comparator == "higher_than" and not self.reference:
            raise FieldValueError("reference", "comparator 'higher_than' 须给出 reference(作比较的序列 id)")
        if self.comparator == "steady_growth":
            if self.target is not None:
                raise FieldValueError("target", "comparator 'steady_growth' 没有数值目标,target 应为空")
        elif self.comparator != "higher_than" and self.target is None:
            raise FieldValueError("target", f"comparator '{self.comparator}' 需要数值 target")
        if (self.baseline is None) != (self.baseline_year is None):
            raise FieldValueError("baseline_year" if self.baseline is not None else "baseline",
                                  "baseline 与 baseline_year 须同时给出或同时为空")
        return self


class UnassessedRow(_Strict):
    """A row of the headline table that the plan records but planlib does not assess, with what was read of it.

    Its target has no form the assessment reads (完成省下达目标, 与经济增长同步, 达到国家要求) or could not be
    read; ``reason`` says which. Nothing here enters an assessment or a report.
    """

    number: int | None = None
    area: str | None = None
    name: str | None = None
    unit: str | None = None
    baseline: float | None = None
    baseline_year: int | None = None
    baseline_period: str | None = None
    baseline_comparator: Literal[">", ">=", "<", "<="] | None = None
    target: float | None = None
    target_high: float | None = None
    target_year: int | None = None
    comparator: Comparator | None = None
    kind: Kind | None = None
    period: Period | None = None
    attribute: Literal["预期性", "约束性"] | None = None
    source_text: str
    reason: str
    note: str | None = None
    review: str | None = None


class PlanFile(_Strict):
    plan: PlanMeta
    indicators: list[TargetSpec] = Field(min_length=1)
    targets: list[TargetSpec] = Field(default_factory=list)
    unassessed: list[UnassessedRow] = Field(default_factory=list)


# The frame's column order; the first eleven are the contract promised to report code.
COLUMNS = [
    "id", "section", "name", "unit", "baseline", "baseline_year", "target", "target_year",
    "comparator", "kind", "attribute",
    "target_high", "period", "reference", "baseline_period", "baseline_comparator", "number", "area",
    "project", "item", "text", "source_text", "also_in", "note", "caveat", "scope_break", "group",
]  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """A loaded plan. ``indicators`` = headline indicators; ``targets`` = all other targets (same columns)."""

    meta: PlanMeta
    indicators: pd.DataFrame
    targets: pd.DataFrame
    path: Path
    unassessed: tuple[UnassessedRow, ...] = ()  # headline rows recorded but not assessed (each with its reason)
    review: tuple[tuple[str, str], ...] = ()  # (entry, what to check) for every entry still marked ``review``

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def all_targets(self) -> pd.DataFrame:
        """Headline indicators and project targets in one frame (column ``group`` tells them apart)."""
        import pandas as pd

        return pd.concat([self.indicators, self.targets], ignore_index=True)

    def target(self, target_id: str) -> dict[str, Any]:
        """One target as a dict; KeyError with the known ids if absent."""
        frame = self.all_targets
        match = frame[frame["id"] == target_id]
        if match.empty:
            raise KeyError(f"计划 {self.id} 中没有 id 为 '{target_id}' 的指标或目标")
        return match.iloc[0].to_dict()

    @property
    def period_label(self) -> str:
        """How report text names the plan period: '“十四五”' (``period_name``), else '2021—2025年'."""
        m = self.meta
        return f"“{m.period_name}”" if m.period_name else f"{m.period_start}—{m.period_end}年"

    @property
    def previous_label(self) -> str:
        """The period the baselines close: '“十三五”' (``previous_period_name``), else '2016—2020年'."""
        m = self.meta
        span = m.period_end - m.period_start
        return (f"“{m.previous_period_name}”" if m.previous_period_name
                else f"{m.baseline_year - span}—{m.baseline_year}年")  # fmt: skip

    def time_progress(self, as_of: int) -> float:
        """序时进度 after year ``as_of``: (as_of − baseline year) / (end − baseline year)."""
        span = self.meta.period_end - self.meta.baseline_year
        return (as_of - self.meta.baseline_year) / span


def plan_path(name: str | Path = DEFAULT_PLAN) -> Path:
    """Resolve a plan name (``cq-employment-14th``) or a path to a YAML file."""
    path = Path(name)
    if path.suffix in {".yaml", ".yml"}:
        return path
    return PLANS_DIR / f"{name}.yaml"


def available_plans() -> list[str]:
    return sorted(p.stem for p in PLANS_DIR.glob("*.yaml"))


def load_plan(name: str | Path = DEFAULT_PLAN) -> Plan:
    """Load and validate a plan (default: the Chongqing employment plan 2021–2025).

    ``name`` is a plan id shipped with planlib or a path to a YAML file. Invalid files raise
    :class:`planlib.errors.DataError` naming the file, the entry and the field.
    """
    path = plan_path(name)
    if not path.is_file():
        known = "、".join(available_plans()) or "(无)"
        expected = f"已有的计划:{known},或一个 YAML 文件路径"
        raise DataError(Problem(file=str(path), problem="找不到计划文件", expected=expected))
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        expected = "含 plan、indicators、targets 三部分"
        raise DataError(Problem(file=str(path), problem="文件内容不是一个映射", expected=expected))
    try:
        parsed = PlanFile.model_validate(raw)
    except ValidationError as exc:
        raise DataError(validation_problems(path, raw, exc.errors())) from None
    _check_unique_ids(path, parsed)
    problems = _period_problems(path, parsed) + _measure_problems(path, parsed)
    if problems:
        raise DataError(problems)
    return Plan(
        meta=parsed.plan,
        indicators=_frame(parsed.indicators, "headline"),
        targets=_frame(parsed.targets, "project"),
        path=path,
        unassessed=tuple(parsed.unassessed),
        review=_review(parsed),
    )


def _review(parsed: PlanFile) -> tuple[tuple[str, str], ...]:
    """Every entry still marked ``review`` (by ``planlib plan import``), named as a reviewer finds it."""
    marked = [(f"{group}[{i}] {spec.name}(id={spec.id})", spec.review)
              for group, items in (("indicators", parsed.indicators), ("targets", parsed.targets))
              for i, spec in enumerate(items) if spec.review]  # fmt: skip
    marked += [(f"unassessed[{i}] {row.name or '(名称未读出)'}", row.review)
               for i, row in enumerate(parsed.unassessed) if row.review]  # fmt: skip
    return tuple(marked)


def _frame(specs: list[TargetSpec], group: str) -> pd.DataFrame:
    import pandas as pd

    rows = [{**spec.model_dump(), "group": group} for spec in specs]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("baseline", "target", "target_high"):
        frame[col] = frame[col].astype("float64")
    for col in ("baseline_year", "target_year", "number"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _entries(parsed: PlanFile) -> list[tuple[str, TargetSpec]]:
    """Every target with the entry that names it in messages: “indicators[0] (id=urban_new_jobs)”."""
    return [(f"{group}[{i}] (id={spec.id})", spec)
            for group, items in (("indicators", parsed.indicators), ("targets", parsed.targets))
            for i, spec in enumerate(items)]  # fmt: skip


def _period_problems(path: Path, parsed: PlanFile) -> list[Problem]:
    """Each target's years within the plan: its target year in the period, its baseline not after the start."""
    start, end = parsed.plan.period_start, parsed.plan.period_end
    problems = []
    for entry, spec in _entries(parsed):
        if not start <= spec.target_year <= end:
            problems.append(Problem(file=str(path), entry=entry, field="target_year",
                                    problem=f"target_year {spec.target_year} 不在规划期 {start}—{end} 内",
                                    expected=f"{start} 到 {end} 之间的年份"))  # fmt: skip
        if spec.baseline_year is not None and spec.baseline_year > start:
            problems.append(Problem(file=str(path), entry=entry, field="baseline_year",
                                    problem=f"基数年份 {spec.baseline_year} 晚于规划期起始年 {start}:"
                                            "基数是规划期开始时的数值,完成程度从它算起",
                                    expected=f"不晚于 {start} 的年份(通常为 {parsed.plan.baseline_year})"))  # fmt: skip
        span = re.fullmatch(r"(\d{4})\s*[-—–]\s*(\d{4})", str(spec.baseline_period or "").strip())
        if span and int(span[2]) > start:
            problems.append(Problem(file=str(path), entry=entry, field="baseline_period",
                                    problem=f"基期“{spec.baseline_period}”结束于 {span[2]} 年,晚于规划期起始年 {start}",
                                    expected=f"在 {start} 年或之前结束的时期,如 {start - 5}-{start - 1}"))  # fmt: skip
    return problems


_VALUE_FIELDS = (("baseline", "基数"), ("target", "目标值"), ("target_high", "目标上限"))


def _measure_problems(path: Path, parsed: PlanFile) -> list[Problem]:
    """A target measured by a series (``series.yaml``: the series of the same id) obeys its measure's rule:
    no negative baseline for a stock or a count, no share above 100, growth within its range. Any target's
    baseline and target lie within their unit's range (``settings/plausibility.yaml``: 万人 from 0 to 150000)."""
    from planlib.inputs.observations import load_series_map
    from planlib.inputs.plausibility import load_plausibility_settings

    smap = load_series_map()
    ranges = load_plausibility_settings().units
    problems = []
    for entry, spec in _entries(parsed):
        found = _series_rule_problems(path, entry, spec, smap) if spec.id in smap.series else []
        refused = {p.field for p in found}
        bounds = ranges.get(spec.unit)
        for name, what in _VALUE_FIELDS if bounds is not None else ():
            value = getattr(spec, name)
            if value is not None and name not in refused and bounds.broken_by(value):
                found.append(Problem(file=str(path), entry=entry, field=name,
                                     problem=f"{what} {_number(value)}({spec.unit})超出以“{spec.unit}”计的数值可能的"
                                             f"范围({bounds.shown(spec.unit)}:{bounds.why})",
                                     expected="核对规划原文的数值和单位"))  # fmt: skip
        order = {name: i for i, (name, _) in enumerate(_VALUE_FIELDS)}
        problems += sorted(found, key=lambda p: order.get(p.field or "", -1))
    return problems


def _series_rule_problems(path: Path, entry: str, spec: TargetSpec, smap: Any) -> list[Problem]:
    """The baseline and targets of a target measured by a series, against the series' measure rule."""
    from planlib.errors import CleanError
    from planlib.inputs.numbers import convert_unit

    rule, unit = smap.plausibility(spec.id), smap.unit(spec.id)
    problems = []
    for name, what in _VALUE_FIELDS:
        value = getattr(spec, name)
        if value is None:
            continue
        try:
            converted = convert_unit(value, spec.unit, unit)
        except CleanError as exc:
            return [Problem(file=str(path), entry=entry, field="unit", problem=exc.problem,
                            expected=f"可换算为序列 {spec.id} 的单位“{unit}”的单位")]  # fmt: skip
        if rule.broken_by(converted):
            problems.append(Problem(file=str(path), entry=entry, field=name,
                                    problem=f"{what} {_number(value)}({spec.unit})不合理:{smap.name(spec.id)}"
                                            f"({spec.id})是{rule.measure_name},{rule.rule}(series.yaml {rule.ref})",
                                    expected=rule.expected()))  # fmt: skip
    return problems


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else format(x, ".10g")


def _check_unique_ids(path: Path, parsed: PlanFile) -> None:
    seen: dict[str, str] = {}
    problems = []
    for group, items in (("indicators", parsed.indicators), ("targets", parsed.targets)):
        for i, spec in enumerate(items):
            where = f"{group}[{i}]"
            if spec.id in seen:
                problems.append(
                    Problem(file=str(path), entry=f"{where} (id={spec.id})", field="id",
                            problem=f"id 重复,已在 {seen[spec.id]} 使用", expected="全文件唯一的 id")
                )  # fmt: skip
            seen.setdefault(spec.id, where)
    if problems:
        raise DataError(problems)
