"""The session simulator (lacrima.sim): a test aid with known phase boundaries."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

import lacrima
from lacrima.errors import LacrimaError
from lacrima.io import Recording
from lacrima.sim import CycleSpec, SimTruth, simulate_session


@pytest.fixture(scope="module")
def session():  # type: ignore[no-untyped-def]
    return simulate_session(1200.0, fs=128.0, channels=("ecg", "ppg", "eda", "resp"), seed=7,
                            n_cycles=1)  # fmt: skip


def test_returns_a_recording_and_the_truth(session) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(session.recording, Recording)
    assert isinstance(session.truth, SimTruth)
    rec = session.recording
    assert sorted(rec.channels) == ["ecg", "eda", "ppg", "resp"]
    for ch in rec.channels.values():
        assert ch.fs_hz == 128.0 and ch.samples.size == 1200 * 128
        assert np.isfinite(ch.samples).all()
    assert rec.duration_s == pytest.approx(1200.0)
    assert rec.start_time is not None and rec.start_time.tzinfo is not None


def test_physiological_ranges(session) -> None:  # type: ignore[no-untyped-def]
    rec = session.recording
    eda = rec.channels["eda"].samples
    assert 0.5 < np.median(eda) < 30  # µS, a typical skin-conductance level
    from lacrima.physio import process_cardiac

    res = process_cardiac(rec.channels["ecg"].samples, 128.0, kind="ecg")
    hr = 60000.0 / np.nanmedian(res.ibi_clean_ms)
    assert 50 < hr < 100  # resting heart rate


def test_truth_is_ordered_and_tiles_the_session(session) -> None:  # type: ignore[no-untyped-def]
    (c,) = session.truth.cycles
    assert c.s_onset_s < c.peak_s <= (c.p_onset_s or c.peak_s) <= c.end_s
    phases = session.truth.phases
    assert phases[0].start_s == 0 and phases[-1].end_s == 1200.0
    for a, b in itertools.pairwise(phases):
        assert a.end_s == pytest.approx(b.start_s)
    assert {p.label for p in phases} <= {"baseline", "S", "peak", "P", "recovery"}


def test_explicit_cycles_and_markers() -> None:
    spec = CycleSpec(s_onset_s=300.0, rise_s=120.0, hold_s=15.0, kind="unresolved")
    s = simulate_session(900.0, fs=50.0, channels=("eda",), cycles=[spec], seed=1)
    (c,) = s.truth.cycles
    assert (c.kind, c.s_onset_s, c.peak_s, c.p_onset_s) == ("unresolved", 300.0, 420.0, None)
    labels = [m.label for m in s.recording.markers]
    assert labels[:2] == ["baseline_start", "baseline_end"] and "tears" in labels


def test_calm_session_has_no_cycles() -> None:
    s = simulate_session(600.0, fs=50.0, n_cycles=0, seed=2)
    assert s.truth.cycles == () and s.truth.kind == "no_arousal"


def test_same_seed_same_session() -> None:
    a = simulate_session(300.0, fs=50.0, seed=3)
    b = simulate_session(300.0, fs=50.0, seed=3)
    for name in a.recording.channels:
        assert np.array_equal(
            a.recording.channels[name].samples, b.recording.channels[name].samples
        )


def test_dropout() -> None:
    s = simulate_session(600.0, fs=50.0, channels=("eda",), n_cycles=0, seed=4,
                         dropouts={"eda": (100.0, 200.0)})  # fmt: skip
    x = s.recording.channels["eda"].samples
    assert np.isnan(x[5000:10000]).all() and np.isfinite(x[:5000]).all()


def test_written_csv_reads_back(tmp_path: Path) -> None:
    s = simulate_session(300.0, fs=50.0, seed=5, n_cycles=0)
    path = s.write(tmp_path / "sim.csv")
    rec = lacrima.read(path)
    assert sorted(rec.channels) == sorted(s.recording.channels)
    assert {c.kind for c in rec.channels.values()} == {"ecg", "eda", "resp"}
    assert rec.channels["eda"].unit == "uS"
    assert rec.start_time == s.recording.start_time
    assert rec.duration_s == pytest.approx(300.0, abs=0.05)
    assert [m.label for m in rec.markers] == [m.label for m in s.recording.markers]
    np.testing.assert_allclose(rec.channels["eda"].samples, s.recording.channels["eda"].samples,
                               rtol=1e-6)  # fmt: skip


@pytest.mark.parametrize(
    "kwargs",
    [{"duration_s": 10.0}, {"fs": 5.0}, {"channels": ("eeg",)}, {"channels": ()},
     {"baseline_s": 5000.0}, {"dropouts": {"ppg": (0.0, 1.0)}}],
)  # fmt: skip
def test_bad_parameters_are_clear_errors(kwargs: dict) -> None:
    args = {"duration_s": 300.0, "fs": 50.0, **kwargs}
    with pytest.raises(LacrimaError):
        simulate_session(**args)


def test_bad_cycle_spec() -> None:
    with pytest.raises(LacrimaError, match="kind"):
        CycleSpec(s_onset_s=0.0, kind="partial")
