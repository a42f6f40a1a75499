"""Atomic output: files written beside their target and renamed over it; whole folders swapped in one step.

A failure while producing any file of a set leaves every previous file untouched; ``os.replace`` is
atomic on one filesystem, so a reader sees the old file or the new one, never half of one. A folder of
outputs that belong together (the processed data, the site) is staged beside its target
(:func:`stage_copy`, :func:`staging_dir`) and exchanged with it (:func:`replace_dir`), so no reader ever
sees a mix of two runs.

Any filesystem: what is moved into a folder from another filesystem (a rename there fails with
``EXDEV``, "Invalid cross-device link") is first copied beside its target and then renamed
(:func:`replace_dir`, :func:`move_file`). A full disk (``ENOSPC``) while staging raises
:class:`DiskFull` — one sentence naming the folder — after removing the partial copy; no temporary file
is left behind by any function here.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

Writer = Callable[[Path], None]


class DiskFull(OSError):
    """No space left on the disk while writing ``filename`` (errno ``ENOSPC``); its text is one sentence,
    and whatever was partly written has been removed."""

    def __init__(self, path: Path | str):
        super().__init__(errno.ENOSPC, "磁盘空间不足", str(path))

    def __str__(self) -> str:
        return f"磁盘空间不足,无法写入 {self.filename}"


def _disk_full(exc: BaseException, path: Path | str) -> BaseException:
    """``exc`` as :class:`DiskFull` naming ``path`` when it is ENOSPC, else ``exc`` itself."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC and not isinstance(exc, DiskFull):
        return DiskFull(path)
    return exc


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
    """Write every output aside first; rename them into place only after all writers succeeded.

    Raises :class:`DiskFull` naming the file when the disk fills up (the temporary files are removed)."""
    staged: list[tuple[Path, Path]] = []
    try:
        with contextlib.ExitStack() as stack:
            for target, writer in outputs.items():
                tmp = stack.enter_context(_aside(Path(target)))
                try:
                    writer(tmp)
                except OSError as exc:
                    if _disk_full(exc, target) is exc:
                        raise
                    raise DiskFull(target) from None
                os.chmod(tmp, 0o644)
                staged.append((tmp, Path(target)))
            for tmp, target in staged:
                os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def move_file(source: Path, target: Path) -> None:
    """Move the file ``source`` onto ``target`` in one step for readers of ``target``: a rename, or where
    the two are on different filesystems a copy beside ``target`` renamed over it (then ``source`` is
    deleted). Raises :class:`DiskFull` when the disk fills up, leaving ``target`` as it was."""
    source, target = Path(source), Path(target)
    try:
        os.replace(source, target)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    write_atomic(target, lambda tmp: shutil.copyfile(source, tmp))
    source.unlink()


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


def staging_dir(target: Path) -> Path:
    """Where the next version of the folder ``target`` is made: ``.<name>.staging`` beside it, on the same
    filesystem, so that :func:`replace_dir` swaps it in with a rename whatever disk ``target`` is on."""
    target = Path(target)
    return target.with_name(f".{target.name}.staging")


def incoming_dir(target: Path) -> Path:
    """Where :func:`replace_dir` copies a folder from another filesystem before it swaps it in."""
    target = Path(target)
    return target.with_name(f".{target.name}.incoming")


def copy_tree(source: Path, target: Path) -> None:
    """Copy the folder ``source`` to the new folder ``target`` (files with their times, as
    ``shutil.copytree``), stopping at the first error — raised as it is, with the path that failed; a
    full disk is :class:`DiskFull` naming ``target`` — and removing the partial copy before raising."""
    source, target = Path(source), Path(target)

    def walk(src: Path, dst: Path) -> None:
        dst.mkdir()
        with os.scandir(src) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_dir():
                    walk(Path(entry.path), dst / entry.name)
                else:
                    shutil.copy2(entry.path, dst / entry.name)
        shutil.copystat(src, dst)

    try:
        walk(source, target)
    except BaseException as exc:
        shutil.rmtree(target, ignore_errors=True)
        error = _disk_full(exc, target)
        if error is exc:
            raise
        raise error from None


def stage_copy(target: Path, staging: Path | None = None) -> Path:
    """A fresh staging folder for ``target``: ``staging`` (a folder beside ``target``; default
    :func:`staging_dir`) holding a copy of ``target``, or empty when there is none yet; a staging folder
    left from before is removed first. On any failure nothing is left; a full disk raises
    :class:`DiskFull` naming ``target``. Returns the staging folder."""
    target = Path(target)
    staging = Path(staging) if staging is not None else staging_dir(target)
    if staging.parent.resolve() != target.parent.resolve():
        raise ValueError(f"暂存文件夹 {staging} 须与 {target} 在同一文件夹中(同一文件系统,才能一步替换)")
    shutil.rmtree(staging, ignore_errors=True)
    if target.is_dir():
        try:
            copy_tree(target, staging)
        except DiskFull:
            raise DiskFull(target) from None
    else:
        staging.mkdir(parents=True)
    return staging


def replace_dir(new: Path, target: Path) -> None:
    """Put the folder ``new`` in place of ``target`` so that readers see the old folder or the new one.

    On Linux the two are exchanged atomically: there is no moment without ``target``. Elsewhere the old
    folder is first renamed to :func:`previous_dir`; if the process dies between the two renames,
    :func:`recover_dir` (called by the next run before anything else) puts it back. ``new`` on another
    filesystem (a rename fails with ``EXDEV``) is first copied beside ``target`` (:func:`incoming_dir`;
    a full disk: :class:`DiskFull`, the copy removed, ``target`` and ``new`` as they were) and deleted.
    The old content is deleted afterwards.
    """
    new, target = Path(new), Path(target)
    try:
        _swap(new, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        near = incoming_dir(target)
        shutil.rmtree(near, ignore_errors=True)
        try:
            copy_tree(new, near)
        except DiskFull:
            raise DiskFull(target) from None
        try:
            _swap(near, target)
        finally:
            shutil.rmtree(near, ignore_errors=True)
        shutil.rmtree(new, ignore_errors=True)


def _swap(new: Path, target: Path) -> None:
    """:func:`replace_dir` for two folders on one filesystem (raises OSError EXDEV where they are not)."""
    if not target.exists():
        os.rename(new, target)
        return
    if _renameat2_exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old content
        return
    parked = previous_dir(target)
    shutil.rmtree(parked, ignore_errors=True)
    os.rename(target, parked)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(parked, target)  # e.g. EXDEV: put the old folder back before the caller copies
        raise
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
