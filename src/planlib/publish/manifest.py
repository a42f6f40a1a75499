"""The report manifest (``reports/manifest.yaml``): report id → notebook + parameters, validated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from planlib._paths import project_root
from planlib.errors import DataError, Problem

MANIFEST = Path("reports") / "manifest.yaml"
_ID = re.compile(r"^(annual|midterm|final)-(\d{4})$")
KIND_TITLE = {"annual": "{year}年度评估报告", "midterm": "中期评估报告", "final": "终期评估报告"}


@dataclass(frozen=True)
class Report:
    id: str
    kind: str
    title: str
    notebook: Path  # relative to the project root
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def as_of(self) -> int:
        return int(self.parameters["as_of"])


@dataclass(frozen=True)
class Manifest:
    title: str
    plan: str
    reports: list[Report]
    path: Path

    def get(self, report_id: str) -> Report:
        for report in self.reports:
            if report.id == report_id:
                return report
        known = "、".join(r.id for r in self.reports)
        raise DataError(Problem(file=str(self.path), problem=f"清单中没有报告“{report_id}”", expected=f"{known} 之一"))


def load_manifest(path: Path | None = None) -> Manifest:
    """Read and validate the manifest: ids, notebooks, and years inside the plan period."""
    from planlib.plan import load_plan

    path = path or project_root() / MANIFEST
    display = str(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    site = raw.get("site") or {}
    plan = load_plan(site.get("plan", "cq-employment-14th"))
    start, end = plan.meta.period_start, plan.meta.period_end
    problems, reports, seen = [], [], set()
    for i, entry in enumerate(raw.get("reports") or []):
        where = f"reports[{i}]" + (f" (id={entry.get('id')})" if isinstance(entry, dict) else "")
        if not isinstance(entry, dict):
            problems.append(Problem(file=display, entry=where, problem="应为一个映射(id、notebook、parameters)"))
            continue
        rid = str(entry.get("id", ""))
        match = _ID.match(rid)
        if not match:
            problems.append(Problem(file=display, entry=where, field="id", problem=f"报告 id “{rid}” 格式不对",
                                    expected="annual-YYYY、midterm-YYYY 或 final-YYYY"))
            continue
        if rid in seen:
            problems.append(Problem(file=display, entry=where, field="id", problem="报告 id 重复"))
        seen.add(rid)
        kind, year = match.group(1), int(match.group(2))
        params = dict(entry.get("parameters") or {})
        as_of = params.setdefault("as_of", year)
        if not isinstance(as_of, int) or not start <= as_of <= end:
            problems.append(Problem(file=display, entry=where, field="parameters.as_of",
                                    problem=f"年份 {as_of!r} 不在规划期 {start}—{end} 内",
                                    expected=f"{start}—{end} 之间的整数"))
        elif as_of != year:
            problems.append(Problem(file=display, entry=where, field="parameters.as_of",
                                    problem=f"as_of={as_of} 与报告 id 中的年份 {year} 不一致"))
        notebook = Path(str(entry.get("notebook", "")))
        if notebook.suffix != ".ipynb":
            problems.append(
                Problem(file=display, entry=where, field="notebook", problem=f"“{notebook}”不是 .ipynb 文件")
            )
        params.setdefault("report_kind", kind)
        params.setdefault("report_id", rid)
        title = entry.get("title") or KIND_TITLE[kind].format(year=year)
        reports.append(Report(id=rid, kind=kind, title=title, notebook=notebook, parameters=params))
    if problems:
        raise DataError(problems)
    return Manifest(title=site.get("title", plan.title), plan=plan.id, reports=reports, path=path)
