"""Execute a parameterized notebook and turn its outputs into one Markdown document."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import nbformat

from planlib.indicators.marks import NOTICE_MIME


class ReportError(RuntimeError):
    """A report failed: names the report, the notebook cell and the error."""

    def __init__(self, report_id: str, message: str, cell: int | None = None):
        self.report_id, self.message, self.cell = report_id, message, cell
        where = f"报告 {report_id}" + (f",笔记本第 {cell} 个单元格" if cell is not None else "")
        super().__init__(f"{where}:{message}")

    def __reduce__(self):  # travels back from a worker process (planlib build --jobs N) intact
        return (ReportError, (self.report_id, self.message, self.cell))


def execute(report_id: str, notebook: Path, output: Path, parameters: dict[str, Any], cwd: Path,
            env: dict[str, str] | None = None, kernel: WarmKernel | None = None) -> Path:  # fmt: skip
    """Run ``notebook`` with ``parameters`` (papermill); the executed copy goes to ``output``.

    ``env`` is added to the kernel's environment only (this process's environment is not changed).

    Without ``kernel`` a kernel is started for this notebook alone and shut down after it; its own log lines
    (start-up warnings, complaints when a build is interrupted) go to ``kernel.log`` beside ``output``
    instead of the user's terminal. With a :class:`WarmKernel` the notebook runs in that kernel, already
    started and with planlib, pandas and matplotlib already imported, in a fresh namespace (see
    :meth:`WarmKernel.prepare`); a report that fails or kills the kernel fails alone: the kernel is shut
    down and the next report gets a new one. Either way a failing cell raises :class:`ReportError` naming
    the report and the cell, and a kernel that dies raises it with 内核意外退出.
    """
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    output.parent.mkdir(parents=True, exist_ok=True)
    if kernel is None:
        # sockets live in a short private folder: a Unix socket path may not exceed ~100 bytes
        with open(output.parent / "kernel.log", "ab") as log, tempfile.TemporaryDirectory(prefix="planlib-") as sockets:
            try:
                papermill.execute_notebook(
                    str(notebook), str(output), parameters=parameters, cwd=str(cwd), kernel_name="python3",
                    progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                    kernel_manager_class=_kernel_manager_class(log, Path(sockets) / "k", env or {}),
                )  # fmt: skip
            except PapermillExecutionError as exc:
                cell = _code_cell_number(output, exc.exec_count)
                raise ReportError(report_id, f"{exc.ename}: {exc.evalue}", cell=cell) from None
            except DeadKernelError as exc:
                raise ReportError(report_id, f"内核意外退出({exc})") from None
        return output
    _register_warm_engine()
    try:
        kernel.prepare(cwd, env or {})
        papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, cwd=str(cwd), kernel_name="python3",
            progress_bar=False, log_output=False, request_save_on_cell_execute=False, engine_name=_WARM_ENGINE,
            warm=kernel,
        )  # fmt: skip
    except PapermillExecutionError as exc:
        kernel.close()  # whatever the report left behind in the kernel goes with it
        cell = _code_cell_number(output, exc.exec_count)
        raise ReportError(report_id, f"{exc.ename}: {exc.evalue}", cell=cell) from None
    except DeadKernelError as exc:
        kernel.close()
        raise ReportError(report_id, f"内核意外退出({exc})") from None
    except BaseException:  # interrupted, or a failure of the machinery: never reuse this kernel
        kernel.close(now=True)
        raise
    return output


_WARM_ENGINE = "planlib-warm"
# what a fresh report namespace starts with: a warm kernel keeps its imported modules (that is the point) but
# nothing a previous report defined, no open figure, and the working directory and environment of this report
_PRELUDE = """\
get_ipython().run_line_magic("reset", "-f")
import os as _os, sys as _sys
_os.chdir({cwd!r})
[_os.environ.pop(_k, None) for _k in {drop!r}]
_os.environ.update({env!r})
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
del _os, _sys
"""
_WARM_UP = "import planlib.sections.report, planlib.presentation.maps"


class WarmKernel:
    """One Jupyter kernel kept for many notebooks (``planlib build``'s warm workers).

    Started on first use and warmed up with planlib's report modules (pandas, geopandas, matplotlib), so
    each notebook skips kernel start-up and imports. Its log lines go to ``log``. :meth:`close` shuts it down;
    the next :meth:`prepare` starts a new one. Not shared between threads."""

    def __init__(self, log: Path):
        self.log_path = Path(log)
        self.km: Any = None
        self.kc: Any = None
        self.starts = 0  # kernels started so far (a benchmark and test figure)
        self._env: dict[str, str] = {}
        self._sockets: tempfile.TemporaryDirectory | None = None
        self._log: IO[bytes] | None = None

    def _run(self, coro):
        from jupyter_core.utils import ensure_event_loop

        return ensure_event_loop().run_until_complete(coro)

    def _start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # closed in close()
        self._sockets = tempfile.TemporaryDirectory(prefix="planlib-")
        cls = _kernel_manager_class(self._log, Path(self._sockets.name) / "k", {})
        self.km = cls(kernel_name="python3")
        self._run(self.km.start_kernel())
        self.kc = self.km.client()
        self.kc.start_channels()
        self._run(self.kc.wait_for_ready(timeout=60))
        self.kc.allow_stdin = False
        self.starts += 1
        self._execute(_WARM_UP)

    def _execute(self, code: str) -> None:
        reply = self._run(self.kc.execute_interactive(code, timeout=120, output_hook=lambda msg: None))
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"内核准备失败:{reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    def prepare(self, cwd: Path, env: dict[str, str]) -> None:
        """A fresh namespace in ``cwd`` with ``env`` set (keys of the previous report's ``env`` removed);
        starts the kernel if none is running."""
        if self.km is not None and not self._run(self.km.is_alive()):
            self.close(now=True)
        if self.km is None:
            self._start()
        drop = sorted(set(self._env) - set(env))
        self._execute(_PRELUDE.format(cwd=str(cwd), drop=drop, env=dict(env)))
        self._env = dict(env)

    def close(self, now: bool = False) -> None:
        """Shut the kernel down (``now``: kill it at once); harmless when none is running."""
        km, kc, self.km, self.kc, self._env = self.km, self.kc, None, None, {}
        try:
            if kc is not None:
                kc.stop_channels()
            if km is not None:
                try:
                    if self._run(km.is_alive()):
                        self._run(km.shutdown_kernel(now=now))
                finally:
                    self._run(km.cleanup_resources())
        finally:
            if self._sockets is not None:
                self._sockets.cleanup()
                self._sockets = None
            if self._log is not None:
                self._log.close()
                self._log = None


def _register_warm_engine() -> None:
    """A papermill engine that runs the notebook in a :class:`WarmKernel` and leaves it running."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                     start_timeout=60, execution_timeout=None, warm=None, **kwargs):  # fmt: skip
            import logging

            client = PapermillNotebookClient(nb_man, km=warm.km, kernel_name=kernel_name, timeout=execution_timeout,
                                             startup_timeout=start_timeout, log=logging.getLogger("papermill"),
                                             log_output=log_output, stdout_file=stdout_file,
                                             stderr_file=stderr_file)  # fmt: skip
            client.kc = warm.kc  # not owned: the kernel and its channels stay open for the next notebook
            return client.execute(cleanup_kc=False)

    papermill_engines.register(_WARM_ENGINE, WarmEngine)


def _kernel_manager_class(log: IO[bytes], sockets: Path, env: dict[str, str]) -> type:
    """A kernel manager whose kernels talk over Unix sockets named ``<sockets>-N``, log to ``log`` and see
    ``env`` added to the environment."""
    from jupyter_client.manager import AsyncKernelManager

    class ReportKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw: Any):
            # IPC sockets, not TCP: the kernel is local, and nothing listens on a network port
            self.transport = "ipc"
            self.ip = str(sockets)
            kw.setdefault("stdout", log)
            kw.setdefault("stderr", log)
            kw["env"] = {**(kw.get("env") or os.environ), **env}
            return await super()._async_pre_start_kernel(**kw)

    return ReportKernelManager


def _code_cell_number(executed: Path, exec_count: int | None) -> int | None:
    """The 1-based position of the failing cell among all cells of the notebook (as Jupyter shows it)."""
    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return None
    position = 0
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"injected-parameters", "papermill-error-cell-tag"}:
            continue  # cells papermill added: count as in the source notebook the author edits
        position += 1
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return position
    return None


