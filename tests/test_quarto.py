"""The Quarto engine (planlib.publish.quarto).

Against the real Quarto (skipped with a message naming install.sh where none is on PATH): one render pass
for HTML, PDF and Word with planlib's own Markdown (a figure and a table from planlib.presentation.figures/tables),
Quarto's warnings shown with the report id, data text literal in every format, all seven reports of the
repository's manifest meeting the contract (tests/test_engines.py's ``check_site``), and
``cd reports && quarto render`` running planlib instead of leaving an empty site.

Stand-in binaries only for the error paths: no quarto, a quarto too old, a quarto that prints no version,
and how ``--engine auto`` chooses."""

from __future__ import annotations

import html
import os
import re
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from planlib import cli
from planlib.errors import DataError
from planlib.presentation.style import FONT_DIR
from planlib.publish import quarto
from planlib.publish.build import BuildResult
from planlib.publish.engines import RenderJob
from planlib.publish.manifest import Report, load_manifest
from planlib.publish.offline import GENERATOR, PAGE  # the engines' common footer line and page geometry
from tests.conftest import REPO, make_project
from tests.test_engines import (
    build_project,
    check_site,
    needs_poppler,
    parse_page,
    pdf_text,
    skip_without_quarto,
    squeeze,
)

HINT = "安装 Quarto(https://quarto.org/docs/get-started/),或使用 --engine offline"


