"""Numbers as bulletins print them: bounds, approximations, ranges, units and footnote markers kept apart.

:func:`parse_number` reads one cell (“70.67”, “约75万人”, “300万人以上”, “3—5个”, “一百二十”, “70.67①”) into a
:class:`ParsedNumber`; nothing is guessed silently: a bound, an approximation or a range is a flag, a
footnote marker after the number is split off (:func:`split_footnote`), and no normalisation ever turns a
marker, a superscript or a fraction sign into a digit. :func:`convert_unit` converts within one family
of units (人 ↔ 万人, 元 ↔ 亿元). All functions are pure; a cell that cannot be read raises
:class:`planlib.errors.CleanError` quoting it and saying what would be accepted.
"""

from __future__ import annotations

import functools
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from planlib.errors import CleanError
from planlib.inputs.text import fold

__all__ = ["ParsedNumber", "convert_unit", "digit_lookalike", "family_units", "lookalike_error", "parse_number",
           "split_footnote", "unit_scale"]


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
def digit_lookalike(char: str) -> bool:
    """True for a character NFKC would turn into (or that stands for) a digit without being one. The digits
    of Chinese numerals (〇 is category Nl) are not look-alikes: they are read as numerals."""
    if char.isascii() or unicodedata.category(char) == "Nd" or char in _CN_DIGITS:
        return False
    if unicodedata.category(char) in {"No", "Nl"}:
        return True
    return any("0" <= c <= "9" for c in unicodedata.normalize("NFKC", char))


def _is_marker(char: str) -> bool:
    """A numbered mark (①, ⑴, ⒈, ❶, ¹, ₁, ⓪, Ⅻ …): a whole-number value, not a fraction."""
    if not digit_lookalike(char):
        return False
    number = unicodedata.numeric(char, None)
    return number is not None and float(number).is_integer()


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9" or unicodedata.category(char) == "Nd"


def lookalike_error(raw: str, char: str, what: str = "", expected: str = _LOOKALIKE_EXPECTED) -> CleanError:
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
    return char == "²" and fold(before).lower().endswith("km")


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
        if digit_lookalike(char) and not _unit_symbol(char, text[:position]):
            raise lookalike_error(raw, char)
    return text, footnote



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
    text = fold(body)
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
    folded = fold(str(unit))
    return _UNIT_SYNONYMS.get(folded, folded)


def unit_scale(unit: str) -> tuple[str, int] | None:
    """A unit's family and its power of ten against the family's base unit: 万人 → ("persons", 4),
    亿元 → ("yuan", 8), % → ("share", -2); None for a unit planlib does not know."""
    return _UNIT_SCALE.get(_canonical_unit(unit))


def family_units(unit: str) -> list[tuple[str, int]]:
    """The units of ``unit``'s family with their powers of ten, smallest first (人 → [(人, 0), (名, 0), (万人, 4)]);
    [] for an unknown unit."""
    scale = unit_scale(unit)
    if scale is None:
        return []
    return sorted(((u, p) for u, (f, p) in _UNIT_SCALE.items() if f == scale[0]), key=lambda x: x[1])


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
