"""One report task: execute its notebook, typeset it with an engine, and put all its files into the staging
site at once (:func:`build_one`). The same task runs in this process, in a pool worker or on a dask worker
(:mod:`.executors`); the build (:mod:`.build`) decides which reports need it.

May import: the base modules, the environment names of :mod:`planlib.inputs.commentary` and
:mod:`planlib.presentation.figures`, and of :mod:`planlib.publish` the engine contract (:mod:`.engines`) and
the notebook runner (:mod:`.notebook`); never the build or the executors, which import this.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from planlib._assets import ENV as ASSETS_ENV
from planlib._io import move_file, replace_dir
from planlib.inputs.commentary import COMMENTARY_ENV
from planlib.presentation.figures import FIGURE_CACHE_ENV
from planlib.publish.engines import FORMATS, RenderJob, engine_module
from planlib.publish.notebook import ReportError

if TYPE_CHECKING:
    from planlib.publish.manifest import Report

DOWNLOAD_LABELS = {"pdf": "PDF 版", "docx": "Word 版"}  # the links in a report's header to its other formats


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

