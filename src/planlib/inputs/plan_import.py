"""A plan's main-indicator table (主要指标) read into a plan YAML draft: from flattened plan text or a CSV/XLSX.

:func:`read_table` finds the table and gives its rows as printed (:class:`TableRow`: number, category, name,
the cell of each column, 属性, the lines it was read from); :func:`import_plan` reads each row into a target
of the plan schema (:mod:`planlib.inputs.plan`) and writes the YAML text, with a header saying it was
imported and must be reviewed. What the table does not say is never filled in: a row that cannot be read
fully is written with what was read and marked ``review`` (or recorded under ``unassessed`` with its
``reason`` when its target has no form the assessment reads), and :class:`ImportResult` lists every such row.

The same kind of table is printed many ways; what is read:

* columns from the header, in any order: 类别, 序号, 指标(名称), 单位, year columns (``2025年``, ``2025年预计``,
  ``2030年目标``), 年均/累计, 属性 — the target column is the one headed 目标 (else the latest year), the
  baseline column the latest year before it;
* in text, cells one a line, several a line separated by spaces, or as ``cell |`` lines; a row or a name
  broken over lines, category rows (``经济发展（7项）``, ``一、就业创业``; the 项 count is checked), repeated
  headers and page numbers (``— 12 —``) skipped, rows of one item printed as sub-rows (15 每千人口拥有医护
  人员数 / 执业医师数 / 注册护士数; a 属性 printed once for several sub-rows), the notes under the table
  (``注:【】为5年累计数,带∗为预计数``, ``带*号的为2019年数据``) read for what brackets and marks mean;
* cells: five-year totals in 【】 [ ] ［］ 〔〕; comparators ＞ > ≥ ≤ < 以上 以内 不低于 左右 and ranges
  (``4.5-5``); marks (∗ 预计数, a year: ``21.5（2024年）``); text targets — 稳步提高 (steady growth),
  高于…增长 (relative), and those planlib cannot assess (与经济增长同步, 完成省下达目标, 达到国家要求).

Reading rules, each written into the row's ``note``: a target in the 年均/累计 column, or named 年均, must hold
every year (planlib has no five-year-average kind); one in the target-year column is the level by that
year; a bare five-year total is read as a floor (≥); a bare level or yearly number as ≥ or ≤ by the
direction from the baseline — and without a baseline it is not read. Deterministic: the same file gives
the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planlib.errors import CleanError, DataError, Problem
from planlib.inputs.numbers import parse_number
from planlib.inputs.text import decode, encoding_accident, fold

__all__ = ["Column", "ImportResult", "Table", "TableRow", "import_plan", "read_table"]

ATTRIBUTES = ("预期性", "约束性")
TEXT_SUFFIXES = {".txt", ".md", ".text"}
TABLE_SUFFIXES = {".csv", ".tsv", ".xlsx"}

# ------------------------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Column:
    """One column of the header: ``role`` is category, number, name, subname, unit, year, average,
    attribute or remark; ``year`` for a year column; ``estimate`` (预计) and ``target`` (目标) as headed."""

    role: str
    label: str
    year: int | None = None
    estimate: bool = False
    target: bool = False


@dataclass
class TableRow:
    """One row as printed. ``cells`` holds the text of each value column (``baseline``, ``target``,
    ``average``, or ``year:2020`` for another year column, ``unit``, ``remark``); ``problems`` what could not
    be read of the row's layout; ``notes`` how it was read (a shared 属性)."""

    where: str
    number: int | None = None
    area: str | None = None
    group: str | None = None
    name: str = ""
    unit: str | None = None
    cells: dict[str, str] = field(default_factory=dict)
    attribute: str | None = None
    source_text: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    attribute_from_above: bool = False  # 属性 blank, taken from the item's row above (CSV: a merged cell's blank)
    misaligned: bool = False  # fewer or more value cells than the header has columns: no cell is placed


@dataclass
class Table:
    """The main-indicator table of a file: title, columns, rows, the notes printed under it.

    ``marks`` maps a mark to its meaning from the notes (``∗`` → ``预计数``, ``*`` → ``2019``);
    ``bracket_note`` is the note saying brackets are five-year totals; ``problems`` are table-level (a row
    number skipped, a category whose 项 count differs from the rows read).
    """

    file: str
    where: str
    title: str | None
    columns: list[Column]
    rows: list[TableRow]
    notes: str = ""
    marks: dict[str, str] = field(default_factory=dict)
    bracket_note: str | None = None
    areas: list[tuple[str, int | None]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    document_title: str | None = None
    document_issuer: str | None = None
    document_issued: dt.date | None = None

    @property
    def baseline_column(self) -> Column | None:
        return _roles(self.columns)[0]

    @property
    def target_column(self) -> Column | None:
        return _roles(self.columns)[1]

    def has(self, role: str) -> bool:
        return any(c.role == role for c in self.columns)


def _roles(columns: list[Column]) -> tuple[Column | None, Column | None]:
    """(baseline column, target column): the target is the year column headed 目标, else the latest year; the
    baseline the latest year column before it."""
    years = [c for c in columns if c.role == "year"]
    if not years:
        return None, None
    headed = [c for c in years if c.target]
    target = headed[-1] if headed else max(years, key=lambda c: c.year or 0)
    before = [c for c in years if c is not target and (c.year or 0) < (target.year or 0)]
    baseline = max(before, key=lambda c: c.year or 0) if before else None
    return baseline, target


def _cell_key(column: Column, table_columns: list[Column]) -> str:
    baseline, target = _roles(table_columns)
    if column is baseline:
        return "baseline"
    if column is target:
        return "target"
    if column.role == "year":
        return f"year:{column.year}"
    return column.role


# -------------------------------------------------------------------------------------- header words

_YEAR_HEAD = re.compile(r"^(\d{4})年?(预计|预期|实际|基期)?(目标值?|规划目标)?$")
_HEAD_WORDS = {
    "类别": "category", "领域": "category", "分类": "category", "方面": "category", "维度": "category",
    "序号": "number", "编号": "number",
    "指标": "name", "指标名称": "name", "名称": "name", "主要指标": "name",
    "单位": "unit", "计量单位": "unit",
    "年均/累计": "average", "年均/": "average", "年均或累计": "average", "年均": "average", "累计": "average",
    "年均增长": "average", "年均增速": "average", "五年累计": "average", "年均/累计目标": "average",
    "属性": "attribute", "指标属性": "attribute",
    "备注": "remark", "说明": "remark",
}  # fmt: skip
_HEAD_MODIFIERS = {"预计", "预期", "目标", "目标值", "(预计)", "(目标)"}  # folded


def _is_head_word(token: str) -> bool:
    f = fold(token)
    return bool(f) and (f in _HEAD_WORDS or f in _HEAD_MODIFIERS or bool(_YEAR_HEAD.match(f)))


def _header(tokens: list[str]) -> list[Column] | None:
    """The columns a header's tokens name, or None when they are not a header (a name and a year needed)."""
    columns: list[Column] = []
    for token in tokens:
        f = fold(token)
        last = columns[-1] if columns else None
        year = _YEAR_HEAD.match(f)
        if year:
            columns.append(Column("year", token, int(year[1]), estimate=bool(year[2] and year[2] in "预计预期"),
                                  target=bool(year[3])))  # fmt: skip
        elif f in _HEAD_MODIFIERS and last is not None and last.role == "year":
            estimate = last.estimate or "预" in f
            target = last.target or "目标" in f
            columns[-1] = Column("year", last.label + token, last.year, estimate, target)
        elif f == "累计" and last is not None and last.role == "average":
            columns[-1] = Column("average", last.label + token)
        elif f in _HEAD_WORDS:
            columns.append(Column(_HEAD_WORDS[f], token))
        else:
            return None
    if not any(c.role == "name" for c in columns) or not any(c.role == "year" for c in columns):
        return None
    return columns


# ------------------------------------------------------------------------------------------ cell kinds

_DASH = re.compile(r"^[-—–―~/／\\]+$")
_AREA = re.compile(r"^(.*?)[(（](\d+)项[)）]$")
_AREA_PREFIX = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*(.+)$")
_NUMBER_PREFIX = re.compile(r"^(\d{1,3})\s*[.．、]\s*(?=\D)(.+)$")
_YEAR_NOTE = re.compile(r"[(（]\s*(\d{4})\s*年(?:数据|值)?\s*[)）]")
_UNIT_END = re.compile(r"^(.*?)[(（]([^()（）]+)[)）]$")
_MARKS = "∗*＊※#＃△▲☆★"
_BRACKETS = {"【": "】", "[": "]", "［": "］", "〔": "〕"}
_VALUE_VERBS = ("与", "完成", "达到", "稳步", "持续", "逐步", "保持", "不低于", "不高于", "不超过", "不少于", "高于",
                "低于", "快于", "力争", "确保", "控制", "实现", "基本", "进一步", "显著", "明显", "有所", "不断",
                "总体", "大于", "小于", "超过", "以上", "以内", "左右")  # fmt: skip
_CONTINUATIONS = {"左右", "以上", "以内", "以下", "上下", "及以上"}
_HEADING = re.compile(r"^第[〇一二三四五六七八九十百零\d]+[篇章节]")
_PAGE = re.compile(r"^[—\-–]+\s*\d+\s*[—\-–]+$")
_NOTE_START = re.compile(r"^(?:注|备注|说明)\s*[:：\d①1]")


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in fold(text))


