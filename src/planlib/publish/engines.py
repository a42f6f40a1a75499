"""The engine contract: the output formats, what ``planlib build`` hands a typesetter for one report
(:class:`RenderJob`) and the engines by name (:data:`ENGINES`).

Below everything else of the build: the engines (:mod:`.offline`, :mod:`.quarto`) and the report task
(:mod:`.report_task`) import this module; it imports nothing of planlib at run time (the engine modules are
loaded by name, on demand).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planlib.publish.manifest import Report

FORMATS = ("html", "pdf", "docx")


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
