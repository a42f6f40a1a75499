"""CSV files as researchers save them: one table of text cells, every problem named with its line.

:func:`read_table` reads a CSV in UTF-8, UTF-8 with BOM or GB18030/GBK (:func:`planlib.inputs.text.decode`)
with the csv module in strict mode, and refuses, naming the file (and the line), anything that is not a
readable comma-separated table: another format, columns separated by tabs or semicolons, a title row
above the header, malformed rows, duplicate headers, and cells an encoding accident has garbled.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planlib.errors import CleanError
from planlib.inputs.text import ENCODING_EXPECTED, MOJIBAKE_EXPECTED, SAVE_AS_CSV, decode, encoding_accident

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CellIssue", "TableCellError", "read_table"]


@dataclass(frozen=True)
class CellIssue:
    """One bad cell of a table: its line (the header is line 1), column name, problem and expectation."""

    line: int
    column: str
    problem: str
    expected: str


class TableCellError(CleanError):
    """Raised by :func:`read_table` for bad cells; ``issues`` lists every one (line, column, problem)."""

    def __init__(self, name: str, issues: list[CellIssue]):
        self.issues = tuple(issues)
        first = issues[0]
        more = f"(共 {len(issues)} 处)" if len(issues) > 1 else ""
        super().__init__(f"“{name}”第 {first.line} 行“{first.column}”列{first.problem}{more}", first.expected)


# spreadsheets planlib does not read, in the words their users know them by
OTHER_SPREADSHEETS = {".xls": "旧版 Excel 工作簿(.xls)", ".et": "WPS 表格文件(.et)", ".ods": "OpenDocument 表格(.ods)",
                      ".numbers": "Numbers 表格(.numbers)"}  # fmt: skip
SAVE_AS_XLSX_OR_CSV = "在 Excel、WPS 或 LibreOffice 中另存为 .xlsx 或 CSV UTF-8(逗号分隔)"


def read_table(path: Path | str, *, header_hint: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a CSV in UTF-8, UTF-8 with BOM or GB18030/GBK: every cell as text, headers stripped.

    Raises :class:`CleanError` naming the file for anything that is not a readable CSV: another format
    (Excel, UTF-16), an unknown encoding (with the byte offset), columns separated by tabs or
    semicolons instead of commas, malformed rows, duplicate headers, and — when ``header_hint`` names
    the columns the header must hold — a header that sits below a title row (naming its line); and
    :class:`TableCellError` listing every cell (line, column) where an encoding accident left its
    traces (see :func:`encoding_accident`), with the same remedy as a wrongly encoded file.
    """
    import pandas as pd

    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):  # read as workbooks elsewhere (planlib.inputs.excel): this reads CSV only
        raise CleanError(f"“{name}”是 Excel 工作簿,此处只读 CSV", f"逗号分隔的 CSV;{SAVE_AS_CSV}")
    if suffix in OTHER_SPREADSHEETS:
        raise CleanError(f"“{name}”是{OTHER_SPREADSHEETS[suffix]},planlib 读不了;planlib 读 .xlsx 工作簿和 CSV",
                         SAVE_AS_XLSX_OR_CSV)  # fmt: skip
    if suffix != ".csv":
        raise CleanError(f"“{name}”不是 CSV 或 .xlsx 文件(扩展名为“{path.suffix or '无'}”)",
                         f"CSV(逗号分隔的文本)或 .xlsx 工作簿;其他表格请先{SAVE_AS_XLSX_OR_CSV}")  # fmt: skip
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        raise CleanError(f"“{name}”实际是 Excel 工作簿(.xlsx),只是扩展名为 .csv",
                         f"把扩展名改回 .xlsx(planlib 读 .xlsx 工作簿),或{SAVE_AS_CSV}")  # fmt: skip
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise CleanError(f"“{name}”实际是旧版 Excel 工作簿(.xls),只是扩展名为 .csv", SAVE_AS_XLSX_OR_CSV)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise CleanError(f"“{name}”是 UTF-16 编码(Excel 的“Unicode 文本”)", ENCODING_EXPECTED)
    if not data.strip():
        raise CleanError(f"“{name}”是空文件", "第一行为表头的 CSV 文件")
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise CleanError(f"“{name}”含有二进制内容(第 {offset} 字节),不是文本 CSV", ENCODING_EXPECTED)
    text = decode(data, name)
    _refuse_other_delimiters(text, name)

    rows = _csv_rows(text, name)
    if not rows:
        raise CleanError(f"“{name}”没有表头", "第一行为表头的 CSV 文件")
    if header_hint:
        _refuse_title_rows(rows, header_hint, name)
    header = [h.strip().lstrip("\ufeff").strip() for h in rows[0][1]]
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise CleanError(f"“{name}”的表头有重复的列名:{'、'.join(duplicates)}", "每个列名只出现一次")
    width = len(header)
    body: list[list[str]] = []
    for line, row in rows[1:]:
        # trailing empty cells beyond the header (a stray comma at the end of a line) carry nothing
        if any(cell.strip() for cell in row[width:]):
            raise CleanError(
                f"“{name}”第 {line} 行有 {len(row)} 个字段,而表头只有 {width} 列",
                "每行列数与表头一致;含逗号的单元格用英文双引号括起",
            )
        body.append(row[:width] + [""] * (width - len(row)))  # a short row: missing trailing cells empty
    for position, column in enumerate(header):
        if column == "" and any(row[position].strip() for row in body):
            raise CleanError(f"“{name}”第 {position + 1} 列有数据但没有列名", "给每一列写上列名")
    issues = []
    for line, cells in [(1, header), *((line, cells) for (line, _), cells in zip(rows[1:], body, strict=True))]:
        for position, cell in enumerate(cells):
            if detail := encoding_accident(cell):
                column = header[position] or f"第 {position + 1} 列"
                issues.append(CellIssue(line, column, detail, MOJIBAKE_EXPECTED))
    if issues:
        raise TableCellError(name, issues)
    keep = [i for i, column in enumerate(header) if column != ""]
    # blank lines inside the table are skipped (they carry nothing); every row keeps the line number an
    # editor shows, also after a quoted cell that spans several lines
    filled = [(line, row) for (line, _), row in zip(rows[1:], body, strict=True) if any(c.strip() for c in row)]
    frame = pd.DataFrame([[row[i] for i in keep] for _, row in filled], columns=[header[i] for i in keep], dtype=str)
    frame.attrs["lines"] = [line for line, _ in filled]
    return frame


