"""Atomic output: files written beside their target and renamed over it; whole folders swapped in one step.

A failure while producing any file of a set leaves every previous file untouched; ``os.replace`` is
atomic on one filesystem, so a reader sees the old file or the new one, never half of one. A folder of
outputs that belong together (the processed data, the site) is staged beside its target and exchanged
with it (:func:`replace_dir`), so no reader ever sees a mix of two runs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
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


# ------------------------------------------------------------------ whole folders

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _renameat2_exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # no glibc ≥ 2.28: fall back to two renames
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the filesystem cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(b))


def previous_dir(target: Path) -> Path:
    """Where :func:`replace_dir` parks the old folder while it swaps (``.<name>.previous`` beside it)."""
    return target.with_name(f".{target.name}.previous")


def replace_dir(new: Path, target: Path) -> None:
    """Put the folder ``new`` in place of ``target`` so that readers see the old folder or the new one.

    On Linux the two are exchanged atomically: there is no moment without ``target``. Elsewhere the old
    folder is first renamed to :func:`previous_dir`; if the process dies between the two renames,
    :func:`recover_dir` (called by the next run before anything else) puts it back. ``new`` must be on the
    same filesystem as ``target`` (a sibling). The old content is deleted afterwards.
    """
    new, target = Path(new), Path(target)
    if not target.exists():
        os.rename(new, target)
        return
    if _renameat2_exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old content
        return
    parked = previous_dir(target)
    shutil.rmtree(parked, ignore_errors=True)
    os.rename(target, parked)
    os.rename(new, target)
    shutil.rmtree(parked, ignore_errors=True)


def recover_dir(target: Path) -> bool:
    """Undo a swap that a killed process left half done; True if the previous folder was restored."""
    target = Path(target)
    parked = previous_dir(target)
    if parked.is_dir() and not target.exists():
        os.rename(parked, target)
        return True
    if parked.exists():
        shutil.rmtree(parked, ignore_errors=True)
    return False
