"""The background worker: ``lacrima worker`` runs the django-q2 cluster.

Uploaded recordings are analysed here, never in a web request. ``lacrima serve`` starts
one worker as a child process by default (``--with-worker``) and stops it with the
server; a production install may run it as its own service instead (``docs/admin.md``,
``docs/therapist.md``).

The worker and its django-q2 processes share one process group. Started by ``serve``, it
is given serve's pid (``--parent-pid``) and watches it: when serve is gone, however it
ended (SIGKILL included), the worker stops itself (SIGTERM, then after
:data:`ORPHAN_GRACE_S` SIGKILL to its whole group), so no orphan lives on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Annotated

import typer

from lacrima.cli._app import app

__all__ = [
    "start_worker_process",
    "stop_worker_process",
    "watch_parent",
    "worker",
    "worker_alongside",
]

logger = logging.getLogger(__name__)

#: How long a stopping worker may finish its current step before it is killed, s.
STOP_TIMEOUT_S = 20.0
#: How often a worker started by serve checks that serve still runs, s.
PARENT_POLL_S = 0.5
#: How long an orphaned worker may stop gently before its group is killed, s.
ORPHAN_GRACE_S = 5.0
_COMMAND = ("-c", "from lacrima.cli import main; main()", "worker")


def _stop_group_when_parent_dies(parent_pid: int) -> None:
    """Poll the parent pid; once it is gone, stop this process group (gently, then not)."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_S)
    logger.warning("lacrima serve (process %d) is gone; the worker stops", parent_pid)
    os.kill(os.getpid(), signal.SIGTERM)  # django-q2's cluster stops its processes
    time.sleep(ORPHAN_GRACE_S)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(os.getpgrp(), signal.SIGKILL)


def watch_parent(parent_pid: int) -> threading.Thread:
    """Start the thread that ends this worker's process group when PARENT_PID ends."""
    thread = threading.Thread(
        target=_stop_group_when_parent_dies, args=(parent_pid,), name="parent-watch", daemon=True
    )
    thread.start()
    return thread


@app.command("worker")
def worker(
    run_once: Annotated[
        bool, typer.Option("--run-once", help="Start, take what is queued, then stop.")
    ] = False,
    parent_pid: Annotated[
        int,
        typer.Option(
            "--parent-pid", min=0, hidden=True, help="Stop when this process ends (serve)."
        ),
    ] = 0,
) -> None:
    """Run the background worker that analyses uploaded recordings (django-q2 cluster).

    'lacrima serve' already starts one unless given --no-worker; run this on its own when
    the web server and the worker are separate services. The queue is the database
    itself unless LACRIMA_REDIS_URL is set. Stop it with Ctrl+C or SIGTERM.

    Example: lacrima worker
    """
    from lacrima.cli.admin import _check_migrated, _django

    if parent_pid:
        if os.getppid() != parent_pid:
            return  # serve ended before the worker started
        watch_parent(parent_pid)
    _django()
    _check_migrated()
    from django.conf import settings
    from django.core.management import call_command

    from lacrima.web import runlock

    typer.echo("Lacrima worker started (Ctrl+C to stop).", err=True)
    with runlock.running(settings.LACRIMA_DATA_DIR):
        call_command("qcluster", run_once=run_once)


def start_worker_process(
    env: Mapping[str, str] | None = None, *, watch: bool = False
) -> subprocess.Popen[bytes]:
    """Start ``lacrima worker`` as a child process in its own process group.

    With ``watch``, the worker stops by itself when this process ends, however it ends.
    """
    extra = ("--parent-pid", str(os.getpid())) if watch else ()
    return subprocess.Popen(
        [sys.executable, *_COMMAND, *extra],
        env=dict(env) if env is not None else None,
        start_new_session=True,
    )


def stop_worker_process(proc: subprocess.Popen[bytes], timeout_s: float = STOP_TIMEOUT_S) -> None:
    """Ask the worker to stop (SIGTERM); kill its whole group if it does not in time."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        logger.warning("the worker did not stop within %.0f s; killing it", timeout_s)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def worker_alongside(enabled: bool = True) -> Iterator[subprocess.Popen[bytes] | None]:
    """Run a worker child process for the duration of the block (``lacrima serve``)."""
    if not enabled:
        yield None
        return
    proc = start_worker_process(watch=True)
    typer.echo(f"Background worker started (process {proc.pid}).", err=True)
    try:
        yield proc
    finally:
        stop_worker_process(proc)
