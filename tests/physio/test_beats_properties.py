"""Properties of beat detection on synthetic ECG and PPG (hypothesis).

Ranges: heart rate 40-180 bpm; ECG 100-1000 Hz, PPG 20-1000 Hz; white noise up to
10 % of the R amplitude (ECG) or 5 % of the pulse amplitude (PPG); baseline wander up to
twice (ECG) or once (PPG) the beat amplitude; polarity inverted or not.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synth import Synthetic, ecg, ppg

from lacrima.physio.beat_agreement import compare_beats
from lacrima.physio.beats import detect_beats
from lacrima.physio.cardiac import process_cardiac

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _mean_hr_bpm(beats: np.ndarray, fs: float) -> float:
    """Mean heart rate from first to last detected beat (robust to a lost edge beat)."""
    return 60.0 * (beats.size - 1) * fs / float(beats[-1] - beats[0])


def _check(s: Synthetic, kind: str) -> None:
    beats = detect_beats(s.signal, s.fs, kind=kind)
    assert beats.dtype == np.int64
    assert np.all(np.diff(beats) > 0)
    assert beats.size >= 2
    assert abs(_mean_hr_bpm(beats, s.fs) - s.mean_hr_bpm) <= 1.0
    truth = np.rint(s.beat_times_s * s.fs).astype(np.int64)
    score = compare_beats(beats, truth, s.fs, tolerance_s=0.10)
    assert score.sensitivity >= 0.97
    assert score.positive_predictivity >= 0.97


@SETTINGS
@given(
    hr=st.floats(40, 180),
    fs=st.integers(100, 1000),
    noise=st.floats(0.0, 0.10),
    wander=st.floats(0.0, 2.0),
    mains=st.floats(0.0, 0.2),
    invert=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_ecg_mean_heart_rate(
    hr: float, fs: int, noise: float, wander: float, mains: float, invert: bool, seed: int
) -> None:
    s = ecg(30.0, fs, hr, noise=noise, wander=wander, mains=mains, invert=invert, seed=seed)
    _check(s, "ecg")


@SETTINGS
@given(
    hr=st.floats(40, 180),
    fs=st.integers(20, 1000),
    noise=st.floats(0.0, 0.05),
    wander=st.floats(0.0, 1.0),
    invert=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_ppg_mean_heart_rate(
    hr: float, fs: int, noise: float, wander: float, invert: bool, seed: int
) -> None:
    s = ppg(30.0, fs, hr, noise=noise, wander=wander, invert=invert, seed=seed)
    _check(s, "ppg")


@SETTINGS
@given(hr=st.floats(40, 180), fs=st.integers(100, 1000), seed=st.integers(0, 2**16))
def test_ecg_polarity_does_not_move_the_beats(hr: float, fs: int, seed: int) -> None:
    s = ecg(20.0, fs, hr, noise=0.02, seed=seed)
    up = detect_beats(s.signal, s.fs)
    down = detect_beats(-s.signal, s.fs)
    # Same beats; the fiducial may move from R to S (a few tens of ms) when flipped.
    assert compare_beats(down, up, s.fs, tolerance_s=0.06).f1 == 1.0


@SETTINGS
@given(hr=st.floats(40, 180), fs=st.integers(20, 1000), seed=st.integers(0, 2**16))
def test_ppg_polarity_is_recognised(hr: float, fs: int, seed: int) -> None:
    # An inverted sensor still gives the systolic peaks, not the pulse feet.
    s = ppg(20.0, fs, hr, noise=0.01, seed=seed)
    up = detect_beats(s.signal, s.fs, kind="ppg")
    down = detect_beats(-s.signal, s.fs, kind="ppg")
    assert compare_beats(down, up, s.fs, tolerance_s=0.03).f1 == 1.0


@settings(max_examples=30, deadline=None)
@given(
    value=st.floats(-1e6, 1e6, allow_nan=False),
    n=st.integers(0, 5000),
    fs=st.sampled_from([20.0, 64.0, 100.0, 250.0, 1000.0]),
    kind=st.sampled_from(["ecg", "ppg"]),
    nan=st.booleans(),
)
def test_flat_or_all_nan_gives_no_beats_and_zero_quality(
    value: float, n: int, fs: float, kind: str, nan: bool
) -> None:
    if kind == "ecg" and fs < 50:
        fs = 100.0
    x = np.full(n, np.nan if nan else value)
    assert detect_beats(x, fs, kind=kind).size == 0
    res = process_cardiac(x, fs, kind=kind)
    assert res.beats.size == res.beat_times_s.size == res.ibi_ms.size == 0
    assert res.artifact_flags.size == res.ibi_clean_ms.size == 0
    assert np.all(res.quality == 0.0)
    assert res.quality.size == res.quality_t_s.size
    assert res.quality.size >= (1 if n else 0)


@pytest.mark.parametrize("kind", ["ecg", "ppg"])
def test_noise_only_has_low_quality(kind: str) -> None:
    rng = np.random.default_rng(7)
    res = process_cardiac(rng.standard_normal(60 * 250), 250.0, kind=kind)
    assert np.median(res.quality) < 0.5