@dataclass(frozen=True)
class Document:
    """The Markdown body of a report plus the files its outputs refer to."""

    markdown: str
    title: str | None
    # what the report tells the publisher about itself (planlib.indicators.marks.report_notice): shown in the footer
    notice: dict = field(default_factory=dict)


def to_markdown(executed: Path, report_id: str) -> Document:
    """Markdown cells as written; code cells contribute only their ``text/markdown`` outputs.

    Code is never shown. Plain-text outputs (a DataFrame's repr, a printed value) are refused: a report
    shows tables and figures through planlib, so a stray repr is a bug, not content.
    """
    nb = nbformat.read(executed, as_version=4)
    parts: list[str] = []
    notice: dict = {}
    for index, cell in enumerate(nb.cells, start=1):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "parameters" in tags or "injected-parameters" in tags or "remove" in tags:
            continue
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                raise ReportError(report_id, f"{output.get('ename')}: {output.get('evalue')}", cell=index)
            if kind in ("display_data", "execute_result"):
                data = dict(output.get("data", {}))
                if NOTICE_MIME in data:
                    notice = _merge_notice(notice, data.pop(NOTICE_MIME))
                if "text/markdown" in data:
                    parts.append(data["text/markdown"])
                elif data:
                    shown = ", ".join(sorted(data))
                    raise ReportError(report_id, f"输出不是报告内容(类型 {shown});请用 planlib 的表格/图形函数", index)
    title = nb.metadata.get("title")
    return Document(markdown="\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n", title=title,
                    notice=notice)


def _merge_notice(old: dict, new: dict) -> dict:
    """Several notices in one report: every note once, and published_only only if all say so."""
    notes = list(dict.fromkeys([*old.get("notes", []), *new.get("notes", [])]))
    return {"published_only": bool(old.get("published_only", True) and new.get("published_only", True)),
            "notes": notes}
