"""Periods as bulletins write them: year, calendar span, type and a short Chinese label.

:func:`parse_period` reads “2023”, “2023年1—9月”, “2022 (end-Jun)”, “2021—2025年累计”, “截至2025年10月”, “七普”,
“十四五” or a period word with a year column (``annual``, ``year-end``, ``census-date (2020-11-01)``,
``static``) into a :class:`Period`; only a whole-year flow or a stock at 31 December may stand for a year's
value (:func:`is_annual`). A release status written after the period (“2025 (preliminary)”) is read by
the words of ``settings/choice.yaml`` ``release_status``. Pure, except that the settings are read once;
a period that cannot be read raises :class:`planlib.errors.CleanError` quoting it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import numbers
import re
from dataclasses import dataclass, replace

from planlib._config import load_mapping
from planlib._paths import PACKAGE_DIR
from planlib.errors import CleanError
from planlib.inputs.numbers import digit_lookalike, lookalike_error
from planlib.inputs.text import fold

__all__ = ["ANNUAL_TYPES", "RELEASE_STATUSES", "Period", "is_annual", "parse_period", "release_status_label"]

CHOICE_FILE = PACKAGE_DIR / "settings" / "choice.yaml"

# Only these may stand for "the value of year Y" (a flow over the whole year, or a stock at 31 Dec).
ANNUAL_TYPES = frozenset({"full_year", "year_end"})
_KINDS = ("annual", "cumulative", "rate", "year_end")
_PERIOD_EXPECTED = (
    "年份或时期,例如 2023、2023年、2023年全年、2023年末、2023年1—9月、2023年上半年、2023年第一季度、"
    "2023年6月末、2016-2020、2021—2025年累计、截至2025年10月、2023 (Jan-Sep)、2022 (end-Jun)、2021 (Dec)、"
    "2021-2024 (4-yr avg)、2021-2025 (as of 2025-10-10)、2019-2023 (to reply date)、2020 (census, 1 Nov);"
    "区县文件的 period 列写 annual、year-end、annual 2023、year-end 2024、census-date (2020-11-01) 或 static,"
    "年份写在 year 列;初步核算数、最终核实数可在时期后注明,如 2025 (preliminary)、2024 (final)、2023年(初步核算)"
)

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")  # fmt: skip
_CN_ORDINAL = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_SEP = r"(?:-|—|–|~|至|到)"
_HEAD = re.compile(rf"(\d{{4}})年?(?:{_SEP}(\d{{4}})年?)?(.*)")
_STATIC_WORDS = {"static", "(static)", "无时间", "不分年份"}
_ANNUAL_WORDS = {"annual", "全年", "full-year", "fullyear", "full_year"}
_YEAR_END_WORDS = {"year-end", "year_end", "yearend", "年末", "年底"}
_END_QUALIFIERS = {"末", "底", "年末", "年底", "year-end", "yearend", "end"}
_FULL_QUALIFIERS = {"全年", "annual", "fullyear", "full-year", "累计", "全年累计"}
_AVG_WORDS = {"平均", "年均", "年平均", "均值", "avg", "average"}
_CENSUSES = {"七普": 2020, "第七次全国人口普查": 2020, "六普": 2010, "第六次全国人口普查": 2010}
# 五年规划 periods by their usual names (the project evaluates the 十四五 plan against 十三五).
_PLAN_PERIODS = {"十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026}


@dataclass(frozen=True)
class Period:
    """When a value holds. ``start``/``end`` is the calendar span (equal for a point in time).

    ``period_type`` is one of full_year (a whole calendar year), year_end (a stock at 31 December),
    partial_year (a span or a point inside a year that is not its end), multi_year (several whole
    years, summed or averaged — the label says which), census_date, as_of (counted up to a date) and
    static (no time).

    ``year`` is the single calendar year the value belongs to (None for multi_year, as_of and static);
    ``label`` is a short Chinese label for tables and charts; ``raw`` is the text as given.
    ``status`` is the release status written after the period (“2025 (preliminary)”): "preliminary",
    "final", "revised" (``settings/choice.yaml`` ``release_status``) or "" when none is written; the
    label then ends with it (“2025年(初步核算数)”).
    """

    year: int | None
    start: dt.date | None
    end: dt.date | None
    period_type: str
    label: str
    raw: str
    status: str = ""


@functools.cache
def _release_statuses() -> dict[str, tuple[str, tuple[str, ...]]]:
    """``release_status`` of ``settings/choice.yaml``: status → (label, folded words)."""
    spec = load_mapping(CHOICE_FILE, "choice.yaml:含 release_status").get("release_status") or {}
    out = {}
    for status, entry in spec.items():
        words = tuple(fold(str(w)).lower() for w in entry.get("words") or ())
        if not entry.get("label") or not words:
            raise RuntimeError(f"{CHOICE_FILE} 有误:release_status.{status} 须有 label 和 words")
        out[str(status)] = (str(entry["label"]), words)
    return out


RELEASE_STATUSES = tuple(_release_statuses())


def release_status_label(status: str) -> str:
    """The Chinese label of a release status (“初步核算数” for "preliminary"); "" for no status."""
    return _release_statuses()[status][0] if status else ""


def _split_status(t: str) -> tuple[str, str]:
    """(the folded period without a trailing “(status)”, the status or "")."""
    if m := re.fullmatch(r"(.*?)\(([^()]*)\)", t):
        for status, (_, words) in _release_statuses().items():
            if m[2] in words:
                return m[1], status
    return t, ""


def is_annual(period: Period) -> bool:
    """May this period's value count as the year's value? (a whole-year flow, or a stock at year end)"""
    return period.period_type in ANNUAL_TYPES


def _bad_period(raw: str, why: str = "无法识别的时期") -> CleanError:
    return CleanError(f"{why}“{raw}”", _PERIOD_EXPECTED)


def _date(y: int, m: int, d: int, raw: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise _bad_period(raw, f"日期 {y}-{m}-{d} 不存在:") from None


def _month_end(y: int, m: int, raw: str) -> dt.date:
    if not 1 <= m <= 12:
        raise _bad_period(raw, f"月份 {m} 不存在:")
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _year(text: str | int, raw: str) -> int:
    y = int(text)
    if not 1949 <= y <= 2100:
        raise _bad_period(raw, f"年份 {y} 不合理:")
    return y


def _english_month(word: str) -> int | None:
    if len(word) < 3:
        return None
    for number, name in enumerate(_MONTH_NAMES, start=1):
        if name.startswith(word):
            return number
    return None


def _full_year(y: int, raw: str, label: str | None = None) -> Period:
    return Period(y, dt.date(y, 1, 1), dt.date(y, 12, 31), "full_year", label or f"{y}年", raw)


def _point(day: dt.date, raw: str) -> Period:
    """A point in time inside a year; 31 December is the year end."""
    y = day.year
    if (day.month, day.day) == (12, 31):
        return Period(y, day, day, "year_end", f"{y}年末", raw)
    is_month_end = day.day == calendar.monthrange(y, day.month)[1]
    label = f"{y}年{day.month}月末" if is_month_end else f"{y}年{day.month}月{day.day}日"
    return Period(y, day, day, "partial_year", label, raw)


def _months(y: int, m1: int, m2: int, raw: str) -> Period:
    if not (1 <= m1 <= m2 <= 12):
        raise _bad_period(raw, f"月份范围 {m1}—{m2} 不合理:")
    if (m1, m2) == (1, 12):
        return _full_year(y, raw)
    label = f"{y}年{m1}月" if m1 == m2 else f"{y}年{m1}—{m2}月"
    return Period(y, dt.date(y, m1, 1), _month_end(y, m2, raw), "partial_year", label, raw)


def _census(day: dt.date, raw: str) -> Period:
    return Period(day.year, day, day, "census_date", f"{day.year}年{day.month}月{day.day}日(普查)", raw)


def _as_of_date(text: str, raw: str) -> tuple[dt.date, str]:
    """The date in '截至…'/'as of …': the date and how to print it (ISO when the day is known)."""
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})日?", text):
        day = _date(_year(m[1], raw), int(m[2]), int(m[3]), raw)
        return day, day.isoformat()
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text):
        day = _date(_year(m[1], raw), int(m[2]), int(m[3]), raw)
        return day, day.isoformat()
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})月(?:份)?(?:末|底)?", text):
        y, mo = _year(m[1], raw), int(m[2])
        return _month_end(y, mo, raw), f"{y}年{mo}月"
    if m := re.fullmatch(r"(\d{4})年?(?:末|底)", text):
        y = _year(m[1], raw)
        return dt.date(y, 12, 31), f"{y}年末"
    raise _bad_period(raw)


def _single_year(y: int, q: str, raw: str, kind: str | None) -> Period | None:
    """A period inside (or equal to) year ``y``; ``q`` is what follows the year, folded and lower-case."""
    if q == "":
        # a bare year: a stock at year end when the caller says so, otherwise the whole year
        if kind == "year_end":
            return Period(y, dt.date(y, 12, 31), dt.date(y, 12, 31), "year_end", f"{y}年末", raw)
        return _full_year(y, raw)
    if q in _FULL_QUALIFIERS:
        return _full_year(y, raw)
    if q in _END_QUALIFIERS:
        return _point(dt.date(y, 12, 31), raw)
    if q in _AVG_WORDS or q in {"annualavg", "annualaverage", "全年平均"}:
        return _full_year(y, raw, f"{y}年平均")
    if m := re.fullmatch(r"(?:累计)?(?:asof|截至|截止)(.+?)(?:累计)?", q):
        end, shown = _as_of_date(m[1], raw)
        if end < dt.date(y, 1, 1):
            raise _bad_period(raw, "截至日期早于起始年份:")
        if end.year == y:  # counted from 1 January to a date of the same year: a span inside the year
            if (end.month, end.day) == (12, 31):
                return _full_year(y, raw)
            return Period(y, dt.date(y, 1, 1), end, "partial_year", f"{y}年累计(截至{shown})", raw)
        return Period(None, dt.date(y, 1, 1), end, "as_of", f"{y}年累计(截至{shown})", raw)
    # census: "census, 1 Nov", "11月1日(普查)", "七普"
    if m := re.fullmatch(r"census,?(\d{1,2})([a-z]+)|census,?([a-z]+)(\d{1,2})", q):
        month = _english_month(m[2] or m[3])
        if month is None:
            return None
        return _census(_date(y, month, int(m[1] or m[4]), raw), raw)
    if m := re.fullmatch(r"(\d{1,2})月(\d{1,2})日(?:零时)?(?:普查|人口普查)", q):
        return _census(_date(y, int(m[1]), int(m[2]), raw), raw)
    if q in _CENSUSES:
        if _CENSUSES[q] != y:
            raise _bad_period(raw, f"{q}的年份是 {_CENSUSES[q]},与所写年份不符:")
        return _census(dt.date(y, 11, 1), raw)
    # English month forms: "Jan-Sep", "end-Jun", "Dec", "H1", "Q1", "Q1-Q3"
    if m := re.fullmatch(r"([a-z]+)-([a-z]+)", q):
        m1, m2 = _english_month(m[1]), _english_month(m[2])
        if m1 is not None and m2 is not None:
            return _months(y, m1, m2, raw)
    if m := re.fullmatch(r"end-?(?:of-?)?([a-z]+)", q):
        month = _english_month(m[1])
        if month is not None:
            return _point(_month_end(y, month, raw), raw)
    if (month := _english_month(q)) is not None and q.isalpha() and q.isascii():
        return _months(y, month, month, raw)
    if m := re.fullmatch(r"h([12])", q):
        return _months(y, 1, 6, raw) if m[1] == "1" else _months(y, 7, 12, raw)
    if m := re.fullmatch(r"q([1-4])(?:-q([1-4]))?", q):
        q1, q2 = int(m[1]), int(m[2] or m[1])
        return _months(y, 3 * q1 - 2, 3 * q2, raw)
    # Chinese forms: "1—9月", "1-9月累计", "9月", "9月末", "9月30日", "上半年", "第一季度", "前三季度"
    if m := re.fullmatch(rf"(\d{{1,2}})月?{_SEP}(\d{{1,2}})月(?:份)?(?:累计)?", q):
        return _months(y, int(m[1]), int(m[2]), raw)
    if m := re.fullmatch(r"(\d{1,2})月(?:份)?(?:累计)?", q):
        return _months(y, int(m[1]), int(m[1]), raw)
    if m := re.fullmatch(r"(\d{1,2})月(?:份)?(?:末|底)", q):
        return _point(_month_end(y, int(m[1]), raw), raw)
    if m := re.fullmatch(r"(\d{1,2})月(\d{1,2})日", q):
        return _point(_date(y, int(m[1]), int(m[2]), raw), raw)
    if m := re.fullmatch(r"(上|下)半年(末|底)?", q):
        period = _months(y, 1, 6, raw) if m[1] == "上" else _months(y, 7, 12, raw)
        return _point(period.end, raw) if m[2] and period.end else period
    if m := re.fullmatch(r"第?([一二三四1-4])季度(末|底)?", q):
        quarter = _CN_ORDINAL[m[1]]
        period = _months(y, 3 * quarter - 2, 3 * quarter, raw)
        return _point(period.end, raw) if m[2] and period.end else period
    if m := re.fullmatch(r"前([一二三1-3])(?:个)?季度(?:累计)?", q):
        return _months(y, 1, 3 * _CN_ORDINAL[m[1]], raw)
    return None


def _multi_year(y1: int, y2: int, q: str, raw: str, kind: str | None) -> Period | None:
    """A period spanning the years ``y1``–``y2``; ``q`` is what follows, folded and lower-case."""
    if y2 <= y1:
        raise _bad_period(raw, "结束年份不晚于开始年份:")
    span, start = f"{y1}—{y2}年", dt.date(y1, 1, 1)
    if q == "":
        label = span + ("累计" if kind == "cumulative" else "")
        return Period(None, start, dt.date(y2, 12, 31), "multi_year", label, raw)
    if q in {"累计", "合计", "cumulative", "total"}:
        return Period(None, start, dt.date(y2, 12, 31), "multi_year", f"{span}累计", raw)
    # an average over the years stays a multi_year, with 平均 in the label: "2021-2024 (4-yr avg)"
    if q in _AVG_WORDS or re.fullmatch(r"(?:\d+-?(?:yr|year)s?-?)?(?:avg|average|mean)", q):
        return Period(None, start, dt.date(y2, 12, 31), "multi_year", f"{span}平均", raw)
    if m := re.fullmatch(r"(?:累计)?(?:asof|截至|截止)(.+?)(?:累计)?", q):
        end, shown = _as_of_date(m[1], raw)
        if end < start:
            raise _bad_period(raw, "截至日期早于起始年份:")
        return Period(None, start, end, "as_of", f"{span}累计(截至{shown})", raw)
    # counted up to the date of a reply or publication that is not given: end at the last year's end
    if q in {"toreplydate", "截至答复日", "至答复日"}:
        return Period(None, start, dt.date(y2, 12, 31), "as_of", f"{span}累计(截至答复日)", raw)
    if q in {"todate", "至今", "截至发布日"}:
        return Period(None, start, dt.date(y2, 12, 31), "as_of", f"{span}累计(截至发布日)", raw)
    # "2021年至2025年10月": cumulative from the start of 2021 up to the end of October 2025
    if m := re.fullmatch(r"(\d{1,2})月(?:份)?(?:末|底)?(?:累计)?", q):
        end = _month_end(y2, int(m[1]), raw)
        return Period(None, start, end, "as_of", f"{span}累计(截至{y2}年{int(m[1])}月)", raw)
    return None


def _period_from_text(t: str, raw: str, kind: str | None) -> Period:
    """Parse a self-contained period (folded, lower-case ``t``) or raise."""
    if t in _STATIC_WORDS:
        return Period(None, None, None, "static", "(无时间)", raw)
    if m := re.fullmatch(r"census-?date\((\d{4})-(\d{1,2})-(\d{1,2})\)", t):
        return _census(_date(_year(m[1], raw), int(m[2]), int(m[3]), raw), raw)
    if t in _CENSUSES:
        return _census(dt.date(_CENSUSES[t], 11, 1), raw)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", t):  # an ISO date: a point in time
        return _point(_date(_year(m[1], raw), int(m[2]), int(m[3]), raw), raw)
    if m := re.fullmatch(r"(?:累计)?(?:asof|截至|截止)(.+?)(?:累计)?", t):
        # no start year is written, so the start is unknown (None), not guessed
        end, shown = _as_of_date(m[1], raw)
        return Period(None, None, end, "as_of", f"累计(截至{shown})", raw)
    if m := re.fullmatch(r"(十[二三四五]五)(?:时期|期间|规划期)?(累计|平均)?", re.sub("[“”\"']", "", t)):
        y1 = _PLAN_PERIODS[m[1]]
        label = f"{y1}—{y1 + 4}年{m[2] or ''}({m[1]})"
        return Period(None, dt.date(y1, 1, 1), dt.date(y1 + 4, 12, 31), "multi_year", label, raw)
    if m := _HEAD.fullmatch(t):
        y1 = _year(m[1], raw)
        q = m[3].replace("(", "").replace(")", "")
        if m[2]:
            period = _multi_year(y1, _year(m[2], raw), q, raw, kind)
        else:
            period = _single_year(y1, q, raw, kind)
        if period is not None:
            return period
    raise _bad_period(raw)


def _refuse_lookalikes(raw: str, what: str) -> None:
    """Periods and years: a digit look-alike is refused (NFKC would turn “202①” into 2021)."""
    for char in raw:
        if digit_lookalike(char):
            raise lookalike_error(raw, char, what, "年份和时期只用 0—9(全角数字亦可);脚注写在 note 列")


def _year_column(year: str | int | float | None, raw: str) -> int | None:
    """The separate year column: None when absent, empty or “(static)”; otherwise a plausible year."""
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return None
    if isinstance(year, numbers.Real) and not isinstance(year, bool):
        if not math.isfinite(year) or float(year) != int(year):
            raise CleanError(f"年份“{year}”不是整数(时期“{raw}”)", "四位年份,如 2023")
        return _year(int(year), str(year))
    _refuse_lookalikes(str(year), "年份")
    text = fold(str(year)).lower()
    if text in {"", "(static)", "static"}:
        return None
    if m := re.fullmatch(r"(\d{4})年?", text):
        return _year(m[1], str(year))
    raise CleanError(f"年份“{year}”无法识别(时期“{raw}”)", "四位年份,如 2023;没有时间的数据写 (static)")


def parse_period(text: str | int, year: str | int | None = None, *, kind: str | None = None) -> Period:
    """Parse a period as written into year, calendar span, type and a short Chinese label.

    ``year`` is the separate year column of the district file; then ``text`` may be a period word
    (``annual``, ``year-end``, ``census-date (2020-11-01)``, ``static``) or a full period that must
    agree with it. ``kind`` is the municipal file's column (``annual``, ``cumulative``, ``rate``,
    ``year_end``): with ``year_end`` the value is a stock, so a bare year means 31 December and a span
    inside a year (“2021 (H1)”, “2022 (Oct)”) means the stock at the end of that span.
    """
    raw = "" if text is None else str(text)
    if kind is None or (isinstance(kind, float) and math.isnan(kind)) or str(kind).strip() == "":
        kind = None
    else:
        written, kind = str(kind), str(kind).strip().lower().replace("-", "_")
        if kind not in _KINDS:
            expected = "、".join(_KINDS) + " 之一,或留空"
            raise CleanError(f"kind 列的值“{written}”无法识别(时期“{raw}”)", expected)
    _refuse_lookalikes(raw, "时期")
    t, status = _split_status(fold(raw).lower().replace("年度", "年"))
    y = _year_column(year, raw)
    # a period word followed by its year, as the yearbook rows write it: “year-end 2024”, “annual 2023”
    if m := re.fullmatch(r"(annual|全年|full-?year|year-?end|year_end|年末|年底)(\d{4})年?", t):
        written = _year(m[2], raw)
        if y is not None and y != written:
            raise CleanError(f"时期“{raw}”与 year 列的年份“{year}”不符", "两者指同一年,或 year 列留空")
        t, y = m[1], written

    if t in _STATIC_WORDS:
        return Period(None, None, None, "static", "(无时间)", raw)
    if t in _ANNUAL_WORDS | _YEAR_END_WORDS or t == "":
        if y is None:
            shown = raw if raw.strip() else "(空)"
            raise CleanError(f"时期“{shown}”需要在 year 列写明年份", "year 列写四位年份,如 2023")
        if t in _ANNUAL_WORDS:
            period = _full_year(y, raw)
        elif t in _YEAR_END_WORDS:
            period = _point(dt.date(y, 12, 31), raw)
        else:
            period = _single_year(y, "", raw, kind) or _full_year(y, raw)
    else:
        period = _period_from_text(t, raw, kind)
        if y is not None and period.period_type != "static":
            first = period.start.year if period.start else (period.end.year if period.end else y)
            last = period.end.year if period.end else y
            if (period.year is not None and period.year != y) or not first <= y <= last:
                raise CleanError(f"时期“{raw}”与 year 列的年份“{year}”不符", "两者指同一年,或 year 列留空")

    # a stock (kind year_end) reported for a span inside a year is the stock at the end of that span
    spans = period.period_type in {"full_year", "partial_year"} and period.start != period.end
    if kind == "year_end" and spans and period.end is not None:
        period = _point(period.end, raw)
    if status:
        period = replace(period, status=status, label=f"{period.label}({release_status_label(status)})")
    return period