_DELIMITERS = (("\t", "制表符(Tab)"), (";", "分号(;)"), ("；", "全角分号(；)"), ("|", "竖线(|)"))


def _refuse_other_delimiters(text: str, name: str) -> None:
    """A file whose columns are separated by tabs or semicolons reads as one column: say so, naming the line."""
    for line_no, line in enumerate(text.splitlines()[:10], start=1):
        for delimiter, label in _DELIMITERS:
            if line.count(delimiter) >= 2 and line.count(delimiter) > line.count(","):
                shown = line.replace("\t", "→")
                shown = shown if len(shown) <= 100 else shown[:100] + "…"
                raise CleanError(
                    f"“{name}”的列用{label}分隔,不是逗号(第 {line_no} 行“{shown}”):整行会被读成一列",
                    f"逗号分隔的 CSV;{SAVE_AS_CSV},或把分隔符换成英文逗号",
                )


def _refuse_title_rows(rows: list[tuple[int, list[str]]], header: Sequence[str], name: str) -> None:
    """The header must be the first line: a title or note above it is named, with the line the header is on."""
    wanted = set(header)
    if wanted <= {cell.strip().lstrip("\ufeff").strip() for cell in rows[0][1]}:
        return
    for line, row in rows[1:10]:
        if wanted <= {cell.strip() for cell in row}:
            above = "第 1 行" if line == 2 else f"第 1—{line - 1} 行"
            raise CleanError(
                f"“{name}”的表头在第 {line} 行,上面的{above}像是标题或说明",
                f"第 1 行就是表头(列名 {', '.join(header)} 等);请删除表头上方的 {line - 1} 行",
            )


def _csv_rows(text: str, name: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) for every record; the header is the first.

    The csv module in strict mode rather than pandas: an unclosed quote or text after a closing quote
    is an error with its line number, not a silently merged row, and a row with one field too many is
    never taken for an index column. Blank lines inside the table stay as empty rows, so that a row's
    position still gives its line number; blank lines at the end are dropped.
    """
    # a lone CR ends a line too (classic Mac Excel), and a cell may be long (a pasted document)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    reader = csv.reader(io.StringIO(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        why = {"unexpected end of data": "引号没有闭合", "',' expected after '\"'": "引号闭合后还有其他字符"}
        raise CleanError(
            f"“{name}”第 {reader.line_num} 行附近不是格式正确的 CSV:{why.get(str(exc), str(exc))}",
            "英文双引号成对出现;引号括起的单元格后紧跟逗号或换行",
        ) from None
    while rows and not any(cell.strip() for cell in rows[-1][1]):
        rows.pop()
    return rows


