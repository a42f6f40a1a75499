"""Commentary files: the analysts' own text for one report, read and validated.

A commentary file is ``reports/commentary/<report-id>.md`` (UTF-8), written in any editor::

    ---
    authors: [张三, 李四]      # or one name: authors: 张三
    date: 2026-11-30          # YYYY-MM-DD, the day the text was finished
    ---

    # 摘要
    城镇新增就业累计{{cumulative urban_new_jobs}}，{{status urban_new_jobs}}。

    # 就业创业
    …

    # 存在问题
    - 工伤保险参保人数{{latest work_injury_insurance_enrolment | 或数据暂缺}}。

    # 下一步建议
    …

The front matter carries the authors and the date (both required). Each first-level heading ``# <place>``
opens a place of the report: ``摘要`` (after the summary), one per plan area (``就业创业`` …, the plan's
``area`` names), ``存在问题`` and ``下一步建议`` (closing sections). Text before the first heading, an unknown
place and a place written twice are errors naming the file and line. The text of a place is kept as lines with
their line numbers, so references (``{{…}}``, :mod:`planlib.presentation.references`) can be reported where they
are written. This module reads and checks the file's shape; references are resolved when the report is made.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planlib.errors import DataError, Problem

SUMMARY = "摘要"
PROBLEMS = "存在问题"
SUGGESTIONS = "下一步建议"
CLOSING = (PROBLEMS, SUGGESTIONS)
COMMENTARY_DIR = ("reports", "commentary")
_HEADING = re.compile(r"^#(?!#)\s*(.*?)\s*#*\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEYS = ("authors", "date")


@dataclass(frozen=True)
class Place:
    """The text of one place: ``lines`` are ``(line number in the file, text)``; ``line`` is the heading's."""

    name: str
    line: int
    lines: tuple[tuple[int, str], ...]

    @property
    def empty(self) -> bool:
        return not any(text.strip() for _, text in self.lines)


@dataclass(frozen=True)
class Commentary:
    """A validated commentary file: who wrote it, when, and its text per place (in file order)."""

    file: str  # as named in messages (relative to the project where possible)
    authors: tuple[str, ...]
    date: dt.date
    places: dict[str, Place] = field(default_factory=dict)


def places_for(plan_areas: Sequence[str]) -> list[str]:
    """The places every report kind has, in report order: 摘要, each plan area, 存在问题, 下一步建议."""
    return [SUMMARY, *plan_areas, *CLOSING]


COMMENTARY_ENV = "PLANLIB_COMMENTARY"  # set by the publisher: the commentary folder of the report's own site


def commentary_path(report_id: str, root: Path | None = None, folder: Path | str | None = None) -> Path:
    """Where the commentary of ``report_id`` lives: ``<folder>/<report_id>.md``, where ``folder`` is the
    ``commentary/`` folder beside the site's manifest (given, or ``$PLANLIB_COMMENTARY`` as the publisher sets
    it), by default ``<project>/reports/commentary`` — so a second site (``reports/national/manifest.yaml``)
    never reads the first one's files."""
    import os

    from planlib._paths import project_root

    folder = folder or (os.environ.get(COMMENTARY_ENV) if root is None else None)
    if folder:
        return Path(folder) / f"{report_id}.md"
    return (root or project_root()).joinpath(*COMMENTARY_DIR, f"{report_id}.md")


def _display(path: Path) -> str:
    from planlib._paths import project_root

    try:
        return str(path.resolve().relative_to(project_root()))
    except (ValueError, FileNotFoundError):
        return str(path)