def _stand_in(folder: Path, prints: str, status: int = 0) -> Path:
    """A ``quarto`` that prints ``prints`` and exits with ``status`` (for error paths only)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "quarto"
    script.write_text(f"#!/bin/sh\necho '{prints}'\nexit {status}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


# -- check(): what is needed, said before anything is touched -------------------------------------------


def test_without_quarto_check_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(quarto.QuartoUnavailable) as info:
        quarto.check()
    assert str(info.value) == f"PATH 中没有 quarto;应为:Quarto 1.11.0 或更高;或{HINT}"


def test_an_old_quarto_is_refused_with_its_version(tmp_path, monkeypatch):
    binary = _stand_in(tmp_path / "bin", "1.4.557")
    monkeypatch.setenv("PATH", str(binary.parent))
    with pytest.raises(quarto.QuartoUnavailable) as info:
        quarto.check()
    assert str(info.value) == f"{binary}:Quarto 1.4.557 低于 planlib 支持的最低版本;应为:Quarto 1.11.0 或更高;或{HINT}"


def test_a_quarto_that_prints_no_version_is_refused(tmp_path, monkeypatch):
    binary = _stand_in(tmp_path / "bin", "deno: error loading module", status=1)
    monkeypatch.setenv("PATH", str(binary.parent))
    with pytest.raises(quarto.QuartoUnavailable) as info:
        quarto.check()
    assert str(info.value) == (f"{binary}:quarto --version 没有给出版本号(输出:deno: error loading module);"
                               f"应为:Quarto 1.11.0 或更高;或{HINT}")  # fmt: skip


@pytest.mark.parametrize(("printed", "version"), [("1.11.0", (1, 11, 0)), ("1.12.3\n", (1, 12, 3)), ("2.0", (2, 0, 0))])
def test_supported_versions_pass(tmp_path, monkeypatch, printed, version):
    binary = _stand_in(tmp_path / "bin", printed)
    monkeypatch.setenv("PATH", str(binary.parent))
    assert quarto.quarto_version(str(binary)) == version
    quarto.check()


# -- the CLI: --engine auto picks Quarto only when check() passes ---------------------------------------


@pytest.mark.parametrize("printed", [None, "1.4.557", "1.11.0"])
def test_engine_auto_uses_quarto_only_when_it_passes_check(tmp_path, monkeypatch, capsys, printed):
    from planlib.publish import build as build_module

    engines: list[str] = []

    def record(*args, engine: str = "offline", **kwargs) -> BuildResult:
        engines.append(engine)
        return BuildResult(site=tmp_path / "_site")

    monkeypatch.setattr(build_module, "build", record)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    binary = _stand_in(bin_dir, printed) if printed else None
    monkeypatch.setenv("PATH", str(bin_dir))
    assert cli.main(["build", "--quiet"]) == 0
    err = capsys.readouterr().err
    if printed == "1.11.0":
        assert engines == ["quarto"] and err == ""
    elif printed is None:
        assert engines == ["offline"] and err == ""
    else:
        assert engines == ["offline"]
        assert err == (f"使用离线引擎(Quarto 引擎不可用:{binary}:Quarto 1.4.557 低于 planlib 支持的最低版本;"
                       f"应为:Quarto 1.11.0 或更高;或{HINT})\n")  # fmt: skip


def test_engine_quarto_with_an_old_quarto_stops_before_anything(tmp_path, monkeypatch, capsys):
    root = make_project(tmp_path, monkeypatch, [{"id": "annual-2023", "notebook": "notebooks/annual.ipynb"}])
    binary = _stand_in(tmp_path / "bin", "1.4.557")
    monkeypatch.setenv("PATH", f"{binary.parent}{os.pathsep}{os.environ['PATH']}")
    assert cli.main(["build", "--engine", "quarto", "--quiet"]) == 1
    assert capsys.readouterr().err == (f"无法使用 Quarto 引擎:{binary}:Quarto 1.4.557 低于 planlib 支持的最低版本;"
                                       f"应为:Quarto 1.11.0 或更高;或{HINT}\n")  # fmt: skip
    assert sorted(p.name for p in (root / "reports").iterdir()) == ["manifest.yaml"]  # nothing touched


# -- warnings -----------------------------------------------------------------------------------------

# what `quarto render` prints for a report with one broken cross-reference (the shape of Quarto 1.11's real
# output: ANSI colours, pandoc's settings dump, the same warnings from the HTML and the PDF pass), plus a
# Typst warning as the real typst CLI prints it
OUTPUT = (
    "\x1b[1mpandoc \x1b[22m\n  to: html\n  output-file: annual-2023.html\n\n"
    "\x1b[33mWARNING (/q/src/resources/filters/./crossref/refs.lua:128) Unable to resolve crossref @fig-x\n"
    "\x1b[39m[WARNING] Could not load translations for zh-CN\n  data file translations/zh.yaml not found\n"
    "[WARNING] The term Abstract has no translation defined.\n"
    "\x1b[1mmetadata\x1b[22m\n  lang: zh-CN\n  title: 2023年度评估报告\n\n"
    "\x1b[33mWARN: typst-gather analyze failed; staging all packages as fallback: typst-gather binary not found.\n"
    "Run ./configure.sh to build and install it.\x1b[39m\n"
    "WARNING (/q/src/resources/filters/./crossref/refs.lua:128) Unable to resolve crossref @fig-x\n"
    "warning: unknown font family: noto serif sc\n   ┌─ annual-2023.typ:12:18\n\n"
    "[typst]: Compiling annual-2023.typ to annual-2023.pdf...DONE\n\nOutput created: annual-2023.html\n"
)


def test_warnings_are_collected_once_and_the_harmless_ones_dropped():
    assert quarto.warnings_in(OUTPUT) == [
        "Unable to resolve crossref @fig-x",
        "Could not load translations for zh-CN data file translations/zh.yaml not found",
        "The term Abstract has no translation defined.",
        "typst-gather analyze failed; staging all packages as fallback: typst-gather binary not found.",
        "unknown font family: noto serif sc ┌─ annual-2023.typ:12:18",
    ]
    assert quarto.shown_warnings(OUTPUT) == [
        "Unable to resolve crossref @fig-x", "unknown font family: noto serif sc ┌─ annual-2023.typ:12:18"]
    ignored = yaml.safe_load((quarto.QUARTO_TEMPLATES / "warnings.yaml").read_text(encoding="utf-8"))["ignore"]
    assert all(entry["why"].strip() for entry in ignored)  # every hidden warning says why it is harmless


# -- the scratch project --------------------------------------------------------------------------------

TITLE = '2023年度评估 "引号" <b>粗</b> \\反斜杠 #标题 $x$ *星* `码` 重慶'  # test title
SITE = "测试站点 <i>&</i>"
NOTE = "† 低可信度来源(测试)<script>"


def _report(title: str = "2023年度评估报告", evaluator: str = "") -> Report:
    return Report(id="annual-2023", kind="annual", title=title, notebook=Path("notebooks/annual.ipynb"),
                  parameters={"as_of": 2023}, plan_title="重庆市就业促进“十四五”规划(2021—2025年)",
                  evaluator=evaluator)  # fmt: skip


def _job(folder: Path, markdown: str, formats: tuple[str, ...], report: Report | None = None) -> RenderJob:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_out").mkdir(exist_ok=True)
    return RenderJob(report=report or _report(), markdown=markdown, build=folder, out=folder / "_out",
                     formats=formats, site_title=SITE, downloads=[("PDF 版", "annual-2023.pdf")], notes=[NOTE])  # fmt: skip


def test_scratch_project_escapes_every_text_and_links_the_fonts(tmp_path):
    job = _job(tmp_path / "build", "# 摘要\n", ("html", "pdf"), _report(TITLE, evaluator="评估单位 <b>"))
    qmd = quarto.write_project(job)
    assert qmd == tmp_path / "build" / "annual-2023.qmd"
    support = tmp_path / "build" / "_planlib"
    assert (support / "before.html").read_text(encoding="utf-8") == (
        '<nav class="site-nav"><a href="index.html">测试站点 &lt;i&gt;&amp;&lt;/i&gt;</a> › 报告</nav>\n')
    assert (support / "after.html").read_text(encoding="utf-8") == (
        f'<footer class="site-footer">{GENERATOR} † 低可信度来源(测试)&lt;script&gt;</footer>\n')
    assert (support / "meta.typ").read_text(encoding="utf-8") == "\n".join([
        "#let planlib-meta = (",
        '  title: "2023年度评估 \\"引号\\" <b>粗</b> \\\\反斜杠 #标题 $x$ *星* `码` 重慶",',
        '  subtitle: "数据截至 2023年",',
        '  plan: "重庆市就业促进“十四五”规划(2021—2025年)",',
        '  kind: "",',  # the title says it already (年度评估)
        '  evaluator: "评估单位 <b>",',
        '  cutoff: "2023年末",',
        '  date: "数据截至 2023年末",',
        f'  generator: "{GENERATOR} † 低可信度来源(测试)<script>",',
        # the offline engine's page geometry, as Typst lengths (margin-x: 22mm, …): both PDFs share it
        *[f"  {key}: {length}," for key, length in PAGE.variables().items()],
        ")", ""])  # fmt: skip
    text = qmd.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == '2023年度评估 \\"引号\\" \\<b\\>粗\\<\\/b\\> \\\\反斜杠 \\#标题 \\$x\\$ \\*星\\* \\`码\\` 重慶'
    assert front["planlib-downloads"] == '`<a href="annual-2023.pdf">PDF 版</a>`{=html}'
    assert set(front["format"]) == {"html", "typst"}  # only the formats asked for, in one render
    assert text.endswith("---\n\n# 摘要\n")
    project = yaml.safe_load((tmp_path / "build" / "_quarto.yml").read_text(encoding="utf-8"))
    assert project["project"] == {"type": "default", "render": ["annual-2023.qmd"], "lib-dir": "annual-2023/libs"}
    assert project["format"]["typst"]["font-paths"] == "fonts" and project["lang"] == "zh-CN"
    for font in FONT_DIR.glob("*.ttf"):  # hard links, not 10 MB copies per report
        assert (tmp_path / "build" / "fonts" / font.name).stat().st_ino == font.stat().st_ino


def test_a_format_quarto_is_not_set_up_for_is_refused(tmp_path):
    with pytest.raises(ValueError) as info:
        quarto.render(_job(tmp_path / "build", "# 摘要\n", ("html", "epub")))
    assert str(info.value) == "Quarto 引擎不能生成 epub;可生成 html、pdf、docx"


def test_a_cover_line_the_fonts_cannot_draw_stops_before_quarto_runs(tmp_path, monkeypatch):
    """The evaluating body is printed on the Quarto cover only: its characters are checked like the rest."""
    log = tmp_path / "calls"
    binary = _stand_in(tmp_path / "bin", "1.11.0")
    binary.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\n", encoding="utf-8")  # records any call
    monkeypatch.setenv("PATH", str(binary.parent))
    with pytest.raises(DataError) as info:
        quarto.render(_job(tmp_path / "build", "# 摘要\n", ("html", "pdf"), _report(evaluator="评估单位✗")))
    assert str(info.value) == ("报告 annual-2023,评估单位:字符“✗”(U+2717)无法显示:自带字体 Noto Sans SC 中没有它的字形,"
                               "PDF 和图中会成为方框(见“评估单位✗”);应为:自带字体中有的字符(可改用通行写法,或用文字说明该字)")  # fmt: skip
    assert not log.exists() and not (tmp_path / "build" / "annual-2023.qmd").exists()


# -- with the real Quarto -------------------------------------------------------------------------------


def _planlib_markdown(folder: Path) -> str:
    """A report body as planlib writes it: text with markup characters, a figure and a table from
    planlib.presentation.figures / planlib.presentation.tables, and a cross-reference to a figure that does not exist."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from planlib.presentation.escape import md_text
    from planlib.presentation.figures import Figure
    from planlib.presentation.tables import Table

    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([2021, 2022, 2023], [70.7, 72.4, 73.9])
    figure = Figure(fig, alt="折线图:城镇新增就业 2021—2023 年(测试)", caption="城镇新增就业(测试)", name="jobs")
    figure.save(folder / "annual-2023" / "figures")
    table = Table(pd.DataFrame({"指标": ["城镇新增就业", "工伤保险参保人数"], "数值": ["73.9", "数据暂缺"]}),
                  caption="测试表 *不是强调*", name="test-table")  # fmt: skip
    table.to_csv(folder / "annual-2023" / "tables")
    return "\n\n".join([
        "# 摘要", md_text("来源 <b>粗</b> *星* $x$ #let y = 1 ... 结束"), "见 @fig-missing。",
        figure.to_markdown("annual-2023/figures/jobs.png"),
        table.to_markdown(csv_href="annual-2023/tables/test-table.csv"),
    ]) + "\n"  # fmt: skip


