"""Excel workbooks (.xlsx) as raw observation tables: the 填报模板 of ``planlib template``, or plain sheets.

Two layouts are read (openpyxl):

* **the 填报模板** (:mod:`planlib.inputs.template`), recognised by its hidden sheet ``_planlib``, which names
  the plan and its region: the region's sheet (全市 for the Chongqing plan, 全国 for the national one — every
  row of it is a value of that region, and of no other) and, for a plan with districts, the sheet 区县 (区县
  required on every row), with Chinese headers (指标, 单位, 年份, 时期, 数值, 来源标题, 来源网址, 可信度,
  发布日期, 说明; 区县 first on the 区县 sheet). 指标 is a series' name from ``series.yaml``; the unit is
  fixed per series (an empty or formula 单位 cell means the series' unit; another unit is refused). A row
  counts as data once any cell other than 指标, 单位 and 年份 is filled, so the pre-listed rows that were
  left empty are no data. A bare year is a full year, and the year end for a stock (as the template says).
  A template of the first version (no region written) takes its plan's region; its sheet 全市 is refused
  when that region is another.
* **a sheet in the CSV layout**: first row ``indicator, year, value, unit, source_title, source_url,
  confidence`` (and the optional columns), as in ``data/raw/README.md``. Every visible sheet with
  content must be one.

Cells are read as the person who filled them sees them:

* a number as its number format shows it (:mod:`planlib.inputs.number_formats`), at the precision stored:
  0.053 shown as 5.3% is 5.3 (%), 706700 shown as 70.6700万 in a 万人 column is 70.67 万人 (a format's 万,
  亿 or 千 is the scale of the unit column: 70.67万 under 人 is 706700 人); a format that hides a negative
  sign is refused; text-stored numbers and full-width digits are read like typed ones;
* a formula through its saved result; one without a saved result, or whose result is an error value
  (#DIV/0!, #N/A …), is refused naming the cell;
* a merged cell within one column (区县 written once for three rows) gives its value to every row it spans;
  a merged 数值, a merge across columns or into the header is refused naming the range;
* hidden rows and hidden sheets are not read, and said (a warning naming sheet and rows); a hidden column
  is read, and said;
* a date in the 年份 column is refused unless its format shows only the year; a date as 数值 is refused.

A file that is not a workbook, is damaged (a part that cannot be unpacked) or is protected by a password
gives one message naming the file, never a traceback. Every problem names the file, the sheet, the row and
the column (letter and header), like :class:`planlib.inputs.observations.SheetProblem`.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planlib.errors import CleanError, DataError, Problem

if TYPE_CHECKING:
    from planlib.inputs.observations import RawTable

TEMPLATE_MARK = "planlib 填报模板"  # cell A1 of the hidden sheet _planlib
TEMPLATE_VERSION = "2"  # 2: the region is written in _planlib and names the region's sheet
META_SHEET = "_planlib"
LISTS_SHEET = "选项"
INSTRUCTIONS_SHEET = "填表说明"
MUNICIPAL_SHEET, DISTRICT_SHEET = "全市", "区县"  # 全市: the region sheet of a version-1 template

# The template's headers (as written in row 1) and the raw columns they fill.
HEADERS = {"区县": "district", "指标": "indicator", "单位": "unit", "年份": "year", "时期": "period", "数值": "value",
           "来源标题": "source_title", "来源网址": "source_url", "可信度": "confidence", "发布日期": "published",
           "说明": "note"}  # fmt: skip
PREFILLED = {"indicator", "unit", "year"}  # the template lists series × years; these alone are no data
_HEADER_MARKS = re.compile(r"[*＊]|[(（](?:必填|可选|选填)[)）]")
_EXCEL_EXPECTED = "扩展名为 .xlsx 的 Excel 工作簿(planlib template 生成的填报模板,或第一行为观测数据表头的工作表)"
# a number format's scale words: 70.67万 is 70.67 × 10**4 of the unit column's base unit
_SCALE_WORDS = {"千": 3, "万": 4, "十万": 5, "百万": 6, "千万": 7, "亿": 8}
_NO_SCALE_FAMILIES = frozenset({"share", "pp"})  # a percentage cannot be shown in 万
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a Compound File: .xls, or an encrypted .xlsx
_YEAR_ONLY_FORMAT = re.compile(r'^(?:[yY]+|"[^"]*"|\\.|[年\s])+$')


def _header_field(text: str, template: bool) -> str | None:
    """The raw column a header cell names (“数值(必填)” → value, “indicator” → indicator), or None."""
    from planlib.inputs.observations import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

    key = _HEADER_MARKS.sub("", text).strip()
    if key in HEADERS:
        return HEADERS[key]
    if not template and key in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
        return key
    return None


def cell_text(value: Any, number_format: str = "General") -> str:
    """One cell's value as the text its reader sees: a number as its format shows it at full precision
    (5.3% for 0.053, 70.67万 for 706700 under ``0!.0000"万"``), a date as YYYY-MM-DD, text stripped."""
    from planlib.inputs.number_formats import shown_number

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return shown_number(float(value), number_format).text
    return str(value).strip()


# ------------------------------------------------------------------ the workbook


def read_workbook(path: Path, display: str) -> list[RawTable]:
    """The observation tables of one workbook. Raises :class:`DataError` when it cannot be read at all
    (not a workbook, damaged, password-protected, a template of an unknown region, no data sheet).

    Problems of cells are returned inside the tables (``RawTable.problems``) or found by the loader,
    all located by sheet, row and column; what was seen but not read is in ``RawTable.notices``.
    """
    from openpyxl import load_workbook

    path = Path(path)
    name = path.name
    _refuse_encrypted_or_old(path, display)
    try:
        values = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except (FileNotFoundError, IsADirectoryError):
        raise
    except PermissionError:
        raise DataError(Problem(file=display, problem=f"“{name}”无法打开:没有读取权限",
                                expected="有读取权限的文件;或先复制到自己的文件夹再检查")) from None  # fmt: skip
    except Exception:  # zlib.error, XML parse errors, KeyError …: all mean one thing to the user
        raise DataError(_damaged(path, display)) from None
    meta = _template_meta(values)
    layout = _Layout.of(meta, display)
    tables: list[RawTable] = []
    notices: list[str] = []
    for sheet in values.worksheets:
        if layout.template and sheet.title in {META_SHEET, LISTS_SHEET, INSTRUCTIONS_SHEET}:
            continue  # the template's own sheets
        content = _has_content(sheet)
        if sheet.sheet_state != "visible":
            if content:
                notices.append(f"警告:{display} 工作表“{sheet.title}”是隐藏的工作表,其中的内容未读取;"
                               "如需载入,请在 Excel 中取消隐藏后再检查")  # fmt: skip
            continue
        role = layout.role(sheet.title)
        if role == "stale":
            tables.append(_whole_sheet(display, sheet.title, layout.stale_problem(), layout.stale_expected()))
            continue
        if layout.template and role is None:
            if content:
                notices.append(f"警告:{display} 工作表“{sheet.title}”不是填报模板的数据表"
                               f"({layout.data_sheets()}),其中的内容未读取")  # fmt: skip
            continue
        table = _sheet_table(sheet, formulas[sheet.title], display, layout, role)
        if table is not None:
            tables.append(table)
    if layout.template and layout.region not in values.sheetnames:
        region = layout.region
        notices.append(f"警告:{display} 填报模板中没有“{region}”工作表(被删除或改名),{region}的数值没有读取;"
                       f"请用 planlib template 重新生成模板,在“{region}”工作表中填写")  # fmt: skip
    if not tables:
        hidden = "" if not notices else "(隐藏的工作表未读取)"
        what = f"没有“{layout.region}”工作表" if layout.template else "没有一张工作表的第一行是观测数据表头"
        raise DataError(Problem(file=display, problem=f"“{name}”中没有观测数据:{what}{hidden}",
                                expected=_EXCEL_EXPECTED))  # fmt: skip
    tables[0].notices[:0] = notices
    return tables


def _refuse_encrypted_or_old(path: Path, display: str) -> None:
    """An .xlsx that is a Compound File is password-protected (it holds an EncryptedPackage) or an old .xls."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            if head != _OLE_MAGIC:
                return
            data = handle.read()
    except OSError:
        return  # load_workbook says what is wrong
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise DataError(Problem(
            file=display, problem=f"“{path.name}”设有打开密码(文件已加密),无法读取",
            expected="去掉密码后另存再检查:Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”,清空密码;"
                     "WPS 中“文件 → 文档加密 → 密码加密”,清空打开密码"))  # fmt: skip
    raise DataError(Problem(file=display, problem=f"“{path.name}”实际上是旧版 Excel 97-2003 工作簿(.xls 格式),"
                                                  "只是扩展名为 .xlsx",
                            expected="在 Excel 或 WPS 中打开,另存为“Excel 工作簿(*.xlsx)”,再检查"))  # fmt: skip


