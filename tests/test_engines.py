"""One contract, two engines: the offline engine and the Quarto engine build the same two reports (an annual
and the mid-term report) in throwaway projects, with ``--jobs 2``, and must give the same files at the same
paths, alt text on every figure, every table captioned in the PDF, PDFs tagged zh-CN in the shipped fonts
only, no request leaving the site, no stray files, a no-op rebuild that executes nothing and ``--force``
rebuilding byte for byte.

The Quarto tests need a real Quarto on PATH (CI installs it with ../shared/tools/quarto/install.sh); they are
skipped with that message elsewhere. The helpers here (``check_site`` …) are also used by test_quarto.py on
all seven reports.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from planlib.presentation.style import FONT_DIR, FONT_FILES
from planlib.publish.build import FORMATS, build
from planlib.publish.offline import GENERATOR
from planlib.publish.report_task import DOWNLOAD_LABELS
from tests.conftest import make_project

ENGINES = ["offline", "quarto"]
REPORTS = [{"id": "annual-2023", "notebook": "notebooks/annual.ipynb"},
           {"id": "midterm-2023", "title": "中期评估报告(2021—2023年)", "notebook": "notebooks/midterm.ipynb"}]  # fmt: skip
IDS = [r["id"] for r in REPORTS]
QUARTO_MISSING = ("quarto is not on PATH: install it with ../shared/tools/quarto/install.sh "
                  "$HOME/.cache/planlib-quarto (.ci/run does) and put $HOME/.cache/planlib-quarto/bin on PATH")  # fmt: skip
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdffonts, pdftotext) not installed; .ci/run installs it")  # fmt: skip


def skip_without_quarto() -> None:
    """Skip the calling test unless a Quarto the engine supports is on PATH."""
    from planlib.publish import quarto

    if quarto.find_quarto() is None:
        pytest.skip(QUARTO_MISSING)
    quarto.check()  # a Quarto that is there but too old is a failure to report, not a skip


def build_project(folder: Path, reports: list[dict], engine: str, jobs: int = 2):
    """A throwaway project with ``reports`` built by ``engine``; returns (root, BuildResult)."""
    with pytest.MonkeyPatch.context() as mp:
        root = make_project(folder, mp, reports)
        result = build(progress=False, jobs=jobs, engine=engine)
    return root, result


def rebuild(root: Path, **kwargs):
    """``build`` again in the project at ``root`` (PLANLIB_ROOT set for the kernels)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLANLIB_ROOT", str(root))
        return build(progress=False, root=root, **kwargs)


def noop_rebuild(root: Path, engine: str) -> tuple[object, bool]:
    """Build again at once with papermill refusing to run: (BuildResult, whether no file of the site changed).

    Done right after the first build (see ``engine_sites``): a no-op rebuild is one whose inputs did not
    change, and in a working tree others are editing, planlib's source may change minutes later."""
    import papermill

    def refuse(*args, **kwargs):
        raise AssertionError("a no-op rebuild executed a notebook")

    site_dir = root / "reports" / "_site"
    before = {p: p.stat().st_mtime_ns for p in site_dir.rglob("*") if p.is_file()}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(papermill, "execute_notebook", refuse)
        again = rebuild(root, jobs=1, engine=engine)
    return again, before == {p: p.stat().st_mtime_ns for p in site_dir.rglob("*") if p.is_file()}


@pytest.fixture(scope="session")
def engine_sites(tmp_path_factory):
    """engine → (root, result) of one build of REPORTS, made once per session when first asked for (and
    engine → the no-op rebuild that followed it, in ``get.noop``)."""
    made: dict[str, tuple[Path, object]] = {}

    def get(engine: str):
        if engine not in made:
            made[engine] = build_project(tmp_path_factory.mktemp(f"engine-{engine}"), REPORTS, engine)
            get.noop[engine] = noop_rebuild(made[engine][0], engine)
        return made[engine]

    get.noop = {}
    return get


@pytest.fixture(params=ENGINES)
def site(request, engine_sites):
    """(engine, root, result) for each engine."""
    if request.param == "quarto":
        skip_without_quarto()
    root, result = engine_sites(request.param)
    return request.param, root, result


# -- what a site holds ------------------------------------------------------------------------------


def site_files(root: Path) -> set[str]:
    """Every file under reports/ (site, lock, manifest, anything stray), relative to reports/."""
    reports = root / "reports"
    return {p.relative_to(reports).as_posix() for p in reports.rglob("*") if p.is_file()}