@needs_poppler
def test_one_render_makes_every_format_and_shows_quartos_warnings(tmp_path, monkeypatch, capfd):
    skip_without_quarto()
    build = tmp_path / "build"
    build.mkdir()
    job = _job(build, _planlib_markdown(build), ("html", "pdf", "docx"), _report(TITLE))
    calls = []
    run = quarto._run_quarto
    monkeypatch.setattr(quarto, "_run_quarto", lambda args, cwd: calls.append(args) or run(args, cwd))
    quarto.render(job)
    assert calls == [[shutil.which("quarto"), "render", "annual-2023.qmd"]]  # one pass for all formats
    assert sorted(p.name for p in job.out.iterdir()) == ["annual-2023.docx", "annual-2023.html", "annual-2023.pdf"]
    assert capfd.readouterr().err == "报告 annual-2023:Quarto 警告:Unable to resolve crossref @fig-missing\n"
    page = parse_page(job.out / "annual-2023.html")
    assert page.images == [("annual-2023/figures/jobs.png", "折线图:城镇新增就业 2021—2023 年(测试)")]
    assert "planlib-alt" not in (job.out / "annual-2023.html").read_text(encoding="utf-8")  # private to the filters
    page_html = (job.out / "annual-2023.html").read_text(encoding="utf-8")
    shown = '2023年度评估 "引号" &lt;b&gt;粗&lt;/b&gt; \\反斜杠 #标题 $x$ *星* `码` 重慶'
    assert f"<title>{shown} — 测试站点 &lt;i&gt;&amp;&lt;/i&gt;</title>" in page_html
    assert f'<h1 class="title">{shown}</h1>' in page_html and "<b>粗</b>" not in page_html
    assert "来源 &lt;b&gt;粗&lt;/b&gt; *星* $x$ #let y = 1 ... 结束" in page_html
    assert "表&nbsp;1: 测试表 *不是强调*" in page_html and "图&nbsp;1: 城镇新增就业(测试)" in page_html
    text = squeeze(pdf_text(job.out / "annual-2023.pdf"))  # pdftotext adds spaces and breaks of its own
    for literal in ('2023年度评估"引号"<b>粗</b>\\反斜杠#标题$x$*星*`码`重慶', "重庆市就业促进“十四五”规划",
                    "来源<b>粗</b>*星*$x$#lety=1...结束", "表1测试表*不是强调*", "数据暂缺", "第2页"):
        assert literal in text, literal
    with zipfile.ZipFile(job.out / "annual-2023.docx") as docx:
        document = docx.read("word/document.xml").decode("utf-8")
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
    words = html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", document)))  # the text of every run
    for literal in ("测试表 *不是强调*", "工伤保险参保人数", "数据暂缺", "城镇新增就业(测试)", "来源 <b>粗</b> *星* $x$"):
        assert literal in words, literal
    assert len(media) == 1 and 'descr="折线图:城镇新增就业 2021—2023 年(测试)"' in document  # the figure, with alt
    # the scratch project keeps Quarto's files to itself: nothing beside it, no *_files folder
    assert not (tmp_path / ".quarto").exists() and not list(build.glob("*_files"))


