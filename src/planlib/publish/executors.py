"""Where ``planlib build`` runs its report tasks: this process, a local pool of warm workers, or a dask cluster.

Every runner gives the same files: a task is :func:`planlib.publish.build.build_one` for one report, and a
worker (a pool process, a dask worker process, or this process for ``--jobs 1``) keeps one warm Jupyter kernel
per thread (:class:`planlib.publish.notebook.WarmKernel`) for all the reports it runs. A report that fails or
kills its kernel fails alone: that kernel is shut down and the worker's next report gets a new one.

A dask cluster must see the project folder at the same path as the build (one machine, or a shared
filesystem): workers write each report into the build's staging copy of the site.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

_local = threading.local()
_kernels: list = []  # every warm kernel of this process, shut down at exit
_kernels_lock = threading.Lock()

DASK_EXTRA = "scale"


def warm_kernel(root: Path, generation: str = ""):
    """This thread's warm kernel (started on first use; its log in ``reports/_build/kernels``).

    ``generation`` names what the kernel's modules and caches were loaded from (the build's
    :func:`planlib.publish.build.inputs_hash`): a worker that outlives a build (a dask worker) gets a new kernel
    when planlib's code, settings or the other raw files have changed since."""
    from planlib.publish.notebook import WarmKernel

    kernel = getattr(_local, "kernel", None)
    if kernel is not None and getattr(_local, "generation", "") != generation:
        kernel.close()
        kernel = None
    _local.generation = generation
    if kernel is None:
        import os

        log = root / "reports" / "_build" / "kernels" / f"{os.getpid()}-{threading.get_ident()}.log"
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
    from planlib.publish.build import build_one

    timings: dict[str, float] = {}
    notice = build_one(report, root, staging, formats, site_title, engine=engine,
                       kernel=warm_kernel(root, generation), timings=timings)  # fmt: skip
    return notice, timings


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
