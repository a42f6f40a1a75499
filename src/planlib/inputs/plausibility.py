"""Implausible magnitudes: a level value 10× away from the rest of its series, or outside its unit's range, is refused.

A unit slip — 739000 typed for 73.9 万人, 万元 for 亿元, a misplaced decimal point — passes every rule of
``series.yaml`` ``measures`` (it is not negative, not above 100) but not this one. The rule and its numbers
are data (``settings/plausibility.yaml``):

* **the series' own history**: a value of a count, stock, amount or level series that is more than
  ``factor`` (10) times larger or smaller than the median of the other values of the same series, region
  and kind of period (a full year with full years, 1—9月 with 1—9月) is refused;
* **the unit's range**: a value above (or below) what any region can reach in its unit (万人 ≤ 150000:
  the country's population) is refused, also where the series has no other value.

Every refusal names both magnitudes and the likely cause, worked out from the units of the series' family
(706700 in 万人 is 706700 人 = 70.67 万人). A real break in a series is accepted only when the row says so:
its note starts with the ``break_marker`` (“序列断点:2023年起按新口径统计”); that value is then judged by its
unit's range only, the values from its period on against each other only, and :func:`break_note` gives the
sentence a report prints beside the value. Shares, rates and growth rates are not judged here (their bounds
are in ``series.yaml``).
"""

from __future__ import annotations

import functools
import math
import re
import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planlib._paths import PACKAGE_DIR
from planlib.errors import DataError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from planlib.inputs.observations import SeriesMap

SETTINGS_FILE = PACKAGE_DIR / "settings" / "plausibility.yaml"
LEVEL_MEASURES = frozenset({"count", "stock", "amount", "level"})  # a growth rate or a share can be small for real
# cumulative totals “as of” a date grow with the date (a month's total beside five years'): not one series
_SKIPPED_PERIODS = frozenset({"as_of"})
_DIGIT_SLIPS = 8  # a value up to 10**8 times off may be digits typed too many or too few; beyond, no guess
WHERE_COLUMN = "_where"  # internal column of a freshly read raw row: (file, sheet, {field: (letter, header)})


@dataclass(frozen=True)
class UnitRange:
    """The values a level in one unit can take for any region (inclusive; None: no bound) and why."""

    low: float | None
    high: float | None
    why: str

    def broken_by(self, value: float) -> bool:
        return (not math.isfinite(value) or (self.low is not None and value < self.low)
                or (self.high is not None and value > self.high))  # fmt: skip

    def shown(self, unit: str) -> str:
        """“0 到 150000 万人之间”, “不大于 10000000 元”."""
        if self.low is not None and self.high is not None:
            return f"{_fmt(self.low)} 到 {_fmt(self.high)} {unit}之间"
        parts = []
        if self.low is not None:
            parts.append(f"不小于 {_fmt(self.low)} {unit}")
        if self.high is not None:
            parts.append(f"不大于 {_fmt(self.high)} {unit}")
        return "、".join(parts)


@dataclass(frozen=True)
class PlausibilitySettings:
    """``settings/plausibility.yaml``: the factor, the break marker and its note, the range of each unit."""

    factor: float
    break_marker: str
    break_note: str
    units: dict[str, UnitRange]


@functools.cache
def load_plausibility_settings(path: Path = SETTINGS_FILE) -> PlausibilitySettings:
    """Read and check ``settings/plausibility.yaml``. Raises :class:`DataError` naming every missing or wrong entry."""
    from planlib._config import load_mapping

    raw = load_mapping(path, "plausibility.yaml:factor、break_marker、break_note、units")
    problems = []
    factor = raw.get("factor")
    if not isinstance(factor, int | float) or isinstance(factor, bool) or not factor > 1:
        problems.append(Problem(file=str(path), entry="factor", problem=f"倍数为 {factor!r}",
                                expected="大于 1 的数字,如 10"))  # fmt: skip
    for key in ("break_marker", "break_note"):
        if not str(raw.get(key) or "").strip():
            problems.append(Problem(file=str(path), entry=key, problem="缺少必填字段"))
    if "{reason}" not in str(raw.get("break_note") or "{reason}"):
        problems.append(Problem(file=str(path), entry="break_note", problem="句子中没有 {reason}",
                                expected="含 {reason} 的句子,如“序列断点:{reason}。”"))  # fmt: skip
    units = {}
    for unit, spec in (raw.get("units") or {}).items():
        bounds = [spec.get(k) for k in ("min", "max")] if isinstance(spec, dict) else [None, None]
        numeric = all(b is None or (isinstance(b, int | float) and not isinstance(b, bool)) for b in bounds)
        why = str(spec.get("why") or "").strip() if isinstance(spec, dict) else ""
        if not numeric or bounds == [None, None] or not why:
            problems.append(Problem(file=str(path), entry=f"units.{unit}", problem="须有 min 或 max(数字)和 why"))
            continue
        low, high = (None if b is None else float(b) for b in bounds)
        units[str(unit)] = UnitRange(low, high, str(spec["why"]).strip())
    if problems:
        raise DataError(problems)
    return PlausibilitySettings(float(factor), str(raw["break_marker"]).strip(), str(raw["break_note"]).strip(), units)


