"""``lacrima serve`` and its background worker end together, however serve ends.

A real server in a subprocess, on a free port and its own data folder (SQLite): SIGKILL
it and every process it started must be gone within a few seconds; the worker on its
own stops on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from cryptography.fernet import Fernet

#: How long the processes may take to end, s (the worker polls every 0.5 s and stops its
#: group within ORPHAN_GRACE_S = 5 s; margin for a loaded machine).
END_WITHIN_S = 15.0
CLI = [sys.executable, "-c", "from lacrima.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("serve-data")
    data.chmod(0o700)
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LACRIMA_", "DJANGO_"))},
        "LACRIMA_DATA_DIR": str(data),
        "LACRIMA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "LACRIMA_SECRET_KEY": "test-" + "x" * 60,
        "OMP_NUM_THREADS": "1",
    }
    subprocess.run([*CLI, "migrate"], env=environment, check=True, capture_output=True, timeout=300)
    return environment


def _wait_for_children(proc: subprocess.Popen[bytes], at_least: int) -> list[psutil.Process]:
    """Descendants of PROC once there are AT_LEAST of them (the worker's cluster started)."""
    deadline = time.monotonic() + 120
    parent = psutil.Process(proc.pid)
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the process ended early"
        found = parent.children(recursive=True)
        if len(found) >= at_least:
            time.sleep(1.0)  # let the cluster finish spawning
            return parent.children(recursive=True)
        time.sleep(0.25)
    raise AssertionError(f"fewer than {at_least} child processes after 120 s")


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


def _assert_all_end(processes: list[psutil.Process]) -> None:
    deadline = time.monotonic() + END_WITHIN_S
    while _alive(processes) and time.monotonic() < deadline:
        time.sleep(0.25)
    left = _alive(processes)
    for p in left:  # do not leave them behind even when the test fails
        p.kill()
    assert not left, f"still running {END_WITHIN_S:.0f} s later: {[p.cmdline() for p in left]}"


def test_sigkill_of_serve_ends_the_worker(env: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(_free_port())],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # the worker, its django-q2 sentinel and at least one of its own processes
        children = _wait_for_children(proc, at_least=3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        _assert_all_end(children)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_worker_on_its_own_stops_on_sigterm(env: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [*CLI, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        children = _wait_for_children(proc, at_least=2)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=END_WITHIN_S)
        _assert_all_end(children)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_restore_refuses_while_serve_runs(env: dict[str, str], tmp_path: Path) -> None:
    backup = tmp_path / "b.zip"
    subprocess.run([*CLI, "backup", "--out", str(backup)], env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(_free_port()), "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        proc.stdout.readline()  # "Lacrima is serving on ..." once the lock is held
        time.sleep(0.5)
        done = subprocess.run(
            [*CLI, "restore", str(backup), "--yes"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("error: cannot restore: Lacrima is running")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
    after = subprocess.run(
        [*CLI, "restore", str(backup), "--yes"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert after.returncode == 0, after.stderr
