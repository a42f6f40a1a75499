"""Turning what researchers copy out of statistical bulletins into numbers, periods and official names.

Every function is pure (one cell in, one value out) except :func:`read_table`, which reads one CSV, and
the loader of ``districts.yaml``. A cell that cannot be understood raises :class:`CleanError`: its
``problem`` quotes the cell as written and its ``expected`` says what would be accepted. Nothing is
guessed silently: a bound (“300以上”), an approximation (“约75”) or a range (“3—5”) is kept as a flag,
and so is a footnote marker after a number (“70.67①”): no normalisation ever turns a marker, a
superscript or a fraction sign into a digit. :func:`read_table` names every cell that an encoding
accident has garbled (U+FFFD, 锟斤拷, 烫烫, GBK or Latin-1 mojibake).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import difflib
import functools
import io
import math
import numbers
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from planlib.errors import CleanError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ANNUAL_TYPES",
    "RELEASE_STATUSES",
    "CellIssue",
    "DistrictName",
    "ParsedNumber",
    "Period",
    "TableCellError",
    "convert_unit",
    "district_groupings",
    "district_table",
    "encoding_accident",
    "is_annual",
    "normalise_district",
    "parse_number",
    "parse_period",
    "read_table",
    "release_status_label",
    "split_footnote",
]

_DISTRICTS_FILE = Path(__file__).resolve().parent / "districts.yaml"
_CHOICE_FILE = Path(__file__).resolve().parent / "settings" / "choice.yaml"

# NFKC leaves these dash look-alikes alone: the minus sign and hyphens mean "-", the bar means "—".
_DASH_FOLD = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u2015": "—"})
_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def _fold(text: str) -> str:
    """One spelling per cell: NFKC (０-９ ． ， ％ ～ （） → ASCII), dash look-alikes folded, no spaces."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).translate(_DASH_FOLD))


# ================================================================== numbers

_NUMBER_EXPECTED = (
    "一个数字,可带单位和修饰,如 70.67、７０．６７、1,234、约75万人、300万人以上、3—5个、5.5%、0.1个百分点、"
    "一百二十;没有数据时写 — 或 暂无"
)

# Explicit "no data" markers: the cell is empty on purpose, which is not an error (the caller decides
# whether an empty value is acceptable). "…" becomes "..." under NFKC, so dots cover it.
_MISSING = re.compile(
    r"^(?:[-—–_/.·]+|n/?a|nan|null|none|暂无|暂缺|无|空|缺|无数据|不详|未公布|未找到|不适用)$", re.IGNORECASE
)

# Units written after the number. Matched longest first, so 万人次 wins over 人次 and 万人.
_UNITS = tuple(
    sorted(
        ["万人次", "人次", "万人", "人", "名", "亿元", "万元", "元", "个百分点", "百分点", "%", "‰",
         "万个", "个", "万家", "家", "万户", "户", "场次", "场", "项", "次", "所", "年",
         "平方公里", "平方千米", "km2", "万", "亿"],
        key=len,
        reverse=True,
    )
)  # fmt: skip
# Different spellings of one unit, so that the unit column and the cell can be compared.
_UNIT_SYNONYMS = {"百分点": "个百分点", "平方千米": "平方公里", "km2": "平方公里"}

# Bounds are a flag on the value and are never dropped. Following the Chinese legal convention
# (民法典 第1259条: “以上、以下、以内”包括本数, “不满、超过”不包括本数):
#   以上 不少于 不低于 至少 ≥        → ">="      超过 逾 突破 超 高于 大于 >, and “70多/70余” → ">"
#   以内 以下 不超过 不高于 至多 ≤   → "<="      不满 不足 低于 小于 <                         → "<"
_BOUND_PREFIXES = tuple(
    sorted(
        [(">=", ">="), ("≥", ">="), ("不少于", ">="), ("不低于", ">="), ("至少", ">="),
         (">", ">"), ("超过", ">"), ("逾", ">"), ("突破", ">"), ("超", ">"), ("高于", ">"), ("大于", ">"),
         ("<=", "<="), ("≤", "<="), ("不超过", "<="), ("不高于", "<="), ("至多", "<="), ("最多", "<="),
         ("<", "<"), ("不满", "<"), ("不足", "<"), ("低于", "<"), ("小于", "<")],
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
)  # fmt: skip
_BOUND_SUFFIXES = (("以上", ">="), ("以内", "<="), ("以下", "<="), ("多", ">"), ("余", ">"))
_APPROX_PREFIXES = ("大约", "将近", "接近", "约", "近")
_APPROX_SUFFIXES = ("左右", "上下")
# A change is not a level: "下降0.1个百分点" must be turned into a value by the researcher.
_DIRECTION_WORDS = (
    "下降", "上升", "增长", "减少", "提高", "降低", "增加", "回落", "回升", "同比", "环比", "增幅",
)  # fmt: skip

_ARABIC = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[+-]?\d+)?", re.IGNORECASE)
_RANGE = re.compile(r"(.+?)(?:~|至|到|—|–|-)(.+)")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = frozenset(_CN_DIGITS) | frozenset(_CN_SMALL) | frozenset(_CN_BIG) | {"点"}


@dataclass(frozen=True)
class ParsedNumber:
    """One published number. ``value`` is None for a range (then ``low``/``high``) or a missing cell.

    ``bound`` is one of ">", ">=", "<", "<=" (see the table above) or None; ``unit`` is the unit
    written in the cell (value in that unit, never converted here); ``raw`` is the cell as given;
    ``footnote`` is the footnote marker written after the number (“①”, “*”, “注1”, “[2]”), exactly as
    written, or None — the marker is never part of the number.
    """

    value: float | None
    low: float | None
    high: float | None
    bound: str | None
    approx: bool
    unit: str | None
    raw: str
    footnote: str | None = None

    @property
    def missing(self) -> bool:
        """True when the cell holds no number at all (empty or an explicit marker such as “—”)."""
        return self.value is None and self.low is None


