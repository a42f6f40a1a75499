"""Generated Chinese sentences: every number comes from the assessment frame, none is typed by hand.

The 摘要 (:func:`summary_sentences`: five-year totals, status counts, binding targets, the marks' legend), one
sentence per headline indicator for its area section (:func:`indicator_sentence`, with a stand-in's
:func:`stand_in_sentence`), a target at risk (:func:`risk_sentence`), a scope break (:func:`scope_break_sentence`),
the target as written (:func:`target_text`), and whether a caveat is knowable in a report's year
(:func:`knowable`).

Every function here returns plain text (names, units and notes from the plan and the data are put in
as they are); whoever puts it into Markdown escapes it (:func:`planlib.presentation.escape.md_text`, as
the report sections do, :mod:`planlib.presentation.markdown`), so a ``*`` or ``<`` in a name is shown, never
read as markup.

Imports: :mod:`planlib._values`, :mod:`planlib.indicators` (``assessment``'s status names, ``marks``) and
:mod:`planlib.presentation.cells`, :mod:`planlib.presentation.tables`; nothing of the sections or publish layers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from planlib._values import is_missing
from planlib.indicators import assessment as A
from planlib.presentation.cells import marks_after
from planlib.presentation.tables import fmt_number, fmt_percent

if TYPE_CHECKING:
    import pandas as pd

COMPARATOR_TEXT = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "=", "~": "约", "range": ""}
HEADLINE_ORDER = (A.DONE, A.AHEAD, A.IN_LINE, A.BROADLY, A.BEHIND, A.NOT_DONE, A.MET, A.NOT_MET, A.INCOMPLETE,
                  A.MISSING)  # fmt: skip


def target_text(row: dict) -> str:
    """'≥300万人(五年累计)', '<5.5%(每年)', '3—5个', '高于地区生产总值增速', '稳步增长'."""
    comp = row["comparator"]
    if comp == "higher_than":
        return "高于地区生产总值增速" if row.get("reference") == "gdp_real_growth" else f"高于 {row.get('reference')}"
    if comp == "steady_growth":
        return "稳步增长"
    if comp == "range":
        value = f"{fmt_number(row['target'])}—{fmt_number(row['target_high'])}{row['unit']}"
    elif comp == "~":
        value = f"{fmt_number(row['target'])}{row['unit']}左右"
    else:
        value = f"{COMPARATOR_TEXT[comp]}{fmt_number(row['target'])}{row['unit']}"
    suffix = {"cumulative": "（五年累计）", "annual": "（每年）"}.get(row["kind"], "")
    return value + suffix


def cumulative_sentence(row: dict, as_of: int, start: int, region: str = "") -> str:
    """Sentence for a five-year total, e.g. 城镇新增就业 in the 2023 report; ``region`` is the plan's whole
    area as the reader knows it (全市, 全国; plan meta ``region``), printed before the year's value."""
    name, unit = row["name"], row["unit"]
    parts = []
    if row["latest_year"] == as_of and not is_missing(row["latest_value"]):
        value = fmt_number(row["latest_value"]) + marks_after(row, "latest_marks")
        parts.append(f"{as_of}年{region}{name}{value}{unit}")
    span = f"{start}—{as_of}年" if as_of > start else f"{start}年"  # never “2021—2021年”
    if is_missing(row["cumulative"]):
        reason = row["note"] if isinstance(row.get("note"), str) and row["note"] else "缺少已公布的全年数据"
        parts.append(f"{name}{span}累计值无法计算（{reason}）")
        return "；".join(parts) + "。"
    source = f"（{row['note']}）" if isinstance(row.get("note"), str) and row["note"] else ""
    parts.append(
        f"{span}累计{fmt_number(row['cumulative'])}{marks_after(row, 'marks')}{unit}{source}，"
        f"完成五年目标（{fmt_number(row['target'])}{unit}）的"
        f"{fmt_percent(row['completion'])}，序时进度为{fmt_percent(row['time_progress'])}，{_status_phrase(row)}"
    )
    return "；".join(parts) + "。"


def _status_phrase(row: dict) -> str:
    status = row["status"]
    return {
        A.DONE: "已提前完成目标" if row.get("time_progress", 1) < 1 else "已完成目标",
        A.AHEAD: "快于序时进度",
        A.IN_LINE: "符合序时进度",
        A.BROADLY: "基本符合序时进度",
        A.BEHIND: "慢于序时进度",
        A.NOT_DONE: "未完成目标",
    }.get(status, status)


def status_counts_sentence(assessment: pd.DataFrame, group: str = "headline") -> str:
    """'14项主要指标中,快于序时进度2项、达标1项……数据暂缺6项。'"""
    frame = assessment[assessment["group"] == group]
    counts = frame["status"].value_counts()
    parts = [f"{s}{int(counts[s])}项" for s in HEADLINE_ORDER if s in counts]
    label = "主要指标" if group == "headline" else "项目量化目标"
    return f"{len(frame)}项{label}中，{'、'.join(parts)}。"


def binding_sentence(assessment: pd.DataFrame) -> str:
    binding = assessment[(assessment["group"] == "headline") & (assessment["attribute"] == "约束性")]
    names = "、".join(binding["name"])
    behind = binding[binding["constraint_behind"]]
    missing = binding[binding["status"] == A.MISSING]
    text = f"约束性指标{len(binding)}项（{names}）"
    if not behind.empty:
        text += f"，其中{'、'.join(behind['name'])}未达到要求，需重点关注"
    if len(missing) == len(binding):
        text += "，均缺少已公布的年度数据，暂无法评估"
    elif not missing.empty:
        text += f"；{'、'.join(missing['name'])}缺少已公布的年度数据"
    return text + "。"


