"""A lock file that says "Lacrima is running on this data folder".

``lacrima serve`` and ``lacrima worker`` hold a shared ``flock`` on
``<data dir>/lacrima.running`` for as long as they run; ``lacrima restore`` asks for an
exclusive lock without waiting and refuses when it cannot get one. The kernel drops the
lock when a process ends, however it ends (SIGKILL included), so a stale file never
blocks a restore.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from lacrima.errors import LacrimaError

__all__ = ["LOCK_NAME", "ServerRunningError", "exclusive", "running"]

LOCK_NAME = "lacrima.running"


class ServerRunningError(LacrimaError):
    """Lacrima (serve or worker) runs on the data folder an operation needs to itself."""


def _open(data_dir: Path) -> int:
    return os.open(Path(data_dir) / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)


@contextlib.contextmanager
def running(data_dir: Path) -> Iterator[None]:
    """Hold the shared "running" lock for the duration of the block (serve, worker)."""
    fd = _open(data_dir)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive(data_dir: Path, action: str) -> Iterator[None]:
    """Hold the lock alone for ACTION (restore); refuse at once while anything runs.

    Raises
    ------
    ServerRunningError
        ``lacrima serve`` or ``lacrima worker`` runs on ``data_dir``.
    """
    fd = _open(data_dir)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServerRunningError(
                f"cannot {action}: Lacrima is running on {data_dir} ('lacrima serve' or "
                "'lacrima worker'); stop it first, then try again"
            ) from None
        yield
    finally:
        os.close(fd)
