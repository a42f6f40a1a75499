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
            env: dict[str, str] | None = None) -> Path:  # fmt: skip
    """Run ``notebook`` with ``parameters`` (papermill); the executed copy goes to ``output``.

    ``env`` is added to the kernel's environment only (this process's environment is not changed).

    The kernel's own log lines (start-up warnings, and its complaints when a build is interrupted) go to
    ``kernel.log`` beside ``output`` instead of the user's terminal; a kernel that dies is still reported
    by papermill as this report's error.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    output.parent.mkdir(parents=True, exist_ok=True)
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
    return output


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