def series_break(note: Any) -> str | None:
    """The reason a row gives for a break in its series — its note starts with the break marker
    (“序列断点:2023年起含两江新区” → “2023年起含两江新区”) — or None. A marker without a reason gives ""."""
    marker = load_plausibility_settings().break_marker
    text = "" if _missing(note) else str(note).strip()
    if not text.startswith(marker):
        return None
    return re.sub(r"^[\s::,,、]+", "", text[len(marker) :]).strip()


def break_note(row: Mapping[str, Any]) -> str | None:
    """The sentence a report prints beside a value whose row declares a series break, or None."""
    reason = series_break(row.get("note"))
    return load_plausibility_settings().break_note.format(reason=reason) if reason else None


@dataclass(frozen=True)
class Slip:
    """One refused value: the tidy row, what it was judged against and the sentence that says so."""

    row: Mapping[str, Any]
    field: str  # the raw column the problem is in: value, or note for a break without a reason
    text: str
    expected: str

    def problem(self) -> Problem:
        """The refusal as a :class:`Problem` placed at its file, sheet, row and column (``_where`` of the row)."""
        from planlib.inputs.observations import SheetProblem

        where = self.row.get(WHERE_COLUMN)
        line = None if _missing(self.row.get("source_line")) else int(self.row["source_line"])
        if isinstance(where, tuple) and where[1] is not None:
            file, sheet, cells = where
            letter, header = cells.get(self.field, (None, self.field))
            return SheetProblem(file=file, sheet=sheet, row=line, field=header, column=letter, problem=self.text,
                                expected=self.expected)  # fmt: skip
        file = where[0] if isinstance(where, tuple) else str(self.row.get("source_file") or "")
        return Problem(file=file, row=line, field=self.field, problem=self.text, expected=self.expected)


def magnitude_slips(
    frame: pd.DataFrame, series: SeriesMap, *, only: Callable[[Mapping[str, Any]], bool] | None = None
) -> list[Slip]:
    """Every value of ``frame`` (tidy rows, all vintages) that the rule refuses, in frame order.

    ``only`` limits the judged rows (the rest still count as the series' history): ``check`` judges the
    rows of the file it checks against everything in ``data/raw``. Values are compared within one
    series, region and kind of period, after the last declared break (see the module docstring); zero is
    never compared (it has no ratio). A row whose note holds the break marker without a reason is refused too.
    """
    settings = load_plausibility_settings()
    records = frame.to_dict("records") if len(frame) else []
    groups: dict[tuple, list[tuple[int, dict, float]]] = defaultdict(list)
    out: list[tuple[int, Slip]] = []
    for index, rec in enumerate(records):
        reason = series_break(rec.get("note"))
        if reason == "" and (only is None or only(rec)):
            out.append((index, Slip(rec, "note", f"说明以“{settings.break_marker}”开头,但没有写明断点的原因",
                                    f"“{settings.break_marker}:”后写明口径怎样变化,如“{settings.break_marker}:"
                                    "2023年起含两江新区”")))  # fmt: skip
        sid = str(rec.get("indicator_id"))
        if sid not in series.series or series.plausibility(sid).measure not in LEVEL_MEASURES:
            continue
        if str(rec.get("period_type")) in _SKIPPED_PERIODS:
            continue
        number = _number(rec)
        if number is None:
            continue
        groups[(sid, rec.get("region"), rec.get("period_type"), _shape(rec))].append((index, rec, number))
    for members in groups.values():
        breaks = sorted({str(rec.get("period_start") or "") for _, rec, _ in members if series_break(rec.get("note"))})
        for index, rec, number in members:
            if only is not None and not only(rec):
                continue
            segment = _segment(rec, breaks)
            others = [n for i, r, n in members if i != index and _segment(r, breaks) == segment and n != 0]
            slip = _judge(rec, number, others, series, settings)
            if slip is not None:
                out.append((index, slip))
    return [slip for _, slip in sorted(out, key=lambda pair: pair[0])]


