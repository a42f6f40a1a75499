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
from planlib.presentation.cells import amount, below_base_text, marks_after
from planlib.presentation.tables import fmt_number, fmt_percent

if TYPE_CHECKING:
    import pandas as pd

COMPARATOR_TEXT = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "=", "~": "约", "range": ""}
LACKING = (A.INCOMPLETE, A.MISSING)  # classes that judge nothing: counted apart, after a semicolon


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


def status_text(row: dict) -> str:
    """The class as a report prints it: '提前完成（2023年）', '未达序时进度（完成难度较大）', or the class."""
    status = row["status"]
    if status == A.EARLY and not is_missing(row.get("achieved_year")):
        return f"{status}（{int(row['achieved_year'])}年）"
    if status == A.BEHIND and isinstance(row.get("outlook"), str) and row["outlook"]:
        return f"{status}（{row['outlook']}）"
    return str(status)


def shortfall_text(row: dict) -> str:
    """How far a target not (yet) met is from it, in its unit: '距目标差117.83万人', '' when met or unknown.

    Cumulative targets compare the total so far, levels and every-year bounds the latest value; a rate that
    must stay below a ceiling is '超出目标0.4个百分点'."""
    comp, target = row.get("comparator"), row.get("target")
    if row["status"] not in (A.BEHIND, A.NOT_DONE) or comp not in (">", ">=", "<", "<=", "~", "range"):
        return ""
    value = row["cumulative"] if row["kind"] == "cumulative" else row["latest_value"]
    if is_missing(value) or is_missing(target):
        return ""
    if comp in ("<", "<="):
        return f"超出目标{amount(value - target, row['unit'])}" if value > target else ""
    return f"距目标差{amount(target - value, row['unit'])}" if value < target else ""


def progress_text(row: dict) -> str:
    """'完成计划增量的73.2%' or, below the baseline, '比基期（2020年）减少47.83万人' — never a negative rate."""
    fall = below_base_text(row)
    if fall:
        return fall
    if is_missing(row.get("completion")):
        return ""
    what = "五年目标" if row["kind"] == "cumulative" else "计划增量"
    return f"完成{what}的{fmt_percent(row['completion'])}"


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
        reason = row["note"] if isinstance(row.get("note"), str) and row["note"] else "尚未收集到全年数据"
        parts.append(f"{name}{span}累计值无法计算（{reason}），{status_text(row)}")
        return "；".join(parts) + "。"
    source = f"（{row['note']}）" if isinstance(row.get("note"), str) and row["note"] else ""
    gap = shortfall_text(row)
    parts.append(
        f"{span}累计{fmt_number(row['cumulative'])}{marks_after(row, 'marks')}{unit}{source}，"
        f"完成五年目标（{fmt_number(row['target'])}{unit}）的"
        f"{fmt_percent(row['completion'])}，序时进度为{fmt_percent(row['time_progress'])}，{status_text(row)}"
        + (f"，{gap}" if gap else "")
    )
    return "；".join(parts) + "。"


def _latest(row: dict) -> str:
    return (f"{int(row['latest_year'])}年为{fmt_number(row['latest_value'])}{marks_after(row, 'latest_marks')}"
            f"{row['unit']}")  # fmt: skip


def yearly_sentence(row: dict) -> str:
    """A target judged year by year (每年须满足的上下限, 相对目标, 方向性目标), stating the years it rests on:
    '城镇调查失业率2022—2025年均满足“<5.5%（每年）”的要求（2021年数据暂缺），最新2025年为5.3%，已完成。'"""
    name, status = row["name"], row["status"]
    if status == A.MISSING:
        return f"{name}尚未收集到全年数据，数据暂缺。"
    latest = _latest(row) if not is_missing(row.get("latest_value")) else ""
    note = row["note"] if isinstance(row.get("note"), str) and row["note"] else ""
    if status == A.INCOMPLETE:
        return f"{name}仅有{row['basis_years']}数据（{latest}），数据不足，无法判断。"
    years = row["basis_years"]
    target = target_text(row)
    if status in (A.BEHIND, A.NOT_DONE):
        gap = shortfall_text(row)
        return (f"{name}{note.split('；')[0]}“{target}”的要求，最新{latest}"
                + (f"，{gap}" if gap else "") + f"，{status_text(row)}。")
    missing = next((p for p in note.split("；") if p.endswith("数据暂缺")), "")
    return (f"{name}{years}均满足“{target}”的要求" + (f"（{missing}）" if missing else "")
            + f"，最新{latest}，{status_text(row)}。")


