"""Record-level monitoring files (就业/失业登记, 失业动态监测企业样本, 招聘求职) → validated DuckDB views.

The files stay where they are: DuckDB reads CSV (UTF-8, comma-separated, header line) and Parquet in
place, so a file larger than memory is fine and nothing is loaded into pandas whole. Three formats,
told apart by their key column (the English name or the Chinese label may head a column):

registers — one row per registration event (就业/失业登记):
    person_id 人员编号 (required; replaced by a salted hash on ingest), district 区县 (name or 6-digit
    code), event 登记类型 (就业登记 / 失业登记 / 登记注销 / 期初在册, ``settings/monitoring.yaml``
    ``events``), event_date 登记日期 (YYYY-MM-DD); optional industry 行业 (GB/T 4754 门类 letter or
    name), age_group 年龄组, the 重点群体 flag columns of ``key_groups`` (0/1, 是/否).
enterprises — 失业动态监测 sample, one row per enterprise and month:
    enterprise_id 企业编号 (hashed), district, industry, month 监测月份 (YYYY-MM), jobs_start 期初用工人数,
    jobs_end 期末用工人数, jobs_cut 岗位减少数, jobs_added 岗位新增数 (integers ≥ 0, and start + added −
    cut = end); optional cut_reason 减员原因.
postings — job postings and applications, one row per posting or application batch:
    date 日期, district, industry, record_type 类型 (招聘 / 求职), count 人数 (integer ≥ 1); optional
    occupation 职业 (read, not used by any indicator).

Every file may carry a ``synthetic`` column: any non-empty value marks the whole file as synthetic test
data, and every output computed from it says so.

Identifiers: columns named as personal or enterprise identifiers (姓名, 身份证号, 手机号, 企业名称,
统一社会信用代码 …, ``identifiers.drop_columns``) are never read; other columns no format defines are
not read either. The key columns are exposed only as a salted 64-bit hash (``person_key`` /
``enterprise_key``; the salt is random per :class:`RecordSet` and never stored), which no indicator
outputs. A value that looks like an ID number, a mobile number or a credit code is never shown, not
even in an error message — nor in a file's name: a file is named in messages by its path and in every
output by :attr:`RecordFile.label`, with each identifier-shaped run masked (:func:`safe_name`:
``登记_13900001111_….csv`` → ``登记_〔手机号已隐去〕_〔身份证号已隐去〕.csv``). :attr:`RecordSet.notices` says
what was removed from which file.

Validation names the file, the line (CSV; the header is line 1) or record (Parquet, 第 N 条记录), the
field and the problem, in the style of :class:`planlib.errors.Problem`, for every kind of fault (up to
:data:`MAX_LISTED` rows each, then a count). A file that fails is not used at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planlib._paths import PACKAGE_DIR
from planlib.errors import CleanError, DataError, Problem

if TYPE_CHECKING:
    import duckdb

SETTINGS_FILE = PACKAGE_DIR / "settings" / "monitoring.yaml"
KINDS = ("registers", "enterprises", "postings")
KIND_LABEL = {"registers": "就业失业登记", "enterprises": "失业动态监测企业样本", "postings": "招聘求职"}
MAX_LISTED = 20  # rows listed per kind of problem and file; the rest are counted
_FLAG_TRUE = ("1", "是", "true", "TRUE", "True", "Y", "y")
_FLAG_VALUES = (*_FLAG_TRUE, "0", "否", "false", "FALSE", "False", "N", "n", "")


# ================================================================== settings


@dataclass(frozen=True)
class MonitoringSettings:
    """``settings/monitoring.yaml`` checked (see the comments in that file for each entry)."""

    raw: dict[str, Any]
    path: Path

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    @property
    def threshold(self) -> int:
        return int(self.raw["disclosure"]["threshold"])

    @property
    def industry_names(self) -> dict[str, str]:
        return dict(self.raw["industries"])


def load_settings(path: Path = SETTINGS_FILE) -> MonitoringSettings:
    """Read and check ``settings/monitoring.yaml``.

    Raises :class:`planlib.errors.DataError` naming the file, the entry and the field for a YAML syntax
    error, an unknown or missing key, a value of the wrong type, an event or posting type outside the
    allowed meanings, an unknown key industry, or an alert rule whose ``min_count`` is below the
    disclosure threshold.
    """
    return _load_settings(Path(path))


@functools.cache
def _load_settings(path: Path) -> MonitoringSettings:
    from pydantic import BaseModel, ConfigDict, ValidationError

    from planlib._config import load_mapping, validation_problems

    class _Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)

    class KeyGroup(_Strict):
        id: str
        column: str
        label: str

    class Identifiers(_Strict):
        drop_columns: list[str]
        patterns: dict[str, str]
        name_digits: int = 7

    class Disclosure(_Strict):
        threshold: int
        publish_zero: bool
        min_enterprises: int
        mark: str

    class Population(_Strict):
        series: str
        period_type: str
        label: str

    class Output(_Strict):
        confidence: Literal["high", "medium", "low"]
        marking: str
        folder: str

    class Component(_Strict):
        id: str
        label: str
        series: str
        direction: Literal["higher", "lower"]

    class Heat(_Strict):
        name: str
        goalposts: Literal["per_month", "pooled"]
        weights: Literal["equal", "entropy"]
        min_components: int
        components: list[Component]

    class Rule(_Strict):
        id: str
        level: str
        test: Literal["at_least", "at_most", "yoy_rise_pct", "above_city"]
        series: str
        threshold: float
        text: str
        min_count: int | None = None

    class Alerts(_Strict):
        rules: list[Rule]

    class File(_Strict):
        events: dict[str, Literal["employment", "unemployment", "exit", "opening"]]
        posting_types: dict[str, Literal["vacancies", "applicants"]]
        industries: dict[str, str]
        key_industries: list[str]
        age_groups: list[str]
        youth: str
        key_groups: list[KeyGroup]
        cut_reasons: list[str]
        identifiers: Identifiers
        disclosure: Disclosure
        population: Population
        output: Output
        heat_index: Heat
        alerts: Alerts

    raw = load_mapping(path, "含 events、industries、identifiers、disclosure、heat_index、alerts 等(见该文件的注释)")
    try:
        spec = File.model_validate(raw).model_dump()
    except ValidationError as exc:
        raise DataError(validation_problems(path, raw, exc.errors())) from None
    problems = []
    for letter in spec["key_industries"]:
        if letter not in spec["industries"]:
            problems.append(Problem(file=str(path), entry="key_industries",
                                    problem=f"“{letter}”不是 industries 中的门类",
                                    expected="industries 中的门类字母"))  # fmt: skip
    if spec["youth"] not in spec["age_groups"]:
        problems.append(Problem(file=str(path), entry="youth", problem=f"“{spec['youth']}”不在 age_groups 中"))
    if spec["disclosure"]["threshold"] < 1:
        problems.append(Problem(file=str(path), entry="disclosure", field="threshold", problem="阈值须 ≥ 1"))
    for i, rule in enumerate(spec["alerts"]["rules"]):
        if rule["test"] == "yoy_rise_pct" and (rule["min_count"] or 0) < spec["disclosure"]["threshold"]:
            problems.append(Problem(file=str(path), entry=f"alerts.rules[{i}] (id={rule['id']})", field="min_count",
                                    problem=f"min_count 为 {rule['min_count']},低于公布阈值 "
                                            f"{spec['disclosure']['threshold']}",
                                    expected="不小于 disclosure.threshold 的整数(小于阈值的人数不公布,也不据以预警)"))
    if spec["identifiers"]["patterns"]:
        for label, pattern in spec["identifiers"]["patterns"].items():
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(Problem(file=str(path), entry=f"identifiers.patterns.{label}",
                                        problem=f"正则表达式有误:{exc}"))  # fmt: skip
    if spec["identifiers"]["name_digits"] < 1:
        problems.append(Problem(file=str(path), entry="identifiers", field="name_digits",
                                problem=f"为 {spec['identifiers']['name_digits']},须为正整数",
                                expected="文件名中连续多少位数字即视为编号而隐去,如 7"))  # fmt: skip
    if problems:
        raise DataError(problems)
    return MonitoringSettings(raw=spec, path=path)


# ================================================================== formats


@dataclass(frozen=True)
class Field:
    """One column of a record format: its name, the Chinese label also accepted as header, what is checked."""

    name: str
    label: str
    check: str  # key, district, industry, event, posting_type, age_group, cut_reason, flag, date, month, count,
    #             positive, text, label
    required: bool
    description: str


def formats(settings: MonitoringSettings | None = None) -> dict[str, tuple[Field, ...]]:
    """The three record formats (kind → its fields), with the 重点群体 flag columns of the settings."""
    settings = settings or load_settings()
    flags = tuple(Field(g["column"], g["label"], "flag", False, f"是否{g['label']}(0/1 或 是/否)")
                  for g in settings["key_groups"])  # fmt: skip
    synthetic = Field("synthetic", "合成数据标记", "label", False, "非空即表示本文件是合成测试数据")
    return {
        "registers": (
            Field("person_id", "人员编号", "key", True, "人员的编号(身份证号也可,读取时即替换为加盐哈希)"),
            Field("district", "区县", "district", True, "登记所在区县的名称或 6 位行政区划代码"),
            Field("event", "登记类型", "event", True, "、".join(settings["events"])),
            Field("event_date", "登记日期", "date", True, "YYYY-MM-DD"),
            Field("industry", "行业", "industry", False, "GB/T 4754—2017 门类字母或名称,可留空"),
            Field("age_group", "年龄组", "age_group", False, "、".join(settings["age_groups"]) + ",可留空"),
            *flags, synthetic,
        ),
        "enterprises": (
            Field("enterprise_id", "企业编号", "key", True, "监测企业的编号(读取时即替换为加盐哈希)"),
            Field("district", "区县", "district", True, "企业所在区县的名称或 6 位行政区划代码"),
            Field("industry", "行业", "industry", True, "GB/T 4754—2017 门类字母或名称"),
            Field("month", "监测月份", "month", True, "YYYY-MM"),
            Field("jobs_start", "期初用工人数", "count", True, "非负整数"),
            Field("jobs_end", "期末用工人数", "count", True, "非负整数"),
            Field("jobs_cut", "岗位减少数", "count", True, "非负整数"),
            Field("jobs_added", "岗位新增数", "count", True, "非负整数"),
            Field("cut_reason", "减员原因", "cut_reason", False, "、".join(settings["cut_reasons"]) + ",可留空"),
            synthetic,
        ),
        "postings": (
            Field("date", "日期", "date", True, "YYYY-MM-DD"),
            Field("district", "区县", "district", True, "岗位或求职者所在区县的名称或 6 位行政区划代码"),
            Field("industry", "行业", "industry", True, "GB/T 4754—2017 门类字母或名称"),
            Field("record_type", "类型", "posting_type", True, "、".join(settings["posting_types"])),
            Field("count", "人数", "positive", True, "招聘岗位数或求职人数,正整数"),
            Field("occupation", "职业", "text", False, "职业名称(读取,暂不用于指标)"),
            synthetic,
        ),
    }


_KEY_COLUMN = {"person_id": "registers", "人员编号": "registers", "enterprise_id": "enterprises",
               "企业编号": "enterprises", "record_type": "postings", "类型": "postings"}  # fmt: skip


def _fold(name: str) -> str:
    return re.sub(r"\s+", "", str(name)).lower()


# ================================================================== one file


@dataclass
class RecordFile:
    """One validated record file: where it is, what was read, what was removed."""

    kind: str
    path: Path
    display: str  # the path as messages name it, identifier-shaped runs masked (:func:`safe_name`)
    file_format: str  # csv | parquet
    label: str = ""  # the file's name as outputs name it, identifier-shaped runs masked (:func:`safe_name`)
    columns: dict[str, str] = field(default_factory=dict)  # field name → column as written in the file
    rows: int = 0
    dropped_identifiers: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    key_looks_like: str | None = None  # identifier label the key column's values look like, if any
    synthetic: bool = False
    first_date: str | None = None
    last_date: str | None = None
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # coded field → value as written → meaning
    types: dict[str, str] = field(default_factory=dict)  # field → the column's DuckDB type (VARCHAR for CSV)

    def __post_init__(self) -> None:
        if not self.label:  # made without one (by hand): the default rules
            self.label = safe_name(self.path.name)

    @property
    def name(self) -> str:
        """The file's name as it is on disk: for opening it, never for an output (use :attr:`label`)."""
        return self.path.name

    def notices(self) -> list[str]:
        """What was removed or not read, in words (one line each; [] when nothing)."""
        out = []
        if self.dropped_identifiers:
            out.append(f"{self.display}:含个人或企业身份信息的列 {'、'.join(self.dropped_identifiers)} 未读取,"
                       f"不进入任何计算和输出")  # fmt: skip
        key = self.columns.get("person_id") or self.columns.get("enterprise_id")
        if key and self.key_looks_like:
            out.append(f"{self.display}:编号列“{key}”的值形如{self.key_looks_like},读取时已替换为加盐哈希,"
                       f"原值不进入任何输出")  # fmt: skip
        if self.ignored_columns:
            out.append(f"{self.display}:格式中没有的列 {'、'.join(self.ignored_columns)} 未读取")
        if self.synthetic:
            out.append(f"{self.display}:标记为合成测试数据(synthetic 列),由此计算的结果均标注为合成数据")
        return out


