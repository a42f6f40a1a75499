"""``planlib build``: every report of the manifest → ``reports/_site`` (incremental, atomic, parallel)."""

from __future__ import annotations

import hashlib
import html
import json
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from planlib import __version__
from planlib._assets import ENV as ASSETS_ENV
from planlib._paths import PACKAGE_DIR, project_root
from planlib.publish.manifest import Manifest, Report, load_manifest
from planlib.publish.notebook import ReportError
from planlib.style import copy_fonts

FORMATS = ("html", "pdf")
STATE_FILE = ".planlib-build.json"


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    no_notebook: list[str] = field(default_factory=list)
    seconds: float = 0.0
    site: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


def site_dir(root: Path | None = None) -> Path:
    return (root or project_root()) / "reports" / "_site"


def _hash_tree(h: hashlib._Hash, folder: Path, suffixes: tuple[str, ...] | None = None) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        if suffixes and path.suffix not in suffixes:
            continue
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())


def inputs_hash(root: Path) -> str:
    """Hash of what every report depends on: raw data and planlib's source (code, YAML, templates, fonts)."""
    h = hashlib.sha256(__version__.encode())
    _hash_tree(h, root / "data" / "raw")
    _hash_tree(h, PACKAGE_DIR, (".py", ".yaml", ".typ", ".html", ".css", ".ttf", ".json"))
    return h.hexdigest()


def report_hash(report: Report, root: Path, shared: str, formats: tuple[str, ...], engine: str) -> str:
    h = hashlib.sha256(shared.encode())
    h.update((root / report.notebook).read_bytes())
    h.update(json.dumps({"p": report.parameters, "f": formats, "e": engine, "t": report.title},
                        sort_keys=True, ensure_ascii=False).encode())  # fmt: skip
    return h.hexdigest()


def build_one(report: Report, root: Path, staging: Path, formats: tuple[str, ...], site_title: str,
              stage=lambda s: None) -> str:  # fmt: skip
    """Execute and render one report into ``staging``; returns the report id. Raises ReportError.

    ``stage(name)`` is told each stage as it starts (执行笔记本, 网页, PDF) for the progress bar."""
    from planlib.publish import offline
    from planlib.publish.notebook import execute, to_markdown

    build = root / "reports" / "_build" / report.id
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    os.environ[ASSETS_ENV] = report.id  # the kernel inherits it: assets go to <build>/<id>/
    stage("执行笔记本")
    executed = execute(report.id, root / report.notebook, build / f"{report.id}.ipynb", report.parameters, cwd=build)
    doc = to_markdown(executed, report.id)
    (build / f"{report.id}.md").write_text(doc.markdown, encoding="utf-8")
    subtitle = f"数据截至 {report.as_of} 年"
    try:
        for old in (staging / f"{report.id}.html", staging / f"{report.id}.pdf"):
            old.unlink(missing_ok=True)
        shutil.rmtree(staging / report.id, ignore_errors=True)
        downloads = [("PDF 版", f"{report.id}.pdf")] if "pdf" in formats else []
        if "html" in formats:
            stage("网页")
            offline.render_html(doc.markdown, staging / f"{report.id}.html",
                                title=report.title, subtitle=subtitle, site_title=site_title, downloads=downloads)
        if "pdf" in formats:
            stage("PDF")
            offline.render_pdf(doc.markdown, staging / f"{report.id}.pdf", root=build, title=report.title,
                               subtitle=subtitle, date=f"评估基准年:{report.as_of} 年")  # fmt: skip
        if (build / report.id).is_dir():
            shutil.copytree(build / report.id, staging / report.id)
    except Exception as exc:  # a renderer failure is this report's failure, not the whole build's
        raise ReportError(report.id, f"排版失败:{type(exc).__name__}: {exc}") from exc
    return report.id