@pytest.fixture(scope="module")
def seven(tmp_path_factory):
    """The repository's seven reports, built once with the Quarto engine (two at a time)."""
    skip_without_quarto()
    reports = yaml.safe_load((REPO / "reports" / "manifest.yaml").read_text(encoding="utf-8"))["reports"]
    return build_project(tmp_path_factory.mktemp("seven"), reports, "quarto")


def test_all_seven_reports_with_quarto(seven):
    root, result = seven
    ids = [r.id for r in load_manifest(REPO / "reports" / "manifest.yaml").reports]
    assert len(ids) == 7 and result.ok and sorted(result.built) == sorted(ids), result.failed
    check_site(root, ids)


def test_quarto_render_in_reports_runs_planlib_and_writes_nothing_itself(tmp_path):
    """``cd reports && quarto render`` in a git checkout: Quarto runs the pre-render step (``make report``,
    here a stand-in Makefile that records the call), renders nothing of its own into reports/, and finds
    its .gitignore entries already there (no untracked file)."""
    skip_without_quarto()
    (tmp_path / "reports").mkdir()
    for name in ("_quarto.yml", "manifest.yaml", ".gitignore"):
        shutil.copyfile(REPO / "reports" / name, tmp_path / "reports" / name)
    (tmp_path / "Makefile").write_text("report:\n\tmkdir -p reports/_site && echo made > reports/_site/index.html\n",
                                       encoding="utf-8")  # fmt: skip
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)  # Quarto adds a .gitignore in a git repository
    proc = subprocess.run(["quarto", "render"], cwd=tmp_path / "reports", capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    files = {p.relative_to(tmp_path / "reports").as_posix() for p in (tmp_path / "reports").rglob("*")
             if p.is_file() and ".quarto" not in p.parts}  # fmt: skip
    assert files == {"_quarto.yml", "manifest.yaml", ".gitignore", "_site/index.html"}
    assert (tmp_path / "reports" / "_site" / "index.html").read_text(encoding="utf-8") == "made\n"
    gitignore = (tmp_path / "reports" / ".gitignore").read_bytes()
    assert gitignore == (REPO / "reports" / ".gitignore").read_bytes()  # Quarto found what it needs