# ------------------------------------------------------------ footnote markers and digit look-alikes
#
# NFKC turns ① into 1, ¹ into 1, ⑴ into (1), ½ into 1⁄2 and ㋀ into 1月, so "70.67①" would read as 70.671.
# The general rule: a character that is not a decimal digit (category Nd) but whose NFKC form contains
# a digit, or that Unicode gives a numeric value (No, Nl), is never folded into a number. After the
# number it is a footnote marker (split off and kept); anywhere else it is refused by name. Decimal
# digits of other forms (full-width ０–９, mathematical 𝟕) fold to the same digit and stay numbers.

_FOOTNOTE_SIGNS = frozenset("*＊†‡§#＃※")
_FOOTNOTE_DIGITS = "0-9０-９"
_NOTE_MARK = re.compile(rf"注(?:[{_FOOTNOTE_DIGITS}]+|(.))$")  # 注1, 注①
_BRACKET_MARK = re.compile(rf"[\[［][{_FOOTNOTE_DIGITS}]+[\]］]$")  # [1]
_PAREN_NOTE_MARK = re.compile(rf"[(（]注(?:[{_FOOTNOTE_DIGITS}]+|(.))?[)）]$")  # (注1) (注) （注①）
_LOOKALIKE_EXPECTED = (
    "数字只用 0—9(全角数字亦可);脚注标记只能写在数值、单位和“以上”等字样之后,如 70.67①、70.67万人*、"
    "5.5%(注1),会单独记为脚注"
)


@functools.cache
def _digit_lookalike(char: str) -> bool:
    """True for a character NFKC would turn into (or that stands for) a digit without being one. The digits
    of Chinese numerals (〇 is category Nl) are not look-alikes: they are read as numerals."""
    if char.isascii() or unicodedata.category(char) == "Nd" or char in _CN_DIGITS:
        return False
    if unicodedata.category(char) in {"No", "Nl"}:
        return True
    return any("0" <= c <= "9" for c in unicodedata.normalize("NFKC", char))


def _is_marker(char: str) -> bool:
    """A numbered mark (①, ⑴, ⒈, ❶, ¹, ₁, ⓪, Ⅻ …): a whole-number value, not a fraction."""
    if not _digit_lookalike(char):
        return False
    number = unicodedata.numeric(char, None)
    return number is not None and float(number).is_integer()


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9" or unicodedata.category(char) == "Nd"


def _lookalike_error(raw: str, char: str, what: str = "", expected: str = _LOOKALIKE_EXPECTED) -> CleanError:
    """The message for a digit look-alike ``char`` in the cell ``raw`` (``what`` names the kind of cell)."""
    name = unicodedata.name(char, f"U+{ord(char):04X}")
    if "FRACTION" in name:
        why, expected = "是分数符号,不是数字", "小数,如 0.5;" + expected
    elif _is_marker(char):
        why = "是脚注或序号标记,不是数字"
    else:
        why = "是含数字的符号,不是数字"
    return CleanError(f"{what}“{raw}”中的“{char}”{why}", expected)


def _unit_symbol(char: str, before: str) -> bool:
    """km² and ㎢ are the unit 平方公里, not a number and not a footnote."""
    if unicodedata.normalize("NFKC", char) in _UNITS:  # ㎢ → km2
        return True
    return char == "²" and _fold(before).lower().endswith("km")


def split_footnote(raw: str) -> tuple[str, str | None]:
    """Split ``raw`` into (the cell without its trailing footnote markers, the markers as written or None).

    Markers, one or more at the end of the cell: a numbered mark (①, ⑴, ⒈, ❶, ¹, ₁, ⓪, Ⅻ), ``*`` ``＊``
    ``†`` ``‡`` ``§`` ``#`` ``※``, ``注1``/``注①``, ``[1]``, ``(注1)``/``（注）``. Raises :class:`CleanError`
    for a digit look-alike anywhere else (“7①0”), for a fraction sign (“3½”), and for a superscript
    right after a digit (“10²”: an exponent or a footnote — it cannot be told which).
    """
    text = raw.rstrip()
    while text:
        last = text[-1]
        start = None
        for pattern in (_NOTE_MARK, _BRACKET_MARK, _PAREN_NOTE_MARK):  # the longer forms first: 注① is one mark
            match = pattern.search(text)
            inner = match.groups()[0] if match and pattern.groups else None
            if match and (inner is None or _is_marker(inner)):
                start = match.start()
                break
        if start is None and last in _FOOTNOTE_SIGNS:
            start = len(text) - 1
        elif start is None and _is_marker(last) and not _unit_symbol(last, text[:-1]):
            if "SUPERSCRIPT" in unicodedata.name(last, "") and len(text) > 1 and _is_digit(text[-2]):
                raise CleanError(
                    f"“{raw}”中的上标“{last}”紧跟在数字后,无法确定是脚注还是乘方",
                    "脚注写成 70.67①、70.67* 或 70.67(注1);乘方请写出计算结果",
                )
            start = len(text) - 1
        if start is None:
            break
        text = text[:start].rstrip()
    footnote = raw.rstrip()[len(text) :].strip() or None
    for position, char in enumerate(text):
        if _digit_lookalike(char) and not _unit_symbol(char, text[:position]):
            raise _lookalike_error(raw, char)
    return text, footnote


def _refuse_lookalikes(raw: str, what: str) -> None:
    """Periods and years: a digit look-alike is refused (NFKC would turn “202①” into 2021)."""
    for char in raw:
        if _digit_lookalike(char):
            raise _lookalike_error(raw, char, what, "年份和时期只用 0—9(全角数字亦可);脚注写在 note 列")


