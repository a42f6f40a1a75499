"""Hostile and rare text end to end, and the locale: a throwaway project whose raw data carry the hostile
strings and a traditional-character source title (test data from tests/fixtures/text), with a manifest
title full of markup characters and characters outside GB 2312, is built by ``planlib build`` as a
subprocess under ``LC_ALL=C.UTF-8`` and again under ``LC_ALL=C`` (LANG unset).

The HTML is parsed: no script, no on* attribute, no javascript: link; the strings are visible text. The
PDF (pdftotext) prints them literally with the shipped fonts only; the CSV downloads hold them byte for
byte. Both builds are byte-identical.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

FIXTURES = Path(__file__).parent / "fixtures" / "text"
CASES = ["hostile_text_observations.csv", "traditional_source_title_observations.csv"]
TITLE = '2024年度评估 "引号" <b>粗</b> \\反斜杠 #标题 $x$ *星* 瀼渡⑪ 重慶'  # test title
SITE = "测试站点 <i>&</i>"
REPORT = "annual-2024"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((FIXTURES / name).read_text(encoding="utf-8"))))


HOSTILE = _rows("hostile_text_observations.csv")
TRADITIONAL = _rows("traditional_source_title_observations.csv")[0]


def _project(root: Path) -> Path:
    """Real data and notebooks plus the test rows. So that every test row is a figure the report cites,
    the real rows for the same series and year are left out (from every municipal file: rounds 1–2 and
    round 3), and the later 城镇就业占比 values too (a level target cites only its latest value)."""
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copytree(REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns("figures", "tables"))
    replaced = {(r["indicator"], r["year"]) for r in [*HOSTILE, TRADITIONAL]}
    removed = 0
    for municipal in (root / "data" / "raw" / "chongqing_municipal_observations.csv",
                      root / "data" / "raw" / "round3" / "municipal_observations.csv"):  # fmt: skip
        rows = list(csv.reader(io.StringIO(municipal.read_text(encoding="utf-8"), newline="")))
        head, body = rows[0], rows[1:]
        col = {name: i for i, name in enumerate(head)}
        kept = [r for r in body if (r[col["indicator"]], r[col["year"]]) not in replaced
                and not (r[col["indicator"]] == "城镇就业占比" and r[col["year"]] > "2021")]  # fmt: skip
        removed += len(body) - len(kept)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([head, *kept])
        municipal.write_text(out.getvalue(), encoding="utf-8")
    assert removed >= 5  # the real rows this test replaces exist
    for name in CASES:
        shutil.copyfile(FIXTURES / name, root / "data" / "raw" / name)
    (root / "reports").mkdir()
    manifest = {"site": {"title": SITE, "plan": "cq-employment-14th"},
                "reports": [{"id": REPORT, "notebook": "notebooks/annual.ipynb", "title": TITLE}]}
    (root / "reports" / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return root


def _env(root: Path, locale: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LC_") and k not in ("LANG", "LANGUAGE", "PYTHONUTF8", "PYTHONIOENCODING")}
    return {**env, "LC_ALL": locale, "PLANLIB_ROOT": str(root)}


def _build(root: Path, locale: str) -> dict[str, bytes]:
    cmd = [sys.executable, "-m", "planlib.cli", "build", "--engine", "offline", "--jobs", "1", "--force"]
    proc = subprocess.run(cmd, cwd=root, env=_env(root, locale), capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-3000:]
    site = root / "reports" / "_site"
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = _project(tmp_path_factory.mktemp("hostile") / "proj")
    utf8 = _build(root, "C.UTF-8")
    c = _build(root, "C")
    return root, utf8, c


def test_build_under_the_c_locale_is_byte_identical(builds):
    _, utf8, c = builds
    assert sorted(c) == sorted(utf8)
    assert {f"{REPORT}.html", f"{REPORT}.pdf", "index.html", f"{REPORT}/tables/sources.csv"} <= set(c)
    # every page, PDF, CSV, figure and font; the build-state file records a hash of planlib's source, which
    # says nothing about the locale and changes if someone edits the tree between the two builds
    assert [name for name in utf8 if c[name] != utf8[name] and name != ".planlib-build.json"] == []
    page = c[f"{REPORT}.html"].decode("utf-8")
    assert "\ufffd" not in page and f"{TITLE}".replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in page


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _visible(html_bytes: bytes) -> tuple[_Page, str]:
    page = _Page()
    page.feed(html_bytes.decode("utf-8"))
    return page, " ".join("".join(page.text).split())


def _shown(text: str) -> str:
    return " ".join(text.split())


def test_html_has_no_live_markup_and_shows_the_strings(builds):
    _, site, _ = builds
    for name in (f"{REPORT}.html", "index.html"):
        page, text = _visible(site[name])
        assert "script" not in [tag for tag, _ in page.elements], name
        for tag, attrs in page.elements:
            assert not any(a.lower().startswith("on") for a in attrs), (name, tag, attrs)
            href = (attrs.get("href") or "").strip().lower()
            assert not href.startswith(("javascript:", "data:", "vbscript:")), (name, href)
            if tag == "img":
                assert attrs["src"].startswith(f"{REPORT}/figures/"), attrs
    page, text = _visible(site[f"{REPORT}.html"])
    for row in HOSTILE:
        assert _shown(row["source_title"]) in text, row["source_title"]
    for url in ('https://example.org/a"onmouseover="alert(4)', "https://example.org/c"):
        assert url in text
    assert _shown(TRADITIONAL["source_title"]) in text and TITLE in text and SITE in text
    links = [attrs["href"] for tag, attrs in page.elements if tag == "a" and attrs.get("href", "").startswith("http")]
    assert "https://example.org/a%22onmouseover=%22alert%284%29" in links and "https://example.org/c" in links
    assert all(h.startswith(("http://", "https://")) for h in links)
    _, index_text = _visible(site["index.html"])
    assert TITLE in index_text and SITE in index_text


@needs_poppler
def test_pdf_prints_the_strings_literally_with_the_shipped_fonts(builds):
    root, _, _ = builds
    pdf = root / "reports" / "_site" / f"{REPORT}.pdf"
    # -raw: in content order, without joining "typst-" and "injected" across a line break into one word
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = "".join(text.split())  # pdftotext breaks table cells into lines and spaces Chinese from Latin

    def squeeze(s: str) -> str:
        return "".join(s.split())

    for row in HOSTILE:
        assert squeeze(row["source_title"]) in squeezed, row["source_title"]
    assert squeeze('https://example.org/a"onmouseover="alert(4)') in squeezed
    assert squeeze(TRADITIONAL["source_title"]) in squeezed and squeeze(TITLE) in squeezed
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]} == {
        "NotoSansSC-Regular", "NotoSansSC-Bold", "NotoSerifSC-Regular", "NotoSerifSC-Bold"}  # the shipped faces only
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Title:           {TITLE}\n" in info


def test_rare_characters_are_in_both_shipped_faces():
    from fontTools.ttLib import TTFont

    from planlib.presentation.style import font_path

    rare = {c for c in TITLE + TRADITIONAL["source_title"] if ord(c) > 0x7F} - set("“”")
    assert {"瀼", "⑪", "慶", "發", "佈", "鎮", "萬", "體", "轉", "載"} <= rare
    assert not any(c.encode("gb2312", "ignore") for c in "瀼⑪慶發佈鎮萬體轉載")  # all outside GB 2312
    for weight in ("regular", "bold"):
        with TTFont(font_path(weight)) as font:
            cmap = font.getBestCmap()
        assert [c for c in sorted(rare) if ord(c) not in cmap] == [], weight


def test_csv_downloads_hold_the_strings_byte_for_byte(builds):
    _, site, _ = builds
    data = site[f"{REPORT}/tables/sources.csv"]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    shown = {(r["来源"], r["网址"]) for r in rows}
    for row in [*HOSTILE, TRADITIONAL]:
        assert (row["source_title"], row["source_url"]) in shown, row["source_title"]
    assert HOSTILE[0]["source_title"].encode("utf-8") in data  # no quote in it: the bytes as written
    assert b'"https://example.org/a""onmouseover=""alert(4)"' in data  # CSV quoting, value unchanged


def test_processed_csv_keeps_notes_literally(builds):
    root, _, _ = builds
    proc = subprocess.run([sys.executable, "-m", "planlib.cli", "process"], cwd=root, env=_env(root, "C"),
                          capture_output=True)  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    processed = root / "data" / "processed" / "observations.csv"
    rows = list(csv.DictReader(io.StringIO(processed.read_text(encoding="utf-8-sig"))))
    notes = {r["note"] for r in rows}
    for row in HOSTILE:
        assert row["note"].strip() in notes, row["note"]


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (Debian package 'chromium'; .ci/run installs it)")
def test_nothing_from_the_data_runs_in_a_browser(builds):
    from playwright.sync_api import sync_playwright

    root, _, _ = builds
    dialogs: list[str] = []
    errors: list[str] = []
    external: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: external.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        found = {}
        for name in (f"{REPORT}.html", "index.html"):
            page.goto((root / "reports" / "_site" / name).as_uri())
            page.wait_for_load_state("load")
            for link in page.query_selector_all("a"):
                link.hover()  # an injected onmouseover would fire here
            found[name] = page.evaluate("""() => ({
                scripts: document.scripts.length,
                handlers: Array.from(document.querySelectorAll('*')).flatMap(
                    e => Array.from(e.attributes).filter(a => a.name.startsWith('on')).map(a => a.name)),
                schemes: Array.from(new Set(Array.from(document.links).map(a => a.protocol))).sort(),
                title: document.title})""")
        browser.close()
    assert dialogs == [] and errors == [] and external == []
    assert found[f"{REPORT}.html"] == {"scripts": 0, "handlers": [], "schemes": ["file:", "http:", "https:"],
                                       "title": f"{TITLE} — {SITE}"}
    assert found["index.html"]["scripts"] == 0 and found["index.html"]["handlers"] == []
