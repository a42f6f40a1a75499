"""Turning what researchers paste from bulletins into numbers, periods and official district names.

Pure functions (apart from :func:`read_table`): a cell in, a value out, or a :class:`CleanError` that
quotes the cell and says what would be accepted.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import functools
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from planlib.errors import CleanError

if TYPE_CHECKING:
    import pandas as pd

DISTRICTS_FILE = Path(__file__).parent / "districts.yaml"

# ------------------------------------------------------------------ numbers

MISSING_MARKERS = {
    "", "-", "--", "—", "——", "–", "N/A", "NA", "n/a", "na", "暂无", "无", "...", "…", "……", "/", "空", "缺",
}
# longest first, so 万人次 wins over 万人 and 人次 over 人
UNITS = sorted(
    ["万人次", "个百分点", "百分点", "平方公里", "万人", "亿元", "万元", "人次", "万个", "场次", "万户", "万家",
     "元", "人", "%", "‰", "家", "场", "个", "年", "户", "项", "次", "所", "名", "万", "亿"],
    key=len, reverse=True,
)  # fmt: skip
# Bounds are kept as a flag, never dropped. 以上/不少于/不低于/≥ include the number; 超过/逾/突破/多/余 do not.
BOUND_PREFIXES = [(">=", ">="), ("≥", ">="), ("<=", "<="), ("≤", "<="), (">", ">"), ("<", "<"), ("超过", ">"),
                  ("突破", ">"), ("逾", ">"), ("不少于", ">="), ("不低于", ">="), ("不超过", "<="),
                  ("不高于", "<="), ("高于", ">"), ("低于", "<")]  # fmt: skip
BOUND_SUFFIXES = [("以上", ">="), ("以内", "<="), ("以下", "<="), ("多", ">"), ("余", ">")]
APPROX_PREFIXES = ("大约", "将近", "约", "近")
APPROX_SUFFIXES = ("左右", "上下")
DIRECTION_WORDS = ("下降", "上升", "增长", "减少", "提高", "降低", "增加", "回落", "同比", "环比")
_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(?:—|–|-|~|至|到)\s*(-?\d+(?:\.\d+)?)$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = set(_CN_DIGITS) | set(_CN_UNITS) | set(_CN_BIG) | {"点"}
NUMBER_EXPECTED = "一个数字,可带单位和修饰,如 70.67、７０．６７、1,234、约75万人、300以上、3—5个、5.5%"


@dataclass(frozen=True)
class ParsedNumber:
    value: float | None
    low: float | None
    high: float | None
    bound: str | None
    approx: bool
    unit: str | None
    raw: str

    @property
    def missing(self) -> bool:
        return self.value is None and self.low is None


def _normalise(text: str) -> str:
    # NFKC turns full-width digits, letters and punctuation (０-９ ． ， ％ ～) into ASCII
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


def chinese_numeral(text: str) -> float:
    """'三' → 3, '十二' → 12, '一百二十' → 120, '两万三千' → 23000, '三点五' → 3.5."""
    if not text or any(c not in _CN_CHARS for c in text) or not any(c in _CN_DIGITS or c in _CN_UNITS for c in text):
        # "万" or "点" alone is not a number (a bare unit such as "万人" must not read as 0)
        raise CleanError(f"“{text}”不是中文数字", NUMBER_EXPECTED)
    scale = 1
    if "点" in text and text[-1] in _CN_BIG:  # 七十点六七万
        scale, text = _CN_BIG[text[-1]], text[:-1]
    integer, _, decimals = text.partition("点")
    total, section, digit = 0, 0, None
    for char in integer:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            total = (total + section) * _CN_BIG[char]
            section, digit = 0, None
    value = float(total + section + (digit or 0))
    if decimals:
        if any(c not in _CN_DIGITS for c in decimals):
            raise CleanError(f"“{text}”的小数部分无法识别", NUMBER_EXPECTED)
        value += float("0." + "".join(str(_CN_DIGITS[c]) for c in decimals))
    return value * scale


def _to_float(text: str, raw: str) -> float:
    if _NUMBER.match(text):
        return float(text)
    if text and all(c in _CN_CHARS for c in text):
        try:
            return chinese_numeral(text)
        except CleanError:
            pass  # fall through: report the whole cell, not the fragment left after removing the unit
    raise CleanError(f"无法识别的数值“{raw}”", NUMBER_EXPECTED)


def parse_number(cell: Any) -> ParsedNumber:
    """Parse one cell into a number, keeping bounds, ranges, approximation and the unit written with it."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ParsedNumber(None, None, None, None, False, None, "")
    if isinstance(cell, bool):
        raise CleanError(f"“{cell}”不是数值", NUMBER_EXPECTED)
    if isinstance(cell, int | float):
        return ParsedNumber(float(cell), None, None, None, False, None, str(cell))
    raw = str(cell)
    text = _normalise(raw)
    if text in MISSING_MARKERS:
        return ParsedNumber(None, None, None, None, False, None, raw)
    if any(word in text for word in DIRECTION_WORDS):
        raise CleanError(f"“{raw}”描述的是变化,不是数值", "数值本身(如 5.3);变化量请先换算成水平值再填写")
    approx, bound, unit = False, None, None
    for prefix in APPROX_PREFIXES:
        if text.startswith(prefix):
            approx, text = True, text[len(prefix):]
            break
    for prefix, sign in BOUND_PREFIXES:
        if text.startswith(prefix):
            bound, text = sign, text[len(prefix):]
            break
    changed = True
    while changed:  # suffixes may stack: "300万人以上", "75万左右"
        changed = False
        for suffix in APPROX_SUFFIXES:
            if text.endswith(suffix):
                approx, text, changed = True, text[: -len(suffix)], True
        for suffix, sign in BOUND_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                bound, text, changed = bound or sign, text[: -len(suffix)], True
        if unit is None:
            for candidate in UNITS:
                rest = text[: -len(candidate)]
                # a trailing 万/亿 after Chinese numerals is part of the numeral, not a unit
                numeral_tail = rest and rest[-1] in _CN_CHARS
                if candidate in ("万", "亿") and numeral_tail:
                    continue
                if text.endswith(candidate) and rest and (rest[-1].isdigit() or rest[-1] in "%.多余" or numeral_tail):
                    unit, text, changed = candidate, rest, True
                    break
    text = _THOUSANDS.sub("", text)
    if text.endswith("."):
        raise CleanError(f"无法识别的数值“{raw}”", NUMBER_EXPECTED)
    match = _RANGE.match(text)
    if match:
        low, high = float(match.group(1)), float(match.group(2))
        if low > high:
            raise CleanError(f"区间“{raw}”的下限大于上限", "如 3—5(小数在前)")
        return ParsedNumber(None, low, high, bound, approx, unit, raw)
    if not text:
        raise CleanError(f"“{raw}”中没有数字", NUMBER_EXPECTED)
    return ParsedNumber(_to_float(text, raw), None, None, bound, approx, unit, raw)