def _chinese_numeral(text: str) -> float | None:
    """'三' → 3, '十二' → 12, '一百零五' → 105, '两万三千' → 23000, '一亿两千万' → 1.2e8, '三点五' → 3.5.

    Returns None for anything that is not a well-formed numeral ('万', '三三', '七十多点').
    """
    if not text or any(c not in _CN_CHARS for c in text):
        return None
    integer, _, decimals = text.partition("点")
    if not integer or "点" in decimals or any(c not in _CN_DIGITS for c in decimals):
        return None
    # 万 scales everything since the last 亿; 亿 scales everything before it ("一亿两千万" = 1.2e8).
    yi_part, wan_part, section = 0, 0, 0
    digit: int | None = None
    last_small = 10_000  # units inside a section must fall: 千 > 百 > 十
    for char in integer:
        if char in _CN_DIGITS:
            if digit not in (None, 0):
                return None  # "三三" is not a numeral
            digit = _CN_DIGITS[char]
        elif char in _CN_SMALL:
            unit = _CN_SMALL[char]
            if unit >= last_small:
                return None
            section += (digit or 1) * unit  # "十二" is 一十二; "一千零十" is 1010
            digit, last_small = None, unit
        else:
            if section == 0 and not digit:
                return None  # "万" alone (a bare unit) must not read as 0
            if char == "万":
                wan_part = (wan_part + section + (digit or 0)) * _CN_BIG["万"]
            else:
                yi_part = (yi_part + wan_part + section + (digit or 0)) * _CN_BIG["亿"]
                wan_part = 0
            section, digit, last_small = 0, None, 10_000
    value = float(yi_part + wan_part + section + (digit or 0))
    if decimals:
        value += float("0." + "".join(str(_CN_DIGITS[c]) for c in decimals))
    return value


_SPACED_DIGITS = re.compile(r"\d+(?:[\s\u00a0\u2009\u202f\u3000]+\d+)+")
_SPACED_THOUSANDS = re.compile(r"^[^\d]*\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?:\.\d+)?[^\d]*$")


def _plain_number(text: str) -> float | None:
    """An Arabic number (thousands separators only in correct groups of three) or a Chinese numeral."""
    if _ARABIC.fullmatch(text):
        return float(text.replace(",", ""))
    return _chinese_numeral(text)


def _bad_number(raw: str, why: str = "无法识别的数值") -> CleanError:
    shown = raw if len(raw) <= 60 else f"{raw[:40]}…(共 {len(raw)} 个字符)"
    return CleanError(f"{why}“{shown}”", _NUMBER_EXPECTED)


def parse_number(cell: Any) -> ParsedNumber:
    """Parse one cell into a number, keeping bounds, ranges, approximation and the unit written with it.

    Empty cells, None, NaN and explicit markers (“—”, “——”, “-”, “N/A”, “暂无”, “…”) give a missing value
    (``value`` None, no error); any other text that is not a number raises :class:`CleanError`.

    A footnote marker after the number, unit and bound words (“70.67①”, “300万人以上*”, “5.5%(注1)”) is
    split off into ``footnote`` (see :func:`split_footnote`). A character that carries a numeric value
    but is not a decimal digit (①, ⑴, ⒈, ❶, ¹, ₁, ½, Ⅻ …) anywhere else raises :class:`CleanError`
    naming it: Unicode normalisation would fold it into a digit and change the number.
    """
    if cell is None or type(cell).__name__ in {"NAType", "NaTType"}:  # pandas.NA / NaT, pandas not imported
        return ParsedNumber(None, None, None, None, False, None, "")
    if isinstance(cell, bool) or type(cell).__name__ == "bool_":
        raise CleanError(f"“{cell}”是真假值,不是数值", _NUMBER_EXPECTED)
    if isinstance(cell, numbers.Real):  # int, float and the numpy scalars
        value = float(cell)
        if math.isnan(value):
            return ParsedNumber(None, None, None, None, False, None, "")
        if math.isinf(value):
            raise _bad_number(str(cell), "数值不能是无穷大:")
        return ParsedNumber(value, None, None, None, False, None, str(cell))
    raw = str(cell)
    body, footnote = split_footnote(raw)
    # folding drops spaces; between two digits a space is never dropped silently (“5 4” is not 54): only
    # correct groups of three with a space or a thin space as the thousands separator are a number
    spaced = _SPACED_DIGITS.search(body)
    if spaced and not _SPACED_THOUSANDS.search(body.strip()):
        raise CleanError(f"“{raw}”的数字中间有空白(“{spaced.group(0)}”),无法确定是一个数还是几个数",
                         "一个数字,不含空格(如 70.67);千位分隔只用逗号且每组三位(如 1,234)")  # fmt: skip
    text = _fold(body)
    if not text or _MISSING.match(text):
        if footnote and not text:
            raise _bad_number(raw, "只有脚注标记,没有数字:")
        return ParsedNumber(None, None, None, None, False, None, raw, footnote)
    if any(word in text for word in _DIRECTION_WORDS):
        raise CleanError(
            f"“{raw}”描述的是变化(升降、增减),不是数值本身",
            "数值本身(如 5.3 或 5.3%);变化量请先按上一期数值换算成本期数值再填写,并在 note 中说明",
        )

    approx, negative = False, False
    bound: str | None = None
    unit: str | None = None

    def set_bound(sign: str) -> None:
        nonlocal bound
        if bound is not None and bound[0] != sign[0]:  # "超过300以下" points both ways
            raise CleanError(f"“{raw}”同时写了上限和下限", "只写一个界限,如 300以上 或 不超过300")
        bound = bound or sign

    changed = True
    while changed:  # prefixes may stack: "约超过300", "超过约300"
        changed = False
        for prefix in _APPROX_PREFIXES:
            if text.startswith(prefix) and not approx:
                approx, text, changed = True, text[len(prefix) :], True
        for prefix, sign in _BOUND_PREFIXES:
            if text.startswith(prefix) and bound is None:
                set_bound(sign)
                text, changed = text[len(prefix) :], True
                break
        if text.startswith("负") and not negative:
            negative, text, changed = True, text[1:], True
        if text.startswith("百分之") and unit is None:
            unit, text, changed = "%", text[3:], True

    changed = True
    while changed:  # suffixes may stack in any order: "300万人以上", "75万左右", "70多万人"
        changed = False
        for suffix in _APPROX_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                approx, text, changed = True, text[: -len(suffix)], True
        for suffix, sign in _BOUND_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                set_bound(sign)
                text, changed = text[: -len(suffix)], True
        if unit is None:
            for candidate in _UNITS:
                rest = text[: -len(candidate)]
                if not (text.endswith(candidate) and rest):
                    continue
                tail = rest[-1]
                if not (tail in "0123456789多余" or tail in _CN_CHARS):
                    continue
                # "三万" reads like "3万" (3, unit 万); in "一亿两千万" the 万 belongs to the numeral
                if candidate in _CN_BIG and tail in _CN_CHARS and any(c in _CN_BIG for c in rest):
                    continue
                unit, text, changed = _UNIT_SYNONYMS.get(candidate, candidate), rest, True
                break

    if not text:
        raise _bad_number(raw, "没有数字:")
    sign = -1.0 if negative else 1.0
    value = _plain_number(text)
    if value is not None and not math.isfinite(value):  # 400 nines or 1e309: a float can't hold it
        raise _bad_number(raw, "数值太大,超出可表示的范围:")
    if value is not None:
        return ParsedNumber(sign * value, None, None, bound, approx, unit, raw, footnote)

    match = _RANGE.fullmatch(text)
    if match and not negative:
        left, right = match[1], match[2]
        # the unit (or its 万/亿 part) repeated after the lower end: "3万-5万", "3万-5万人"
        for k in range(len(unit or ""), 0, -1):
            if unit and left.endswith(unit[:k]) and len(left) > k:
                left = left[:-k]
                break
        low, high = _plain_number(left), _plain_number(right)
        if low is not None and high is not None:
            if low > high:
                raise CleanError(f"区间“{raw}”的下限大于上限", "小数在前,如 3—5")
            if bound is not None:
                raise CleanError(
                    f"区间“{raw}”又带了“以上/超过”一类的界限", "只写区间(如 3—5)或只写界限(如 3以上)"
                )
            return ParsedNumber(None, low, high, None, approx, unit, raw, footnote)
    raise _bad_number(raw)