def _is_text(text: str) -> bool:
    """A cell fragment of words only (稳步 / 提高): no digit, not a dash, not bracketed."""
    f = fold(text)
    return bool(f) and not _has_digit(f) and not _DASH.match(f) and f[0] not in "[【〔<>≤≥=(" and f not in ATTRIBUTES


def _is_value_like(text: str) -> bool:
    """Could this token begin a value cell (a number, a dash, a bracket, a comparator, a text target)?"""
    f = fold(text)
    if not f:
        return False
    return (f[0].isdigit() or f[0] in "[【〔<>≤≥=＞＜~" or bool(_DASH.match(f)) or f.startswith(_VALUE_VERBS)
            or bool(_YEAR_NOTE.fullmatch(f)))  # fmt: skip


def _closes_name(text: str) -> bool:
    """A name is complete once it ends with its unit in parentheses: 城镇新增就业人数（万人）."""
    f = fold(text)
    return f.endswith(")") and not _YEAR_NOTE.fullmatch(f)


def _is_sub_name(text: str) -> bool:
    """A token that can only be a (sub-)indicator's name: words ending with a unit in parentheses."""
    f = fold(text)
    return (_closes_name(text) and not _is_value_like(text) and not _AREA.match(f)
            and any("\u4e00" <= ch <= "\u9fff" for ch in f))  # fmt: skip


_UNIT_WORD = re.compile(r"^(?:%|‰|[万亿千百十]?(?:人次|人|元|户|家|个|项|件|次|所|张|床|吨|斤|公斤|千瓦时|千瓦"
                        r"|平方米|平方公里|公里|立方米|年|岁|美元|小时|天|标准煤|吨标煤|标煤)|个?百分点|[^\d/]{1,6}/[^\d/]{1,6})$")


def _looks_like_unit(text: str) -> bool:
    """万人, %, 亿元, 微克/立方米: a cell of a 单位 column (only asked where the header has one)."""
    return bool(_UNIT_WORD.match(fold(text)))


def _split_number(text: str) -> tuple[int | None, str | None]:
    """'12' → (12, None); '1.城镇新增就业(万人)' → (1, '城镇新增就业(万人)'); anything else → (None, None)."""
    f = fold(text)
    if re.fullmatch(r"\d{1,3}", f):
        return int(f), None
    match = _NUMBER_PREFIX.match(text.strip())
    if match and not match[2].strip()[0].isdigit():
        return int(fold(match[1])), match[2].strip()
    return None, None


def _area_name(tokens: list[str]) -> tuple[str, int | None]:
    """'经济发展', '（7项）' → ('经济发展', 7); '一、就业创业' → ('就业创业', None)."""
    text = "".join(t.strip() for t in tokens)
    count = None
    match = _AREA.match(text)
    if match:
        text, count = match[1], int(match[2])
    prefix = _AREA_PREFIX.match(text)
    if prefix:
        text = prefix[1]
    return text.strip(), count


def _is_area_marker(token: str) -> bool:
    f = fold(token)
    return bool(_AREA.match(f)) or bool(_AREA_PREFIX.match(token.strip()))


# ------------------------------------------------------------------------------------------ reading text


@dataclass
class _Token:
    text: str
    line: int
    first: bool  # the first token of its line


@dataclass
class _Open:
    """A row being read from text."""

    number: int | None
    area: str | None
    name_tokens: list[str] = field(default_factory=list)
    name_lines: list[int] = field(default_factory=list)  # the line of each name token
    cells: list[list[str]] = field(default_factory=list)
    attribute: str | None = None
    lines: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _line_tokens(line: str) -> list[str]:
    if "|" in line:
        return [c.strip() for c in line.split("|") if c.strip()]
    return line.split()


def _read_text(path: Path, text: str) -> Table:
    lines = text.splitlines()
    start = _find_header(lines)
    if start is None:
        raise DataError(Problem(file=path.name,
                                problem="没有找到主要指标表：没有一行表头同时含“指标”和年份（如 2025年）",
                                expected="规划原文（含“主要指标”表及其表头：序号、指标、2025年、2030年目标、属性等），"
                                         "或一个表格文件（CSV、XLSX）"))  # fmt: skip
    title_line, header_start, header_end, columns = start
    title = lines[title_line].strip() if title_line is not None else None
    tokens: list[_Token] = []
    notes: list[str] = []
    end = len(lines)
    i = header_end
    while i < len(lines):
        raw = lines[i].strip()
        f = fold(raw)
        if not f or _PAGE.match(raw):
            i += 1
            continue
        parts = _line_tokens(raw)
        if len(parts) >= 3 and all(_is_head_word(p) for p in parts):  # the header repeated on a new page
            i += 1
            continue
        if _NOTE_START.match(f):
            while i < len(lines) and len(notes) < 12:
                note = lines[i].strip()
                if not note or _PAGE.match(note) or _HEADING.match(note):
                    break
                notes.append(note)
                i += 1
            end = i
            break
        if _HEADING.match(raw) or len(f) > 60:
            end = i
            break
        tokens += [_Token(p, i + 1, k == 0) for k, p in enumerate(parts)]
        i += 1
    table = Table(file=path.name, where=f"第{(title_line if title_line is not None else header_start) + 1}—{end}行",
                  title=title, columns=columns, rows=[], notes="".join(notes))  # fmt: skip
    _read_notes(table)
    _assemble(table, tokens, lines)
    _document_facts(table, lines[: title_line or header_start])
    return table


def _find_header(lines: list[str]) -> tuple[int | None, int, int, list[Column]] | None:
    """(title line, header's first line, line after the header, columns) of the first main-indicator table.

    A header is a run of lines of header words only (类别 / 序号 / 指标 / 2025年 …) that names a column of
    names and a year; a table titled 主要指标 is preferred, else the first such header."""
    found = []
    for i in range(len(lines)):
        tokens: list[str] = []
        j = i
        while j < len(lines) and j - i < 12:
            parts = _line_tokens(lines[j].strip())
            if not parts:
                if tokens:  # blank lines inside a header end it only once something was read
                    break
                j += 1
                continue
            if not all(_is_head_word(p) for p in parts):
                break
            tokens += parts
            j += 1
        if not tokens:
            continue
        columns = _header(tokens)
        if columns is None:
            continue
        title = next((k for k in range(i - 1, max(i - 4, -1), -1) if lines[k].strip()), None)
        if title is not None and len(fold(lines[title])) > 60:
            title = None
        found.append((title, i, j, columns))
        if title is not None and "主要指标" in lines[title]:
            return found[-1]
    return found[0] if found else None


def _read_notes(table: Table) -> None:
    """What the notes under the table say brackets and marks mean."""
    text = table.notes
    bracket = re.search(r"[【\[［〔]\s*[】\]］〕]\s*(?:内)?(?:的)?(?:数据|数字|数值)?(?:为|是)[^,，;；。]*累计", text)
    if bracket:
        table.bracket_note = bracket.group(0)
    for mark, meaning in re.findall(rf"带\s*([{_MARKS}])\s*(?:号)?(?:的)?(?:为|是)([^,，;；。]+)", text):
        year = re.fullmatch(r"(\d{4})年(?:数据|数)?", meaning.strip())
        table.marks[mark] = year[1] if year else meaning.strip()


