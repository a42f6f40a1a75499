"""The offline engine: Markdown → HTML (pandoc) and → PDF (pandoc → Typst → the ``typst`` package).

Only PyPI-installable tools: pandoc comes from the ``pypandoc-binary`` wheel, Typst from ``typst``,
fonts from planlib's own folder (system fonts are ignored, so a PDF never depends on the machine).

Text from the manifest (report and site titles) is never markup: it goes into the HTML template
escaped (``html.escape``) and into the Typst template as string literals. Pandoc gets every value
through a UTF-8 file (the Markdown, a defaults file with the template variables) and only ASCII on
its command line, so the output does not depend on the locale (under ``LC_ALL=C`` pandoc would
decode non-ASCII arguments as U+FFFD). The Markdown reader has ``east_asian_line_breaks``: a line
break inside a Chinese paragraph adds no space.
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
from planlib.escape import html_text, typst_string
from planlib.style import FONT_DIR, glyph_problems

if TYPE_CHECKING:
    from planlib.publish.build import RenderJob

TEMPLATES = Path(__file__).parent / "templates"
GENERATOR = "由 planlib 生成;数据来源见各表注与附录。"
DEFAULT_EPOCH = 1767225600  # 2026-01-01T00:00:00Z: fixed PDF dates unless SOURCE_DATE_EPOCH says otherwise
READER = "markdown+east_asian_line_breaks"


def source_date_epoch() -> int:
    return int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))


def _pandoc_binary() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _pandoc(markdown: str, to: str, extra: list[str], variables: dict[str, str] | None = None,
            template: Path | None = None, lua_filter: Path | None = None) -> str:  # fmt: skip
    """Run pandoc on ``markdown`` (reader :data:`READER`) and return its output text.

    Input, output, template and variables travel as UTF-8 files in a scratch folder that is pandoc's
    working directory, so its command line is ASCII and nothing depends on the locale or on the
    characters of the project's path. ``variables`` are literal strings (pandoc's ``-V``): escape them
    for the output format first. Raises RuntimeError with pandoc's message if it fails."""
    with tempfile.TemporaryDirectory(prefix="planlib-pandoc-") as tmp:
        work = Path(tmp)
        (work / "input.md").write_text(markdown, encoding="utf-8")
        args = [_pandoc_binary(), "--from", READER, "--to", to, "--output", "output", *extra]
        if variables:
            text = yaml.safe_dump({"variables": variables}, allow_unicode=True, sort_keys=True, width=1 << 30)
            (work / "defaults.yaml").write_text(text, encoding="utf-8")
            args.append("--defaults=defaults.yaml")
        if template is not None:
            shutil.copyfile(template, work / f"template{template.suffix}")
            args.append(f"--template=template{template.suffix}")
        if lua_filter is not None:
            shutil.copyfile(lua_filter, work / "filter.lua")
            args.append("--lua-filter=filter.lua")
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(source_date_epoch())}
        proc = subprocess.run([*args, "input.md"], cwd=work, env=env, capture_output=True)
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", errors="replace").strip()
            raise RuntimeError(f"pandoc 转换为 {to} 失败(退出码 {proc.returncode}):{message}")
        return (work / "output").read_text(encoding="utf-8")


def check() -> None:
    """The offline engine needs nothing beyond planlib's own dependencies."""


def render(job: RenderJob) -> None:
    """The offline engine: HTML through pandoc, PDF through pandoc → Typst (see :class:`RenderJob`)."""
    report, rid = job.report, job.report.id
    if "html" in job.formats:
        job.stage("网页")
        render_html(job.markdown, job.out / f"{rid}.html", title=report.title, subtitle=report.subtitle,
                    site_title=job.site_title, downloads=job.downloads, notes=job.notes)  # fmt: skip
    if "pdf" in job.formats:
        job.stage("PDF")
        render_pdf(job.markdown, job.out / f"{rid}.pdf", root=job.build, title=report.title,
                   subtitle=report.subtitle, date=report.cover_date, notes=job.notes)  # fmt: skip


def footer_text(notes: list[str] | None = None) -> str:
    """The line at the foot of a report (page footer, PDF cover): who made it, and what the report itself
    says about its data (``notes``: e.g. what † means, when the report shows low-confidence values)."""
    return " ".join([GENERATOR, *(notes or [])])


def render_html(markdown: str, out: Path, *, title: str, subtitle: str, site_title: str,
                downloads: list[tuple[str, str]], notes: list[str] | None = None) -> Path:  # fmt: skip
    """One self-contained page (inline CSS, no external requests). Titles are text, escaped here."""
    links = " ".join(f'<a href="{html_text(href)}">{html_text(label)}</a>' for label, href in downloads)
    variables = {"title": html_text(title), "subtitle": html_text(subtitle),
                 "pagetitle": html_text(f"{title} — {site_title}"), "site-title": html_text(site_title),
                 "downloads": links, "generator": html_text(footer_text(notes)),
                 "styles": (TEMPLATES / "style.css").read_text(encoding="utf-8")}  # fmt: skip
    args = ["--standalone", "--toc", "--toc-depth=2", "--section-divs", "--number-sections"]
    page = _pandoc(markdown, "html5", args, variables, TEMPLATES / "page.html")
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


def check_fonts(markdown: str, *, title: str, subtitle: str, date: str, report: str = "") -> dict[str, str]:
    """Raise :class:`planlib.errors.DataError` if the PDF would need a character the shipped fonts lack
    (naming the report part and quoting the text around it); return the figures' alt texts by path.

    Tables, figures and report sections check their own text when a notebook shows them; this catches
    what they cannot see: the manifest's title and the notebook's own Markdown cells."""
    ast = json.loads(_pandoc(markdown, "json", []))
    name = f"报告 {report}" if report else "报告"
    problems = []
    for label, text in (("标题", title), ("副标题", subtitle), ("日期", date)):
        problems += glyph_problems(text, file=name, entry=label)
    for _kind, block in _blocks(ast["blocks"]):
        problems += glyph_problems("".join(_inlines_text(block["c"])), file=name, entry="正文")
    if problems:
        raise DataError(list(dict.fromkeys(problems)))
    return dict(_images(ast["blocks"]))


def render_pdf(markdown: str, out: Path, *, root: Path, title: str, subtitle: str, date: str,
               notes: list[str] | None = None) -> Path:  # fmt: skip
    """PDF through Typst with the shipped fonts; figure alt texts are passed on to Typst's ``alt``.

    Titles go into the Typst template as string literals (``"…"``), never as markup. Raises
    :class:`planlib.errors.DataError` before typesetting if a character cannot be drawn (see
    :func:`check_fonts`)."""
    import typst

    alts = check_fonts(markdown, title=title, subtitle=subtitle, date=date, report=out.stem)
    variables = {"title-str": typst_string(title), "subtitle-str": typst_string(subtitle),
                 "date-str": typst_string(date), "generator-str": typst_string(footer_text(notes))}  # fmt: skip
    source = _pandoc(markdown, "typst", ["--standalone"], variables, TEMPLATES / "report.typ",
                     TEMPLATES / "typst-literal.lua")  # fmt: skip
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
