"""Excel workbooks (.xlsx) as raw observation tables: the 填报模板 of ``planlib template``, or plain sheets.

Two layouts are read (openpyxl):

* **the 填报模板** (:mod:`planlib.inputs.template`), recognised by its hidden sheet ``_planlib``: the
  sheets 全市 and 区县 with Chinese headers (指标, 单位, 年份, 时期, 数值, 来源标题, 来源网址, 可信度,
  发布日期, 说明; 区县 first on the 区县 sheet). 指标 is a series' name from ``series.yaml``; the unit is
  fixed per series (an empty or formula 单位 cell means the series' unit; another unit is refused).
  A row counts as data once any cell other than 指标, 单位 and 年份 is filled, so the pre-listed rows
  that were left empty are no data.
* **a sheet in the CSV layout**: first row ``indicator, year, value, unit, source_title, source_url,
  confidence`` (and the optional columns), as in ``data/raw/README.md``. Every visible sheet with
  content must be one.

Cells become text as a statistician typed them: numbers without float noise (70.67, not
70.670000000001), a percentage-formatted cell as the percentage it shows (0.053 shown as 5.3% → 5.3),
a date as YYYY-MM-DD. A formula is read through its saved result; one without a saved result is
refused (the file was written by a program and never opened). Every problem names the file, the
sheet, the row and the column (letter and header), like :class:`planlib.inputs.observations.SheetProblem`.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planlib.errors import DataError, Problem

if TYPE_CHECKING:
    from planlib.inputs.observations import RawTable

TEMPLATE_MARK = "planlib 填报模板"  # cell A1 of the hidden sheet _planlib
META_SHEET = "_planlib"
LISTS_SHEET = "选项"
INSTRUCTIONS_SHEET = "填表说明"
MUNICIPAL_SHEET, DISTRICT_SHEET = "全市", "区县"

# The template's headers (as written in row 1) and the raw columns they fill.
HEADERS = {"区县": "district", "指标": "indicator", "单位": "unit", "年份": "year", "时期": "period", "数值": "value",
           "来源标题": "source_title", "来源网址": "source_url", "可信度": "confidence", "发布日期": "published",
           "说明": "note"}  # fmt: skip
PREFILLED = {"indicator", "unit", "year"}  # the template lists series × years; these alone are no data
_HEADER_MARKS = re.compile(r"[*＊]|[(（](?:必填|可选|选填)[)）]")
_EXCEL_EXPECTED = "扩展名为 .xlsx 的 Excel 工作簿(planlib template 生成的填报模板,或第一行为观测数据表头的工作表)"


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
    """One cell's value as the text a statistician typed (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        number = float(value)
        if "%" in (number_format or ""):
            number *= 100  # a percentage-formatted cell shows 5.3% for 0.053
        text = format(number, ".15g")  # Excel keeps 15 significant digits
        return text[:-2] if text.endswith(".0") else text
    return str(value).strip()