# Conversion factors to a base unit within each family.
_UNIT_FAMILY = {
    "人": ("persons", 1), "万人": ("persons", 1e4),
    "人次": ("visits", 1), "万人次": ("visits", 1e4),
    "元": ("yuan", 1), "万元": ("yuan", 1e4), "亿元": ("yuan", 1e8),
    "个": ("count", 1), "万个": ("count", 1e4), "家": ("firms", 1), "万家": ("firms", 1e4),
    "户": ("households", 1), "万户": ("households", 1e4),
    "%": ("percent", 1), "个百分点": ("pp", 1), "百分点": ("pp", 1), "‰": ("permille", 1),
    "场": ("events", 1), "场次": ("events", 1), "年": ("years", 1), "平方公里": ("km2", 1),
}  # fmt: skip


def convert_unit(value: float, from_unit: str, to_unit: str) -> float:
    """Convert between units of one family (人 ↔ 万人, 元 ↔ 万元 ↔ 亿元 …)."""
    if from_unit == to_unit:
        return value
    a, b = _UNIT_FAMILY.get(from_unit), _UNIT_FAMILY.get(to_unit)
    if a is None or b is None or a[0] != b[0]:
        raise CleanError(f"单位“{from_unit}”不能换算为“{to_unit}”", f"与“{to_unit}”同类的单位")
    return value * a[1] / b[1]


# ------------------------------------------------------------------ periods

PERIOD_TYPES = ("full_year", "year_end", "partial_year", "multi_year", "census_date", "as_of", "static")
ANNUAL_TYPES = frozenset({"full_year", "year_end"})
PERIOD_EXPECTED = (
    "年份或时期,如 2023、2023年、2023年末、2023年1—9月、2023年上半年、2016-2020、2023 (Jan-Sep)、"
    "2022 (end-Jun)、2021-2025 (as of 2025-10-10)、2020 (census, 1 Nov)"
)
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_DASH = r"\s*(?:-|—|–|~|至|到)\s*"