def _assemble(table: Table, tokens: list[_Token], lines: list[str]) -> None:
    """Rows from the tokens of a text table (see the module docstring for what is handled)."""
    cell_columns = [c for c in table.columns if c.role not in {"category", "number", "name", "subname", "attribute"}]
    k = len(cell_columns)
    has_attribute = table.has("attribute")
    # a 属性 printed last ends its row; printed before the values it is one more cell of the row
    closes = has_attribute and table.columns[-1].role == "attribute"
    has_unit = table.has("unit")
    has_number = table.has("number")
    finished: list[_Open] = []
    waiting: list[_Open] = []  # sub-rows whose 属性 is printed once, after the last of them
    pending: list[_Token] = []
    current: _Open | None = None
    state = "between"
    expected = 1
    area: str | None = None

    def close(row: _Open) -> None:
        nonlocal current, state
        finished.append(row)
        current, state = None, "between"

    def start_from_pending(number: int | None, tok: _Token | None) -> _Open:
        nonlocal area
        names = pending[:]
        cut = max((n for n, p in enumerate(names) if _is_area_marker(p.text)), default=-1)
        if number is not None or cut >= 0:
            head = names[: cut + 1] if number is None else names
            if head:
                area, count = _area_name([p.text for p in head])
                table.areas.append((area, count))
            names = names[cut + 1 :] if number is None else []
        row = _Open(number=number, area=area)
        row.name_tokens = [p.text for p in names]
        row.name_lines = [p.line for p in names]
        if has_unit and len(row.name_tokens) > 1 and _looks_like_unit(row.name_tokens[-1]):
            row.cells.append([row.name_tokens.pop()])  # the 单位 cell printed after the name
            row.name_lines.pop()
        row.lines = [p.line for p in names] + ([tok.line] if tok else [])  # a category's lines are not the row's
        pending.clear()
        return row

    def joins(row: _Open, text: str) -> bool:
        """Does ``text`` continue the row's last cell (（2024年）, 左右, words after words or after a comma)?"""
        f = fold(text)
        last = row.cells[-1] if row.cells else None
        return last is not None and (
            bool(_YEAR_NOTE.fullmatch(f)) or f in _CONTINUATIONS or fold(last[-1]).endswith((",", "、", "/"))
            or (_is_text(text) and _is_text(last[-1])))  # fmt: skip

    def add_cell(row: _Open, text: str) -> None:
        if joins(row, text):
            row.cells[-1].append(text)
        else:
            row.cells.append([text])

    for tok in tokens:
        f = fold(tok.text)
        if f in ATTRIBUTES and not closes and (current is not None or pending):
            if current is None:
                current = start_from_pending(None, tok)
                if has_number and finished:
                    current.number = finished[-1].number
            current.attribute = tok.text
            current.lines.append(tok.line)
            state = "values"
            continue
        if f in ATTRIBUTES:
            if current is None and waiting:
                current = waiting.pop()
            if current is None:
                table.problems.append(f"第{tok.line}行的“{tok.text}”不属于任何一行，未读入")
                continue
            current.attribute = tok.text
            current.lines.append(tok.line)
            for row in waiting:  # 属性 printed once for every sub-row of the item (a merged cell)
                row.attribute = tok.text
                row.lines.append(tok.line)
                row.notes.append(f"“属性”栏为第{row.number}项各分行共用的一格")
            if waiting:
                current.notes.append(f"“属性”栏为第{current.number}项各分行共用的一格")
            finished.extend(waiting)
            waiting.clear()
            close(current)
            continue
        if state == "values" and current is not None:
            number, rest = _split_number(tok.text)
            ends_row = (tok.first and number is not None and expected <= number <= expected + 3
                        and (len(current.cells) >= k or not closes))  # fmt: skip
            full = len(current.cells) >= k
            if ends_row:
                if has_attribute and current.attribute is None:
                    current.problems.append("未读到“属性”")
                close(current)
            elif not closes and full and tok.first and not joins(current, tok.text):
                close(current)  # without a 属性 column a row ends with its last cell: a new line begins the next
            elif _is_sub_name(tok.text) and len(current.cells) >= k:
                waiting.append(current)  # its 属性 may follow the next sub-row
                current = _Open(number=current.number, area=current.area, name_tokens=[tok.text], name_lines=[tok.line],
                                lines=[tok.line])
                state = "name"
                continue
            else:
                add_cell(current, tok.text)
                current.lines.append(tok.line)
                continue
        if state == "between":
            number, rest = _split_number(tok.text)
            if number is not None and expected <= number <= expected + 3 and (tok.first or rest is not None):
                if waiting:  # sub-rows never given a 属性
                    for row in waiting:
                        if has_attribute:
                            row.problems.append("未读到“属性”")
                    finished.extend(waiting)
                    waiting.clear()
                if number > expected:
                    skipped = "、".join(str(n) for n in range(expected, number))
                    table.problems.append(f"序号{skipped}未读到（第{tok.line}行起为第{number}项）")
                current = start_from_pending(number, tok)
                expected = number + 1
                if rest is not None:
                    current.name_tokens.append(rest)
                    current.name_lines.append(tok.line)
                    state = "name"
                else:
                    state = "name_start"
                continue
            if _is_value_like(tok.text) and pending:
                last = finished[-1] if finished else None
                sub = last.number if (has_number and last is not None) else None
                current = start_from_pending(None, tok)
                if has_number and last is not None:
                    current.number = sub
                state = "values"
                add_cell(current, tok.text)
                continue
            pending.append(tok)
            continue
        if current is None:  # pragma: no cover - states above always open a row first
            continue
        if state == "name_start":
            current.name_tokens.append(tok.text)
            current.name_lines.append(tok.line)
            current.lines.append(tok.line)
            state = "name"
            continue
        # state == "name"
        if has_unit and current.name_tokens and not current.cells and _looks_like_unit(tok.text):
            state = "values"  # the 单位 cell after the name
            add_cell(current, tok.text)
            current.lines.append(tok.line)
            continue
        closed = current.name_tokens and _closes_name(current.name_tokens[-1])
        if not closed and not _is_value_like(tok.text):
            current.name_tokens.append(tok.text)
            current.name_lines.append(tok.line)
            current.lines.append(tok.line)
            continue
        state = "values"
        add_cell(current, tok.text)
        current.lines.append(tok.line)
    if current is not None:
        if has_attribute and current.attribute is None:
            current.problems.append("未读到“属性”")
        waiting.append(current)
    for row in waiting:
        if has_attribute and row.attribute is None and "未读到“属性”" not in row.problems:
            row.problems.append("未读到“属性”")
    finished.extend(waiting)
    if pending:
        stray = "".join(p.text for p in pending)[:30]
        table.problems.append(f"第{pending[0].line}行起的“{stray}”不属于任何一行，未读入")
    finished.sort(key=lambda r: min(r.lines) if r.lines else 0)
    table.rows = [_text_row(table, row, rows_of_item=[r for r in finished if r.number == row.number
                                                      and row.number is not None], lines=lines,
                            cell_columns=cell_columns)
                  for row in finished]  # fmt: skip


def _text_row(table: Table, row: _Open, rows_of_item: list[_Open], lines: list[str],
              cell_columns: list[Column]) -> TableRow:  # fmt: skip
    span = sorted(set(row.lines))
    first = rows_of_item[0] if rows_of_item else row
    group_tokens: list[str] = []
    if len(rows_of_item) > 1:
        group_tokens = first.name_tokens[:-1]
        if row is not first and first.name_lines:  # the item's number and common name, printed above
            head = [n for n in first.lines if n < first.name_lines[-1]] + first.name_lines[:-1]
            span = sorted(set(span) | set(head))
    name_tokens = row.name_tokens[-1:] if (len(rows_of_item) > 1 and row is first) else row.name_tokens
    where = f"第{span[0]}行" if len(span) == 1 else f"第{span[0]}—{span[-1]}行"
    out = TableRow(where=where, number=row.number, area=row.area, name="".join(t.strip() for t in name_tokens),
                   attribute=row.attribute, problems=list(row.problems), notes=list(row.notes))  # fmt: skip
    if group_tokens:
        out.group = "".join(t.strip() for t in group_tokens)
    elif len(rows_of_item) > 1:
        out.problems.append(f"第{row.number}项分几行印出，未读出各行共同的名称")
    out.source_text = " | ".join(lines[n - 1].strip().rstrip("|").strip() for n in span)
    cells = ["".join(c) for c in row.cells]
    if len(cells) != len(cell_columns):
        heads = "、".join(c.label for c in cell_columns)
        out.problems.append(f"读到{len(cells)}个数值单元格（{'、'.join(cells) or '无'}），表头有{len(cell_columns)}栏"
                            f"（{heads}）：单元格错位或缺失，无法确定各值属于哪一栏")
        out.misaligned = True
    else:
        for column, text in zip(cell_columns, cells, strict=True):
            out.cells[_cell_key(column, table.columns)] = text
    return out


