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
from planlib._io import move_file, recover_dir, replace_dir, stage_copy
from planlib._lock import run_lock
from planlib._paths import PACKAGE_DIR, project_root
from planlib.inputs.commentary import COMMENTARY_ENV
from planlib.presentation.figures import FIGURE_CACHE_ENV
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
    # report id -> stage (执行笔记本, 网页, PDF, Word) -> seconds, for the benchmarks; "站点": index, fonts, swap
    stages: dict[str, dict[str, float]] = field(default_factory=dict)

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
    """Hash of what every report depends on: the raw files that are not observation tables (plan, districts,
    boundaries), monthly monitoring results (``data/monitoring``, made by ``planlib monitor run``) and
    planlib's source (code, YAML, templates, fonts). The observations count per report (:func:`seen_hash`)."""
    from planlib.inputs.observations import raw_observation_files

    h = hashlib.sha256(__version__.encode())
    raw = root / "data" / "raw"
    observations = {p.resolve() for p in raw_observation_files(raw)}
    for path in sorted(p for p in raw.rglob("*") if p.is_file()) if raw.is_dir() else []:
        if path.resolve() not in observations:
            h.update(str(path.relative_to(raw)).encode())
            h.update(path.read_bytes())
    if (root / "data" / "monitoring").is_dir():
        _hash_tree(h, root / "data" / "monitoring")
    _hash_tree(h, PACKAGE_DIR, (".py", ".yaml", ".typ", ".html", ".css", ".ttf", ".json", ".lua", ".docx"))
    return h.hexdigest()


# what a report reads of a row it cannot see (a period after its as_of) when that row cites a source it uses:
# the sources table names the first file and line citing a source and marks it by the confidence of its values
_SOURCE_COLUMNS = ["source_title", "source_url", "source_file", "source_line", "confidence", "preferred"]


def seen_hash(report: Report, observations) -> str:
    """Hash of the observations ``report`` can see: as known on its vintage (``as_known_on``), the rows whose
    period ends by the end of its ``as_of`` (or have no period), every column; of the other rows only what
    the sources table reads (``_SOURCE_COLUMNS``), and only for sources the visible rows cite. A correction
    to a 2025 figure therefore changes the hash of the reports with ``as_of`` 2025 alone. A report that is
    not a yearly report (the monthly bulletin) sees every row."""
    from planlib.inputs.observations import as_known_on
    from planlib.publish.manifest import MonthlyReport

    if isinstance(report, MonthlyReport):
        return hashlib.sha256(observations.to_csv(index=False).encode()).hexdigest()
    obs = as_known_on(observations, report.vintage)
    visible = obs["period_end"].isna() | (obs["period_end"] <= f"{report.as_of}-12-31")
    shown, hidden = obs[visible], obs[~visible]
    cited = set(zip(shown["source_title"], shown["source_url"], strict=True))
    cites = [pair in cited for pair in zip(hidden["source_title"], hidden["source_url"], strict=True)]
    hidden = hidden.loc[hidden.index[cites] if cites else hidden.index[:0]]
    h = hashlib.sha256(shown.to_csv(index=False).encode())
    h.update(hidden[_SOURCE_COLUMNS].to_csv(index=False).encode())
    return h.hexdigest()


def report_hash(report: Report, root: Path, shared: str, engine: str, seen: str = "") -> str:
    """What one report's output depends on (``shared``: :func:`inputs_hash`; ``seen``: :func:`seen_hash`);
    each output format records the hash it was built from."""
    h = hashlib.sha256(shared.encode())
    h.update(seen.encode())
    h.update((root / report.notebook).read_bytes())
    # the analysts' text (sections.commentary), in the commentary folder of the report's own site
    commentary = Path(report.commentary_dir or root / "reports" / "commentary") / f"{report.id}.md"
    if commentary.is_file():
        h.update(b"commentary" + commentary.read_bytes())
    h.update(json.dumps({"p": report.parameters, "e": engine, "t": report.title},
                        sort_keys=True, ensure_ascii=False).encode())  # fmt: skip
    return h.hexdigest()


SEEN_CACHE = "_seen"  # key of the state file entry that keeps the last build's seen hashes (not a report id)


