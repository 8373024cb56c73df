"""``docs/batch.md`` works as written, and documents every option of ``lacrima batch``."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import typer.main

from lacrima.cli import app

from .conftest import ProcessGroup, lacrima_cli, write_bids_recording, write_broken_files

DOC = Path(__file__).resolve().parents[2] / "docs" / "batch.md"


def _quick_start_commands() -> list[list[str]]:
    """The ``$ lacrima batch ...`` lines of the Quick start's console block."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block, "docs/batch.md: the Quick start has no console block"
    lines = [ln[2:] for ln in block.group(1).splitlines() if ln.startswith("$ lacrima batch")]
    return [shlex.split(line) for line in lines]


def test_quick_start_example_runs_on_a_tiny_bids_dataset(
    tmp_path: Path, processes: ProcessGroup
) -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2 and "--resume" in commands[1]
    study = tmp_path / "study"
    (study / "dataset_description.json").parent.mkdir()
    (study / "dataset_description.json").write_text('{"Name": "tiny", "BIDSVersion": "1.9.0"}')
    for sub, seed in (("01", 1), ("02", 2)):
        write_bids_recording(
            study / f"sub-{sub}" / "beh" / f"sub-{sub}_task-film_physio.tsv.gz",
            seed=seed,
            duration_s=600.0,  # no cycle needed here
        )
    # and one recording that cannot be read
    broken = write_broken_files(tmp_path / "broken")["garbled"]
    target = study / "sub-03" / "beh" / "sub-03_task-film_physio.tsv.gz"
    target.parent.mkdir(parents=True)
    target.write_bytes(broken.read_bytes())

    for n, command in enumerate(commands):
        assert command[:2] == ["lacrima", "batch"]
        proc = processes.start(f"run{n}", lacrima_cli(*command[1:]), cwd=tmp_path)
        try:
            assert proc.wait(timeout=300) == 0, processes.logs()
        except subprocess.TimeoutExpired:
            pytest.fail(f"{shlex.join(command)} did not finish\n{processes.logs()}")
    last = (processes.log_dir / "run1.log").read_text()
    assert "3 recordings: 0 analysed, 1 failed, 2 already done" in last

    results = tmp_path / "results"
    sessions = pd.read_parquet(results / "sessions.parquet")
    assert sessions.subject.tolist() == ["01", "02"]
    assert sessions.task.tolist() == ["film", "film"]
    assert sessions.recording_id.tolist() == [
        "sub-01/beh/sub-01_task-film_physio.tsv.gz",
        "sub-02/beh/sub-02_task-film_physio.tsv.gz",
    ]
    errors = pd.read_csv(results / "errors.csv", dtype={"subject": str})
    assert errors.subject.tolist() == ["03"]
    for name in ("sessions.csv", "cycles.parquet", "cycles.csv", "summary.json"):
        assert (results / name).is_file()


def test_every_option_of_the_command_is_documented() -> None:
    command = typer.main.get_command(app)
    batch = command.commands["batch"] if hasattr(command, "commands") else command
    text = DOC.read_text(encoding="utf-8")
    options = [opt for param in batch.params for opt in param.opts if opt.startswith("--")]
    missing = [opt for opt in options if opt != "--help" and f"`{opt}" not in text]
    assert "--scheduler" in options and "--resume" in options
    assert not missing, f"docs/batch.md does not document {missing}"
