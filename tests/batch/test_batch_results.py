"""Rows, part files and tables of a cohort run (no Dask involved)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from lacrima.batch import CYCLE_COLUMNS, SESSION_COLUMNS, RecordingInput
from lacrima.batch.results import (
    PART_FORMAT,
    cycle_rows,
    read_part,
    session_row,
    write_part,
    write_tables,
)
from lacrima.batch.worker import process_recording

from .conftest import fake_analyze, write_plain_csv

ITEM = RecordingInput(path="/data/sub-01_task-film.csv", recording_id="sub-01_task-film.csv",
                      subject="01", task="film")  # fmt: skip


def test_session_row_summarises_a_report() -> None:
    report = {
        "schema_version": 1,
        "recording": {"start_time": "2024-01-01T09:00:00+00:00", "duration_s": 1200.0},
        "channels": {
            "ECG": {"kind": "ecg", "quality": 0.9, "used": True},
            "EDA": {"kind": "eda", "quality": 0.4, "used": False},
            "EDA2": {"kind": "eda", "quality": 0.7, "used": True},
        },
        "baseline": {"start_s": 0.0, "end_s": 300.0, "source": "default"},
        "session": {"kind": "cycles"},
        "phases": [
            {"label": "baseline", "start_s": 0, "end_s": 300},
            {"label": "S", "start_s": 300, "end_s": 420},
            {"label": "peak", "start_s": 420, "end_s": 440},
            {"label": "P", "start_s": 440, "end_s": 600},
        ],
        "cycles": [{"kind": "complete"}, {"kind": "unresolved"}, {"kind": "complete"}],
        "indices": {
            "t_s": [0, 2, 4, 6],
            "sympathetic": [0.0, 1.0, None, 4.0],
            "parasympathetic": [None, None, None, None],
        },
        "problems": [
            {
                "part": "channel resp",
                "reason": "no breathing signal",
                "start_s": None,
                "end_s": None,
            }
        ],
    }
    row = session_row(ITEM, report, content_hash="xxh3_128:x", analysis_s=1.5)
    assert list(row) == list(SESSION_COLUMNS)
    assert row["subject"] == "01" and row["task"] == "film" and row["session"] is None
    assert row["channels_used"] == "ECG:ecg;EDA2:eda" and row["n_channels_used"] == 2
    assert (row["baseline_start_s"], row["baseline_end_s"]) == (0.0, 300.0)
    assert row["baseline_source"] == "default" and row["session_kind"] == "cycles"
    assert row["quality_ecg"] == 0.9
    assert row["quality_eda"] == 0.7  # the best channel of a kind
    assert math.isnan(row["quality_ppg"])
    assert (row["n_cycles"], row["n_cycles_complete"], row["n_cycles_unresolved"]) == (3, 2, 1)
    assert row["n_cycles_undetermined"] == 0
    assert (row["s_phase_s"], row["p_phase_s"]) == (120.0, 160.0)
    assert (row["sympathetic_median"], row["sympathetic_max"]) == (1.0, 4.0)
    assert math.isnan(row["parasympathetic_median"])  # all missing: NaN, not an error
    assert row["problems"] == "channel resp: no breathing signal"
    assert row["schema_version"] == "1"


def test_cycle_rows_keep_timings_and_extra_scalars() -> None:
    report = {
        "cycles": [
            {"kind": "complete", "s_onset_s": 300.0, "peak_s": 420.0, "p_onset_s": 440.0,
             "end_s": 600.0, "s_amplitude": 3.2, "nested": {"dropped": True}},
            {"kind": "unresolved", "s_onset_s": 700.0, "peak_s": 760.0, "p_onset_s": None,
             "end_s": 900.0},
        ]
    }  # fmt: skip
    rows = cycle_rows(ITEM, report)
    assert [r["cycle"] for r in rows] == [0, 1]
    assert list(rows[0])[: len(CYCLE_COLUMNS)] == list(CYCLE_COLUMNS)
    assert rows[0]["s_amplitude"] == 3.2 and "nested" not in rows[0]
    assert math.isnan(rows[1]["p_onset_s"])


def test_part_files_round_trip_and_ignore_foreign_json(tmp_path: Path) -> None:
    part = {"format": PART_FORMAT, "key": "abc", "status": "ok", "value": math.nan}
    path = write_part(tmp_path, part)
    assert path == tmp_path / "abc.json"
    back = read_part(tmp_path, "abc")
    assert back is not None and back["status"] == "ok" and math.isnan(back["value"])
    assert list(tmp_path.glob(".*.tmp")) == []  # written atomically, nothing left over
    (tmp_path / "other.json").write_text(json.dumps({"format": "something-else"}))
    (tmp_path / "torn.json").write_text('{"format": "lacrima-batch')
    assert read_part(tmp_path, "other") is None
    assert read_part(tmp_path, "torn") is None
    assert read_part(tmp_path, "absent") is None


def test_worker_task_turns_errors_into_error_parts(tmp_path: Path) -> None:
    good = write_plain_csv(tmp_path / "good.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("not a recording")
    buggy = write_plain_csv(tmp_path / "buggy.csv")
    parts = {
        p.name: process_recording(
            RecordingInput(path=str(p), recording_id=p.name), fake_analyze, {"fail": ["buggy.csv"]}
        )
        for p in (good, bad, buggy)
    }
    assert parts["good.csv"]["status"] == "ok"
    assert parts["good.csv"]["content_hash"].startswith("xxh3_128:")
    assert parts["good.csv"]["peak_rss_bytes"] > 10 * 2**20
    assert parts["bad.csv"]["status"] == "error"
    assert parts["bad.csv"]["error"]["error"] == "ReadError"
    assert parts["bad.csv"]["error"]["message"].startswith("bad.csv: cannot read it")
    assert parts["buggy.csv"]["error"]["error"] == "ZeroDivisionError"
    assert "unexpected error" in parts["buggy.csv"]["error"]["message"]
    # an unchanged file with the same options is not analysed again
    item = RecordingInput(path=str(good), recording_id="good.csv")
    key = parts["good.csv"]["resume_key"]
    same = process_recording(item, fake_analyze, {"fail": ["buggy.csv"]}, done_hash=key)
    assert same["status"] == "unchanged"
    # other options (a new --baseline) make it new: analysed again (here: fails)
    other = process_recording(item, fake_analyze, {"fail": ["good.csv"]}, done_hash=key)
    assert other["status"] == "error" and other["resume_key"] != key


def test_tables_have_fixed_columns_even_when_empty(tmp_path: Path) -> None:
    paths = write_tables(tmp_path, [])
    sessions = pd.read_parquet(paths.sessions_parquet)
    assert list(sessions.columns) == list(SESSION_COLUMNS) and sessions.empty
    assert list(pd.read_parquet(paths.cycles_parquet).columns) == list(CYCLE_COLUMNS)
    assert pd.read_csv(paths.errors_csv).empty


@pytest.mark.parametrize("n", [1, 3])
def test_tables_gather_ok_and_error_parts(tmp_path: Path, n: int) -> None:
    parts = []
    for i in range(n):
        p = write_plain_csv(tmp_path / f"r{i}.csv")
        parts.append(process_recording(RecordingInput(str(p), f"r{i}.csv"), fake_analyze))
    parts.append(process_recording(RecordingInput(str(tmp_path / "gone.csv"), "gone.csv"),
                                   fake_analyze))  # fmt: skip
    paths = write_tables(tmp_path, parts)
    sessions = pd.read_parquet(paths.sessions_parquet)
    cycles = pd.read_parquet(paths.cycles_parquet)
    errors = pd.read_csv(paths.errors_csv)
    assert list(sessions.recording_id) == [f"r{i}.csv" for i in range(n)]
    assert isinstance(sessions.start_time.dtype, pd.DatetimeTZDtype)
    assert len(cycles) == 2 * n and set(cycles.kind) == {"complete", "unresolved"}
    assert list(errors.recording_id) == ["gone.csv"]
    assert "cannot open" in errors.message[0]
    assert pd.read_csv(paths.sessions_csv).shape == sessions.shape
    assert pd.read_csv(paths.cycles_csv).shape == cycles.shape
