"""The Quarto engine: one ``quarto render`` per report typesets every format asked for (HTML, Typst → PDF,
Word), as a standalone Quarto project in the report's scratch folder.

Same contract as the offline engine (see :class:`planlib.publish.engines.RenderJob`): the build has
executed the notebook once (papermill) and turned it into one pandoc-Markdown document; this engine writes
``out/<id>.html``, ``<id>.pdf``, ``<id>.docx`` (those asked for) or raises. Everything Quarto sees and
writes stays in the scratch folder ``reports/_build/<id>``, which the build removes:

* ``_quarto.yml`` — a project of its own (``templates/quarto/project.yaml`` plus the report's input and a
  ``lib-dir`` inside ``<id>/``), so Quarto never takes the repository's ``reports/`` for the project and
  never touches ``reports/_site``;
* ``<id>.qmd`` — front matter (titles as escaped Markdown, only the formats asked for, the include files)
  and the document;
* ``fonts/`` — hard links to the shipped fonts (Quarto rewrites an absolute ``font-paths``; a relative
  folder survives);
* ``_planlib/`` — the Typst partials (``typst-template.typ`` imports planlib's one Typst style,
  ``templates/planlib-style.typ``, copied beside it: the offline engine's cover, serif body, headings
  一、（一）1., tables; ``typst-show.typ`` applies it to ``meta.typ``), the HTML title block with the
  download links, the page header and footer (every text escaped, :mod:`planlib.presentation.escape`),
  the offline engine's style.css and Word reference document, and the filters: ``planlib-quarto.lua``
  (alt text as ``fig-alt``, a label for every captioned table, so Quarto keeps both), ``tables``
  (:func:`json_filter`: the offline engine's table layout, per format) and ``planlib-alt.lua`` (alt text
  for Word, bold emphasis).

The page is Quarto's ``minimal`` HTML styled by planlib's own CSS: no JavaScript (Quarto's page scripts
are ES modules, which browsers refuse from ``file://``), no MathJax, no CDN, fonts from the site's
``fonts/``; the site gets the same files as from the offline engine. Quarto's warnings are printed to
stderr, prefixed with the report id, except the few known to be harmless (``templates/quarto/warnings.yaml``,
each with its reason).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from planlib.errors import DataError
from planlib.presentation.escape import html_text, md_text, typst_string
from planlib.presentation.style import FONT_DIR, glyph_problems

if TYPE_CHECKING:
    from planlib.publish.engines import RenderJob

TEMPLATES = Path(__file__).parent / "templates"
QUARTO_TEMPLATES = TEMPLATES / "quarto"
# The oldest Quarto this engine is tested with (CI installs it: ../shared/tools/quarto/install.sh). The
# engine replaces Quarto's Typst template partials (typst-template.typ, typst-show.typ), whose interface and
# bundled Typst version change between minor releases, and relies on filter entry points (`at: pre-ast`,
# `post-render`, JSON filters among them), on `fig-alt` reaching Typst's image(alt: …) and on labelled
# table captions surviving in Typst: an older release is refused rather than allowed to publish a page
# without alt text or a PDF without table captions.
MIN_VERSION = (1, 11, 0)
# planlib's output format -> Quarto's format name (its output file has the planlib suffix: <id>.pdf …)
QUARTO_FORMATS = {"html": "html", "pdf": "typst", "docx": "docx"}
SUPPORT = "_planlib"  # the scratch project's folder for partials and include files
INSTALL_HINT = "安装 Quarto(https://quarto.org/docs/get-started/),或使用 --engine offline"


class QuartoUnavailable(RuntimeError):
    """Quarto cannot be used here: no ``quarto`` on PATH, a version below :data:`MIN_VERSION`, or a binary
    that does not run. The message says what was found and what is needed, in Chinese."""


def find_quarto() -> str | None:
    """The ``quarto`` binary on PATH, or None."""
    return shutil.which("quarto")


def _version_text(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def quarto_version(binary: str) -> tuple[int, ...]:
    """``(major, minor, patch)`` from ``quarto --version``; raises :class:`QuartoUnavailable` if the binary
    does not run or prints no version."""
    try:
        proc = subprocess.run([binary, "--version"], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise QuartoUnavailable(f"{binary}:无法运行 quarto --version({exc});应为:可运行的 Quarto "
                                f"{_version_text(MIN_VERSION)} 或更高;或{INSTALL_HINT}") from None  # fmt: skip
    text = proc.stdout.decode("utf-8", errors="replace").strip()
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if proc.returncode != 0 or match is None:
        shown = (text or proc.stderr.decode("utf-8", errors="replace").strip())[:200] or "(无输出)"
        raise QuartoUnavailable(f"{binary}:quarto --version 没有给出版本号(输出:{shown});应为:Quarto "
                                f"{_version_text(MIN_VERSION)} 或更高;或{INSTALL_HINT}")  # fmt: skip
    return tuple(int(part or 0) for part in match.groups())


def check() -> None:
    """Raise :class:`QuartoUnavailable` unless a ``quarto`` of at least :data:`MIN_VERSION` is on PATH."""
    binary = find_quarto()
    if binary is None:
        raise QuartoUnavailable(f"PATH 中没有 quarto;应为:Quarto {_version_text(MIN_VERSION)} 或更高;或{INSTALL_HINT}")
    version = quarto_version(binary)
    if version < MIN_VERSION:
        raise QuartoUnavailable(f"{binary}:Quarto {_version_text(version)} 低于 planlib 支持的最低版本;"
                                f"应为:Quarto {_version_text(MIN_VERSION)} 或更高;或{INSTALL_HINT}")  # fmt: skip


def fingerprint() -> str:
    """The Quarto version in use (part of every report's hash: a new Quarto rebuilds the reports)."""
    binary = find_quarto()
    return "quarto " + (_version_text(quarto_version(binary)) if binary else "(none)")


def render(job: RenderJob) -> None:
    """Typeset ``job`` with one ``quarto render`` for all of ``job.formats``; move ``<id>.<format>`` into
    ``job.out``.

    Raises ValueError for a format Quarto is not set up for here, :class:`planlib.errors.DataError` before
    typesetting if the PDF would need a character the shipped fonts lack, :class:`QuartoUnavailable` if
    ``quarto`` is gone, and RuntimeError with Quarto's own message if the render fails or leaves an output
    out."""
    rid = job.report.id
    unknown = [f for f in job.formats if f not in QUARTO_FORMATS]
    if unknown:
        raise ValueError(f"Quarto 引擎不能生成 {'、'.join(unknown)};可生成 {'、'.join(QUARTO_FORMATS)}")
    binary = find_quarto()
    if binary is None:
        raise QuartoUnavailable(f"PATH 中没有 quarto;{INSTALL_HINT}")
    if "pdf" in job.formats:
        _check_pdf_text(job)
    qmd = write_project(job)
    job.stage("Quarto 排版")
    output = _run_quarto([binary, "render", qmd.name], cwd=job.build)
    for warning in shown_warnings(output):
        print(f"报告 {rid}:Quarto 警告:{warning}", file=sys.stderr)
    for fmt in job.formats:
        produced = job.build / f"{rid}.{fmt}"
        if not produced.is_file():
            raise RuntimeError(f"quarto render 没有生成 {produced.name}")
        os.replace(produced, job.out / f"{rid}.{fmt}")


def _check_pdf_text(job: RenderJob) -> None:
    """Every character of the PDF can be drawn with the shipped fonts (the body and titles as the offline
    engine checks them, and the cover lines only this engine prints); else DataError naming them."""
    from planlib.publish.offline import check_fonts

    report = job.report
    check_fonts(job.markdown, title=report.title, subtitle=report.subtitle, date=report.cover_date, report=report.id)
    problems = []
    for label, text in (("规划名称", report.plan_title), ("评估单位", report.evaluator)):
        problems += glyph_problems(text, file=f"报告 {report.id}", entry=label)
    if problems:
        raise DataError(problems)


def _raw(fmt: str, text: str) -> str:
    """``text`` as a pandoc raw inline of ``fmt`` (for a metadata value that must reach a template as is)."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence}{text}{fence}{{={fmt}}}"


def _link_fonts(folder: Path) -> None:
    """Hard links to the shipped fonts in ``folder`` (a copy where the file system has no hard links)."""
    folder.mkdir(exist_ok=True)
    for font in sorted(FONT_DIR.glob("*.ttf")):
        target = folder / font.name
        if target.exists():
            continue
        try:
            os.link(font, target)
        except OSError:
            shutil.copyfile(font, target)


def write_project(job: RenderJob) -> Path:
    """Write the standalone Quarto project of ``job`` into ``job.build`` (see the module's docstring) and
    return its ``<id>.qmd``."""
    from planlib.publish.offline import cover_kind, footer_text
    from planlib.publish.table_layout import PAGE

    report, rid, build = job.report, job.report.id, job.build
    project = yaml.safe_load((QUARTO_TEMPLATES / "project.yaml").read_text(encoding="utf-8"))
    project["project"].update({"render": [f"{rid}.qmd"], "lib-dir": f"{rid}/libs"})
    (build / "_quarto.yml").write_text(_yaml(project), encoding="utf-8")
    _link_fonts(build / "fonts")

    support = build / SUPPORT
    support.mkdir(exist_ok=True)
    for name in ("title-block.html", "typst-template.typ", "typst-show.typ", "planlib-quarto.lua", "planlib-alt.lua"):
        shutil.copyfile(QUARTO_TEMPLATES / name, support / name)
    for name in ("typst-literal.lua", "planlib-style.typ"):  # the offline engine's filter and Typst style
        shutil.copyfile(TEMPLATES / name, support / name)
    css = "".join((folder / "style.css").read_text(encoding="utf-8") for folder in (TEMPLATES, QUARTO_TEMPLATES))
    (support / "head.html").write_text(f"<style>\n{css}</style>\n", encoding="utf-8")
    nav = f'<nav class="site-nav"><a href="index.html">{html_text(job.site_title)}</a> › 报告</nav>\n'
    (support / "before.html").write_text(nav, encoding="utf-8")
    footer = f'<footer class="site-footer">{html_text(footer_text(job.notes))}</footer>\n'
    (support / "after.html").write_text(footer, encoding="utf-8")
    (support / "tables").write_text(_filter_script(), encoding="utf-8")
    (support / "tables").chmod(0o755)
    cutoff = _cutoff(job)
    meta = {"title": report.title, "subtitle": report.subtitle, "plan": report.plan_title or report.title,
            "kind": cover_kind(report), "evaluator": report.evaluator, "cutoff": cutoff,
            "date": report.cover_date, "generator": footer_text(job.notes)}  # fmt: skip
    fields = [f"  {key}: {typst_string(value)}," for key, value in meta.items()]
    fields += [f"  {key}: {length}," for key, length in PAGE.variables().items()]  # Typst lengths: 22mm, 8pt
    (support / "meta.typ").write_text("#let planlib-meta = (\n" + "\n".join(fields) + "\n)\n", encoding="utf-8")

    # alt text and table labels as Quarto reads them: before Quarto turns figures and tables into floats
    # and the tables laid out as the offline engine lays them out (table_layout.typeset_tables, per format)
    filters: list = [{"path": f"{SUPPORT}/planlib-quarto.lua", "at": "pre-ast"},
                     {"path": f"{SUPPORT}/tables", "type": "json", "at": "pre-ast"},
                     {"path": f"{SUPPORT}/planlib-alt.lua", "at": "post-render"}]  # fmt: skip
    formats: dict[str, dict] = {}
    if "html" in job.formats:
        formats["html"] = {"filters": filters, "template-partials": [f"{SUPPORT}/title-block.html"],
                           "include-in-header": [f"{SUPPORT}/head.html"],
                           "include-before-body": [f"{SUPPORT}/before.html"],
                           "include-after-body": [f"{SUPPORT}/after.html"]}  # fmt: skip
    if "pdf" in job.formats:
        formats["typst"] = {"template-partials": [f"{SUPPORT}/typst-template.typ", f"{SUPPORT}/typst-show.typ"],
                            "include-in-header": [f"{SUPPORT}/meta.typ"],
                            "filters": [*filters, f"{SUPPORT}/typst-literal.lua"]}  # fmt: skip
    if "docx" in job.formats:
        # the offline engine's Word styles (宋体/黑体, three-line tables) and its title block
        shutil.copyfile(TEMPLATES / "reference.docx", support / "reference.docx")
        formats["docx"] = {"filters": filters, "reference-doc": f"{SUPPORT}/reference.docx",
                           "subtitle": md_text("　".join(filter(None, [report.plan_title, cover_kind(report)]))),
                           "date": md_text(f"数据截至：{cutoff}" if cutoff else report.cover_date)}  # fmt: skip
        if report.evaluator:
            formats["docx"]["author"] = [md_text(f"评估单位：{report.evaluator}")]
    front: dict = {"title": md_text(report.title), "subtitle": md_text(report.subtitle),
                   "pagetitle": md_text(f"{report.title} — {job.site_title}"), "format": formats}  # fmt: skip
    links = " ".join(f'<a href="{html_text(href)}">{html_text(label)}</a>' for label, href in job.downloads)
    if links:
        front["planlib-downloads"] = _raw("html", links)
    body = job.markdown
    if "docx" in job.formats:  # the footer's notes close the Word file, as in the offline engine's
        body += f'\n::: {{.content-visible when-format="docx"}}\n---\n\n{md_text(footer_text(job.notes))}\n:::\n'
    qmd = build / f"{rid}.qmd"
    qmd.write_text(f"---\n{_yaml(front)}---\n\n{body}", encoding="utf-8")
    return qmd


def _cutoff(job: RenderJob) -> str:
    """The data cut-off of the manifest's cover line without its 数据截至 label ('' when the line does not
    start with it: the cover then prints the line as it is), as the offline engine's cover has it."""
    date = job.report.cover_date.strip()
    cutoff = date.removeprefix("数据截至").strip()
    return "" if cutoff == date else cutoff


def _filter_script() -> str:
    """The executable Quarto runs as a JSON filter (``_planlib/tables FORMAT``): this Python, this planlib."""
    command = f"from {__name__} import json_filter; json_filter()"
    return f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -c {shlex.quote(command)} "$@"\n'


def json_filter(argv: list[str] | None = None) -> None:
    """A pandoc JSON filter (stdin → stdout) that lays out the tables of one format as the offline engine
    does (:func:`planlib.publish.table_layout.typeset_tables`: widths from content, short cells kept whole,
    numbers right-aligned, landscape for wide tables; for Typst inside ``#planlib-table``). ``argv[0]`` is
    the output format pandoc names (``html``, ``typst``, ``docx``); other formats pass unchanged."""
    from planlib.publish.table_layout import typeset_tables

    args = sys.argv[1:] if argv is None else argv
    fmt = args[0] if args else ""
    fmt = "html" if fmt.startswith("html") else fmt
    ast = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    if fmt in ("html", "typst", "docx"):
        typeset_tables(ast["blocks"], fmt)
    sys.stdout.buffer.write(json.dumps(ast, ensure_ascii=False).encode("utf-8"))


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 30)


