"""Fixtures for the cohort-run tests: generated recordings, broken files, Dask clusters.

Recordings come from :mod:`lacrima.sim` (known physiology, seeded) written as the CSV
that :func:`lacrima.read` reads, or as a BIDS physio ``.tsv.gz`` with its JSON sidecar.
Every process a fixture starts is stopped (its whole process group) at teardown.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lacrima.errors import ReadError

# One BLAS/OpenMP thread per process, so that worker processes do not oversubscribe the
# (small, shared) machine; the same settings Dask's nanny gives its workers.
SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}

#: Length and rate of the generated test recordings: long enough for a baseline and a
#: whole S-P cycle (the simulator needs about 20 min to place one), at a rate low enough
#: that a test batch runs in seconds (analysis about 0.3 s per recording).
TEST_DURATION_S = 1200.0
TEST_FS_HZ = 50.0


def simulate(seed: int, duration_s: float = TEST_DURATION_S, fs: float = TEST_FS_HZ) -> Any:
    """A simulated ECG/EDA/RESP session with one or two cycles."""
    from lacrima.sim import simulate_session

    return simulate_session(
        duration_s, fs=fs, channels=("ecg", "eda", "resp"), n_cycles=1 + seed % 2, seed=seed
    )


def write_csv_recording(path: Path, seed: int, **kwargs: Any) -> Path:
    """Write a simulated session as CSV (``time_s`` + one column per channel)."""
    return simulate(seed, **kwargs).write(path)


def write_bids_recording(path: Path, seed: int, **kwargs: Any) -> Path:
    """Write a simulated session as a BIDS ``*_physio.tsv.gz`` with its JSON sidecar."""
    recording = simulate(seed, **kwargs).recording
    channels = list(recording.channels.values())
    n = min(len(c.samples) for c in channels)
    data = np.column_stack([c.samples[:n] for c in channels])
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        np.savetxt(fh, data, delimiter="\t", fmt="%.6g")
    sidecar = path.with_name(path.name[: -len(".tsv.gz")] + ".json")
    sidecar.write_text(
        json.dumps(
            {
                "SamplingFrequency": channels[0].fs_hz,
                "StartTime": 0.0,
                "Columns": [c.name for c in channels],
            }
        )
    )
    return path


def write_broken_files(folder: Path) -> dict[str, Path]:
    """Two files that look like recordings and are not: an empty and a garbled CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    empty = folder / "broken_empty.csv"
    empty.write_bytes(b"")
    garbled = folder / "broken_garbled.csv"
    garbled.write_text("time_s,ecg,eda\n0.00,0.1,2.0\n0.02,zz,2.0\n0.04,0.1,\x00\x01\n")
    return {"empty": empty, "garbled": garbled}


def reader_message(path: Path) -> str:
    """The message :func:`lacrima.read` gives for a broken file."""
    import lacrima

    with pytest.raises(ReadError) as info:
        lacrima.read(path)
    return str(info.value)


def fake_analyze(path: str, **options: Any) -> dict[str, Any]:
    """A stand-in analysis for plumbing tests: reads the CSV with NumPy, fixed cycles.

    ``options["fail"]`` names files to fail with a non-Lacrima exception; ``"crash"`` ones
    kill the worker process.
    """
    name = Path(path).name
    if name in options.get("crash", ()):
        os._exit(13)
    if name in options.get("fail", ()):
        raise ZeroDivisionError("simulated bug")
    try:
        data = np.genfromtxt(path, delimiter=",", names=True)
        duration = float(data["time_s"][-1])
    except Exception as exc:
        raise ReadError(f"{name}: cannot read it as a CSV recording ({exc})") from None
    return {
        "schema_version": "test",
        "recording": {"start_time": "2024-01-01T09:00:00+00:00", "duration_s": duration},
        "channels": {"ecg": {"kind": "ecg", "quality": 0.9},
                     "eda": {"kind": "eda", "quality": 0.8}},
        "phases": [
            {"label": "baseline", "start_s": 0.0, "end_s": 10.0},
            {"label": "S", "start_s": 10.0, "end_s": 20.0},
            {"label": "P", "start_s": 20.0, "end_s": 35.0},
        ],
        "cycles": [
            {"kind": "complete", "s_onset_s": 10.0, "peak_s": 15.0, "p_onset_s": 20.0,
             "end_s": 35.0, "score": 0.5},
            {"kind": "unresolved", "s_onset_s": 40.0, "peak_s": 45.0, "p_onset_s": None,
             "end_s": 55.0, "score": 0.1},
        ],
        "indices": {"t_s": [0.0, 2.0, 4.0], "sympathetic": [0.0, 3.0, None],
                    "parasympathetic": [1.0, -1.0, 0.5]},
        "problems": [{"part": "channel resp", "reason": "flat", "start_s": None, "end_s": None}],
    }  # fmt: skip


def write_plain_csv(path: Path, duration_s: float = 30.0, fs: float = 10.0) -> Path:
    """A tiny CSV for the plumbing tests (no physiology needed)."""
    t = np.arange(0.0, duration_s, 1.0 / fs)
    data = np.column_stack([t, np.sin(t), 2.0 + 0.0 * t])
    np.savetxt(path, data, delimiter=",", header="time_s,ecg,eda", comments="", fmt="%.4f")
    return path


# --- processes ---------------------------------------------------------------------------


def lacrima_cli(*args: str) -> list[str]:
    """The command line that runs ``lacrima ARGS`` with this interpreter."""
    return [
        sys.executable,
        "-c",
        "from lacrima.cli import main; main()",
        *args,
    ]


def subprocess_env() -> dict[str, str]:
    """Environment of the subprocesses: this one, with one BLAS thread per process."""
    return {**os.environ, **SINGLE_THREAD_ENV}


