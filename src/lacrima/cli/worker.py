"""The background worker: ``lacrima worker`` runs the django-q2 cluster.

Uploaded recordings are analysed here, never in a web request. ``lacrima serve`` starts
one worker as a child process by default (``--with-worker``) and stops it with the
server; a production install may run it as its own service instead (``docs/admin.md``,
``docs/therapist.md``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from typing import Annotated

import typer

from lacrima.cli._app import app

__all__ = ["start_worker_process", "stop_worker_process", "worker", "worker_alongside"]

logger = logging.getLogger(__name__)

#: How long a stopping worker may finish its current step before it is killed, s.
STOP_TIMEOUT_S = 20.0
_COMMAND = ("-c", "from lacrima.cli import main; main()", "worker")


@app.command("worker")
def worker(
    run_once: Annotated[
        bool, typer.Option("--run-once", help="Start, take what is queued, then stop.")
    ] = False,
) -> None:
    """Run the background worker that analyses uploaded recordings (django-q2 cluster).

    'lacrima serve' already starts one unless given --no-worker; run this on its own when
    the web server and the worker are separate services. The queue is the database
    itself unless LACRIMA_REDIS_URL is set. Stop it with Ctrl+C or SIGTERM.

    Example: lacrima worker
    """
    from lacrima.cli.admin import _check_migrated, _django

    _django()
    _check_migrated()
    from django.core.management import call_command

    typer.echo("Lacrima worker started (Ctrl+C to stop).", err=True)
    call_command("qcluster", run_once=run_once)


def start_worker_process(env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``lacrima worker`` as a child process in its own process group."""
    return subprocess.Popen(
        [sys.executable, *_COMMAND],
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
    proc = start_worker_process()
    typer.echo(f"Background worker started (process {proc.pid}).", err=True)
    try:
        yield proc
    finally:
        stop_worker_process(proc)
