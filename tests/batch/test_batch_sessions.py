"""Sessions in a cohort run: E4 folders and zips, two-device session folders, ``--fs``,
``--baseline``, and a resume key that covers every file, the options and the version."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import lacrima
import lacrima.batch
from lacrima.batch import discover_inputs
from lacrima.batch.worker import process_recording

from .conftest import read_analyze, write_device_csv, write_e4_folder

EPOCH = datetime(2024, 3, 1, 10, 0, tzinfo=UTC).timestamp()
SHARED_S04 = Path("/work/shared/data/stress-predict/Raw_data/S04")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """An in-process Dask cluster, one thread (warnings are recorded per process)."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0"
        ) as cluster,
        Client(cluster, set_as_default=False) as c,
    ):
        yield c


def _pair(folder: Path, wrist_start: float | None, wrist_offset_s: float = 60.0) -> Path:
    """A session folder: chest.csv (1-Hz heart rate) and wrist.csv (8-Hz EDA)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_device_csv(folder / "chest.csv", "HR", "bpm", 1.0, EPOCH)
    start = None if wrist_start is None else wrist_start + wrist_offset_s
    write_device_csv(folder / "wrist.csv", "EDA", "uS", 8.0, start)
    return folder


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A study folder: an E4 folder, an E4 zip, three two-device sessions, a loose file."""
    root = tmp_path / "study"
    write_e4_folder(root / "S01")
    e4 = write_e4_folder(tmp_path / "zipsrc" / "S02")
    with zipfile.ZipFile(root / "S02.zip", "w") as archive:
        for f in e4.iterdir():
            archive.write(f, f.name)
    _pair(root / "overlap", EPOCH)
    _pair(root / "nodate", None)
    _pair(root / "apart", EPOCH, wrist_offset_s=86400.0)
    write_device_csv(root / "loose.csv", "EDA", "uS", 8.0, EPOCH)
    (root / "README.md").write_text("notes, not a recording\n")
    return root


def test_a_study_folder_has_one_session_per_file_and_sub_folder(study: Path) -> None:
    items = {i.recording_id: i for i in discover_inputs([study])}
    assert sorted(items) == ["S01", "S02.zip", "apart", "loose.csv", "nodate", "overlap"]
    assert items["S01"].target == str(study / "S01")
    assert items["S02.zip"].target == str(study / "S02.zip")
    pair = [str(study / "overlap" / name) for name in ("chest.csv", "wrist.csv")]
    assert items["overlap"].target == pair
    assert items["loose.csv"].target == str(study / "loose.csv")


def test_an_e4_folder_given_directly_is_one_session(study: Path) -> None:
    items = discover_inputs([study / "S01", study / "S02.zip"])
    assert [i.target for i in items] == [str(study / "S01"), str(study / "S02.zip")]


@pytest.mark.skipif(not SHARED_S04.is_dir(), reason="shared Stress-Predict data not present")
def test_the_real_e4_folder_is_accepted_whole() -> None:
    """Today's bug: the folder was refused and the suggested glob failed on its 7 files."""
    items = discover_inputs([SHARED_S04])
    assert len(items) == 1 and items[0].target == str(SHARED_S04)
    assert len(items[0].companions) == 0  # hashed as a folder: every file inside
    items = discover_inputs([str(SHARED_S04.parent / "S0[4]")])
    assert [i.target for i in items] == [str(SHARED_S04)]


def test_sessions_are_read_merged_and_errors_name_both_spans(
    study: Path, tmp_path: Path, client: Any
) -> None:
    out = tmp_path / "out"
    result = lacrima.batch.run([study], out, scheduler=client, analyze=read_analyze)
    assert (result.n_inputs, result.n_ok, result.n_failed) == (6, 5, 1)
    sessions = pd.read_csv(out / "sessions.csv").set_index("recording_id")
    assert set(sessions.loc["overlap", "channels_used"].split(";")) == {"HR:hr", "EDA:eda"}
    assert sessions.loc["S01", "channels_used"].startswith("eda:eda")
    assert sessions.loc["S02.zip", "n_channels_used"] == 3
    assert "no start time" in sessions.loc["nodate", "problems"]
    assert "no start time" not in sessions.loc["overlap", "problems"]
    errors = pd.read_csv(out / "errors.csv")
    assert list(errors.recording_id) == ["apart"]
    assert errors.error[0] == "NoOverlapError"
    assert "chest.csv runs 2024-03-01T10:00:00+00:00" in errors.message[0]
    assert "wrist.csv runs 2024-03-02T10:00:00+00:00" in errors.message[0]


