"""Report tables: one object that renders as a real table in HTML and in Typst (via pandoc Markdown).

A :class:`Table` holds a DataFrame with Chinese column labels, a caption, a source note and a stable
name; in a notebook it displays as a Markdown pipe table (pandoc turns that into an HTML ``<table>``
and a Typst ``#table``), and :meth:`Table.to_csv` writes the downloadable copy. Missing values read
数据暂缺, never NaN.

Everything a Table holds is plain text (cells, column labels, caption, source, notes): it is escaped
when the Markdown is written (:func:`planlib.presentation.escape.md_text`), so a source title shows its ``*``, ``<``
or ``#`` as characters; only the columns named in ``links`` turn ``http(s)`` URLs into links. The CSV
keeps the frame as it is, except that a text a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``,
``@…``) starts with one single quote there (:mod:`planlib._spreadsheet`); the XLSX holds every text as
text. When the table is shown, every character is checked against the
shipped fonts (:func:`planlib.presentation.style.check_glyphs`): one the PDF could not draw fails with the table,
row and column named.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planlib._assets import asset_dir
from planlib.errors import DataError
from planlib.presentation.escape import fold_lines, md_text, md_urls

if TYPE_CHECKING:
    import pandas as pd

MISSING_TEXT = "数据暂缺"
TABLE_DIR = "tables"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def fmt_number(value: Any, digits: int = 2, *, missing: str = MISSING_TEXT) -> str:
    """A number for a reader: thousands separators, trailing zeros dropped, missing → 数据暂缺."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    try:
        import pandas as pd

        if pd.isna(value):
            return missing
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    if isinstance(value, float):
        text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
        return "0" if text in {"-0", ""} else text
    return str(value)