def _document_facts(table: Table, head: list[str]) -> None:
    """The document's title, issuer and date as printed before the table, where they can be found at all."""
    text = "".join(line.strip() for line in head[:40])
    match = re.search(r"《([^《》]{4,60}?(?:规划纲要|规划|纲要)(?:[(（][^()（）]*[)）])?)》", text)
    first = "".join(line.strip() for line in head[:3])
    plain = re.match(r"^(.{4,60}?(?:规划纲要|规划|纲要))", first)
    cut = re.match(r"^([^《》]{4,60}?(?:规划纲要|规划|纲要))》", first)  # the copy starts after the opening 《
    table.document_title = (match[1] if match else cut[1] if cut else plain[1] if plain else None)
    dated = re.search(r"([^,，。;；:：、《》()（）\s]{2,12}人民政府)(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    approved = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日([^,，。;；:：、\d]{2,12}?)第[^,，。]{1,6}?届(人民代表大会)"
                         r"第[^,，。]{1,6}?次会议批准", text)  # fmt: skip
    try:
        if dated:
            table.document_issuer = dated[1]
            table.document_issued = dt.date(int(dated[2]), int(dated[3]), int(dated[4]))
        elif approved:
            table.document_issuer = f"{approved[4]}{approved[5]}"
            table.document_issued = dt.date(int(approved[1]), int(approved[2]), int(approved[3]))
    except ValueError:  # a date that does not exist (2月30日) is no date
        table.document_issuer = table.document_issued = None


# -------------------------------------------------------------------------------- reading CSV and XLSX


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()


def _grid(path: Path) -> tuple[list[list[str]], str]:
    """The file's cells as text rows, and how a row is named in messages (``第{n}行`` or with the sheet)."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, data_only=True, read_only=False)
        except Exception as exc:  # a damaged or mislabelled workbook: its own words, not a traceback
            raise DataError(Problem(file=path.name, problem=f"无法作为 Excel 工作簿打开（{type(exc).__name__}：{exc}）",
                                    expected="以 .xlsx 保存的工作簿")) from None  # fmt: skip
        for sheet in book.worksheets:
            grid = [[_xlsx_cell(c) for c in row] for row in sheet.iter_rows()]
            for merged in sheet.merged_cells.ranges:  # a merged cell's value stands in each of its cells
                value = grid[merged.min_row - 1][merged.min_col - 1]
                for r in range(merged.min_row, merged.max_row + 1):
                    for c in range(merged.min_col, merged.max_col + 1):
                        if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                            grid[r - 1][c - 1] = value
            if _header_row(grid) is not None:
                return grid, f"工作表“{sheet.title}”第{{n}}行"
        return [], "第{n}行"
    try:
        text = decode(path.read_bytes(), path.name)
    except CleanError as exc:
        raise DataError(Problem(file=path.name, problem=exc.problem, expected=exc.expected)) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if path.suffix.lower() == ".tsv" or first.count("\t") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise DataError(Problem(file=path.name, problem=f"不是可读的 CSV 表格（{exc}）",
                                expected="逗号或制表符分隔的表格")) from None  # fmt: skip
    return [[c.strip() for c in row] for row in rows], "第{n}行"


def _xlsx_cell(cell: Any) -> str:
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in str(cell.number_format or ""):
        return _cell_text(round(float(value) * 100, 10)) + "%"
    return _cell_text(value)


def _header_row(grid: list[list[str]]) -> tuple[int, list[Column | None]] | None:
    """The header's last row and the role of each column (two header rows are read as one)."""
    for i, row in enumerate(grid[:30]):
        texts = [fold(c) for c in row]
        if not any(_HEAD_WORDS.get(t) == "name" for t in texts) or not any(_YEAR_HEAD.match(t) for t in texts):
            continue
        parts = [[c] for c in row]
        last = i
        if i + 1 < len(grid) and any(fold(c) in _HEAD_MODIFIERS for c in grid[i + 1]) and all(
                not c or _is_head_word(c) for c in grid[i + 1]):  # fmt: skip
            for col, c in enumerate(grid[i + 1]):
                if col < len(parts):
                    parts[col].append(c)
            last = i + 1
        columns: list[Column | None] = []
        for col, texts_ in enumerate(parts):
            label = "".join(t for t in texts_ if t)
            f = fold(label)
            year = _YEAR_HEAD.match(f)
            if year:
                columns.append(Column("year", label, int(year[1]), estimate=bool(year[2] and year[2] in "预计预期"),
                                      target=bool(year[3])))  # fmt: skip
            elif f in _HEAD_WORDS and _HEAD_WORDS[f] == "name" and any(c and c.role == "name" for c in columns):
                columns.append(Column("subname", label))  # 指标名称 merged over two columns: 总名称 | 分项
            elif f in _HEAD_WORDS:
                columns.append(Column(_HEAD_WORDS[f], label))
            elif not f and col > 0 and columns and columns[-1] is not None and columns[-1].role == "name":
                columns.append(Column("subname", ""))  # the name cell spans two columns: 总名称 | 分项
            else:
                columns.append(None)
        return last, columns
    return None


def _read_grid(path: Path) -> Table:
    grid, where_fmt = _grid(path)
    found = _header_row(grid)
    if found is None:
        raise DataError(Problem(file=path.name,
                                problem="没有找到主要指标表的表头：前 30 行中没有一行同时含“指标”和年份",
                                expected="表头一行含 指标（或 指标名称）和年份栏（如 2025年、2030年目标），"
                                         "可另有 类别、序号、单位、年均/累计、属性"))  # fmt: skip
    head, roles = found
    columns = [c for c in roles if c is not None]
    title = next((" ".join(c for c in row if c) for row in reversed(grid[:head]) if any(row)), None)
    table = Table(file=path.name, where=where_fmt.format(n=head + 1) + "起", title=title, columns=columns, rows=[])
    notes: list[str] = []
    area: str | None = None
    pending: TableRow | None = None  # a row with a name and nothing else: an item's common name, or an empty row
    group: dict[str, Any] | None = None  # the item whose sub-rows follow: number, 总名称, 属性
    last_number: int | None = None
    has_number, has_attribute = table.has("number"), table.has("attribute")
    for offset, row in enumerate(grid[head + 1 :]):
        where = where_fmt.format(n=head + 2 + offset)
        cells: dict[str, str] = {}
        for i, column in enumerate(roles):  # a role headed twice: its first column counts
            if column is not None:
                cells.setdefault(column.role if column.role != "year" else _cell_key(column, columns),
                                 row[i] if i < len(row) else "")  # fmt: skip
        filled = [c for c in row if c]
        if not filled:
            continue
        if notes or _NOTE_START.match(fold(filled[0])):
            notes.append(" ".join(filled))
            continue
        if all(_is_head_word(c) for c in filled) and len(filled) >= 3:  # the header repeated
            continue
        values = {k: v for k, v in cells.items() if k in {"baseline", "target", "average"} or k.startswith("year:")}
        name, subname, category = cells.get("name", ""), cells.get("subname", ""), cells.get("category", "")
        attribute = cells.get("attribute", "")
        trimmed = list(row)
        while trimmed and not trimmed[-1]:
            trimmed.pop()
        source = " | ".join(trimmed)
        if category:  # a category column: merged cells repeat it (XLSX) or leave it blank under the first (CSV)
            area, count = _area_name([category])
            if area not in [a for a, _ in table.areas]:
                table.areas.append((area, count))
        number, rest = _split_number(cells.get("number", ""))
        if number is None and not has_number:
            number, rest = _split_number(name)
            name = rest if number is not None and rest else name
        if not any(values.values()) and not attribute:
            text = name or filled[0]
            if _is_area_marker(text) or (len(filled) == 1 and not number and not subname and not category
                                         and text == filled[0] and not cells.get("number")):  # fmt: skip
                if pending is not None:
                    table.rows.append(pending)
                    pending = None
                area, count = _area_name([text])
                table.areas.append((area, count))
                continue
            if name and not subname:  # the common name of an item printed in rows under it, or an empty row
                if pending is not None:
                    table.rows.append(pending)
                pending = TableRow(where=where, number=number, area=area, name=name, source_text=source,
                                   cells=dict(values))  # fmt: skip
                group = {"number": number, "name": name, "attribute": None}
                last_number = number if number is not None else last_number
                continue
        is_sub = number is None and group is not None
        if pending is not None:
            if not is_sub:  # nothing under it: a row of its own, with empty cells
                table.rows.append(pending)
                group = None
            pending = None
        out = TableRow(where=where, area=area, number=number, source_text=source)
        if subname:
            common = name or (group["name"] if group else "")
            out.group, out.name = common or None, subname
            if number is not None or group is None or group["name"] != common:
                group = {"number": number if number is not None else last_number, "name": common, "attribute": None}
            out.number = number if number is not None else group["number"]
        elif is_sub and group is not None:
            out.group, out.name, out.number = group["name"], name, group["number"]
        else:
            group = None
            out.name = name
            if number is None and has_number:
                out.number = last_number
                out.problems.append("序号栏为空")
        if not out.name:
            out.problems.append("指标名称栏为空")
        if out.number is not None:
            last_number = out.number
        out.unit = cells.get("unit") or None
        out.attribute = attribute or None
        if out.attribute is None and out.group and group is not None and group["attribute"]:
            out.attribute = group["attribute"]
            out.attribute_from_above = True
        elif out.group and group is not None and out.attribute and group["attribute"] is None:
            group["attribute"] = out.attribute
        if has_attribute and out.attribute is None:
            out.problems.append("未读到“属性”")
        out.cells.update(values)
        for key in ("unit", "remark"):
            if cells.get(key):
                out.cells[key] = cells[key]
        table.rows.append(out)
    if pending is not None:
        table.rows.append(pending)
    table.notes = "".join(notes)
    _read_notes(table)
    _number_problems(table)
    return table


