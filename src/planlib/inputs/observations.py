"""Real published observations: raw CSV files with provenance → one tidy, validated frame.

Raw files (``data/raw/**/*observations.csv``) are read, never written. Each row keeps its source
(title, URL, confidence, note) and its place in the file. Names are harmonised through
``series.yaml``; periods, numbers and district names through :mod:`planlib.inputs.periods`,
:mod:`planlib.inputs.numbers` and :mod:`planlib.inputs.district_names`.

What may not enter: a value that breaks its series' plausibility rule (``series.yaml`` ``measures``:
counts, stocks and amounts ≥ 0, shares and rates 0–100, growth within the series' ``range``), a
period that has not ended yet, a ``published`` date after today, a level value 10× away from the rest of its
series or outside its unit's range (:mod:`planlib.inputs.plausibility`). Each is refused naming file, line,
field and the rule. What is kept but shown: several values for one series, region and period —
all rows stay, one is ``preferred`` by the rule in ``settings/choice.yaml`` (:data:`CHOICE_RULE`),
and :class:`LoadReport` lists every cell whose values differ (:class:`Conflict`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from planlib._paths import PACKAGE_DIR, project_root, raw_dir
from planlib.errors import CleanError, DataError, Problem
from planlib.inputs.plausibility import WHERE_COLUMN, break_note, magnitude_slips

if TYPE_CHECKING:
    import pandas as pd

SERIES_FILE = PACKAGE_DIR / "series.yaml"
CHOICE_FILE = PACKAGE_DIR / "settings" / "choice.yaml"
RAW_FILES_FILE = PACKAGE_DIR / "settings" / "raw_files.yaml"
RAW_GLOB = "**/*observations.csv"  # the CSV files that load; settings/raw_files.yaml has every rule
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

REQUIRED_COLUMNS = ["indicator", "year", "value", "unit", "source_title", "source_url", "confidence"]
OPTIONAL_COLUMNS = ["district", "period", "kind", "published", "note", "quote"]
MUNICIPALITY = "全市"

# Column order of the tidy frame (also the processed CSV).
TIDY_COLUMNS = [
    "indicator_id", "region", "region_code", "region_kind", "includes", "year", "period_type", "period_start",
    "period_end", "period_label", "value", "value_low", "value_high", "bound", "approx", "footnote", "unit",
    "is_annual", "preferred", "conflict", "superseded", "choice", "published_name", "published_value",
    "published_unit", "source_title", "source_url", "confidence", "published", "published_guess", "revised",
    "status", "note", "quote", "source_file", "source_line",
]  # fmt: skip
# Columns set by choose_preferred (the others come from one raw row each).
_CHOICE_COLUMNS = ("preferred", "conflict", "superseded", "choice")
_CELL_KEYS = ["indicator_id", "region", "period_type", "period_start", "period_end"]
# A value decided by these rules replaced an earlier vintage of the same figure: not a conflict.
_VINTAGE_RULES = frozenset({"revised", "published"})


# ================================================================== the choice rule (settings/choice.yaml)


@dataclass(frozen=True)
class ChoiceSettings:
    """``settings/choice.yaml``: rule order, revision wording, confidence ranks and marks, sentences."""

    intro: str
    outro: str
    rules: tuple[tuple[str, str], ...]  # (id, text), in order
    revision_words: tuple[str, ...]
    revision_negations: tuple[str, ...]
    confidence: dict[str, dict]
    wording: dict[str, str]
    reasons: dict[str, str]

    @property
    def rank(self) -> dict[str, int]:
        return {name: int(spec["rank"]) for name, spec in self.confidence.items()}

    def label(self, confidence: str) -> str:
        """The words a reader sees for a confidence key (``medium`` → 中); an unknown key as it is."""
        spec = self.confidence.get(confidence)
        return str(spec["label"]) if spec else confidence

    def rule_text(self) -> str:
        """The rule in words (:data:`CHOICE_RULE`)."""
        marks = "①②③④⑤⑥⑦⑧⑨"
        steps = ";".join(f"{marks[i]} {text}" for i, (_, text) in enumerate(self.rules))
        return f"{self.intro}:{steps}。{self.outro}"


_RULE_IDS = ("revised", "published", "confidence", "published_guess", "order")
_REASON_KEYS = ("revised", "published", "published_missing", "confidence", "published_guess",
                "published_guess_missing", "order", "test")  # fmt: skip
_WORDING_KEYS = ("chosen", "chosen_other", "not_chosen", "same_value", "footnote", "includes", "scope",
                 "scope_includes", "scope_none")


@functools.cache
def load_choice_settings(path: Path = CHOICE_FILE) -> ChoiceSettings:
    """Read and check ``settings/choice.yaml``. Raises :class:`DataError` naming every missing or wrong entry."""
    from planlib._config import load_mapping

    raw = load_mapping(path, "choice.yaml:intro、outro、rules、revision_words、confidence、wording、reasons")
    problems: list[Problem] = []
    rules = tuple((str(r.get("id")), str(r.get("text", ""))) for r in raw.get("rules") or [] if isinstance(r, dict))
    if sorted(rule for rule, _ in rules) != sorted(_RULE_IDS):
        problems.append(Problem(file=str(path), entry="rules", problem=f"规则为 {[r for r, _ in rules]}",
                                expected=f"以下 5 条各一次,顺序可调:{'、'.join(_RULE_IDS)}"))  # fmt: skip
    confidence = raw.get("confidence") or {}
    for name, spec in confidence.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("rank"), int) or not spec.get("label"):
            problems.append(Problem(file=str(path), entry=f"confidence.{name}", problem="缺少 rank(整数)或 label"))
    for section, keys in (("wording", _WORDING_KEYS), ("reasons", _REASON_KEYS)):
        given = raw.get(section) or {}
        problems += [Problem(file=str(path), entry=f"{section}.{k}", problem="缺少必填字段")
                     for k in keys if k not in given]  # fmt: skip
    for key in ("intro", "outro", "revision_words"):
        if not raw.get(key):
            problems.append(Problem(file=str(path), entry=key, problem="缺少必填字段"))
    if problems:
        raise DataError(problems)
    return ChoiceSettings(
        intro=str(raw["intro"]).strip(), outro=str(raw["outro"]).strip(), rules=rules,
        revision_words=tuple(map(str, raw["revision_words"])),
        revision_negations=tuple(map(str, raw.get("revision_negations") or ())),
        confidence={str(k): dict(v) for k, v in confidence.items()},
        wording={k: str(v) for k, v in raw["wording"].items()}, reasons={k: str(v) for k, v in raw["reasons"].items()},
    )  # fmt: skip


CHOICE_RULE = load_choice_settings().rule_text()
# Confidence vocabulary, best first: high > medium > low > test (a user's test value, not published).
CONFIDENCE_RANK = load_choice_settings().rank


def revision_word(*texts: object) -> str | None:
    """The first revision word (``settings/choice.yaml`` ``revision_words``) in the texts, or None.

    A clause that speaks of a revision to come or not made (“可能因第五次全国经济普查修订”, “尚未修订”:
    ``revision_negations``) does not count. Clauses are split at punctuation.
    """
    settings = load_choice_settings()
    for text in texts:
        for clause in re.split(r"[,,。;;::、!?!?()()\[\]【】\n]", str(text or "")):
            if any(word in clause for word in settings.revision_negations):
                continue
            # the word written first, the longer on a tie: “第五次全国经济普查后修订” → 第五次全国经济普查
            found = [(clause.index(w), -len(w), w) for w in settings.revision_words if w in clause]
            if found:
                return min(found)[2]
    return None


@dataclass(frozen=True)
class Mark:
    """A sign a report prints next to a value (``symbol``) and the footnote that explains it (``note``)."""

    symbol: str
    note: str


def value_marks(row: Mapping[str, Any]) -> list[Mark]:
    """What a report must show with one tidy row's value: low-confidence or test value, footnote, scope.

    From ``settings/choice.yaml``: ``low`` → † and ``test`` → ‡ with their footnotes; a footnote
    marker stripped from the published value (``footnote`` column) and special zones the figure
    includes (``includes`` column) give a mark with an empty symbol (print the note beside the value).
    """
    settings = load_choice_settings()
    marks = []
    spec = settings.confidence.get(str(row.get("confidence")), {})
    if spec.get("mark"):
        marks.append(Mark(str(spec["mark"]), str(spec.get("note", ""))))
    if _text(row.get("footnote")):
        marks.append(Mark("", settings.wording["footnote"].format(marker=row["footnote"])))
    if _text(row.get("includes")):
        marks.append(Mark("", settings.wording["includes"].format(zones=row["includes"])))
    if note := break_note(row):  # a break in the series the row declares (settings/plausibility.yaml)
        marks.append(Mark("", note))
    return marks


# ================================================================== series.yaml


@dataclass(frozen=True)
class Plausibility:
    """The plausibility rule of one series: inclusive bounds in the series' unit and the sentence to show.

    ``ref`` says where the rule is written (``measures.count`` or ``series.<id>.range``).
    """

    measure: str
    measure_name: str
    low: float | None
    high: float | None
    rule: str
    ref: str

    def broken_by(self, value: float) -> bool:
        return (self.low is not None and value < self.low) or (self.high is not None and value > self.high)

    def expected(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{_fmt(self.low)} 到 {_fmt(self.high)} 之间的数值;请核对原文和单位"
        if self.low is not None:
            return f"不小于 {_fmt(self.low)} 的数值;请核对原文和单位"
        return f"不大于 {_fmt(self.high)} 的数值;请核对原文和单位"


@dataclass(frozen=True)
class SeriesMap:
    """Published name → series id, with the series' display name, unit, measure and notes."""

    by_name: dict[str, str]
    series: dict[str, dict]
    ignore: dict[str, str]
    measures: dict[str, dict] = field(default_factory=dict)

    def unit(self, series_id: str) -> str:
        return self.series[series_id]["unit"]

    def name(self, series_id: str) -> str:
        return str((self.series.get(series_id) or {}).get("name") or series_id)

    def name_note(self, series_id: str, published_name: str) -> str:
        """How values published under ``published_name`` differ (``name_notes`` in series.yaml), or ""."""
        notes = (self.series.get(series_id) or {}).get("name_notes") or {}
        return str(notes.get(published_name) or "").strip()

    def stand_in_for(self, series_id: str) -> str | None:
        """The plan indicator id ``series_id`` stands in for (``stand_in_for``), or None."""
        target = (self.series.get(series_id) or {}).get("stand_in_for")
        return str(target) if target else None

    def plausibility(self, series_id: str) -> Plausibility:
        """The rule every value of ``series_id`` must meet (from its ``measure``, and ``range`` for growth)."""
        spec = self.series[series_id]
        measure = spec["measure"]
        rule = self.measures[measure]
        if "range" in spec:
            low, high = (float(x) for x in spec["range"])
            text = str(rule["rule"]).format(low=_fmt(low), high=_fmt(high))
            return Plausibility(measure, str(rule["name"]), low, high, text, f"series.{series_id}.range")
        low = None if rule.get("min") is None else float(rule["min"])
        high = None if rule.get("max") is None else float(rule["max"])
        return Plausibility(measure, str(rule["name"]), low, high, str(rule["rule"]), f"measures.{measure}")


