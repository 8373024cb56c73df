"""The cardiac chain: ``lacrima.physio.cardiac.process_cardiac`` and its quality index."""

from __future__ import annotations

import csv
import dataclasses
import doctest
import os
import time
from pathlib import Path

import numpy as np
import pytest
from synth import ecg, ppg

from lacrima.errors import SignalError
from lacrima.physio import beat_agreement, beats, cardiac, ibi
from lacrima.physio.beat_agreement import compare_beats
from lacrima.physio.cardiac import ACCEPTABLE_QUALITY, CardiacResult, process_cardiac
from lacrima.physio.filters import bandpass
from lacrima.physio.ibi import BeatFlag

NK_REST = (
    Path(os.environ.get("LACRIMA_SHARED_DATA", "/work/shared/data"))
    / "neurokit-example-bio"
    / "bio_resting_5min_100hz.csv"
)


@pytest.mark.parametrize("kind", ["ecg", "ppg"])
def test_result_shapes_and_types(kind: str) -> None:
    s = ecg(60.0, 250.0, 70.0, noise=0.02) if kind == "ecg" else ppg(60.0, 64.0, 70.0)
    res = process_cardiac(s.signal, s.fs, kind=kind)
    assert isinstance(res, CardiacResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.kind = "ppg"  # type: ignore[misc]
    n = res.beats.size
    assert n > 60
    assert res.beats.dtype == np.int64
    for arr in (res.beat_times_s, res.ibi_ms, res.ibi_clean_ms, res.artifact_flags):
        assert arr.shape == (n,)
    np.testing.assert_allclose(res.beat_times_s, res.beats / s.fs)
    np.testing.assert_allclose(res.ibi_ms[1:], np.diff(res.beat_times_s) * 1000)
    assert res.artifact_flags[0] == BeatFlag.GAP
    assert res.quality_t_s.shape == res.quality.shape
    np.testing.assert_allclose(np.diff(res.quality_t_s), 5.0)
    assert res.quality_t_s[0] == pytest.approx(5.0)
    assert np.all((res.quality >= 0) & (res.quality <= 1))
    assert np.all(res.quality >= ACCEPTABLE_QUALITY[kind])  # clean synthetic signal
    assert res.artifact_fraction < 0.02
    assert res.fs_hz == s.fs and res.kind == kind


def test_nan_gap_has_no_beats_and_breaks_the_intervals() -> None:
    s = ecg(60.0, 360.0, 75.0, noise=0.02, seed=4)
    x = s.signal.copy()
    gap = slice(round(20 * s.fs), round(22.5 * s.fs))
    x[gap] = np.nan
    res = process_cardiac(x, s.fs)
    inside = (res.beat_times_s >= 20.0) & (res.beat_times_s < 22.5)
    assert not inside.any()
    # All true beats clear of the gap are still found.
    truth = s.beat_times_s[(s.beat_times_s < 19.9) | (s.beat_times_s > 22.6)]
    score = compare_beats(res.beats, np.rint(truth * s.fs).astype(np.int64), s.fs)
    assert score.sensitivity == 1.0 and score.positive_predictivity == 1.0
    after = int(np.searchsorted(res.beat_times_s, 22.5))
    assert res.artifact_flags[after] == BeatFlag.GAP
    assert np.isnan(res.ibi_ms[after]) and np.isnan(res.ibi_clean_ms[after])
    # Windows over the gap lose at least the missing share (2.5 s of 10 s).
    over_gap = np.abs(res.quality_t_s - 21.0) < 5.0
    assert np.all(res.quality[over_gap] <= 0.75 + 1e-9)
    assert np.all(res.quality[np.abs(res.quality_t_s - 21.0) > 12.0] > 0.9)


def test_noisy_stretch_lowers_quality_only_there() -> None:
    s = ecg(90.0, 250.0, 70.0, noise=0.01, seed=5)
    x = s.signal.copy()
    rng = np.random.default_rng(0)
    noisy = slice(round(40 * s.fs), round(55 * s.fs))
    x[noisy] += rng.normal(0, 1.0, x[noisy].size)  # motion: noise as large as the QRS
    res = process_cardiac(x, s.fs)
    far = (res.quality_t_s < 33) | (res.quality_t_s > 62)
    centre = np.abs(res.quality_t_s - 47.5) <= 2.5
    assert np.all(res.quality[far] >= 0.9)
    assert np.all(res.quality[centre] < ACCEPTABLE_QUALITY["ecg"])


def test_follows_a_sudden_drop_in_ecg_amplitude() -> None:
    # An electrode change: the ECG is 6 times smaller from 30 s on.
    s = ecg(70.0, 500.0, 65.0, noise=0.002, seed=6)
    x = s.signal.copy()
    x[round(30 * s.fs) :] /= 6.0
    found = beats.detect_beats(x, s.fs)
    truth = np.rint(s.beat_times_s * s.fs).astype(np.int64)
    late = truth[truth > 36 * s.fs]  # a few seconds to re-learn the level are allowed
    score = compare_beats(found[found > 36 * s.fs], late, s.fs)
    assert score.sensitivity == 1.0 and score.positive_predictivity == 1.0


def test_list_input_and_integer_rate() -> None:
    s = ecg(20.0, 200.0, 80.0)
    res = process_cardiac(s.signal.tolist(), 200)
    assert res.beats.size >= 20


@pytest.mark.parametrize("n", [0, 10, 200])
def test_too_short_signal(n: int) -> None:
    res = process_cardiac(np.random.default_rng(1).normal(size=n), 250.0)
    assert res.beats.size == 0
    assert np.all(res.quality == 0.0)


@pytest.mark.parametrize(
    ("signal", "fs", "kind", "match"),
    [
        (np.zeros(1000), 0.0, "ecg", "fs must be a sampling rate"),
        (np.zeros(1000), -250.0, "ecg", "fs must be a sampling rate"),
        (np.zeros(1000), float("nan"), "ppg", "fs must be a sampling rate"),
        (np.zeros(1000), "fast", "ecg", "fs must be a sampling rate"),
        (np.zeros(1000), 30.0, "ecg", "at least 50 Hz"),
        (np.zeros(1000), 8.0, "ppg", "at least 10 Hz"),
        (np.zeros((100, 2)), 250.0, "ecg", "1-D"),
        (np.zeros(1000), 250.0, "eeg", "kind must be one of"),
        (["a", "b"], 250.0, "ecg", "numeric"),
    ],
)
def test_bad_parameters_raise_signal_error(
    signal: object, fs: object, kind: str, match: str
) -> None:
    with pytest.raises(SignalError, match=match):
        beats.detect_beats(signal, fs, kind=kind)  # type: ignore[arg-type]
    with pytest.raises(SignalError, match=match):
        process_cardiac(signal, fs, kind=kind)  # type: ignore[arg-type]


def test_quality_rejects_bad_windows() -> None:
    det = beats.detect_beats_detailed(ecg(30.0, 250.0).signal, 250.0)
    with pytest.raises(SignalError, match="whole multiple"):
        cardiac.cardiac_quality(det, "ecg", window_s=7.0, step_s=5.0)
    with pytest.raises(SignalError, match="kind"):
        cardiac.cardiac_quality(det, "eda")


def test_short_signal_gets_one_quality_window() -> None:
    s = ecg(8.0, 250.0, 75.0)
    res = process_cardiac(s.signal, s.fs)
    assert res.quality_t_s.tolist() == [pytest.approx(4.0)]
    assert res.quality[0] > 0.9


def test_ecg_detection_costs_about_two_band_pass_filters() -> None:
    # Relative timing (robust to a busy machine): detection of 10 min at 700 Hz must
    # cost at most 4 zero-phase band-pass passes over the same signal (budget: about 2).
    s = ecg(600.0, 700.0, 75.0, noise=0.03, wander=0.3, mains=0.05, seed=8)

    def best_of(fn: object, k: int = 5) -> float:
        times = []
        for _ in range(k):
            t0 = time.perf_counter()
            fn()  # type: ignore[operator]
            times.append(time.perf_counter() - t0)
        return min(times)

    t_band = best_of(lambda: bandpass(s.signal, s.fs, 0.5, 40.0))
    t_beats = best_of(lambda: beats.detect_beats(s.signal, s.fs))
    assert t_beats <= 4.0 * t_band


@pytest.mark.parametrize("module", [beats, cardiac, ibi, beat_agreement])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0


def test_ppg_pulses_follow_ecg_beats_in_a_real_recording() -> None:
    # NeuroKit2's 5-minute resting recording (100 Hz) has ECG and finger PPG together:
    # every heart beat should be followed by one pulse after a steady transit time.
    if not NK_REST.exists():
        pytest.skip(f"shared NeuroKit2 example data not found at {NK_REST}")
    with NK_REST.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    ecg_sig = np.array([float(r["ECG"]) for r in rows])
    ppg_sig = np.array([float(r["PPG"]) for r in rows])
    fs = 100.0
    r_peaks = process_cardiac(ecg_sig, fs, "ecg")
    pulses = process_cardiac(ppg_sig, fs, "ppg")
    transit = []
    for t in r_peaks.beat_times_s:
        k = np.searchsorted(pulses.beat_times_s, t)
        if k < pulses.beat_times_s.size and pulses.beat_times_s[k] - t < 0.6:
            transit.append(pulses.beat_times_s[k] - t)
    transit_s = np.array(transit)
    assert transit_s.size >= 0.95 * r_peaks.beats.size
    q25, q50, q75 = np.percentile(transit_s, [25, 50, 75])
    assert 0.2 < q50 < 0.6  # pulse arrival time at the finger
    assert q75 - q25 < 0.04  # steady: the same point of each pulse is found
    ecg_hr = 60.0 / np.nanmedian(r_peaks.ibi_clean_ms / 1000)
    ppg_hr = 60.0 / np.nanmedian(pulses.ibi_clean_ms / 1000)
    assert abs(ecg_hr - ppg_hr) < 1.0
    assert np.median(pulses.quality) >= ACCEPTABLE_QUALITY["ppg"]