def _number_problems(table: Table) -> None:
    expected = 1
    for row in table.rows:
        if row.number is None or row.number < expected:
            continue
        if row.number > expected:
            table.problems.append(f"序号{'、'.join(str(n) for n in range(expected, row.number))}未读到"
                                  f"（{row.where}为第{row.number}项）")  # fmt: skip
        expected = row.number + 1


def read_table(path: Path | str) -> Table:
    """The main-indicator table of a plan text (.txt, .md) or a table file (.csv, .tsv, .xlsx), rows as printed.

    Raises :class:`planlib.errors.DataError` naming the file when it is of another kind, cannot be decoded
    (see :func:`planlib.inputs.text.decode`) or holds no table with a header naming 指标 and a year.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(Problem(file=str(path), problem="文件不存在"))
    if suffix in TABLE_SUFFIXES:
        table = _read_grid(path)
    elif suffix in TEXT_SUFFIXES:
        try:
            text = decode(path.read_bytes(), path.name)
        except CleanError as exc:
            raise DataError(Problem(file=path.name, problem=exc.problem, expected=exc.expected)) from None
        table = _read_text(path, text)
    else:
        raise DataError(Problem(file=path.name, problem=f"不支持“{path.suffix or '无扩展名'}”文件",
                                expected="规划原文 .txt（或 .md），或表格 .csv、.tsv、.xlsx"))  # fmt: skip
    for area, count in table.areas:
        if count is None:
            continue
        numbers = {r.number for r in table.rows if r.area == area and r.number is not None}
        if len(numbers) != count:
            table.problems.append(f"“{area}”印为{count}项，读出{len(numbers)}项")
    return table


# ---------------------------------------------------------------------------------------- reading cells


@dataclass
class _Cell:
    """One value cell read: a number (``value`` or a range ``low``–``high``) with its comparator, or ``text``."""

    raw: str
    empty: bool = False
    bracket: bool = False
    value: float | None = None
    low: float | None = None
    high: float | None = None
    comparator: str | None = None  # >, >=, <, <=, ~, range; None: none printed
    year: int | None = None
    marks: list[str] = field(default_factory=list)
    extra: str | None = None
    text: str | None = None
    unit: str | None = None
    problem: str | None = None


def _read_cell(raw: str | None) -> _Cell:
    text = (raw or "").strip()
    cell = _Cell(raw=text)
    if not fold(text) or _DASH.match(fold(text)):
        cell.empty = True
        return cell
    year = _YEAR_NOTE.search(text)
    if year:
        cell.year = int(year[1])
        text = (text[: year.start()] + text[year.end() :]).strip()

    def strip_marks(t: str) -> str:
        while t and t[-1] in _MARKS:
            cell.marks.append(t[-1])
            t = t[:-1].rstrip()
        return t

    text = strip_marks(text)
    opening = text[:1]
    if opening in _BRACKETS:
        if not text.endswith(_BRACKETS[opening]):
            cell.problem = f"“{raw}”的括号不成对"
            return cell
        cell.bracket = True
        text = strip_marks(text[1:-1].strip())
    elif any(b in text for b in "【】〔〕［］[]"):
        cell.problem = f"“{raw}”中的括号不在两端，无法判断是否为累计数"
        return cell
    number_part, extra = text, ""
    comma = re.search(r"[,，;；]", text)
    if comma:  # 4.5-5,努力争取更好结果: the number, then words beside it
        number_part, extra = text[: comma.start()].strip(), text[comma.end() :].strip()
    if extra:
        cell.extra = extra
    for prefix in ("力争", "努力", "争取", "确保"):
        if number_part.startswith(prefix) and _has_digit(number_part):
            cell.extra = (f"{prefix}" + (f";{cell.extra}" if cell.extra else ""))
            number_part = number_part[len(prefix) :]
    if number_part.startswith("达到") and _has_digit(number_part):
        number_part = number_part[2:] + "以上"
    try:
        parsed = parse_number(number_part)
    except CleanError:
        if _has_digit(number_part) and not _is_text_target(number_part):
            cell.problem = f"“{raw}”读不出数值"
        else:
            cell.text = text if not cell.bracket else raw
        return cell
    if parsed.missing:
        cell.empty = True
        return cell
    if parsed.footnote:
        cell.marks.append(parsed.footnote)
    cell.unit = parsed.unit
    if parsed.low is not None:
        cell.low, cell.high, cell.comparator = parsed.low, parsed.high, "range"
    else:
        cell.value = parsed.value
        if parsed.bound and parsed.approx:
            cell.problem = f"“{raw}”既是约数又有界限"
        cell.comparator = parsed.bound or ("~" if parsed.approx else None)
    return cell


def _is_text_target(text: str) -> bool:
    """Words with a number inside (提高6个百分点, 控制在3%以内 with words): a text target, not a bad number."""
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= 3


# --------------------------------------------------------------------------------------- rows → targets

_STEADY = re.compile(r"^(?:稳步|持续|逐步|不断|逐年)(?:提高|增长|提升|扩大|增加|上升)$")
_DOWNWARD = re.compile(r"(?:下降|降低|缩小|减少|改善|收窄)")
_ASSIGNED = re.compile(r"(?:下达|国家要求|省要求|审核|确定的目标|上级|考核要求)")
_HIGHER = re.compile(r"^(?:高于|快于|超过)(.+?)$")
_IN_STEP = re.compile(r"同步")


@dataclass
class _Entry:
    """A target read from a row: ``fields`` in the plan schema, and whether it is assessed."""

    fields: dict[str, Any]
    assessed: bool
    row: TableRow
    review: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_plan` read: the YAML ``text``, the table, and per row what was read and what not.

    ``rows`` = rows read; ``complete`` = rows read fully (no review); ``review`` = (row, what to check) for
    every row and table-level finding a reviewer must check, in table order; ``indicators`` and
    ``unassessed`` = the entries written under each.
    """

    text: str
    table: Table
    rows: int
    complete: int
    indicators: int
    unassessed: int
    review: tuple[tuple[str, str], ...]


@dataclass
class _Context:
    table: Table
    baseline_year: int
    target_year: int
    start: int
    section: str
    by_name: dict[str, str]
    series_units: dict[str, str]


def _split_unit(name: str) -> tuple[str, str]:
    """'城镇新增就业人数（万人）' → ('城镇新增就业人数', '万人'); a trailing acronym (（GDP）) is not a unit."""
    match = _UNIT_END.match(name.strip())
    if not match:
        return name.strip(), ""
    inner = match[2].strip()
    if re.fullmatch(r"[A-Z0-9&.\-·]+", fold(inner)) or inner.startswith(("按", "含", "不含", "注")):
        return name.strip(), ""
    return match[1].strip(), inner


def _row_label(row: TableRow, name: str | None = None, entry_id: str | None = None) -> str:
    shown = name or row.name or "（名称未读出）"
    number = f"第{row.number}项 " if row.number is not None else ""
    return f"{number}{shown}（{row.where}{'，id ' + entry_id if entry_id else ''}）"


