"""The offline engine: Markdown → HTML (pandoc), → PDF (pandoc → Typst → the ``typst`` package) and →
Word (pandoc's docx writer with planlib's reference document, ``templates/reference.docx``).

Only PyPI-installable tools: pandoc comes from the ``pypandoc-binary`` wheel, Typst from ``typst``,
fonts from planlib's own folder (system fonts are ignored, so a PDF never depends on the machine).

Text from the manifest (report and site titles) is never markup: it goes into the HTML template
escaped (``html.escape``) and into the Typst template as string literals. Pandoc gets every value
through a UTF-8 file (the Markdown, a defaults file with the template variables) and only ASCII on
its command line, so the output does not depend on the locale (under ``LC_ALL=C`` pandoc would
decode non-ASCII arguments as U+FFFD). The Markdown reader has ``east_asian_line_breaks``: a line
break inside a Chinese paragraph adds no space.

The PDF is typeset as an official Chinese report (``templates/report.typ``): a cover naming the plan,
the report, the evaluating body (when the manifest names one) and the data cut-off; body text in Noto
Serif SC, headings, captions and tables in Noto Sans SC (see :mod:`planlib.presentation.style`); *emphasis* in bold,
since Chinese has no italic. Tables are sized here, before Typst sees them (:func:`typeset_tables`):
column widths from the cells' real text widths in the shipped font, short cells such as 数据暂缺 or
预期性 never broken across lines, columns of numbers right-aligned, and a table too wide for a portrait
page on a landscape page (in smaller type if it must).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from planlib.errors import DataError
from planlib.presentation.escape import html_text, typst_string
from planlib.presentation.style import FONT_DIR, glyph_problems, text_width

if TYPE_CHECKING:
    from planlib.publish.engines import RenderJob

TEMPLATES = Path(__file__).parent / "templates"
GENERATOR = "由 planlib 生成；数据来源见各表注与附录。"
DEFAULT_EPOCH = 1767225600  # 2026-01-01T00:00:00Z: fixed PDF dates unless SOURCE_DATE_EPOCH says otherwise
READER = "markdown+east_asian_line_breaks"


def source_date_epoch() -> int:
    return int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))


def _pandoc_binary() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _pandoc(source: str, to: str, extra: list[str], variables: dict[str, str] | None = None,
            template: Path | None = None, lua_filter: Path | None = None, *, reader: str = READER,
            defaults: dict[str, Any] | None = None, files: dict[str, Path] | None = None,
            binary: bool = False) -> Any:  # fmt: skip
    """Run pandoc on ``source`` (Markdown read with :data:`READER`, or ``reader="json"`` for a pandoc AST)
    and return its output: text, or bytes when ``binary`` (docx).

    Input, output, template and variables travel as UTF-8 files in a scratch folder that is pandoc's
    working directory, so its command line is ASCII and nothing depends on the locale or on the
    characters of the project's path. ``variables`` are literal strings (pandoc's ``-V``): escape them
    for the output format first; ``defaults`` are further entries of pandoc's defaults file (e.g.
    ``resource-path``, ``metadata``); ``files`` are copied into the scratch folder under their key (e.g.
    the reference document). Raises RuntimeError with pandoc's message if it fails."""
    with tempfile.TemporaryDirectory(prefix="planlib-pandoc-") as tmp:
        work = Path(tmp)
        (work / "input").write_text(source, encoding="utf-8")
        args = [_pandoc_binary(), "--from", reader, "--to", to, "--output", "output", *extra]
        settings = dict(defaults or {})
        if variables:
            settings["variables"] = variables
        if settings:
            text = yaml.safe_dump(settings, allow_unicode=True, sort_keys=True, width=1 << 30)
            (work / "defaults.yaml").write_text(text, encoding="utf-8")
            args.append("--defaults=defaults.yaml")
        if template is not None:
            shutil.copyfile(template, work / f"template{template.suffix}")
            args.append(f"--template=template{template.suffix}")
        if lua_filter is not None:
            shutil.copyfile(lua_filter, work / "filter.lua")
            args.append("--lua-filter=filter.lua")
        for name, path in (files or {}).items():
            shutil.copyfile(path, work / name)
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch())}
        proc = subprocess.run([*args, "input"], cwd=work, env=env, capture_output=True)
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", errors="replace").strip()
            raise RuntimeError(f"pandoc 转换为 {to} 失败(退出码 {proc.returncode}):{message}")
        output = work / "output"
        return output.read_bytes() if binary else output.read_text(encoding="utf-8")


