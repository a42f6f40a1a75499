"""The site in a real browser: headless Chromium (Debian's package) loads the index and one report,
with no console errors, no broken images and no request leaving the machine; a screenshot is saved."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not installed (Debian package 'chromium'; .ci/run installs it)"
)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def test_index_and_report_render_cleanly(built, tmp_path):
    from playwright.sync_api import sync_playwright

    root, _ = built
    site = root / "reports" / "_site"
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
        for name in ("index.html", "annual-2023.html"):
            page.goto((site / name).as_uri())
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready")
            # the Chinese text is drawn with the site's own font file, not a fallback (tofu on bare machines)
            assert page.evaluate("""() => Array.from(document.fonts).some(
                f => f.family.replace(/"/g, '') === 'Noto Sans SC' && f.status === 'loaded')"""), name
            broken = page.evaluate(
                "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
            )
            assert broken == [], broken
            page.screenshot(path=str(shots / f"{name}.png"), full_page=name == "index.html")
        images = page.evaluate("Array.from(document.images).map(i => [i.alt, i.naturalWidth])")
        browser.close()
    assert problems == [] and external == []
    assert len(images) == 14 and all(alt and width > 100 for alt, width in images)  # every figure has alt text


MONITORING_PAGES = ("indicators/index.html", "indicators/urban_new_jobs.html", "indicators/projects.html",
                    "districts/index.html", "districts/500101.html", "data/index.html", "search.html")  # fmt: skip
# screenshots beside the other test artifacts (docs/review/site-*.png are copies of these, looked at for issue 14)
REVIEW = Path(__file__).parent / "artifacts"


def _check_pages(page, base: str, names, problems: list[str]) -> list[str]:
    """Load each page from ``base``; return what is wrong (broken images, images without alt text)."""
    wrong = []
    for name in names:
        page.goto(f"{base}/{name}")
        page.wait_for_load_state("load")
        images = page.evaluate("Array.from(document.images).map(i => [i.src, i.alt, i.complete && i.naturalWidth > 0])")
        wrong += [f"{name}: {src} broken" for src, _, ok in images if not ok]
        wrong += [f"{name}: {src} without alt" for src, alt, _ in images if not alt.strip()]
        links = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        wrong += [f"{name}: external link {u}" for u in links if u.startswith("http") and not u.startswith(base)
                  and "/tables/" not in u and name not in ("indicators/urban_new_jobs.html", "indicators/projects.html",
                                                             "districts/500101.html")]  # fmt: skip
    return wrong + problems


def test_monitoring_pages_from_disk_and_search_over_http(built):
    """Indicator, district, download and search pages: no console errors, no broken image, alt text on every
    image, no request leaving the machine — from file:// and over HTTP; search finds a Chinese query over
    HTTP and, from disk, says how to serve the site."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    root, _ = built
    site = root / "reports" / "_site"
    problems: list[str] = []
    external: list[str] = []
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    http_base = f"http://127.0.0.1:{server.server_address[1]}"
    REVIEW.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("request", lambda r: external.append(r.url)
                    if not r.url.startswith(("file:", "data:", http_base)) else None)  # fmt: skip
            assert _check_pages(page, site.as_uri(), MONITORING_PAGES, problems) == []
            page.goto((site / "search.html").as_uri())
            assert page.is_visible("#search-file-note")
            assert "python -m http.server" in page.inner_text("#search-file-note")
            page.goto((site / "districts" / "500101.html").as_uri())
            page.screenshot(path=str(REVIEW / "site-district-500101.png"), full_page=True)
            page.goto((site / "indicators" / "urban_new_jobs.html").as_uri())
            page.screenshot(path=str(REVIEW / "site-indicator-urban-new-jobs.png"), full_page=False)

            assert _check_pages(page, http_base, MONITORING_PAGES, problems) == []
            page.goto(f"{http_base}/search.html?q=城镇新增就业")
            page.wait_for_selector(".pagefind-ui__result-link", timeout=20_000)
            results = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.textContent)")
            assert any("城镇新增就业" in r for r in results), results
            assert not page.is_visible("#search-file-note")
            page.screenshot(path=str(REVIEW / "site-search.png"), full_page=False)
            browser.close()
    finally:
        server.shutdown()
    assert problems == [] and external == []
