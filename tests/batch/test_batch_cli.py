"""The ``lacrima batch`` command: help, and usage errors as a message and exit code 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd

from .conftest import lacrima_cli, subprocess_env, write_e4_folder


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        lacrima_cli(*args), cwd=cwd, capture_output=True, text=True, env=subprocess_env(),
        timeout=120, check=False,
    )  # fmt: skip


def test_help_shows_the_options_and_an_example(tmp_path: Path) -> None:
    proc = _run("batch", "--help", cwd=tmp_path)
    assert proc.returncode == 0
    for text in ("--out", "--scheduler", "--workers", "--resume", "lacrima batch study/"):
        assert text in proc.stdout
    for text in ("--fs", "--baseline", "sub-folder"):
        assert text in proc.stdout


def test_an_input_that_names_nothing_is_a_one_line_error(tmp_path: Path) -> None:
    proc = _run("batch", "missing/*.edf", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == "error: no files match 'missing/*.edf'; check the pattern and the folder"
    )
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_workers_and_scheduler_together_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("time_s,ecg\n0,1\n")
    proc = _run("batch", "a.csv", "--out", "out", "--workers", "2", "--scheduler",
                "tcp://127.0.0.1:9", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2
    assert "--workers sizes the local cluster only" in proc.stderr


def test_a_bad_baseline_is_refused_before_any_work(tmp_path: Path) -> None:
    write_e4_folder(tmp_path / "S01")
    proc = _run("batch", "S01", "--out", "out", "--baseline", "5-10", cwd=tmp_path)
    assert proc.returncode == 2
    assert "baseline must look like START:END" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_an_e4_folder_with_baseline_and_fs_runs_as_analyze_would(tmp_path: Path) -> None:
    """E4 folders used to be refused; --baseline has the meaning it has for analyze."""
    write_e4_folder(tmp_path / "S01")
    proc = _run("batch", "S01", "--out", "out", "--workers", "1", "-q",
                "--baseline", "0:120", "--fs", "8", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    sessions = pd.read_csv(tmp_path / "out" / "sessions.csv")
    assert list(sessions.recording_id) == ["S01"]
    assert (sessions.baseline_start_s[0], sessions.baseline_end_s[0]) == (0.0, 120.0)
    assert sessions.baseline_source[0] == "option"