@dataclass(frozen=True)
class Period:
    year: int | None
    start: dt.date | None
    end: dt.date | None
    period_type: str
    label: str
    raw: str


def is_annual(period: Period) -> bool:
    """May this period's value serve as the year's value? (full year, or year-end for stocks)"""
    return period.period_type in ANNUAL_TYPES


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str, raw: str) -> int:
    value = int(text)
    if not 1949 <= value <= 2100:
        raise CleanError(f"年份“{raw}”不合理", PERIOD_EXPECTED)
    return value


def _months(y: int, m1: int, m2: int, raw: str) -> Period:
    if not (1 <= m1 <= m2 <= 12):
        raise CleanError(f"月份范围“{raw}”不合理", PERIOD_EXPECTED)
    if m1 == 1 and m2 == 12:
        return Period(y, dt.date(y, 1, 1), dt.date(y, 12, 31), "full_year", f"{y}年", raw)
    label = f"{y}年{m1}月" if m1 == m2 else f"{y}年{m1}—{m2}月"
    return Period(y, dt.date(y, m1, 1), _month_end(y, m2), "partial_year", label, raw)


def _month_end_point(y: int, m: int, raw: str) -> Period:
    if m == 12:
        return Period(y, dt.date(y, 12, 31), dt.date(y, 12, 31), "year_end", f"{y}年末", raw)
    day = _month_end(y, m)
    return Period(y, day, day, "partial_year", f"{y}年{m}月末", raw)


def _qualified(y1: int, y2: int | None, qual: str, raw: str, kind: str | None) -> Period:
    q = qual.strip().lower()
    span = f"{y1}—{y2}年" if y2 else f"{y1}年"
    if m := re.fullmatch(r"as of (\d{4})-(\d{2})-(\d{2})", q):
        end = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return Period(None if y2 else y1, dt.date(y1, 1, 1), end, "as_of", f"{span}累计(截至{end.isoformat()})", raw)
    if "reply" in q or "to date" in q:
        return Period(None, dt.date(y1, 1, 1), dt.date(y2 or y1, 12, 31), "as_of", f"{span}累计(截至答复日)", raw)
    if "avg" in q or "average" in q:
        return Period(None, dt.date(y1, 1, 1), dt.date(y2 or y1, 12, 31), "multi_year", f"{span}平均", raw)
    if y2 is not None:
        raise CleanError(f"无法识别的时期“{raw}”", PERIOD_EXPECTED)
    if m := re.fullmatch(r"census,?\s*(\d{1,2})\s*([a-z]{3})", q):
        day = dt.date(y1, _MONTHS[m[2]], int(m[1]))
        return Period(y1, day, day, "census_date", f"{day.year}年{day.month}月{day.day}日(普查)", raw)
    if m := re.fullmatch(r"([a-z]{3})\s*-\s*([a-z]{3})", q):
        if m[1] in _MONTHS and m[2] in _MONTHS:
            return _months(y1, _MONTHS[m[1]], _MONTHS[m[2]], raw)
    if m := re.fullmatch(r"end-([a-z]{3})", q):
        if m[1] in _MONTHS:
            return _month_end_point(y1, _MONTHS[m[1]], raw)
    if q in _MONTHS:
        return _months(y1, _MONTHS[q], _MONTHS[q], raw)
    if m := re.fullmatch(r"h([12])", q):
        return _months(y1, 1, 6, raw) if m[1] == "1" else _months(y1, 7, 12, raw)
    if m := re.fullmatch(r"q([1-4])", q):
        quarter = int(m[1])
        return _months(y1, 3 * quarter - 2, 3 * quarter, raw)
    raise CleanError(f"无法识别的时期“{raw}”", PERIOD_EXPECTED)