# Conversion within one family: (family, power of ten relative to the family's base unit).
_UNIT_SCALE: dict[str, tuple[str, int]] = {
    "人": ("persons", 0), "名": ("persons", 0), "万人": ("persons", 4),
    "人次": ("visits", 0), "万人次": ("visits", 4),
    "元": ("yuan", 0), "万元": ("yuan", 4), "亿元": ("yuan", 8),
    "个": ("count", 0), "万个": ("count", 4),
    "家": ("firms", 0), "万家": ("firms", 4),
    "户": ("households", 0), "万户": ("households", 4),
    "场": ("events", 0), "场次": ("events", 0),
    "%": ("share", -2), "‰": ("share", -3),
    "个百分点": ("pp", 0),
    "年": ("years", 0),
    "平方公里": ("area", 0),
    "万": ("plain", 4), "亿": ("plain", 8),
}  # fmt: skip
_FAMILY_NAMES = {
    "persons": "人数", "visits": "人次", "yuan": "金额", "count": "个数", "firms": "单位数",
    "households": "户数", "events": "场次", "share": "比率", "pp": "百分点变化", "years": "年数",
    "area": "面积", "plain": "纯数值",
}  # fmt: skip


def _canonical_unit(unit: str) -> str:
    folded = _fold(str(unit))
    return _UNIT_SYNONYMS.get(folded, folded)


def convert_unit(value: float, from_unit: str, to_unit: str) -> float:
    """Convert ``value`` between units of one family: 人 ↔ 万人, 人次 ↔ 万人次, 元 ↔ 万元 ↔ 亿元, 个 ↔ 万个 ….

    Units of different families (人 → 亿元, % → 万人, % → 个百分点) raise :class:`CleanError`.
    """
    src, dst = _canonical_unit(from_unit), _canonical_unit(to_unit)
    if src == dst:
        return value
    known = "、".join(_UNIT_SCALE)
    for unit, written in ((src, from_unit), (dst, to_unit)):
        if unit not in _UNIT_SCALE:
            raise CleanError(
                f"不认识的单位“{written}”,无法在“{from_unit}”与“{to_unit}”之间换算", f"以下单位之一:{known}"
            )
    (family_a, power_a), (family_b, power_b) = _UNIT_SCALE[src], _UNIT_SCALE[dst]
    if family_a != family_b:
        raise CleanError(
            f"单位“{from_unit}”不能换算为“{to_unit}”:前者是{_FAMILY_NAMES[family_a]},后者是{_FAMILY_NAMES[family_b]}",
            f"与“{to_unit}”同类的单位",
        )
    shift = power_a - power_b
    # multiply or divide by an exact integer power of ten, so 15016 人 is exactly 1.5016 万人
    return value * 10**shift if shift >= 0 else value / 10**-shift


# ================================================================== periods

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
    spec = yaml.safe_load(_CHOICE_FILE.read_text(encoding="utf-8")).get("release_status") or {}
    out = {}
    for status, entry in spec.items():
        words = tuple(_fold(str(w)).lower() for w in entry.get("words") or ())
        if not entry.get("label") or not words:
            raise RuntimeError(f"{_CHOICE_FILE} 有误:release_status.{status} 须有 label 和 words")
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


def _year_column(year: str | int | float | None, raw: str) -> int | None:
    """The separate year column: None when absent, empty or “(static)”; otherwise a plausible year."""
    if year is None or (isinstance(year, float) and math.isnan(year)):
        return None
    if isinstance(year, numbers.Real) and not isinstance(year, bool):
        if not math.isfinite(year) or float(year) != int(year):
            raise CleanError(f"年份“{year}”不是整数(时期“{raw}”)", "四位年份,如 2023")
        return _year(int(year), str(year))
    _refuse_lookalikes(str(year), "年份")
    text = _fold(str(year)).lower()
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
    t, status = _split_status(_fold(raw).lower().replace("年度", "年"))
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


# ================================================================== files

