"""The text of one cell of an assessment table, from one row of :func:`planlib.indicators.assessment.assess`.

Each function takes an assessment row (a ``dict``: one record of the frame, or a plan target for the baseline)
and returns the plain text the report's tables print: the baseline (``≥362（2016-2020累计）``), the latest
full-year value with its year, the progress, the pace the remaining years need, the end-of-period projection,
the marks (†, ‡) printed after a number, and a span of years as cells and headings write it. A value that is
missing reads 数据暂缺 (``—`` where the cell has nothing to say). Text, not Markdown: tables escape it.

Imports: :mod:`planlib._values`, :mod:`planlib.indicators.assessment` (status names) and
:mod:`planlib.presentation.tables` (number formats); nothing of the sections or publish layers.
"""

from __future__ import annotations

from planlib._values import is_missing
from planlib.indicators import assessment as A
from planlib.presentation.tables import MISSING_TEXT, fmt_number, fmt_percent


def marks_after(row: dict, column: str) -> str:
    """The marks († low confidence, ‡ test value; :mod:`planlib.indicators.marks`) that ``row`` holds in
    ``column`` (``latest_marks``, ``marks``), printed after its number; ``""`` for none."""
    value = row.get(column)
    return value if isinstance(value, str) else ""


def year_span(start: int, end: int) -> str:
    """'2021—2023年', or '2021年' for a one-year span (never '2021—2021年')."""
    return f"{start}—{end}年" if end > start else f"{start}年"


def amount(value: float, unit: str) -> str:
    """A difference in the target's unit: '47.83万人'; a difference of shares or rates in 个百分点."""
    return f"{fmt_number(value)}个百分点" if unit == "%" else f"{fmt_number(value)}{unit}"


def below_base_text(row: dict) -> str:
    """'比基期（2020年）减少47.83万人' when a level that must rise is below its baseline ('' otherwise): a reader
    is told the fall, never a negative completion rate."""
    base, year, value = row.get("baseline"), row.get("baseline_year"), row.get("latest_value")
    if row["kind"] != "level" or is_missing(base) or is_missing(year) or is_missing(value):
        return ""
    rising = row["comparator"] in (">", ">=", "~", "range")
    fell = value < base if rising else value > base
    if not fell:
        return ""
    word = "减少" if rising else "增加"
    return f"比基期（{int(year)}年）{word}{amount(abs(value - base), row['unit'])}"


def baseline_text(row: dict, base_year: int) -> str:
    """The baseline cell: '≥362（2016—2020年累计）', '76.1', or '10.5（2019年）' for one not of ``base_year``."""
    if is_missing(row["baseline"]):
        return "—"
    prefix = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}.get(row.get("baseline_comparator") or "", "")
    text = prefix + fmt_number(row["baseline"])
    if isinstance(row.get("baseline_period"), str):
        text += f"（{row['baseline_period'].replace('-', '—')}年累计）"  # 一字线 between years
    elif row.get("baseline_year") and int(row["baseline_year"]) != base_year:
        text += f"（{int(row['baseline_year'])}年）"
    return text


def latest_text(row: dict) -> str:
    """The latest full-year value with its marks and year: '71.9（2024年）'; 数据暂缺 without one."""
    if is_missing(row["latest_value"]):
        return MISSING_TEXT
    return f"{fmt_number(row['latest_value'])}{marks_after(row, 'latest_marks')}（{int(row['latest_year'])}年）"


def progress_text(row: dict) -> str:
    """Progress by target kind: '累计 291.57，完成 97.2%' (five-year total), '2022—2024年均满足' or '2022年未满足'
    (annual, relative and qualitative targets, with the years it rests on), '完成 62.5%' (level), '比基期（2020年）
    减少47.83万人' for a level below its baseline (never a negative rate); 数据暂缺 where nothing can be said."""
    if row["kind"] == "cumulative":
        if is_missing(row["cumulative"]):
            return MISSING_TEXT
        return f"累计 {fmt_number(row['cumulative'])}{marks_after(row, 'marks')}，完成 {fmt_percent(row['completion'])}"
    if row["kind"] in ("annual", "relative", "qualitative"):
        if is_missing(row["years_assessed"]) or not row["years_assessed"]:
            return MISSING_TEXT
        met, seen = int(row["years_met"]), int(row["years_assessed"])
        if met == seen:
            return f"{row['basis_years']}均满足" if seen > 1 else f"{row['basis_years']}满足"
        return f"{seen - met}个年份未满足（共{seen}个年份有数据）"
    fall = below_base_text(row)
    if fall:
        return fall
    if is_missing(row["completion"]):
        return MISSING_TEXT
    return f"完成 {fmt_percent(row['completion'])}"


def pace_text(row: dict) -> str:
    """What each remaining year needs: '8.43 万人/年', '已完成目标', or '—' where it is not known."""
    if row["status"] in (A.DONE, A.EARLY):
        return "已完成目标"
    if is_missing(row["required_pace"]):
        return "—"
    return f"{fmt_number(row['required_pace'])} {row['required_pace_unit']}"


def projection_text(row: dict) -> str:
    """The end-of-period value at the current pace with its ESCAP category: '5.2%（按当前速度可实现）';
    '无法预测（数据不足）' without a projection."""
    value = row["projected_end"]
    if value != value or value is None:
        return "无法预测（数据不足）"
    return f"{fmt_number(value)}{row['unit']}（{row['escap_category']}）"