def _damaged(path: Path, display: str) -> Problem:
    """The message for a workbook openpyxl cannot open: the damaged part when one cannot be unpacked."""
    name = path.name
    part = None
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                try:
                    archive.read(info)
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
                    part = info.filename
                    break
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        pass
    if part is not None:
        return Problem(file=display, problem=f"“{name}”已损坏:其中的部件“{part}”无法解压(文件可能没有完整复制或下载)",
                       expected="从原处重新复制或下载该文件;或在 Excel 中打开后另存为新的 .xlsx 工作簿")  # fmt: skip
    return Problem(file=display, problem=f"“{name}”不是有效的 Excel 工作簿(.xlsx),或已损坏", expected=_EXCEL_EXPECTED)


def _template_meta(values: Any) -> dict[str, str] | None:
    """The entries of the hidden sheet _planlib (plan, version, region), or None for a workbook that is no template."""
    if META_SHEET not in values.sheetnames or values[META_SHEET]["A1"].value != TEMPLATE_MARK:
        return None
    meta = {}
    for key, value, *_ in values[META_SHEET].iter_rows(min_row=2, max_col=2, values_only=True):
        if key is not None:
            meta[str(key).strip()] = "" if value is None else str(value).strip()
    return meta


@dataclass
class _Layout:
    """Which sheets of a workbook hold data and for which region. ``role`` of a sheet: "region", "district",
    "stale" (the 全市 sheet of a version-1 template whose plan has another region), None (not a data sheet)."""

    template: bool
    region: str = MUNICIPAL_SHEET
    plan: str = ""
    version: str = ""
    districts: bool = True
    display: str = ""

    @staticmethod
    def of(meta: dict[str, str] | None, display: str) -> _Layout:
        if meta is None:
            return _Layout(template=False, display=display)
        plan, version = meta.get("plan", ""), meta.get("version", "1")
        region = meta.get("region") or _plan_region(plan) or MUNICIPAL_SHEET
        layout = _Layout(True, region, plan, version, meta.get("districts", "yes") != "no", display)
        from planlib.inputs.district_names import normalise_district

        try:
            known = normalise_district(region)
        except CleanError:
            known = None
        if known is None or known.kind != "municipality":
            raise DataError(Problem(file=display, problem=f"填报模板(规划 {plan})的地区“{region}”不是 "
                                                          "src/planlib/districts.yaml 中的全域地区,数值无法归属地区",
                                    expected="在 districts.yaml 的 municipality 中登记该地区,再用 planlib template "
                                             "重新生成模板"))  # fmt: skip
        return layout

    def role(self, title: str) -> str | None:
        if not self.template:
            return "plain"
        if title == self.region:
            return "region"
        if title == DISTRICT_SHEET and self.districts:
            return "district"
        if title == MUNICIPAL_SHEET and self.version == "1":
            return "stale"  # a version-1 template of a plan whose region is not 全市
        return None

    def data_sheets(self) -> str:
        names = [f"“{self.region}”", *([f"“{DISTRICT_SHEET}”"] if self.districts else [])]
        return "数据表为" + "、".join(names)

    def stale_problem(self) -> str:
        return (f"这份旧版填报模板按规划 {self.plan} 生成,该规划的地区是“{self.region}”,"
                f"而数据表名为“{MUNICIPAL_SHEET}”:其中的数值不能作为“{MUNICIPAL_SHEET}”的数值载入,也不能确定属于“{self.region}”")

    def stale_expected(self) -> str:
        return (f"用 planlib template --plan {self.plan} 重新生成模板(数据表为“{self.region}”),把数值填入后再检查")