def _judge(rec: dict, number: float, others: Sequence[float], series: SeriesMap,
           settings: PlausibilitySettings) -> Slip | None:  # fmt: skip
    unit = str(rec.get("unit") or "")
    sid = str(rec["indicator_id"])
    head = f"{series.name(sid)}({sid})·{rec.get('region')}·{rec.get('period_label')}的数值 {_fmt(number)} {unit}"
    marker = settings.break_marker
    expected = (f"核对原文的数值和单位;确是口径变化造成的序列断点时,在说明(note)列以“{marker}:”开头写明原因"
                f"(如“{marker}:2023年起按新口径统计”)")  # fmt: skip
    declared = bool(series_break(rec.get("note")))  # the row says it breaks the series: not judged by its past
    if others and number != 0 and math.isfinite(number) and not declared:
        median = statistics.median(others)
        ratio = number / median if median else math.inf
        same_sign = (number > 0) == (median > 0)  # levels are never negative; the measure rule says so first
        if median and same_sign and (ratio > settings.factor or ratio < 1 / settings.factor):
            times = f"{_times(ratio)} 倍" if ratio >= 1 else f"1/{_times(median / number)}"
            count = f"共 {len(others)} 个" if len(others) > 1 else "只有 1 个"
            text = (f"{head}与同一序列其他数值的中位数 {_fmt(median)} {unit}({count})相差超过 "
                    f"{_fmt(settings.factor)} 倍(是其 {times}):{_cause(rec, number, ratio, None)}")  # fmt: skip
            return Slip(rec, "value", text, expected)
    bounds = settings.units.get(unit)
    if bounds is not None and bounds.broken_by(number):
        text = (f"{head}超出以“{unit}”计的数值可能的范围({bounds.shown(unit)}:{bounds.why}):"
                f"{_cause(rec, number, None, bounds)}")  # fmt: skip
        return Slip(rec, "value", text, expected)
    if not math.isfinite(number):
        return Slip(rec, "value", f"{head}超出可表示的范围", expected)
    return None


def _cause(rec: Mapping[str, Any], number: float, ratio: float | None, bounds: UnitRange | None) -> str:
    """The likely cause in words: the unit the number seems to be in (万 vs 人, 亿 vs 万), or a digit slip."""
    from planlib.inputs.numbers import family_units, unit_scale

    unit = str(rec.get("unit") or "")
    written = str(rec.get("published_unit") or "") or unit
    own, pub = unit_scale(unit), unit_scale(written)
    if own is None or pub is None or own[0] != pub[0] or not math.isfinite(number):
        return "请核对数值和单位"
    typed = number * 10.0 ** (own[1] - pub[1])  # the number as written, in its written unit
    candidates = [(u, p) for u, p in family_units(unit) if p != pub[1]]
    if ratio is not None:
        if not 0 < ratio < math.inf:  # a denormal against a normal value: no unit explains it
            return "请核对数值和单位"
        shift = round(math.log10(ratio))  # the number reads as if its unit were 10**shift times smaller
        match = [u for u, p in candidates if p == pub[1] - shift]
        if match:
            return _unit_sentence(typed, written, match[0], pub[1] - shift, unit, own[1])
        if abs(shift) <= _DIGIT_SLIPS:
            return f"可能{'多' if shift > 0 else '少'}写了 {abs(shift)} 位数字,或小数点位置不对"
        return "请核对数值和单位"
    for u, p in sorted((c for c in candidates if c[1] < pub[1]), key=lambda c: -c[1]):  # the smallest shift first
        if bounds is not None and not bounds.broken_by(typed * 10.0 ** (p - own[1])):
            return _unit_sentence(typed, written, u, p, unit, own[1])
    return "请核对数值和单位"


def _unit_sentence(typed: float, written: str, seems: str, seems_power: int, unit: str, unit_power: int) -> str:
    meant = typed * 10.0 ** (seems_power - unit_power)
    return (f"可能是单位写错了——{_fmt(typed)} 像是以“{seems}”计,而不是“{written}”"
            f"({_fmt(typed)} {seems} = {_fmt(meant)} {unit})")


def _number(rec: Mapping[str, Any]) -> float | None:
    """The row's value, or the middle of its range; None when it has neither."""
    if not _missing(rec.get("value")):
        return float(rec["value"])
    low, high = rec.get("value_low"), rec.get("value_high")
    if _missing(low) or _missing(high):
        return None
    return (float(low) + float(high)) / 2


def _shape(rec: Mapping[str, Any]) -> tuple:
    """Which periods are alike: every full year (or year end) together; a part of a year or a span of years with
    the same months and length only (1—9月 with 1—9月)."""
    if rec.get("period_type") not in {"partial_year", "multi_year"}:
        return ()
    start, end = str(rec.get("period_start") or ""), str(rec.get("period_end") or "")
    years = int(end[:4]) - int(start[:4]) if start[:4].isdigit() and end[:4].isdigit() else None
    return start[5:], end[5:], years


def _segment(rec: Mapping[str, Any], breaks: list[str]) -> str:
    """The declared break a row's period follows ("" before the first one)."""
    start = str(rec.get("period_start") or "")
    return max((b for b in breaks if b <= start), default="")


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or type(x).__name__ in {"NAType", "NaTType"}


def _times(x: float) -> str:
    """A ratio for a sentence: 9762, 17.6, 10.5 (three significant digits; an exponent only from a million on;
    a ratio beyond a float, 70 against 1e-320, as 7e+321)."""
    if not math.isfinite(x):
        return "1e+308 以上"
    return str(round(x)) if 100 <= x < 1e6 else f"{x:.3g}"


def _fmt(x: float) -> str:
    """A number without a float's noise (70.67, 739000, 0.007067, 1e+308)."""
    if not math.isfinite(x):
        return "无穷大" if x > 0 else "负无穷大"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return format(x, ".10g")