def _entries(row: TableRow, ctx: _Context) -> list[_Entry]:
    """The targets one row gives (one, or two where a row prints a target in two columns)."""
    notes: list[str] = list(row.notes)
    review: list[str] = list(row.problems)
    printed_name = row.name
    name, unit = _split_unit(printed_name)
    if row.unit or row.cells.get("unit"):
        unit = (row.unit or row.cells["unit"]).strip()
    if row.group:
        notes.append(f"表中第{row.number}项“{row.group}”分行印出，此为其中一行")
        name = f"{row.group}:{name}".replace(":", "：")
    if not any("\u4e00" <= ch <= "\u9fff" for ch in name):
        review.append("未读出指标名称")
    elif not unit:
        review.append("表中未印单位（名称后没有括号内的单位），须补上或确认无单位")
    accident = encoding_accident(row.source_text)
    if accident:  # 锟斤拷, U+FFFD, GBK mojibake: the printed text itself is damaged
        review.append(f"本行{accident}，须按原件核对")
    attribute = fold(row.attribute or "")
    attribute = attribute if attribute in ATTRIBUTES else None
    if row.attribute and attribute is None:
        review.append(f"“属性”栏“{row.attribute}”不是预期性或约束性")
    if row.attribute_from_above:
        review.append("“属性”栏空白，按同一项上一行的属性读取（复制表格时合并单元格只留第一格）")
    base: dict[str, Any] = {"number": row.number, "section": ctx.section, "area": row.area, "name": name,
                            "unit": unit, "attribute": attribute}  # fmt: skip
    if row.misaligned:
        base.update(baseline=None, baseline_year=None)
        return [_unassessed(row, base, notes, [r for r in review if "单元格" not in r],
                            next(r for r in review if "单元格" in r))]
    _baseline(row, ctx, base, notes, review)
    notes += [f"表注：{sentence}" for sentence in _notes_naming(ctx.table, row.name)]
    if "remark" in row.cells:
        notes.append(f"表中备注：{row.cells['remark']}")
    for key, text in row.cells.items():
        if key.startswith("year:") and text and not _DASH.match(fold(text)):
            notes.append(f"表中另有{key[5:]}年栏：{text}")
    average = next((c.label for c in ctx.table.columns if c.role == "average"), "年均/累计")
    target_label = ctx.table.target_column.label if ctx.table.target_column else f"{ctx.target_year}年目标"
    columns = [("average", f"“{fold(average)}”栏"), ("target", f"“{fold(target_label)}”栏")]
    printed = [(key, label, _read_cell(row.cells.get(key))) for key, label in columns if row.cells.get(key)]
    printed = [(key, label, cell) for key, label, cell in printed if not cell.empty]
    if not printed:
        return [_unassessed(row, base, notes, review, "目标栏为空或“—”，表中没有目标")]
    out = []
    for key, label, cell in printed:
        entry_notes, entry_review = list(notes), list(review)
        if len(printed) > 1:
            both = "、".join(f"{lab}“{c.raw}”" for _, lab, c in printed)
            entry_review.append(f"同一行印有两个目标（{both}），分别登记为两项，须核对哪一个是规划的目标")
        out.append(_target(row, ctx, dict(base), key, label, cell, entry_notes, entry_review))
    return out


def _baseline(row: TableRow, ctx: _Context, base: dict[str, Any], notes: list[str], review: list[str]) -> None:
    raw = row.cells.get("baseline")
    column = ctx.table.baseline_column
    label = column.label if column else f"{ctx.baseline_year}年"
    base.update(baseline=None, baseline_year=None)
    if column is None or raw is None:
        return
    cell = _read_cell(raw)
    if cell.empty:
        return
    if cell.problem:
        review.append(f"基数{cell.problem}")
        return
    if cell.text is not None:
        notes.append(f"“{label}”栏印为“{cell.raw}”（不是数值，不作基数）")
        return
    if cell.comparator == "range":
        notes.append(f"“{label}”栏印为区间“{cell.raw}”，不作基数")
        return
    year = ctx.baseline_year
    said = []  # what the table says of this value, in the order a reader needs it
    if cell.year is not None:
        year = cell.year
        said.append(f"{cell.year}年数")
    for mark in cell.marks:
        meaning = ctx.table.marks.get(_same_mark(mark, ctx.table.marks))
        if meaning and re.fullmatch(r"\d{4}", meaning):
            year = int(meaning)
            said.append(f"{meaning}年数据（表注：带“{mark}”的为{meaning}年数据）")
        elif meaning:
            said.append(f"{meaning}（表注：带“{mark}”的为{meaning}）")
        else:
            review.append(f"基数带“{mark}”，表注未说明其含义")
    if column.estimate and cell.year is None:
        said.append(f"{label}数（表头）")
    if cell.comparator == "~":
        said.append("约数")
    if cell.comparator in {">", ">=", "<", "<="}:
        base["baseline_comparator"] = cell.comparator
    if cell.unit and cell.unit != base["unit"]:
        review.append(f"基数单元格单位“{cell.unit}”与指标单位“{base['unit']}”不同")
    if cell.bracket:
        span = ctx.target_year - ctx.start
        base["baseline_period"] = f"{ctx.baseline_year - span}-{ctx.baseline_year}"
        said.append(f"{ctx.baseline_year - span}—{ctx.baseline_year}年累计数")
    base["baseline"], base["baseline_year"] = cell.value, year
    notes.append(f"基数“{cell.raw}”" + (f"：{'，'.join(said)}" if said else ""))


def _notes_naming(table: Table, printed_name: str) -> list[str]:
    """The sentences of the notes under the table that name this indicator (尚无2025年数据, 2025年入托率为…)."""
    name = fold(_split_unit(printed_name)[0])
    if len(name) < 4:
        return []
    text = re.sub(r"^(?:备注|注|说明)\s*[:：]?", "", table.notes.strip())
    sentences = [re.sub(r"^[①②③④⑤⑥⑦⑧⑨\d]+[.．、]?", "", s.strip()) for s in re.split(r"(?<=[。；;])", text)]
    bounded = re.compile(rf"(?:^|[、，,。；;：:和及与]){re.escape(name)}")  # not the end of a longer name
    return [s for s in sentences if s and bounded.search(fold(s))]


def _same_mark(mark: str, marks: dict[str, str]) -> str:
    """∗ * ＊ are one mark printed in different fonts: the note's spelling, if it names one of them."""
    stars = "∗*＊"
    if mark in stars:
        return next((m for m in marks if m in stars), mark)
    return mark


def _target(row: TableRow, ctx: _Context, fields: dict[str, Any], key: str, label: str, cell: _Cell,
            notes: list[str], review: list[str]) -> _Entry:  # fmt: skip
    fields.update(target=None, target_year=ctx.target_year, comparator=None, kind=None, period=None)
    if cell.problem:
        return _unassessed(row, fields, notes, review, f"目标{cell.problem}")
    if cell.text is not None:
        return _text_target(row, ctx, fields, label, cell, notes, review)
    if cell.marks:
        meanings = [ctx.table.marks.get(_same_mark(m, ctx.table.marks)) for m in cell.marks]
        if not all(meanings):
            review.append(f"目标带“{''.join(cell.marks)}”，表注未说明其含义")
        else:
            notes.append(f"目标带“{''.join(cell.marks)}”：{'、'.join(str(m) for m in meanings)}（表注）")
    if cell.year is not None and cell.year != ctx.target_year:
        if ctx.start <= cell.year <= ctx.target_year:
            fields["target_year"] = cell.year
            notes.append(f"目标注明为{cell.year}年")
        else:
            review.append(f"目标注明的年份{cell.year}不在规划期内")
    if cell.unit and cell.unit != fields["unit"]:
        review.append(f"目标单元格单位“{cell.unit}”与指标单位“{fields['unit']}”不同")
    if cell.extra:
        notes.append(f"目标另有文字“{cell.extra}”")
    shown = f"“{cell.raw}”印在{label}"
    if cell.bracket:
        fields.update(kind="cumulative", period="five_year_total")
        if fields["unit"] == "%":  # yearly rates of fall compound: their five-year total is not their sum
            review.append("五年累计数以%为单位：评估时按各年数值相加，若为累计降幅（逐年复合）须另行核对")
        said = f"{shown}：括号内为{ctx.start}—{ctx.target_year}年五年累计数"
        notes.append(said + (f"（表注“{ctx.table.bracket_note}”）" if ctx.table.bracket_note else ""))
    elif key == "average":
        fields.update(kind="annual", period="per_year")
        notes.append(f"{shown}：按每年须满足读取（不按五年平均值计算）")
    elif "年均" in fields["name"]:
        fields.update(kind="annual", period="per_year")
        notes.append(f"{shown}，指标名含“年均”：按每年须满足读取（不按五年平均值计算）")
    else:
        fields.update(kind="level", period="by_end")
        notes.append(f"{shown}：{fields['target_year']}年应达到的水平")
    comparator = cell.comparator
    if comparator == "range":
        if not (cell.high is not None and cell.low is not None and cell.high > cell.low):
            return _unassessed(row, fields, notes, review, f"区间“{cell.raw}”的上限不大于下限")
        fields.update(target=cell.low, target_high=cell.high, comparator="range")
        notes.append("区间目标：达到下限即为完成")
    else:
        fields["target"] = cell.value
        if comparator is None:
            comparator = _bare_comparator(fields, notes)
            if comparator is None:
                return _unassessed(row, fields, notes, review,
                                   "目标未印比较符，又没有可比的基数，无法判断是不低于还是不高于")  # fmt: skip
        fields["comparator"] = comparator
    return _finish(row, fields, notes, review)