def _measure_problems(path: Path, raw: dict) -> list[Problem]:
    """Every series has a known measure; growth series have a range; shares and rates are in %."""
    problems = []
    measures = raw.get("measures") or {}
    for name, spec in measures.items():
        ok = isinstance(spec, dict) and spec.get("name") and spec.get("rule")
        bounds = [spec.get(k) for k in ("min", "max")] if isinstance(spec, dict) else []
        if not ok or any(b is not None and not isinstance(b, int | float) for b in bounds):
            problems.append(Problem(file=str(path), entry=f"measures.{name}", problem="须有 name、rule,min/max 为数字"))
    known = "、".join(measures) or "(measures 为空)"
    for sid, spec in (raw.get("series") or {}).items():
        spec = spec or {}
        measure = spec.get("measure")
        entry = f"series.{sid}"
        if measure not in measures:
            problem = "缺少 measure" if measure is None else f"measure“{measure}”不在 measures 中"
            problems.append(Problem(file=str(path), entry=entry, field="measure", problem=problem,
                                    expected=f"以下之一:{known}"))  # fmt: skip
            continue
        rng = spec.get("range")
        needs_range = measures[measure].get("min") is None and measures[measure].get("max") is None
        if rng is not None or needs_range:
            valid = (isinstance(rng, list) and len(rng) == 2 and all(isinstance(x, int | float) for x in rng)
                     and rng[0] < rng[1])  # fmt: skip
            if not valid:
                problems.append(Problem(file=str(path), entry=entry, field="range", problem=f"范围为 {rng!r}",
                                        expected="[下限, 上限],两个数字,下限小于上限(增速序列必填)"))  # fmt: skip
        if measure in {"share", "rate"} and spec.get("unit") != "%":
            problems.append(Problem(file=str(path), entry=entry, field="unit",
                                    problem=f"{measure} 序列的单位是“{spec.get('unit')}”", expected="%"))  # fmt: skip
    return problems


def _note_problems(path: Path, raw: dict) -> list[Problem]:
    """``name_notes`` speak of the series' own names; a stand-in says what it stands in for and how it differs."""
    problems = []
    series = raw.get("series") or {}
    for sid, spec in series.items():
        spec = spec or {}
        entry = f"series.{sid}"
        for name in spec.get("name_notes") or {}:
            if name not in (spec.get("names") or []):
                problems.append(Problem(file=str(path), entry=entry, field="name_notes",
                                        problem=f"名称“{name}”不在本序列的 names 中",
                                        expected="本序列 names 中的名称"))  # fmt: skip
        target = spec.get("stand_in_for")
        if target is None:
            if spec.get("stand_in_note"):
                problems.append(Problem(file=str(path), entry=entry, field="stand_in_note",
                                        problem="有 stand_in_note 却没有 stand_in_for"))  # fmt: skip
            continue
        if target == sid:
            problems.append(Problem(file=str(path), entry=entry, field="stand_in_for",
                                    problem="替代指标不能是序列自己:替代值必须另立序列,不能记在规划指标名下"))
        if not str(spec.get("stand_in_note") or "").strip():
            problems.append(Problem(file=str(path), entry=entry, field="stand_in_note", problem="缺少必填字段",
                                    expected="一句话说明替代值与规划指标的口径有何不同"))  # fmt: skip
    return problems


@functools.cache
def load_series_map(path: Path = SERIES_FILE) -> SeriesMap:
    """Read and check ``series.yaml``: every name maps to exactly one series, every series has a valid measure.

    Raises :class:`DataError` listing every problem (a missing or unknown ``measure``, a growth series
    without a ``range``, a share or rate not in %, a name mapped twice).
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    by_name: dict[str, str] = {}
    problems = []
    for sid, spec in (raw.get("series") or {}).items():
        for key in ("name", "unit", "names"):
            if not spec or key not in spec:
                problems.append(Problem(file=str(path), entry=f"series.{sid}", field=key, problem="缺少必填字段"))
        for name in (spec or {}).get("names", []):
            if name in by_name:
                problems.append(
                    Problem(file=str(path), entry=f"series.{sid}", field="names",
                            problem=f"名称“{name}”同时映射到 {by_name[name]} 和 {sid}",
                            expected="每个名称只映射一个序列")
                )  # fmt: skip
            by_name[name] = sid
    problems += _measure_problems(path, raw)
    problems += _note_problems(path, raw)
    ignore = {str(k): str(v) for k, v in (raw.get("ignore") or {}).items()}
    for name in set(ignore) & set(by_name):
        problems.append(Problem(file=str(path), entry="ignore", problem=f"名称“{name}”既被映射又被忽略"))
    if problems:
        raise DataError(problems)
    return SeriesMap(by_name=by_name, series=dict(raw.get("series") or {}), ignore=ignore,
                     measures=dict(raw.get("measures") or {}))  # fmt: skip


# ================================================================== conflicts and the load report


@dataclass(frozen=True)
class SourcedValue:
    """One row's value with its source, as a conflict shows it."""

    value: str  # as shown: “70.67 万人”, “3—5 万人”, “1150 亿元(含万盛经开区)”
    number: float | None
    source_title: str
    source_file: str
    source_line: int
    confidence: str
    published: str | None

    def shown(self) -> str:
        """“70.67 万人(“2022年统计公报”,data/raw/x.csv 第 5 行,可信度中)” (the confidence in the words of
        ``settings/choice.yaml``, never its key)."""
        where = f"{self.source_file} 第 {self.source_line} 行" if self.source_file else "位置不详"
        return f"{self.value}(“{self.source_title}”,{where},可信度{load_choice_settings().label(self.confidence)})"

    def cited(self) -> str:
        """“70.67万人（“2022年统计公报”，可信度中）”: as a report cites it — the source, never a file or line."""
        return f"{self.value}（“{self.source_title}”，可信度{load_choice_settings().label(self.confidence)}）"