def read_commentary(path: Path, places: Sequence[str], *, name: str | None = None) -> Commentary:
    """Read and validate one commentary file.

    ``places`` are the place names this report has (:func:`places_for`). Raises
    :class:`planlib.errors.DataError` with every problem found, each naming the file and line: no front
    matter, an unknown key, missing ``authors`` or ``date``, a date that is not a real YYYY-MM-DD day, text
    before the first place, an unknown place, a place written twice.
    """
    file = name or _display(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(Problem(file, "文件不是 UTF-8 编码", expected="用 UTF-8 保存")) from None
    lines = text.splitlines()
    problems: list[Problem] = []
    if not lines or lines[0].strip() != "---":
        raise DataError(Problem(file, "缺少开头的“---”(作者和日期)", row=1,
                                expected="文件以 ---、authors: …、date: YYYY-MM-DD、--- 四行开头"))  # fmt: skip
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise DataError(Problem(file, "开头的作者和日期没有以“---”结束", row=1, expected="在 date 行之后写一行 ---"))
    authors, date = _front_matter(file, lines[1:end], problems)
    found: dict[str, Place] = {}
    current: tuple[str, int] | None = None
    body: list[tuple[int, str]] = []
    seen_heading = stray = False

    def close() -> None:
        if current is not None:
            found.setdefault(current[0], Place(current[0], current[1], tuple(body)))

    for number, line in enumerate(lines[end + 1:], start=end + 2):
        heading = _HEADING.match(line)
        if heading:
            seen_heading = True
            close()
            body = []
            place = heading.group(1)
            if place not in places:
                problems.append(Problem(file, f"未知的位置“{place}”", row=number, expected="、".join(places)))
                current = None
            elif place in found or (current and current[0] == place):
                problems.append(Problem(file, f"位置“{place}”写了两次", row=number, expected="每个位置只写一次"))
                current = None
            else:
                current = (place, number)
            continue
        if current is None:
            if line.strip() and not seen_heading and not stray:
                stray = True  # one message for the text before the first heading
                problems.append(Problem(file, "正文写在了第一个位置标题之前", row=number,
                                        expected=f"先写位置标题，如“# {places[0]}”"))  # fmt: skip
            continue
        body.append((number, line))
    close()
    if problems:
        raise DataError(problems)
    assert authors is not None and date is not None
    return Commentary(file=file, authors=authors, date=date, places=found)


def _front_matter(file: str, lines: list[str], problems: list[Problem]) -> tuple[tuple[str, ...] | None,
                                                                                 dt.date | None]:
    """authors and date from the lines between the two ``---`` (YAML, read without type guessing)."""
    import yaml

    try:
        data = yaml.load("\n".join(lines), Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 2 if mark is not None else 2
        problems.append(Problem(file, "开头的作者和日期不是有效的 YAML", row=row,
                                expected="authors: [张三, 李四] 和 date: YYYY-MM-DD"))  # fmt: skip
        return None, None
    if not isinstance(data, dict):
        problems.append(Problem(file, "开头的作者和日期不是“键: 值”的形式", row=2,
                                expected="authors: [张三, 李四] 和 date: YYYY-MM-DD"))  # fmt: skip
        return None, None
    rows = {}
    for i, line in enumerate(lines, start=2):
        key = line.split(":", 1)[0].strip()
        if key and not line.startswith((" ", "\t", "-", "#")):
            rows.setdefault(key, i)
    for key in data:
        if key not in _KEYS:
            problems.append(Problem(file, f"未知的项“{key}”", row=rows.get(key, 2), expected="authors、date"))
    raw = data.get("authors")
    names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    authors = tuple(n.strip() for n in names if isinstance(n, str) and n.strip())
    if not authors:
        problems.append(Problem(file, "缺少作者", row=rows.get("authors", 1), field="authors",
                                expected="至少一位作者，如 authors: [张三, 李四]"))  # fmt: skip
    when = data.get("date")
    date = None
    if when is None or (isinstance(when, str) and not when.strip()):
        problems.append(Problem(file, "缺少日期", row=rows.get("date", 1), field="date",
                                expected="YYYY-MM-DD，如 2026-11-30"))  # fmt: skip
    else:
        try:
            if not isinstance(when, str) or not _DATE.match(when.strip()):
                raise ValueError
            date = dt.date.fromisoformat(when.strip())
        except ValueError:
            problems.append(Problem(file, f"日期“{when}”无效", row=rows.get("date", 1), field="date",
                                    expected="YYYY-MM-DD 格式的真实日期，如 2026-11-30"))  # fmt: skip
    return (authors or None), date


def load_commentary(report_id: str, places: Sequence[str], root: Path | None = None) -> Commentary | None:
    """The commentary of ``report_id``, validated, or ``None`` when the report has no commentary file."""
    path = commentary_path(report_id, root)
    if not path.is_file():
        return None
    return read_commentary(path, places)