def stop_process_group(proc: subprocess.Popen[Any], timeout_s: float = 20.0) -> None:
    """Stop a process started with ``start_new_session=True`` and everything it spawned."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=timeout_s)
    # The group may outlive its leader (worker processes): make sure it is gone.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.wait(timeout=timeout_s)


class ProcessGroup:
    """Start processes in their own sessions; stop them all (by process group) at the end."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen[Any]] = []

    def start(self, name: str, args: Sequence[str], **kwargs: Any) -> subprocess.Popen[Any]:
        log = (self.log_dir / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            list(args),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=subprocess_env(),
            **kwargs,
        )
        log.close()
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.log_dir.glob("*.log"))
        )

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            stop_process_group(proc)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[ProcessGroup]:
    """A :class:`ProcessGroup` whose processes are stopped at teardown."""
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    group = ProcessGroup(log_dir)
    try:
        yield group
    finally:
        group.stop_all()


def _wait_for(predicate: Any, timeout_s: float, what: str, group: ProcessGroup) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}\n{group.logs()}")


@pytest.fixture
def dask_cluster(tmp_path: Path, processes: ProcessGroup) -> str:
    """A real Dask scheduler and two worker processes (each with a nanny) on 127.0.0.1.

    Started as ``dask scheduler`` / ``dask worker`` subprocesses; returns the scheduler
    address.
    """
    scheduler_file = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    processes.start(
        "scheduler",
        [*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(scheduler_file)],
    )  # fmt: skip
    _wait_for(scheduler_file.exists, 60, "the scheduler file", processes)
    _wait_for(lambda: "address" in scheduler_file.read_text(), 10, "its address", processes)
    address = json.loads(scheduler_file.read_text())["address"]
    for i in range(2):
        processes.start(
            f"worker{i}",
            [*dask, "worker", address, "--name", f"w{i}", "--nthreads", "1", "--host",
             "127.0.0.1", "--no-dashboard", "--memory-limit", "2GiB"],
        )  # fmt: skip
    _wait_for(lambda: _n_workers(scheduler_file) >= 2, 90, "two workers", processes)
    return address


def _n_workers(scheduler_file: Path) -> int:
    """Workers the scheduler knows, asked with a short-lived client."""
    from distributed import Client

    with Client(scheduler_file=str(scheduler_file), timeout=10, set_as_default=False) as c:
        return len(c.scheduler_info()["workers"])


def environ_value(key: str) -> str | None:
    """Run on a worker: one of its environment variables."""
    return os.environ.get(key)


def module_loaded(name: str) -> bool:
    """Run on a worker: whether the module ``name`` is imported there."""
    return name in sys.modules


def dask_config_value(key: str) -> object:
    """Run on a worker: one of its Dask configuration values."""
    import dask

    return dask.config.get(key)


def read_analyze(target: Any, **options: Any) -> dict[str, Any]:
    """A stand-in analysis that really reads the session (one path or a list) and reports
    what it read: its channels, clock and options, with no S-P model (fast)."""
    import warnings

    import lacrima
    from lacrima.io import read_session

    hints = dict(options.get("read_hints") or {})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        session = read_session(target, **hints)
    rec = session.recording
    return {
        "schema_version": "test",
        "recording": {
            "source": rec.source,
            "start_time": rec.start_time.isoformat() if rec.start_time else None,
            "duration_s": rec.duration_s,
        },
        "channels": {
            name: {"kind": c.kind, "quality": 1.0, "used": True, "fs_hz": c.fs_hz}
            for name, c in rec.channels.items()
        },
        "baseline": {"start_s": 0.0, "end_s": 1.0, "source": str(options.get("baseline"))},
        "problems": [{"part": "recording", "reason": str(w.message)} for w in caught]
        + [{"part": "lacrima", "reason": lacrima.__version__}],
    }


def write_e4_folder(folder: Path, start_epoch: float = 1644233389.0, seconds: int = 600) -> Path:
    """A small synthetic Empatica E4 export: EDA (4 Hz), HR (1 Hz), TEMP (4 Hz), tags."""
    folder.mkdir(parents=True, exist_ok=True)
    t4 = np.arange(seconds * 4) / 4
    series = {
        "EDA.csv": (4.0, 1.0 + 0.1 * np.sin(2 * np.pi * t4 / 60)),
        "TEMP.csv": (4.0, 33.0 + 0.0 * t4),
        "HR.csv": (1.0, 70.0 + 3 * np.sin(2 * np.pi * np.arange(seconds) / 120)),
    }
    for name, (fs, values) in series.items():
        start = start_epoch + (10.0 if name == "HR.csv" else 0.0)
        lines = [f"{start:.6f}", f"{fs:.6f}", *(f"{v:.6f}" for v in values)]
        (folder / name).write_text("\n".join(lines) + "\n")
    (folder / "tags.csv").write_text(f"{start_epoch + 100:.2f}\n")
    (folder / "info.txt").write_text("synthetic E4 export for tests\n")
    return folder


def write_device_csv(
    path: Path, column: str, unit: str, fs: float, start_epoch: float | None, seconds: int = 600
) -> Path:
    """One device's table: a time column in Unix seconds (or from 0) and one channel."""
    t = np.arange(int(seconds * fs)) / fs
    values = 2.0 + 0.1 * np.sin(2 * np.pi * t / 90)
    t0 = start_epoch if start_epoch is not None else 0.0
    rows = [f"{t0 + a:.3f},{b:.5f}" for a, b in zip(t, values, strict=True)]
    lines = [f"time,{column} ({unit})", *rows]
    path.write_text("\n".join(lines) + "\n")
    return path
