"""``planlib build``: every report of the manifest → ``reports/_site`` (incremental, atomic, parallel, locked)."""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from planlib import __version__
from planlib._assets import ENV as ASSETS_ENV
from planlib._io import recover_dir, replace_dir
from planlib._lock import run_lock
from planlib._paths import PACKAGE_DIR, project_root
from planlib.presentation.style import copy_fonts
from planlib.publish.manifest import Manifest, Report, load_manifest
from planlib.publish.notebook import ReportError

FORMATS = ("html", "pdf", "docx")
STATE_FILE = ".planlib-build.json"


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    no_notebook: list[str] = field(default_factory=list)
    seconds: float = 0.0
    site: Path | None = None
    notices: list[str] = field(default_factory=list)  # e.g. what was cleaned up after a killed build

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
    """Hash of what every report depends on: raw data, monthly monitoring results (``data/monitoring``, made by
    ``planlib monitor run``) and planlib's source (code, YAML, templates, fonts)."""
    h = hashlib.sha256(__version__.encode())
    _hash_tree(h, root / "data" / "raw")
    if (root / "data" / "monitoring").is_dir():
        _hash_tree(h, root / "data" / "monitoring")
    _hash_tree(h, PACKAGE_DIR, (".py", ".yaml", ".typ", ".html", ".css", ".ttf", ".json", ".lua", ".docx"))
    return h.hexdigest()


def report_hash(report: Report, root: Path, shared: str, engine: str) -> str:
    """What one report's output depends on; each output format records the hash it was built from."""
    h = hashlib.sha256(shared.encode())
    h.update((root / report.notebook).read_bytes())
    commentary = root / "reports" / "commentary" / f"{report.id}.md"  # the analysts' text (sections.commentary)
    if commentary.is_file():
        h.update(b"commentary" + commentary.read_bytes())
    h.update(json.dumps({"p": report.parameters, "e": engine, "t": report.title},
                        sort_keys=True, ensure_ascii=False).encode())  # fmt: skip
    return h.hexdigest()


@dataclass(frozen=True)
class RenderJob:
    """What an engine is given to typeset one report (see ``ENGINES``): it writes ``out/<id>.<format>`` for
    every format asked, or raises. The same job goes to every engine, so both give the same files.

    ``markdown`` is the report body (pandoc Markdown, from :func:`planlib.publish.notebook.to_markdown`); its
    figures and tables are in ``build/<id>/figures`` and ``build/<id>/tables`` and are referred to by those
    relative paths. ``downloads`` are the (label, href) links to the report's other formats; ``notes`` are
    what the report says about its own data (for the footer and the PDF cover)."""

    report: Report
    markdown: str
    build: Path
    out: Path
    formats: tuple[str, ...]
    site_title: str
    downloads: list[tuple[str, str]]
    notes: list[str]
    stage: Callable[[str], None] = lambda name: None


# engine name -> module with ``render(job: RenderJob) -> None``, ``check() -> None`` (raises a clear error
# when the engine cannot run here) and ``fingerprint() -> str`` (the versions of the tools it drives: a new
# pandoc, Typst or Quarto rebuilds every report)
ENGINES = {"offline": "planlib.publish.offline", "quarto": "planlib.publish.quarto"}


def engine_module(engine: str):
    """The module of ``engine``; raises ValueError for an unknown name."""
    import importlib

    if engine not in ENGINES:
        raise ValueError(f"未知的引擎:{engine}(可选 {'、'.join(ENGINES)})")
    return importlib.import_module(ENGINES[engine])