_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def parse_period(text: str | int, year: str | int | None = None, *, kind: str | None = None) -> Period:
    """Parse a period as written into year, start, end, type and a Chinese label.

    ``year`` is given when ``text`` is a period word from a separate column (``annual``, ``year-end``,
    ``census-date (2020-11-01)``, ``static``). ``kind`` (``annual``, ``cumulative``, ``rate``,
    ``year_end``) tells a bare year holding a year-end stock from a whole-year flow.
    """
    raw = str(text)
    t = _normalise(raw).replace("年度", "年")
    t_spaced = unicodedata.normalize("NFKC", raw).strip()
    if t in {"static", "(static)", "无时间"}:
        return Period(None, None, None, "static", "(无时间)", raw)
    if year is not None and str(year).strip() not in {"", "(static)"}:
        y = _year(str(year).strip(), str(year))
        low = t.lower()
        if low in {"annual", "全年"}:
            return Period(y, dt.date(y, 1, 1), dt.date(y, 12, 31), "full_year", f"{y}年", raw)
        if low in {"year-end", "year_end", "年末", "年底"}:
            return Period(y, dt.date(y, 12, 31), dt.date(y, 12, 31), "year_end", f"{y}年末", raw)
        if m := re.fullmatch(r"census-date\((\d{4})-(\d{2})-(\d{2})\)", low):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return Period(day.year, day, day, "census_date", f"{day.year}年{day.month}月{day.day}日(普查)", raw)
        # otherwise the period column holds a full period of its own
    if m := re.fullmatch(r"(\d{4})年?", t):
        y = _year(m[1], raw)
        if kind == "year_end":
            return Period(y, dt.date(y, 12, 31), dt.date(y, 12, 31), "year_end", f"{y}年末", raw)
        return Period(y, dt.date(y, 1, 1), dt.date(y, 12, 31), "full_year", f"{y}年", raw)
    if m := re.fullmatch(r"(\d{4})年?" + _DASH + r"(\d{4})年?(累计|合计)?", t):
        y1, y2 = _year(m[1], raw), _year(m[2], raw)
        if y2 <= y1:
            raise CleanError(f"时期“{raw}”的结束年份不晚于开始年份", PERIOD_EXPECTED)
        label = f"{y1}—{y2}年" + ("累计" if kind == "cumulative" or m[3] else "")
        return Period(None, dt.date(y1, 1, 1), dt.date(y2, 12, 31), "multi_year", label, raw)
    if m := re.fullmatch(r"(\d{4})(?:\s*[-—–]\s*(\d{4}))?\s*\((.+)\)", t_spaced):
        y1 = _year(m[1], raw)
        y2 = _year(m[2], raw) if m[2] else None
        return _qualified(y1, y2, m[3], raw, kind)
    if m := re.fullmatch(r"(\d{4})年(全年)", t):
        y = _year(m[1], raw)
        return Period(y, dt.date(y, 1, 1), dt.date(y, 12, 31), "full_year", f"{y}年", raw)
    if m := re.fullmatch(r"(\d{4})年(末|底|年末|年底)", t):
        y = _year(m[1], raw)
        return Period(y, dt.date(y, 12, 31), dt.date(y, 12, 31), "year_end", f"{y}年末", raw)
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})" + _DASH + r"(\d{1,2})月", t):
        return _months(_year(m[1], raw), int(m[2]), int(m[3]), raw)
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})月(末|底)", t):
        return _month_end_point(_year(m[1], raw), int(m[2]), raw)
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})月", t):
        return _months(_year(m[1], raw), int(m[2]), int(m[2]), raw)
    if m := re.fullmatch(r"(\d{4})年(上|下)半年", t):
        y = _year(m[1], raw)
        return _months(y, 1, 6, raw) if m[2] == "上" else _months(y, 7, 12, raw)
    if m := re.fullmatch(r"(\d{4})年第?([一二三四1-4])季度", t):
        q = _CN_QUARTER[m[2]]
        return _months(_year(m[1], raw), 3 * q - 2, 3 * q, raw)
    if m := re.fullmatch(r"(\d{4})年前([一二三])季度", t):
        return _months(_year(m[1], raw), 1, 3 * _CN_QUARTER[m[2]], raw)
    if m := re.fullmatch(r"截至(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?", t):
        y, mo = _year(m[1], raw), int(m[2])
        end = dt.date(y, mo, int(m[3])) if m[3] else _month_end(y, mo)
        return Period(None, None, end, "as_of", f"截至{end.isoformat()}累计", raw)
    raise CleanError(f"无法识别的时期“{raw}”", PERIOD_EXPECTED)


# ------------------------------------------------------------------ files


