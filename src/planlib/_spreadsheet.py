"""Cells that spreadsheets show and never run: CSV text neutralised, XLSX text never a formula.

A CSV or XLSX download is opened in Excel, WPS or LibreOffice, which treat a cell that starts with ``=``,
``+``, ``-`` or ``@`` (or with a tab or carriage return they strip first) as a formula: data text such as
``=HYPERLINK("http://x","y")`` or ``=cmd|' /C calc'!A0`` would run on the reader's machine. Here, as
OWASP's CSV-injection guidance describes:

- **CSV**: a text cell a spreadsheet would execute gets one leading single quote (``'=1+1``), which the
  spreadsheet shows as text. A cell that is a plain number (``-2.5``, ``-1,234``, ``+3%``) is left alone: a
  spreadsheet reads it as that number and runs nothing; numbers stay numbers. Nothing is lost: a text that
  already starts with quotes before such a character gets one more, so :func:`csv_original` (strip one
  leading quote where :func:`csv_cell` added one) gives back every original text exactly.
- **XLSX**: every text cell is written as text (openpyxl would otherwise store a string starting with ``=``
  as a formula); the executable-looking ones carry Excel's quote-prefix flag as well, so editing the cell
  keeps it text. The cell's value is the data text unchanged (a carriage return in it is read back as a
  line break, as XML reads every line end); numbers are numbers.

JSON files (``datapackage.json``) keep the raw text: no program runs them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

QUOTE = "'"
# what a spreadsheet executes: = + - @ first (after spaces it may trim), or a tab / carriage return first
_EXECUTES = re.compile(r"^(?:[\s\u3000]*[=+\-@]|[\t\r\n])")
_NEUTRALISED = re.compile(r"^'+(?:[\s\u3000]*[=+\-@]|[\t\r\n])")
# a plain number (what a spreadsheet reads as a number): sign, digits (with thousands separators), decimals,
# exponent, percent — and nothing else
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?%?$", re.ASCII)


def executes(text: str) -> bool:
    """True when a spreadsheet opening ``text`` as a cell would treat it as a formula (see the module)."""
    return bool(_EXECUTES.match(text)) and not _NUMBER.match(text)


def csv_cell(value: Any) -> Any:
    """``value`` as it may go into a CSV download: a text a spreadsheet would execute gets a leading ``'``
    (``"=1+1"`` → ``"'=1+1"``; ``"'=1"`` → ``"''=1"``); numbers, plain numeric texts and other texts unchanged."""
    if not isinstance(value, str):
        return value
    if executes(value) or _NEUTRALISED.match(value):
        return QUOTE + value
    return value


def csv_original(value: Any) -> Any:
    """The inverse of :func:`csv_cell`: the text as it was before it was neutralised."""
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return value[1:]
    return value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell passed through :func:`csv_cell` (column labels too);
    numeric columns are not touched, so a negative number stays a number."""
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if column.dtype == object or str(column.dtype) in ("string", "str", "category"):
            out.isetitem(i, column.map(csv_cell))
    out.columns = [csv_cell(c) for c in out.columns]
    return out


def text_cells(ws: Worksheet) -> None:
    """Make every cell of ``ws`` that holds a string a text cell (never a formula): openpyxl stores a
    string starting with ``=`` as a formula; here its type is set back to text and, where a spreadsheet
    would execute it on editing, Excel's quote-prefix flag is set. Numbers are left as they are."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                if cell.data_type == "f":
                    cell.data_type = "s"
                if executes(cell.value):
                    cell.quotePrefix = True
