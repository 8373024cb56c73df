"""WFDB records: the first 10 s of MIT-BIH record 100 (committed), the full records when
the shared data are present, and broken records."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import wfdb
from io_helpers import DATA, SHARED, needs_shared, read_error

import lacrima
from lacrima.io.errors import (
    FormatMismatchError,
    MissingFileError,
    TruncatedFileError,
)

RECORD = "mitdb100_10s"


def _copy(tmp_path: Path) -> Path:
    for extension in ("hea", "dat", "atr"):
        shutil.copy(DATA / f"{RECORD}.{extension}", tmp_path)
    return tmp_path / RECORD


@pytest.mark.parametrize("suffix", ["", ".hea", ".dat"])
def test_record_by_name_header_or_signal_file(suffix: str) -> None:
    rec = lacrima.read(str(DATA / RECORD) + suffix)
    assert list(rec.channels) == ["MLII", "V5"]
    for channel in rec.channels.values():
        assert (channel.kind, channel.unit, channel.fs_hz) == ("ecg", "mV", 360.0)
        assert channel.samples.size == 3600
    # an ECG in mV: R peaks of lead MLII in record 100 are about 1-2 mV above baseline
    mlii = rec.channels["MLII"].samples
    assert 0.5 < np.ptp(mlii) < 5
    assert rec.source == f"{RECORD}.hea"


def test_annotations_become_markers() -> None:
    rec = lacrima.read(DATA / RECORD)
    labels = [m.label for m in rec.markers]
    assert labels[0] == "+ (N"  # rhythm annotation: normal sinus rhythm
    beats = [m for m in rec.markers if m.label == "N"]
    assert 10 <= len(beats) <= 15  # ~75 bpm over 10 s
    assert rec.markers[1].time_s == pytest.approx(77 / 360)
    assert lacrima.read(DATA / RECORD, annotator=False).markers == []


def test_start_time_from_base_date_and_time(tmp_path: Path) -> None:
    wfdb.wrsamp(
        "dated",
        fs=250,
        units=["mV"],
        sig_name=["ECG"],
        p_signal=np.zeros((500, 1)),
        fmt=["16"],
        base_date=datetime(2024, 2, 1).date(),
        base_time=datetime(2024, 2, 1, 8, 30).time(),
        write_dir=str(tmp_path),
    )
    rec = lacrima.read(tmp_path / "dated.hea")
    assert rec.start_time == datetime(2024, 2, 1, 8, 30, tzinfo=UTC)


@needs_shared
def test_full_mitdb_record() -> None:
    assert SHARED is not None
    rec = lacrima.read(SHARED / "mitdb-reference-ecg" / "100")
    assert rec.channels["MLII"].samples.size == 650_000
    # SOURCE.md: 2,273 beat annotations plus 1 rhythm label
    assert len(rec.markers) == 2274
    svdb = lacrima.read(SHARED / "mitdb-reference-ecg" / "800.hea")
    assert [c.fs_hz for c in svdb.channels.values()] == [128.0, 128.0]


def test_missing_annotation_file_asked_for() -> None:
    read_error(MissingFileError, DATA / RECORD, f"{RECORD}.qrs: annotator='qrs'", annotator="qrs")


def test_missing_signal_file(tmp_path: Path) -> None:
    base = _copy(tmp_path)
    base.with_suffix(".dat").unlink()
    read_error(MissingFileError, base.with_suffix(".hea"), f"signal file {RECORD}.dat")


def test_dat_without_header(tmp_path: Path) -> None:
    base = _copy(tmp_path)
    base.with_suffix(".hea").unlink()
    read_error(MissingFileError, base.with_suffix(".dat"), f"needs its header {RECORD}.hea")


def test_truncated_signal_file(tmp_path: Path) -> None:
    base = _copy(tmp_path)
    dat = base.with_suffix(".dat")
    dat.write_bytes(dat.read_bytes()[:5000])
    read_error(TruncatedFileError, base, f"{RECORD}.dat: the header", "3600 samples (10800 bytes)")


def test_header_that_is_not_a_header(tmp_path: Path) -> None:
    base = _copy(tmp_path)
    base.with_suffix(".hea").write_text("ECG,EDA\n1,2\n")
    read_error(FormatMismatchError, base, "is not a WFDB header", "'ECG,EDA'")
