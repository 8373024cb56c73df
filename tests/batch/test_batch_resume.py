"""Acceptance: a batch killed halfway loses only its in-flight work.

``lacrima batch`` runs in its own process group with one local worker; once some results
exist the whole group is killed (SIGKILL: no clean-up of any kind). ``--resume`` then
finishes the rest without touching what was done.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from .conftest import ProcessGroup, lacrima_cli, write_broken_files, write_csv_recording

pytestmark = pytest.mark.slow

N_RECORDINGS = 16
KILL_AFTER = 5  # two broken files fail at once, so at least three analysed


def _parts(out: Path) -> dict[str, tuple[int, str]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_text()) for p in (out / "parts").glob("*.json")}


def test_resume_after_kill_finishes_without_redoing_done_files(
    tmp_path: Path, processes: ProcessGroup
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for i in range(N_RECORDINGS):
        write_csv_recording(data / f"p{i:02d}.csv", seed=100 + i)
    write_broken_files(data)
    out = tmp_path / "out"
    args = ("batch", str(data / "*.csv"), "--out", str(out), "--workers", "1", "--quiet")

    first = processes.start("first", lacrima_cli(*args))
    deadline = time.monotonic() + 300
    while len(_parts(out) if (out / "parts").is_dir() else {}) < KILL_AFTER:
        assert first.poll() is None, f"the run ended before it was killed\n{processes.logs()}"
        assert time.monotonic() < deadline, processes.logs()
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the CLI, its scheduler and its worker
    first.wait(timeout=30)

    done = _parts(out)
    total = N_RECORDINGS + 2
    assert KILL_AFTER <= len(done) < total, "kill came too late to test anything"
    for _mtime, text in done.values():  # every part on disk is complete JSON
        json.loads(text)
    assert not (out / "sessions.parquet").exists()
    n_ok_before = sum(json.loads(t)["status"] == "ok" for _m, t in done.values())

    second = processes.start("second", lacrima_cli(*args, "--resume"))
    try:
        assert second.wait(timeout=400) == 0, processes.logs()
    except subprocess.TimeoutExpired:
        pytest.fail(f"the resumed run did not finish\n{processes.logs()}")

    after = _parts(out)
    assert len(after) == total
    unchanged = [name for name, (mtime, text) in done.items() if after[name] == (mtime, text)]
    redone = [name for name in done if name not in unchanged]
    # done recordings were not recomputed; only failed ones are retried by --resume
    assert all(json.loads(done[name][1])["status"] == "error" for name in redone)
    assert len(unchanged) >= n_ok_before
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_skipped"] == n_ok_before
    assert summary["n_ok"] + summary["n_skipped"] == N_RECORDINGS
    assert summary["n_failed"] == 2
    sessions = pd.read_parquet(out / "sessions.parquet")
    assert len(sessions) == N_RECORDINGS and sessions.recording_id.is_unique
    assert len(pd.read_csv(out / "errors.csv")) == 2
