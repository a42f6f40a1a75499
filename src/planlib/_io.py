"""Atomic file output: write beside the target, then rename over it.

A failure while producing any file of a set leaves every previous file untouched; ``os.replace`` is
atomic on one filesystem, so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

Writer = Callable[[Path], None]


@contextlib.contextmanager
def _aside(target: Path) -> Iterator[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_atomic(target: Path, writer: Writer) -> None:
    """Call ``writer(tmp_path)`` and move the result onto ``target`` only if it succeeded."""
    write_all_atomic({target: writer})


def write_all_atomic(outputs: Mapping[Path, Writer]) -> None:
    """Write every output aside first; rename them into place only after all writers succeeded."""
    staged: list[tuple[Path, Path]] = []
    try:
        with contextlib.ExitStack() as stack:
            for target, writer in outputs.items():
                tmp = stack.enter_context(_aside(Path(target)))
                writer(tmp)
                os.chmod(tmp, 0o644)
                staged.append((tmp, Path(target)))
            for tmp, target in staged:
                os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
