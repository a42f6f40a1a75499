"""Live figures in the analysts' prose: ``{{kind target …}}`` filled from the report's own assessment.

An author never types a number: she writes a reference, and planlib fills it from the same assessment the
report's tables use (:func:`planlib.indicators.assessment.assess`, the report's ``ctx.assessment``), formatted
as the tables format it (:func:`planlib.presentation.tables.fmt_number`, ``fmt_percent``, ``target_text``).
``target`` is a target's id (``urban_new_jobs``) or its name in the plan (``城镇新增就业``).

=========================================  =====================================================  ============
Reference                                  Filled with                                            Example
=========================================  =====================================================  ============
``{{name T}}``                             the target's name                                      城镇新增就业
``{{latest T}}``                           latest full-year value, marks († ‡), unit              71.9万人
``{{latest_year T}}``                      the year of that value                                 2024年
``{{cumulative T}}``                       five-year total so far, marks, unit                    291.57万人
``{{completion T}}``                       completion share                                       97.2%
``{{status T}}``                           the class the tables show                              提前完成（2023年）
``{{target T}}``                           the target as the tables write it                      ≥300万人（五年累计）
``{{required_pace T}}``                    what each remaining year needs                         8.43 万人/年
``{{time_progress}}``                      序时进度 of the report year                             80.0%
``{{value S YEAR}}``                       全市 full-year value of series S in YEAR, unit          5.3%
``{{district D S [YEAR]}}``                district D's value of series S (default: report year)  1,123.5亿元
``{{change S [YEAR]}}``                    change on the year before                              增加1.2万人
``{{national S [YEAR]}}``                  the national (全国) value of series S                  5.1%
=========================================  =====================================================  ============

Adding ``| 或数据暂缺`` (``{{latest T | 或数据暂缺}}``) lets a missing value read 数据暂缺; without it a missing
value is an error, so an author learns that her sentence has no figure behind it. A year after the report's
``as_of`` is an error (the report cannot know it). Errors are :class:`ReferenceProblem` (problem, expected);
the caller names the file and line.

Imports: :mod:`planlib._values`, :mod:`planlib.indicators.assessment` and :mod:`planlib.presentation`
(``cells``, ``narrative``, ``tables``); nothing of the sections or publish layers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planlib._values import is_missing
from planlib.indicators import assessment as A
from planlib.presentation.cells import marks_after
from planlib.presentation.narrative import status_text, target_text
from planlib.presentation.tables import MISSING_TEXT, fmt_number, fmt_percent

if TYPE_CHECKING:
    import pandas as pd

REFERENCE = re.compile(r"\{\{(.*?)\}\}")
ALLOW_MISSING = "或数据暂缺"


class ReferenceProblem(ValueError):
    """A reference that cannot be filled: ``problem`` and ``expected`` as :class:`planlib.errors.Problem` words."""

    def __init__(self, problem: str, expected: str | None = None):
        self.problem, self.expected = problem, expected
        super().__init__(problem if not expected else f"{problem};应为:{expected}")


@dataclass(frozen=True)
class Facts:
    """What references read: the plan, the assessment of the report year, the observations the report may
    see (periods ending by the end of ``as_of``) and ``as_of``."""

    plan: Any
    assessment: pd.DataFrame
    observations: pd.DataFrame
    as_of: int


@dataclass(frozen=True)
class Filled:
    text: str  # plain text (the caller escapes it)
    marks: str = ""  # † ‡ printed with the value (the report's legend must explain them)


# kind → (number of arguments after the kind: min, max, what they are)
KINDS: dict[str, tuple[int, int, str]] = {
    "name": (1, 1, "指标"), "latest": (1, 1, "指标"), "latest_year": (1, 1, "指标"), "cumulative": (1, 1, "指标"),
    "completion": (1, 1, "指标"), "status": (1, 1, "指标"), "target": (1, 1, "指标"),
    "required_pace": (1, 1, "指标"), "time_progress": (0, 0, ""), "value": (2, 2, "序列 年份"),
    "district": (2, 3, "区县 序列 [年份]"), "change": (1, 2, "序列 [年份]"), "national": (1, 2, "序列 [年份]"),
}  # fmt: skip


def kinds_text() -> str:
    return "、".join(KINDS)


def parse(inner: str) -> tuple[str, list[str], bool]:
    """``'latest urban_new_jobs | 或数据暂缺'`` → ``('latest', ['urban_new_jobs'], True)``.

    Raises :class:`ReferenceProblem` for an empty reference, an unknown kind, a wrong number of arguments or
    an unknown option after ``|``."""
    body, bar, option = inner.partition("|")
    allow = False
    if bar:
        if option.strip() != ALLOW_MISSING:
            raise ReferenceProblem(f"引用“{{{{{inner.strip()}}}}}”中“|”后的“{option.strip()}”无法识别",
                                   f"“| {ALLOW_MISSING}”或不写")  # fmt: skip
        allow = True
    words = body.split()
    if not words:
        raise ReferenceProblem("空的引用“{{}}”", f"{{{{类型 指标}}}}，类型为{kinds_text()}")
    kind, args = words[0], words[1:]
    if kind not in KINDS:
        raise ReferenceProblem(f"未知的引用类型“{kind}”", kinds_text())
    low, high, what = KINDS[kind]
    if not low <= len(args) <= high:
        shown = f"{{{{{kind} {what}}}}}".replace(" }}", "}}")
        raise ReferenceProblem(f"引用“{{{{{body.strip()}}}}}”的参数个数不对", shown)
    return kind, args, allow


def _year(text: str, facts: Facts) -> int:
    if not re.fullmatch(r"\d{4}", text):
        raise ReferenceProblem(f"“{text}”不是年份", "四位数的年份，如 2023")
    year = int(text)
    if year > facts.as_of:
        raise ReferenceProblem(f"引用的年份 {year} 晚于本报告的评估年份 {facts.as_of}",
                               f"{facts.as_of} 年或更早")  # fmt: skip
    return year


def _target(word: str, facts: Facts) -> dict:
    a = facts.assessment
    hit = a[(a["id"] == word) | (a["name"] == word)]
    if hit.empty:
        raise ReferenceProblem(f"引用的指标“{word}”不在规划中", "规划指标或目标的编号或名称（planlib plan -v 列出）")
    return hit.iloc[0].to_dict()


def _series(word: str, facts: Facts) -> str:
    """A series id from an id or a plan name; any series present in the observations is accepted."""
    a = facts.assessment
    hit = a.loc[a["name"] == word, "id"]
    if not hit.empty:
        return str(hit.iloc[0])
    if word in set(a["id"]) or word in set(facts.observations["indicator_id"]):
        return word
    raise ReferenceProblem(f"引用的序列“{word}”不在规划和数据中", "规划指标的编号或名称，或数据中的序列编号")


def _marks(rows: list[dict]) -> str:
    from planlib.indicators.marks import symbols

    return symbols(rows)


def _pace(rec: dict) -> str | None:
    if rec["status"] in (A.DONE, A.EARLY):
        return "已完成目标"
    if is_missing(rec["required_pace"]):
        return None
    return f"{fmt_number(rec['required_pace'])} {rec['required_pace_unit']}"


def _assessed(kind: str, rec: dict) -> Filled | None:
    if kind == "name":
        return Filled(str(rec["name"]))
    if kind == "latest":
        if is_missing(rec["latest_value"]):
            return None
        marks = marks_after(rec, "latest_marks")
        return Filled(f"{fmt_number(rec['latest_value'])}{marks}{rec['unit']}", marks)
    if kind == "latest_year":
        return None if is_missing(rec["latest_year"]) else Filled(f"{int(rec['latest_year'])}年")
    if kind == "cumulative":
        if rec["kind"] != "cumulative":
            raise ReferenceProblem(f"“{rec['name']}”不是五年累计指标，没有累计值", "latest、completion 等引用")
        if is_missing(rec["cumulative"]):
            return None
        marks = marks_after(rec, "marks")
        return Filled(f"{fmt_number(rec['cumulative'])}{marks}{rec['unit']}", marks)
    if kind == "completion":
        return None if is_missing(rec["completion"]) else Filled(fmt_percent(rec["completion"]))
    if kind == "status":
        return None if rec["status"] == A.MISSING else Filled(status_text(rec))
    if kind == "target":
        return Filled(target_text(rec))
    if kind == "required_pace":
        text = _pace(rec)
        return None if text is None else Filled(text)
    raise AssertionError(kind)


def _observed(kind: str, args: list[str], facts: Facts) -> Filled | None:
    from planlib.indicators.comparisons import NATIONAL, annual_row, previous_year_change

    obs = facts.observations
    if kind == "value":
        sid, year = _series(args[0], facts), _year(args[1], facts)
        row = annual_row(obs, sid, year, facts.plan.meta.region)
    elif kind == "national":
        sid = _series(args[0], facts)
        year = _year(args[1], facts) if len(args) > 1 else facts.as_of
        row = annual_row(obs, sid, year, NATIONAL)
    elif kind == "district":
        district = args[0]
        known = set(obs.loc[obs["region_kind"] == "district", "region"])
        if district not in known:
            raise ReferenceProblem(f"“{district}”不是区县名称", "区县的正式名称，如 万州区")
        sid = _series(args[1], facts)
        year = _year(args[2], facts) if len(args) > 2 else facts.as_of
        row = annual_row(obs, sid, year, district)
    else:  # change
        sid = _series(args[0], facts)
        year = _year(args[1], facts) if len(args) > 1 else facts.as_of
        found = previous_year_change(obs, sid, year, facts.plan.meta.region)
        if found is None:
            return None
        marks = _marks([found["row"], found["previous_row"]])
        return Filled(change_text(found["change"], found["unit"]) + marks, marks)
    if row is None:
        return None
    marks = _marks([row])
    return Filled(f"{fmt_number(float(row['value']))}{marks}{row['unit']}", marks)


def change_text(change: float, unit: str) -> str:
    """A change as a reader says it: '增加1.2万人', '下降0.3个百分点' (rates), '持平'."""
    if change == 0:
        return "持平"
    if unit == "%":
        return f"{'上升' if change > 0 else '下降'}{fmt_number(abs(change))}个百分点"
    return f"{'增加' if change > 0 else '减少'}{fmt_number(abs(change))}{unit}"


def fill(inner: str, facts: Facts) -> Filled:
    """The text of one reference (``inner`` is what stands between ``{{`` and ``}}``).

    Raises :class:`ReferenceProblem` for an unknown kind or target, a year after ``as_of``, or a missing value
    without ``| 或数据暂缺``."""
    kind, args, allow = parse(inner)
    if kind == "time_progress":
        return Filled(fmt_percent(facts.plan.time_progress(facts.as_of)))
    if kind in ("value", "district", "change", "national"):
        found = _observed(kind, args, facts)
    else:
        found = _assessed(kind, _target(args[0], facts))
    if found is not None:
        return found
    if allow:
        return Filled(MISSING_TEXT)
    written = " ".join([kind, *args])
    raise ReferenceProblem(f"“{{{{{written}}}}}”在本报告中没有数值（数据暂缺）",
                           f"换用有数据的引用，或写作“{{{{{written} | {ALLOW_MISSING}}}}}”")  # fmt: skip


def substitute(text: str, facts: Facts, on_text: Callable[[str], str], on_value: Callable[[Filled], str]) -> str:
    """``text`` with every reference filled: literal pieces go through ``on_text``, filled values through
    ``on_value`` (e.g. both escaped for Markdown). Raises :class:`ReferenceProblem` for the first bad one."""
    out, last = [], 0
    for m in REFERENCE.finditer(text):
        out.append(on_text(text[last:m.start()]))
        out.append(on_value(fill(m.group(1), facts)))
        last = m.end()
    out.append(on_text(text[last:]))
    return "".join(out)
