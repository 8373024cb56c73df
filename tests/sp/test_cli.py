"""``lacrima analyze``: reports, errors as one line and exit code 2, and the documented example."""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from .conftest import ROOT, sim

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _lacrima(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``lacrima ARGS`` in a fresh interpreter (as a user would)."""
    cmd = [sys.executable, "-c", "from lacrima.cli import main; main()", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=ENV, timeout=300,
                          check=False)  # fmt: skip


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``lacrima ARGS`` in this process through :func:`lacrima.cli.main` (fast)."""
    from lacrima.cli import main

    def _run(*args: str, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        monkeypatch.setattr(sys, "argv", ["lacrima", *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return _run


@pytest.fixture(scope="module")
def session_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    sim(1200.0, fs=100.0, seed=1).write(folder / "session.csv")
    return folder / "session.csv"


def test_html_and_json_reports(run, session_csv: Path) -> None:
    folder = session_csv.parent
    proc = run("analyze", "session.csv", "--out", "out/r.json", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("wrote out/r.json (")
    report = json.loads((folder / "out" / "r.json").read_text())
    assert report["baseline"]["source"] == "markers"
    assert report["recording"]["start_time"] == "2024-01-01T09:00:00Z"
    proc = run("analyze", "session.csv", "-o", "r.html", "--baseline", "0:200", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert "<svg" in (folder / "r.html").read_text()


def test_without_out_the_summary_is_printed(run, session_csv: Path) -> None:
    proc = run("analyze", "session.csv", "--no-progress", cwd=session_csv.parent)
    assert proc.returncode == 0
    assert "Sympathetic index from:" in proc.stdout and "aid to observation" in proc.stdout


def test_progress_bar_when_asked(run, session_csv: Path) -> None:
    proc = run("analyze", "session.csv", "--progress", "-o", "p.json", cwd=session_csv.parent)
    assert proc.returncode == 0
    assert "analysing" in proc.stderr
    quiet = run("analyze", "session.csv", "-o", "q.json", cwd=session_csv.parent)
    assert quiet.stderr == ""  # not a terminal: no bar by default


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "no such file"),
        (["session.csv", "--out", "r.txt"], "--out must end in .html or .json"),
        (["session.csv", "--baseline", "5-10"], "baseline must look like START:END"),
        (["session.csv", "--baseline", "0:2000"], "shorter than the baseline"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    run, session_csv: Path, args: list[str], message: str
) -> None:
    proc = run("analyze", *args, cwd=session_csv.parent)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and message in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_no_usable_channel_from_a_file(run, tmp_path: Path) -> None:
    (tmp_path / "temp.csv").write_text(
        "time_s,skin_temp (degC)\n" + "".join(f"{i},33.0\n" for i in range(900))
    )
    proc = run("analyze", "temp.csv", cwd=tmp_path)
    assert proc.returncode == 2 and "no usable channel" in proc.stderr


def test_help_has_an_example(run, tmp_path: Path) -> None:
    proc = run("analyze", "--help", cwd=tmp_path)
    assert proc.returncode == 0
    for text in ("--out", "--baseline", "lacrima analyze session.csv --out report.html"):
        assert text in proc.stdout


def test_the_documented_example_runs_as_shown(session_csv: Path) -> None:
    """docs/cli.md shows commands and their output; run them and compare."""
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = doc.split("## `lacrima analyze`", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block, "docs/cli.md: the analyze section needs a console example"
    lines = block.group(1).strip().splitlines()
    pairs = [(cmd, out) for cmd, out in itertools.pairwise(lines) if cmd.startswith("$ ")]
    assert pairs
    for cmd, expected in pairs:
        argv = shlex.split(cmd[2:])
        assert argv[0] == "lacrima"
        proc = _lacrima(*argv[1:], cwd=session_csv.parent)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == expected.strip()


def _write_device(path: Path, names: list[str], *, skip_s: float, step: int, epoch: bool) -> Path:
    """One device's table from the simulated session: some channels, from ``skip_s`` on.

    ``epoch=True`` writes Unix time (the file carries its start time), else seconds from 0.
    """
    rec = sim(1200.0, fs=100.0, seed=1).recording
    fs = rec.channels[names[0]].fs_hz
    first = int(skip_s * fs)
    t = (first + np.arange(rec.channels[names[0]].samples.size - first)[::step]) / fs
    start = rec.start_time.timestamp() if epoch else -skip_s
    cols = [rec.channels[n].samples[first::step] for n in names]
    header = "time," + ",".join(f"{n} ({rec.channels[n].unit})" for n in names)
    rows = [f"{start + ti:.3f}," + ",".join(f"{c[i]:.5f}" for c in cols) for i, ti in enumerate(t)]
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def two_devices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """chest.csv (ECG, breathing, Unix time) and wrist.csv (8-ish Hz EDA, 30 s later)."""
    folder = tmp_path_factory.mktemp("two")
    _write_device(folder / "chest.csv", ["ecg", "resp"], skip_s=0.0, step=1, epoch=True)
    _write_device(folder / "wrist.csv", ["eda"], skip_s=30.0, step=12, epoch=True)
    _write_device(folder / "nodate.csv", ["eda"], skip_s=0.0, step=12, epoch=False)
    return folder


def test_two_files_are_one_session(run, two_devices: Path) -> None:
    proc = run("analyze", "chest.csv", "wrist.csv", "-o", "two.json", cwd=two_devices)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((two_devices / "two.json").read_text())
    assert report["recording"]["source"] == "chest.csv + wrist.csv"
    assert set(report["channels"]) == {"ecg", "resp", "eda"}
    assert report["channels"]["eda"]["used"] and report["channels"]["ecg"]["used"]
    assert report["recording"]["start_time"] == "2024-01-01T09:00:00Z"
    assert not any("start time" in p["reason"] for p in report["problems"])


def test_two_files_without_a_start_time_are_aligned_with_a_problem(run, two_devices: Path) -> None:
    proc = run("analyze", "chest.csv", "nodate.csv", "-o", "nodate.json", cwd=two_devices)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((two_devices / "nodate.json").read_text())
    notes = [p for p in report["problems"] if p["part"] == "recording"]
    assert notes and "nodate.csv carries no start time" in notes[0]["reason"]
    assert "aligned" in proc.stderr  # the MergeWarning is shown too


def test_two_files_that_do_not_overlap_exit_2(run, two_devices: Path, tmp_path: Path) -> None:
    late = (two_devices / "wrist.csv").read_text().splitlines()
    shifted = [late[0]] + [
        f"{float(line.split(',')[0]) + 86400:.3f},{line.split(',', 1)[1]}" for line in late[1:]
    ]
    (tmp_path / "chest.csv").write_text((two_devices / "chest.csv").read_text())
    (tmp_path / "nextday.csv").write_text("\n".join(shifted) + "\n")
    proc = run("analyze", "chest.csv", "nextday.csv", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "do not overlap" in proc.stderr
    assert "chest.csv runs 2024-01-01T09:00:00+00:00" in proc.stderr
    assert "nextday.csv runs 2024-01-02T09:00:30+00:00" in proc.stderr
    assert "Traceback" not in proc.stderr