@dataclass(frozen=True)
class Conflict:
    """One series/region/period with different values: the value used, the others, and why.

    ``kind`` is "conflict" (sources disagree; the choice fell to confidence, a guessed date or the file
    order) or "revision" (every other value lost to revision wording or a later ``published`` date).
    ``others`` holds (value, id of the deciding rule, reason in words) for every differing value.
    """

    indicator_id: str
    series_name: str
    region: str
    period_label: str
    kind: str
    chosen: SourcedValue
    others: tuple[tuple[SourcedValue, str, str], ...]

    def line(self) -> str:
        """One line for ``check`` and ``process``: both values, both sources, the value used and why."""
        label = "冲突" if self.kind == "conflict" else "修订"
        rest = ";".join(f"未选用 {other.shown()}——{reason}" for other, _, reason in self.others)
        return (f"{label}:{self.series_name}({self.indicator_id})·{self.region}·{self.period_label}:"
                f"选用 {self.chosen.shown()};{rest}")  # fmt: skip

    def involves(self, source_file: str) -> bool:
        """True when a value of the cell comes from ``source_file`` (or one of its worksheets)."""

        def of(value: SourcedValue) -> bool:
            return value.source_file == source_file or value.source_file.startswith(f"{source_file} 工作表")

        return of(self.chosen) or any(of(o) for o, _, _ in self.others)

    def as_dict(self) -> dict:
        def one(v: SourcedValue) -> dict:
            return {"value": v.value, "number": v.number, "source_title": v.source_title,
                    "source_file": v.source_file, "source_line": v.source_line, "confidence": v.confidence,
                    "published": v.published}  # fmt: skip

        return {
            "indicator_id": self.indicator_id, "series_name": self.series_name, "region": self.region,
            "period_label": self.period_label, "kind": self.kind, "chosen": one(self.chosen),
            "others": [{**one(v), "rule": rule, "reason": reason} for v, rule, reason in self.others],
        }  # fmt: skip


@dataclass
class LoadReport:
    """What loading found besides the data: names not mapped or not used, ignored rows, notices, conflicts."""

    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    unknown_names: dict[str, list[str]] = field(default_factory=dict)  # name -> ["file:line", ...]
    ignored_names: dict[str, str] = field(default_factory=dict)  # name -> reason
    unused_names: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # footnote markers split off, special zones included
    conflicts: list[Conflict] = field(default_factory=list)
    unloaded: list[tuple[str, str]] = field(default_factory=list)  # (file under data/raw, why and what to do)

    def conflict_lines(self) -> list[str]:
        """The summary of cells with different values: a count line, then one line per cell ([] if none)."""
        if not self.conflicts:
            return []
        head = f"同一指标、地区、时期有不同数值:{_count_kinds(self.conflicts)},每组选用的数值及依据如下:"
        return [head, *(c.line() for c in self.conflicts)]

    def lines(self) -> list[str]:
        out = [f"读取 {len(self.files)} 个文件,共 {self.rows_read} 行观测值。"]
        for name, where in sorted(self.unknown_names.items()):
            out.append(f"未知指标名称(series.yaml 中没有,未载入):“{name}”,见 {', '.join(where[:3])}")
        for name, reason in sorted(self.ignored_names.items()):
            out.append(f"按 series.yaml 的 ignore 规则未载入:“{name}”——{reason}")
        for name in self.unused_names:
            out.append(f"series.yaml 中的名称在数据中未出现:“{name}”")
        for path, why in self.unloaded:
            out.append(f"未载入的文件:{path}——{why}")
        out += self.notices
        return out + self.conflict_lines()

    def as_dict(self) -> dict:
        """Everything above as JSON-serialisable data (for the processed metadata)."""
        return {
            "files": list(self.files), "rows_read": self.rows_read,
            "unknown_names": {k: list(v) for k, v in self.unknown_names.items()},
            "ignored_names": dict(self.ignored_names), "unused_names": list(self.unused_names),
            "notices": list(self.notices), "choice_rule": CHOICE_RULE,
            "conflicts": [c.as_dict() for c in self.conflicts],
            "unloaded": [{"file": path, "reason": why} for path, why in self.unloaded],
        }  # fmt: skip


# ================================================================== loading


def _glob_regex(pattern: str) -> re.Pattern:
    """A glob pattern over a relative POSIX path: * within a name, **/ any folders (none included)."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


@dataclass(frozen=True)
class RawFileRules:
    """``settings/raw_files.yaml``: which files under data/raw load, which belong there otherwise, which to ignore."""

    observations: tuple[str, ...]
    others: tuple[tuple[str, str], ...]
    ignored: tuple[str, ...]

    @staticmethod
    def _match(patterns: Iterable[str], rel: str) -> bool:
        return any(_glob_regex(p).match(rel) for p in patterns)

    def loads(self, rel: str) -> bool:
        """Does a file at ``rel`` (relative to data/raw, or a bare name) load as observations?"""
        return self._match(self.observations, rel) and not self.ignores(rel)

    def ignores(self, rel: str) -> bool:
        return self._match(self.ignored, rel)

    def other_reason(self, rel: str) -> str | None:
        """Why a file that does not load belongs in data/raw all the same, or None."""
        return next((why for pattern, why in self.others if _glob_regex(pattern).match(rel)), None)


@functools.cache
def load_raw_file_rules(path: Path = RAW_FILES_FILE) -> RawFileRules:
    """Read ``settings/raw_files.yaml``. Raises :class:`DataError` naming a missing or malformed entry."""
    from planlib._config import load_mapping

    raw = load_mapping(path, "raw_files.yaml:observations、others、ignored")
    problems = []
    others = []
    for i, entry in enumerate(raw.get("others") or []):
        if not isinstance(entry, dict) or not entry.get("pattern") or not entry.get("reason"):
            problems.append(Problem(file=str(path), entry=f"others[{i}]", problem="须有 pattern 和 reason"))
            continue
        others.append((str(entry["pattern"]), str(entry["reason"])))
    if not raw.get("observations"):
        problems.append(Problem(file=str(path), entry="observations", problem="缺少必填字段"))
    if problems:
        raise DataError(problems)
    return RawFileRules(tuple(map(str, raw["observations"])), tuple(others), tuple(map(str, raw.get("ignored") or ())))


def _raw_files(base: Path) -> list[tuple[Path, str]]:
    """Every file under ``base`` with its path relative to it (POSIX), in a stable order."""
    return sorted((p, p.relative_to(base).as_posix()) for p in base.rglob("*") if p.is_file())


def raw_observation_files(root: Path | None = None) -> list[Path]:
    """The raw observation files (``settings/raw_files.yaml`` ``observations``), in a stable order."""
    base = root if root is not None else raw_dir()
    rules = load_raw_file_rules()
    return [p for p, rel in _raw_files(base) if rules.loads(rel)] if base.is_dir() else []


_UNLOADED_WHY = {
    ".csv": "CSV 文件名不以 observations.csv 结尾,不会作为观测数据载入;若是观测数据,请用 planlib add 添加,"
            "或改名为“{stem}_observations.csv”;若是别的用途,请在 src/planlib/settings/raw_files.yaml 的 others 中登记",
    ".xls": "旧版 Excel 工作簿(.xls)不能读取;请在 Excel 中另存为 .xlsx 工作簿(或 CSV UTF-8),再用 planlib add 添加",
}  # fmt: skip
_UNLOADED_OTHER = ("planlib 只载入 *observations.csv 和 .xlsx 文件;若是观测数据,请另存为其中一种并用 planlib add 添加;"
                   "若是别的用途,请在 src/planlib/settings/raw_files.yaml 的 others 中登记")  # fmt: skip


def unloaded_raw_files(root: Path | None = None) -> list[tuple[str, str]]:
    """Files under data/raw that will not be loaded and are not known to belong there: (path, why and what to do).

    Documentation, the district list, boundaries, the plan text, originals kept for provenance and
    ``planlib add``'s provenance files are known (``settings/raw_files.yaml`` ``others``); lock and
    hidden files are ignored. Paths are shown relative to the project root.
    """
    base = root if root is not None else raw_dir()
    if not base.is_dir():
        return []
    rules = load_raw_file_rules()
    out = []
    for path, rel in _raw_files(base):
        if rules.loads(rel) or rules.ignores(rel) or rules.other_reason(rel):
            continue
        suffix = path.suffix.lower()
        why = _UNLOADED_WHY.get(".xls" if suffix in {".xls", ".et", ".ods", ".numbers"} else suffix, _UNLOADED_OTHER)
        out.append((_display_path(path), why.format(stem=path.stem)))
    return out


def _today() -> dt.date:
    """Today's date: no period may end after it and no source be published after it (tests replace it)."""
    return dt.date.today()