def fmt_percent(value: Any, digits: int = 1, *, missing: str = MISSING_TEXT) -> str:
    """A share (0.731) as a percentage ('73.1%')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    return f"{value * 100:.{digits}f}%"


def _text(value: Any) -> str:
    """What a reader sees in a cell: the string as it is (one line), a number formatted, 数据暂缺 for nothing."""
    text = fmt_number(value) if not isinstance(value, str) else value
    return fold_lines(text).strip() or MISSING_TEXT


def _cell(value: Any, *, link: bool = False) -> str:
    # escaped: a pipe cannot end the cell, markup in data stays text; links only for http(s) URLs
    text = _text(value)
    return md_urls(text) if link else md_text(text)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass
class Table:
    """A report table. ``name`` (ASCII, e.g. ``headline-indicators``) names the CSV download."""

    frame: pd.DataFrame
    caption: str
    name: str
    source: str | None = None
    notes: list[str] = field(default_factory=list)
    align: dict[str, str] = field(default_factory=dict)  # column -> "left" | "right" | "center"
    links: tuple[str, ...] = ()  # columns whose http(s) URLs are shown as links (other text stays text)
    origins: list[str | None] | None = None  # per row, where its text came from (named by the glyph check)
    notice: dict | None = None  # for the page footer (indicators.marks.report_notice)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"表名 {self.name!r} 须为小写英文、数字和连字符(用作下载文件名)")
        if any(not isinstance(c, str) for c in self.frame.columns):
            raise ValueError("表格列名须为文字")
        unknown = [c for c in self.links if c not in self.frame.columns]
        if unknown:
            raise ValueError(f"links 中的列不在表中:{'、'.join(unknown)}")

    def _alignment(self, column: str) -> str:
        if column in self.align:
            return self.align[column]
        import pandas as pd

        return "right" if pd.api.types.is_numeric_dtype(self.frame[column]) else "left"

    def to_markdown(self, *, csv_href: str | None = None) -> str:
        """Pandoc Markdown: the pipe table with its caption (``Table: …``), then source and notes.

        All text is escaped (it shows literally in HTML and PDF); ``csv_href`` is a path planlib made."""
        cols = list(self.frame.columns)
        # pandoc sizes the columns of a wide pipe table by the dashes under each header: give each
        # column dashes in proportion to its longest cell (as shown, without escapes), so long text gets
        # room and PDFs don't overflow
        widths = [max(8, min(40, max([_display_width(_text(c))] + [_display_width(_text(v)) for v in self.frame[c]])))
                  for c in cols]  # fmt: skip
        rule = {"left": ":{}", "right": "{}:", "center": ":{}:"}
        lines = ["| " + " | ".join(_cell(c) for c in cols) + " |",
                 "|" + "|".join(rule[self._alignment(c)].format("-" * w) for c, w in zip(cols, widths, strict=True))
                 + "|"]  # fmt: skip
        linked = [c in self.links for c in cols]
        for rec in self.frame.itertuples(index=False):
            lines.append("| " + " | ".join(_cell(v, link=k) for v, k in zip(rec, linked, strict=True)) + " |")
        out = ["", *lines, "", f"Table: {md_text(self.caption)}", ""]
        tail = []
        if self.source:
            tail.append(f"资料来源:{md_text(self.source)}")
        tail += [f"注:{md_text(n)}" for n in self.notes]
        if csv_href:
            tail.append(f"[下载本表 CSV]({csv_href})")
        if tail:
            out += ["::: {.table-notes}", *[f"{t}\\" if i < len(tail) - 1 else t for i, t in enumerate(tail)],
                    ":::", ""]  # fmt: skip
        return "\n".join(out)

    def check_glyphs(self) -> None:
        """Raise :class:`planlib.errors.DataError` naming 表“caption”, the row (第 N 行, the first data row
        is 1), the column and where the row came from, for every character the shipped fonts cannot draw."""
        from planlib.presentation.style import glyph_problems

        table = f"表“{self.caption}”"
        problems = glyph_problems(self.caption, file=table, entry="标题")
        problems += glyph_problems(self.source or "", file=table, entry="资料来源")
        for i, note in enumerate(self.notes, start=1):
            problems += glyph_problems(note, file=table, entry=f"注 {i}")
        for col in self.frame.columns:
            problems += glyph_problems(col, file=table, entry="列名")
        for row, rec in enumerate(self.frame.itertuples(index=False), start=1):
            origin = self.origins[row - 1] if self.origins and row <= len(self.origins) else None
            for col, value in zip(self.frame.columns, rec, strict=True):
                problems += glyph_problems(_text(value), file=table, row=row, field=col, origin=origin)
        if problems:
            raise DataError(problems)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """Besides the Markdown (from :meth:`_repr_markdown_`), the report's notice for the publisher."""
        from planlib.indicators.marks import NOTICE_MIME

        return {NOTICE_MIME: self.notice} if self.notice is not None else {}

    def _repr_markdown_(self) -> str:
        # shown in a notebook = published: the CSV is written beside the report, and linked
        self.check_glyphs()
        folder = asset_dir(TABLE_DIR)
        self.to_csv(Path(folder))
        return self.to_markdown(csv_href=f"{folder}/{self.name}.csv")

    def to_csv(self, folder: Path) -> Path:
        """Write ``<folder>/<name>.csv`` (UTF-8 with BOM so spreadsheet programs read the Chinese); a text cell
        a spreadsheet would execute starts with one single quote (:func:`planlib._spreadsheet.csv_cell`)."""
        from planlib._spreadsheet import csv_frame

        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.csv"
        csv_frame(self.frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
        return path

    def to_excel(self, path: str | Path) -> Path:
        """Write the table to an Excel workbook (``.xlsx``, openpyxl): sheet 表格 holds the columns as shown
        (one header row, values unformatted: numbers stay numbers), sheet 说明 the caption (表名), the source
        (资料来源) and each note (注). Every text is a text cell, never a formula
        (:func:`planlib._spreadsheet.text_cells`). Column widths follow the longest cell. Returns the path written;
        raises ``ValueError`` for a path that does not end in ``.xlsx``."""
        import pandas as pd
        from openpyxl.utils import get_column_letter

        from planlib._spreadsheet import text_cells

        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            raise ValueError(f"Excel 文件名须以 .xlsx 结尾:{path.name}")
        path.parent.mkdir(parents=True, exist_ok=True)
        about = pd.DataFrame([("表名", self.caption), ("资料来源", self.source or ""),
                              *[("注", n) for n in self.notes]], columns=["项目", "内容"])  # fmt: skip
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for sheet, frame in (("表格", self.frame), ("说明", about)):
                frame.to_excel(writer, sheet_name=sheet, index=False)
                ws = writer.sheets[sheet]
                text_cells(ws)
                for i, col in enumerate(frame.columns, start=1):
                    width = max([_display_width(_text(col))] + [_display_width(_text(v)) for v in frame[col]])
                    ws.column_dimensions[get_column_letter(i)].width = min(60, width + 2)
        return path