def expected_files(root: Path, ids: list[str]) -> set[str]:
    """What a site of ``ids`` must hold, and nothing else: each report in every format, its figures and
    CSV tables, the fonts, the index and the build state; beside it only the manifest and the lock."""
    site = root / "reports" / "_site"
    files = {"manifest.yaml", ".planlib-build.lock", "_site/index.html", "_site/.planlib-build.json"}
    files |= {f"_site/fonts/{p.name}" for p in [*FONT_FILES.values(), FONT_DIR / "OFL.txt"]}  # served by the site
    for rid in ids:
        files |= {f"_site/{rid}.{fmt}" for fmt in FORMATS}
        for kind, suffix in (("figures", ".png"), ("tables", ".csv")):
            files |= {f"_site/{rid}/{kind}/{p.name}" for p in (site / rid / kind).glob(f"*{suffix}")}
    return files


class _Page(HTMLParser):
    """Images (src, alt), resources a page loads (tag, attribute, value) and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[tuple[str, str | None]] = []
        self.resources: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "img":
            self.images.append((values.get("src") or "", values.get("alt")))
        for name in ("src", "href", "data", "poster", "srcset"):
            if values.get(name) and tag != "a":  # a link is followed only when the reader clicks it
                self.resources.append((tag, name, values[name]))
        if values.get("style"):
            self.styles.append(values["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


def external_resources(path: Path) -> list[str]:
    """What the page at ``path`` would fetch from outside the site: http(s) or protocol-relative URLs in any
    tag but <a>, and url(…) / @import in its CSS."""
    page = parse_page(path)
    found = [f"<{tag} {name}={value}>" for tag, name, value in page.resources if _REMOTE.match(value)]
    for css in page.styles:
        found += [u for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css) if _REMOTE.match(u)]
        found += re.findall(r"@import[^;]*", css)
    return found


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_languages(pdf: Path) -> set[str]:
    """Every /Lang value in the PDF, also inside compressed object streams."""
    data = pdf.read_bytes()
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            chunks.append(zlib.decompressobj().decompress(data[match.end():end]))
        except zlib.error:
            continue
    return {v.decode("latin-1") for chunk in chunks for v in re.findall(rb"/Lang\s*\(([^)]*)\)", chunk)}


def pdf_fonts(pdf: Path) -> set[str]:
    """The PostScript names of the PDF's fonts (subset prefix removed); asserts each is embedded."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert all(" yes yes yes " in line for line in lines), lines  # embedded, subset, unicode map
    return {line.split()[0].split("+")[-1] for line in lines}


_TABLE_CAPTION = re.compile(
    r"<caption[^>]*>(.*?)</caption>"  # pandoc's <table><caption> (offline engine)
    r"|<figure class=\"quarto-float quarto-float-tbl\">\s*<figcaption[^>]*>(.*?)</figcaption>", re.S)  # Quarto


def table_captions(page: Path) -> list[str]:
    """The text of every table caption of an HTML report, without a 表 N: prefix."""
    captions = []
    for match in _TABLE_CAPTION.finditer(page.read_text(encoding="utf-8")):
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(1) or match.group(2)))
        captions.append(re.sub(r"^表\s*\d+\s*[:：]\s*", "", text.strip()))
    return captions