def read_markdown(markdown: str) -> dict:
    """The pandoc AST (JSON) of ``markdown``, read with :data:`READER`."""
    return json.loads(_pandoc(markdown, "json", []))


def check() -> None:
    """The offline engine needs nothing beyond planlib's own dependencies."""


def fingerprint() -> str:
    """The versions of the pandoc and Typst this engine drives (part of every report's hash)."""
    from importlib.metadata import version

    return f"pypandoc-binary {version('pypandoc-binary')}, typst {version('typst')}"


def render(job: RenderJob) -> None:
    """The offline engine: HTML through pandoc, PDF through pandoc → Typst, Word through pandoc's docx
    writer (see :class:`RenderJob`)."""
    report, rid = job.report, job.report.id
    cover = {"plan": report.plan_title, "evaluator": report.evaluator, "kind": cover_kind(report)}
    if "html" in job.formats:
        job.stage("网页")
        render_html(job.markdown, job.out / f"{rid}.html", title=report.title, subtitle=report.subtitle,
                    site_title=job.site_title, downloads=job.downloads, notes=job.notes)  # fmt: skip
    if "pdf" in job.formats:
        job.stage("PDF")
        render_pdf(job.markdown, job.out / f"{rid}.pdf", root=job.build, title=report.title,
                   subtitle=report.subtitle, date=report.cover_date, notes=job.notes, **cover)  # fmt: skip
    if "docx" in job.formats:
        job.stage("Word")
        render_docx(job.markdown, job.out / f"{rid}.docx", root=job.build, title=report.title,
                    subtitle=report.subtitle, date=report.cover_date, notes=job.notes, **cover)  # fmt: skip


def cover_kind(report: Any) -> str:
    """The report kind for the cover (年度评估, 中期评估, …), or '' when the title already says it."""
    label = getattr(report, "kind_label", "") or ""
    return "" if label and label in report.title else label


def footer_text(notes: list[str] | None = None) -> str:
    """The line at the foot of a report (page footer, PDF cover): who made it, and what the report itself
    says about its data (``notes``: e.g. what † means, when the report shows low-confidence values)."""
    return " ".join([GENERATOR, *(notes or [])])


def render_html(markdown: str, out: Path, *, title: str, subtitle: str, site_title: str,
                downloads: list[tuple[str, str]], notes: list[str] | None = None) -> Path:  # fmt: skip
    """One self-contained page (inline CSS, no external requests). Titles are text, escaped here. The
    site keeps the sans (Noto Sans SC) for body text too: screens read it best, and the site serves two
    font files rather than four; *emphasis* is bold (style.css), as in the PDF."""
    links = " ".join(f'<a href="{html_text(href)}">{html_text(label)}</a>' for label, href in downloads)
    variables = {"title": html_text(title), "subtitle": html_text(subtitle),
                 "pagetitle": html_text(f"{title} — {site_title}"), "site-title": html_text(site_title),
                 "downloads": links, "generator": html_text(footer_text(notes)),
                 "styles": (TEMPLATES / "style.css").read_text(encoding="utf-8")}  # fmt: skip
    args = ["--standalone", "--toc", "--toc-depth=2", "--section-divs", "--number-sections"]
    ast = read_markdown(markdown)
    typeset_tables(ast["blocks"], "html")  # short cells never wrap, columns of numbers right-aligned
    page = _pandoc(json.dumps(ast, ensure_ascii=False), "html5", args, variables, TEMPLATES / "page.html",
                   reader="json")  # fmt: skip
    out.write_text(page, encoding="utf-8")
    return out


def _inlines_text(node: Any) -> Iterator[str]:
    """The characters a pandoc AST node shows (Str, spaces, code), depth first."""
    if isinstance(node, list):
        for item in node:
            yield from _inlines_text(item)
    elif isinstance(node, dict):
        kind, content = node.get("t"), node.get("c")
        if kind == "Str":
            yield content
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            yield " "
        elif kind in ("Code", "CodeBlock", "Math", "RawInline", "RawBlock"):
            yield content[-1]
        elif kind != "Image":  # an image's own inlines are its alt text, which is not drawn
            yield from _inlines_text(content)


_BLOCKS = ("Para", "Plain", "Header", "CodeBlock", "LineBlock")