def _bare_comparator(fields: dict[str, Any], notes: list[str]) -> str | None:
    """The comparator of a number printed without one: a five-year total is a floor; a level or yearly bound
    points the way the baseline → target moves; with no baseline to compare, none is read."""
    if fields["kind"] == "cumulative":
        notes.append("表中未印比较符：五年累计数按“不低于”读取")
        return ">="
    baseline, target = fields.get("baseline"), fields["target"]
    if baseline is None or fields.get("baseline_period") or baseline == target:
        return None
    if target > baseline:
        notes.append("表中未印比较符：目标高于基数，按“不低于”读取")
        return ">="
    notes.append("表中未印比较符：目标低于基数，按“不高于”读取")
    return "<="


def _text_target(row: TableRow, ctx: _Context, fields: dict[str, Any], label: str, cell: _Cell,
                 notes: list[str], review: list[str]) -> _Entry:  # fmt: skip
    text = fold(cell.text or "")
    shown = f"“{cell.raw}”印在{label}"
    if _STEADY.match(text):
        fields.update(kind="qualitative", period="per_year", comparator="steady_growth", target=None)
        notes.append(f"{shown}：定性目标，按逐年不下降判断")
        return _finish(row, fields, notes, review)
    if _IN_STEP.search(text):
        return _unassessed(row, fields, notes, review,
                           f"{shown}：相对目标“同步”，planlib 只能判断是否高于参照序列，不能判断同步")  # fmt: skip
    if _ASSIGNED.search(text):
        return _unassessed(row, fields, notes, review, f"{shown}：目标由上级下达或另行确定，表中没有数值")
    higher = _HIGHER.match(text)
    if higher:
        reference = _reference(higher[1], ctx)
        if reference is None:
            return _unassessed(row, fields, notes, review,
                               f"{shown}：相对目标，参照“{higher[1]}”没有对应的数据序列（series.yaml），"
                               "须指定 reference")
        fields.update(kind="relative", period="per_year", comparator="higher_than", reference=reference, target=None)
        notes.append(f"{shown}：每年须高于参照序列 {reference}")
        review.append(f"参照“{higher[1]}”按名称对应为数据序列 {reference}，须核对口径（名义或实际增速）")
        return _finish(row, fields, notes, review)
    if _DOWNWARD.search(text):
        return _unassessed(row, fields, notes, review,
                           f"{shown}：下降方向的文字目标，planlib 的定性目标只判断逐年不下降")  # fmt: skip
    return _unassessed(row, fields, notes, review, f"{shown}：文字目标，没有可评估的数值")


def _reference(phrase: str, ctx: _Context) -> str | None:
    """The series a relative target compares with, only where series.yaml lists the phrase as a name."""
    candidates = [phrase, phrase.removesuffix("速度"), phrase.replace("gdp", "GDP")]
    candidates += [c.replace("GDP", "地区生产总值") for c in list(candidates)]
    candidates += [c + "速" if c.endswith("增长") else c for c in list(candidates)]
    return next((ctx.by_name[c] for c in candidates if c in ctx.by_name), None)


def _finish(row: TableRow, fields: dict[str, Any], notes: list[str], review: list[str]) -> _Entry:
    from pydantic import ValidationError

    from planlib.inputs.plan import TargetSpec

    fields["note"] = _sentence(notes)
    fields["source_text"] = row.source_text
    probe = {k: v for k, v in fields.items() if k in TargetSpec.model_fields}
    probe.setdefault("id", "probe")
    try:
        TargetSpec.model_validate(probe)
    except ValidationError as exc:  # a row whose reading the schema rejects is recorded, not guessed at
        why = "；".join(str(e.get("msg", "")).removeprefix("Value error, ") for e in exc.errors())
        return _unassessed(row, fields, notes, review, f"读出的内容不符合规划格式：{why}")
    return _Entry(fields=fields, assessed=True, row=row, review="；".join(dict.fromkeys(review)) or None)


def _unassessed(row: TableRow, fields: dict[str, Any], notes: list[str], review: list[str], reason: str) -> _Entry:
    fields = dict(fields)
    fields["note"] = _sentence(notes)
    fields["source_text"] = row.source_text
    other = [r for r in dict.fromkeys(review) if r]
    check = "确认后删去本字段，能确定目标的补全 target、comparator、kind、period 后移入 indicators"
    return _Entry(fields=fields, assessed=False, row=row, reason=reason,
                  review="；".join([*other, check]))  # fmt: skip


def _sentence(parts: list[str]) -> str | None:
    kept = [p.rstrip("。") for p in dict.fromkeys(parts) if p]
    return "；".join(kept) + "。" if kept else None


# ----------------------------------------------------------------------------------------- the YAML file

_INDICATOR_KEYS = ("id", "number", "section", "area", "name", "unit", "baseline", "baseline_year", "baseline_period",
                   "baseline_comparator", "target", "target_high", "target_year", "comparator", "reference", "kind",
                   "period", "attribute", "source_text", "note", "review")  # fmt: skip
_UNASSESSED_KEYS = ("number", "area", "name", "unit", "baseline", "baseline_year", "baseline_period",
                    "baseline_comparator", "target", "target_high", "target_year", "comparator", "kind", "period",
                    "attribute", "source_text", "reason", "note", "review")  # fmt: skip
_ALWAYS = {"baseline", "baseline_year", "target", "target_year", "comparator", "kind", "period", "attribute", "unit"}
_NUMERALS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    """1–99 as Chinese numerals (14 → 十四), for the previous period's name."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens] + "十")
    return head + (_NUMERALS[ones] if ones else "") if n >= 10 else _NUMERALS[n]


def _period_names(*texts: str | None) -> tuple[str | None, str | None]:
    """('十五五', '十四五') from “十五五” or 第十五个五年 in the table's or the document's title."""
    for text in texts:
        if not text:
            continue
        match = (re.search(r"“?([一二三四五六七八九十]{1,3})五”", text)
                 or re.search(r"第([一二三四五六七八九十]{1,3})个五年", text))
        if match:
            try:
                n = int(parse_number(match[1]).value or 0)
            except CleanError:
                continue
            if n > 1:
                return f"{_chinese(n)}五", f"{_chinese(n - 1)}五"
    return None, None


def _subject(title: str | None) -> str:
    """'“十五五”时期经济社会发展主要指标' → '经济社会发展'; '专栏1 “十四五”就业促进规划主要指标' → '就业促进'."""
    if not title:
        return ""
    text = re.sub(r"^专栏\s*\d+\s*", "", title.strip())
    text = re.sub(r"“[^”]*”", "", text)
    text = text.split("主要指标")[0]
    return text.removeprefix("时期").removesuffix("规划").removesuffix("的").strip()


def _region(title: str | None) -> str | None:
    """The place a plan's title begins with (杭州市, 贵州省, 内蒙古自治区), 全国 for a national plan, else None."""
    head = (title or "")[:12]
    if head.startswith(("中华人民共和国", "国家", "全国")):
        return "全国"
    for suffix in ("自治区", "省", "市", "自治州", "盟", "县", "区", "州"):  # 杭州市 is a 市, 贵州省 a 省
        at = head.find(suffix)
        if at > 0:
            return head[: at + len(suffix)]
    return None


def _clean(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _dump(data: Any) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)