@dataclass(frozen=True)
class SheetProblem(Problem):
    """A :class:`Problem` in a worksheet: names the sheet, the row and the column (letter and header)."""

    sheet: str | None = None
    column: str | None = None  # the column letter (“E”); ``field`` is then the header as written

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column is not None:
            where.append(f"{self.column} 列" + (f"“{self.field}”" if self.field else ""))
        elif self.field is not None:
            where.append(f"字段“{self.field}”")
        text = ",".join(where) + f":{self.problem}"
        if self.expected:
            text += f";应为:{self.expected}"
        return text


@dataclass
class RawTable:
    """One table of a raw file as text cells in the raw format's columns, with where each row was read.

    ``frame`` has the raw columns (indicator, year, value …); ``lines`` gives, per row, the line of a CSV
    (the header is line 1) or the row of a worksheet. For a worksheet, ``sheet`` is its name and
    ``columns`` maps a raw column to (column letter, header as written), so every message names sheet,
    row and column. ``series`` pre-resolves rows whose indicator a template names by the series' own
    name; ``problems`` are those found while reading (already located).
    """

    frame: pd.DataFrame
    source_file: str
    lines: list[int]
    sheet: str | None = None
    columns: dict[str, tuple[str, str]] = field(default_factory=dict)
    series: list[str | None] | None = None
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what reading saw but did not load (hidden rows and sheets)

    def problem(self, position: int | None, column: str | None, text: str, expected: str | None = None) -> Problem:
        """A problem of the cell in row ``position`` (0-based; None: the whole table) and raw column ``column``."""
        row = None if position is None else self.lines[position]
        if self.sheet is None:
            return Problem(file=self.source_file, row=row, field=column, problem=text, expected=expected)
        letter, header = self.columns.get(column or "", (None, column))
        return SheetProblem(file=self.source_file, row=row, field=header, problem=text, expected=expected,
                            sheet=self.sheet, column=letter)  # fmt: skip

    def locate(self, problem: Problem) -> Problem:
        """A problem raised with the pseudo-line ``position + 2``, placed in this table (the line an editor
        shows, also after blank lines and quoted cells that span lines; a worksheet's row)."""
        position = None if problem.row is None else problem.row - 2
        if self.sheet is None:
            row = problem.row if position is None or not 0 <= position < len(self.lines) else self.lines[position]
            return dataclasses.replace(problem, row=row)
        return self.problem(position, problem.field, problem.problem, problem.expected)

    @property
    def where(self) -> str:
        """The table as a source: the file, and the sheet of a workbook (“x.xlsx 工作表“全市””)."""
        return self.source_file if self.sheet is None else f"{self.source_file} 工作表“{self.sheet}”"


def _raw_tables(path: Path, display: str) -> list[RawTable]:
    """The tables of one raw file: one for a CSV, one per data sheet of an Excel workbook."""
    from planlib.inputs.csv_tables import TableCellError, read_table

    if path.suffix.lower() in EXCEL_SUFFIXES:
        from planlib.inputs.excel import read_workbook

        return read_workbook(path, display)
    try:
        table = read_table(path, header_hint=REQUIRED_COLUMNS)
    except TableCellError as exc:
        raise DataError([Problem(file=display, row=i.line, field=i.column, problem=i.problem, expected=i.expected)
                         for i in exc.issues]) from None  # fmt: skip
    except CleanError as exc:
        raise DataError(Problem(file=display, problem=exc.problem, expected=exc.expected)) from None
    lines = table.attrs.get("lines") or [i + 2 for i in range(len(table))]
    return [RawTable(table, display, list(lines))]


def _read_raw(
    path: Path, smap: SeriesMap, today: dt.date
) -> tuple[pd.DataFrame, LoadReport, list[Problem], list[Problem]]:
    """(tidy rows, report, problems, unknown names as problems) of one raw file, all found in one pass.

    Raises :class:`DataError` only when the file cannot be read as a table at all.
    """
    import pandas as pd

    display = _display_path(path)
    tables = _raw_tables(path, display)
    report = LoadReport(files=[display])
    rows, problems, unknown = [], [], []
    for table in tables:
        report.rows_read += len(table.frame)
        report.notices += table.notices
        problems += table.problems
        if table.problems and table.frame.empty:
            continue  # the sheet could not be read as a table (no header on top): said once, nothing to check
        try:
            found = _validate_structure(table.frame, table)
        except DataError as exc:
            problems += exc.problems
            continue
        flagged = {(p.row, p.field) for p in found}
        table_problems = list(found)
        for index, rec in enumerate(table.frame.to_dict("records")):
            line = index + 2  # a pseudo-line while parsing; table.locate places it
            name = rec["indicator"].strip()
            sid = (table.series[index] if table.series else None) or smap.by_name.get(name)
            if sid is None:
                if name in smap.ignore:
                    report.ignored_names[name] = smap.ignore[name]
                elif name:
                    report.unknown_names.setdefault(name, []).append(f"{table.where}:{table.lines[index]}")
                    close = difflib.get_close_matches(name, list(smap.by_name), n=3, cutoff=0.4)
                    hint = f"(相近的已知名称:{'、'.join(close)})" if close else ""
                    expected = "src/planlib/series.yaml 中列出的名称;新指标请先在该文件登记"
                    unknown.append(table.problem(index, "indicator", f"未知的指标名称“{name}”{hint}", expected))
                continue
            row, cell_problems = _tidy_row(rec, sid, smap, display, line, today)
            table_problems += [p for p in cell_problems if (line, p.field) not in flagged]  # schema named it
            if not cell_problems:
                row["source_file"], row["source_line"] = table.where, table.lines[index]
                row[WHERE_COLUMN] = (display, table.sheet, dict(table.columns))  # for refusals made later
                rows.append(row)
                report.notices += _row_notices(row)
        # a cell already named while reading (a formula without a result) is not named again
        read = {(p.row, getattr(p, "column", None)) for p in table.problems}
        located = [table.locate(p) for p in table_problems]
        problems += [p for p in located if (p.row, getattr(p, "column", None)) not in read]
    frame = pd.DataFrame(rows, columns=[*(c for c in TIDY_COLUMNS if c not in _CHOICE_COLUMNS), WHERE_COLUMN])
    return frame, report, _in_order(problems), _in_order(unknown)


def _in_order(problems: list[Problem]) -> list[Problem]:
    """Problems by sheet, row and column (whole-file problems first)."""
    return sorted(problems, key=lambda p: (getattr(p, "sheet", None) or "", p.row or 0,
                                           getattr(p, "column", None) or "", p.field or ""))  # fmt: skip


def read_raw_file(
    path: Path, series_map: SeriesMap | None = None, *, today: dt.date | None = None
) -> tuple[pd.DataFrame, LoadReport]:
    """Parse one raw file (CSV or Excel workbook) into tidy rows, without the choice columns.

    Raises :class:`DataError` listing every bad cell (a workbook's messages name sheet, row and
    column). Nothing is partially returned: a file either loads whole or raises. Unknown indicator
    names are not errors here (``process`` reports them); ``check`` treats them as errors. ``today``
    (default: the current date) is the latest date a period may end and a source may be published on.
    """
    frame, report = _read_file(Path(path), series_map or load_series_map(), today or _today())
    return frame.drop(columns=[WHERE_COLUMN]), report


def _read_file(path: Path, smap: SeriesMap, today: dt.date) -> tuple[pd.DataFrame, LoadReport]:
    """:func:`read_raw_file` keeping where each row was read (``_where``), for refusals that need other files."""
    frame, report, problems, _ = _read_raw(path, smap, today)
    if problems:
        raise DataError(problems)
    return frame, report