def _blocks(node: Any) -> Iterator[tuple[str, Any]]:
    """(kind, node) for every text block of the AST (paragraphs, table cells, captions, headings)."""
    if isinstance(node, list):
        for item in node:
            yield from _blocks(item)
    elif isinstance(node, dict):
        if node.get("t") in _BLOCKS:
            yield node["t"], node
        else:
            for value in node.values():
                yield from _blocks(value)


def _images(node: Any) -> Iterator[tuple[str, str]]:
    """(target, alt text) of every image in the AST: the ``alt`` attribute, which pandoc 3 turns into
    the image's own inlines when the image is a figure (the caption moves to the figure)."""
    if isinstance(node, list):
        for item in node:
            yield from _images(item)
    elif isinstance(node, dict):
        if node.get("t") == "Image":
            (_id, _classes, attrs), inlines, (target, _title) = node["c"]
            alt = dict(attrs).get("alt")
            yield target, alt if alt is not None else "".join(_inlines_text(inlines))
        for value in node.values():
            yield from _images(value)


def check_fonts(markdown: str | dict, *, title: str, subtitle: str, date: str, report: str = "",
                cover: dict[str, str] | None = None) -> dict[str, str]:  # fmt: skip
    """Raise :class:`planlib.errors.DataError` if the PDF (or the Word file) would need a character the
    shipped fonts lack (naming the report part and quoting the text around it); return the figures' alt
    texts by path. ``markdown`` is the report's Markdown or its pandoc AST (:func:`read_markdown`);
    ``cover`` the further cover lines by label (规划名称, 评估单位, 评估类型).

    Tables, figures and report sections check their own text when a notebook shows them; this catches
    what they cannot see: the manifest's title and the notebook's own Markdown cells."""
    ast = read_markdown(markdown) if isinstance(markdown, str) else markdown
    name = f"报告 {report}" if report else "报告"
    problems = []
    for label, text in (("标题", title), ("副标题", subtitle), ("日期", date), *(cover or {}).items()):
        problems += glyph_problems(text, file=name, entry=label)
    for _kind, block in _blocks(ast["blocks"]):
        problems += glyph_problems("".join(_inlines_text(block["c"])), file=name, entry="正文")
    if problems:
        raise DataError(list(dict.fromkeys(problems)))
    return dict(_images(ast["blocks"]))


# ------------------------------------------------------------------------------------------- tables

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class Page:
    """The page geometry (A4; millimetres) and table type sizes (points) of the PDF (:data:`PAGE`) and the
    Word file (:data:`DOCX_PAGE`). ``templates/report.typ`` gets them as variables, and
    :func:`typeset_tables` sizes every table's columns to the same text width."""

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
    return " ".join("".join(_inlines_text(block.get("c", []))) for block in cell[4]).strip()


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
        if 0 < text_width("".join(_inlines_text(block["c"])), weight) <= SHORT_EM:
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
        caption = "".join(_inlines_text(table[1][1]))
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


# ------------------------------------------------------------------------------------------- outputs


def _cover_variables(title: str, subtitle: str, date: str, notes: list[str] | None, plan: str, evaluator: str,
                     kind: str) -> dict[str, str]:  # fmt: skip
    """The cover's lines as Typst string literals; an empty line is left out of the template."""
    cutoff = date.removeprefix("数据截至").strip()
    variables = {"title-str": typst_string(title), "subtitle-str": typst_string(subtitle),
                 "plan-str": typst_string(plan or title), "generator-str": typst_string(footer_text(notes)),
                 "cutoff-str": typst_string(cutoff)}  # fmt: skip
    if cutoff == date.strip():  # a cover line that does not start with 数据截至 is printed as it is
        variables["date-str"] = typst_string(date)
        del variables["cutoff-str"]
    if evaluator:
        variables["evaluator-str"] = typst_string(evaluator)
    if kind:
        variables["kind-str"] = typst_string(kind)
    return variables


