"""BIDS physio files: *_physio.tsv.gz with a JSON sidecar, and the run's events."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from io_helpers import read_error

import lacrima
from lacrima.io.errors import MalformedFileError, MissingFileError, TruncatedFileError

STEM = "sub-01_task-cry_run-1_recording-biopac_physio"


def _bids(
    folder: Path, meta: dict[str, Any] | None = None, rows: int = 500, columns: int = 3
) -> Path:
    rng = np.random.default_rng(3)
    data = rng.normal(size=(rows, columns))
    path = folder / f"{STEM}.tsv.gz"
    with gzip.open(path, "wt") as stream:
        np.savetxt(stream, data, delimiter="\t", fmt="%.6g")
    sidecar = {
        "SamplingFrequency": 50.0,
        "StartTime": -2.5,
        "Columns": ["cardiac", "respiratory", "eda"][:columns],
        "cardiac": {"Units": "mV"},
        "eda": {"Units": "µS"},
    }
    (folder / f"{STEM}.json").write_text(json.dumps(sidecar if meta is None else meta))
    return path


def test_reads_channels_rate_start_and_units(tmp_path: Path) -> None:
    rec = lacrima.read(_bids(tmp_path))
    assert list(rec.channels) == ["cardiac", "respiratory", "eda"]
    assert [c.kind for c in rec.channels.values()] == ["ppg", "resp", "eda"]
    assert [c.unit for c in rec.channels.values()] == ["mV", "a.u.", "uS"]
    for channel in rec.channels.values():
        assert channel.fs_hz == 50.0 and channel.start_s == -2.5 and channel.samples.size == 500
    assert rec.duration_s == pytest.approx(-2.5 + 10.0)
    assert rec.start_time is None


def test_events_become_markers(tmp_path: Path) -> None:
    path = _bids(tmp_path)
    events = tmp_path / "sub-01_task-cry_run-1_events.tsv"
    events.write_text("onset\tduration\ttrial_type\n1.5\t2.0\ttears\n6.0\tn/a\trelief\n")
    rec = lacrima.read(path)
    assert [(m.time_s, m.label, m.duration_s) for m in rec.markers] == [
        (1.5, "tears", 2.0),
        (6.0, "relief", 0.0),
    ]


def test_plain_tsv_with_sidecar_is_bids(tmp_path: Path) -> None:
    path = _bids(tmp_path)
    plain = tmp_path / "session.tsv"
    plain.write_bytes(gzip.decompress(path.read_bytes()))
    (tmp_path / "session.json").write_text((tmp_path / f"{STEM}.json").read_text())
    assert lacrima.read(plain).channels["cardiac"].fs_hz == 50.0


def test_missing_sidecar(tmp_path: Path) -> None:
    path = _bids(tmp_path)
    (tmp_path / f"{STEM}.json").unlink()
    read_error(MissingFileError, path, f"needs its JSON sidecar {STEM}.json", "format='csv'")
    # as the message suggests: a headerless table, channels ch1..ch3
    rec = lacrima.read(path, format="csv", fs=50)
    assert list(rec.channels) == ["ch1", "ch2", "ch3"]


def test_sidecar_not_json(tmp_path: Path) -> None:
    path = _bids(tmp_path)
    (tmp_path / f"{STEM}.json").write_text('{\n  "SamplingFrequency": 50,\n  oops\n}')
    read_error(MalformedFileError, path, f"{STEM}.json: line 3, column 3: not valid JSON")


def test_sidecar_without_required_keys(tmp_path: Path) -> None:
    path = _bids(tmp_path, meta={"SamplingFrequency": 50})
    read_error(MalformedFileError, path, "lacks StartTime, Columns")


def test_sidecar_bad_rate(tmp_path: Path) -> None:
    path = _bids(tmp_path, meta={"SamplingFrequency": "fast", "StartTime": 0, "Columns": ["a"]})
    read_error(MalformedFileError, path, "SamplingFrequency is 'fast'", "positive number")


def test_column_count_mismatch(tmp_path: Path) -> None:
    path = _bids(tmp_path, columns=2)
    meta = {"SamplingFrequency": 50, "StartTime": 0, "Columns": ["cardiac", "resp", "eda"]}
    (tmp_path / f"{STEM}.json").write_text(json.dumps(meta))
    read_error(MalformedFileError, path, "line 1 has 2 tab-separated values", "names 3 columns")


def test_truncated_gzip(tmp_path: Path) -> None:
    path = _bids(tmp_path, rows=5000)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    read_error(TruncatedFileError, path, "truncated")