def level_sentence(row: dict) -> str:
    """A level to reach by the plan's end: '城镇就业占比2024年为68.1%，完成计划增量的119.1%，提前完成（2024年）。'"""
    name, status = row["name"], row["status"]
    if status == A.MISSING:
        return f"{name}尚未收集到全年数据，数据暂缺。"
    latest = _latest(row)
    if status == A.INCOMPLETE:
        reason = row["note"] if isinstance(row.get("note"), str) and row["note"] else "数据不足"
        return f"{name}{latest}，{reason}，数据不足，无法判断。"
    parts = [f"{name}{latest}", progress_text(row), f"目标{target_text(row)}", status_text(row), shortfall_text(row)]
    return "，".join(p for p in parts if p) + "。"


def _names(frame: pd.DataFrame) -> str:
    return "、".join(frame["name"])


def status_counts_sentence(assessment: pd.DataFrame, group: str = "headline") -> str:
    """The counts sentence of an evaluation, naming the indicators of each class:
    '14项主要指标中，提前完成2项（甲、乙），达到序时进度、预计可超额完成1项（丙）；数据暂缺3项（丁、戊、己）。'"""
    frame = assessment[assessment["group"] == group]
    classes = A.by_class(frame)
    judged = [f"{s}{len(names)}项（{'、'.join(names)}）" for s, names in classes.items() if s not in LACKING]
    lacking = [f"{A.listed(s)}{len(names)}项（{'、'.join(names)}）" for s, names in classes.items() if s in LACKING]
    label = "主要指标" if group == "headline" else "项目量化目标"
    text = f"{len(frame)}项{label}中，" + "，".join(judged)
    if lacking:
        text += ("；另有" if judged else "") + "，".join(lacking)
    return text + "。"


def binding_sentence(assessment: pd.DataFrame) -> str:
    """The 约束性 paragraph: each binding indicator's class, and the gap of any not met."""
    binding = assessment[(assessment["group"] == "headline") & (assessment["attribute"] == "约束性")]
    if binding.empty:
        return "本规划主要指标中没有约束性指标。"
    items = []
    for rec in binding.to_dict("records"):
        if rec["status"] == A.MISSING:
            items.append(f"{rec['name']}尚未收集到数据，暂无法评估")
            continue
        detail = [_latest(rec)] if not is_missing(rec.get("latest_value")) else []
        detail += [below_base_text(rec), shortfall_text(rec)]
        shown = "，".join(d for d in detail if d)
        items.append(f"{rec['name']}{status_text(rec)}" + (f"，{shown}" if shown else ""))
    behind = binding[binding["constraint_behind"]]
    text = f"{len(binding)}项约束性指标中，" + "；".join(items)
    if not behind.empty:
        text += f"。{_names(behind)}未达到约束性要求，需重点关注"
    return text + "。"


def summary_sentences(assessment: pd.DataFrame, as_of: int, start: int, region: str = "",
                      headline_label: str = "主要指标表") -> list[str]:  # fmt: skip
    """The 摘要 of a report: the counts sentence first, then the five-year totals, the targets judged year by
    year, then the 约束性 paragraph and the marks' legend.

    ``region`` and ``headline_label`` are the plan's (meta ``region``, ``headline_label``: 全市, 专栏1)."""
    out = [f"{headline_label}的" + status_counts_sentence(assessment)]
    head = assessment[assessment["group"] == "headline"]
    for rec in head[head["kind"] == "cumulative"].to_dict("records"):
        out.append(cumulative_sentence(rec, as_of, start, region))
    for rec in head[head["kind"] == "annual"].to_dict("records"):
        if rec["status"] != A.MISSING:
            out.append(yearly_sentence(rec))
    out.append(binding_sentence(assessment))
    out += legend_sentences(head)
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
    name = row["name"]
    if row["status"] == A.MISSING:
        partial = (f"；已有部分时期数据：{row['partial_note']}（不作全年值）"
                   if isinstance(row["partial_note"], str) else "")  # fmt: skip
        return f"{name}：截至{as_of}年没有已公布的全年数据，数据暂缺{partial}。{stand_in}"
    if row["kind"] == "cumulative":
        return cumulative_sentence(row, as_of, start, region)
    if row["kind"] in ("annual", "relative", "qualitative"):
        return yearly_sentence(row)
    return level_sentence(row)


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
