"""PPG beat timing at the pulse onset: ``lacrima.physio.ppg_timing.pulse_onsets``."""

from __future__ import annotations

import csv
import doctest
import os
from pathlib import Path

import numpy as np
import pytest
from synth import ppg

from lacrima.errors import SignalError
from lacrima.physio import detect_beats, ppg_timing, process_cardiac, pulse_onsets

NK_REST = (
    Path(os.environ.get("LACRIMA_SHARED_DATA", "/work/shared/data"))
    / "neurokit-example-bio"
    / "bio_resting_5min_100hz.csv"
)


def _rmssd(t: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.diff(np.diff(t) * 1000.0) ** 2)))


@pytest.mark.parametrize(("hr", "fs", "seed"), [(60.0, 64.0, 0), (90.0, 64.0, 1), (75.0, 128.0, 2)])
def test_onsets_precede_the_systolic_peak_by_a_steady_rise_time(
    hr: float, fs: float, seed: int
) -> None:
    s = ppg(60.0, fs, hr, noise=0.01, seed=seed)
    peaks = detect_beats(s.signal, s.fs, kind="ppg")
    res = pulse_onsets(s.signal, s.fs, peaks)
    assert res.onset_s.shape == res.plausible.shape == peaks.shape
    assert np.mean(res.plausible) > 0.95  # a clean signal: nearly every pulse kept
    rise = res.rise_s[res.plausible]
    # the synthetic upstroke lasts 0.15 s at most (60-90 bpm); the tangent meets the
    # baseline a little after the true foot
    assert np.all((rise > 0.04) & (rise < 0.2))
    q25, q75 = np.percentile(rise, [25, 75])
    assert q75 - q25 < 2.0 / fs  # the same point of every pulse


def test_onset_intervals_ignore_a_split_systolic_peak() -> None:
    # a pulse whose broad top has two humps of randomly varying height (a reflected
    # wave, a wrist that moves): the peak jumps between humps, the upstroke does not
    rng = np.random.default_rng(3)
    fs, rr = 64.0, 0.8
    t = np.arange(0, 120, 1 / fs)
    feet = np.arange(0.5, 119, rr)
    x = np.zeros_like(t)
    for f in feet:
        h2 = rng.uniform(0.8, 1.2)
        up = (t >= f) & (t < f + 0.1)
        x[up] += (t[up] - f) / 0.1
        top = (t >= f + 0.1) & (t < f + rr)
        tt = t[top] - f
        # the second (reflected) wave is broader, so it rises less steeply
        x[top] += np.exp(-(((tt - 0.12) / 0.05) ** 2)) * 0.98 + h2 * np.exp(
            -(((tt - 0.3) / 0.12) ** 2)
        )
        x[top] += np.clip(1 - (tt - 0.1) / (rr - 0.1), 0, None) * 0.2
    peaks = detect_beats(x, fs, kind="ppg")
    res = pulse_onsets(x, fs, peaks)
    onsets = res.onset_s[np.isfinite(res.onset_s)]
    assert _rmssd(peaks / fs) > 50.0  # the peak jumps by ~0.2 s between humps
    assert _rmssd(onsets) < 0.35 * 1000.0 / fs  # onsets: below the sampling period


def test_a_distorted_pulse_is_flagged() -> None:
    s = ppg(60.0, 64.0, 70.0, noise=0.01, seed=5)
    x = s.signal.copy()
    peaks = detect_beats(x, s.fs, kind="ppg")
    k = peaks.size // 2
    lo, hi = (peaks[k - 1] + peaks[k]) // 2, (peaks[k] + peaks[k + 1]) // 2
    x[lo:hi] *= 6.0  # a motion burst: one pulse six times larger
    res = pulse_onsets(x, s.fs, peaks)
    assert not res.plausible[k]
    assert res.plausible[k - 3] and res.plausible[k + 3]


def test_empty_and_bad_input() -> None:
    res = pulse_onsets(np.zeros(640), 64.0, np.empty(0, dtype=np.int64))
    assert res.onset_s.size == 0 and res.plausible.dtype == bool
    nan = pulse_onsets(np.full(640, np.nan), 64.0, [100, 200])
    assert not nan.plausible.any()
    with pytest.raises(SignalError, match="at least 10 Hz"):
        pulse_onsets(np.zeros(100), 5.0, [10])
    with pytest.raises(SignalError, match="inside the signal"):
        pulse_onsets(np.zeros(100), 64.0, [100])
    with pytest.raises(SignalError, match="1-D"):
        pulse_onsets(np.zeros((10, 10)), 64.0, [1])


def test_onsets_follow_ecg_beats_in_a_real_recording() -> None:
    # NeuroKit2's resting recording (100 Hz): ECG and finger PPG together. Onset
    # intervals should reproduce the RR intervals' beat-to-beat variability.
    if not NK_REST.exists():
        pytest.skip(f"shared NeuroKit2 example data not found at {NK_REST}")
    with NK_REST.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    ecg_sig = np.array([float(r["ECG"]) for r in rows])
    ppg_sig = np.array([float(r["PPG"]) for r in rows])
    fs = 100.0
    r_t = process_cardiac(ecg_sig, fs, "ecg").beat_times_s
    peaks = detect_beats(ppg_sig, fs, kind="ppg")
    res = pulse_onsets(ppg_sig, fs, peaks)
    assert np.mean(res.plausible) > 0.95
    on = res.onset_s[res.plausible]
    k = np.clip(np.searchsorted(on, r_t), 0, on.size - 1)
    transit = on[k] - r_t
    transit = transit[(transit > 0) & (transit < 0.6)]
    assert transit.size > 0.95 * r_t.size
    q25, q50, q75 = np.percentile(transit, [25, 50, 75])
    assert 0.05 < q50 < 0.4  # pulse arrival at the foot, before the systolic peak
    assert q75 - q25 < 0.03
    # RMSSD of the onsets within 25 % of the ECG's (pulse transit varies a little)
    assert abs(_rmssd(on) - _rmssd(r_t)) < 0.25 * _rmssd(r_t)


def test_docstring_examples() -> None:
    assert doctest.testmod(ppg_timing).failed == 0