def load_observations(
    files: Sequence[Path] | None = None, *, with_report: bool = False, today: dt.date | None = None
) -> pd.DataFrame | tuple[pd.DataFrame, LoadReport]:
    """All real observations as one tidy frame (see ``TIDY_COLUMNS``), validated with pandera.

    Values are in the series' unit (``series.yaml``). Only rows with ``is_annual`` may serve as a
    year's value; the rest (partial years, cumulative spans, census dates) stay, labelled. Conflicting
    values are all kept; ``preferred`` marks the one chosen by :data:`CHOICE_RULE`, ``choice`` says why
    in words, and the report's ``conflicts`` lists every cell whose values differ. Raises
    :class:`DataError` with every problem of every file (plausibility, future periods included).
    """
    paths = [Path(p).resolve() for p in (files if files is not None else raw_observation_files())]
    # the cache key includes each file's size and modification time: an edited file is read again
    stamp = tuple((p, p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else (p, 0, 0) for p in paths)
    frame, report = _load(stamp, today or _today())
    frame = frame.copy()
    if not with_report:
        return frame
    # loading the whole of data/raw: say what else it holds that is not loaded (outside the cache, which
    # is keyed by the loaded files only)
    from dataclasses import replace

    whole = raw_dir().is_dir() and set(paths) >= {p.resolve() for p in raw_observation_files()}
    return frame, replace(report, unloaded=unloaded_raw_files() if whole else [])


@functools.lru_cache(maxsize=8)
def _load(stamp: tuple[tuple[Path, int, int], ...], today: dt.date) -> tuple[pd.DataFrame, LoadReport]:
    import pandas as pd

    from planlib._schemas import tidy_schema

    paths = [p for p, _, _ in stamp]
    smap = load_series_map()
    frames, report, problems = [], LoadReport(), []
    for path in paths:
        try:
            frame, rep = _read_file(path, smap, today)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        frames.append(frame)
        report.files += rep.files
        report.rows_read += rep.rows_read
        report.ignored_names.update(rep.ignored_names)
        report.notices += rep.notices
        for name, where in rep.unknown_names.items():
            report.unknown_names.setdefault(name, []).extend(where)
    if problems:
        raise DataError(problems)
    if not frames:
        raise DataError(Problem(file=str(raw_dir()), problem=f"没有找到观测数据文件(匹配 {RAW_GLOB})"))
    tidy = pd.concat(frames, ignore_index=True)
    slips = magnitude_slips(tidy, smap)  # a unit slip is refused, not chosen among the values
    if slips:
        raise DataError([slip.problem() for slip in slips])
    seen = set(tidy["published_name"]) | set(report.ignored_names)
    report.unused_names = sorted(name for name in smap.by_name if name not in seen)
    tidy, report.conflicts = _choose(tidy, smap)
    tidy = tidy[TIDY_COLUMNS].sort_values(
        ["indicator_id", "region_kind", "region", "period_start", "period_end", "preferred"],
        ascending=[True, True, True, True, True, False], kind="stable",
    ).reset_index(drop=True)  # fmt: skip
    return tidy_schema().validate(tidy), report


def choose_preferred(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark, within each indicator/region/period cell, the row :data:`CHOICE_RULE` prefers.

    Pure: returns a new frame with ``preferred``, ``conflict``, ``superseded`` (bool) and ``choice``
    (the reason in words; "" for a cell with one distinct value). Columns the rule reads but the frame
    lacks are taken as absent (no ``published`` date, not ``revised``, no file or line).
    """
    return _choose(frame, _series_map_or_none())[0]


def find_conflicts(frame: pd.DataFrame) -> list[Conflict]:
    """Every cell of ``frame`` with different values, with the value :data:`CHOICE_RULE` uses and why."""
    return _choose(frame, _series_map_or_none())[1]


LATEST = "latest"


def as_known_on(frame: pd.DataFrame, vintage: str | dt.date | None) -> pd.DataFrame:
    """The observations as they could be known on ``vintage`` (a date, ``YYYY-MM-DD``; ``"latest"`` or None:
    everything), with the choice rule applied again to what was known then.

    A row is known on a date when it was published on or before it: its ``published`` date, else the date
    found in its source title or note (``published_guess``), else — a row whose publication date is not
    known at all — when its period had ended by then (the earliest it can have been published). A figure
    revised later therefore shows its first release; a value published later is absent. The frame keeps its
    columns (``preferred``, ``conflict``, ``superseded`` and ``choice`` recomputed). Raises ValueError for a
    date that is not a real ``YYYY-MM-DD``.
    """
    if vintage is None or vintage == LATEST:
        return frame
    try:
        day = vintage if isinstance(vintage, dt.date) else dt.date.fromisoformat(str(vintage))
    except ValueError:
        raise ValueError(f"数据版本“{vintage}”应为 latest 或 YYYY-MM-DD 格式的日期,如 2024-03-31") from None
    cut = day.isoformat()

    def known(row: Mapping[str, Any]) -> bool:
        for column in ("published", "published_guess"):
            when = _text(row.get(column))
            if when:
                return when <= cut
        end = _text(row.get("period_end"))
        return not end or end < cut  # a period over before the date; static rows (no period) always

    keep = [known(r) for r in frame.to_dict("records")]
    chosen, _ = _choose(frame[keep].reset_index(drop=True), _series_map_or_none())
    return chosen[list(frame.columns)]


def annual_values(frame: pd.DataFrame, indicator_id: str, region: str = MUNICIPALITY) -> pd.Series:
    """The preferred full-year (or year-end) value per year for one series and region, indexed by year."""
    sel = frame[
        (frame["indicator_id"] == indicator_id) & (frame["region"] == region) & frame["is_annual"] & frame["preferred"]
    ]
    series = sel.set_index("year")["value"].sort_index()
    series.index = series.index.astype(int)
    series.name = indicator_id
    return series


def stand_ins(frame: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """Rows of series that stand in for the plan indicator ``indicator_id`` (``stand_in_for`` in series.yaml).

    The plan's own measure is not published, a close figure is (基本养老保险参保人数 for the 参保率). The
    rows keep their own ``indicator_id`` and unit; the frame gains ``stand_in_for`` (the plan indicator)
    and ``stand_in_note`` (how the series differs, to print beside it). Empty when there is none. A
    report must label such a value as a stand-in and never judge the plan's target with it.
    """
    smap = load_series_map()
    ids = [sid for sid in smap.series if smap.stand_in_for(sid) == indicator_id]
    out = frame[frame["indicator_id"].isin(ids)].copy()
    out["stand_in_for"] = indicator_id
    out["stand_in_note"] = [str(smap.series[sid].get("stand_in_note") or "").strip() for sid in out["indicator_id"]]
    return out


def baseline_evidence(plan: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """For every headline indicator with a baseline: the published rows for the baseline's period and the plan's
    region (``plan.meta.region``, e.g. 全市).

    One row per observation: ``indicator_id``, ``baseline`` (as printed in the plan), the observation's
    ``value``, ``matches`` (True when the value rounded to the baseline's printed decimals equals it:
    65.64 confirms 65.64, 362.3 confirms 【362】) and the provenance columns (``source_title``,
    ``source_url``, ``confidence``, ``published``, ``quote``, ``note``, ``source_file``, ``source_line``).
    A baseline is confirmed by published data when one of its rows ``matches``; no row means nothing was
    found. The period is ``baseline_period`` (“2016-2020”: a multi-year span) or the whole year
    ``baseline_year`` (a full-year or year-end value).
    """
    import pandas as pd

    columns = ["indicator_id", "baseline", "baseline_year", "period_label", "value", "matches", "source_title",
               "source_url", "confidence", "published", "quote", "note", "source_file", "source_line"]  # fmt: skip
    rows = []
    municipal = frame[frame["region"] == plan.meta.region]
    for spec in plan.indicators.to_dict("records"):
        baseline = spec.get("baseline")
        if _missing(baseline):
            continue
        sel = municipal[municipal["indicator_id"] == spec["id"]]
        span = re.fullmatch(r"(\d{4})\s*[-—–]\s*(\d{4})", str(spec.get("baseline_period") or "").strip())
        if span:
            sel = sel[(sel["period_start"] == f"{span[1]}-01-01") & (sel["period_end"] == f"{span[2]}-12-31")]
        else:
            sel = sel[sel["is_annual"] & (sel["year"] == int(spec["baseline_year"]))]
        decimals = _decimals(baseline)
        for rec in sel.to_dict("records"):
            if _missing(rec["value"]):
                continue
            matches = round(float(rec["value"]), decimals) == round(float(baseline), decimals)
            rows.append({"indicator_id": spec["id"], "baseline": float(baseline),
                         "baseline_year": spec["baseline_year"], **{c: rec.get(c) for c in columns if c in rec},
                         "matches": bool(matches)})  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _decimals(x: Any) -> int:
    """Decimals of a number as printed: 65.64 → 2, 362 → 0, 5.7 → 1."""
    text = _fmt(x)
    return len(text.partition(".")[2])


def check_files(paths: Iterable[Path], *, today: dt.date | None = None) -> tuple[list[str], list[Problem]]:
    """Validate raw files without loading them into anything: (summary lines, problems).

    Problems (exit status 1 in ``planlib check``): anything :func:`read_raw_file` refuses, and unknown
    indicator names. Summary lines: one “通过” line per good file, then notices (“注意”) and warnings
    (“警告”) for values that differ from another row of the same file or from what ``data/raw``
    already holds for the same series, region and period — both values, both sources, the value
    that would be used and why. A file inside ``data/raw`` is compared with the other raw files.
    """
    lines: list[str] = []
    problems: list[Problem] = []
    smap = load_series_map()
    today = today or _today()
    for path in paths:
        path = Path(path)
        if not path.is_file():
            problems.append(Problem(file=str(path), problem="文件不存在"))
            continue
        try:
            frame, rep, found, unknown = _read_raw(path, smap, today)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        display = _display_path(path)
        compared, slips = _compare_with_raw(path, display, frame, smap, today)
        if found or unknown or slips:
            problems.extend(_in_order(found + unknown + slips))  # every problem of the file at once
            continue
        lines.append(
            f"{display}: 通过 —— {rep.rows_read} 行,载入 {len(frame)} 行,"
            f"{frame['indicator_id'].nunique()} 个序列,{frame['region'].nunique()} 个地区"
        )
        if note := _load_notice(path):
            lines.append(f"  注意:{note}")
        lines += [f"  {x}" if x.startswith("警告:") else f"  注意:{x}" for x in rep.lines()[1:]]
        lines += [f"  注意:{x}" for x in _undrawable(frame)]
        lines += [f"  {x}" for x in compared]
    return lines, problems


_SHOWN_TEXT = ("published_name", "source_title", "note", "region", "period_label")


def _undrawable(frame: pd.DataFrame) -> list[str]:
    """Text a report would show that the shipped fonts cannot draw: a build would stop there, so say it now."""
    from planlib._glyphs import missing_glyphs

    out = []
    for rec in frame.to_dict("records"):
        for column in _SHOWN_TEXT:
            missing = missing_glyphs(str(rec.get(column) or ""))
            if missing:
                chars = "、".join(f"“{c}”(U+{ord(c):04X})" for c in missing)
                where = f"{rec['source_file']} 第 {rec['source_line']} 行,字段“{column}”"
                out.append(f"{where}:字符 {chars} 自带字体中没有,报告中无法显示,生成报告时会报错;请改用通行写法")
    return out


def _load_notice(path: Path) -> str | None:
    """Why ``planlib process`` would not load this file from data/raw, or None when it would."""
    rules = load_raw_file_rules()
    name = path.name
    if rules.loads(name):
        return None
    return (f"文件名“{name}”不以 observations.csv 结尾,放进 data/raw 后 planlib process 不会载入它;"
            f"请用 planlib add 添加(会按规则命名并记下来源),或改名为“{path.stem}_observations.csv”")


# ---------------------------------------------------------------- the choice rule, applied


def _series_map_or_none() -> SeriesMap | None:
    try:
        return load_series_map()
    except DataError:
        return None


def _choose(frame: pd.DataFrame, smap: SeriesMap | None) -> tuple[pd.DataFrame, list[Conflict]]:
    """The choice columns and the conflicts of ``frame`` (see :func:`choose_preferred`)."""
    settings = load_choice_settings()
    out = frame.copy().reset_index(drop=True)
    n = len(out)

    def column(name: str, default: Any) -> list:
        return list(out[name]) if name in out.columns else [default] * n

    titles, notes, names = column("source_title", ""), column("note", ""), column("published_name", "")
    statuses = [_text(s) for s in column("status", "")]
    published = [_text(p) or None for p in column("published", None)]
    guesses = [_latest_date(t, x) or None for t, x in zip(titles, notes, strict=True)]
    words = [_revision(t, x, m, st) for t, x, m, st in zip(titles, notes, names, statuses, strict=True)]
    out["published"] = published
    out["published_guess"] = guesses
    out["revised"] = [w is not None for w in words]
    ranks = [settings.rank.get(str(c), -1) for c in column("confidence", "")]
    keys = {
        "revised": [int(w is not None) for w in words],
        "published": [p or "" for p in published],
        "confidence": ranks,
        "published_guess": [g or "" for g in guesses],
        "order": [-i for i in range(n)],  # earlier rows first
    }
    order = [rule for rule, _ in settings.rules]
    # before every rule: a test value never displaces another value (its wording and dates are the user's)
    not_test = [int(str(c) != "test") for c in column("confidence", "")]
    sort_key = [(not_test[i], *(keys[rule][i] for rule in order)) for i in range(n)]

    preferred, conflict, superseded, choice = [True] * n, [False] * n, [False] * n, [""] * n
    records = out.to_dict("records")
    conflicts: list[Conflict] = []
    groups = out.groupby(_CELL_KEYS, dropna=False, sort=False).indices if n else {}
    for positions in groups.values():
        if len(positions) < 2:
            continue
        ranked = sorted(positions, key=lambda i: sort_key[i], reverse=True)
        best = ranked[0]
        for i in ranked[1:]:
            preferred[i] = False
        differing = [i for i in ranked[1:] if not _same_figure(records[i], records[best])]
        if not differing:
            continue
        decided = {i: ("test", settings.reasons["test"]) if not_test[best] > not_test[i]
                   else _decide(best, i, order, keys, words, published, guesses, records, settings)
                   for i in differing}  # fmt: skip
        for i in differing:  # a figure with another scope (綦江区 with or without 万盛) is no earlier vintage
            scope = _scope_difference(records[best], records[i], settings)
            if scope:
                decided[i] = ("scope", f"{decided[i][1]};{scope}")
        is_conflict = any(rule not in _VINTAGE_RULES for rule, _ in decided.values())
        chosen = _sourced(records[best])
        same = len(ranked) - 1 - len(differing)
        items = [settings.wording["chosen_other"].format(other=_sourced(records[i]).cited(), reason=decided[i][1])
                 for i in differing]  # fmt: skip
        if same:
            items.append(settings.wording["same_value"].format(count=same))
        choice[best] = settings.wording["chosen"].format(others=";".join(items))
        for i in differing:
            choice[i] = settings.wording["not_chosen"].format(chosen=chosen.cited(), reason=decided[i][1])
            superseded[i] = decided[i][0] in _VINTAGE_RULES
        for i in positions:
            conflict[i] = is_conflict
        rec = records[best]
        conflicts.append(Conflict(
            indicator_id=str(rec["indicator_id"]),
            series_name=smap.name(str(rec["indicator_id"])) if smap else str(rec["indicator_id"]),
            region=str(rec["region"]), period_label=str(rec.get("period_label") or rec.get("period_start") or ""),
            kind="conflict" if is_conflict else "revision", chosen=chosen,
            others=tuple((_sourced(records[i]), *decided[i]) for i in differing),
        ))  # fmt: skip
    out["preferred"], out["conflict"], out["superseded"], out["choice"] = preferred, conflict, superseded, choice
    conflicts.sort(key=lambda c: (c.indicator_id, c.region, c.period_label))
    return out, conflicts


def _revision(title: object, note: object, name: object, status: str) -> str | None:
    """The revision wording that counts for rule ①: an explicit release status outranks the wording.

    ``final``/``revised`` after the period count as revision (their label is the word shown); a row
    marked ``preliminary`` is never revised, even when its title or name calls the whole series revised.
    """
    from planlib.inputs.periods import release_status_label

    if status in {"final", "revised"}:
        return release_status_label(status)
    if status == "preliminary":
        return None
    return revision_word(title, note, name)


def _decide(
    best: int, other: int, order: list[str], keys: dict[str, list], words: list, published: list, guesses: list,
    records: list[dict], settings: ChoiceSettings,
) -> tuple[str, str]:
    """(rule id, reason in words) for why row ``best`` won over row ``other``: the first rule they differ on."""
    reasons = settings.reasons
    for rule in order:
        if rule != "order" and keys[rule][best] == keys[rule][other]:
            continue
        if rule == "revised":
            return rule, reasons["revised"].format(word=words[best])
        if rule == "published":
            if published[other] is None:
                return rule, reasons["published_missing"].format(a=published[best])
            return rule, reasons["published"].format(a=published[best], b=published[other])
        if rule == "confidence":
            a, b = (settings.label(records[i]["confidence"]) for i in (best, other))  # the words, never the keys
            return rule, reasons["confidence"].format(a=a, b=b)
        if rule == "published_guess":
            if guesses[other] is None:
                return rule, reasons["published_guess_missing"].format(a=guesses[best])
            return rule, reasons["published_guess"].format(a=guesses[best], b=guesses[other])
        return "order", reasons["order"]
    return "order", reasons["order"]


def _same_figure(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two rows give the same figure: equal values, or equal at the coarser precision the two were published
    with, when both were published in the series' unit (742.01 and 742 亿元 agree, 813.466 and 813.47 agree;
    67.35 and 67.3 do not: 67.35 rounds to 67.4)."""
    if _value_key(a) == _value_key(b):
        return True
    if any(_missing(r.get("value")) or str(r.get("published_unit") or "") != str(r.get("unit") or "") for r in (a, b)):
        return False
    places = [_published_places(r.get("published_value")) for r in (a, b)]
    if None in places:
        return False
    return _half_up(a["value"], min(places)) == _half_up(b["value"], min(places))


def _half_up(value: Any, places: int) -> Decimal:
    """Rounded as statistics offices round (四舍五入, half up, on the decimal digits: 67.35 → 67.4).

    Exact for any finite float (1e308 included: the context holds all its digits); an infinite value is itself.
    """
    number = float(value)
    if not math.isfinite(number):
        return Decimal(repr(number))
    with localcontext() as context:
        context.prec = 400  # a float has at most 309 integer digits; the default 28 would refuse 1e308
        return Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _published_places(published: Any) -> int | None:
    """Decimal places of the number as published (“742.01” → 2, “742” → 0); None when there is no number."""
    import re

    found = re.findall(r"\d+(?:\.(\d+))?", str(published or ""))
    return len(found[-1]) if found else None


def _scope_difference(best: Mapping[str, Any], other: Mapping[str, Any], settings: ChoiceSettings) -> str:
    """'' when both rows cover the same territory; otherwise the sentence saying how they differ."""
    a, b = _text(best.get("includes")), _text(other.get("includes"))
    if a == b:
        return ""
    words = settings.wording
    shown = [words["scope_includes"].format(zones=z) if z else words["scope_none"] for z in (a, b)]
    return settings.wording["scope"].format(a=shown[0], b=shown[1])


def _value_key(rec: Mapping[str, Any]) -> tuple:
    """What makes two rows' values the same number (rounded: 1.5016 and 15016 人 → 万人 agree)."""

    def r(x: Any) -> float | None:
        return None if _missing(x) else round(float(x), 9)

    return r(rec.get("value")), r(rec.get("value_low")), r(rec.get("value_high"))


def _sourced(rec: Mapping[str, Any]) -> SourcedValue:
    line = rec.get("source_line")
    return SourcedValue(
        value=_shown_value(rec), number=None if _missing(rec.get("value")) else float(rec["value"]),
        source_title=str(rec.get("source_title") or ""), source_file=str(rec.get("source_file") or ""),
        source_line=0 if _missing(line) else int(line), confidence=str(rec.get("confidence") or ""),
        published=_text(rec.get("published")) or None,
    )  # fmt: skip


_BOUND_SHOWN = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}


def _shown_value(rec: Mapping[str, Any]) -> str:
    """A row's value for a sentence: “70.67 万人”, “≥300 万人”, “约75 万人”, “3—5 个”, “5.5%”, with its scope."""
    unit = _text(rec.get("unit"))
    space = "" if unit in {"", "%", "‰"} else " "
    if _missing(rec.get("value")):
        number = f"{_fmt(rec.get('value_low'))}—{_fmt(rec.get('value_high'))}"
    else:
        number = _BOUND_SHOWN.get(_text(rec.get("bound")), "") + _fmt(rec["value"])
    prefix = "约" if rec.get("approx") is True else ""
    scope = f"(含{rec['includes']})" if _text(rec.get("includes")) else ""
    return f"{prefix}{number}{space}{unit}{scope}"


def _compare_with_raw(
    path: Path, display: str, frame: pd.DataFrame, smap: SeriesMap, today: dt.date
) -> tuple[list[str], list[Problem]]:
    """(warnings, refusals) for the values of ``frame``: warnings for values that differ within the file or from
    the other files of data/raw; refusals for values 10× away from the rest of their series there
    (:mod:`planlib.inputs.plausibility`)."""
    import pandas as pd

    base_files = [p for p in raw_observation_files() if p.resolve() != path.resolve()]
    checked_against = "文件内"
    base = None
    note = []
    if base_files:
        try:
            base = load_observations(base_files, today=today)
            checked_against = "文件内及与 data/raw 中已有数据"
        except DataError as exc:
            note = [f"注意:未能与 data/raw 中已有数据比对——data/raw 本身有 {len(exc.problems)} 个问题"
                    f"(用 planlib check 逐个检查 data/raw 中的文件)"]  # fmt: skip
    parts = [frame] if base is None else [base.drop(columns=list(_CHOICE_COLUMNS)), frame]
    combined = pd.concat(parts, ignore_index=True)

    def mine(rec: Mapping[str, Any]) -> bool:
        source = str(rec.get("source_file") or "")
        return source == display or source.startswith(f"{display} 工作表")

    slips = [slip.problem() for slip in magnitude_slips(combined, smap, only=mine)]
    if slips:
        return note, _in_order(slips)
    found = [c for c in _choose(combined, smap)[1] if c.involves(display)]
    if not found:
        return note, []
    head = f"警告:同一指标、地区、时期有不同数值({checked_against}比对):{_count_kinds(found)}"
    return note + [head] + [f"警告:{c.line()}" for c in found], []


def _count_kinds(conflicts: list[Conflict]) -> str:
    """“3 组(来源有分歧 2 组,新版本取代旧版本 1 组)”, leaving out a kind with none."""
    n_conflict = sum(c.kind == "conflict" for c in conflicts)
    parts = [f"来源有分歧 {n_conflict} 组"] if n_conflict else []
    parts += [f"新版本取代旧版本 {len(conflicts) - n_conflict} 组"] if len(conflicts) > n_conflict else []
    return f"{len(conflicts)} 组({','.join(parts)})"


# ---------------------------------------------------------------- one row


_DATE = re.compile(r"(20\d\d)[-年./](\d{1,2})[-月./](\d{1,2})")
_ISO_DATE = re.compile(r"[0-9０-９]{4}[-－][0-9０-９]{2}[-－][0-9０-９]{2}")


def _latest_date(*texts: object) -> str:
    """Latest YYYY-MM-DD found in the given texts ('' if none): a proxy for a source's publication date."""
    found = []
    for text in texts:
        for y, m, d in _DATE.findall(str(text or "")):
            found.append(f"{y}-{int(m):02d}-{int(d):02d}")
    return max(found, default="")


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(project_root()))
    except (ValueError, FileNotFoundError):
        return str(path)


