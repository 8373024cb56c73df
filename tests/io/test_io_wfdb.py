"""WFDB records: the first 10 s of MIT-BIH record 100 (committed), the full records when
the shared data are present, multi-frequency records and annotation kinds written here,
and broken records."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import wfdb
from io_helpers import DATA, SHARED, needs_shared, read_error

import lacrima
from lacrima.errors import SignalError
from lacrima.io import ReadWarning
from lacrima.io.errors import (
    FormatMismatchError,
    MissingFileError,
    TruncatedFileError,
)
from lacrima.io.recording import Recording, ReferenceBeats
from lacrima.io.wfdb_format import BEAT_SYMBOLS
from lacrima.sim import CycleSpec, simulate_session

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


def test_rhythm_annotation_is_a_marker_and_beats_are_a_reference() -> None:
    rec = lacrima.read(DATA / RECORD)
    # the only non-beat annotation of these 10 s: the rhythm label, normal sinus rhythm
    assert [m.label for m in rec.markers] == ["+ (N"]
    ref = rec.reference_beats
    assert ref is not None and ref.source == f"{RECORD}.atr"
    assert 10 <= len(ref) <= 15  # ~75 bpm over 10 s
    assert set(ref.symbols) <= BEAT_SYMBOLS and ref.counts()["N"] >= 10
    assert ref.times_s[0] == pytest.approx(77 / 360)
    assert np.all(np.diff(ref.times_s) > 0.3)  # no two beats closer than a refractory 300 ms
    bare = lacrima.read(DATA / RECORD, annotator=False)
    assert bare.markers == [] and bare.reference_beats is None


def test_annotation_kinds(tmp_path: Path) -> None:
    """Beats -> reference, waveform points -> left out, every other code -> a marker."""
    _write_record(tmp_path, "kinds", fs=250)
    codes = [  # (sample, symbol, aux note)
        (100, "+", "(N"), (200, "N", ""), (300, "p", ""), (310, "(", ""), (400, "V", ""),
        (420, ")", ""), (450, "t", ""), (500, "~", ""), (600, "A", ""), (700, "|", ""),
        (750, "x", ""), (800, '"', "tears"), (900, "[", ""), (1000, "]", ""), (1100, "N", ""),
    ]  # fmt: skip
    samples, symbols, notes = zip(*codes, strict=True)
    wfdb.wrann(
        "kinds", "atr", np.array(samples), symbol=list(symbols), aux_note=list(notes),
        write_dir=str(tmp_path),
    )  # fmt: skip
    rec = lacrima.read(tmp_path / "kinds.hea")
    assert [(m.time_s, m.label) for m in rec.markers] == [
        (0.4, "+ (N"), (2.0, "~"), (2.8, "|"), (3.0, "x"), (3.2, '" tears'), (3.6, "["),
        (4.0, "]"),
    ]  # fmt: skip
    assert rec.reference_beats is not None
    assert rec.reference_beats.symbols == ("N", "V", "A", "N")
    assert rec.reference_beats.times_s.tolist() == [0.8, 1.6, 2.4, 4.4]
    assert rec.reference_beats.counts() == {"N": 2, "A": 1, "V": 1}


def _write_record(folder: Path, name: str, fs: float, seconds: float = 5.0) -> None:
    wfdb.wrsamp(
        name, fs=fs, units=["mV"], sig_name=["ECG"], fmt=["16"],
        p_signal=np.sin(np.linspace(0, 20, int(fs * seconds)))[:, None], write_dir=str(folder),
    )  # fmt: skip


# ECG at 496 Hz beside GSR and respiration at 31 Hz in one record: 16 ECG samples per
# 31-Hz frame, as PhysioNet lab records often hold them.
FRAME_FS = 31.0
ECG_PER_FRAME = 16


def _multirate_record(folder: Path) -> tuple[Path, dict[str, np.ndarray]]:
    """A simulated 15-min session (one complete S-P cycle) as a multi-frequency record."""
    fs = FRAME_FS * ECG_PER_FRAME
    cycle = CycleSpec(s_onset_s=360.0, rise_s=150.0, hold_s=20.0, kind="complete")
    sess = simulate_session(900.0, fs=fs, seed=5, cycles=(cycle,), mark_tears=False)
    by_kind = {c.kind: c.samples for c in sess.recording.channels.values()}
    frames = by_kind["ecg"].size // ECG_PER_FRAME
    n = frames * ECG_PER_FRAME
    written = {
        "ECG": by_kind["ecg"][:n],
        # the slow signals as a 31-Hz device gives them: one value per frame
        "GSR": by_kind["eda"][:n].reshape(frames, ECG_PER_FRAME).mean(axis=1),
        "RESP": by_kind["resp"][:n].reshape(frames, ECG_PER_FRAME).mean(axis=1),
    }
    wfdb.wrsamp(
        "multirate", fs=FRAME_FS, units=["mV", "uS", "NU"], sig_name=list(written),
        e_p_signal=list(written.values()), samps_per_frame=[ECG_PER_FRAME, 1, 1],
        fmt=["16", "16", "16"], write_dir=str(folder),
    )  # fmt: skip
    return folder / "multirate.hea", written


def test_multi_frequency_record_keeps_each_rate(tmp_path: Path) -> None:
    path, written = _multirate_record(tmp_path)
    rec = lacrima.read(path)
    got = {c.name: (c.kind, c.fs_hz, c.samples.size) for c in rec.channels.values()}
    frames = written["GSR"].size
    assert got == {
        "ECG": ("ecg", 496.0, frames * ECG_PER_FRAME),
        "GSR": ("eda", 31.0, frames),
        "RESP": ("resp", 31.0, frames),
    }
    for name, values in written.items():
        # 16-bit storage: within a few ADC steps of what was written, not frame means
        step = np.ptp(values) / 2**16
        assert np.max(np.abs(rec.channels[name].samples - values)) < 4 * step
    assert rec.duration_s == pytest.approx(frames / FRAME_FS)


def test_multi_frequency_gap_is_timed_at_the_signal_rate(tmp_path: Path) -> None:
    ecg = np.sin(np.arange(ECG_PER_FRAME * 31 * 20) / 5.0)
    ecg[992:1002] = np.nan  # 10 invalid samples from t = 2.0 s (992 / 496 Hz)
    wfdb.wrsamp(
        "gap", fs=FRAME_FS, units=["mV", "uS"], sig_name=["ECG", "EDA"],
        e_p_signal=[ecg, np.linspace(5.0, 6.0, 31 * 20)], samps_per_frame=[ECG_PER_FRAME, 1],
        fmt=["16", "16"], write_dir=str(tmp_path),
    )  # fmt: skip
    # 10 samples last 0.0202 s at 496 Hz (0.32 s if the frame rate were taken)
    expected = r"'ECG' has 10 missing value\(s\).*\(0\.0202 s\) at t = 2\.000 s"
    with pytest.warns(ReadWarning, match=expected):
        rec = lacrima.read(tmp_path / "gap.hea")
    assert np.flatnonzero(np.isnan(rec.channels["ECG"].samples)).tolist() == list(range(992, 1002))
    assert not np.isnan(rec.channels["EDA"].samples).any()


def test_multi_frequency_annotations_count_frames(tmp_path: Path) -> None:
    path, _ = _multirate_record(tmp_path)
    wfdb.wrann(
        "multirate", "atr", np.array([31, 62, 930]), symbol=["+", "N", '"'],
        aux_note=["(N", "", "tears"], write_dir=str(tmp_path),
    )  # fmt: skip
    rec = lacrima.read(path)
    assert [(m.time_s, m.label) for m in rec.markers] == [(1.0, "+ (N"), (30.0, '" tears')]
    assert rec.reference_beats is not None and rec.reference_beats.times_s.tolist() == [2.0]


def test_multi_frequency_record_gives_both_indices(tmp_path: Path) -> None:
    """Read at the frame rate the ECG would be refused and no vagal index computed."""
    path, _ = _multirate_record(tmp_path)
    result = lacrima.analyze(path)
    report = result.to_dict()
    assert report["channels"]["ECG"]["fs_hz"] == 496.0
    assert report["channels"]["ECG"]["used"]
    features = {k: {i["feature"] for i in v} for k, v in report["inputs"].items()}
    assert {"hr_bpm", "scl_us"} <= features["sympathetic"]
    assert {"rmssd_ms", "rsa_p2t_ms"} <= features["parasympathetic"]
    # both indices cover most of the session (the first and last windows may be empty)
    assert np.isfinite(result.indices.sympathetic).mean() > 0.9
    assert np.isfinite(result.indices.parasympathetic).mean() > 0.9
    # the indices carry the simulated physiology (S onset 360 s, peak ~510 s, then release):
    # arousal above the baseline, and the vagal index higher after the peak than at it
    t, s, p = result.indices.t_s, result.indices.sympathetic, result.indices.parasympathetic

    def mean(x: np.ndarray, lo: float, hi: float) -> float:
        return float(np.nanmean(x[(t >= lo) & (t < hi)]))

    assert mean(s, 450, 530) - mean(s, 0, 180) > 1.0  # z: a clear rise over the baseline
    assert mean(p, 550, 700) - mean(p, 450, 530) > 1.0  # z: the P-phase rebound


def test_reference_beats_follow_the_recording() -> None:
    ref = ReferenceBeats([2.0, 1.0, 3.0], ("V", "N", "N"), "r.atr")
    assert ref.symbols == ("N", "V", "N") and ref.times_s.tolist() == [1.0, 2.0, 3.0]
    assert ref.shifted(10.0).times_s.tolist() == [11.0, 12.0, 13.0]
    assert ref.between(1.5, 3.0) == ReferenceBeats([2.0], ("V",), "r.atr")
    rec = Recording({}, reference_beats=ref)
    copy = dataclasses.replace(rec, source="copy")
    assert copy.reference_beats == ref
    assert "reference_beats=3" in repr(rec)
    with pytest.raises(SignalError, match="3 times but 2 symbols"):
        ReferenceBeats([1.0, 2.0, 3.0], ("N", "N"), "bad.atr")


def test_merged_recording_keeps_reference_beats_on_its_clock() -> None:
    merge = pytest.importorskip("lacrima.io.merge")
    from lacrima.io.recording import Channel

    t0 = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    ecg = Recording(
        {"ECG": Channel("ECG", np.zeros(3000), 100.0, "mV", "ecg")},
        start_time=t0.replace(second=10), source="ecg.hea",
        reference_beats=ReferenceBeats([1.0, 2.0], ("N", "N"), "ecg.atr"),
    )  # fmt: skip
    eda = Recording(
        {"EDA": Channel("EDA", np.ones(160), 4.0, "uS", "eda")}, start_time=t0, source="eda.csv"
    )
    merged = merge.merge_recordings([eda, ecg])
    assert merged.reference_beats is not None
    assert merged.reference_beats.times_s.tolist() == [11.0, 12.0]


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
    assert [m.label for m in rec.markers] == ["+ (N"]
    assert rec.reference_beats is not None
    assert rec.reference_beats.counts() == {"N": 2239, "A": 33, "V": 1}
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
