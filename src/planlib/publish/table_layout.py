"""How a report's tables are set, the same for both engines and every format (:func:`typeset_tables`): the page
geometry (:class:`Page`: :data:`PAGE` for the PDF, :data:`DOCX_PAGE` for Word), column widths from the cells'
real text widths in the shipped font, short cells such as 数据暂缺 or 预期性 never broken across lines,
columns of numbers right-aligned, and a table too wide for a portrait page on a landscape page (in smaller
type if it must).

It works on a pandoc AST (the JSON of :func:`planlib.publish.offline.read_markdown`, or the document Quarto
hands its JSON filter: :func:`planlib.publish.quarto.json_filter`). For Typst a table is wrapped in
``#planlib-table`` and its notes in ``#tablenotes``, both defined by the shared style
(``templates/planlib-style.typ``).

May import: :mod:`planlib.presentation.style` (text widths) only; nothing of :mod:`planlib.publish`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from planlib.presentation.style import text_width


def inlines_text(node: Any) -> Iterator[str]:
    """The characters a pandoc AST node shows (Str, spaces, code), depth first."""
    if isinstance(node, list):
        for item in node:
            yield from inlines_text(item)
    elif isinstance(node, dict):
        kind, content = node.get("t"), node.get("c")
        if kind == "Str":
            yield content
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            yield " "
        elif kind in ("Code", "CodeBlock", "Math", "RawInline", "RawBlock"):
            yield content[-1]
        elif kind != "Image":  # an image's own inlines are its alt text, which is not drawn
            yield from inlines_text(content)



MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Page:
    """The page geometry (A4; millimetres) and table type sizes (points) of the PDF (:data:`PAGE`) and the
    Word file (:data:`DOCX_PAGE`). The Typst style (``templates/planlib-style.typ``) gets them as lengths from
    either engine (:meth:`variables`), and :func:`typeset_tables` sizes every table's columns to the same text
    width."""

    width: float = 210
    height: float = 297
    margin_x: float = 22
    margin_top: float = 24
    margin_bottom: float = 24
    body_size: float = 10.5  # 五号
    table_sizes: tuple[float, ...] = (8.0, 7.0, 6.5)  # the tables' type, and smaller for a table that must
    cell_inset: float = 4.0

    def text_width(self, landscape: bool = False) -> float:
        """Width of the text block in points, on a portrait or a landscape page."""
        return ((self.height if landscape else self.width) - 2 * self.margin_x) * MM

    def variables(self) -> dict[str, str]:
        """The template variables (Typst lengths) of this geometry."""
        return {"margin-x": f"{self.margin_x}mm", "margin-top": f"{self.margin_top}mm",
                "margin-bottom": f"{self.margin_bottom}mm", "body-size": f"{self.body_size}pt",
                "table-size": f"{self.table_sizes[0]}pt", "cell-inset": f"{self.cell_inset}pt"}  # fmt: skip


PAGE = Page()
# the Word file: the same A4 page; tables in the reference document's 宋体 9 pt, cell margins 80 twips (4 pt)
DOCX_PAGE = Page(table_sizes=(9.0,))
TWIPS = 20  # twentieths of a point, Word's unit


def _docx_section(page: Page, landscape: bool) -> dict:
    """An empty paragraph that ends a Word section (portrait or landscape A4 with ``page``'s margins)."""
    w, h = round(page.width * MM * TWIPS), round(page.height * MM * TWIPS)
    if landscape:
        w, h = h, w
    x, top, bottom = (round(m * MM * TWIPS) for m in (page.margin_x, page.margin_top, page.margin_bottom))
    orient = ' w:orient="landscape"' if landscape else ""
    return _raw("openxml", f'<w:p><w:pPr><w:sectPr><w:pgSz w:w="{w}" w:h="{h}"{orient}/>'
                           f'<w:pgMar w:top="{top}" w:right="{x}" w:bottom="{bottom}" w:left="{x}" w:header="680" '
                           f'w:footer="680" w:gutter="0"/></w:sectPr></w:pPr></w:p>')  # fmt: skip


SHORT_EM = 8.5  # a cell no wider than this (about eight Chinese characters: 数据暂缺, 基本符合序时进度) never breaks
MIN_LINE_EM = 5.0  # a longer cell may wrap, but keeps at least five characters a line
_CJK = "\u2e80-\u9fff\u3000-\u303f\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
_UNBROKEN = re.compile(rf"[^\s{_CJK}]+")  # Latin words, numbers, URLs: Typst breaks these only at their own points
_URL_BREAK = re.compile(r"(?<=[/?&=#])")  # where a long URL may break
# a longer cell breaks between phrases: after a comma, colon, enumeration comma or closing bracket, before an
# opening one, at a space ("无法预测（数据不足）" → "无法预测" + "（数据不足）"), never inside a short phrase
_PHRASE = re.compile(r"(?<=[，；：、。）)」』”])|(?=[（(「『“])|(?<=\s)|(?=\s)")
_NUMERIC = re.compile(r"^[+\-−]?\d[\d,]*(\.\d+)?%?[†‡]*$")
_NOT_A_NUMBER = {"数据暂缺", "—", "-", "–"}


@dataclass(frozen=True)
class TableLayout:
    """How :func:`typeset_tables` set one table: column widths (points), type size, page orientation."""

    caption: str
    widths: tuple[float, ...]
    size: float
    landscape: bool
    fits: bool  # False: even landscape in the smallest type could not keep every short cell whole


def _cell_text(cell: list) -> str:
    """The text a pandoc table cell shows (one line)."""
    return " ".join("".join(inlines_text(block.get("c", []))) for block in cell[4]).strip()


def _phrases(text: str) -> list[str]:
    """The phrases a longer cell may break between (see :data:`_PHRASE`); spaces are their own pieces."""
    return [p for p in _PHRASE.split(text) if p]


def _min_max(text: str, weight: str) -> tuple[float, float]:
    """The narrowest and the natural width of a cell's text, in em: a short cell is one unbreakable piece;
    a longer one needs its widest short phrase, its longest word (number, Latin word, URL part) and at
    least :data:`MIN_LINE_EM` (a phrase longer than :data:`SHORT_EM` may break anywhere)."""
    full = text_width(text, weight)
    if full <= SHORT_EM:
        return full, full
    phrases = [w for w in (text_width(p, weight) for p in _phrases(text) if not p.isspace()) if w <= SHORT_EM]
    pieces = [p for token in _UNBROKEN.findall(text) for p in _URL_BREAK.split(token)]
    longest = max([*phrases, *(text_width(p, weight) for p in pieces)], default=0.0)
    return max(min(full, MIN_LINE_EM), longest), full


def _layout(caption: str, rows: list[list[str]], header: int, page: Page) -> TableLayout:
    """Column widths from content: every column at least as wide as its widest short cell (never broken)
    and its longest word, the rest of the line shared in proportion to what each column would take on one
    line. Portrait in the normal table type if the minimum fits, else landscape, else smaller type."""
    columns = len(rows[0]) if rows else 0
    em = [[_min_max(row[c], "bold" if i < header else "regular") for i, row in enumerate(rows)]
          for c in range(columns)]  # fmt: skip
    low = [max((m for m, _ in col), default=1.0) for col in em]
    high = [max((n for _, n in col), default=1.0) for col in em]
    tries = [(False, page.table_sizes[0]), *((True, size) for size in page.table_sizes)]
    for landscape, size in tries:
        pad = 2 * page.cell_inset + 1.0  # the insets, and a point of safety for rounding
        mins = [w * size + pad for w in low]
        maxs = [w * size + pad for w in high]
        avail = page.text_width(landscape)
        if sum(mins) <= avail:
            if sum(maxs) <= avail:
                extra = (avail - sum(maxs)) / sum(maxs)
                widths = [w * (1 + extra) for w in maxs]
            else:
                share = (avail - sum(mins)) / (sum(maxs) - sum(mins))
                widths = [lo + (hi - lo) * share for lo, hi in zip(mins, maxs, strict=True)]
            return TableLayout(caption, tuple(widths), size, landscape, True)
    widths = [w * avail / sum(mins) for w in mins]  # nothing fits: the smallest type, squeezed
    return TableLayout(caption, tuple(widths), size, True, False)


def _numeric_column(texts: list[str]) -> bool:
    values = [t for t in texts if t not in _NOT_A_NUMBER]
    return bool(values) and all(_NUMERIC.match(t) for t in values)


def _raw(fmt: str, text: str) -> dict:
    return {"t": "RawBlock", "c": [fmt, text]}


def _unbreakable(inlines: list, fmt: str) -> list:
    """``inlines`` that must stay on one line: in a Typst box, or an HTML nowrap span."""
    if fmt == "typst":
        return [{"t": "RawInline", "c": ["typst", "#box["]}, *inlines, {"t": "RawInline", "c": ["typst", "]"]}]
    return [{"t": "Span", "c": [["", ["nowrap"], []], inlines]}]


def _keep_whole(cell: list, fmt: str, weight: str) -> None:
    """Keep a cell's short text whole: all of a short cell, and each short phrase of a longer one."""
    for block in cell[4]:
        if block.get("t") not in ("Plain", "Para"):
            continue
        if 0 < text_width("".join(inlines_text(block["c"])), weight) <= SHORT_EM:
            block["c"] = _unbreakable(block["c"], fmt)
            continue
        out = []
        for inline in block["c"]:
            if inline.get("t") != "Str":
                out.append(inline)
                continue
            for phrase in _phrases(inline["c"]):
                piece = {"t": "Str", "c": phrase}
                short = len(phrase) > 1 and text_width(phrase, weight) <= SHORT_EM
                out += _unbreakable([piece], fmt) if short else [piece]
        block["c"] = out


def _rows(table: list) -> tuple[list[list], int]:
    """Every row of a pandoc table (header rows first) as lists of cells, and the number of header rows."""
    _attr, _caption, _specs, head, bodies, foot = table
    header = [row[1] for row in head[1]]
    body = [row[1] for b in bodies for row in (*b[2], *b[3])]
    return [*header, *body, *(row[1] for row in foot[1])], len(header)


def typeset_tables(blocks: list, fmt: str, page: Page = PAGE) -> list[TableLayout]:
    """Lay out every table of ``blocks`` (a pandoc AST's block list, changed in place) for ``fmt``.

    All formats: a column whose cells are all numbers (or 数据暂缺, —) is right-aligned, unless the table
    set its own alignment. ``typst``: column widths from the cells' widths in the shipped sans (see
    :func:`_layout`), short cells in an unbreakable box, the table with its notes (``.table-notes``) in
    ``#planlib-table`` (type size, landscape page). ``docx``: widths for the Word table type (``page`` is
    then :data:`DOCX_PAGE`), a wide table in a landscape section of its own, the notes in the reference
    document's "Table Notes" style.
    ``html``: short cells in a ``nowrap`` span (the browser sizes the columns). Returns the layouts."""
    layouts: list[TableLayout] = []
    out: list = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.get("t") == "Div":
            layouts += typeset_tables(block["c"][1], fmt, page)
        if block.get("t") != "Table":
            out.append(block)
            i += 1
            continue
        table = block["c"]
        rows, header = _rows(table)
        texts = [[_cell_text(cell) for cell in row] for row in rows]
        specs = table[2]
        for c, spec in enumerate(specs):
            if spec[0]["t"] in ("AlignDefault", "AlignLeft") and _numeric_column([r[c] for r in texts[header:]
                                                                                 if c < len(r)]):  # fmt: skip
                spec[0] = {"t": "AlignRight"}
        caption = "".join(inlines_text(table[1][1]))
        layout = _layout(caption, texts, header, page)
        layouts.append(layout)
        if fmt in ("typst", "docx"):  # fractions of the text width (the landscape one on a landscape page)
            total = sum(layout.widths)
            for spec, width in zip(specs, layout.widths, strict=True):
                spec[1] = {"t": "ColWidth", "c": round(width / total, 4)}
        if fmt in ("typst", "html"):
            for r, row in enumerate(rows):
                for cell in row:
                    _keep_whole(cell, fmt, "bold" if r < header else "regular")
        notes = []
        if i + 1 < len(blocks) and blocks[i + 1].get("t") == "Div" and "table-notes" in blocks[i + 1]["c"][0][1]:
            notes = blocks[i + 1]["c"][1]
            i += 1
        # a heading right before a landscape table goes onto its page, not alone at the foot of the last one
        moves = layout.landscape and fmt in ("typst", "docx") and bool(out) and out[-1]["t"] == "Header"
        heading = [out.pop()] if moves else []
        if fmt == "typst":
            flipped = "true" if layout.landscape else "false"
            out += [_raw("typst", f"#planlib-table(size: {layout.size}pt, flipped: {flipped})["), *heading, block,
                    *([_raw("typst", "#tablenotes["), *notes, _raw("typst", "]")] if notes else []),
                    _raw("typst", "]")]  # fmt: skip
        else:
            landscape = fmt == "docx" and layout.landscape
            if landscape:  # the text so far ends a portrait section; the table and its notes are one landscape
                out.append(_docx_section(page, landscape=False))
            out += [*heading, block]
            if notes:
                if fmt == "docx":  # the reference document's paragraph style for a table's notes
                    blocks[i]["c"][0][2] = [*blocks[i]["c"][0][2], ["custom-style", "Table Notes"]]
                out.append(blocks[i])
            if landscape:
                out.append(_docx_section(page, landscape=True))
        i += 1
    blocks[:] = out
    return layouts
