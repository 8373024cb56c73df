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