def test_fs_goes_to_the_tables_that_need_it_only(tmp_path: Path, client: Any) -> None:
    from pyedflib import highlevel

    pair = tmp_path / "study" / "lab"
    pair.mkdir(parents=True)
    t = np.arange(600 * 64) / 64
    header = highlevel.make_header(startdate=datetime(2024, 3, 1, 10, 0))
    highlevel.write_edf(
        str(pair / "chest.edf"),
        [np.sin(2 * np.pi * 1.2 * t)],
        [highlevel.make_signal_header("ECG", "mV", 64, -2, 2)],
        header,
    )
    (pair / "wrist.csv").write_text("EDA\n" + "\n".join("2.0" for _ in range(8 * 300)) + "\n")
    shutil.copy(pair / "chest.edf", tmp_path / "study" / "alone.edf")
    out = tmp_path / "out"
    without = lacrima.batch.run([tmp_path / "study"], out, scheduler=client, analyze=read_analyze)
    assert (without.n_ok, without.n_failed) == (1, 1)
    assert pd.read_csv(out / "errors.csv").error[0] == "MissingRateError"
    with_fs = lacrima.batch.run(
        [tmp_path / "study"],
        out,
        scheduler=client,
        analyze=read_analyze,
        options={"read_hints": {"fs": 8.0}},
    )
    assert (with_fs.n_ok, with_fs.n_failed) == (2, 0)  # the EDF alone is not refused for fs


# --- the resume key ---------------------------------------------------------------------


def _write_wfdb(folder: Path, label: str) -> Path:
    import wfdb

    folder.mkdir(parents=True, exist_ok=True)
    fs = 100
    sig = np.sin(2 * np.pi * 1.2 * np.arange(60 * fs) / fs).reshape(-1, 1)
    wfdb.wrsamp("rec", fs=fs, units=["mV"], sig_name=["ECG"], p_signal=sig, write_dir=str(folder))
    wfdb.wrann("rec", "atr", np.array([500, 1500]), symbol=["+", "+"],
               aux_note=[label, "end"], write_dir=str(folder))  # fmt: skip
    return folder / "rec.hea"


def _resume(item: Any, first: dict[str, Any], **options: Any) -> str:
    again = process_recording(item, read_analyze, options, done_hash=first["resume_key"])
    return str(again["status"])


def test_resume_key_covers_an_edited_atr_file(tmp_path: Path) -> None:
    header = _write_wfdb(tmp_path / "w", "(N")
    (item,) = discover_inputs([header])
    assert str(tmp_path / "w" / "rec.atr") in item.companions
    first = process_recording(item, read_analyze, {})
    assert first["status"] == "ok"
    assert _resume(item, first) == "unchanged"
    _write_wfdb(tmp_path / "w", "(AFIB")  # the annotations were corrected
    assert _resume(item, first) == "ok"


def test_resume_key_covers_every_file_of_a_session_and_e4_folders(tmp_path: Path) -> None:
    pair = _pair(tmp_path / "study" / "pair", EPOCH)
    e4 = write_e4_folder(tmp_path / "study" / "S01")
    items = {i.recording_id: i for i in discover_inputs([tmp_path / "study"])}
    firsts = {k: process_recording(i, read_analyze, {}) for k, i in items.items()}
    assert all(_resume(items[k], firsts[k]) == "unchanged" for k in items)
    write_device_csv(pair / "wrist.csv", "EDA", "uS", 8.0, EPOCH + 30.0)  # second device
    (e4 / "tags.csv").write_text(f"{EPOCH + 200:.2f}\n")  # one file inside the E4 export
    assert _resume(items["pair"], firsts["pair"]) == "ok"
    assert _resume(items["S01"], firsts["S01"]) == "ok"


def test_resume_key_covers_the_options_and_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (item,) = discover_inputs([write_device_csv(tmp_path / "a.csv", "EDA", "uS", 8.0, EPOCH)])
    first = process_recording(item, read_analyze, {"baseline": "0:300"})
    assert _resume(item, first, baseline="0:300") == "unchanged"
    assert _resume(item, first, baseline="0:200") == "ok"  # a new --baseline
    assert _resume(item, first, baseline="0:300", read_hints={"fs": 8.0}) == "ok"
    monkeypatch.setattr(lacrima, "__version__", "99.0.0")
    assert _resume(item, first, baseline="0:300") == "ok"


def test_resume_in_a_run_reanalyses_after_a_new_baseline(tmp_path: Path, client: Any) -> None:
    write_e4_folder(tmp_path / "S01")
    out = tmp_path / "out"
    kwargs: dict[str, Any] = {"scheduler": client, "analyze": read_analyze, "resume": True}
    first = lacrima.batch.run([tmp_path / "S01"], out, options={"baseline": "0:300"}, **kwargs)
    same = lacrima.batch.run([tmp_path / "S01"], out, options={"baseline": "0:300"}, **kwargs)
    new = lacrima.batch.run([tmp_path / "S01"], out, options={"baseline": "0:200"}, **kwargs)
    assert (first.n_ok, same.n_skipped, new.n_ok, new.n_skipped) == (1, 1, 1, 0)
    assert pd.read_csv(out / "sessions.csv").baseline_source[0] == "0:200"
