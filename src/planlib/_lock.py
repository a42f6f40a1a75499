"""One run at a time: a lock per output folder that names its holder and notices a killed holder.

The lock itself is an OS file lock (``filelock``), released by the kernel when its process dies, so a
killed run never blocks the next one. Beside it a small JSON file names the holder (PID, host, start time,
command); the holder deletes it when it finishes normally. Finding that file while acquiring a free lock
means the previous run was killed: the caller is told, so it can clean up after it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class LockedError(RuntimeError):
    """Another run holds the lock; the message names it."""


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started: str
    command: str

    def describe(self) -> str:
        return f"进程 {self.pid}(主机 {self.host},开始于 {self.started},命令“{self.command}”)"


@dataclass(frozen=True)
class Acquired:
    """What acquiring found: ``stale`` is the holder of a previous run that was killed (or None)."""

    stale: Holder | None


def _read_holder(path: Path) -> Holder | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(int(data["pid"]), str(data["host"]), str(data["started"]), str(data["command"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


@contextlib.contextmanager
def run_lock(lock_file: Path, what: str, *, wait: float = 0) -> Iterator[Acquired]:
    """Hold ``lock_file`` for the duration of the block.

    ``what`` names the run in messages (e.g. “报告构建”). With ``wait`` 0 a held lock raises
    :class:`LockedError` at once; otherwise it waits up to ``wait`` seconds (``float('inf')``: for ever).
    """
    from filelock import FileLock, Timeout

    lock_file = Path(lock_file)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    info = lock_file.with_name(lock_file.name + ".json")
    lock = FileLock(str(lock_file))
    try:
        lock.acquire(timeout=-1 if wait == float("inf") else wait)
    except Timeout:
        holder = _read_holder(info)
        who = holder.describe() if holder else "另一个进程"
        advice = "请等它结束后再运行" + ("" if wait else ",或加 --wait 等待其结束")
        raise LockedError(f"另一个{what}正在进行:{who};{advice}。") from None
    try:
        stale = _read_holder(info) if info.exists() else None
        me = Holder(os.getpid(), socket.gethostname(), dt.datetime.now().isoformat(timespec="seconds"),
                    " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]))  # fmt: skip
        info.write_text(json.dumps(me.__dict__, ensure_ascii=False) + "\n", encoding="utf-8")
        yield Acquired(stale=stale)
    finally:
        # any end that runs this line is orderly (the run cleaned up behind itself); only a killed run
        # leaves the holder file, which is how the next run knows it must clean up
        info.unlink(missing_ok=True)
        lock.release()