def write_index(manifest: Manifest, staging: Path, failed: dict[str, str]) -> Path:
    rows = []
    for r in manifest.reports:
        links = []
        for ext, label in (("html", "网页版"), ("pdf", "PDF")):
            if (staging / f"{r.id}.{ext}").is_file():
                links.append(f'<a href="{r.id}.{ext}">{label}</a>')
        status = "生成失败(保留上一版)" if r.id in failed else ("" if links else "尚未生成")
        rows.append(f"<tr><td>{html.escape(r.title)}</td><td>{r.as_of}</td><td>{' · '.join(links)}</td>"
                    f"<td>{html.escape(status)}</td></tr>")  # fmt: skip
    css = (Path(__file__).parent / "templates" / "style.css").read_text(encoding="utf-8")
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(manifest.title)}</title><style>{css}</style></head>
<body><header class="report-header"><h1 class="title">{html.escape(manifest.title)}</h1>
<p class="subtitle">年度评估、中期评估与终期评估报告</p></header>
<main><table class="report-list"><caption>报告列表</caption>
<thead><tr><th>报告</th><th>数据截至</th><th>下载</th><th>状态</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></main>
<footer class="site-footer">由 planlib 生成。每个数字都来自已公布的数据或由其计算得出;
缺失的数据标为“数据暂缺”。</footer>
</body></html>
"""
    out = staging / "index.html"
    out.write_text(page, encoding="utf-8")
    return out


def build(
    only: list[str] | None = None,
    formats: tuple[str, ...] = FORMATS,
    *,
    jobs: int = 1,
    progress: bool = True,
    force: bool = False,
    root: Path | None = None,
) -> BuildResult:
    """Build the reports (all, or ``only`` these ids) into ``reports/_site``.

    Builds into a staging copy and swaps it in at the end, so an interrupted or failed build leaves the
    previous site intact; a failing report keeps its previous output and does not stop the others.
    """
    started = time.perf_counter()
    root = root or project_root()
    manifest = load_manifest(root / "reports" / "manifest.yaml")
    selected = [manifest.get(i) for i in only] if only else list(manifest.reports)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"未知的输出格式:{'、'.join(bad)}(可选 html、pdf)")
    site = site_dir(root)
    state_path = site / STATE_FILE
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.is_file() else {}
    result = BuildResult(site=site)
    shared = inputs_hash(root)
    todo: list[tuple[Report, str]] = []
    for report in selected:
        if not (root / report.notebook).is_file():
            result.no_notebook.append(report.id)
            continue
        digest = report_hash(report, root, shared, tuple(formats), "offline")
        outputs_present = all((site / f"{report.id}.{f}").is_file() for f in formats)
        if not force and state.get(report.id) == digest and outputs_present:
            result.unchanged.append(report.id)
        else:
            todo.append((report, digest))
    if not todo and site.is_dir():
        result.seconds = time.perf_counter() - started
        return result

    staging = root / "reports" / ".site-staging"
    shutil.rmtree(staging, ignore_errors=True)
    if site.is_dir():
        shutil.copytree(site, staging)
    else:
        staging.mkdir(parents=True)
    bar = _progress(len(todo), progress)
    try:
        if jobs > 1 and len(todo) > 1:
            # spawn, not fork: forking a process that holds kernel/zmq threads can deadlock the child
            with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
                futures = {pool.submit(build_one, r, root, staging, tuple(formats), manifest.title): (r, d)
                           for r, d in todo}  # fmt: skip
                for fut in as_completed(futures):
                    _collect(fut.exception(), futures[fut], result, state, bar)
        else:
            for report, digest in todo:
                bar.set_postfix_str(report.id)
                try:
                    build_one(report, root, staging, tuple(formats), manifest.title,
                              stage=lambda s, rid=report.id: bar.set_postfix_str(f"{rid}:{s}"))
                    _collect(None, (report, digest), result, state, bar)
                except ReportError as exc:
                    _collect(exc, (report, digest), result, state, bar)
        copy_fonts(staging / "fonts")  # style.css serves them: pages never depend on the reader's fonts
        write_index(manifest, staging, result.failed)
        (staging / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        _swap(staging, site)
    finally:
        bar.close()
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result


def _collect(outcome: BaseException | None, item: tuple[Report, str], result: BuildResult, state: dict, bar) -> None:
    report, digest = item
    if outcome is not None:
        message = str(outcome) if isinstance(outcome, ReportError) else f"报告 {report.id}:{outcome!r}"
        result.failed[report.id] = message
        state.pop(report.id, None)
        print(f"失败:{message}", file=sys.stderr)
    else:
        result.built.append(report.id)
        state[report.id] = digest
    bar.update(1)


def _swap(staging: Path, site: Path) -> None:
    old = site.with_name(".site-old")
    shutil.rmtree(old, ignore_errors=True)
    if site.exists():
        site.rename(old)
    staging.rename(site)
    shutil.rmtree(old, ignore_errors=True)


class _NoBar:
    def update(self, n: int = 1) -> None: ...
    def set_postfix_str(self, s: str) -> None: ...
    def close(self) -> None: ...


def _progress(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="生成报告", unit="份", file=sys.stderr)