def _plan_region(plan_id: str) -> str | None:
    """The region of a shipped plan (for a version-1 template, which did not write it), or None."""
    from planlib.inputs.plan import available_plans, load_plan

    if plan_id not in available_plans():
        return None
    try:
        return load_plan(plan_id).meta.region
    except DataError:
        return None


def _cells(sheet: Any) -> dict[int, dict[int, Any]]:
    """The cells a sheet's file holds, by row and column (1-based). Sparse on purpose: ``iter_rows`` would create
    every empty cell up to the last one used, and a stray mark in row 1,048,576 costs minutes and gigabytes.
    (openpyxl keeps the cells it read in ``_cells``; merged ranges' covered cells are there as MergedCell.)"""
    rows: dict[int, dict[int, Any]] = {}
    for (row, col), cell in sheet._cells.items():
        rows.setdefault(row, {})[col] = cell
    return rows


def _has_content(sheet: Any) -> bool:
    return any(cell.value not in (None, "") for cell in sheet._cells.values())


def _whole_sheet(display: str, title: str, problem: str, expected: str, row: int | None = 1) -> RawTable:
    import pandas as pd

    from planlib.inputs.observations import REQUIRED_COLUMNS, RawTable, SheetProblem

    return RawTable(pd.DataFrame(columns=REQUIRED_COLUMNS), display, [], sheet=title,
                    problems=[SheetProblem(file=display, sheet=title, row=row, problem=problem,
                                           expected=expected)])  # fmt: skip


