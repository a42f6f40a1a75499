"""The annual targets (年度目标) a government set for a plan's indicators, read from data.

A plan may have, beside its YAML, ``plans/annual_targets/<plan id>.yaml`` (or a file named by the caller):
per year and target the value as printed, its comparator, its wording and its source, and the official
statements of results (``statements``, quoted). Annual reports judge each year against these beside the
plan's 序时进度 (:mod:`planlib.indicators.annual_targets`). Only printed targets belong there: the loader
checks the file as data and refuses anything else, naming file, entry and field.

Imports: inputs only (``inputs.plan`` for the plan's ids and period).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planlib._paths import PACKAGE_DIR

if TYPE_CHECKING:
    from planlib.inputs.plan import Plan

ANNUAL_TARGETS_DIR = PACKAGE_DIR / "plans" / "annual_targets"
COMPARATORS = (">=", ">", "<=", "<")


@dataclass(frozen=True)
class Source:
    """Where a target or statement was printed: the issuing body, the release, its date and address, and the
    copy it was read in when that is a repost (cited as 转载)."""

    issuer: str
    title: str
    date: dt.date | None
    url: str
    via: str = ""

    def cite(self) -> str:
        """'重庆市人力资源和社会保障局：《标题》（2021年4月26日；重庆日报报道，国际在线重庆频道转载）'."""
        when = f"{self.date.year}年{self.date.month}月{self.date.day}日" if self.date else ""
        extra = "；".join(p for p in (when, self.via) if p)
        return f"{self.issuer}：《{self.title}》" + (f"（{extra}）" if extra else "")


@dataclass(frozen=True)
class AnnualTarget:
    year: int
    target: str  # the plan's target id
    comparator: str
    value: float
    unit: str
    text: str  # as printed
    wording: str  # how the annual target's definition differs from the plan's indicator ('' if it does not)
    source: Source


@dataclass(frozen=True)
class Statement:
    year: int
    target: str
    text: str  # the official words, quoted
    source: Source


@dataclass(frozen=True)
class AnnualTargets:
    plan: str
    targets: tuple[AnnualTarget, ...]
    statements: tuple[Statement, ...]
    path: Path | None = None

    def for_year(self, year: int) -> tuple[list[AnnualTarget], list[Statement]]:
        """The targets and statements of ``year``, in file order."""
        return ([t for t in self.targets if t.year == year], [s for s in self.statements if s.year == year])


def annual_targets_path(plan: Plan) -> Path:
    """Where the annual targets of ``plan`` live: ``annual_targets/<plan id>.yaml`` beside the plan's YAML
    (the shipped plans: ``src/planlib/plans/annual_targets/``)."""
    return Path(plan.path).parent / "annual_targets" / f"{plan.id}.yaml"


def load_annual_targets(plan: Plan, path: Path | str | None = None) -> AnnualTargets:
    """The annual targets of ``plan`` (none when the plan has no such file: an empty :class:`AnnualTargets`).

    Raises :class:`planlib.errors.DataError` naming the file, the entry (``targets[3]``) and the field for: a
    file of another plan, a year outside the plan period, a target id the plan does not have, a comparator
    other than ``>= > <= <``, a value that is not a finite number, a unit that is not the target's, an empty
    text or source field, a date that is not a date.
    """
    from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

    from planlib._config import load_mapping, validation_problems
    from planlib.errors import DataError, Problem

    file = Path(path) if path is not None else annual_targets_path(plan)
    if path is None and not file.is_file():
        return AnnualTargets(plan=plan.id, targets=(), statements=())

    class _Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")

    class SourceSpec(_Strict):
        issuer: str
        title: str
        date: dt.date | None = None
        url: str
        via: str = ""

        @field_validator("issuer", "title", "url")
        @classmethod
        def _filled(cls, v: str) -> str:
            if not v.strip():
                raise ValueError("不能为空")
            return v.strip()

    class TargetEntry(_Strict):
        year: int
        target: str
        comparator: str
        value: float
        unit: str
        text: str
        wording: str = ""
        source: SourceSpec

        @field_validator("value")
        @classmethod
        def _finite(cls, v: float) -> float:
            if not math.isfinite(v):
                raise ValueError("须为有限的数值(不能是 .nan、.inf)")
            return v

        @field_validator("comparator")
        @classmethod
        def _comparator(cls, v: str) -> str:
            if v not in COMPARATORS:
                raise ValueError(f"比较符须为 {' '.join(COMPARATORS)} 之一")
            return v

    class StatementEntry(_Strict):
        year: int
        target: str
        text: str
        source: SourceSpec

    class File(_Strict):
        plan: str
        targets: list[TargetEntry] = Field(default_factory=list)
        statements: list[StatementEntry] = Field(default_factory=list)

    raw = load_mapping(file, "含 plan、targets 和 statements")
    try:
        spec = File.model_validate(raw)
    except ValidationError as exc:
        raise DataError(validation_problems(file, raw, exc.errors())) from None
    problems = []
    if spec.plan != plan.id:
        problems.append(Problem(file=str(file), field="plan", problem=f"是规划“{spec.plan}”的年度目标",
                                expected=f"本规划的编号 {plan.id}"))  # fmt: skip
    start, end = plan.meta.period_start, plan.meta.period_end
    ids = set(plan.all_targets["id"])
    units = dict(zip(plan.all_targets["id"], plan.all_targets["unit"], strict=True))
    for section, entries in (("targets", spec.targets), ("statements", spec.statements)):
        for i, entry in enumerate(entries):
            where = f"{section}[{i}]"
            if not start <= entry.year <= end:
                problems.append(Problem(file=str(file), entry=where, field="year",
                                        problem=f"{entry.year} 不在规划期 {start}—{end} 内"))  # fmt: skip
            if entry.target not in ids:
                problems.append(Problem(file=str(file), entry=where, field="target",
                                        problem=f"规划中没有编号为“{entry.target}”的指标或目标"))  # fmt: skip
            elif section == "targets" and entry.unit != units[entry.target]:
                problems.append(Problem(file=str(file), entry=where, field="unit",
                                        problem=f"单位“{entry.unit}”与规划指标的单位“{units[entry.target]}”不同",
                                        expected="换算为规划指标的单位后登记"))  # fmt: skip
            if not entry.text.strip():
                problems.append(Problem(file=str(file), entry=where, field="text", problem="不能为空",
                                        expected="来源印出的原文"))  # fmt: skip
    if problems:
        raise DataError(problems)

    def source(s: SourceSpec) -> Source:
        return Source(issuer=s.issuer, title=s.title, date=s.date, url=s.url, via=s.via)

    return AnnualTargets(
        plan=spec.plan,
        targets=tuple(AnnualTarget(year=t.year, target=t.target, comparator=t.comparator, value=t.value,
                                   unit=t.unit, text=t.text.strip(), wording=t.wording.strip(),
                                   source=source(t.source)) for t in spec.targets),
        statements=tuple(Statement(year=s.year, target=s.target, text=s.text.strip(), source=source(s.source))
                         for s in spec.statements),
        path=file,
    )  # fmt: skip