def _sql_str(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _display(path: Path) -> str:
    from planlib.inputs.observations import _display_path

    return _display_path(path)


def source_sql(path: Path, file_format: str) -> str:
    """The DuckDB table function reading ``path`` in place (all CSV cells as text)."""
    if file_format == "parquet":
        return f"read_parquet({_sql_str(str(path))})"
    return f"read_csv({_sql_str(str(path))}, header=true, all_varchar=true, delim=',', quote='\"', escape='\"')"


def _header(path: Path, file_format: str, con: duckdb.DuckDBPyConnection, display: str,
            settings: MonitoringSettings) -> list[str]:  # fmt: skip
    """The column names as written (a CSV's first line; a Parquet file's schema)."""
    import duckdb

    if file_format == "parquet":
        try:
            return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source_sql(path, 'parquet')}").fetchall()]
        except duckdb.Error as exc:
            raise DataError(Problem(file=display, problem=f"无法作为 Parquet 文件读取({_first_line(exc, settings)})",
                                    expected="Parquet 格式的文件")) from None  # fmt: skip
    with path.open("rb") as handle:
        line = handle.readline()  # the header only: the rest is DuckDB's to read (and to report by line)
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(Problem(file=display, row=1, problem=f"不是 UTF-8 编码的文本(第 {exc.start} 字节处)",
                                expected="以 UTF-8 编码保存的 CSV 文件")) from None  # fmt: skip
    first = next(csv.reader([text]), [])
    return [c.strip() for c in first]