# ------------------------------------------------------------------ one sheet


@dataclass
class _Merge:
    """A merged range: its label (A2:A4), corners (1-based) and, once judged, whether it is refused."""

    label: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int
    refused: bool = False

    def covers(self, row: int, col: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col


@dataclass
class _Cell:
    """What one cell of a data row gives: its text, the problem reading it, and whether a merge gave it."""

    text: str
    problem: tuple[str, str] | None = None  # (problem, expected)
    merged_from: str | None = None  # the merged range that gave the value
    scaled: str | None = None  # a note: the format scaled the stored number (706700 shown as 70.67万)
    scale_word: str | None = None  # 万, 亿 … shown by the format after the number, to combine with the unit
    extra: dict[str, Any] = field(default_factory=dict)


def _sheet_table(sheet: Any, formulas: Any, display: str, layout: _Layout, role: str | None) -> RawTable | None:
    """One sheet as a :class:`RawTable` (None for an empty sheet)."""
    import pandas as pd
    from openpyxl.utils import get_column_letter

    from planlib.inputs.observations import REQUIRED_COLUMNS, RawTable, SheetProblem, load_series_map
    from planlib.inputs.text import encoding_accident, fold

    template = layout.template
    if not _has_content(sheet):
        return None
    rows = _cells(sheet)
    formula_cells = _cells(formulas)
    width = max((col for row in rows.values() for col in row), default=0)
    title = sheet.title

    def whole(problem: str, expected: str, row: int | None = 1) -> RawTable:
        return _whole_sheet(display, title, problem, expected, row)

    def fields(texts: list[str]) -> list[str | None]:
        return [_header_field(text, template) if text else None for text in texts]

    def texts(row: int) -> list[str]:
        cells = rows.get(row, {})
        return [cell_text(cells[c].value, cells[c].number_format) if c in cells else "" for c in range(1, width + 1)]

    header_texts = texts(1)
    header = fields(header_texts)
    wanted = set(REQUIRED_COLUMNS) - ({"unit"} if template else set())
    header_expected = ("第 1 行就是表头:" + "、".join(k for k, v in HEADERS.items() if v in wanted)
                       if template else f"第 1 行就是表头,列名 {', '.join(REQUIRED_COLUMNS)} 等")  # fmt: skip
    if not wanted <= set(header):
        for index in range(2, 11):
            if wanted <= set(fields(texts(index))):
                above = "第 1 行" if index == 2 else f"第 1—{index - 1} 行"
                return whole(f"表头在第 {index} 行,上面的{above}像是标题或说明",
                             f"{header_expected};请删除表头上方的 {index - 1} 行")  # fmt: skip
        merged = [r.coord for r in sheet.merged_cells.ranges
                  if r.min_row == 1 and (r.max_col > r.min_col or r.max_row > 1)]  # fmt: skip
        if merged:
            return whole(f"表头单元格 {'、'.join(merged)} 是合并单元格,无法确定每一列的列名和内容",
                         "取消合并,表头每列一个列名,数据从第 2 行起每行一条")  # fmt: skip
        missing = [c for c in REQUIRED_COLUMNS if c in wanted and c not in header]
        return whole(f"第 1 行不是观测数据的表头(缺少 {'、'.join(missing)})", header_expected)
    duplicates = sorted({f for f in header if f and header.count(f) > 1})
    if duplicates:
        return whole(f"表头中重复的列:{'、'.join(duplicates)}", "每列只出现一次")
    columns = {f: (get_column_letter(i + 1), header_texts[i]) for i, f in enumerate(header) if f}
    position = {f: header.index(f) for f in columns}  # 0-based column of each field

    problems: list[SheetProblem] = []
    notices: list[str] = []

    def problem(row_no: int, field_name: str, text: str, expected: str) -> None:
        letter, shown = columns.get(field_name, (None, field_name))
        problems.append(SheetProblem(file=display, sheet=title, row=row_no, field=shown, column=letter,
                                     problem=text, expected=expected))  # fmt: skip

    merges = _judge_merges(sheet, position, columns, problem)
    hidden_rows = {r for r, dim in sheet.row_dimensions.items() if dim.hidden}
    for f, col in position.items():
        letter = get_column_letter(col + 1)
        if sheet.column_dimensions[letter].hidden:
            notices.append(f"警告:{display} 工作表“{title}”的 {letter} 列“{columns[f][1]}”是隐藏列,其中的内容照常读取;"
                           "请取消隐藏并核对")  # fmt: skip

    smap = load_series_map()
    labels = template_series_labels(smap) if template else {}
    out_rows, lines, series = [], [], []
    skipped_hidden = []
    resolved: dict[tuple[str, str, str], list[int]] = {}
    extra_columns: list[str] = []

    for index in sorted(r for r in rows if r > 1):
        cells: dict[str, _Cell] = {}
        for f, col in position.items():
            cells[f] = _read_cell(rows, index, col, f, merges)
        own = {f for f, c in cells.items() if c.text and c.merged_from is None}
        if not own or (template and own <= PREFILLED):
            continue  # an empty row, or a pre-listed series × year left empty (a merged value alone is no data)
        if any(m.refused and m.covers(index, col + 1) for m in merges for col in position.values()):
            continue  # named once, by its range
        if index in hidden_rows:
            skipped_hidden.append(index)
            continue
        rec = {f: c.text for f, c in cells.items()}
        sid = None
        for f in columns:
            cell = cells[f]
            formula = formula_cells.get(index, {}).get(position[f] + 1)
            is_formula = formula is not None and _is_formula(formula.value)
            if cell.problem is not None:
                problem(index, f, *cell.problem)
            elif is_formula and not rec[f] and not (template and f == "unit"):
                problem(index, f, "单元格是公式,但文件中没有保存计算结果", "在 Excel 中打开并保存一次,或直接填写数值")
            elif rec[f] and (detail := encoding_accident(rec[f])):
                problem(index, f, detail, "从原始来源重新复制")
        if template:
            sid = labels.get(rec.get("indicator", ""))
            unit = smap.unit(sid) if sid else None
            written = rec.get("unit", "")
            if sid and written and fold(written) != fold(unit):
                problem(index, "unit", f"单位“{written}”不是模板为{smap.name(sid)}规定的“{unit}”",
                        f"{unit}(模板中每个指标的单位是固定的,请把数值换算为 {unit})")  # fmt: skip
            if sid:
                rec["unit"] = unit
                if smap.plausibility(sid).measure == "stock" and not rec.get("period") and \
                        re.fullmatch(r"\d{4}年?", fold(rec.get("year", ""))):
                    rec["kind"] = "year_end"  # the template: a bare year of a stock is its year end
        value = cells.get("value")
        if value is not None and value.scale_word and value.problem is None:
            text, trouble = _with_scale(value, rec.get("unit", ""))
            if trouble:
                problem(index, "value", *trouble)
            else:
                rec["value"] = text
        if value is not None and value.scaled and value.problem is None:
            letter, shown = columns["value"]
            notices.append(f"{display} 工作表“{title}”第 {index} 行 {letter} 列“{shown}”:{value.scaled},"
                           f"按所见读作 {rec['value']}{'' if rec.get('unit') in (None, '', '%') else ' '}"
                           f"{rec.get('unit', '')}")  # fmt: skip
        if role == "region":
            rec["district"] = layout.region
        elif role == "district" and template:
            region = _district_problem(rec.get("district", ""), layout)
            if region is not None:
                problem(index, "district", *region)
        for f, cell in cells.items():
            if cell.merged_from and cell.text:
                resolved.setdefault((cell.merged_from, f, cell.text), []).append(index)
        for key in rec:
            if key not in columns and key not in extra_columns:
                extra_columns.append(key)
        out_rows.append(rec)
        lines.append(index)
        series.append(sid)
    for (label, f, text), used in resolved.items():
        letter, shown = columns[f]
        notices.append(f"{display} 工作表“{title}”:合并单元格 {label}({letter} 列“{shown}”)显示“{text}”,"
                       f"第 {_row_list(used)} 行{'都' if len(used) > 1 else ''}按“{text}”读取")  # fmt: skip
    if skipped_hidden:
        notices.append(f"警告:{display} 工作表“{title}”的第 {_row_list(skipped_hidden)} 行是隐藏行(或被筛选隐藏),"
                       "未读取;如需载入,请取消隐藏后再检查")  # fmt: skip
    frame = pd.DataFrame(out_rows, columns=[*columns, *extra_columns], dtype=str).fillna("")
    if "unit" not in frame.columns:
        frame["unit"] = ""
    return RawTable(frame, display, lines, sheet=title, columns=columns, series=series if template else None,
                    problems=problems, notices=notices)  # fmt: skip


def _read_cell(rows: dict[int, dict[int, Any]], index: int, col: int, field_name: str, merges: list[_Merge]) -> _Cell:
    """The cell of field ``field_name`` (0-based column ``col``) in row ``index`` (1-based), a merged range's value
    where one covers it (also on the range's own first row: that value belongs to every row, not to one)."""
    cell = rows.get(index, {}).get(col + 1)
    merged_from = None
    merge = next((m for m in merges if m.covers(index, col + 1)), None)
    if merge is not None and (merge.max_row > merge.min_row or merge.max_col > merge.min_col):
        if merge.refused:
            return _Cell("")
        cell, merged_from = rows.get(merge.min_row, {}).get(merge.min_col), merge.label
    if cell is None:
        return _Cell("")
    out = _cell_value(cell, field_name)
    out.merged_from = merged_from
    return out


def _cell_value(cell: Any, field_name: str) -> _Cell:
    """One cell's text for a field, as seen: number formats, dates, error values."""
    from planlib.inputs.number_formats import shown_number

    value, fmt = cell.value, cell.number_format or "General"
    if value is None:
        return _Cell("")
    if getattr(cell, "data_type", None) == "e" or (isinstance(value, str) and value in _ERROR_VALUES):
        return _Cell(str(value), (f"单元格是错误值“{value}”(公式无法计算或引用无效)",
                                  "修正公式使其算出数值,或直接填写数值"))  # fmt: skip
    if isinstance(value, dt.datetime | dt.date) and field_name == "year":
        if _YEAR_ONLY_FORMAT.match(fmt):
            return _Cell(str(value.year))
        return _Cell(cell_text(value), (f"年份单元格是日期“{cell_text(value)}”,不是年份",
                                        "四位年份,如 2020(把单元格格式设为“常规”再填写);年内的时点写在“时期”列,"
                                        "如 2020年6月末"))  # fmt: skip
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta) and field_name == "value":
        return _Cell(cell_text(value), (f"数值单元格是日期或时间(显示为 {cell_text(value)}),不是数值",
                                        "把单元格格式设为“常规”或“数值”,再填写数值"))  # fmt: skip
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = shown_number(float(value), fmt)
        if field_name != "value":
            return _Cell(shown.text)
        if shown.sign_hidden:
            why = f"单元格存的是 {_plain(value)},但格式“{fmt}”把它显示为“{shown.display}”(不显示负号)"
            return _Cell(shown.text, (why, "把单元格格式改为“常规”或带负号的数值格式,核对数值后再检查"))
        word = shown.suffix.strip()
        scaled = None
        if shown.scale not in (0, 2) or (shown.scale == 2 and "%" not in shown.suffix) or word in _SCALE_WORDS:
            scaled = f"单元格存的是 {_plain(value)},格式“{fmt}”显示为“{shown.display}”"
        if word in _SCALE_WORDS:
            return _Cell(shown.text, scaled=scaled, scale_word=word,
                         extra={"prefix": shown.prefix, "number": shown.text[len(shown.prefix) : -len(shown.suffix)]})
        return _Cell(shown.text, scaled=scaled)
    return _Cell(cell_text(value, fmt))


_ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA",
                           "#SPILL!", "#CALC!"})  # fmt: skip


def _with_scale(value: _Cell, unit: str) -> tuple[str, tuple[str, str] | None]:
    """A number shown with a scale word (70.67万) in the unit column's unit: 万 of 万人 is the unit's own 万
    (70.67 万人); under 人 it is 706700 人. A percentage or an unknown unit cannot be shown in 万: refused."""
    from planlib.inputs.numbers import unit_scale

    word = value.scale_word or ""
    scale = unit_scale(unit) if unit else None
    if scale is None or scale[0] in _NO_SCALE_FAMILIES:
        return value.text, (f"单元格格式把数值显示为“{value.text}”,但单位是“{unit or '(空)'}”,无法确定“{word}”指什么",
                            f"把单元格格式改为“常规”,按单位“{unit}”填写数值" if unit
                            else "在单位列写明单位,并把单元格格式改为“常规”")  # fmt: skip
    try:
        number = Decimal(str(value.extra["number"])).scaleb(_SCALE_WORDS[word] - scale[1]).normalize()
    except (InvalidOperation, KeyError):
        return value.text, (f"无法读取单元格显示的数值“{value.text}”", "把单元格格式改为“常规”再填写数值")
    text = format(number, "f") if -20 < number.adjusted() < 20 else format(float(number), ".15g")
    return f"{value.extra.get('prefix', '')}{text}", None