def render_pdf(markdown: str, out: Path, *, root: Path, title: str, subtitle: str, date: str,
               notes: list[str] | None = None, plan: str = "", evaluator: str = "", kind: str = "",
               page: Page = PAGE) -> Path:  # fmt: skip
    """PDF through Typst with the shipped fonts; figure alt texts are passed on to Typst's ``alt``.

    The cover names the plan (``plan``; the report title alone when empty), the report (``title``, and
    ``kind`` when the title does not say it), the evaluating body (``evaluator``, left out when empty)
    and the data cut-off (``date``, the manifest's cover line). Titles go into the Typst template as string
    literals (``"…"``), never as markup. Raises :class:`planlib.errors.DataError` before typesetting if
    a character cannot be drawn (see :func:`check_fonts`)."""
    import typst

    ast = read_markdown(markdown)
    cover = {"规划名称": plan, "评估单位": evaluator, "评估类型": kind}
    alts = check_fonts(ast, title=title, subtitle=subtitle, date=date, report=out.stem, cover=cover)
    typeset_tables(ast["blocks"], "typst", page)
    variables = {**_cover_variables(title, subtitle, date, notes, plan, evaluator, kind), **page.variables()}
    source = _pandoc(json.dumps(ast, ensure_ascii=False), "typst", ["--standalone"], variables,
                     TEMPLATES / "report.typ", TEMPLATES / "typst-literal.lua", reader="json")  # fmt: skip
    for path, alt in alts.items():
        # pandoc 3's Typst writer drops the alt attribute; put it back as a string literal
        image = f"image({typst_string(path)}"
        source = source.replace(f"{image})", f"{image}, alt: {typst_string(alt)})")
    typ = root / f"{out.stem}.typ"
    typ.write_text(source, encoding="utf-8")
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(FONT_DIR)])
    pdf = typst.compile(str(typ), root=str(root), font_paths=fonts, ignore_system_fonts=True,
                        timestamp=source_date_epoch())  # fmt: skip
    out.write_bytes(pdf)
    return out


def _meta_text(text: str) -> dict:
    """A pandoc metadata value that is text, never Markdown (a title from the manifest)."""
    return {"t": "MetaInlines", "c": [{"t": "Str", "c": text}]}


def render_docx(markdown: str, out: Path, *, root: Path, title: str, subtitle: str, date: str,
                notes: list[str] | None = None, plan: str = "", evaluator: str = "", kind: str = "",
                docx_page: Page = DOCX_PAGE) -> Path:  # fmt: skip
    """The report as a Word file (pandoc's docx writer, styles from ``templates/reference.docx``, made by
    ``scripts/make_reference_docx.py``): 宋体 body, 黑体 headings and captions, three-line tables.

    The title block is the cover: the report title, the plan (and the report kind when the title does not
    say it), 评估单位 (only when ``evaluator`` is set) and the data cut-off; then the table of contents
    (a Word field, filled in when Word updates fields) and the body. Figures are embedded with their alt
    text (``descr``), tables are Word tables with their captions, numbered 表 1 / 图 1 as in the PDF, sized
    from their content like the PDF's (a wide one in a landscape section);
    *emphasis* is bold. The notes of :func:`footer_text` close the document. The same glyph check as the
    PDF's runs first (:func:`check_fonts`), raising :class:`planlib.errors.DataError`. Byte-identical for
    the same input (pandoc dates the file with ``SOURCE_DATE_EPOCH``)."""
    ast = read_markdown(markdown)
    cover = {"规划名称": plan, "评估单位": evaluator, "评估类型": kind}
    check_fonts(ast, title=title, subtitle=subtitle, date=date, report=out.stem, cover=cover)
    typeset_tables(ast["blocks"], "docx", docx_page)
    cutoff = date.removeprefix("数据截至").strip()
    meta = {"title": _meta_text(title), "toc-title": _meta_text("目录"),
            "subtitle": _meta_text("　".join(filter(None, [plan, kind]))),
            "date": _meta_text(f"数据截至：{cutoff}" if cutoff != date.strip() else date)}  # fmt: skip
    if evaluator:
        meta["author"] = {"t": "MetaList", "c": [_meta_text(f"评估单位：{evaluator}")]}
    ast["meta"] = {**ast.get("meta", {}), **meta}
    ast["blocks"] += [{"t": "HorizontalRule"}, {"t": "Para", "c": [{"t": "Str", "c": footer_text(notes)}]}]
    files = {"reference.docx": TEMPLATES / "reference.docx"}
    data = _pandoc(json.dumps(ast, ensure_ascii=False), "docx", ["--toc", "--toc-depth=2",
                   "--reference-doc=reference.docx"], lua_filter=TEMPLATES / "docx.lua", reader="json",
                   defaults={"resource-path": [str(root)]}, files=files, binary=True)  # fmt: skip
    out.write_bytes(data)
    return out
