"""EDF, EDF+ and BDF files written with pyedflib's writer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyedflib
import pytest
from io_helpers import read_error
from pyedflib import highlevel

import lacrima
from lacrima.io.errors import (
    HintError,
    MalformedFileError,
    TruncatedFileError,
    UnsupportedFormatError,
)

START = datetime(2024, 3, 1, 10, 20, 30)


def _write(path: Path, file_type: int = pyedflib.FILETYPE_EDFPLUS) -> Path:
    t = np.arange(10 * 256) / 256
    signals = [
        np.sin(2 * np.pi * 1.2 * t),  # ECG-like, 256 Hz
        5 + 0.1 * np.sin(2 * np.pi * 0.05 * t[::2]),  # EDA, 128 Hz
        np.sin(2 * np.pi * 0.25 * t[::8]),  # respiration, 32 Hz
    ]
    headers = [
        highlevel.make_signal_header("ECG II", "mV", 256, -2, 2),
        highlevel.make_signal_header("GSR", "uS", 128, 0, 20),
        highlevel.make_signal_header("Resp chest", "", 32, -1.5, 1.5),
    ]
    header = highlevel.make_header(startdate=START)
    header["annotations"] = [[1.5, 0, "tears"], [4.0, 2.0, "relief"]]
    highlevel.write_edf(str(path), signals, headers, header, file_type=file_type)
    return path


@pytest.mark.parametrize(
    ("name", "file_type"),
    [("s.edf", pyedflib.FILETYPE_EDFPLUS), ("s.bdf", pyedflib.FILETYPE_BDFPLUS)],
)
def test_reads_signals_annotations_and_start(tmp_path: Path, name: str, file_type: int) -> None:
    rec = lacrima.read(_write(tmp_path / name, file_type))
    ecg, gsr, resp = rec.channels.values()
    assert (ecg.name, ecg.kind, ecg.unit, ecg.fs_hz, ecg.samples.size) == (
        "ECG II",
        "ecg",
        "mV",
        256.0,
        2560,
    )
    assert (gsr.kind, gsr.unit, gsr.fs_hz, gsr.samples.size) == ("eda", "uS", 128.0, 1280)
    assert (resp.kind, resp.unit, resp.fs_hz) == ("resp", "a.u.", 32.0)
    # physical values survive the digital round trip to within the quantization step
    assert np.max(np.abs(ecg.samples - np.sin(2 * np.pi * 1.2 * np.arange(2560) / 256))) < 1e-3
    assert gsr.samples.min() > 4.8 and gsr.samples.max() < 5.2
    assert [(m.time_s, m.label, m.duration_s) for m in rec.markers] == [
        (1.5, "tears", 0.0),
        (4.0, "relief", 2.0),
    ]
    assert rec.start_time == START.replace(tzinfo=UTC)
    assert rec.duration_s == pytest.approx(10.0)


def test_duplicate_labels_get_numbered(tmp_path: Path) -> None:
    headers = [highlevel.make_signal_header("ECG", sample_frequency=100)] * 2
    path = tmp_path / "dup.edf"
    highlevel.write_edf(str(path), [np.zeros(1000), np.ones(1000)], headers)
    assert list(lacrima.read(path).channels) == ["ECG", "ECG (2)"]


def test_truncated_edf(tmp_path: Path) -> None:
    path = _write(tmp_path / "cut.edf")
    data = path.read_bytes()
    path.write_bytes(data[:-700])
    read_error(TruncatedFileError, path, "cut.edf: the header announces", "it is truncated")


def test_file_ending_inside_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path / "stub.edf")
    path.write_bytes(path.read_bytes()[:300])
    read_error(TruncatedFileError, path, "ends inside its header")


def test_discontinuous_edf_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.edf")
    data = bytearray(path.read_bytes())
    data[192:197] = b"EDF+D"
    path.write_bytes(bytes(data))
    read_error(UnsupportedFormatError, path, "discontinuous EDF+D", "EDF+C")


def test_damaged_header_field(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.edf")
    data = bytearray(path.read_bytes())
    data[236:244] = b"many    "
    path.write_bytes(bytes(data))
    read_error(MalformedFileError, path, "'number of data records' is b'many    '")


def test_header_pyedflib_rejects(tmp_path: Path) -> None:
    path = _write(tmp_path / "dur.edf")
    data = bytearray(path.read_bytes())
    data[244:252] = b"-1      "  # a negative record duration
    path.write_bytes(bytes(data))
    read_error(MalformedFileError, path, "dur.edf: is not a valid EDF/BDF file")


def test_csv_hints_are_refused_for_edf(tmp_path: Path) -> None:
    read_error(HintError, _write(tmp_path / "h.edf"), "does not take fs", "csv files", fs=256)