def _judge_merges(
    sheet: Any, position: dict[str, int], columns: dict[str, tuple[str, str]], problem: Any
) -> list[_Merge]:
    """The merged ranges of a sheet, each refused (named by ``problem``) unless it lies within one column below
    the header and is not a 数值 cell: a value shown for several rows is given to each of them."""
    merges = []
    by_col = {col + 1: f for f, col in position.items()}
    for rng in sheet.merged_cells.ranges:
        merge = _Merge(rng.coord, rng.min_row, rng.min_col, rng.max_row, rng.max_col)
        merges.append(merge)
        covered = [by_col[c] for c in range(rng.min_col, rng.max_col + 1) if c in by_col]
        if not covered:
            continue  # a merge outside the data columns (a title beside the table) is not read
        names = "、".join(f"“{columns[f][1]}”" for f in covered)
        if rng.min_row == 1:
            merge.refused = True
            problem(1, covered[0], f"表头单元格 {rng.coord} 是合并单元格,无法确定每一列的列名和内容",
                    "取消合并,表头每列一个列名,数据从第 2 行起每行一条")
        elif len(covered) > 1:
            merge.refused = True
            problem(rng.min_row, covered[0], f"单元格 {rng.coord} 合并了 {names} 几列,无法确定各列的内容",
                    "取消合并,每列分别填写")
        elif covered[0] == "value" and rng.max_row > rng.min_row:
            merge.refused = True
            problem(rng.min_row, "value", f"数值单元格 {rng.coord} 合并了 {rng.max_row - rng.min_row + 1} 行,"
                                          "一个数值不能同时作为几行的数值",
                    "取消合并,每行填写自己的数值")  # fmt: skip
    return merges