def read_table(path: Path | str) -> pd.DataFrame:
    """Read a CSV in UTF-8, UTF-8 with BOM or GB18030/GBK; every cell as text, headers stripped."""
    import pandas as pd

    path = Path(path)
    name = path.name
    if path.suffix.lower() in {".xlsx", ".xls", ".ods"}:
        raise CleanError(f"{name} 是电子表格文件,planlib 只读 CSV", "在表格软件中“另存为 CSV(UTF-8)”后再使用")
    data = path.read_bytes()
    if not data.strip():
        raise CleanError(f"{name} 是空文件", "第一行为表头的 CSV 文件")
    if b"\x00" in data:
        raise CleanError(f"{name} 含有二进制内容,不是文本 CSV", "文本格式的 CSV 文件")
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            error = exc
    if text is None:
        expected = "UTF-8、带 BOM 的 UTF-8 或 GB18030/GBK 编码"
        raise CleanError(f"{name} 的编码无法识别(第 {error.start} 字节处)", expected)
    if any(unicodedata.category(c) == "Co" for c in text[:20000]):  # private-use: wrong-codec mojibake
        raise CleanError(f"{name} 解码后出现异常字符,编码可能有误", "UTF-8、带 BOM 的 UTF-8 或 GB18030/GBK 编码")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise CleanError(f"{name} 不是格式正确的 CSV:{exc}", "每行列数与表头一致;含逗号的单元格加英文双引号") from None
    except pd.errors.EmptyDataError:
        raise CleanError(f"{name} 没有表头", "第一行为表头的 CSV 文件") from None
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    return frame


# ------------------------------------------------------------------ district names


@dataclass(frozen=True)
class DistrictName:
    name: str
    code: str | None
    kind: str  # district | special_zone | cluster_total | municipality
    short: str | None
    raw: str


@functools.cache
def _district_index() -> dict[str, DistrictName]:
    spec = yaml.safe_load(DISTRICTS_FILE.read_text(encoding="utf-8"))
    index: dict[str, DistrictName] = {}

    def add(key: str, value: DistrictName) -> None:
        key = _normalise(key)
        if key in index and index[key].name != value.name:
            raise ValueError(f"{DISTRICTS_FILE}: 别名“{key}”同时指向 {index[key].name} 和 {value.name}")
        index[key] = value

    for d in spec["districts"]:
        entry = DistrictName(d["name"], str(d["code"]), "district", d["short"], d["name"])
        for key in [d["name"], *d.get("aliases", [])]:
            add(key, entry)
    for z in spec["special_zones"]:
        entry = DistrictName(z["name"], None, "special_zone", z["name"], z["name"])
        for key in [z["name"], *z.get("aliases", [])]:
            add(key, entry)
    for c in spec["cluster_totals"]:
        entry = DistrictName(c["name"], None, "cluster_total", c["name"], c["name"])
        for key in [c["name"], *c.get("aliases", [])]:
            add(key, entry)
    muni = spec["municipality"]
    entry = DistrictName(muni["name"], None, "municipality", muni["name"], muni["name"])
    for key in [muni["name"], *muni.get("aliases", [])]:
        add(key, entry)
    return index


def normalise_district(name: str) -> DistrictName:
    """An official 区县 name (or a special zone, cluster total, 全市) for any usual spelling."""
    raw = str(name)
    key = _normalise(raw).replace("（", "(").replace("）", ")")
    index = _district_index()
    if key in index:
        found = index[key]
        return DistrictName(found.name, found.code, found.kind, found.short, raw)
    official = sorted({v.name for v in index.values() if v.kind == "district"})
    close = difflib.get_close_matches(key, official, n=3, cutoff=0.5)
    hint = f";是否指:{'、'.join(close)}?" if close else ""
    raise CleanError(f"“{raw}”不是重庆市的区县名称{hint}", "38 个区县的标准名称或常用简称(如 万州、石柱县),或 全市")


def district_table() -> pd.DataFrame:
    """The 38 区县 and the non-区县 names with their rule, as a frame (name, code, short, kind, within, rule)."""
    import pandas as pd

    spec = yaml.safe_load(DISTRICTS_FILE.read_text(encoding="utf-8"))
    rows = [{"name": d["name"], "code": str(d["code"]), "short": d["short"], "kind": "district", "within": None,
             "rule": None} for d in spec["districts"]]  # fmt: skip
    rows += [{"name": z["name"], "code": None, "short": z["name"], "kind": "special_zone",
              "within": "、".join(z["within"]), "rule": z["rule"]} for z in spec["special_zones"]]  # fmt: skip
    return pd.DataFrame(rows)