def docx_content(path: Path) -> tuple[list[str], str]:
    """(alt text of every picture, all the text) of a Word file."""
    with zipfile.ZipFile(path) as docx:
        document = docx.read("word/document.xml").decode("utf-8")
    pictures = [html.unescape(d) for d in re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', document)]
    words = html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", document)))
    return pictures, words


def squeeze(text: str) -> str:
    """``text`` without any whitespace (pdftotext spaces and breaks text its own way)."""
    return re.sub(r"\s+", "", text)


def check_site(root: Path, ids: list[str]) -> None:
    """The whole contract for the site in ``root`` holding ``ids`` (used by both test files)."""
    site = root / "reports" / "_site"
    assert site_files(root) == expected_files(root, ids)  # also: no index.pdf, site_libs, *_files, .gitignore
    for rid in ids:
        assert len(list((site / rid / "figures").glob("*.png"))) >= 5, rid
        assert len(list((site / rid / "tables").glob("*.csv"))) >= 4, rid
        page = parse_page(site / f"{rid}.html")
        figures = {f"{rid}/figures/{p.name}" for p in (site / rid / "figures").glob("*.png")}
        assert {src for src, _ in page.images} == figures, rid  # every figure shown, each once
        assert len(page.images) == len(figures) and all(alt and alt.strip() for _, alt in page.images), rid
        assert external_resources(site / f"{rid}.html") == [], rid
        if shutil.which("pdftotext") is not None:
            pdf = site / f"{rid}.pdf"
            text = squeeze(pdf_text(pdf))
            captions = table_captions(site / f"{rid}.html")
            # every table (one CSV each) has its caption in the page and, numbered, in the PDF
            assert len(captions) == len(list((site / rid / "tables").glob("*.csv"))), rid
            for number, caption in enumerate(captions, start=1):
                assert squeeze(caption) in text, (rid, caption)
                assert f"表{number}" in text, (rid, number)
            assert pdf_languages(pdf) == {"zh-CN"}, rid
            assert pdf_fonts(pdf) <= {p.stem for p in FONT_DIR.glob("*.ttf")}, rid
        if "docx" in FORMATS:
            pictures, words = docx_content(site / f"{rid}.docx")
            assert sorted(pictures) == sorted(alt for _, alt in page.images), rid  # each figure, with its alt text
            for caption in table_captions(site / f"{rid}.html"):
                assert squeeze(caption) in squeeze(words), (rid, caption)
    assert external_resources(site / "index.html") == []


# -- the contract, for each engine ----------------------------------------------------------------------


def test_each_engine_builds_both_reports(site):
    engine, root, result = site
    assert result.ok and sorted(result.built) == sorted(IDS) and result.failed == {}, (engine, result.failed)
    index = (root / "reports" / "_site" / "index.html").read_text(encoding="utf-8")
    for rid in IDS:
        for fmt in FORMATS:
            assert f'href="{rid}.{fmt}"' in index, (engine, rid, fmt)


def test_each_engine_meets_the_contract(site):
    _, root, _ = site
    check_site(root, IDS)


def test_report_page_links_the_site_and_its_downloads(site):
    engine, root, _ = site
    page = (root / "reports" / "_site" / "annual-2023.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]*\slang="zh-CN"', page), engine
    assert '<a href="index.html">测试站点</a>' in page, engine
    for fmt, label in DOWNLOAD_LABELS.items():
        if fmt in FORMATS:
            assert f'<a href="annual-2023.{fmt}">{label}</a>' in page, (engine, fmt)
    assert 'href="annual-2023/tables/headline-indicators.csv"' in page, engine
    assert GENERATOR in page, engine
    assert 'url("fonts/NotoSansSC-Regular.ttf")' in page, engine  # the site's own font, no reader's font


def test_noop_rebuild_executes_nothing(site, engine_sites):
    engine = site[0]
    again, untouched = engine_sites.noop[engine]
    assert again.built == [] and sorted(again.unchanged) == sorted(IDS) and again.ok, (engine, again.failed)
    assert untouched, engine  # not a file of the site touched


def test_force_rebuilds_byte_for_byte(site):
    engine, root, _ = site
    site_dir = root / "reports" / "_site"
    names = [f"midterm-2023.{fmt}" for fmt in FORMATS]  # (the index's status column follows planlib's source)
    before = {n: (site_dir / n).read_bytes() for n in names}
    again = rebuild(root, only=["midterm-2023"], force=True, jobs=1, engine=engine)
    assert again.built == ["midterm-2023"] and again.ok, (engine, again.failed)
    assert {n: (site_dir / n).read_bytes() for n in names} == before, engine
    check_site(root, IDS)


# -- the two engines side by side -----------------------------------------------------------------------


def test_both_engines_give_the_same_files_and_alt_texts(engine_sites):
    skip_without_quarto()
    (offline, _), (quarto, _) = engine_sites("offline"), engine_sites("quarto")
    assert site_files(offline) == site_files(quarto)
    for rid in IDS:
        alts = [dict(parse_page(root / "reports" / "_site" / f"{rid}.html").images) for root in (offline, quarto)]
        assert alts[0] == alts[1], rid
        captions = [table_captions(root / "reports" / "_site" / f"{rid}.html") for root in (offline, quarto)]
        assert captions[0] == captions[1], rid
        for kind in ("figures", "tables"):
            # the same notebook run: the same figures and CSV downloads, byte for byte
            files = [{p.name: p.read_bytes() for p in (root / "reports" / "_site" / rid / kind).iterdir()}
                     for root in (offline, quarto)]  # fmt: skip
            assert files[0] == files[1], (rid, kind)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (Debian package 'chromium'; .ci/run installs it)")
def test_pages_in_a_browser_opened_from_disk(site):
    """Opened from disk (file://), as a reader of reports/_site does: no console error, no request leaving
    the machine, every image drawn with its alt text, Chinese in the site's own font."""
    from playwright.sync_api import sync_playwright

    engine, root, _ = site
    folder = root / "reports" / "_site"
    problems: list[str] = []
    external: list[str] = []
    shots = Path(__file__).parent / "artifacts"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("request", lambda r: external.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        for name in ("index.html", "annual-2023.html", "midterm-2023.html"):
            page.goto((folder / name).as_uri())
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready")
            assert page.evaluate("""() => Array.from(document.fonts).some(
                f => f.family.replace(/"/g, '') === 'Noto Sans SC' && f.status === 'loaded')"""), (engine, name)
            images = page.evaluate("Array.from(document.images).map(i => [i.alt, i.complete && i.naturalWidth])")
            assert all(alt and width > 100 for alt, width in images), (engine, name)
            if name == "annual-2023.html":
                assert len(images) == len(list((folder / "annual-2023" / "figures").glob("*.png")))
                page.screenshot(path=str(shots / f"engine-{engine}-{name}.png"))
        browser.close()
    assert problems == [] and external == [], engine
