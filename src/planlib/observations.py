"""Real published observations: raw CSV files with provenance → one tidy, validated frame.

Raw files (``data/raw/**/*observations.csv``) are read, never written. Each row keeps its source
(title, URL, confidence, note) and its place in the file. Names are harmonised through
``series.yaml``; periods, numbers and district names through :mod:`planlib.clean`.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from planlib._paths import PACKAGE_DIR, project_root, raw_dir
from planlib.errors import CleanError, DataError, Problem

if TYPE_CHECKING:
    import pandas as pd

SERIES_FILE = PACKAGE_DIR / "series.yaml"
RAW_GLOB = "**/*observations.csv"

REQUIRED_COLUMNS = ["indicator", "year", "value", "unit", "source_title", "source_url", "confidence"]
OPTIONAL_COLUMNS = ["district", "period", "kind", "note"]
CONFIDENCE_RANK = {"high": 3, "medium": 2, "low": 1}
MUNICIPALITY = "全市"

# Column order of the tidy frame (also the processed CSV).
TIDY_COLUMNS = [
    "indicator_id", "region", "region_code", "region_kind", "year", "period_type", "period_start",
    "period_end", "period_label", "value", "value_low", "value_high", "bound", "approx", "unit",
    "is_annual", "preferred", "conflict", "published_name", "published_value", "published_unit",
    "source_title", "source_url", "confidence", "note", "source_file", "source_line",
]  # fmt: skip

CHOICE_RULE = (
    "同一指标、地区、时期有多个数值时全部保留;标记 preferred 的一条按以下顺序选出:"
    "① 可信度(high > medium > low);② 来源发布日期较新者(从来源标题或说明中识别的最晚日期);"
    "③ 文件中的先后顺序。数值不同的组标记 conflict。"
)


@dataclass(frozen=True)
class SeriesMap:
    """Published name → series id, with the series' display name, unit and notes."""

    by_name: dict[str, str]
    series: dict[str, dict]
    ignore: dict[str, str]

    def unit(self, series_id: str) -> str:
        return self.series[series_id]["unit"]


@dataclass
class LoadReport:
    """What loading found besides the data: names not mapped, mapping entries not used, ignored rows."""

    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    unknown_names: dict[str, list[str]] = field(default_factory=dict)  # name -> ["file:line", ...]
    ignored_names: dict[str, str] = field(default_factory=dict)  # name -> reason
    unused_names: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"读取 {len(self.files)} 个文件,共 {self.rows_read} 行观测值。"]
        for name, where in sorted(self.unknown_names.items()):
            out.append(f"未知指标名称(series.yaml 中没有,未载入):“{name}”,见 {', '.join(where[:3])}")
        for name, reason in sorted(self.ignored_names.items()):
            out.append(f"按 series.yaml 的 ignore 规则未载入:“{name}”——{reason}")
        for name in self.unused_names:
            out.append(f"series.yaml 中的名称在数据中未出现:“{name}”")
        return out


@functools.cache
def load_series_map(path: Path = SERIES_FILE) -> SeriesMap:
    """Read and check ``series.yaml``: every name maps to exactly one series."""
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
    ignore = {str(k): str(v) for k, v in (raw.get("ignore") or {}).items()}
    for name in set(ignore) & set(by_name):
        problems.append(Problem(file=str(path), entry="ignore", problem=f"名称“{name}”既被映射又被忽略"))
    if problems:
        raise DataError(problems)
    return SeriesMap(by_name=by_name, series=dict(raw.get("series") or {}), ignore=ignore)


def raw_observation_files(root: Path | None = None) -> list[Path]:
    """The raw observation files, in a stable order."""
    base = root if root is not None else raw_dir()
    return sorted(base.glob(RAW_GLOB))


def read_raw_file(path: Path, series_map: SeriesMap | None = None) -> tuple[pd.DataFrame, LoadReport]:
    """Parse one raw file into tidy rows. Raises :class:`DataError` listing every bad cell.

    Nothing is partially returned: a file either loads whole or raises.
    """
    import pandas as pd

    from planlib import clean

    smap = series_map or load_series_map()
    display = _display_path(path)
    try:
        table = clean.read_table(path)
    except CleanError as exc:
        raise DataError(Problem(file=display, problem=exc.problem, expected=exc.expected)) from None
    problems = _validate_structure(table, display)
    flagged = {(p.row, p.field) for p in problems}

    report = LoadReport(files=[display], rows_read=len(table))
    rows = []
    for index, rec in enumerate(table.to_dict("records")):
        line = index + 2  # header is line 1
        name = rec["indicator"].strip()
        sid = smap.by_name.get(name)
        if sid is None:
            if name in smap.ignore:
                report.ignored_names[name] = smap.ignore[name]
            else:
                report.unknown_names.setdefault(name, []).append(f"{display}:{line}")
            continue
        try:
            rows.append(_tidy_row(rec, sid, smap, display, line))
        except _CellError as exc:
            if (line, exc.field) not in flagged:  # the schema already named this cell
                problems.append(
                    Problem(file=display, row=line, field=exc.field, problem=exc.problem, expected=exc.expected)
                )
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.row or 0, p.field or "")))
    frame = pd.DataFrame(rows, columns=[c for c in TIDY_COLUMNS if c not in {"preferred", "conflict"}])
    return frame, report


