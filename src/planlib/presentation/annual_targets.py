"""The year against its annual targets (年度目标) as a report shows it: one table and one sentence.

Built from :func:`planlib.indicators.annual_targets.annual_results`; every number comes from that frame.
Returns plain text and :class:`planlib.presentation.tables.Table` objects; whoever puts text into Markdown
escapes it. Imports: indicators, presentation.tables and presentation.narrative.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planlib._values import is_missing
from planlib.indicators.assessment import MISSING
from planlib.presentation.tables import Table, fmt_number

if TYPE_CHECKING:
    import pandas as pd

    from planlib.inputs.plan import Plan


def _value(rec: dict) -> str:
    if is_missing(rec["value"]):
        return MISSING
    return f"{fmt_number(rec['value'])}{rec['marks']}{rec['unit']}"


def annual_targets_table(results: pd.DataFrame, plan: Plan, year: int) -> Table | None:
    """表: each annual target of ``year`` as printed, the year's value, the verdict, and the plan's own target
    beside it (they differ: 脱贫人口务工规模 2024 had a task of 75.11万人 against the plan's > 70万人). None when
    the year has no annual target or statement. Notes: how a target's wording differs from the indicator, and
    the sources, each cited as the original release."""
    import pandas as pd

    from planlib.presentation.narrative import target_text

    if results.empty:
        return None
    rows, notes = [], []
    for rec in results.to_dict("records"):
        spec = plan.target(rec["id"])
        rows.append({"指标": rec["name"], "年度目标": rec["annual_target"], f"{year}年实际": _value(rec),
                     "完成情况": rec["verdict"], "规划目标": target_text(spec)})  # fmt: skip
        if rec["wording"]:
            notes.append(f"{rec['name']}：{rec['wording']}。")
    cited = list(dict.fromkeys(results["source"]))
    notes.append("年度目标及完成情况的表述引自：" + "；".join(cited) + "。")
    notes.append("完成情况按本报告采用的全年数据计算；来源未印出目标数值的，引用主管部门公布的原话，不作推算。")
    return Table(pd.DataFrame(rows), caption=f"{year}年主要指标年度目标完成情况", name="annual-targets",
                 notes=notes)  # fmt: skip


def annual_targets_sentence(results: pd.DataFrame, year: int) -> str:
    """'对照2023年度目标，城镇新增就业73.9万人，完成年度目标任务的123.2%；城镇调查失业率5.4%，控制在年度调控目标内；
    高校毕业生年底去向落实率数据暂缺。' ('' when the year has no annual target)."""
    if results.empty:
        return ""
    parts = []
    for rec in results.to_dict("records"):
        if is_missing(rec["value"]):
            parts.append(f"{rec['name']}{MISSING}")
        elif rec["statement"] and rec["annual_target"].startswith("年度目标（"):
            parts.append(f"{rec['name']}{_value(rec)}，主管部门公布{rec['verdict']}")
        else:
            parts.append(f"{rec['name']}{_value(rec)}，{rec['verdict']}")
    return f"对照{year}年度目标，" + "；".join(parts) + "。"