def build_one(report: Report, root: Path, staging: Path, formats: tuple[str, ...], site_title: str,
              stage=lambda s: None, engine: str = "offline") -> dict:  # fmt: skip
    """Execute and render one report, then put all its files into ``staging`` at once; returns the report's
    notice (what it says about its own data, for the footers: see :func:`planlib.indicators.marks.report_notice`).

    Everything is produced in the report's scratch folder ``reports/_build/<id>`` first; only when every
    requested format has been rendered are the files moved into ``staging`` (the next site). A failure at
    any stage raises :class:`ReportError` and leaves the report's previous HTML, PDF, figures and tables in
    ``staging`` as they were. A format not requested (``--to html``) is left alone.
    ``stage(name)`` is told each stage as it starts (执行笔记本, 网页, PDF) for the progress bar; ``engine``
    names the typesetter (``ENGINES``)."""
    from planlib.publish.notebook import execute, to_markdown

    renderer = engine_module(engine)
    build = root / "reports" / "_build" / report.id
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    stage("执行笔记本")
    executed = execute(report.id, root / report.notebook, build / f"{report.id}.ipynb", report.parameters, cwd=build,
                       env={ASSETS_ENV: report.id})  # assets go to <build>/<id>/  # fmt: skip
    doc = to_markdown(executed, report.id)
    (build / f"{report.id}.md").write_text(doc.markdown, encoding="utf-8")
    out = build / "_out"
    out.mkdir()
    downloads = [(DOWNLOAD_LABELS[f], f"{report.id}.{f}") for f in FORMATS
                 if f != "html" and (f in formats or (staging / f"{report.id}.{f}").is_file())]  # fmt: skip
    job = RenderJob(report=report, markdown=doc.markdown, build=build, out=out, formats=formats,
                    site_title=site_title, downloads=downloads, notes=list(doc.notice.get("notes", [])),
                    stage=stage)  # fmt: skip
    try:
        renderer.render(job)
        missing = [f for f in formats if not (out / f"{report.id}.{f}").is_file()]
        if missing:
            raise RuntimeError(f"引擎 {engine} 没有生成 {'、'.join(missing)}")
    except ReportError:
        raise
    except Exception as exc:  # a renderer failure is this report's failure, not the whole build's
        raise ReportError(report.id, f"排版失败:{type(exc).__name__}: {exc}") from exc
    # every stage succeeded: only now does anything of this report change in the next site
    assets = build / report.id
    if not assets.is_dir():
        assets.mkdir()
    replace_dir(assets, staging / report.id)
    for fmt in formats:
        os.replace(out / f"{report.id}.{fmt}", staging / f"{report.id}.{fmt}")
    return doc.notice


_STATUS_CURRENT = "最新"


def report_status(report_id: str, site: Path, state: dict, digest: str | None, failed: dict[str, str]) -> str:
    """The index's 状态 column, from what is really in ``site`` and which hash each file was built from."""
    present = [f for f in FORMATS if (site / f"{report_id}.{f}").is_file()]
    built_from = state.get(report_id) if isinstance(state.get(report_id), dict) else {}
    if report_id in failed:
        return "本次生成失败,显示的是上一版" if present else "生成失败,尚无可用版本"
    if digest is None:
        return "笔记本不存在" + (",显示的是上一版" if present else "")
    if not present:
        return "尚未生成"
    stale = [LABELS[f] for f in present if built_from.get(f) != digest]  # (built_from also holds "notice")
    if stale:
        return "、".join(stale) + "为旧版(未随数据或代码更新)"
    return _STATUS_CURRENT


LABELS = {"html": "网页版", "pdf": "PDF", "docx": "Word 版"}
DOWNLOAD_LABELS = {"pdf": "PDF 版", "docx": "Word 版"}


PROMISE = "每个数字都来自已公布的数据或由其计算得出;缺失的数据标为“数据暂缺”。"


def site_footer(manifest: Manifest, state: dict) -> str:
    """The index's promise, as true as the reports on the site: which reports show values that are not
    published figures (a report's notice says ``published_only: false``), and the notes of the reports'
    marks (e.g. what † means)."""
    notices = [(r, (state.get(r.id) or {}).get("notice") or {}) for r in manifest.reports]
    unpublished = [r.title for r, n in notices if n and not n.get("published_only", True)]
    notes = list(dict.fromkeys(note for _, n in notices for note in n.get("notes", [])))
    if unpublished:
        promise = (f"注意:{'、'.join(unpublished)}含非公布的测试值,不得作为评估依据;其余数字来自已公布的数据或由其计算"
                   "得出;缺失的数据标为“数据暂缺”。")  # fmt: skip
    else:
        promise = PROMISE
    return " ".join(["由 planlib 生成。" + promise, *notes])