def read_workbook(path: Path, display: str) -> list[RawTable]:
    """The observation tables of one workbook. Raises :class:`DataError` when it cannot be read at all.

    Problems of cells are returned inside the tables (``RawTable.problems``) or found by the loader,
    all located by sheet, row and column.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = Path(path).name
    try:
        values = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise DataError(Problem(file=display, problem=f"“{name}”不是有效的 Excel 工作簿(.xlsx),或已损坏",
                                expected=_EXCEL_EXPECTED)) from None  # fmt: skip
    template = META_SHEET in values.sheetnames and values[META_SHEET]["A1"].value == TEMPLATE_MARK
    tables = []
    for sheet in values.worksheets:
        if sheet.sheet_state != "visible" or (template and sheet.title not in {MUNICIPAL_SHEET, DISTRICT_SHEET}):
            continue
        table = _sheet_table(sheet, formulas[sheet.title], display, template)
        if table is not None:
            tables.append(table)
    if not tables:
        raise DataError(Problem(file=display, problem=f"“{name}”中没有观测数据:没有一张工作表的第一行是观测数据表头",
                                expected=_EXCEL_EXPECTED))  # fmt: skip
    return tables


def _sheet_table(sheet: Any, formulas: Any, display: str, template: bool) -> RawTable | None:
    """One sheet as a :class:`RawTable` (None for an empty sheet)."""
    import pandas as pd
    from openpyxl.utils import get_column_letter

    from planlib.inputs.observations import REQUIRED_COLUMNS, RawTable, SheetProblem, load_series_map
    from planlib.inputs.text import encoding_accident, fold

    grid = [[cell_text(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]
    if not any(any(row) for row in grid):
        return None
    title = sheet.title

    def whole(problem: str, expected: str, row: int | None = 1) -> RawTable:
        return RawTable(pd.DataFrame(columns=REQUIRED_COLUMNS), display, [], sheet=title,
                        problems=[SheetProblem(file=display, sheet=title, row=row, problem=problem,
                                               expected=expected)])  # fmt: skip

    def fields(row: list[str]) -> list[str | None]:
        return [_header_field(text, template) if text else None for text in row]

    header = fields(grid[0])
    wanted = set(REQUIRED_COLUMNS) - ({"unit"} if template else set())
    header_expected = ("第 1 行就是表头:" + "、".join(k for k, v in HEADERS.items() if v in wanted)
                       if template else f"第 1 行就是表头,列名 {', '.join(REQUIRED_COLUMNS)} 等")  # fmt: skip
    if not wanted <= set(header):
        for index, row in enumerate(grid[1:10], start=2):
            if wanted <= set(fields(row)):
                above = "第 1 行" if index == 2 else f"第 1—{index - 1} 行"
                return whole(f"表头在第 {index} 行,上面的{above}像是标题或说明",
                             f"{header_expected};请删除表头上方的 {index - 1} 行")
        missing = [c for c in REQUIRED_COLUMNS if c in wanted and c not in header]
        return whole(f"第 1 行不是观测数据的表头(缺少 {'、'.join(missing)})", header_expected)
    duplicates = sorted({f for f in header if f and header.count(f) > 1})
    if duplicates:
        return whole(f"表头中重复的列:{'、'.join(duplicates)}", "每列只出现一次")
    columns = {f: (get_column_letter(i + 1), grid[0][i]) for i, f in enumerate(header) if f}

    smap = load_series_map()
    labels = template_series_labels(smap) if template else {}
    rows, lines, series, problems = [], [], [], []
    formula_grid = list(formulas.iter_rows())

    def problem(row_no: int, field: str, text: str, expected: str) -> None:
        letter, shown = columns[field]
        problems.append(SheetProblem(file=display, sheet=title, row=row_no, field=shown, column=letter,
                                     problem=text, expected=expected))  # fmt: skip

    for index, raw_row in enumerate(grid[1:], start=2):
        rec = {f: raw_row[header.index(f)] if header.index(f) < len(raw_row) else "" for f in columns}
        filled = {f for f, v in rec.items() if v}
        if not filled or (template and filled <= PREFILLED):
            continue  # an empty row, or a pre-listed series × year left empty
        sid = None
        for field in columns:
            cell = formula_grid[index - 1][header.index(field)] if index - 1 < len(formula_grid) else None
            is_formula = cell is not None and isinstance(cell.value, str) and cell.value.startswith("=")
            if is_formula and not rec[field] and not (template and field == "unit"):
                problem(index, field, "单元格是公式,但文件中没有保存计算结果",
                        "在 Excel 中打开并保存一次,或直接填写数值")
            elif rec[field] and (detail := encoding_accident(rec[field])):
                problem(index, field, detail, "从原始来源重新复制")
        if template:
            sid = labels.get(rec.get("indicator", ""))
            unit = smap.unit(sid) if sid else None
            written = rec.get("unit", "")
            if sid and written and fold(written) != fold(unit):
                problem(index, "unit", f"单位“{written}”不是模板为{smap.name(sid)}规定的“{unit}”",
                        f"{unit}(模板中每个指标的单位是固定的,请把数值换算为 {unit})")
            if sid:
                rec["unit"] = unit
        rows.append(rec)
        lines.append(index)
        series.append(sid)
    frame = pd.DataFrame(rows, columns=list(columns), dtype=str).fillna("")
    if "unit" not in frame.columns:
        frame["unit"] = ""
    return RawTable(frame, display, lines, sheet=title, columns=columns, series=series if template else None,
                    problems=problems)  # fmt: skip


def template_series_labels(smap: Any) -> dict[str, str]:
    """The names a template's 指标 cell may hold → series id: each series' own name and its published names."""
    out: dict[str, str] = {}
    for sid, spec in smap.series.items():
        out.setdefault(str(spec["name"]), sid)
    for name, sid in smap.by_name.items():
        out.setdefault(name, sid)
    return out