def _validate_structure(table: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Column presence (raises) and per-cell vocabularies, checked with pandera (returned as Problems).

    Problems carry the pseudo-line ``position + 2``; :meth:`RawTable.locate` places them.
    """
    from planlib._schemas import raw_schema, raw_schema_failures

    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        where = {} if raw.sheet is None else {"sheet": raw.sheet, "row": 1}
        cls = Problem if raw.sheet is None else SheetProblem
        raise DataError(
            cls(file=raw.source_file, problem=f"缺少必需的列:{'、'.join(missing)}",
                expected=f"表头含 {', '.join(REQUIRED_COLUMNS)}(可选 {', '.join(OPTIONAL_COLUMNS)})", **where)
        )  # fmt: skip
    problems = raw_schema_failures(raw_schema(table.columns), table, raw.source_file)
    # a misspelt optional column (“publised”) would be dropped, and its dates with it: refuse it
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    for column in table.columns:
        if column in known:
            continue
        close = difflib.get_close_matches(column, known, n=1, cutoff=0.75)
        if close:
            cls = Problem if raw.sheet is None else SheetProblem
            where = {} if raw.sheet is None else {"sheet": raw.sheet, "row": 1}
            problems.append(cls(file=raw.source_file, field=column,
                                problem=f"列名“{column}”不认识,像是“{close[0]}”的笔误;这一列不会被读取",
                                expected=f"改为 {close[0]};其他自用的列可保留,planlib 不读", **where))  # fmt: skip
    return problems


def _tidy_row(
    rec: dict, sid: str, smap: SeriesMap, display: str, line: int, today: dt.date
) -> tuple[dict, list[Problem]]:
    """One raw row as a tidy row, and every problem of its cells (the row is used only when there is none)."""
    from planlib.inputs.district_names import normalise_district
    from planlib.inputs.numbers import parse_number
    from planlib.inputs.periods import is_annual, parse_period

    problems: list[Problem] = []

    def problem(field_name: str, text: str, expected: str | None = None) -> None:
        problems.append(Problem(file=display, row=line, field=field_name, problem=text, expected=expected))

    region_raw = (rec.get("district") or "").strip() or MUNICIPALITY
    region = None
    try:
        region = normalise_district(region_raw)
    except CleanError as exc:
        problem("district", exc.problem, exc.expected)

    period_text = (rec.get("period") or "").strip()
    kind = (rec.get("kind") or "").strip() or None
    period = None
    try:
        if period_text:
            period = parse_period(period_text, year=rec["year"], kind=kind)
        else:
            period = parse_period(rec["year"], kind=kind)
    except CleanError as exc:
        problem("period" if period_text else "year", exc.problem, exc.expected)
    if period is not None:
        _check_period_over(period, today, problem)

    published = _published(rec.get("published"), period, today, problem)

    target_unit = smap.unit(sid)
    number = value = low = high = None
    published_unit = (rec.get("unit") or "").strip()
    try:
        number = parse_number(rec["value"])
    except CleanError as exc:
        problem("value", exc.problem, exc.expected)
    if number is not None and number.missing:
        problem("value", f"数值为空(“{rec['value']}”)", "一个数字;没有数据的行请删除,不要留空")
        number = None
    if number is not None:
        published_unit = published_unit or (number.unit or "")
        if number.unit and rec.get("unit") and number.unit != published_unit:
            problem("value", f"数值自带单位“{number.unit}”与 unit 列“{published_unit}”不一致", "二者一致,或只写在一处")
        else:
            try:
                value = _convert(number.value, published_unit, target_unit)
                low = _convert(number.low, published_unit, target_unit)
                high = _convert(number.high, published_unit, target_unit)
            except CleanError as exc:
                problem("unit", exc.problem, f"可换算为 {target_unit} 的单位(序列 {sid})")
            else:
                rule = smap.plausibility(sid)
                for what, converted, written in (("数值", value, number.value), ("区间下限", low, number.low),
                                                 ("区间上限", high, number.high)):  # fmt: skip
                    if converted is not None and rule.broken_by(converted):
                        shown = _plausibility_value(written, published_unit, converted, target_unit)
                        problem("value", f"{what} {shown}不合理:{smap.name(sid)}({sid})是{rule.measure_name},"
                                         f"{rule.rule}(series.yaml {rule.ref})", rule.expected())  # fmt: skip
    if problems or region is None or period is None or number is None:
        return {}, problems
    return {
        "indicator_id": sid,
        "region": region.name,
        "region_code": region.code,
        "region_kind": region.kind,
        "includes": "、".join(region.includes),
        "year": period.year,
        "period_type": period.period_type,
        "period_start": period.start.isoformat() if period.start else None,
        "period_end": period.end.isoformat() if period.end else None,
        "period_label": period.label,
        "value": value,
        "value_low": low,
        "value_high": high,
        "bound": number.bound,
        "approx": bool(number.approx),
        "footnote": number.footnote or "",
        "unit": target_unit,
        "is_annual": is_annual(period),
        "published_name": rec["indicator"].strip(),
        "published_value": rec["value"],
        "published_unit": published_unit,
        "source_title": rec["source_title"].strip(),
        "source_url": rec["source_url"].strip(),
        "confidence": rec["confidence"].strip(),
        "published": published,
        "published_guess": None,  # set with the choice columns, from title and note
        "revised": False,  # idem
        "status": period.status,
        "note": (rec.get("note") or "").strip(),
        "quote": _text(rec.get("quote")),
        "source_file": display,
        "source_line": line,
    }, []


def _check_period_over(period: Any, today: dt.date, problem: Any) -> None:
    """A value for a period that has not ended cannot have been published (reported on the year field)."""
    expected = f"已经结束的时期(今天是 {today.isoformat()});规划目标和预测值不是观测值"
    if period.start is not None and period.start > today:
        problem("year", f"时期“{period.raw}”({period.label})尚未开始,不可能已有公布的数值", expected)
    elif period.end is not None and period.end > today:
        problem("year", f"时期“{period.raw}”({period.label})到 {period.end.isoformat()} 才结束,"
                        f"尚未结束的时期不可能已有公布的数值", expected)  # fmt: skip


def _published(cell: Any, period: Any, today: dt.date, problem: Any) -> str | None:
    """The optional ``published`` column: an ISO date, not after today, not before the period ended."""
    from planlib.inputs.text import fold

    text = _text(cell)
    if not text:
        return None
    expected = "YYYY-MM-DD 格式的日期,如 2024-03-20;不知道发布日期时留空"
    if not _ISO_DATE.fullmatch(text):
        problem("published", f"发布日期“{text}”不是 YYYY-MM-DD 格式", expected)
        return None
    folded = fold(text)
    try:
        day = dt.date.fromisoformat(folded)
    except ValueError:
        problem("published", f"发布日期“{text}”不存在", expected)
        return None
    if day > today:
        problem("published", f"发布日期 {day.isoformat()} 晚于今天({today.isoformat()}),不可能已经发布",
                "已经过去的日期")  # fmt: skip
        return None
    # a value is published after its period ends (an "as of" span ends on its own reporting date)
    if period is not None and period.end is not None and period.period_type != "as_of" and day < period.end:
        problem("published", f"发布日期 {day.isoformat()} 早于时期“{period.raw}”({period.label})的结束日 "
                             f"{period.end.isoformat()}:时期结束前不可能公布该时期的数值",
                "该时期结束之后的日期;请核对发布日期和时期")  # fmt: skip
        return None
    return day.isoformat()


def _row_notices(row: dict) -> list[str]:
    """Notices for a row that loaded: a footnote marker split off, special zones a figure includes."""
    where = f"{row['source_file']} 第 {row['source_line']} 行"
    out = []
    if row["footnote"]:
        out.append(f"{where}:数值“{row['published_value']}”末尾的“{row['footnote']}”是脚注标记,"
                   f"已与数字分开(记入 footnote 列)")  # fmt: skip
    if row["includes"]:
        out.append(f"{where}:{row['region']}的数值含{row['includes']}(includes 列)")
    return out


def _plausibility_value(written: float | None, written_unit: str, converted: float, unit: str) -> str:
    """“-5(万人)”, or “-50000(人,即 -5 万人)” when the published unit differs from the series' unit."""
    if written is None or written_unit in {"", unit}:
        return f"{_fmt(converted)}({unit})"
    return f"{_fmt(written)}({written_unit},即 {_fmt(converted)} {unit})"


def _convert(value: float | None, unit_from: str, unit_to: str) -> float | None:
    from planlib.inputs.numbers import convert_unit

    if value is None or unit_from == unit_to:
        return value
    return convert_unit(value, unit_from, unit_to)


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or type(x).__name__ in {"NAType", "NaTType"}


def _text(x: Any) -> str:
    return "" if _missing(x) else str(x).strip()


def _fmt(x: Any) -> str:
    """A number without a float's noise: 70.67, 1150, 3205.4159, -0.9."""
    value = float(x)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".10g")
