"""Acceptance: ``lacrima batch --scheduler`` on a real distributed Dask cluster.

A ``dask scheduler`` and two ``dask worker`` processes (each with its nanny) run on
127.0.0.1; the ``lacrima`` command, in its own process, sends a batch of simulated
recordings and two broken files to that scheduler, with the real S-P analysis.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from lacrima.batch import CYCLE_COLUMNS, SESSION_COLUMNS

from .conftest import (
    TEST_DURATION_S,
    ProcessGroup,
    lacrima_cli,
    reader_message,
    simulate,
    write_broken_files,
    write_csv_recording,
)

pytestmark = pytest.mark.slow

N_RECORDINGS = 6


def test_cli_runs_a_batch_on_an_existing_cluster(
    tmp_path: Path, dask_cluster: str, processes: ProcessGroup
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for i in range(N_RECORDINGS):
        write_csv_recording(data / f"p{i:02d}.csv", seed=i)
    broken = write_broken_files(data)
    out = tmp_path / "out"

    proc = processes.start(
        "batch",
        lacrima_cli("batch", str(data / "*.csv"), "--out", str(out), "--scheduler", dask_cluster),
    )
    try:
        rc = proc.wait(timeout=400)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the batch did not finish\n{processes.logs()}")
    log = (processes.log_dir / "batch.log").read_text()
    assert rc == 0, processes.logs()
    assert f"{N_RECORDINGS + 2} recordings: {N_RECORDINGS} analysed, 2 failed" in log
    assert dask_cluster in log

    # sessions: one row per good recording, with ids, duration, channels, quality, counts
    sessions = pd.read_parquet(out / "sessions.parquet")
    assert list(sessions.columns)[: len(SESSION_COLUMNS)] == list(SESSION_COLUMNS)
    assert sorted(sessions.recording_id) == [f"p{i:02d}.csv" for i in range(N_RECORDINGS)]
    assert sessions.duration_s.between(TEST_DURATION_S - 1, TEST_DURATION_S + 1).all()
    assert set(sessions.channels_used) == {"ecg:ecg;eda:eda;resp:resp"}
    for kind in ("ecg", "eda", "resp"):  # quality is a 0..1 score per channel kind
        assert sessions[f"quality_{kind}"].between(0.0, 1.0).all()
    assert (sessions.n_cycles == sessions.n_cycles_complete + sessions.n_cycles_unresolved).all()
    assert sessions.content_hash.str.startswith("xxh3_128:").all()
    # The simulator put one or two cycles into each session; the analysis finds cycles
    # in most of them (exact counts are the S-P model's business, tested there).
    truth = sum(len(simulate(i).truth.cycles) for i in range(N_RECORDINGS))
    assert 0.5 * truth <= sessions.n_cycles.sum() <= 2 * truth

    # cycles: one row per cycle, ids and ordered timings
    cycles = pd.read_parquet(out / "cycles.parquet")
    assert list(cycles.columns)[: len(CYCLE_COLUMNS)] == list(CYCLE_COLUMNS)
    assert len(cycles) == sessions.n_cycles.sum()
    assert set(cycles.kind) <= {"complete", "unresolved", "undetermined"}
    assert (cycles.s_onset_s <= cycles.peak_s).all() and (cycles.peak_s <= cycles.end_s).all()
    assert set(cycles.recording_id) <= set(sessions.recording_id)

    # CSV twins hold the same tables
    assert pd.read_csv(out / "sessions.csv").shape == sessions.shape
    assert pd.read_csv(out / "cycles.csv").shape == cycles.shape

    # errors.csv: one row per broken file, with the reader's own message
    errors = pd.read_csv(out / "errors.csv").set_index("recording_id")
    assert sorted(errors.index) == ["broken_empty.csv", "broken_garbled.csv"]
    for name, path in broken.items():
        row = errors.loc[path.name]
        assert row.message == reader_message(path), name
        assert row.error.endswith("Error")

    # the work was shared by the two workers of the cluster
    workers = {json.loads(p.read_text())["worker"] for p in (out / "parts").glob("*.json")}
    assert len(workers) == 2
