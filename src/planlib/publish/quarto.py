"""The Quarto engine: execute notebooks into ``reports/`` with papermill, then ``quarto render``.

Quarto is not installable on machines without internet access beyond PyPI (its PyPI package downloads
the binary), so this engine runs only where a ``quarto`` binary is on PATH; the offline engine is the
default elsewhere. Both write the same layout: ``reports/_site/<id>.html``, ``<id>.pdf``, ``index.html``.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import yaml

from planlib._assets import ENV as ASSETS_ENV
from planlib._lock import run_lock
from planlib._paths import project_root
from planlib.publish.build import BuildResult, lock_path, site_dir
from planlib.publish.manifest import Report, load_manifest
from planlib.publish.notebook import ReportError, execute
from planlib.style import copy_fonts


def front_matter(report: Report, formats: tuple[str, ...]) -> nbformat.NotebookNode:
    """A raw YAML cell Quarto reads as the document's metadata (title and one format per output)."""
    fmts = {"html": "default"}
    if "pdf" in formats:
        fmts["typst"] = "default"
    meta = {"title": report.title, "subtitle": report.subtitle, "format": fmts}
    return nbformat.v4.new_raw_cell("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---")


def prepare(report: Report, root: Path, formats: tuple[str, ...]) -> Path:
    """Execute the report's notebook into ``reports/<id>.ipynb`` and prepend its front matter."""
    reports = root / "reports"
    out = reports / f"{report.id}.ipynb"
    execute(report.id, root / report.notebook, out, report.parameters, cwd=reports, env={ASSETS_ENV: report.id})
    nb = nbformat.read(out, as_version=4)
    nb.cells = [c for c in nb.cells if "remove" not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:  # Quarto shows Markdown outputs as Markdown with output: asis
        if cell.cell_type == "code":
            cell.source = "#| output: asis\n" + cell.source
    nb.cells.insert(0, front_matter(report, formats))
    nbformat.write(nb, out)
    return out


def build_quarto(only: list[str] | None, formats: tuple[str, ...], *, jobs: int = 1) -> BuildResult:
    quarto = shutil.which("quarto")
    if quarto is None:
        raise FileNotFoundError("PATH 中没有 quarto;请安装 Quarto ≥ 1.5,或使用 --engine offline")
    root = project_root()
    with run_lock(lock_path(root), "报告构建"):  # one build at a time, whichever the engine
        return _build_quarto_locked(quarto, root, only, formats)


def _build_quarto_locked(quarto: str, root: Path, only: list[str] | None, formats: tuple[str, ...]) -> BuildResult:
    started = time.perf_counter()
    manifest = load_manifest(root / "reports" / "manifest.yaml")
    selected = [manifest.get(i) for i in only] if only else list(manifest.reports)
    result = BuildResult(site=site_dir(root))
    for report in selected:
        if not (root / report.notebook).is_file():
            result.no_notebook.append(report.id)
            continue
        try:
            prepare(report, root, formats)
            result.built.append(report.id)
        except ReportError as exc:
            result.failed[report.id] = str(exc)
    copy_fonts(root / "reports" / "fonts")  # fonts.css serves them with the site
    if result.built:
        to = [f for f in ("html", "typst") if f == "html" or "pdf" in formats]
        for fmt in to:
            proc = subprocess.run([quarto, "render", str(root / "reports"), "--to", fmt], capture_output=True,
                                  text=True)  # fmt: skip
            if proc.returncode != 0:
                result.failed["quarto"] = proc.stderr[-2000:]
    result.seconds = time.perf_counter() - started
    return result