def summary_sentences(assessment: pd.DataFrame, as_of: int, start: int, region: str = "",
                      headline_label: str = "主要指标表") -> list[str]:  # fmt: skip
    """The 摘要 of a report: headline sums first, then the status counts, then binding targets.

    ``region`` and ``headline_label`` are the plan's (meta ``region``, ``headline_label``: 全市, 专栏1)."""
    out = []
    rows = assessment.set_index("id", drop=False)
    for tid in assessment.loc[(assessment["group"] == "headline") & (assessment["kind"] == "cumulative"), "id"]:
        out.append(cumulative_sentence(rows.loc[tid].to_dict(), as_of, start, region))
    for rec in assessment[(assessment["group"] == "headline") & (assessment["kind"] == "annual")].to_dict("records"):
        if rec["status"] in (A.MET, A.NOT_MET):
            out.append(
                f"{rec['name']}有全年数据的{int(rec['years_assessed'])}个年份中，{int(rec['years_met'])}个年份满足"
                f"“{target_text(rec)}”的要求，最新为{rec['latest_year']}年的{fmt_number(rec['latest_value'])}"
                f"{marks_after(rec, 'latest_marks')}{rec['unit']}。"
            )
    out.append(f"{headline_label}的" + status_counts_sentence(assessment))
    out.append(binding_sentence(assessment))
    out += legend_sentences(assessment[assessment["group"] == "headline"])
    return out


def legend_sentences(rows: pd.DataFrame) -> list[str]:
    """The notes for the marks that ``rows`` (assessment rows) print, e.g. '† 低可信度来源……'; none if unmarked."""
    from planlib.indicators.marks import legend

    found = [v for col in ("latest_marks", "marks") if col in rows for v in rows[col] if isinstance(v, str)]
    return legend(found)


def indicator_sentence(row: dict, as_of: int, start: int, region: str = "", stand_in: str = "") -> str:
    """The sentence of one headline indicator in its area section (assessment ``row`` as of ``as_of``; ``start``
    the plan's first year, ``region`` its whole area): a five-year total as :func:`cumulative_sentence`; an
    annual, relative or qualitative target by the years that met it; a level by the share of the planned
    increase reached. One without a full-year value says 数据暂缺, names the partial-period figures it has,
    and ends with ``stand_in`` (:func:`stand_in_sentence`; ``""`` for none)."""
    name, unit = row["name"], row["unit"]
    if row["status"] == A.MISSING:
        partial = (f"；已有部分时期数据：{row['partial_note']}（不作全年值）"
                   if isinstance(row["partial_note"], str) else "")  # fmt: skip
        return f"{name}：截至{as_of}年没有已公布的全年数据，数据暂缺{partial}。{stand_in}"
    if row["kind"] == "cumulative":
        return cumulative_sentence(row, as_of, start, region)
    value = fmt_number(row["latest_value"]) + marks_after(row, "latest_marks")
    latest = f"最新全年值为{int(row['latest_year'])}年的{value}{unit}"
    if row["kind"] in ("annual", "relative", "qualitative"):
        return (f"{name}：{latest}；有数据的{int(row['years_assessed'])}个年份中{int(row['years_met'])}个满足"
                f"“{target_text(row)}”，判断为“{row['status']}”。")
    return (f"{name}：{latest}，完成计划增量的{fmt_percent(row['completion'])}，"
            f"目标{target_text(row)}，判断为“{row['status']}”。")


def stand_in_sentence(latest: Any, name: str) -> str:
    """A close count standing in for an unpublished measure (基本养老保险参保人数 for the 参保率), labelled as a
    reference that is not the plan's measure and judges nothing: ``latest`` is the stand-in's latest tidy
    observation row (``period_label``, ``value``, ``unit``, ``source_title``, ``stand_in_note``; a ``dict`` or
    a row of the frame), ``name`` its series name."""
    return (f"作为参考（不是规划指标口径，不据此判断目标）：{name}{latest['period_label']}为"
            f"{fmt_number(latest['value'])}{latest['unit']}（{latest['source_title']}）——{latest['stand_in_note']}")


def risk_sentence(row: dict, end: int) -> str:
    """A target that will be missed at the current pace (assessment ``row``): its ESCAP category, the value
    projected for the plan's last year ``end`` where there is one, and the target; binding targets flagged."""
    value = row["projected_end"]
    projected = f"，按当前速度预计{end}年为{fmt_number(value)}{row['unit']}" if value == value else ""
    flag = "（约束性指标）" if row["constraint_behind"] else ""
    return f"{row['name']}{flag}：{row['escap_category']}{projected}，目标为{target_text(row)}。"


def scope_break_sentence(spec: dict, year: int, value: float) -> str:
    """The jump from a plan target's baseline (``spec``: ``scope_break``, ``name``, ``unit``, ``baseline``,
    ``baseline_year``) to the first published full-year ``value`` after it (of ``year``), said to be a likely
    widening of the statistical scope."""
    unit = spec["unit"]
    jump = value - spec["baseline"]
    return (f"{spec['scope_break']}：{year}年{spec['name']}{fmt_number(value)}{unit}，较{int(spec['baseline_year'])}"
            f"年基数{fmt_number(spec['baseline'])}{unit}增加{fmt_number(jump)}{unit}，疑为统计口径扩大，"
            "与规划目标比较须谨慎。")  # fmt: skip


def knowable(text: str, as_of: int) -> bool:
    """False for a text naming a year (``2024年``) after ``as_of``: a caveat about such a year would tell the
    reader of that report about its future."""
    return all(int(y) <= as_of for y in re.findall(r"(20\d\d)年", text))
