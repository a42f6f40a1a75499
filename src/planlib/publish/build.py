"""``planlib build``: every report of the manifest → ``reports/_site`` (incremental, atomic, parallel, locked).

The orchestration only: which reports need rebuilding (:mod:`.digests`), where their tasks run
(:mod:`.executors`, each task :func:`planlib.publish.report_task.build_one`), the staging copy and its
exchange with the site (:mod:`.staging`), the monitoring pages (:mod:`.pages`), the report listing
(:mod:`.site_index`) and the search index (:mod:`.search`), under one lock, interruptible.

May import: every other module of :mod:`planlib.publish` and the layers below; nothing imports it but the
command line (:mod:`planlib.cli`). Names that lived here before the split are still served, with a
deprecation warning naming their new module.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from planlib._lock import run_lock
from planlib._paths import project_root
from planlib.presentation.style import copy_fonts
from planlib.publish.digests import SEEN_CACHE, inputs_hash, report_digests
from planlib.publish.engines import FORMATS, engine_module
from planlib.publish.manifest import Manifest, Report, load_manifest
from planlib.publish.notebook import ReportError
from planlib.publish.site_index import report_status, site_footer, write_index
from planlib.publish.staging import (
    STATE_FILE,
    clean_leftovers,
    commit,
    lock_path,
    manifest_site,
    open_staging,
    read_state,
    remove_scratch,
)


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    no_notebook: list[str] = field(default_factory=list)
    seconds: float = 0.0
    site: Path | None = None
    notices: list[str] = field(default_factory=list)  # e.g. what was cleaned up after a killed build
    # report id -> stage (执行笔记本, 网页, PDF, Word) -> seconds, for the benchmarks; "站点": index, fonts, swap
    stages: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


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
    manifest: Path | None = None,
    scheduler: str | None = None,
) -> BuildResult:
    """Build the reports (all, or ``only`` these ids) into ``reports/_site``.

    One build at a time (a lock naming its holder; ``wait`` seconds to wait for it, else
    :class:`planlib._lock.LockedError`). The site is built in a staging copy and exchanged with
    ``reports/_site`` in one step at the end, so an interrupted or failed build leaves the previous site
    intact; each report is all-or-nothing, and a failing report keeps its previous output without
    stopping the others. Interrupting (Ctrl-C, SIGTERM, SIGHUP) stops the workers and their kernels and
    raises KeyboardInterrupt with the previous site untouched.

    ``manifest`` is another site's manifest (e.g. ``reports/national/manifest.yaml``); its site is built into
    ``_site`` beside it. Default: ``reports/manifest.yaml`` → ``reports/_site``.

    Each worker keeps one warm kernel for the reports it runs (:mod:`planlib.publish.executors`); ``jobs``
    local worker processes, or with ``scheduler`` (the address of a dask.distributed scheduler, e.g.
    ``tcp://127.0.0.1:8786``) the cluster's workers. A report is rebuilt when what it can see changes
    (:func:`report_digests`): a correction to a 2025 figure rebuilds the reports with ``as_of`` 2025 only.
    """
    started = time.perf_counter()
    root = root or project_root()
    manifest = load_manifest(Path(manifest) if manifest else root / "reports" / "manifest.yaml")
    # a report named twice is built once (two workers must never share its scratch folder)
    selected = [manifest.get(i) for i in dict.fromkeys(only)] if only else list(manifest.reports)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"未知的输出格式:{'、'.join(bad)}(可选 {'、'.join(FORMATS)})")
    formats = tuple(f for f in FORMATS if f in formats)
    module = engine_module(engine)
    module.check()  # a clear error before anything is touched (e.g. Quarto too old)
    if scheduler:
        from planlib.publish.executors import require_dask

        require_dask()  # likewise: dask missing is said before the lock is taken
    engine_id = f"{engine} {module.fingerprint()}"
    with run_lock(lock_path(root), "报告构建", wait=wait) as acquired, _interruptible():
        result = BuildResult(site=manifest_site(manifest, root))
        if acquired.stale is not None:
            result.notices.append(f"上次构建({acquired.stale.describe()})未正常结束")
        result.notices += clean_leftovers(root)
        _build_locked(manifest, selected, formats, root, jobs=jobs, progress=progress, force=force, result=result,
                      engine=engine, engine_id=engine_id, scheduler=scheduler)  # fmt: skip
    result.seconds = time.perf_counter() - started
    return result


def _build_locked(manifest: Manifest, selected: list[Report], formats: tuple[str, ...], root: Path, *, jobs: int,
                  progress: bool, force: bool, result: BuildResult, engine: str, engine_id: str,
                  scheduler: str | None = None) -> None:  # fmt: skip
    site = manifest_site(manifest, root)
    state = read_state(site / STATE_FILE, result.notices)
    shared = inputs_hash(root)
    # the seen hashes go into the build record only with a report built: a build that changes no report leaves
    # the record as it was
    seen_cache = {SEEN_CACHE: state.get(SEEN_CACHE)}
    digests = report_digests(manifest, root, engine_id, shared, seen_cache)
    todo: list[tuple[Report, str, tuple[str, ...]]] = []
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

    staging = open_staging(site, root)
    bar = _progress(len(todo), progress)

    def collect(error: BaseException | None, item: tuple, outcome: tuple | None) -> None:
        notice, timings = outcome or (None, {})
        result.stages[item[0].id] = timings
        _collect(error, item, result, state, bar, notice)

    try:
        if scheduler:
            from planlib.publish.executors import run_on_dask

            run_on_dask(scheduler, todo, root, staging, manifest.title, engine, collect, generation=shared)
        elif jobs > 1 and len(todo) > 1:
            from planlib.publish.executors import run_pool

            run_pool(todo, root, staging, manifest.title, jobs, engine, collect, generation=shared)
        else:
            from planlib.publish.executors import run_in_process

            run_in_process(todo, root, staging, manifest.title, engine, collect, generation=shared,
                           progress=bar.set_postfix_str)  # fmt: skip
        site_started = time.perf_counter()
        copy_fonts(staging / "fonts")  # style.css serves them: pages never depend on the reader's fonts
        if result.built:
            state[SEEN_CACHE] = seen_cache[SEEN_CACHE]
        statuses = {r.id: report_status(r.id, staging, state, digests[r.id], result.failed)
                    for r in manifest.reports}  # fmt: skip
        # indicator/district pages, downloads, search (unless the manifest asks for a site of reports only)
        pages = _site_pages(manifest, staging, state, result, shared) if manifest.pages else None
        write_index(manifest, staging, statuses, state, pages)
        if pages is not None:
            from planlib.publish.search import index_site

            index_site(staging)  # last: it indexes every page, the reports and the index
        commit(staging, site, state)
        result.stages["站点"] = {"站点": time.perf_counter() - site_started}
    finally:
        bar.close()
        result.notices += remove_scratch(staging, root)


def _site_pages(manifest: Manifest, staging: Path, state: dict, result: BuildResult, shared: str):
    """The monitoring pages (:func:`planlib.publish.pages.write_site_pages`), kept from the previous build when
    nothing they show changed (``state["_site_pages"]``); a failure there is named and leaves the reports'
    site as it is (the index then links no pages)."""
    from planlib.publish.pages import pages_digest, write_site_pages

    footer = site_footer(manifest, state)
    digest = pages_digest(manifest, shared, footer)
    previous = state.get("_site_pages") or {}
    try:
        reuse = previous if previous.get("digest") == digest else None
        pages = write_site_pages(manifest, staging, footer, reuse=reuse, digest=digest)
        state["_site_pages"] = {"digest": digest, "missing_headline": pages.missing_headline,
                                "headline_label": pages.headline_label}
        return pages
    except Exception as exc:  # the reports are built: a page failure must not lose them
        result.failed["site-pages"] = f"指标页、区县页生成失败:{type(exc).__name__}: {exc}"
        print(f"失败:{result.failed['site-pages']}", file=sys.stderr)
        return None


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


# names that lived here before the publish modules were split (issue 21) -> their module now
_MOVED = {
    "RenderJob": "engines", "ENGINES": "engines", "seen_hash": "digests", "report_hash": "digests",
    "build_one": "report_task", "figure_cache": "report_task", "DOWNLOAD_LABELS": "report_task",
    "LABELS": "site_index", "PROMISE": "site_index",
    "site_dir": "staging",
}  # fmt: skip


def __getattr__(name: str):
    """A name moved to another module of :mod:`planlib.publish`: served from there, with a DeprecationWarning."""
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib
    import warnings

    module = f"planlib.publish.{_MOVED[name]}"
    warnings.warn(f"planlib.publish.build.{name} 已移至 {module}.{name}", DeprecationWarning, stacklevel=2)
    return getattr(importlib.import_module(module), name)