def _kinds_line(manifest: Manifest) -> str:
    """'年度评估、中期评估与终期评估报告' — the kinds of report the manifest lists, in their usual order."""
    from planlib.publish.manifest import KIND_LABEL

    kinds = [label for kind, label in KIND_LABEL.items() if any(r.kind == kind for r in manifest.reports)]
    if not kinds:
        return "报告"
    return ("、".join(kinds[:-1]) + "与" + kinds[-1] if len(kinds) > 1 else kinds[0]) + "报告"


def write_index(manifest: Manifest, staging: Path, statuses: dict[str, str], state: dict | None = None) -> Path:
    rows = []
    for r in manifest.reports:
        links = []
        for ext in FORMATS:
            if (staging / f"{r.id}.{ext}").is_file():
                links.append(f'<a href="{r.id}.{ext}">{LABELS[ext]}</a>')
        status = statuses.get(r.id, "")
        rows.append(f"<tr><td>{html.escape(r.title)}</td><td>{html.escape(r.cutoff)}</td><td>{' · '.join(links)}</td>"
                    f"<td>{html.escape(status)}</td></tr>")  # fmt: skip
    css = (Path(__file__).parent / "templates" / "style.css").read_text(encoding="utf-8")
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(manifest.title)}</title><style>{css}</style></head>
<body><header class="report-header"><h1 class="title">{html.escape(manifest.title)}</h1>
<p class="subtitle">{html.escape(_kinds_line(manifest))}</p></header>
<main><table class="report-list"><caption>报告列表</caption>
<thead><tr><th>报告</th><th>数据截至</th><th>下载</th><th>状态</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></main>
<footer class="site-footer">{html.escape(site_footer(manifest, state or {}))}</footer>
</body></html>
"""
    out = staging / "index.html"
    out.write_text(page, encoding="utf-8")
    return out


def lock_path(root: Path) -> Path:
    return root / "reports" / ".planlib-build.lock"


def clean_leftovers(root: Path) -> list[str]:
    """Undo what a killed build left behind (call under the build lock, before anything else).

    Restores ``reports/_site`` if a swap was cut in half, and removes the staging copy and the scratch
    folders. Returns what was done, in words."""
    done = []
    site = site_dir(root)
    if recover_dir(site):
        done.append(f"恢复了 {site}")
    for leftover in (root / "reports" / ".site-staging", root / "reports" / "_build", root / "reports" / ".site-old"):
        if leftover.exists():
            _remove(leftover)
            done.append(f"删除了残留的 {leftover.name}")
    return done


def _remove(folder: Path) -> None:
    """Delete ``folder``; raise PermissionError naming what is in the way (an immutable or locked file)."""
    failures: list[tuple[str, BaseException]] = []
    shutil.rmtree(folder, onerror=lambda _func, path, info: failures.append((path, info[1])))
    if folder.exists():
        path, error = failures[0] if failures else (str(folder), OSError("无法删除"))
        raise PermissionError(getattr(error, "errno", 1), f"无法删除上次构建留下的 {folder}:其中的 {path} 删不掉"
                              f"({getattr(error, 'strerror', None) or error});请解除该文件的锁定或只读属性后手动删除",
                              str(folder))  # fmt: skip


def build(
    only: list[str] | None = None,
    formats: tuple[str, ...] = FORMATS,
    *,
    jobs: int = 1,
    progress: bool = True,
    force: bool = False,
    root: Path | None = None,
    wait: float = 0,
    engine: str = "offline",
) -> BuildResult:
    """Build the reports (all, or ``only`` these ids) into ``reports/_site``.

    One build at a time (a lock naming its holder; ``wait`` seconds to wait for it, else
    :class:`planlib._lock.LockedError`). The site is built in a staging copy and exchanged with
    ``reports/_site`` in one step at the end, so an interrupted or failed build leaves the previous site
    intact; each report is all-or-nothing, and a failing report keeps its previous output without
    stopping the others. Interrupting (Ctrl-C, SIGTERM, SIGHUP) stops the workers and their kernels and
    raises KeyboardInterrupt with the previous site untouched.
    """
    started = time.perf_counter()
    root = root or project_root()
    manifest = load_manifest(root / "reports" / "manifest.yaml")
    # a report named twice is built once (two workers must never share its scratch folder)
    selected = [manifest.get(i) for i in dict.fromkeys(only)] if only else list(manifest.reports)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"未知的输出格式:{'、'.join(bad)}(可选 {'、'.join(FORMATS)})")
    formats = tuple(f for f in FORMATS if f in formats)
    module = engine_module(engine)
    module.check()  # a clear error before anything is touched (e.g. Quarto too old)
    engine_id = f"{engine} {module.fingerprint()}"
    with run_lock(lock_path(root), "报告构建", wait=wait) as acquired, _interruptible():
        result = BuildResult(site=site_dir(root))
        if acquired.stale is not None:
            result.notices.append(f"上次构建({acquired.stale.describe()})未正常结束")
        result.notices += clean_leftovers(root)
        _build_locked(manifest, selected, formats, root, jobs=jobs, progress=progress, force=force, result=result,
                      engine=engine, engine_id=engine_id)  # fmt: skip
    result.seconds = time.perf_counter() - started
    return result


def _build_locked(manifest: Manifest, selected: list[Report], formats: tuple[str, ...], root: Path, *, jobs: int,
                  progress: bool, force: bool, result: BuildResult, engine: str, engine_id: str) -> None:  # fmt: skip
    site = site_dir(root)
    state = _read_state(site / STATE_FILE, result)
    shared = inputs_hash(root)
    digests: dict[str, str | None] = {}
    todo: list[tuple[Report, str, tuple[str, ...]]] = []
    for report in manifest.reports:
        digests[report.id] = (report_hash(report, root, shared, engine_id)
                              if (root / report.notebook).is_file() else None)  # fmt: skip
    for report in selected:
        digest = digests[report.id]
        if digest is None:
            result.no_notebook.append(report.id)
            continue
        built_from = state.get(report.id, {})
        needed = tuple(f for f in formats
                       if force or built_from.get(f) != digest or not (site / f"{report.id}.{f}").is_file())
        if needed:
            todo.append((report, digest, needed))
        else:
            result.unchanged.append(report.id)
    if not todo and site.is_dir():
        return

    staging = root / "reports" / ".site-staging"
    if site.is_dir():
        shutil.copytree(site, staging)
    else:
        staging.mkdir(parents=True)
    bar = _progress(len(todo), progress)
    try:
        if jobs > 1 and len(todo) > 1:
            _run_pool(todo, root, staging, manifest.title, jobs, result, state, bar, engine)
        else:
            for report, digest, needed in todo:
                bar.set_postfix_str(report.id)
                try:
                    notice = build_one(report, root, staging, needed, manifest.title,
                                       stage=lambda s, rid=report.id: bar.set_postfix_str(f"{rid}:{s}"), engine=engine)
                    _collect(None, (report, digest, needed), result, state, bar, notice)
                except ReportError as exc:
                    _collect(exc, (report, digest, needed), result, state, bar)
        copy_fonts(staging / "fonts")  # style.css serves them: pages never depend on the reader's fonts
        statuses = {r.id: report_status(r.id, staging, state, digests[r.id], result.failed)
                    for r in manifest.reports}  # fmt: skip
        write_index(manifest, staging, statuses, state)
        (staging / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        replace_dir(staging, site)
    finally:
        bar.close()
        for leftover in (staging, root / "reports" / "_build"):
            shutil.rmtree(leftover, ignore_errors=True)
            if leftover.exists():  # the next build will say what is in the way (clean_leftovers)
                result.notices.append(f"未能删除临时文件夹 {leftover};下次构建前会再试并说明原因")


def _read_state(path: Path, result: BuildResult) -> dict:
    """Which hash each published file was built from; a damaged state file means: rebuild, and say so."""
    if not path.is_file():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(state, dict):
            raise ValueError("不是一个映射")
    except (ValueError, UnicodeDecodeError) as exc:
        result.notices.append(f"构建记录 {path} 已损坏({type(exc).__name__}),本次重新生成所有报告")
        return {}
    return {k: v for k, v in state.items() if isinstance(v, dict)}  # older state files: rebuild once


def _worker_init(log: str | None = None) -> None:
    """In each worker: die with the build (Linux), leave Ctrl-C and hang-ups to the build, and on SIGTERM
    (the build stopping us) unwind like Ctrl-C would, so papermill shuts our kernel down before we exit.
    The worker's own error output goes to ``log``: what a report needs to say travels back as its
    result, and an interrupted worker's asyncio noise must not reach the user's terminal."""

    def stop(signum, frame):
        raise KeyboardInterrupt("SIGTERM")

    if log is not None:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 2)
        os.close(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, stop)
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() == 1:  # the build died before prctl took effect
            os._exit(1)


_STOP_GRACE = 10.0  # seconds a stopped worker gets to shut its kernel down before it is killed


def _start_resource_tracker(log: Path) -> None:
    """Start multiprocessing's resource tracker with its error output in ``log``: when a terminal hangs up it
    is signalled too, and its complaints about the workers' semaphores are not the user's business."""
    from multiprocessing import resource_tracker

    main_thread = threading.current_thread() is threading.main_thread()
    # an ignored signal stays ignored across exec: the tracker then outlives a hang-up and keeps count
    hangup = signal.signal(signal.SIGHUP, signal.SIG_IGN) if main_thread else None
    with open(log, "ab") as handle:
        saved = os.dup(2)
        try:
            os.dup2(handle.fileno(), 2)
            resource_tracker.ensure_running()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            if main_thread:
                signal.signal(signal.SIGHUP, hangup)


def _run_pool(todo, root: Path, staging: Path, site_title: str, jobs: int, result: BuildResult, state: dict,
              bar, engine: str) -> None:  # fmt: skip
    # spawn, not fork: forking a process that holds kernel/zmq threads can deadlock the child
    log = root / "reports" / "_build" / "workers.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    _start_resource_tracker(log)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(str(log),))  # fmt: skip
    try:
        futures = {pool.submit(build_one, r, root, staging, needed, site_title, engine=engine): (r, d, needed)
                   for r, d, needed in todo}  # fmt: skip
        for fut in as_completed(futures):
            error = fut.exception()
            _collect(error, futures[fut], result, state, bar, None if error else fut.result())
    except BaseException:
        # interrupted: stop the workers now rather than let them finish (ProcessPoolExecutor.shutdown
        # would wait); each unwinds and shuts its kernel down, and whoever is too slow is killed
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.terminate()
        deadline = time.monotonic() + _STOP_GRACE
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
        raise
    pool.shutdown(wait=True)


def _collect(outcome: BaseException | None, item: tuple, result: BuildResult, state: dict, bar,
             notice: dict | None = None) -> None:  # fmt: skip
    report, digest, formats = item
    if outcome is not None:
        message = str(outcome) if isinstance(outcome, ReportError) else f"报告 {report.id}:{outcome!r}"
        result.failed[report.id] = message  # its previous files and their hashes stay as they were
        print(f"失败:{message}", file=sys.stderr)
    else:
        result.built.append(report.id)
        entry = state.setdefault(report.id, {})
        entry.update({f: digest for f in formats})
        if notice is not None:
            entry["notice"] = notice
    bar.update(1)


@contextlib.contextmanager
def _interruptible():
    """SIGTERM and SIGHUP end the build like Ctrl-C does: the same orderly clean-up, then KeyboardInterrupt."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _NoBar:
    def update(self, n: int = 1) -> None: ...
    def set_postfix_str(self, s: str) -> None: ...
    def close(self) -> None: ...


def _progress(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="生成报告", unit="份", file=sys.stderr)
