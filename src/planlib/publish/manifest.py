"""The report manifest (``reports/manifest.yaml``): report id → notebook + parameters, validated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planlib._config import load_mapping, validation_problems
from planlib._paths import project_root
from planlib.errors import DataError, Problem

MANIFEST = Path("reports") / "manifest.yaml"
_ID = re.compile(r"^(annual|midterm|final)-(\d{4})$")
_MONTHLY_ID = re.compile(r"^monthly-(\d{4})-(\d{2})$")
KIND_TITLE = {"annual": "{year}年度评估报告", "midterm": "中期评估报告", "final": "终期评估报告",
              "monthly": "{year}年{month}月就业监测简报"}
KIND_LABEL = {"annual": "年度评估", "midterm": "中期评估", "final": "终期评估", "monthly": "月度监测"}


@dataclass(frozen=True)
class Report:
    id: str
    kind: str
    title: str
    notebook: Path  # relative to the project root
    parameters: dict[str, Any] = field(default_factory=dict)
    plan_title: str = ""  # the title of the plan evaluated (from the plan YAML the manifest names)
    evaluator: str = ""  # the evaluating body (manifest ``site.evaluator``), "" when not set
    # the folder of the analysts' commentary files of this report's site: ``commentary/`` beside its manifest
    commentary_dir: str = ""

    @property
    def kind_label(self) -> str:
        """年度评估 / 中期评估 / 终期评估 / 月度监测."""
        return KIND_LABEL[self.kind]

    @property
    def as_of(self) -> int:
        return int(self.parameters["as_of"])

    @property
    def cutoff(self) -> str:
        """The data cut-off as a reader sees it (index column 数据截至, subtitles): ``2023年``."""
        return f"{self.as_of}年"

    @property
    def vintage(self) -> str:
        """``latest`` or the date (YYYY-MM-DD) the report is written as of (parameter ``vintage``)."""
        return str(self.parameters.get("vintage", "latest"))

    @property
    def subtitle(self) -> str:
        base = f"数据截至 {self.cutoff}"
        return base if self.vintage == "latest" else f"{base}（按 {self.vintage} 已公布的数据）"

    @property
    def cover_date(self) -> str:
        """The line under the title on a PDF cover: the data cut-off (never a word a reader could take for the
        plan's base year)."""
        return f"数据截至 {self.as_of}年末"


@dataclass(frozen=True)
class MonthlyReport(Report):
    """A 月度就业监测简报 (id ``monthly-YYYY-MM``, parameter ``month``): its cut-off is a month, not a year."""

    @property
    def month(self) -> str:
        return str(self.parameters["month"])

    @property
    def as_of(self) -> int:
        return int(self.month[:4])

    @property
    def cutoff(self) -> str:
        """``2026年10月``."""
        return f"{int(self.month[:4])}年{int(self.month[5:])}月"

    @property
    def subtitle(self) -> str:
        return f"监测月份:{self.cutoff}"

    @property
    def cover_date(self) -> str:
        return f"数据截至 {self.cutoff}末(行政记录/监测数据)"


@dataclass(frozen=True)
class Manifest:
    title: str
    plan: str
    reports: list[Report]
    path: Path
    pages: bool = True  # site.pages: write the monitoring pages beside the reports
    plan_ref: str = ""  # the plan as load_plan takes it: an id, or the YAML path site.plan names (resolved)
    observations: str | None = None  # site.observations resolved: the tidy CSV the site reads, None for data/raw

    def get(self, report_id: str) -> Report:
        for report in self.reports:
            if report.id == report_id:
                return report
        known = "、".join(r.id for r in self.reports)
        raise DataError(Problem(file=str(self.path), problem=f"清单中没有报告“{report_id}”", expected=f"{known} 之一"))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


class _SiteSpec(_Strict):
    title: str | None = None
    plan: str = "cq-employment-14th"
    evaluator: str | None = None  # the evaluating body, printed on every report's cover
    # a tidy observations CSV (columns of planlib.inputs.observations.TIDY_COLUMNS) the reports read instead of
    # data/raw, relative to the project root — for a site of synthetic data made by code (tests)
    observations: str | None = None
    # the monitoring pages (per indicator and 区县, downloads, search) beside the reports; false: a site of the
    # reports and their index only
    pages: bool = True


class _ReportSpec(_Strict):
    id: str
    notebook: str
    title: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)


class _ManifestFile(_Strict):
    site: _SiteSpec = Field(default_factory=_SiteSpec)
    reports: list[_ReportSpec]


