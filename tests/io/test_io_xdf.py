"""XDF files made with the test writer (tests/io/xdf_writer.py)."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from io_helpers import read_error
from xdf_writer import XdfStream, write_xdf

import lacrima
from lacrima.io.errors import (
    EmptyFileError,
    FormatMismatchError,
    InconsistentRateError,
    MalformedFileError,
    TruncatedFileError,
)

T0 = 5000.0  # LSL clock of the first sample, s


def _streams(fs: float = 250.0, n: int = 2500) -> list[XdfStream]:
    rng = np.random.default_rng(11)
    t = T0 + np.arange(n) / fs
    return [
        XdfStream(
            "BioAmp",
            "ExG",
            "float32",
            fs,
            t,
            rng.normal(size=(n, 3)).astype(np.float32),
            labels=["ECG", "GSR", "Resp"],
            units=["mV", "µS", ""],
        ),
        XdfStream(
            "Events", "Markers", "string", 0, np.array([T0 + 1, T0 + 5.5]), [["tears"], ["relief"]]
        ),
        XdfStream(
            "PulseRate",
            "HR",
            "double64",
            0,
            T0 + np.array([0.5, 1.3, 2.1]),
            np.array([[72.0], [75.0], [74.0]]),
        ),
        XdfStream(
            "Wrist",
            "PPG",
            "int16",
            64.0,
            T0 + 2 + np.arange(320) / 64,
            np.arange(320).reshape(-1, 1),
        ),
    ]


def test_numeric_streams_markers_and_start(tmp_path: Path) -> None:
    path = write_xdf(tmp_path / "s.xdf", _streams(), datetime_text="2024-03-01T10:20:30+0200")
    rec = lacrima.read(path)
    assert list(rec.channels) == ["ECG", "GSR", "Resp", "PulseRate", "Wrist"]
    ecg, gsr, resp = (rec.channels[n] for n in ("ECG", "GSR", "Resp"))
    assert (ecg.kind, ecg.unit, ecg.fs_hz, ecg.samples.size) == ("ecg", "mV", 250.0, 2500)
    assert (gsr.kind, gsr.unit) == ("eda", "uS")
    assert (resp.kind, resp.unit) == ("resp", "a.u.")
    assert ecg.start_s == pytest.approx(0.0)
    wrist = rec.channels["Wrist"]  # no channel labels: named after the stream, kind from type
    assert (wrist.kind, wrist.fs_hz, wrist.start_s) == ("ppg", 64.0, pytest.approx(2.0))
    assert wrist.samples[-1] == 319.0
    hr = rec.channels["PulseRate"]  # irregular numeric stream: an event series
    assert hr.is_event_series and hr.kind == "hr"
    np.testing.assert_allclose(hr.times_s, [0.5, 1.3, 2.1])
    assert [m.label for m in rec.markers] == ["tears", "relief"]
    assert [m.time_s for m in rec.markers] == pytest.approx([1.0, 5.5])
    assert rec.start_time == datetime(2024, 3, 1, 8, 20, 30, tzinfo=UTC)
    assert rec.duration_s == pytest.approx(10.0)


def test_compressed_xdfz(tmp_path: Path) -> None:
    plain = write_xdf(tmp_path / "s.xdf", _streams())
    packed = tmp_path / "s.xdfz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert lacrima.read(packed).channels["ECG"].samples.size == 2500


def test_same_label_in_two_streams_is_prefixed(tmp_path: Path) -> None:
    t = T0 + np.arange(100) / 10
    streams = [
        XdfStream(name, "EDA", "float32", 10.0, t, np.ones((100, 1)), labels=["EDA"])
        for name in ("Left", "Right")
    ]
    rec = lacrima.read(write_xdf(tmp_path / "two.xdf", streams))
    assert list(rec.channels) == ["Left_EDA", "Right_EDA"]


def test_truncated_xdf(tmp_path: Path) -> None:
    path = write_xdf(tmp_path / "cut.xdf", _streams())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 1500])
    read_error(TruncatedFileError, path, "cut.xdf: the chunk at byte", "truncated")


def test_damaged_chunk_structure(tmp_path: Path) -> None:
    path = tmp_path / "bad.xdf"
    path.write_bytes(b"XDF:" + b"\x07" + b"\x00" * 40)
    read_error(MalformedFileError, path, "byte 4 should start a chunk")


def test_no_samples(tmp_path: Path) -> None:
    stream = XdfStream("Amp", "ECG", "float32", 100.0, np.array([]), np.zeros((0, 1)))
    read_error(EmptyFileError, write_xdf(tmp_path / "e.xdf", [stream]), "none of its 1 stream")


def test_gap_in_a_regular_stream(tmp_path: Path) -> None:
    t = T0 + np.concatenate([np.arange(1000), np.arange(1700, 2700)]) / 100
    stream = XdfStream("Amp", "ECG", "float32", 100.0, t, np.zeros((2000, 1)), labels=["ECG"])
    read_error(
        InconsistentRateError, write_xdf(tmp_path / "g.xdf", [stream]), "has a gap", "7.01 s"
    )


def test_rate_far_from_nominal(tmp_path: Path) -> None:
    t = T0 + np.arange(500) / 80  # says 100 Hz, sends 80 Hz
    stream = XdfStream("Amp", "ECG", "float32", 100.0, t, np.zeros((500, 1)), labels=["ECG"])
    path = write_xdf(tmp_path / "r.xdf", [stream])
    read_error(InconsistentRateError, path, "says 100 Hz but its time stamps give 80 Hz")


def test_not_an_xdf_file(tmp_path: Path) -> None:
    path = tmp_path / "session.xdf"
    path.write_text("time,ECG\n0,1\n")
    read_error(FormatMismatchError, path, "says an XDF file", "plain text")