def report_digests(manifest: Manifest, root: Path, engine_id: str, shared: str | None = None,
                   state: dict | None = None) -> dict[str, str | None]:  # fmt: skip
    """Every report's :func:`report_hash` (None: its notebook does not exist). Observations that do not load
    (a :class:`planlib.errors.DataError`) count whole for every report: each rebuilds and says what is wrong.

    ``state`` (the build record) may hold the seen hashes of the last build under :data:`SEEN_CACHE`, keyed
    by the bytes of every observation file, planlib's source (``shared``) and the reports' parameters: when
    none of them changed the observations are not loaded again (a no-op build stays fast); the entry is
    updated in ``state``."""
    from planlib.errors import DataError
    from planlib.inputs.observations import load_observations, raw_observation_files

    shared = shared or inputs_hash(root)
    files = raw_observation_files(root / "data" / "raw")
    key = hashlib.sha256(shared.encode())
    for path in files:
        key.update(str(path).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    key.update(json.dumps([[r.id, r.parameters] for r in manifest.reports], sort_keys=True, default=str).encode())
    cached = (state or {}).get(SEEN_CACHE) or {}
    seen: dict[str, str] = dict(cached.get("seen", {})) if cached.get("key") == key.hexdigest() else {}
    if any(r.id not in seen for r in manifest.reports):
        try:
            observations = load_observations(files)
            seen = {r.id: seen_hash(r, observations) for r in manifest.reports}
        except DataError:
            whole = hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()
            seen = {r.id: whole for r in manifest.reports}
    if state is not None:
        state[SEEN_CACHE] = {"key": key.hexdigest(), "seen": seen}
    return {r.id: report_hash(r, root, shared, engine_id, seen[r.id] + _site_observations_hash(r))
            if (root / r.notebook).is_file() else None for r in manifest.reports}  # fmt: skip


def _site_observations_hash(report: Report) -> str:
    """The bytes of the tidy observations file a manifest's ``site.observations`` gives its reports ('' when the
    reports read data/raw): its path is a parameter, its content must count too."""
    path = report.parameters.get("observations")
    if not path or not Path(str(path)).is_file():
        return ""
    return hashlib.sha256(Path(str(path)).read_bytes()).hexdigest()


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


def figure_cache(root: Path) -> Path:
    """The build's figure cache (:func:`planlib.presentation.figures.cached`): inside ``reports/_build``, so it
    lives for one build (removed with it, or as a leftover by the next build) and never outlives a code change."""
    return root / "reports" / "_build" / ".figure-cache"


def build_one(report: Report, root: Path, staging: Path, formats: tuple[str, ...], site_title: str,
              stage=lambda s: None, engine: str = "offline", kernel=None,
              timings: dict[str, float] | None = None) -> dict:  # fmt: skip
    """Execute and render one report, then put all its files into ``staging`` at once; returns the report's
    notice (what it says about its own data, for the footers: see :func:`planlib.indicators.marks.report_notice`).

    Everything is produced in the report's scratch folder ``reports/_build/<id>`` first; only when every
    requested format has been rendered are the files moved into ``staging`` (the next site). A failure at
    any stage raises :class:`ReportError` and leaves the report's previous HTML, PDF, figures and tables in
    ``staging`` as they were. A format not requested (``--to html``) is left alone.
    ``stage(name)`` is told each stage as it starts (执行笔记本, 网页, PDF) for the progress bar; ``engine``
    names the typesetter (``ENGINES``); ``kernel`` a :class:`planlib.publish.notebook.WarmKernel` to run the
    notebook in (None: a kernel of its own); ``timings`` is filled with the seconds each stage took."""
    from planlib.publish.notebook import execute, to_markdown

    timings = {} if timings is None else timings
    clock: list = [None, time.perf_counter()]  # the stage running and when it started

    def timed(name: str, told=stage) -> None:
        now = time.perf_counter()
        if clock[0] is not None:
            timings[clock[0]] = timings.get(clock[0], 0.0) + now - clock[1]
        clock[:] = [name, now]
        if name:
            told(name)

    stage = timed

    renderer = engine_module(engine)
    build = root / "reports" / "_build" / report.id
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    stage("执行笔记本")
    executed = execute(report.id, root / report.notebook, build / f"{report.id}.ipynb", report.parameters, cwd=build,
                       env={ASSETS_ENV: report.id, FIGURE_CACHE_ENV: str(figure_cache(root)),
                            COMMENTARY_ENV: report.commentary_dir or str(root / "reports" / "commentary")},
                       kernel=kernel)  # assets go to <build>/<id>/; figures drawn once per build  # fmt: skip
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
    # every stage succeeded: only now does anything of this report change in the next site (unless the build
    # it belongs to has ended meanwhile: a task on a dask worker can outlive an interrupted build)
    if not staging.is_dir():
        raise ReportError(report.id, "构建已结束,本报告的结果不再写入")
    assets = build / report.id
    if not assets.is_dir():
        assets.mkdir()
    replace_dir(assets, staging / report.id)
    for fmt in formats:
        move_file(out / f"{report.id}.{fmt}", staging / f"{report.id}.{fmt}")  # staging may be on another disk
    stage("")  # closes the last stage's clock
    timings.pop("", None)
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


def write_index(manifest: Manifest, staging: Path, statuses: dict[str, str], state: dict | None = None,
                pages=None) -> Path:  # fmt: skip
    """``index.html``: the reports with their downloads and state; with ``pages`` (the site's monitoring pages,
    :class:`planlib.publish.pages.SitePages`) also each report's count of 专栏1 indicators without data and
    the links to the indicator, district, search and download pages."""
    rows = []
    missing = pages.missing_headline if pages is not None else {}
    for r in manifest.reports:
        links = []
        for ext in FORMATS:
            if (staging / f"{r.id}.{ext}").is_file():
                links.append(f'<a href="{r.id}.{ext}">{LABELS[ext]}</a>')
        status = statuses.get(r.id, "")
        gaps = f"<td>{missing[r.id]} 项</td>" if r.id in missing else ("<td>—</td>" if missing else "")
        rows.append(f"<tr><td>{html.escape(r.title)}</td><td>{html.escape(r.cutoff)}</td><td>{' · '.join(links)}</td>"
                    f"<td>{html.escape(status)}</td>{gaps}</tr>")  # fmt: skip
    gaps_head = f"<th>{html.escape(pages.headline_label)} 数据暂缺</th>" if missing and pages is not None else ""
    nav = ""
    if pages is not None:
        nav = ('<nav class="site-nav"><a href="indicators/index.html">指标</a> · '
               '<a href="districts/index.html">区县</a> · <a href="search.html">搜索</a> · '
               '<a href="data/index.html">数据下载</a></nav>')  # fmt: skip
    css = (Path(__file__).parent / "templates" / "style.css").read_text(encoding="utf-8")
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(manifest.title)}</title><style>{css}</style></head>
<body>{nav}<header class="report-header"><h1 class="title">{html.escape(manifest.title)}</h1>
<p class="subtitle">{html.escape(_kinds_line(manifest))}</p></header>
<main><table class="report-list"><caption>报告列表</caption>
<thead><tr><th>报告</th><th>数据截至</th><th>下载</th><th>状态</th>{gaps_head}</tr></thead>
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
        result = BuildResult(site=_manifest_site(manifest, root))
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
    site = _manifest_site(manifest, root)
    state = _read_state(site / STATE_FILE, result)
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

    staging = stage_copy(site, site.parent / ".site-staging")  # beside the site: one filesystem, one rename
    bar = _progress(len(todo), progress)
    try:
        if scheduler:
            from planlib.publish.executors import run_on_dask

            def collect(error, item, outcome) -> None:
                notice, timings = outcome or (None, {})
                result.stages[item[0].id] = timings
                _collect(error, item, result, state, bar, notice)

            run_on_dask(scheduler, todo, root, staging, manifest.title, engine, collect, generation=shared)
        elif jobs > 1 and len(todo) > 1:
            _run_pool(todo, root, staging, manifest.title, jobs, result, state, bar, engine, shared)
        else:
            from planlib.publish.executors import close_kernels, warm_kernel

            try:  # one warm kernel for all the reports run here, shut down with the build
                for report, digest, needed in todo:
                    bar.set_postfix_str(report.id)
                    try:
                        timings = result.stages.setdefault(report.id, {})
                        notice = build_one(report, root, staging, needed, manifest.title,
                                           stage=lambda s, rid=report.id: bar.set_postfix_str(f"{rid}:{s}"),
                                           engine=engine, kernel=warm_kernel(root, shared),
                                           timings=timings)  # fmt: skip
                        _collect(None, (report, digest, needed), result, state, bar, notice)
                    except ReportError as exc:
                        _collect(exc, (report, digest, needed), result, state, bar)
            finally:
                close_kernels()
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
        (staging / STATE_FILE).write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        replace_dir(staging, site)
        result.stages["站点"] = {"站点": time.perf_counter() - site_started}
    finally:
        bar.close()
        for leftover in (staging, root / "reports" / "_build"):
            shutil.rmtree(leftover, ignore_errors=True)
            if leftover.exists():  # the next build will say what is in the way (clean_leftovers)
                result.notices.append(f"未能删除临时文件夹 {leftover};下次构建前会再试并说明原因")


def _manifest_site(manifest: Manifest, root: Path) -> Path:
    """``reports/_site`` for the project's manifest, ``<folder>/_site`` for a manifest elsewhere."""
    default = root / "reports" / "manifest.yaml"
    if manifest.path is None or Path(manifest.path).resolve() == default.resolve():
        return site_dir(root)
    return Path(manifest.path).resolve().parent / "_site"


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
              bar, engine: str, generation: str = "") -> None:  # fmt: skip
    # spawn, not fork: forking a process that holds kernel/zmq threads can deadlock the child
    log = root / "reports" / "_build" / "workers.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    _start_resource_tracker(log)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(str(log),))  # fmt: skip
    try:
        from planlib.publish.executors import run_report

        futures = {pool.submit(run_report, r, root, staging, needed, site_title, engine, generation): (r, d, needed)
                   for r, d, needed in todo}  # fmt: skip
        for fut in as_completed(futures):
            error = fut.exception()
            notice, timings = (None, {}) if error else fut.result()
            result.stages[futures[fut][0].id] = timings
            _collect(error, futures[fut], result, state, bar, notice)
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