_SAVE_AS_CSV = "在 Excel 中“另存为 → CSV UTF-8(逗号分隔)”"
_ENCODING_EXPECTED = f"UTF-8、带 BOM 的 UTF-8 或 GB18030/GBK 编码的 CSV({_SAVE_AS_CSV})"
# UTF-8 bytes of Chinese text read as Latin-1/Windows-1252 and saved again ("é‡\x8d" for 重)
_DOUBLE_ENCODED = re.compile(
    "[\u00c0-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


@functools.cache
def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _decode(data: bytes, name: str) -> str:
    """Decode strictly as UTF-8 (BOM or not), else GB18030; refuse anything that would be mojibake."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            raise CleanError(
                f"“{name}”的编码无法识别:按 UTF-8 读在第 {utf8_error.start} 字节出错,"
                f"按 GB18030/GBK 读在第 {gb_error.start} 字节出错",
                _ENCODING_EXPECTED,
            ) from None
        # GB18030 accepts most byte pairs, so Latin-1/Windows-1252 or Big5 text also "decodes". Real GBK
        # Chinese is almost all GB2312 characters; text made of other characters is the wrong codec.
        wide = [c for c in text if ord(c) > 127]
        odd = [c for c in wide if not _in_gb2312(c)]
        if len(odd) >= 2 and len(odd) > 0.25 * len(wide):
            raise CleanError(
                f"“{name}”不是 UTF-8(第 {utf8_error.start} 字节处),按 GB18030/GBK 读出的是乱码"
                f"(如“{''.join(odd[:6])}”),可能是 Latin-1、Windows-1252 或 Big5 等其他编码",
                _ENCODING_EXPECTED,
            ) from None
    if any(unicodedata.category(c) == "Co" for c in text):  # private-use characters: a wrong codec
        raise CleanError(f"“{name}”解码后出现私用区字符,编码可能有误", _ENCODING_EXPECTED)
    if any("\u0080" <= c <= "\u009f" for c in text) or len(_DOUBLE_ENCODED.findall(text)) >= 3:
        raise CleanError(
            f"“{name}”含有被错误转码的文字(如“{_mojibake_sample(text)}”):文件曾按错误的编码打开又保存",
            _MOJIBAKE_EXPECTED,
        )
    return text


_MOJIBAKE_EXPECTED = "从原始来源重新复制,保存为 UTF-8 编码的 CSV"
_MOJIBAKE_PROBLEM = "含有被错误转码的文字({sample}):文件曾按错误的编码打开又保存"
# What a GBK ↔ UTF-8 accident leaves behind for good: U+FFFD (a byte that could not be decoded),
# 锟斤拷 (U+FFFD's UTF-8 bytes read as GBK) and 烫烫/屯屯 (uninitialised memory 0xCC/0xCD shown as GBK).
_LOST_TEXT = re.compile("\ufffd+|(?:锟斤拷)+|烫{2,}|屯{2,}")
# A byte per character of Windows-1252 (Latin-1 for the five bytes it leaves undefined).
_LATIN_BYTE = {bytes([b]).decode("cp1252", errors="ignore") or chr(b): bytes([b]) for b in range(0x80, 0x100)}
_LATIN_RUN = re.compile("[" + re.escape("".join(_LATIN_BYTE)) + "]{3,}")
_WIDE_RUN = re.compile("[^\x00-\x7f]{3,}")


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _hidden_utf8(chars: str, codes: list[bytes], min_cjk: int, need_rare: bool) -> tuple[str, str] | None:
    """(mojibake, original) if some stretch of ``chars``, turned back into its bytes ``codes``, is UTF-8 Chinese.

    ``need_rare``: at least one character of the stretch lies outside GB2312. Real GBK text is almost
    all GB2312; the UTF-8 bytes of Chinese read as GBK give many characters beyond it (鍩庨晣 = 城镇).
    """
    for start in range(len(chars)):
        if not 0xE0 <= codes[start][0] <= 0xEF:  # a CJK character is three bytes in UTF-8, E0–EF first
            continue
        data = b"".join(codes[start:])
        try:
            end = len(data.decode("utf-8")) and len(data)
        except UnicodeDecodeError as exc:
            end = exc.start
        # the bytes of Chinese in UTF-8 are all ≥ 0x80 and real Chinese is mostly GB2312: an ASCII
        # character or only rare characters in the "original" mean the bytes fit UTF-8 by chance
        decoded = data[:end].decode("utf-8")
        if any(c.isascii() for c in decoded) or sum(_is_cjk(c) and _in_gb2312(c) for c in decoded) < min_cjk:
            continue
        taken, size = 0, 0
        while start + taken < len(chars) and size < end:  # the characters whose bytes were read
            size += len(codes[start + taken])
            taken += 1
        stretch = chars[start : start + taken]
        if need_rare and all(_in_gb2312(c) for c in stretch):
            continue
        return stretch, decoded
    return None


def encoding_accident(cell: str) -> str | None:
    """What an encoding accident left in one text cell, as the message's detail, or None if the cell is clean.

    Finds U+FFFD, 锟斤拷, runs of 烫/屯, UTF-8 Chinese read as GBK (“鍩庨晣” for 城镇) and UTF-8 Chinese
    read as Latin-1/Windows-1252 (“åŸŽé•‡” for 城镇). Pure.
    """
    if match := _LOST_TEXT.search(cell):
        shown = "替换字符“\ufffd”" if match[0][0] == "\ufffd" else f"“{match[0]}”"
        return _MOJIBAKE_PROBLEM.format(sample=f"{shown},原字已丢失")
    for run in _WIDE_RUN.findall(cell):
        found = _hidden_utf8(run, [c.encode("gb18030") for c in run], min_cjk=2, need_rare=True)
        if found:
            return _MOJIBAKE_PROBLEM.format(sample=f"“{found[0]}”,按 UTF-8 重读是“{found[1]}”")
    for run in _LATIN_RUN.findall(cell):
        found = _hidden_utf8(run, [_LATIN_BYTE[c] for c in run], min_cjk=1, need_rare=False)
        if found:
            shown = re.sub("[\u0080-\u009f]", "?", found[0])
            return _MOJIBAKE_PROBLEM.format(sample=f"“{shown}”,按 UTF-8 重读是“{found[1]}”")
    return None


@dataclass(frozen=True)
class CellIssue:
    """One bad cell of a table: its line (the header is line 1), column name, problem and expectation."""

    line: int
    column: str
    problem: str
    expected: str


class TableCellError(CleanError):
    """Raised by :func:`read_table` for bad cells; ``issues`` lists every one (line, column, problem)."""

    def __init__(self, name: str, issues: list[CellIssue]):
        self.issues = tuple(issues)
        first = issues[0]
        more = f"(共 {len(issues)} 处)" if len(issues) > 1 else ""
        super().__init__(f"“{name}”第 {first.line} 行“{first.column}”列{first.problem}{more}", first.expected)


def _mojibake_sample(text: str) -> str:
    match = _DOUBLE_ENCODED.search(text) or re.search("[\u0080-\u009f]", text)
    start = match.start() if match else 0
    return re.sub("[\u0080-\u009f]", "?", text[start : start + 8])


def read_table(path: Path | str, *, header_hint: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a CSV in UTF-8, UTF-8 with BOM or GB18030/GBK: every cell as text, headers stripped.

    Raises :class:`CleanError` naming the file for anything that is not a readable CSV: another format
    (Excel, UTF-16), an unknown encoding (with the byte offset), columns separated by tabs or
    semicolons instead of commas, malformed rows, duplicate headers, and — when ``header_hint`` names
    the columns the header must hold — a header that sits below a title row (naming its line); and
    :class:`TableCellError` listing every cell (line, column) where an encoding accident left its
    traces (see :func:`encoding_accident`), with the same remedy as a wrongly encoded file.
    """
    import pandas as pd

    path = Path(path)
    name = path.name
    if path.suffix.lower() != ".csv":
        raise CleanError(
            f"“{name}”不是 CSV 文件(扩展名为“{path.suffix or '无'}”),planlib 只读 CSV",
            f"扩展名为 .csv 的逗号分隔文本;Excel 工作簿请先{_SAVE_AS_CSV}",
        )
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise CleanError(f"“{name}”实际是 Excel 工作簿,只是扩展名为 .csv", _SAVE_AS_CSV)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise CleanError(f"“{name}”是 UTF-16 编码(Excel 的“Unicode 文本”)", _ENCODING_EXPECTED)
    if not data.strip():
        raise CleanError(f"“{name}”是空文件", "第一行为表头的 CSV 文件")
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise CleanError(f"“{name}”含有二进制内容(第 {offset} 字节),不是文本 CSV", _ENCODING_EXPECTED)
    text = _decode(data, name)
    _refuse_other_delimiters(text, name)

    rows = _csv_rows(text, name)
    if not rows:
        raise CleanError(f"“{name}”没有表头", "第一行为表头的 CSV 文件")
    if header_hint:
        _refuse_title_rows(rows, header_hint, name)
    header = [h.strip().lstrip("\ufeff").strip() for h in rows[0][1]]
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise CleanError(f"“{name}”的表头有重复的列名:{'、'.join(duplicates)}", "每个列名只出现一次")
    width = len(header)
    body: list[list[str]] = []
    for line, row in rows[1:]:
        # trailing empty cells beyond the header (a stray comma at the end of a line) carry nothing
        if any(cell.strip() for cell in row[width:]):
            raise CleanError(
                f"“{name}”第 {line} 行有 {len(row)} 个字段,而表头只有 {width} 列",
                "每行列数与表头一致;含逗号的单元格用英文双引号括起",
            )
        body.append(row[:width] + [""] * (width - len(row)))  # a short row: missing trailing cells empty
    for position, column in enumerate(header):
        if column == "" and any(row[position].strip() for row in body):
            raise CleanError(f"“{name}”第 {position + 1} 列有数据但没有列名", "给每一列写上列名")
    issues = []
    for line, cells in [(1, header), *((line, cells) for (line, _), cells in zip(rows[1:], body, strict=True))]:
        for position, cell in enumerate(cells):
            if detail := encoding_accident(cell):
                column = header[position] or f"第 {position + 1} 列"
                issues.append(CellIssue(line, column, detail, _MOJIBAKE_EXPECTED))
    if issues:
        raise TableCellError(name, issues)
    keep = [i for i, column in enumerate(header) if column != ""]
    # blank lines inside the table are skipped (they carry nothing); every row keeps the line number an
    # editor shows, also after a quoted cell that spans several lines
    filled = [(line, row) for (line, _), row in zip(rows[1:], body, strict=True) if any(c.strip() for c in row)]
    frame = pd.DataFrame([[row[i] for i in keep] for _, row in filled], columns=[header[i] for i in keep], dtype=str)
    frame.attrs["lines"] = [line for line, _ in filled]
    return frame


_DELIMITERS = (("\t", "制表符(Tab)"), (";", "分号(;)"), ("；", "全角分号(；)"), ("|", "竖线(|)"))


def _refuse_other_delimiters(text: str, name: str) -> None:
    """A file whose columns are separated by tabs or semicolons reads as one column: say so, naming the line."""
    for line_no, line in enumerate(text.splitlines()[:10], start=1):
        for delimiter, label in _DELIMITERS:
            if line.count(delimiter) >= 2 and line.count(delimiter) > line.count(","):
                shown = line.replace("\t", "→")
                shown = shown if len(shown) <= 100 else shown[:100] + "…"
                raise CleanError(
                    f"“{name}”的列用{label}分隔,不是逗号(第 {line_no} 行“{shown}”):整行会被读成一列",
                    f"逗号分隔的 CSV;{_SAVE_AS_CSV},或把分隔符换成英文逗号",
                )


def _refuse_title_rows(rows: list[tuple[int, list[str]]], header: Sequence[str], name: str) -> None:
    """The header must be the first line: a title or note above it is named, with the line the header is on."""
    wanted = set(header)
    if wanted <= {cell.strip().lstrip("\ufeff").strip() for cell in rows[0][1]}:
        return
    for line, row in rows[1:10]:
        if wanted <= {cell.strip() for cell in row}:
            above = "第 1 行" if line == 2 else f"第 1—{line - 1} 行"
            raise CleanError(
                f"“{name}”的表头在第 {line} 行,上面的{above}像是标题或说明",
                f"第 1 行就是表头(列名 {', '.join(header)} 等);请删除表头上方的 {line - 1} 行",
            )


def _csv_rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) for every record; the header is the first.

    The csv module in strict mode rather than pandas: an unclosed quote or text after a closing quote
    is an error with its line number, not a silently merged row, and a row with one field too many is
    never taken for an index column. Blank lines inside the table stay as empty rows, so that a row's
    position still gives its line number; blank lines at the end are dropped.
    """
    # a lone CR ends a line too (classic Mac Excel), and a cell may be long (a pasted document)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        why = {"unexpected end of data": "引号没有闭合", "',' expected after '\"'": "引号闭合后还有其他字符"}
        raise CleanError(
            f"“{name}”第 {reader.line_num} 行附近不是格式正确的 CSV:{why.get(str(exc), str(exc))}",
            "英文双引号成对出现;引号括起的单元格后紧跟逗号或换行",
        ) from None
    while rows and not any(cell.strip() for cell in rows[-1][1]):
        rows.pop()
    return rows


# ================================================================== district names

_REGION_KINDS = ("district", "special_zone", "cluster_total", "municipality")
_SECTIONS = {"districts": "district", "special_zones": "special_zone", "cluster_totals": "cluster_total",
             "municipality": "municipality"}  # fmt: skip
_NAME_EXPECTED = (
    "38 个区县的标准名称或常用简称(如 万州、石柱县)、"
    "特殊功能区(两江新区、重庆高新区、万盛经开区、双桥经开区)、片区合计(如 主城都市区(合计))或 全市;"
    "新的写法可加到 src/planlib/districts.yaml 的 aliases"
)


@dataclass(frozen=True)
class DistrictName:
    """A region name resolved to its official form.

    ``kind`` is "district" (one of the 38 区县, with its 6-digit ``code``), "special_zone" (两江新区 …,
    never added to district totals), "cluster_total" (a published 一区两群 total) or "municipality"
    (全市). ``short`` is the label for maps; ``raw`` is the name as given. ``includes`` names the special
    zones a district figure includes when the source says so (“綦江区(含万盛经开区)” → ("万盛经开区",)).
    """

    name: str
    code: str | None
    kind: str
    short: str | None
    raw: str
    includes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Region:
    name: str
    code: str | None
    kind: str
    short: str
    aliases: tuple[str, ...]
    within: tuple[str, ...]
    rule: str | None
    groupings: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


@functools.cache
def _regions() -> tuple[_Region, ...]:
    """The entries of districts.yaml, checked once (a broken data file must not half-work)."""
    spec = yaml.safe_load(_DISTRICTS_FILE.read_text(encoding="utf-8"))
    problems: list[str] = []
    regions: list[_Region] = []
    for section, kind in _SECTIONS.items():
        for entry in spec.get(section) or []:
            name = entry.get("name")
            if entry.get("kind", kind) != kind:
                problems.append(f"{name}: kind 应为 {kind}(位于 {section} 下)")
            code = str(entry["code"]) if kind == "district" and "code" in entry else None
            if kind == "district" and not (code and re.fullmatch(r"500\d{3}", code)):
                problems.append(f"{name}: 区县需要 6 位行政区划代码(500xxx)")
            if kind != "district" and not entry.get("rule"):
                problems.append(f"{name}: 不是区县,必须写明 rule")
            aliases, within = tuple(entry.get("aliases") or ()), tuple(entry.get("within") or ())
            short, rule = entry.get("short") or name, entry.get("rule")
            groupings, members = tuple(entry.get("groupings") or ()), tuple(entry.get("members") or ())
            if kind == "cluster_total":
                unknown = [g for g in groupings if g not in (spec.get("groupings") or {})]
                if not groupings or unknown:
                    problems.append(f"{name}: 片区合计须在 groupings 中写明所属划分(groupings 节中已定义的 id)")
                if len(set(members)) != len(members):
                    problems.append(f"{name}: members 中有重复的区县")
            regions.append(_Region(name, code, kind, short, aliases, within, rule, groupings, members))
    districts = [r for r in regions if r.kind == "district"]
    names_unique = len({r.name for r in regions}) == len(regions)
    if len(districts) != 38 or len({r.code for r in districts}) != 38 or not names_unique:
        problems.append("应有 38 个区县,代码和名称各不相同")
    official = {r.name for r in districts}
    problems += [
        f"{r.name}: within 中的“{w}”不是区县" for r in regions for w in r.within if w not in official
    ]
    problems += [f"{r.name}: members 中的“{m}”不是区县" for r in regions for m in r.members if m not in official]
    if problems:
        raise RuntimeError(f"{_DISTRICTS_FILE} 有误:" + ";".join(problems))
    return tuple(regions)


@functools.cache
def _name_index() -> dict[str, _Region]:
    index: dict[str, _Region] = {}
    for region in _regions():
        for spelling in (region.name, region.short, *region.aliases):
            key = _fold(spelling)
            if index.get(key, region) is not region:
                clash = f"别名“{spelling}”同时指向 {index[key].name} 和 {region.name}"
                raise RuntimeError(f"{_DISTRICTS_FILE} 有误:{clash}")
            index[key] = region
    return index


def _suggestions(key: str, limit: int = 3, kinds: tuple[str, ...] = _REGION_KINDS) -> list[str]:
    """Official names of the given kinds whose spellings are closest to ``key`` (districts first on a tie)."""
    best: dict[str, tuple[float, int]] = {}
    for spelling, region in _name_index().items():
        if region.kind not in kinds:
            continue
        score = difflib.SequenceMatcher(None, key, spelling).ratio()
        if score >= 0.5 and score > best.get(region.name, (0.0, 0))[0]:
            best[region.name] = (score, _REGION_KINDS.index(region.kind))
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
    return [name for name, _ in ranked[:limit]]


def _lookup(key: str) -> _Region | None:
    """The region a folded spelling names, allowing the city in front (“重庆市万州区”, “重庆万州”)."""
    index = _name_index()
    region = index.get(key)
    if region is None:
        for prefix in ("重庆市", "重庆"):
            rest = index.get(key.removeprefix(prefix)) if key.startswith(prefix) else None
            if rest is not None and rest.kind != "municipality":
                return rest
    return region


# “綦江区(含万盛经开区)”, “綦江(含万盛)”: the statistics bureau's own form for a district figure that
# includes a special zone lying inside it. Parentheses are folded to ASCII by NFKC first.
_WITH_ZONE = re.compile(r"(.+?)\((含|包括|包含)(.+)\)")
_ZONE_SEPARATORS = re.compile("[、,和及与]")


def _with_zones(raw: str, key: str) -> DistrictName | None:
    """Resolve “<区县>(含<特殊功能区>)”, or None when ``key`` has no parenthesis after a known name."""
    match = _WITH_ZONE.fullmatch(key) or re.fullmatch(r"(.+?)\((.*?)(.*)\)", key)
    if match is None:
        return None
    base = _lookup(match[1])
    if base is None:
        return None
    if base.kind != "district" or match[2] not in {"含", "包括", "包含"}:
        # the part before the parenthesis is known: the hint must name it and nothing else
        note = f"{match[2]}{match[3]}"
        zones = [r for r in _regions() if r.kind == "special_zone" and base.name in r.within]
        forms = "、".join([f"“{base.name}”"] + [f"“{base.name}(含{z.name})”" for z in zones])
        raise CleanError(
            f"“{raw}”:括号前的名称是{base.name},括号中的“{note}”无法识别",
            f"{forms};区县名称后的括号只用于“含”某个位于该区县内的特殊功能区",
        )
    included: list[str] = []
    for part in filter(None, _ZONE_SEPARATORS.split(match[3])):
        zone = _lookup(part)
        if zone is None or zone.kind != "special_zone":
            raise CleanError(
                f"“{raw}”:括号中的“{part}”不是特殊功能区,{base.name}的数值只能注明含某个位于其境内的特殊功能区",
                f"“{base.name}”,或“{base.name}(含特殊功能区名称)”",
            )
        if base.name not in zone.within:
            raise CleanError(
                f"“{raw}”:{zone.name}不在{base.name}境内,{base.name}的数值不可能含{zone.name}({zone.rule})",
                f"“{base.name}”;{zone.name}位于{'、'.join(zone.within)}境内",
            )
        included.append(zone.name)
    return DistrictName(base.name, base.code, base.kind, base.short, raw, tuple(dict.fromkeys(included)))


def normalise_district(name: str) -> DistrictName:
    """The official 区县 name and code for any usual spelling, or a special zone, cluster total or 全市.

    The statistics bureau's form for a district figure that includes a special zone lying within the
    district (“綦江区(含万盛经开区)”, “綦江(含万盛)”, “綦江区（含万盛）”) gives the district with
    ``includes`` set; a zone that does not lie within that district is refused, naming both and the
    zone's rule. Unknown names raise :class:`CleanError` quoting the name and suggesting the closest
    official names — never a different unit from the name before a parenthesis.
    """
    if name is None or (isinstance(name, float) and math.isnan(name)):
        raise CleanError("区县名称为空", _NAME_EXPECTED)
    raw = str(name)
    key = _fold(raw)
    if not key:
        raise CleanError(f"区县名称为空(“{raw}”)", _NAME_EXPECTED)
    region = _lookup(key)
    if region is None:
        resolved = _with_zones(raw, key)
        if resolved is not None:
            return resolved
        # “某某(含…)”: the part before the parenthesis is a 区县, so only 区县 are suggested, and only for
        # that part — never the zone inside the parenthesis
        # A parenthesis after a name qualifies that name (“綦江区(不含万盛)”, “主城区(合计)”): suggestions
        # are for the part before it only, and never a special zone — the qualifier may name one
        # (万盛), the unit before it is not one.
        before, paren, inside = key.partition("(")
        if paren and before and inside.startswith(("含", "包括", "包含")):
            close = _suggestions(before, kinds=("district",))
        elif paren and before:
            close = _suggestions(before, kinds=("district", "cluster_total", "municipality"))
        else:
            close = _suggestions(key)
        hint = f";最接近的标准名称:{'、'.join(close)}" if close else ""
        raise CleanError(f"“{raw}”不是已知的区县或区域名称{hint}", _NAME_EXPECTED)
    return DistrictName(region.name, region.code, region.kind, region.short, raw)


@functools.cache
def _district_frame() -> pd.DataFrame:
    import pandas as pd

    rows = [
        {"name": r.name, "code": r.code, "short": r.short, "kind": r.kind,
         "within": "、".join(r.within) or None, "rule": r.rule,
         "groupings": "、".join(r.groupings) or None, "members": "、".join(r.members) or None}
        for r in _regions()
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["name", "code", "short", "kind", "within", "rule", "groupings", "members"])


def district_table() -> pd.DataFrame:
    """Every name in districts.yaml: name, code, short, kind, within, rule, groupings and members.

    The 38 区县 (kind "district") come first; special zones, cluster totals and 全市 follow with the
    rule for using their figures. ``within`` (special zones), ``groupings`` (cluster totals: the ids of
    :func:`district_groupings` they belong to) and ``members`` (cluster totals whose members are listed
    in districts.yaml: the spatial2024 ones) are “、”-separated names or None. A copy, so callers may
    modify it.
    """
    return _district_frame().copy()


def district_groupings() -> dict[str, dict[str, str]]:
    """The groupings of 区县 into clusters (districts.yaml ``groupings``): id → {name, source, note}.

    ``plan2020`` is the plan's 一区两群 (members in data/raw/district/clusters.csv); ``spatial2024`` is
    the 2024 spatial plan's grouping that the yearbooks use (members in :func:`district_table`).
    """
    spec = yaml.safe_load(_DISTRICTS_FILE.read_text(encoding="utf-8"))
    return {str(k): {f: str(v.get(f) or "").strip() for f in ("name", "source", "note")}
            for k, v in (spec.get("groupings") or {}).items()}  # fmt: skip
