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