def _is_formula(value: Any) -> bool:
    """A formula as openpyxl gives it without cached values: “=…” text, or an array / data-table formula object."""
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in {"ArrayFormula", "DataTableFormula"}


def _district_problem(text: str, layout: _Layout) -> tuple[str, str] | None:
    """Why the 区县 of a row of the template's 区县 sheet cannot be used, or None (an unknown name is the loader's)."""
    from planlib.inputs.district_names import normalise_district

    expected = f"从下拉列表选择区县或片区合计;{layout.region}的数值请填在“{layout.region}”工作表"
    if not text.strip():
        return f"“{DISTRICT_SHEET}”工作表的每一行都须填写区县,这一行的区县为空", expected
    try:
        region = normalise_district(text)
    except CleanError:
        return None
    if region.kind == "municipality":
        return f"“{text}”不是区县:“{DISTRICT_SHEET}”工作表只填区县、片区合计和功能区", expected
    return None


def _row_list(rows: list[int]) -> str:
    """5、7—9、12: row numbers with runs joined."""
    parts, start, prev = [], rows[0], rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == prev + 1:
            prev = row
            continue
        parts.append(str(start) if start == prev else f"{start}—{prev}")
        if row is not None:
            start = prev = row
    return "、".join(parts)


def _plain(value: Any) -> str:
    text = format(float(value), ".15g")
    return text[:-2] if text.endswith(".0") else text


def template_series_labels(smap: Any) -> dict[str, str]:
    """The names a template's 指标 cell may hold → series id: each series' own name and its published names."""
    out: dict[str, str] = {}
    for sid, spec in smap.series.items():
        out.setdefault(str(spec["name"]), sid)
    for name, sid in smap.by_name.items():
        out.setdefault(name, sid)
    return out
