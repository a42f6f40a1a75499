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

The PDF is typeset as an official Chinese report (``templates/report.typ`` in planlib's one Typst style,
``templates/planlib-style.typ``, which the Quarto engine uses too): a cover naming the plan,
the report, the evaluating body (when the manifest names one) and the data cut-off; body text in Noto
Serif SC, headings, captions and tables in Noto Sans SC (see :mod:`planlib.presentation.style`); *emphasis* in bold,
since Chinese has no italic. Tables are sized before Typst, pandoc's HTML or Word writer sees them
(:func:`planlib.publish.table_layout.typeset_tables`, which the Quarto engine runs too).

May import: the presentation layer (escaping, fonts) and of :mod:`planlib.publish` the table layout and the
engine contract's types; never the build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from planlib.errors import DataError
from planlib.presentation.escape import html_text, typst_string
from planlib.presentation.style import FONT_DIR, glyph_problems
from planlib.publish.table_layout import DOCX_PAGE, PAGE, Page, inlines_text, typeset_tables

if TYPE_CHECKING:
    from planlib.publish.engines import RenderJob

TEMPLATES = Path(__file__).parent / "templates"
# planlib's one Typst style (both engines import it): copied beside the .typ that report.typ makes, which imports it
TYPST_STYLE = TEMPLATES / "planlib-style.typ"
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
            yield target, alt if alt is not None else "".join(inlines_text(inlines))
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
        problems += glyph_problems("".join(inlines_text(block["c"])), file=name, entry="正文")
    if problems:
        raise DataError(list(dict.fromkeys(problems)))
    return dict(_images(ast["blocks"]))


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
    shutil.copyfile(TYPST_STYLE, root / TYPST_STYLE.name)
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


# names that lived here before the table layout got its own module (issue 21) -> served from there, with a warning
_MOVED = ("MM", "TWIPS", "SHORT_EM", "MIN_LINE_EM", "TableLayout")


def __getattr__(name: str):
    """A name moved to :mod:`planlib.publish.table_layout`: served from there, with a DeprecationWarning."""
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import warnings

    from planlib.publish import table_layout

    warnings.warn(f"planlib.publish.offline.{name} 已移至 planlib.publish.table_layout.{name}", DeprecationWarning,
                  stacklevel=2)  # fmt: skip
    return getattr(table_layout, name)
