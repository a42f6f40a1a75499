"""Where ``planlib build`` runs its report tasks: this process, a local pool of warm workers, or a dask cluster.

Every runner gives the same files: a task is :func:`planlib.publish.report_task.build_one` for one report, and a
worker (a pool process, a dask worker process, or this process for ``--jobs 1``) keeps one warm Jupyter kernel
per thread (:class:`planlib.publish.notebook.WarmKernel`) for all the reports it runs. A report that fails or
kills its kernel fails alone: that kernel is shut down and the worker's next report gets a new one.

A dask cluster must see the project folder at the same path as the build (one machine, or a shared
filesystem): workers write each report into the build's staging copy of the site.

Each runner (:func:`run_in_process`, :func:`run_pool`, :func:`run_on_dask`) takes the build's list of
``(report, digest, formats)`` and tells ``collect(error, item, outcome)`` each outcome as it arrives
(``outcome``: the report's notice and the seconds each stage took; None for a pool or dask task that
failed); the build keeps the record.

May import: the base modules and of :mod:`planlib.publish` the report task (:mod:`.report_task`) and the
notebook runner; never the build, which calls this.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

_local = threading.local()
_kernels: list = []  # every warm kernel of this process, shut down at exit
_kernels_lock = threading.Lock()

DASK_EXTRA = "scale"


def warm_kernel(root: Path, generation: str = ""):
    """This thread's warm kernel (started on first use; its log in ``reports/_build/kernels``).

    ``generation`` names what the kernel's modules and caches were loaded from (the build's
    :func:`planlib.publish.digests.inputs_hash`): a worker that outlives a build (a dask worker) gets a new kernel
    when planlib's code, settings or the other raw files have changed since. A kernel belongs to one project: a
    build of another ``root`` in this thread gets a new one (the old one would restart with its log in the first
    project's ``reports/_build``, after that build had removed it)."""
    from planlib.publish.notebook import WarmKernel

    log = root / "reports" / "_build" / "kernels" / f"{os.getpid()}-{threading.get_ident()}.log"
    kernel = getattr(_local, "kernel", None)
    if kernel is not None and (getattr(_local, "generation", "") != generation or kernel.log_path != log):
        kernel.close()
        kernel = None
    _local.generation = generation
    if kernel is None:
        kernel = _local.kernel = WarmKernel(log)
        with _kernels_lock:
            if not _kernels:
                _at_exit()
            _kernels.append(kernel)
    return kernel


def close_kernels(now: bool = False) -> None:
    """Shut down every warm kernel of this process (the end of a build run here, or a worker's exit)."""
    with _kernels_lock:
        kernels = list(_kernels)
    for kernel in kernels:
        try:
            kernel.close(now=now)
        except Exception:  # a kernel that cannot be reached is gone already
            pass


def _at_exit() -> None:
    """Close the kernels when this process ends: atexit for a normal exit, a multiprocessing finaliser for a
    pool worker (which leaves through ``os._exit`` after its finalisers, not through atexit)."""
    import atexit
    from multiprocessing import util

    atexit.register(close_kernels, True)
    util.Finalize(None, close_kernels, args=(True,), exitpriority=10)


def run_report(report, root: Path, staging: Path, formats: tuple[str, ...], site_title: str,
               engine: str, generation: str = "") -> tuple[dict, dict[str, float]]:  # fmt: skip
    """One report task on a worker (pool or dask): :func:`build_one` in this worker's warm kernel; returns the
    report's notice and the seconds each stage took."""
    from planlib.publish.report_task import build_one

    timings: dict[str, float] = {}
    notice = build_one(report, root, staging, formats, site_title, engine=engine,
                       kernel=warm_kernel(root, generation), timings=timings)  # fmt: skip
    return notice, timings


def run_in_process(todo: list, root: Path, staging: Path, site_title: str, engine: str, collect,
                   generation: str = "", progress: Callable[[str], None] = lambda text: None) -> None:  # fmt: skip
    """Run every ``(report, digest, formats)`` of ``todo`` here, one after the other, in one warm kernel shut down
    at the end; ``collect(error, item, (notice, timings))`` is told each outcome (a failed report's timings are
    those of the stages it ran). ``progress(text)`` is told the report and the stage running (the progress
    bar). Only a :class:`planlib.publish.notebook.ReportError` is a report's failure; anything else ends the run."""
    from planlib.publish.notebook import ReportError
    from planlib.publish.report_task import build_one

    try:  # one warm kernel for all the reports run here, shut down with the build
        for report, digest, needed in todo:
            progress(report.id)
            timings: dict[str, float] = {}
            try:
                notice = build_one(report, root, staging, needed, site_title,
                                   stage=lambda s, rid=report.id: progress(f"{rid}:{s}"),
                                   engine=engine, kernel=warm_kernel(root, generation), timings=timings)  # fmt: skip
                collect(None, (report, digest, needed), (notice, timings))
            except ReportError as exc:
                collect(exc, (report, digest, needed), (None, timings))
    finally:
        close_kernels()


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


def run_pool(todo: list, root: Path, staging: Path, site_title: str, jobs: int, engine: str, collect,
             generation: str = "") -> None:  # fmt: skip
    """Run every ``(report, digest, formats)`` of ``todo`` in a pool of ``jobs`` local worker processes, each
    with its warm kernel (:func:`run_report`); ``collect(error, item, outcome)`` is told each outcome as it
    arrives. Interrupted (Ctrl-C, SIGTERM), the workers are stopped at once: each unwinds and shuts its kernel
    down, and whoever is too slow (:data:`_STOP_GRACE`) is killed."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn, not fork: forking a process that holds kernel/zmq threads can deadlock the child
    log = root / "reports" / "_build" / "workers.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    _start_resource_tracker(log)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_init, initargs=(str(log),))  # fmt: skip
    try:
        futures = {pool.submit(run_report, r, root, staging, needed, site_title, engine, generation): (r, d, needed)
                   for r, d, needed in todo}  # fmt: skip
        for fut in as_completed(futures):
            error = fut.exception()
            collect(error, futures[fut], None if error else fut.result())
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


class SchedulerUnavailable(RuntimeError):
    """``--scheduler`` cannot be used here: dask.distributed is not installed, or its scheduler cannot be reached."""


def require_dask() -> None:
    """Raise :class:`SchedulerUnavailable` naming the extra to install when dask.distributed is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise SchedulerUnavailable(f"--scheduler 需要 dask.distributed,当前环境未安装;请安装 planlib 的 {DASK_EXTRA} "
                                   f"扩展:pip install 'planlib[{DASK_EXTRA}]'") from None  # fmt: skip


def dask_client(address: str):
    """A dask.distributed client for the scheduler at ``address``; raises :class:`SchedulerUnavailable` when
    dask is not installed or the scheduler cannot be reached."""
    require_dask()
    from distributed import Client

    try:
        return Client(address, timeout=30, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnavailable(f"无法连接 dask 调度器 {address}:{exc}") from None


def run_on_dask(address: str, todo: list, root: Path, staging: Path, site_title: str, engine: str, collect,
                generation: str = "") -> None:  # fmt: skip
    """Run every ``(report, digest, formats)`` of ``todo`` as a dask task; ``collect(error, item, notice)`` is
    told each outcome as it arrives (``notice`` is :func:`run_report`'s pair). Interrupted, the tasks not yet
    finished are cancelled."""
    from distributed import as_completed

    client = dask_client(address)
    try:
        futures = {}
        for item in todo:
            report, _digest, needed = item
            # pure=False: a task runs every time it is asked for (its output lands in this build's staging)
            fut = client.submit(run_report, report, root, staging, needed, site_title, engine, generation, pure=False,
                                key=f"planlib-{report.id}-{uuid.uuid4().hex}")  # fmt: skip
            futures[fut] = item
        try:
            for fut in as_completed(list(futures), loop=client.loop):
                error = fut.exception()
                collect(error, futures[fut], None if error else fut.result())
        except BaseException:
            client.cancel(list(futures), force=True)
            raise
    finally:
        client.close()