def load_manifest(path: Path | None = None) -> Manifest:
    """Read and validate the manifest: ids, notebooks, and years inside the plan period.

    Raises :class:`DataError` naming the file, the entry (``reports[2] (id=annual-2023)``) and the field
    for a YAML syntax error, an unknown key, a value of the wrong type (a quoted year) or a report that
    does not fit the plan.
    """
    from planlib.inputs.plan import load_plan

    path = path or project_root() / MANIFEST
    display = str(path)
    raw = load_mapping(path, "含 site(title、plan)和 reports(每份报告的 id、notebook、parameters)")
    try:
        spec = _ManifestFile.model_validate(raw)
    except ValidationError as exc:
        raise DataError(validation_problems(path, raw, exc.errors())) from None
    # a plan given as a YAML path is read from the project root (notebooks run in a scratch folder)
    plan_param = (str((project_root() / spec.site.plan).resolve()) if spec.site.plan.endswith((".yaml", ".yml"))
                  else spec.site.plan)  # fmt: skip
    plan = load_plan(plan_param)
    observations = str((project_root() / spec.site.observations).resolve()) if spec.site.observations else None
    start, end = plan.meta.period_start, plan.meta.period_end
    problems, reports, seen = [], [], set()
    for i, entry in enumerate(spec.reports):
        rid = entry.id
        where = f"reports[{i}] (id={rid})"
        match = _ID.match(rid)
        monthly = _MONTHLY_ID.match(rid)
        if not match and not monthly:
            problems.append(Problem(file=display, entry=where, field="id", problem=f"报告 id “{rid}” 格式不对",
                                    expected="annual-YYYY、midterm-YYYY、final-YYYY 或 monthly-YYYY-MM"))
            continue
        if rid in seen:
            problems.append(Problem(file=display, entry=where, field="id", problem="报告 id 重复"))
        seen.add(rid)
        if monthly:
            report = _monthly_report(entry, rid, monthly, display, where, problems)
            if report is not None:
                reports.append(report)
            continue
        kind, year = match.group(1), int(match.group(2))
        params = dict(entry.parameters)
        as_of = params.setdefault("as_of", year)
        if isinstance(as_of, str) and as_of.strip().isdigit():
            problems.append(Problem(file=display, entry=where, field="parameters.as_of",
                                    problem=f"“{as_of}”加了引号,是文字而不是整数",
                                    expected=f"去掉引号,写成 as_of: {as_of.strip()}"))
        elif isinstance(as_of, bool) or not isinstance(as_of, int) or not start <= as_of <= end:
            problems.append(Problem(file=display, entry=where, field="parameters.as_of",
                                    problem=f"年份 {as_of!r} 不在规划期 {start}—{end} 内",
                                    expected=f"{start}—{end} 之间的整数"))
        elif as_of != year:
            problems.append(Problem(file=display, entry=where, field="parameters.as_of",
                                    problem=f"as_of={as_of} 与报告 id 中的年份 {year} 不一致"))
        notebook = Path(entry.notebook)
        if notebook.suffix != ".ipynb":
            problems.append(
                Problem(file=display, entry=where, field="notebook", problem=f"“{notebook}”不是 .ipynb 文件")
            )
        problems += _vintage_problems(params, display, where)
        params.setdefault("report_kind", kind)
        params.setdefault("report_id", rid)
        params.setdefault("plan", plan_param)  # the notebook's R.context(plan=plan): the plan the site names
        if observations:
            params.setdefault("observations", observations)
        title = entry.title or KIND_TITLE[kind].format(year=year)
        reports.append(Report(id=rid, kind=kind, title=title, notebook=notebook, parameters=params))
    if problems:
        raise DataError(problems)
    commentary_dir = str(Path(path).resolve().parent / "commentary")  # each site its own: never another plan's
    reports = [replace(r, plan_title=plan.title, evaluator=spec.site.evaluator or "", commentary_dir=commentary_dir)
               for r in reports]  # fmt: skip
    return Manifest(title=spec.site.title or plan.title, plan=plan.id, reports=reports, path=path,
                    pages=spec.site.pages, plan_ref=plan_param, observations=observations)


def _vintage_problems(params: dict, display: str, where: str) -> list[Problem]:
    """``vintage`` is ``latest`` or a real date YYYY-MM-DD (a YAML date is accepted and written back as text)."""
    import datetime as dt

    value = params.get("vintage", "latest")
    if isinstance(value, dt.date):
        params["vintage"] = value = value.isoformat()
    if value == "latest":
        return []
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return [Problem(file=display, entry=where, field="parameters.vintage", problem=f"数据版本“{value}”无法识别",
                        expected="latest,或 YYYY-MM-DD 格式的日期,如 2024-03-31")]  # fmt: skip
    return []


def _monthly_report(entry: _ReportSpec, rid: str, match: re.Match, display: str, where: str,
                    problems: list[Problem]) -> Report | None:  # fmt: skip
    """A ``monthly-YYYY-MM`` entry: ``month`` defaults to the id's month and must equal it; any real month
    (monitoring goes on after the plan period)."""
    year, month_number = int(match.group(1)), int(match.group(2))
    params = dict(entry.parameters)
    expected_month = f"{year:04d}-{month_number:02d}"
    month = params.setdefault("month", expected_month)
    ok = True
    if not 1 <= month_number <= 12:
        problems.append(Problem(file=display, entry=where, field="id", problem=f"月份 {month_number} 不存在",
                                expected="monthly-YYYY-MM,MM 为 01—12"))  # fmt: skip
        ok = False
    elif month != expected_month:
        problems.append(Problem(file=display, entry=where, field="parameters.month",
                                problem=f"month={month!r} 与报告 id 中的月份 {expected_month} 不一致",
                                expected=f"month: \"{expected_month}\"(或省略)"))  # fmt: skip
        ok = False
    notebook = Path(entry.notebook)
    if notebook.suffix != ".ipynb":
        problems.append(Problem(file=display, entry=where, field="notebook", problem=f"“{notebook}”不是 .ipynb 文件"))
        ok = False
    if not ok:
        return None
    params.setdefault("report_kind", "monthly")
    params.setdefault("report_id", rid)
    title = entry.title or KIND_TITLE["monthly"].format(year=year, month=month_number)
    return MonthlyReport(id=rid, kind="monthly", title=title, notebook=notebook, parameters=params)
