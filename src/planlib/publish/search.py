"""Search across the whole site (reports, indicator and district pages) with pagefind, offline.

``pagefind[extended]`` from PyPI ships the binary; its extended build segments Chinese words. It runs on the
staged site after every page is written and puts its index and its search interface into ``pagefind/`` of
the site: nothing is fetched from elsewhere, at build or in the browser. The browser loads the index with
``fetch``, which browsers refuse for ``file://`` pages: opened from disk, ``search.html`` says so and how
to serve the site (``python -m http.server``) instead of failing with errors. The search page is set in the site's
page frame (:mod:`.page_frame`), like the monitoring pages.

May import: the base modules, :mod:`planlib.presentation.escape` and the page frame; not the pages, which
write the search page through this module.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

BUNDLE = "pagefind"
SERVE_HINT = "python -m http.server --directory {site} 8000"

_SCRIPT = """<script>
(function () {
  var box = document.getElementById("search");
  if (location.protocol === "file:") {  // pagefind fetches its index: browsers refuse that from disk
    document.getElementById("search-file-note").hidden = false;
    return;
  }
  var css = document.createElement("link");
  css.rel = "stylesheet"; css.href = "pagefind/pagefind-ui.css";
  document.head.appendChild(css);
  var js = document.createElement("script");
  js.src = "pagefind/pagefind-ui.js";
  js.onload = function () {
    new PagefindUI({ element: box, showSubResults: true, showImages: false,
                     translations: { placeholder: "搜索报告、指标和区县", zero_results: "没有找到“[SEARCH_TERM]”" } });
    var q = new URLSearchParams(location.search).get("q");
    if (q) { var input = box.querySelector("input"); input.value = q; input.dispatchEvent(new Event("input")); }
  };
  document.body.appendChild(js);
})();
</script>
"""


def executable() -> Path:
    """The pagefind binary of the ``pagefind[extended]`` package (the extended build when installed)."""
    from pagefind.service import get_executable

    exe = get_executable()
    if exe is None:
        raise RuntimeError("找不到 pagefind 程序;请安装 pagefind[extended](PyPI)")
    return Path(exe)


def index_site(site: Path) -> Path:
    """Run pagefind on ``site`` (every HTML page, Chinese segmented), writing ``site/pagefind/``; an index
    left by a previous build is removed first, so the folder holds exactly this build's index."""
    bundle = site / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    run = subprocess.run([str(executable()), "--site", str(site), "--output-subdir", BUNDLE, "--keep-index-url",
                          "--silent"], capture_output=True, text=True, check=False)  # fmt: skip
    if run.returncode != 0:
        raise RuntimeError(f"pagefind 建立搜索索引失败:{run.stderr.strip() or run.stdout.strip()}")
    return bundle


def search_page(site: Path, *, site_title: str, footer: str, served: Path | None = None) -> Path:
    """``search.html``: pagefind's interface over HTTP; from ``file://`` a note on how to serve the site
    (``served``: where the site will be, named relative to the project, e.g. ``reports/national/_site``)."""
    from planlib._paths import project_root
    from planlib.presentation.escape import html_text
    from planlib.publish.page_frame import render

    where = "reports/_site"
    if served is not None:
        try:
            where = str(served.relative_to(project_root()))
        except ValueError:
            where = str(served)

    body = (f'<p id="search-file-note" class="search-note" hidden>搜索需要通过 HTTP 打开本站(浏览器不允许从本地'
            f"文件读取搜索索引)。请在项目目录运行 <code>{html_text(SERVE_HINT.format(site=where))}</code>,再打开 "
            f"<code>http://localhost:8000/search.html</code>。其余页面从本地文件打开即可使用。</p>"
            f'<div id="search"></div>')  # fmt: skip
    out = site / "search.html"
    page = render("搜索", body, depth=0, site_title=site_title, footer=footer,
                  subtitle="全站搜索:报告、指标页与区县页(中文分词)", scripts=_SCRIPT)  # fmt: skip
    out.write_text(page, encoding="utf-8")
    return out
