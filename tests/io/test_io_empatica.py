"""Empatica E4: the first 10 min of Stress-Predict participant S04 (committed zip), the
full folder when the shared data are present, and broken exports."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from io_helpers import DATA, SHARED, needs_shared, read_error

import lacrima
from lacrima.io import ReadWarning
from lacrima.io.errors import (
    FormatMismatchError,
    InconsistentRateError,
    MalformedFileError,
    NonNumericError,
    TruncatedFileError,
)

ZIP = DATA / "e4_s04_first10min.zip"
S04_START = datetime(2022, 2, 7, 11, 29, 49, tzinfo=UTC)  # 1644233389 in every header


def _unzip(tmp_path: Path) -> Path:
    folder = tmp_path / "S04"
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(folder)
    return folder


def _check_s04(rec: lacrima.io.Recording, minutes: float) -> None:
    expected = {
        "bvp": ("ppg", "a.u.", 64.0),
        "eda": ("eda", "uS", 4.0),
        "temp": ("temp", "degC", 4.0),
        "hr": ("hr", "bpm", 1.0),
        "acc_x": ("acc", "g", 32.0),
        "acc_y": ("acc", "g", 32.0),
        "acc_z": ("acc", "g", 32.0),
    }
    for name, (kind, unit, fs) in expected.items():
        channel = rec.channels[name]
        assert (channel.kind, channel.unit, channel.fs_hz) == (kind, unit, fs), name
        assert channel.samples.size == pytest.approx(minutes * 60 * fs, abs=fs * 11), name
    assert rec.start_time == S04_START
    assert rec.channels["hr"].start_s == 10.0  # E4 HR starts 10 s after the other signals
    assert rec.channels["bvp"].start_s == 0.0
    # physiological ranges: skin temperature, heart rate, EDA, gravity
    assert 25 < np.median(rec.channels["temp"].samples) < 38
    assert 50 < np.median(rec.channels["hr"].samples) < 120
    assert 0.05 < np.median(rec.channels["eda"].samples) < 20
    acc = np.sqrt(sum(rec.channels[f"acc_{a}"].samples ** 2 for a in "xyz"))
    assert 0.8 < np.median(acc) < 1.2
    ibi = rec.channels["ibi"]
    assert ibi.is_event_series and ibi.unit == "ms" and np.isnan(ibi.fs_hz)
    assert np.all(np.diff(ibi.times_s) > 0) and ibi.start_s == pytest.approx(20.65625)
    assert 300 < np.median(ibi.samples) < 1500


def test_zip_export() -> None:
    rec = lacrima.read(ZIP)
    _check_s04(rec, minutes=10)
    assert rec.source == ZIP.name
    # tags_S04.csv: the first button press, 1644233954.30, is 565.3 s into the session
    assert [m.label for m in rec.markers] == ["tag"]
    assert rec.markers[0].time_s == pytest.approx(565.3, abs=1e-3)


def test_unzipped_folder(tmp_path: Path) -> None:
    rec = lacrima.read(_unzip(tmp_path))
    _check_s04(rec, minutes=10)


def test_zip_with_the_session_in_a_subfolder(tmp_path: Path) -> None:
    path = tmp_path / "nested.zip"
    with zipfile.ZipFile(ZIP) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            target.writestr(f"1644233389_A01234/{name}", source.read(name))
    assert lacrima.read(path).channels["eda"].fs_hz == 4.0


@needs_shared
def test_full_s04_folder() -> None:
    assert SHARED is not None
    rec = lacrima.read(SHARED / "stress-predict" / "Raw_data" / "S04")
    _check_s04(rec, minutes=59)
    assert len(rec.markers) == 9  # SOURCE.md: 9 tags for S04


def test_acc_header_columns_disagree(tmp_path: Path) -> None:
    folder = _unzip(tmp_path)
    acc = folder / "ACC.csv"
    lines = acc.read_bytes().split(b"\n")
    lines[1] = b"32.000000, 16.000000, 32.000000"
    acc.write_bytes(b"\n".join(lines))
    read_error(InconsistentRateError, folder, "S04/ACC.csv: the header's columns disagree")


def test_files_from_different_sessions(tmp_path: Path) -> None:
    folder = _unzip(tmp_path)
    eda = folder / "EDA.csv"
    eda.write_bytes(eda.read_bytes().replace(b"1644233389.000000", b"1644319789.000000", 1))
    read_error(
        InconsistentRateError,
        folder,
        "more than 60 s apart",
        "S04/EDA.csv 2022-02-08 11:29:49",
        "different sessions",
    )


def test_rate_header_unlike_the_e4(tmp_path: Path) -> None:
    folder = _unzip(tmp_path)
    temp = folder / "TEMP.csv"
    lines = temp.read_bytes().split(b"\n")
    lines[1] = b"8.000000"
    temp.write_bytes(b"\n".join(lines))
    with pytest.warns(ReadWarning, match="TEMP.csv: the header says 8 Hz but the E4 records"):
        rec = lacrima.read(folder)
    assert rec.channels["temp"].fs_hz == 8.0


def test_header_without_samples_leaves_the_channel_out(tmp_path: Path) -> None:
    folder = _unzip(tmp_path)
    (folder / "HR.csv").write_text("1644233399.000000\n1.000000\n")
    with pytest.warns(ReadWarning, match="HR.csv: has a header but no samples"):
        rec = lacrima.read(folder)
    assert "hr" not in rec.channels and "bvp" in rec.channels


def test_not_an_e4_header(tmp_path: Path) -> None:
    folder = _unzip(tmp_path)
    (folder / "BVP.csv").write_text("time,bvp\n0,1\n")
    read_error(MalformedFileError, folder, "BVP.csv: line 1 should hold the E4 start time")


def test_non_numeric_sample(tmp_path: Path) -> None:
    folder = _unzip(tmp_path)
    eda = folder / "EDA.csv"
    lines = eda.read_bytes().split(b"\n")
    lines[9] = b"high"
    eda.write_bytes(b"\n".join(lines))
    read_error(NonNumericError, folder, "S04/EDA.csv: line 10, column 1 ('eda'): 'high'")


def test_tags_not_times(tmp_path: Path) -> None:
    folder = _unzip(tmp_path)
    (folder / "tags_S04.csv").write_text("1644233954.30\nstart of stroop\n")
    read_error(NonNumericError, folder, "tags_S04.csv: line 2 reads 'start of stroop'")


def test_two_sessions_in_one_zip(tmp_path: Path) -> None:
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(ZIP) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            for session in ("a", "b"):
                target.writestr(f"{session}/{name}", source.read(name))
    read_error(MalformedFileError, path, "holds several E4 sessions (a, b)")


def test_truncated_zip(tmp_path: Path) -> None:
    path = tmp_path / "cut.zip"
    path.write_bytes(ZIP.read_bytes()[:50_000])
    read_error(TruncatedFileError, path, "cut.zip", "truncated")


def test_text_renamed_zip(tmp_path: Path) -> None:
    path = tmp_path / "S04.zip"
    path.write_text("1644233389.00\n64.000000\n0.0\n")
    read_error(FormatMismatchError, path, "S04.zip: its extension (.zip) says an Empatica E4")