def _run_quarto(args: list[str], cwd: Path) -> str:
    """Run Quarto in ``cwd``; return what it printed (stdout and stderr). RuntimeError with the end of its
    output if it fails. Quarto runs in a process group of its own, which is killed if this process is
    interrupted (a build stopped with Ctrl-C leaves no pandoc or Typst behind)."""
    from planlib.publish.offline import source_date_epoch

    # a caller's own Quarto render (reports/_quarto.yml's pre-render) must not make that project ours
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("QUARTO_PROJECT", "QUARTO_USE_FILE_FOR"))}  # fmt: skip
    env.update({"SOURCE_DATE_EPOCH": str(source_date_epoch()), "TYPST_IGNORE_SYSTEM_FONTS": "true"})
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    try:
        raw, _ = proc.communicate()
    except BaseException:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        raise
    output = _ANSI.sub("", raw.decode("utf-8", errors="replace"))
    if proc.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-25:])
        raise RuntimeError(f"quarto render 失败(退出码 {proc.returncode}):\n{tail}")
    return output


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# pandoc's "[WARNING] …", Quarto's "WARN: …" and "WARNING (filter.lua:128) …" (the location is Quarto's own
# code, of no use to a reader), Typst's "warning: …"
_WARNING = re.compile(r"^(?:\[WARNING\]|WARN(?:ING)?\b(?:\s*\([^)]*\))?:?|warning:)\s*(.*)$", re.IGNORECASE)


def warnings_in(output: str) -> list[str]:
    """The warnings in Quarto's output (see ``_WARNING``), each as one line (its indented continuation lines
    joined), each once (the HTML and the PDF pass repeat them), in order."""
    found: list[list[str]] = []
    current: list[str] | None = None
    for line in _ANSI.sub("", output).splitlines():
        match = _WARNING.match(line.strip())
        if match:
            current = [match.group(1).strip()]
            found.append(current)
        elif current is not None and line[:1] in (" ", "\t") and line.strip():
            current.append(line.strip())
        else:
            current = None
    return list(dict.fromkeys(" ".join(parts) for parts in found))


@functools.cache
def _ignored() -> tuple[re.Pattern, ...]:
    entries = yaml.safe_load((QUARTO_TEMPLATES / "warnings.yaml").read_text(encoding="utf-8"))["ignore"]
    return tuple(re.compile(entry["pattern"]) for entry in entries)


def shown_warnings(output: str) -> list[str]:
    """:func:`warnings_in` without those ``templates/quarto/warnings.yaml`` lists as harmless."""
    return [w for w in warnings_in(output) if not any(p.search(w) for p in _ignored())]