def _first_line(exc: Exception, settings: MonitoringSettings) -> str:
    """The first line of a reader's error, with identifier-shaped runs masked (it may quote the file's path)."""
    return safe_name(str(exc).strip().splitlines()[0], settings) if str(exc).strip() else type(exc).__name__


_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")


def _read_error(exc: Exception, display: str, settings: MonitoringSettings) -> DataError:
    """A DuckDB reading error (a broken line, bytes that are not UTF-8) as a Problem naming the line."""
    text = str(exc)
    match = _CSV_LINE.search(text)
    row = int(match.group(1)) if match else None
    if "not utf-8" in text.lower() or "invalid unicode" in text.lower():
        return DataError(Problem(file=display, row=row, problem="不是 UTF-8 编码的文本",
                                 expected="以 UTF-8 编码保存的 CSV 文件"))  # fmt: skip
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found:
        return DataError(Problem(file=display, row=row,
                                 problem=f"该行有 {found.group(2)} 个字段,表头有 {found.group(1)} 列",
                                 expected="每行的字段数与表头相同;含逗号的值须加英文双引号"))  # fmt: skip
    return DataError(Problem(file=display, row=row, problem=f"无法按 CSV 读取({_first_line(exc, settings)})",
                             expected="UTF-8 编码、逗号分隔、首行为表头的 CSV 文件"))  # fmt: skip


def detect_kind(columns: Iterable[str]) -> str | None:
    """Which format a header belongs to (by its key column), or None."""
    for column in columns:
        kind = _KEY_COLUMN.get(_fold(column)) or _KEY_COLUMN.get(str(column).strip())
        if kind:
            return kind
    return None


# a run of digits, possibly split by dashes or spaces (139-0000-1111, 500101 19900101 1235)
_DIGIT_GROUP = re.compile(r"\d+(?:[-\s\u3000]\d+)*")
_NON_DIGIT = re.compile(r"\D")


class _Masker:
    """Replaces values that look like identifiers (``identifiers.patterns``) before they are shown."""

    def __init__(self, settings: MonitoringSettings):
        self.patterns = {label: re.compile(p) for label, p in settings["identifiers"]["patterns"].items()}
        self.name_digits = int(settings["identifiers"].get("name_digits", 7))

    def mask(self, text: str) -> str:
        """``text`` with every identifier-shaped run replaced by 〔label已隐去〕 (see :func:`safe_name`)."""
        text = str(text)
        # a match with letters in it (an ID number ending in X, a credit code), grown over the digits around it
        for label, pattern in self.patterns.items():
            spans = [_widened(text, m.span()) for m in pattern.finditer(text) if not m.group(0).isdigit()]
            text = _replace_spans(text, spans, label)
        # every run of digits: named by the first pattern it matches whole, else masked when long
        pieces, last = [], 0
        for group in _DIGIT_GROUP.finditer(text):
            digits = unicodedata.normalize("NFKC", _NON_DIGIT.sub("", group.group(0)))  # full-width digits too
            label = next((name for name, pattern in self.patterns.items() if pattern.fullmatch(digits)), None)
            if label is None and len(digits) >= self.name_digits and not _is_date(digits):
                label = "数字串"
            if label is not None:
                pieces += [text[last:group.start()], f"〔{label}已隐去〕"]
                last = group.end()
        return "".join([*pieces, text[last:]])

    def looks_like(self, value: object) -> str | None:
        text = "" if value is None else str(value)
        for label, pattern in self.patterns.items():
            if pattern.search(text):
                return label
        return None

    def shown(self, value: object) -> str:
        label = self.looks_like(value)
        if label:
            return f"(形如{label}的值,已隐去)"
        return "" if value is None else str(value)


