"""The Python API, ``lacrima.batch.run``, with an injected stand-in analysis.

These tests check the plumbing (errors, crashes, resume, options); the real analysis
runs in ``test_batch_distributed.py``, ``test_batch_resume.py`` and ``test_batch_docs.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import distributed  # noqa: F401  (its config defaults must exist before dask.config.set)
import pandas as pd
import pytest

import lacrima.batch
from lacrima.batch import cluster
from lacrima.errors import LacrimaError

from .conftest import (
    dask_config_value,
    environ_value,
    fake_analyze,
    module_loaded,
    write_plain_csv,
)


@pytest.fixture(scope="module")
def threaded_client() -> Iterator[Any]:
    """An in-process Dask cluster (threads): cheap to start, enough for plumbing tests."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=2,
            processes=False,
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield client


def _mtimes(parts: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in parts.glob("*.json")}


def test_resume_reruns_only_new_changed_and_failed_recordings(
    tmp_path: Path, threaded_client: Any
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for i in range(4):
        write_plain_csv(data / f"r{i}.csv")
    (data / "broken.csv").write_text("no numbers here")
    out = tmp_path / "out"
    first = lacrima.batch.run(
        [str(data / "*.csv")], out, scheduler=threaded_client, analyze=fake_analyze
    )
    assert (first.n_inputs, first.n_ok, first.n_failed, first.n_skipped) == (5, 4, 1, 0)
    before = _mtimes(out / "parts")

    write_plain_csv(data / "r1.csv", duration_s=40.0)  # changed content
    write_plain_csv(data / "r9.csv")  # new
    write_plain_csv(data / "broken.csv")  # fixed
    second = lacrima.batch.run(
        [str(data / "*.csv")], out, scheduler=threaded_client, analyze=fake_analyze, resume=True
    )
    assert (second.n_inputs, second.n_ok, second.n_failed, second.n_skipped) == (6, 3, 0, 3)
    after = _mtimes(out / "parts")
    rewritten = {name for name in before if after[name] != before[name]}
    keys = {
        p.name: lacrima.batch.RecordingInput(str(p.resolve()), p.name).key + ".json"
        for p in data.glob("*.csv")
    }
    assert rewritten == {keys["r1.csv"], keys["broken.csv"]}
    sessions = pd.read_parquet(out / "sessions.parquet")
    assert sorted(sessions.recording_id) == ["broken.csv", "r0.csv", "r1.csv", "r2.csv",
                                             "r3.csv", "r9.csv"]  # fmt: skip
    assert sessions.set_index("recording_id").duration_s["r1.csv"] == pytest.approx(39.9)
    assert pd.read_csv(out / "errors.csv").empty
    summary = json.loads((out / "summary.json").read_text())
    assert summary["n_skipped"] == 3 and summary["n_ok"] == 3


def test_without_resume_everything_is_recomputed(tmp_path: Path, threaded_client: Any) -> None:
    write_plain_csv(tmp_path / "a.csv")
    out = tmp_path / "out"
    lacrima.batch.run([tmp_path / "a.csv"], out, scheduler=threaded_client, analyze=fake_analyze)
    again = lacrima.batch.run(
        [tmp_path / "a.csv"], out, scheduler=threaded_client, analyze=fake_analyze
    )
    assert (again.n_ok, again.n_skipped) == (1, 0)


def test_options_reach_the_analysis(tmp_path: Path, threaded_client: Any) -> None:
    write_plain_csv(tmp_path / "a.csv")
    result = lacrima.batch.run(
        [tmp_path / "a.csv"],
        tmp_path / "out",
        scheduler=threaded_client,
        analyze=fake_analyze,
        options={"fail": ["a.csv"]},
    )
    assert result.n_failed == 1
    errors = pd.read_csv(result.tables.errors_csv)
    assert errors.error.tolist() == ["ZeroDivisionError"]
    assert "see errors.csv" in result.summary


def test_a_crashing_worker_costs_one_recording_not_the_batch(tmp_path: Path) -> None:
    """A worker process that dies on a file (e.g. out of memory) becomes an error row."""
    good = [f"{letter}.csv" for letter in "abcdefg"]
    for name in [*good, "z_crash.csv"]:
        write_plain_csv(tmp_path / name)
    # Let Dask retry a task whose worker died zero times (the test need not wait for
    # retries). The crashing file comes last, when Dask queues tasks and hands a worker
    # one at a time (saturation 1.0), so no other task is on the worker when it dies.
    config = {
        "distributed.scheduler.allowed-failures": 0,
        "distributed.scheduler.worker-saturation": 1.0,
    }
    with dask.config.set(config):
        result = lacrima.batch.run(
            [str(tmp_path / "*.csv")],
            tmp_path / "out",
            n_workers=2,
            analyze=fake_analyze,
            options={"crash": ["z_crash.csv"]},
            chunk_size=1,
        )
    errors = pd.read_csv(result.tables.errors_csv)
    assert errors.recording_id.tolist() == ["z_crash.csv"], errors.to_dict("records")
    assert errors.error[0] == "KilledWorker"
    assert "out of memory" in errors.message[0]
    assert (result.n_ok, result.n_failed) == (len(good), 1)
    assert result.cluster == "local cluster, 2 workers"
    assert 0 < max(result.worker_peak_rss_bytes.values()) < 2 * 2**30


def test_a_chunk_whose_worker_died_is_retried_one_by_one(tmp_path: Path) -> None:
    """Only the recording that kills workers is lost, not the others of its chunk."""
    for name in ("a.csv", "b.csv", "c.csv", "z_crash.csv"):
        write_plain_csv(tmp_path / name)
    config = {
        "distributed.scheduler.allowed-failures": 0,
        "distributed.scheduler.worker-saturation": 1.0,
    }
    with dask.config.set(config):
        result = lacrima.batch.run(
            [str(tmp_path / "*.csv")],
            tmp_path / "out",
            n_workers=1,
            analyze=fake_analyze,
            options={"crash": ["z_crash.csv"]},
            chunk_size=4,  # all four in one task, which kills its worker
        )
    errors = pd.read_csv(result.tables.errors_csv)
    assert errors.recording_id.tolist() == ["z_crash.csv"], errors.to_dict("records")
    assert (result.n_ok, result.n_failed) == (3, 1)


def test_chunks_adapt_to_the_analysis_time(tmp_path: Path, threaded_client: Any) -> None:
    for i in range(40):
        write_plain_csv(tmp_path / f"r{i:02d}.csv", duration_s=5.0)
    result = lacrima.batch.run(
        [str(tmp_path / "*.csv")], tmp_path / "out", scheduler=threaded_client,
        analyze=fake_analyze,
    )  # fmt: skip
    assert result.n_ok == 40
    parts = [json.loads(p.read_text()) for p in (tmp_path / "out" / "parts").glob("*.json")]
    sizes = [part["chunk"] for part in parts]
    # the first tasks hold one recording; once their (short) times are known, more
    assert min(sizes) == 1
    assert 1 < max(sizes) <= 16


def test_workers_option_is_for_the_local_cluster_only(tmp_path: Path) -> None:
    write_plain_csv(tmp_path / "a.csv")
    with pytest.raises(LacrimaError, match="--workers sizes the local cluster only"):
        lacrima.batch.run(
            [tmp_path / "a.csv"], tmp_path / "out", scheduler="tcp://127.0.0.1:1", n_workers=2
        )


def test_an_unreachable_scheduler_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_plain_csv(tmp_path / "a.csv")
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(LacrimaError, match=r"cannot reach the Dask scheduler at tcp://127\.0"):
        lacrima.batch.run([tmp_path / "a.csv"], tmp_path / "out", scheduler="tcp://127.0.0.1:9")


def test_out_must_be_a_folder(tmp_path: Path) -> None:
    write_plain_csv(tmp_path / "a.csv")
    (tmp_path / "out").write_text("")
    with pytest.raises(LacrimaError, match="is not a folder"):
        lacrima.batch.run([tmp_path / "a.csv"], tmp_path / "out")


def test_stale_temporary_parts_are_removed(tmp_path: Path, threaded_client: Any) -> None:
    write_plain_csv(tmp_path / "a.csv")
    parts = tmp_path / "out" / "parts"
    parts.mkdir(parents=True)
    (parts / ".abc.json.x.tmp").write_text("{")
    lacrima.batch.run([tmp_path / "a.csv"], tmp_path / "out", scheduler=threaded_client,
                      analyze=fake_analyze)  # fmt: skip
    assert not list(parts.glob(".*.tmp"))
    assert len(os.listdir(parts)) == 1


def test_local_workers_get_single_thread_blas_and_no_malloc_trim(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Dask's MALLOC_TRIM_THRESHOLD_ slows the analysis 1.4-1.8x, and its profiler a few %.

    The caller's environment is left as it was.
    """
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with cluster.connect(None, 1, 1, "auto") as (client, where):
        assert where == "local cluster, 1 worker"
        assert client.submit(environ_value, "OMP_NUM_THREADS").result() == "1"
        assert client.submit(environ_value, "MALLOC_TRIM_THRESHOLD_").result() is None
        profiling = client.submit(dask_config_value, "distributed.worker.profile.enabled")
        assert profiling.result() is False
        tick = client.submit(dask_config_value, "distributed.admin.tick.interval")
        assert tick.result() == "500ms"
        assert not client.submit(module_loaded, "lacrima.sp").result()
        assert cluster.check_workers(client, where) == 1
        # the probe warmed the worker: the analysis is imported before the first recording
        assert client.submit(module_loaded, "lacrima.sp").result()
        assert client.submit(module_loaded, "lacrima.io.tabular").result()
    assert "OMP_NUM_THREADS" not in os.environ


def test_workers_with_another_lacrima_version_are_refused(
    tmp_path: Path, threaded_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_plain_csv(tmp_path / "a.csv")
    monkeypatch.setattr(cluster, "_probe", lambda: "0.0.1-elsewhere")
    with pytest.raises(LacrimaError, match=r"runs lacrima 0\.0\.1-elsewhere and this machine"):
        lacrima.batch.run([tmp_path / "a.csv"], tmp_path / "out", scheduler=threaded_client,
                          analyze=fake_analyze)  # fmt: skip
    assert not (tmp_path / "out").exists()