def import_plan(path: Path | str, plan_id: str, *, title: str | None = None, issuer: str | None = None,
                issued: dt.date | None = None, region: str | None = None) -> ImportResult:  # fmt: skip
    """Read the main-indicator table of ``path`` into the text of a plan YAML with id ``plan_id``.

    ``title``, ``issuer``, ``issued`` and ``region`` override what is read from the text (the document's
    title, the body and date signed or approving at its head, the place its title names); a table file
    has no such head, so they must be given. The period is the table's: baseline year = the baseline
    column's year, end = the target column's year. Every indicator row becomes an entry of ``indicators``
    (assessed) or ``unassessed`` (with its ``reason``); what a reviewer must check is in its ``review``
    field and in :attr:`ImportResult.review`. The text is validated as a plan (:class:`planlib.inputs.plan.PlanFile`)
    before it is returned.

    Raises :class:`planlib.errors.DataError` naming the file for an unreadable file or no table
    (:func:`read_table`), an id that is not an id, a title, issuer or date neither given nor found, and a
    table of which no row could be read fully.
    """
    from planlib.inputs.observations import load_series_map
    from planlib.inputs.plan import PlanFile

    path = Path(path)
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", plan_id or ""):
        raise DataError(Problem(file=path.name, field="--id", problem=f"规划 id “{plan_id}”不合格式",
                                expected="小写字母开头，只含小写字母、数字、- 和 _，如 hz-15th"))  # fmt: skip
    table = read_table(path)
    baseline_col, target_col = table.baseline_column, table.target_column
    if target_col is None or target_col.year is None:  # pragma: no cover - a header always names a year
        raise DataError(Problem(file=path.name, problem="表头没有目标年份栏"))
    target_year = target_col.year
    baseline_year = baseline_col.year if baseline_col and baseline_col.year else None
    plan_review: list[tuple[str, str]] = []
    if baseline_year is None:
        raise DataError(Problem(file=path.name, problem=f"表头只有{target_year}年一个年份栏，没有基期栏",
                                expected="表头含基期年份栏（如 2025年）和目标年份栏（如 2030年目标）"))  # fmt: skip
    start = baseline_year + 1
    title = title or table.document_title
    issuer = issuer or table.document_issuer
    issued = issued or table.document_issued
    missing = [what for what, value in (("--title（规划名称）", title), ("--issuer（发布机关）", issuer),
                                        ("--issued（发布日期，YYYY-MM-DD）", issued)) if not value]  # fmt: skip
    if missing:
        raise DataError(Problem(file=path.name, problem=f"文件中读不出{'、'.join(missing)}",
                                expected="在命令中给出：" + " ".join(m.split("（")[0] + " …" for m in missing)))
    for what, given, read in (("规划名称", title, table.document_title), ("发布机关", issuer, table.document_issuer),
                              ("发布日期", issued, table.document_issued)):  # fmt: skip
        if read is not None and given == read:
            plan_review.append((f"plan:{what}", f"“{read}”读自原文开头，须核对"))
    given_region = region
    region = region or _region(title)
    if region is None:
        raise DataError(Problem(file=path.name, field="--region", problem="无法从规划名称判断地区名",
                                expected="用 --region 给出数据中该地区整体的名称（如 全市、全国）"))  # fmt: skip
    if not given_region:
        plan_review.append(("plan:region", f"地区名“{region}”取自规划名称，须与观测数据中该地区整体的名称一致"))
    period_name, previous = _period_names(table.title, title)
    headline_label = re.match(r"^(专栏\s*\d+)", table.title or "")
    section = headline_label[1].replace(" ", "") if headline_label else "主要指标表"
    series = load_series_map()
    ctx = _Context(table=table, baseline_year=baseline_year, target_year=target_year, start=start, section=section,
                   by_name=series.by_name, series_units={k: str(v.get("unit")) for k, v in series.series.items()})
    entries = [e for row in table.rows for e in _entries(row, ctx)]
    _assign_ids(entries, ctx)
    indicators = [e for e in entries if e.assessed]
    unassessed = [e for e in entries if not e.assessed]
    if not indicators:
        reasons = "；".join(f"{_row_label(e.row)}：{e.reason}" for e in entries[:5]) or "表中没有一行数据"
        raise DataError(Problem(file=path.name, problem=f"没有一行能读成可评估的目标，未写入文件（{reasons}）",
                                expected="主要指标表中至少一行有数值目标"))  # fmt: skip
    areas = list(dict.fromkeys(a for a, _ in table.areas if a))
    caveats = []
    if baseline_col is not None and baseline_col.estimate:
        caveats.append(f"{baseline_year}年基数为规划编制时的预计数。")
    meta = {"id": plan_id, "title": title, "issuer": issuer, "issued": issued, "period_start": start,
            "period_end": target_year, "baseline_year": baseline_year, "source_url": None, "areas": areas,
            "region": region, "period_name": period_name, "previous_period_name": previous,
            "subject": _subject(table.title), "headline_label": section, "series_notes": False,
            "layout_name": None, "monthly_series": [], "revision_caveats": [], "caveats": caveats}  # fmt: skip
    body = {"plan": meta,
            "indicators": [_ordered(e, _INDICATOR_KEYS) for e in indicators],
            "targets": []}  # fmt: skip
    if unassessed:
        body["unassessed"] = [_ordered(e, _UNASSESSED_KEYS) for e in unassessed]
    review = plan_review + [("表", p) for p in table.problems]
    for e in entries:
        label = _row_label(e.row, e.fields.get("name"), e.fields.get("id") if e.assessed else None)
        if not e.assessed:
            review.append((label, f"未评估——{e.reason}" + _others(e)))
        elif e.review:
            review.append((label, e.review))
    complete = sum(1 for row in table.rows
                   if all(e.assessed and not e.review for e in entries if e.row is row))  # fmt: skip
    text = _header_comment(path, table, review, len(table.rows), complete) + _dump(body)
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where installed: the same mapping, faster
    PlanFile.model_validate(yaml.load(text, Loader=loader))  # the file loads as a plan, or this is a bug here
    return ImportResult(text=text, table=table, rows=len(table.rows), complete=complete, indicators=len(indicators),
                        unassessed=len(unassessed), review=tuple(review))  # fmt: skip


def _others(entry: _Entry) -> str:
    """The other findings of an unassessed row (its review text without the standing instruction)."""
    parts = [p for p in (entry.review or "").split("；") if p and not p.startswith("确认后删去本字段")]
    return f"（另：{'；'.join(parts)}）" if parts else ""


def _ordered(entry: _Entry, keys: tuple[str, ...]) -> dict[str, Any]:
    values = dict(entry.fields)
    values["review"] = entry.review
    values["reason"] = entry.reason
    return {k: _clean(values.get(k)) for k in keys if values.get(k) is not None or k in _ALWAYS}


def _assign_ids(entries: list[_Entry], ctx: _Context) -> None:
    """Ids: the series id where series.yaml lists the printed name in the same unit (so the data is found),
    else ``row_NN`` (``row_15_1`` for a sub-row, ``_2`` for the second target of a row)."""
    seen: set[str] = set()
    rows_of: dict[int | None, list[TableRow]] = {}
    for e in entries:
        if e.row not in rows_of.setdefault(e.row.number, []):
            rows_of[e.row.number].append(e.row)
    per_row: dict[int, int] = {}
    for index, e in enumerate(entries):
        per_row[id(e.row)] = per_row.get(id(e.row), 0) + 1
        name, unit = e.fields.get("name") or "", e.fields.get("unit") or ""
        series = ctx.by_name.get(name)
        if series and ctx.series_units.get(series) == unit and series not in seen:
            candidate = series
        else:
            number = e.row.number
            siblings = rows_of.get(number, [])
            candidate = f"row_{number:02d}" if number is not None else f"row_x{index + 1:02d}"
            if number is not None and len(siblings) > 1:
                candidate += f"_{siblings.index(e.row) + 1}"
            if per_row[id(e.row)] > 1:
                candidate += f"_{per_row[id(e.row)]}"
        while candidate in seen:
            candidate += "_b"
        seen.add(candidate)
        e.fields["id"] = candidate


def _header_comment(path: Path, table: Table, review: list[tuple[str, str]], rows: int, complete: int) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    heads = " / ".join(c.label for c in table.columns)
    lines = [
        f"# 本文件由 planlib plan import 从 {path.name}（SHA-256 {digest}…）导入，是未经复核的初稿：",
        "# 使用前必须逐行与原表核对。",
        f"# 表：{table.title or '(无标题)'}（{table.where}）；表头：{heads}。",
        f"# 读出 {rows} 行，完整读出 {complete} 行；须复核 {len(review)} 处（各行的 review 字段，及以下各条）：",
    ]
    lines += [f"#   {label}:{why}" for label, why in review]
    lines += [
        "# 读法（写在各行 note 中）：括号【】[]［］〔〕内为五年累计数；“年均/累计”栏或名含“年均”的目标按每年须满足；",
        "# 目标年份栏的目标为期末水平；未印比较符的五年累计数按“不低于”，其他按基数到目标的方向，无基数的不读。",
        "# 复核：核对每行后删去其 review；unassessed 中的行不参加评估，能确定目标的补全后移入 indicators；",
        "# id 可改为数据序列的 id（series.yaml），观测数据按 id 和 region 对应。然后：planlib plan --plan <本文件> -v",
        "",
    ]
    return "\n".join(lines)