def _widened(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` grown over the digits on either side: no fragment of a longer number is left beside a mask."""
    start, end = span
    while start > 0 and text[start - 1].isdigit():
        start -= 1
    while end < len(text) and text[end].isdigit():
        end += 1
    return start, end


def _replace_spans(text: str, spans: list[tuple[int, int]], label: str) -> str:
    """``text`` with the (possibly overlapping) ``spans`` replaced by one 〔label已隐去〕 each merged run."""
    pieces, last = [], 0
    for start, end in sorted(spans):
        if start < last:  # overlaps the run just masked: extend it
            last = max(last, end)
            continue
        pieces += [text[last:start], f"〔{label}已隐去〕"]
        last = end
    return "".join([*pieces, text[last:]])


def _is_date(digits: str) -> bool:
    """A YYYYMMDD date (1900–2099) in a file name is kept: it says which extract it is and names no one."""
    if len(digits) != 8 or not digits.startswith(("19", "20")):
        return False
    try:
        dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return True


def safe_name(text: str, settings: MonitoringSettings | None = None) -> str:
    """A file name or path with every identifier-shaped run masked, for messages and outputs.

    The rules are those for values (``identifiers.patterns`` of ``settings/monitoring.yaml``: 身份证号, 手机号,
    统一社会信用代码), each match grown over the digits around it, and then every run of digits — also one
    split by dashes or spaces — that matches them once the separators are dropped, or that is at least
    ``identifiers.name_digits`` (7) digits long and not a YYYYMMDD date. Each masked run becomes
    〔<label>已隐去〕 (label 数字串 for a long run): ``登记_13900001111_500101199001011235.csv`` →
    ``登记_〔手机号已隐去〕_〔身份证号已隐去〕.csv``; ``registers_20261031.csv`` is unchanged."""
    return _Masker(settings or load_settings()).mask(text)


# ---------------------------------------------------------------- value maps (small vocabularies)


DISTRICT_EXPECTED = "记录所在区县(38 个区县之一)的标准名称、常用简称或 6 位行政区划代码,如 万州区、万州、500101"


def _district_map(value: str) -> tuple[str, str] | CleanError:
    """(official name, code) of a 区县 written as a name or a 6-digit code, or the error to show."""
    from planlib.inputs.district_names import district_table, normalise_district

    text = value.strip()
    if re.fullmatch(r"\d{6}", text):
        table = district_table()
        hit = table[(table["code"] == text) & (table["kind"] == "district")]
        if hit.empty:
            return CleanError(f"“{text}”不是重庆市 38 个区县的行政区划代码", DISTRICT_EXPECTED)
        return str(hit["name"].iloc[0]), text
    try:
        name = normalise_district(text)
    except CleanError as exc:  # its words name the spelling and the closest names; a record must name a 区县
        return CleanError(exc.problem, DISTRICT_EXPECTED)
    if name.kind != "district":
        table = district_table().set_index("name")
        rule = table["rule"].get(name.name) or ""
        return CleanError(f"“{text}”是{name.name},不是区县{(':' + rule) if rule else ''}", DISTRICT_EXPECTED)
    return name.name, str(name.code)


def _vocabulary_maps(settings: MonitoringSettings) -> dict[str, Callable[[str], str | CleanError]]:
    industries = settings.industry_names
    by_name = {v: k for k, v in industries.items()}

    def industry(value: str) -> str | CleanError:
        text = value.strip()
        if text.upper() in industries:
            return text.upper()
        if text in by_name:
            return by_name[text]
        return CleanError(f"行业“{text}”不是 GB/T 4754—2017 的门类", "门类字母 A—T 或门类名称,如 C 或 制造业")

    def vocab(options: Sequence[str], what: str, allow_empty: bool = False) -> Callable[[str], str | CleanError]:
        def check(value: str) -> str | CleanError:
            text = value.strip()
            if text in options or (allow_empty and text == ""):
                return text
            return CleanError(f"{what}“{text}”不在规定范围内", "、".join(options) + ("(或留空)" if allow_empty else ""))

        return check

    def flag(value: str) -> str | CleanError:
        text = value.strip()
        if text in _FLAG_VALUES:
            return "1" if text in _FLAG_TRUE else "0"
        return CleanError(f"“{text}”不是 0/1 或 是/否", "0、1、是、否 或留空")

    def district(value: str) -> str | CleanError:
        hit = _district_map(value)
        return hit if isinstance(hit, CleanError) else hit[1]

    return {
        "district": district, "industry": industry, "flag": flag,
        "event": vocab(list(settings["events"]), "登记类型"),
        "posting_type": vocab(list(settings["posting_types"]), "类型"),
        "age_group": vocab(settings["age_groups"], "年龄组", allow_empty=True),
        "cut_reason": vocab(settings["cut_reasons"], "减员原因", allow_empty=True),
    }  # fmt: skip


_CODED = ("district", "industry", "event", "posting_type", "age_group", "cut_reason", "flag")
_MAX_DISTINCT = 5000  # a coded column with more distinct values than this is not a code


# ---------------------------------------------------------------- checks


@dataclass(frozen=True)
class _Check:
    field: str
    sql: str  # a predicate that is TRUE for a bad row; columns as v_<field> (trimmed text)
    problem: Callable[[dict], str]
    expected: str


_DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")
_INT_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


def _value_checks(fields: Sequence[Field], present: dict[str, str], today: dt.date,
                  types: dict[str, str] | None = None) -> list[_Check]:  # fmt: skip
    """The checks of each present field, as SQL on its trimmed text ``v_<field>``; a Parquet column whose type
    already guarantees the form (DATE, an integer type) is checked on its typed value ``t_<field>`` only for
    what the type does not say (missing, in the future, negative), without turning every value into text."""
    out: list[_Check] = []
    day = today.isoformat()
    types = types or {}
    for f in fields:
        if f.name not in present:
            continue
        v, t, kind = f"v_{f.name}", f"t_{f.name}", types.get(f.name, "VARCHAR")
        if f.check == "date" and kind in _DATE_TYPES:
            if f.required:
                out.append(_Check(f.name, f"{t} IS NULL", lambda r: "值为空", f"{f.label}:{f.description}"))
            out.append(_Check(f.name, f"CAST({t} AS DATE) > DATE {_sql_str(day)}",
                              lambda r, n=f.name: f"日期 {r[n]} 晚于今天({day}),不可能已经发生", "已经过去的日期"))
            continue
        if f.check in ("count", "positive") and kind in _INT_TYPES:
            least = 1 if f.check == "positive" else 0
            if f.required:
                out.append(_Check(f.name, f"{t} IS NULL", lambda r: "值为空", f"{f.label}:{f.description}"))
            out.append(_Check(f.name, f"{t} < {least}",
                              lambda r, n=f.name, least=least: f"“{r[n]}”不是{'正' if least else '非负'}整数",
                              "正整数" if least else "0 或正整数"))  # fmt: skip
            continue
        if f.required:
            out.append(_Check(f.name, f"({v} IS NULL OR {v} = '')", lambda r: "值为空", f"{f.label}:{f.description}"))
            present_sql = f"{v} IS NOT NULL AND {v} <> ''"
        else:
            present_sql = f"{v} IS NOT NULL AND {v} <> ''"
        if f.check == "date":
            out.append(_Check(f.name, f"({present_sql}) AND (NOT regexp_full_match({v}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
                                      f"OR TRY_CAST({v} AS DATE) IS NULL)",
                              lambda r, n=f.name: f"日期“{r[n]}”不是 YYYY-MM-DD 格式或不存在",
                              "YYYY-MM-DD 格式的日期,如 2026-10-08"))  # fmt: skip
            out.append(_Check(f.name, f"({present_sql}) AND TRY_CAST({v} AS DATE) > DATE {_sql_str(day)}",
                              lambda r, n=f.name: f"日期 {r[n]} 晚于今天({day}),不可能已经发生",
                              "已经过去的日期"))  # fmt: skip
        elif f.check == "month":
            out.append(_Check(f.name, f"({present_sql}) AND (NOT regexp_full_match({v}, '\\d{{4}}-\\d{{2}}') "
                                      f"OR TRY_CAST({v} || '-01' AS DATE) IS NULL)",
                              lambda r, n=f.name: f"月份“{r[n]}”不是 YYYY-MM 格式或不存在",
                              "YYYY-MM 格式的月份,如 2026-10"))  # fmt: skip
            out.append(_Check(f.name, f"({present_sql}) AND last_day(TRY_CAST({v} || '-01' AS DATE)) "
                                      f"> DATE {_sql_str(day)}",
                              lambda r, n=f.name: f"月份 {r[n]} 尚未结束(今天是 {day}),不可能已有该月的监测数据",
                              "已经结束的月份"))  # fmt: skip
        elif f.check in ("count", "positive"):
            least = 1 if f.check == "positive" else 0
            out.append(_Check(f.name, f"({present_sql}) AND (NOT regexp_full_match({v}, '\\d+(\\.0+)?') "
                                      f"OR TRY_CAST({v} AS DOUBLE) < {least})",
                              lambda r, n=f.name, least=least: f"“{r[n]}”不是{'正' if least else '非负'}整数",
                              "正整数" if least else "0 或正整数"))  # fmt: skip
    return out


def _balance_check() -> _Check:
    def text(r: dict) -> str:
        a, b, c, d = (int(float(r[k])) for k in ("jobs_start", "jobs_added", "jobs_cut", "jobs_end"))
        return f"期初 {a} + 新增 {b} − 减少 {c} = {a + b - c},与期末用工人数 {d} 不符"

    sql = ("TRY_CAST(v_jobs_start AS DOUBLE) + TRY_CAST(v_jobs_added AS DOUBLE) - TRY_CAST(v_jobs_cut AS DOUBLE) "
           "<> TRY_CAST(v_jobs_end AS DOUBLE)")
    return _Check("jobs_end", sql, text, "期初用工人数 + 岗位新增数 − 岗位减少数 = 期末用工人数")


def inspect_file(
    path: Path | str, kind: str | None = None, *, settings: MonitoringSettings | None = None,
    con: duckdb.DuckDBPyConnection | None = None, today: dt.date | None = None,
) -> RecordFile:
    """Validate one record file where it lies; returns what was read (rows, columns, removals, date range).

    ``kind`` is detected from the header when not given. Raises :class:`DataError` listing every problem
    (file, line or record, field, what, what is expected); values that look like identifiers are never
    shown in a problem.
    """
    import duckdb

    settings = settings or load_settings()
    today = today or dt.date.today()
    path = Path(path)
    display = safe_name(_display(path), settings)
    if not path.is_file():
        raise DataError(Problem(file=display, problem="文件不存在"))
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise DataError(Problem(file=display, problem=f"文件类型“{path.suffix or '(无扩展名)'}”无法读取",
                                expected=".csv(UTF-8,逗号分隔)或 .parquet 文件"))  # fmt: skip
    file_format = "parquet" if suffix == ".parquet" else "csv"
    own = con is None
    con = con or duckdb.connect()
    try:
        return _inspect(path, display, file_format, kind, settings, con, today)
    finally:
        if own:
            con.close()


def _inspect(path: Path, display: str, file_format: str, kind: str | None, settings: MonitoringSettings,
             con: duckdb.DuckDBPyConnection, today: dt.date) -> RecordFile:  # fmt: skip
    import duckdb

    header = _header(path, file_format, con, display, settings)
    kind = kind or detect_kind(header)
    if kind is None:
        raise DataError(Problem(file=display, row=1,
                                problem="无法判断文件类型:表头中没有 person_id、enterprise_id 或 record_type",
                                expected="登记文件含 person_id(人员编号),企业样本含 enterprise_id(企业编号),"
                                         "招聘求职文件含 record_type(类型)"))  # fmt: skip
    fields = formats(settings)[kind]
    record = RecordFile(kind=kind, path=path, display=display, file_format=file_format,
                        label=safe_name(path.name, settings))  # fmt: skip
    drop = {_fold(c) for c in settings["identifiers"]["drop_columns"]}
    by_name = {}
    for f in fields:
        by_name[_fold(f.name)] = f
        by_name[_fold(f.label)] = f
    problems: list[Problem] = []
    for column in header:
        key = _fold(column)
        if key in drop:
            record.dropped_identifiers.append(column)
        elif key in by_name:
            f = by_name[key]
            if f.name in record.columns:
                problems.append(Problem(file=display, row=1 if file_format == "csv" else None, field=column,
                                        problem=f"与列“{record.columns[f.name]}”重复(都是 {f.name})"))  # fmt: skip
            record.columns[f.name] = column
        else:
            record.ignored_columns.append(column)
    missing = [f for f in fields if f.required and f.name not in record.columns]
    if missing:
        problems.append(Problem(file=display, row=1 if file_format == "csv" else None,
                                problem=f"缺少必需的列:{'、'.join(f'{f.name}({f.label})' for f in missing)}",
                                expected=f"{KIND_LABEL[kind]}文件的表头含 "
                                         + "、".join(f.name for f in fields if f.required)))  # fmt: skip
    if problems:
        raise DataError(problems)

    if file_format == "parquet":
        described = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                                      f"{source_sql(path, 'parquet')})").fetchall())  # fmt: skip
        record.types = {name: str(described.get(col, "VARCHAR")) for name, col in record.columns.items()}
    masker = _Masker(settings)
    src = source_sql(path, file_format)
    # v_: the trimmed text of a cell; t_: the cell as typed (Parquet). DuckDB computes only what a query uses.
    cols = ", ".join(f"trim(CAST({_ident(col)} AS VARCHAR)) AS v_{name}, {_ident(col)} AS t_{name}"
                     for name, col in record.columns.items())  # fmt: skip
    row_expr = ("file_row_number + 1" if file_format == "parquet" else "row_number() OVER () + 1")
    src_rows = (f"read_parquet({_sql_str(str(path))}, file_row_number=true)" if file_format == "parquet" else src)
    checks = _value_checks(fields, record.columns, today, record.types)
    if kind == "enterprises":
        checks.append(_balance_check())
    # coded columns: every distinct value is resolved once in Python (names → codes), bad values listed
    maps = _vocabulary_maps(settings)
    coded_bad: dict[str, dict[str, CleanError]] = {}
    try:
        coded = [f for f in fields if f.name in record.columns and f.check in _CODED]
        # one pass over the file: every check's count, and each coded column's values with their counts
        # (as written, untrimmed: the views match them exactly, without touching every row again)
        stats_sql = ", ".join([f"count(*) FILTER (WHERE {c.sql}) AS c{i}" for i, c in enumerate(checks)]
                              + [f"histogram(r_{f.name}) AS h_{f.name}" for f in coded] + ["count(*) AS n_rows"])
        date_field = {"registers": "event_date", "postings": "date", "enterprises": "month"}[kind]
        dated = f"t_{date_field}" if record.types.get(date_field) in _DATE_TYPES else f"v_{date_field}"
        extra = [f"CAST(min({dated}) AS VARCHAR) AS first_date, CAST(max({dated}) AS VARCHAR) AS last_date"]
        if "synthetic" in record.columns:
            extra.append("count(*) FILTER (WHERE v_synthetic IS NOT NULL AND v_synthetic <> '') AS n_synthetic")
        raw_cols = "".join(f", CAST({_ident(record.columns[f.name])} AS VARCHAR) AS r_{f.name}" for f in coded)
        key = "person_id" if kind == "registers" else ("enterprise_id" if kind == "enterprises" else None)
        sample = []
        if key:
            sample = [r[0] for r in con.execute(f"SELECT v_{key} FROM (SELECT {cols} FROM {src}) LIMIT 1000")
                      .fetchall()]  # fmt: skip
        stats = con.execute(f"SELECT {stats_sql}, {', '.join(extra)} FROM (SELECT {cols}{raw_cols} FROM {src})"
                            ).fetchall()[0]  # fmt: skip
        names = [d[0] for d in con.description]
        stats = dict(zip(names, stats, strict=True))
        for f in coded:
            counts = dict(stats[f"h_{f.name}"] or {})
            if len(counts) > _MAX_DISTINCT:
                problems.append(Problem(file=display, field=record.columns[f.name],
                                        problem=f"有超过 {_MAX_DISTINCT} 种不同的值,不是{f.label}代码",
                                        expected=f"{f.label}:{f.description}"))  # fmt: skip
                continue
            bad: dict[str, CleanError] = {}
            mapped: dict[str, str] = {}
            n_bad = 0
            for raw, n in counts.items():
                value = (raw or "").strip()
                if value == "":
                    mapped[raw or ""] = ""
                    continue  # empty: the required check says so
                result = maps[f.check](value)
                if isinstance(result, CleanError):
                    bad[value] = result
                    n_bad += n
                else:
                    mapped[raw] = result
            record.values[f.name] = mapped
            if bad:
                coded_bad[f.name] = bad
                stats[f"b_{f.name}"] = n_bad
        record.rows = int(stats["n_rows"])
        record.first_date, record.last_date = stats["first_date"], stats["last_date"]
        record.synthetic = bool(stats.get("n_synthetic"))
        record.key_looks_like = next((label for label in map(masker.looks_like, sample) if label), None)
        # where the bad rows are: a scan in file order (one thread) only when something is wrong
        failing = [(i, c) for i, c in enumerate(checks) if stats[f"c{i}"]]
        if failing or coded_bad:
            problems += _locate(con, path, display, file_format, record, checks, failing, coded_bad, stats, masker,
                                cols, src_rows, row_expr)  # fmt: skip
    except duckdb.Error as exc:
        raise _read_error(exc, display, settings) from None
    if record.rows == 0:
        problems.append(Problem(file=display, problem="文件没有数据行", expected="表头之后至少一行记录"))
    if problems:
        raise DataError(problems)
    return record


def _locate(con, path, display, file_format, record, checks, failing, coded_bad, stats, masker, cols, src_rows,
            row_expr) -> list[Problem]:  # fmt: skip
    """The first :data:`MAX_LISTED` rows of each kind of fault, in file order, then a count of the rest."""
    problems: list[Problem] = []
    select_cols = ", ".join(f"v_{n}" for n in record.columns)
    base = (f"SELECT {row_expr} AS line, {cols} FROM {src_rows}" if file_format == "parquet"
            else f"SELECT {row_expr} AS line, * FROM (SELECT {cols} FROM {src_rows})")  # fmt: skip
    threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
    con.execute("SET threads = 1")  # row_number() over () follows the file's order on one thread
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _located AS {base}")

        def where(line: int) -> dict:
            # a CSV line as an editor shows it (header = line 1); a Parquet record counted from 1
            return {"row": line} if file_format == "csv" else {"entry": f"第 {line} 条记录"}

        for i, check in failing:
            rows = con.execute(f"SELECT line, {select_cols} FROM _located WHERE {check.sql} ORDER BY line "
                               f"LIMIT {MAX_LISTED}").fetchall()  # fmt: skip
            names = ["line", *record.columns]
            for row in rows:
                rec = {n: masker.shown(v) for n, v in zip(names[1:], row[1:], strict=True)}
                problems.append(Problem(file=display, field=record.columns[check.field], problem=check.problem(rec),
                                        expected=check.expected, **where(row[0])))  # fmt: skip
            total = int(stats[f"c{i}"])
            if total > MAX_LISTED:
                problems.append(Problem(file=display, field=record.columns[check.field],
                                        problem=f"另有 {total - MAX_LISTED} 行同类问题(未逐行列出)"))  # fmt: skip
        for name, bad in coded_bad.items():
            values = ", ".join(_sql_str(v) for v in bad)
            rows = con.execute(f"SELECT line, v_{name} FROM _located WHERE v_{name} IN ({values}) ORDER BY line "
                               f"LIMIT {MAX_LISTED}").fetchall()  # fmt: skip
            for line, value in rows:
                err = bad[value]
                text = err.problem
                if masker.looks_like(value):
                    label = {f.name: f.label for f in formats()[record.kind]}[name]
                    text = f"值{masker.shown(value)}不是有效的{label}"
                problems.append(Problem(file=display, field=record.columns[name], problem=text, expected=err.expected,
                                        **where(line)))  # fmt: skip
            total = int(stats[f"b_{name}"])
            if total > MAX_LISTED:
                problems.append(Problem(file=display, field=record.columns[name],
                                        problem=f"另有 {total - MAX_LISTED} 行同类问题(未逐行列出)"))  # fmt: skip
        con.execute("DROP TABLE IF EXISTS _located")
    finally:
        con.execute(f"SET threads = {int(threads)}")
    return problems


# ================================================================== the record set


@dataclass
class RecordSet:
    """Validated record files opened as DuckDB views, queried where they lie.

    Views (one per kind, the union of its files; only kinds with files exist): ``registers`` (person_key,
    district and event as written in the file, month (``YYYY-MM`` text, or the first day of the month for
    a DATE column), industry as written, youth and one 0/1 column per 重点群体 flag), ``enterprises``
    (enterprise_key, district_code, industry, month,
    jobs_start, jobs_end, jobs_cut, jobs_added, cut_reason) and ``postings`` (date, district_code,
    industry, posting_type ``vacancies`` / ``applicants``, count). The lookup tables ``_district`` (raw →
    code), ``_event`` (raw → employment / unemployment / exit / opening), ``_industry`` and ``_posting`` map
    every value as written (validation saw them all); a register query aggregates first and maps its
    result, so 10⁷ records are never joined row by row.
    """

    con: duckdb.DuckDBPyConnection
    files: dict[str, list[RecordFile]]
    settings: MonitoringSettings

    @property
    def kinds(self) -> list[str]:
        return [k for k in KINDS if self.files.get(k)]

    @property
    def synthetic(self) -> bool:
        return any(f.synthetic for files in self.files.values() for f in files)

    @property
    def notices(self) -> list[str]:
        return [line for files in self.files.values() for f in files for line in f.notices()]

    def rows(self, kind: str) -> int:
        return sum(f.rows for f in self.files.get(kind, []))

    def provenance(self, kinds: Iterable[str] | None = None, day: dt.date | None = None) -> str:
        """“由 registers.csv（120 条记录） 计算，2026-11-29”: the files behind a value, for its source title (each
        file by its :attr:`RecordFile.label`: identifier-shaped runs of its name masked)."""
        parts = []
        for kind in kinds or self.kinds:
            for f in self.files.get(kind, []):
                parts.append(f"{f.label}（{f.rows:,} 条记录）")
        return f"由 {'、'.join(parts)} 计算，{(day or dt.date.today()).isoformat()}"

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> RecordSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_records(
    registers: Sequence[Path | str] = (), enterprises: Sequence[Path | str] = (), postings: Sequence[Path | str] = (),
    *, settings: MonitoringSettings | None = None, memory_limit: str | None = None, threads: int | None = None,
    temp_directory: Path | str | None = None, today: dt.date | None = None,
) -> RecordSet:
    """Validate the files and open them as views (see :class:`RecordSet`) on one DuckDB connection.

    ``memory_limit`` (e.g. ``"1GB"``) bounds DuckDB's memory; above it, DuckDB spills to
    ``temp_directory``. Raises :class:`DataError` with every problem of every file; no view is made unless
    all files are valid.
    """
    import duckdb

    settings = settings or load_settings()
    con = duckdb.connect(config={"preserve_insertion_order": False})
    if memory_limit:
        con.execute(f"SET memory_limit = {_sql_str(memory_limit)}")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if temp_directory:
        con.execute(f"SET temp_directory = {_sql_str(str(temp_directory))}")
    given = {"registers": registers, "enterprises": enterprises, "postings": postings}
    files: dict[str, list[RecordFile]] = {}
    problems: list[Problem] = []
    for kind, paths in given.items():
        for path in paths:
            try:
                record = inspect_file(path, kind, settings=settings, con=con, today=today)
            except DataError as exc:
                problems += exc.problems
                continue
            files.setdefault(kind, []).append(record)
    if problems:
        con.close()
        raise DataError(problems)
    if not files:
        con.close()
        raise DataError(Problem(file="(未指定文件)", problem="没有给出任何记录文件",
                                expected="至少一个登记、企业样本或招聘求职文件"))  # fmt: skip
    _create_views(con, files, settings)
    return RecordSet(con=con, files=files, settings=settings)


def _create_views(con: duckdb.DuckDBPyConnection, files: dict[str, list[RecordFile]],
                  settings: MonitoringSettings) -> None:  # fmt: skip
    """Lookup tables for the codes as written in the files, and one view per kind over its files."""
    import pandas as pd

    salt = secrets.token_hex(16)  # per record set, never stored: a hash cannot be looked up elsewhere
    seen: dict[str, dict[str, str]] = {"district": {}, "event": {}, "industry": {}, "record_type": {}}
    for kind_files in files.values():
        for f in kind_files:
            for name, mapping in seen.items():
                mapping.update({raw: value for raw, value in f.values.get(name, {}).items() if value})
    meanings = {"event": settings["events"], "record_type": settings["posting_types"]}
    lookups = {
        "_district": pd.DataFrame({"raw": list(seen["district"]), "code": list(seen["district"].values())}),
        "_industry": pd.DataFrame({"raw": list(seen["industry"]), "code": list(seen["industry"].values())}),
        "_event": pd.DataFrame({"raw": list(seen["event"]),
                                "meaning": [meanings["event"][v] for v in seen["event"].values()]}),
        "_posting": pd.DataFrame({"raw": list(seen["record_type"]),
                                  "meaning": [meanings["record_type"][v] for v in seen["record_type"].values()]}),
    }  # fmt: skip
    for name, frame in lookups.items():
        con.register(f"{name}_df", frame.astype(str))
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_df")
        con.unregister(f"{name}_df")
    for kind, kind_files in files.items():
        parts = [_file_view_sql(f, settings, salt) for f in kind_files]
        con.execute(f"CREATE OR REPLACE TEMP VIEW {kind} AS " + " UNION ALL ".join(parts))


_TEXT_TYPES = ("VARCHAR", "")


def _file_view_sql(f: RecordFile, settings: MonitoringSettings, salt: str) -> str:
    """The view over one file. Registers keep codes as written (the aggregation maps its few result rows
    through the lookup tables, never every record); the smaller kinds are resolved row by row."""

    def raw(name: str) -> str:
        if name not in f.columns:
            return "NULL"
        column = f"r.{_ident(f.columns[name])}"
        return column if f.types.get(name, "VARCHAR") in _TEXT_TYPES else f"CAST({column} AS VARCHAR)"

    def text(name: str) -> str:
        return f"trim({raw(name)})" if name in f.columns else "NULL"

    def among(name: str, wanted: Callable[[str], bool]) -> str:
        """1 where the value as written means ``wanted`` (from the values validation saw), else 0."""
        if name not in f.columns:
            return "0"
        hits = [r for r, v in f.values.get(name, {}).items() if wanted(v)]
        if f.types.get(name, "VARCHAR") not in _TEXT_TYPES and name != "age_group":
            return f"CAST(r.{_ident(f.columns[name])} AS INTEGER)"  # a numeric or boolean 0/1 column
        return f"CASE WHEN {raw(name)} IN ({', '.join(map(_sql_str, hits))}) THEN 1 ELSE 0 END" if hits else "0"

    src = source_sql(f.path, f.file_format)
    if f.kind == "registers":
        flags = "".join(f", {among(g['column'], lambda v: v == '1')} AS {_ident(g['id'])}"
                        for g in settings["key_groups"])  # fmt: skip
        dated = f.types.get("event_date", "VARCHAR")
        # the month as text “YYYY-MM…” (a DATE column: its first day; the aggregation keeps the first 7 characters)
        month = (f"substr({text('event_date')}, 1, 7)" if dated in _TEXT_TYPES
                 else f"date_trunc('month', CAST(r.{_ident(f.columns['event_date'])} AS DATE))")  # fmt: skip
        return (f"SELECT hash({_sql_str(salt)} || {raw('person_id')}) AS person_key, {raw('district')} AS district, "
                f"{raw('event')} AS event, {month} AS month, {raw('industry')} AS industry, "
                f"{among('age_group', lambda v: v == settings['youth'])} AS youth{flags} FROM {src} r")  # fmt: skip
    if f.kind == "enterprises":
        ints = ", ".join(f"CAST(CAST({raw(n)} AS DOUBLE) AS BIGINT) AS {n}"
                         for n in ("jobs_start", "jobs_end", "jobs_cut", "jobs_added"))  # fmt: skip
        return (f"SELECT hash({_sql_str(salt)} || {raw('enterprise_id')}) AS enterprise_key, d.code AS district_code, "
                f"i.code AS industry, CAST({text('month')} || '-01' AS DATE) AS month, {ints}, "
                f"NULLIF({text('cut_reason')}, '') AS cut_reason "
                f"FROM {src} r JOIN _district d ON d.raw = {raw('district')} "
                f"JOIN _industry i ON i.raw = {raw('industry')}")  # fmt: skip
    return (f"SELECT CAST({text('date')} AS DATE) AS date, d.code AS district_code, i.code AS industry, "
            f"p.meaning AS posting_type, CAST(CAST({raw('count')} AS DOUBLE) AS BIGINT) AS count "
            f"FROM {src} r JOIN _district d ON d.raw = {raw('district')} JOIN _industry i ON i.raw = {raw('industry')} "
            f"JOIN _posting p ON p.raw = {raw('record_type')}")  # fmt: skip


def check_files(paths: Sequence[Path | str], *, today: dt.date | None = None) -> tuple[list[str], list[Problem]]:
    """``planlib monitor check``: validate each file (kind from its header). Returns (lines to print, problems)."""
    import duckdb

    settings = load_settings()
    lines: list[str] = []
    problems: list[Problem] = []
    con = duckdb.connect()
    try:
        for path in paths:
            try:
                record = inspect_file(path, settings=settings, con=con, today=today)
            except DataError as exc:
                problems += exc.problems
                continue
            span = f",{record.first_date} 至 {record.last_date}" if record.first_date else ""
            lines.append(f"{record.display}:{KIND_LABEL[record.kind]},{record.rows:,} 条记录{span},通过")
            lines += record.notices()
    finally:
        con.close()
    return lines, problems