def load_observations(
    files: Sequence[Path] | None = None, *, with_report: bool = False
) -> pd.DataFrame | tuple[pd.DataFrame, LoadReport]:
    """All real observations as one tidy frame (see ``TIDY_COLUMNS``), validated with pandera.

    Values are in the series' unit (``series.yaml``). Only rows with ``is_annual`` may serve as a
    year's value; the rest (partial years, cumulative spans, census dates) stay, labelled. Conflicting
    values are all kept; ``preferred`` marks the one chosen by :data:`CHOICE_RULE`.
    """
    paths = [Path(p).resolve() for p in (files if files is not None else raw_observation_files())]
    # the cache key includes each file's size and modification time: an edited file is read again
    stamp = tuple((p, p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else (p, 0, 0) for p in paths)
    frame, report = _load(stamp)
    frame = frame.copy()
    return (frame, report) if with_report else frame


@functools.lru_cache(maxsize=8)
def _load(stamp: tuple[tuple[Path, int, int], ...]) -> tuple[pd.DataFrame, LoadReport]:
    import pandas as pd

    from planlib._schemas import tidy_schema

    paths = [p for p, _, _ in stamp]
    smap = load_series_map()
    frames, report, problems = [], LoadReport(), []
    for path in paths:
        try:
            frame, rep = read_raw_file(path, smap)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        frames.append(frame)
        report.files += rep.files
        report.rows_read += rep.rows_read
        report.ignored_names.update(rep.ignored_names)
        for name, where in rep.unknown_names.items():
            report.unknown_names.setdefault(name, []).extend(where)
    if problems:
        raise DataError(problems)
    if not frames:
        raise DataError(Problem(file=str(raw_dir()), problem=f"没有找到观测数据文件(匹配 {RAW_GLOB})"))
    tidy = pd.concat(frames, ignore_index=True)
    seen = set(tidy["published_name"]) | set(report.ignored_names)
    report.unused_names = sorted(name for name in load_series_map().by_name if name not in seen)
    tidy = choose_preferred(tidy)
    tidy = tidy[TIDY_COLUMNS].sort_values(
        ["indicator_id", "region_kind", "region", "period_start", "period_end", "preferred"],
        ascending=[True, True, True, True, True, False], kind="stable",
    ).reset_index(drop=True)  # fmt: skip
    return tidy_schema().validate(tidy), report


def choose_preferred(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark, within each indicator/region/period cell, the row :data:`CHOICE_RULE` prefers.

    Pure: returns a new frame with boolean columns ``preferred`` and ``conflict``.
    """
    out = frame.copy()
    out["_rank"] = out["confidence"].map(CONFIDENCE_RANK).fillna(0)
    out["_published"] = [_latest_date(t, n) for t, n in zip(out["source_title"], out["note"], strict=True)]
    out["_order"] = range(len(out))
    keys = ["indicator_id", "region", "period_type", "period_start", "period_end"]
    ordered = out.sort_values(["_rank", "_published", "_order"], ascending=[False, False, True], kind="stable")
    first = ~ordered.duplicated(keys, keep="first")
    out["preferred"] = first.reindex(out.index)
    distinct = out.groupby(keys, dropna=False)["value"].transform(lambda s: s.round(9).nunique(dropna=False))
    out["conflict"] = distinct > 1
    return out.drop(columns=["_rank", "_published", "_order"])


def annual_values(frame: pd.DataFrame, indicator_id: str, region: str = MUNICIPALITY) -> pd.Series:
    """The preferred full-year (or year-end) value per year for one series and region, indexed by year."""
    sel = frame[
        (frame["indicator_id"] == indicator_id) & (frame["region"] == region) & frame["is_annual"] & frame["preferred"]
    ]
    series = sel.set_index("year")["value"].sort_index()
    series.index = series.index.astype(int)
    series.name = indicator_id
    return series


# ---------------------------------------------------------------- internals


class _CellError(Exception):
    def __init__(self, field_name: str, problem: str, expected: str | None = None):
        self.field = field_name
        self.problem = problem
        self.expected = expected


_DATE = re.compile(r"(20\d\d)[-年./](\d{1,2})[-月./](\d{1,2})")


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


def _validate_structure(table: pd.DataFrame, display: str) -> list[Problem]:
    """Column presence (raises) and per-cell vocabularies, checked with pandera (returned as Problems)."""
    from planlib._schemas import raw_schema, raw_schema_failures

    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise DataError(
            Problem(file=display, problem=f"缺少必需的列:{'、'.join(missing)}",
                    expected=f"表头含 {', '.join(REQUIRED_COLUMNS)}(可选 {', '.join(OPTIONAL_COLUMNS)})")
        )  # fmt: skip
    return raw_schema_failures(raw_schema(table.columns), table, display)


def _tidy_row(rec: dict, sid: str, smap: SeriesMap, display: str, line: int) -> dict:
    from planlib import clean

    region_raw = (rec.get("district") or "").strip() or MUNICIPALITY
    try:
        region = clean.normalise_district(region_raw)
    except CleanError as exc:
        raise _CellError("district", exc.problem, exc.expected) from None
    period_text = (rec.get("period") or "").strip()
    kind = (rec.get("kind") or "").strip() or None
    try:
        if period_text:
            period = clean.parse_period(period_text, year=rec["year"], kind=kind)
        else:
            period = clean.parse_period(rec["year"], kind=kind)
    except CleanError as exc:
        raise _CellError("period" if period_text else "year", exc.problem, exc.expected) from None
    try:
        number = clean.parse_number(rec["value"])
    except CleanError as exc:
        raise _CellError("value", exc.problem, exc.expected) from None
    if number.value is None and number.low is None:
        raise _CellError("value", f"数值为空(“{rec['value']}”)", "一个数字;没有数据的行请删除,不要留空")
    published_unit = (rec.get("unit") or "").strip() or (number.unit or "")
    if number.unit and rec.get("unit") and number.unit != published_unit:
        raise _CellError(
            "value", f"数值自带单位“{number.unit}”与 unit 列“{published_unit}”不一致", "二者一致,或只写在一处"
        )
    target_unit = smap.unit(sid)
    try:
        value = _convert(number.value, published_unit, target_unit)
        low = _convert(number.low, published_unit, target_unit)
        high = _convert(number.high, published_unit, target_unit)
    except CleanError as exc:
        raise _CellError("unit", exc.problem, f"可换算为 {target_unit} 的单位(序列 {sid})") from None
    return {
        "indicator_id": sid,
        "region": region.name,
        "region_code": region.code,
        "region_kind": region.kind,
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
        "unit": target_unit,
        "is_annual": clean.is_annual(period),
        "published_name": rec["indicator"].strip(),
        "published_value": rec["value"],
        "published_unit": published_unit,
        "source_title": rec["source_title"].strip(),
        "source_url": rec["source_url"].strip(),
        "confidence": rec["confidence"].strip(),
        "note": (rec.get("note") or "").strip(),
        "source_file": display,
        "source_line": line,
    }


def _convert(value: float | None, unit_from: str, unit_to: str) -> float | None:
    from planlib import clean

    if value is None or unit_from == unit_to:
        return value
    return clean.convert_unit(value, unit_from, unit_to)


def check_files(paths: Iterable[Path]) -> tuple[list[str], list[Problem]]:
    """Validate raw files without loading them into anything: (summary lines, problems)."""
    lines: list[str] = []
    problems: list[Problem] = []
    smap = load_series_map()
    for path in paths:
        path = Path(path)
        if not path.is_file():
            problems.append(Problem(file=str(path), problem="文件不存在"))
            continue
        try:
            frame, rep = read_raw_file(path, smap)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        for name, where in sorted(rep.unknown_names.items()):
            close = difflib.get_close_matches(name, list(smap.by_name), n=3, cutoff=0.4)
            hint = f"(相近的已知名称:{'、'.join(close)})" if close else ""
            for spot in where:
                row = int(spot.rsplit(":", 1)[1])
                problems.append(
                    Problem(file=_display_path(path), row=row, field="indicator",
                            problem=f"未知的指标名称“{name}”{hint}",
                            expected="src/planlib/series.yaml 中列出的名称;新指标请先在该文件登记")
                )  # fmt: skip
        if rep.unknown_names:
            continue
        lines.append(
            f"{_display_path(path)}: 通过 —— {rep.rows_read} 行,载入 {len(frame)} 行,"
            f"{frame['indicator_id'].nunique()} 个序列,{frame['region'].nunique()} 个地区"
        )
        lines += [f"  注意:{x}" for x in rep.lines()[1:]]
    return lines, problems
