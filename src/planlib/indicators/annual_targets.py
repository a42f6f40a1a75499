"""Each year against the annual targets its government set (年度目标), beside the plan's own targets.

``annual_results(plan, observations, year)`` gives one row per annual target (or official statement) of
``year`` (:mod:`planlib.inputs.annual_targets`): the year's value as planlib has it (preferred full-year value
of the plan's region, never a test value), and the verdict in the words evaluations use — 完成年度目标任务的X%
for a floor, 控制在年度调控目标内 for a ceiling, with the gap where a target is missed. Where the source printed
no value but the responsible body stated the result, the statement is quoted, not recomputed.

Imports: inputs (annual targets, plan) and indicators.assessment (the one rule of what a report may see).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib._values import is_missing
from planlib.indicators.assessment import MISSING, meets, visible
from planlib.indicators.assessment import plain_number as _number

if TYPE_CHECKING:
    import pandas as pd

    from planlib.inputs.annual_targets import AnnualTargets
    from planlib.inputs.plan import Plan

COLUMNS = ["id", "name", "year", "annual_target", "unit", "value", "marks", "completion", "met",
           "verdict", "wording", "statement", "source"]  # fmt: skip
_SIGN = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _gap(value: float, unit: str) -> str:
    return f"{_number(value)}个百分点" if unit == "%" else f"{_number(value)}{unit}"


def annual_results(plan: Plan, observations: pd.DataFrame, year: int, *, targets: AnnualTargets | None = None,
                   vintage: str = "latest") -> pd.DataFrame:  # fmt: skip
    """One row per annual target or statement of ``year`` (columns :data:`COLUMNS`; empty when none is known).

    ``value`` is the preferred full-year value of the plan's region for ``year`` (what a report of that year
    and ``vintage`` may see, :func:`planlib.indicators.assessment.visible`), NaN when planlib has none;
    ``completion`` = value ÷ annual target for floors (≥, >), NaN for ceilings; ``met`` True/False, or None
    without a value or a printed target. ``verdict`` is the sentence fragment a report prints:
    '完成年度目标任务的123.2%', '控制在年度调控目标内', '高于年度调控目标0.2个百分点', '数据暂缺', or, for a
    statement, the body's words in quotation marks. ``source`` cites the release (issuer, title, date, copy).
    """
    import pandas as pd

    from planlib.indicators.marks import symbols
    from planlib.inputs.annual_targets import load_annual_targets

    found = targets if targets is not None else load_annual_targets(plan)
    listed, statements = found.for_year(year)
    obs = visible(observations, year, vintage)
    obs = obs[obs["preferred"] & obs["is_annual"] & (obs["region"] == plan.meta.region) & (obs["year"] == year)]
    if "confidence" in obs:
        obs = obs[obs["confidence"] != "test"]
    by_id = {str(r["indicator_id"]): r for r in obs.to_dict("records")}
    rows = []
    for t in listed:
        spec = plan.target(t.target)
        rec = by_id.get(t.target)
        value = float(rec["value"]) if rec is not None else float("nan")
        row = {"id": t.target, "name": spec["name"], "year": year, "unit": spec["unit"],
               "annual_target": f"{t.text}（{_SIGN[t.comparator]}{_number(t.value)}{t.unit}）",
               "value": value, "marks": symbols([rec]) if rec else "",
               "completion": float("nan"), "met": None, "wording": t.wording, "statement": "",
               "source": t.source.cite()}  # fmt: skip
        if is_missing(value):
            row["verdict"] = MISSING
        else:
            ok = meets(value, t.comparator, t.value)
            row["met"] = ok
            if t.comparator in (">=", ">"):
                row["completion"] = value / t.value
                row["verdict"] = f"完成年度目标任务的{value / t.value:.1%}" + (
                    "" if ok else f"，未完成年度目标，差{_gap(t.value - value, t.unit)}")
            else:
                row["verdict"] = "控制在年度调控目标内" if ok else f"高于年度调控目标{_gap(value - t.value, t.unit)}"
        rows.append(row)
    for s in statements:
        if any(t.target == s.target for t in listed):
            for row in rows:
                if row["id"] == s.target:
                    row["statement"] = f"“{s.text}”（{s.source.cite()}）"
            continue
        spec = plan.target(s.target)
        rec = by_id.get(s.target)
        rows.append({"id": s.target, "name": spec["name"], "year": year, "unit": spec["unit"],
                     "annual_target": "年度目标（来源未印出数值）",
                     "value": float(rec["value"]) if rec is not None else float("nan"),
                     "marks": symbols([rec]) if rec else "", "completion": float("nan"), "met": None,
                     "verdict": f"“{s.text}”", "wording": "", "statement": f"“{s.text}”（{s.source.cite()}）",
                     "source": s.source.cite()})  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)
