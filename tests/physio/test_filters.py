"""Filters, rate changes and NaN filling in ``lacrima.physio.filters``."""

from __future__ import annotations

import numpy as np
import pytest

from lacrima.errors import SignalError
from lacrima.physio.filters import (
    bandpass,
    decimate_to,
    highpass,
    interpolate_nans,
    lowpass,
    resample_to,
)


def _sine(freq_hz: float, fs: float, duration_s: float, offset: float = 0.0) -> np.ndarray:
    t = np.arange(0, duration_s, 1 / fs)
    return offset + np.sin(2 * np.pi * freq_hz * t)


def test_bandpass_keeps_passband_and_removes_stopband() -> None:
    fs = 250.0
    inside = _sine(5.0, fs, 60)
    below = _sine(0.05, fs, 60)
    above = _sine(100.0, fs, 60)
    y = bandpass(inside + below + above, fs, 0.5, 40.0)
    core = slice(int(10 * fs), int(-10 * fs))  # away from the start-up transients
    # Zero phase: the pass-band sine comes through in place; a decade outside the band
    # an order-4 Butterworth applied twice leaves well under 2 % of the amplitude.
    assert np.max(np.abs(y[core] - inside[core])) < 0.02


def test_bandpass_is_zero_phase() -> None:
    fs = 100.0
    x = _sine(2.0, fs, 30)
    y = bandpass(x, fs, 0.5, 10.0)
    core = slice(500, -500)
    lag = np.argmax(np.correlate(y[core], x[core], mode="full")) - (x[core].size - 1)
    assert lag == 0


def test_lowpass_and_highpass_split_a_signal() -> None:
    fs = 50.0
    slow = _sine(0.1, fs, 120)
    fast = _sine(5.0, fs, 120)
    x = slow + fast
    core = slice(500, -500)
    assert np.max(np.abs(lowpass(x, fs, 1.0)[core] - slow[core])) < 0.02
    assert np.max(np.abs(highpass(x, fs, 1.0)[core] - fast[core])) < 0.02


def test_nan_gaps_stay_local() -> None:
    fs = 100.0
    x = _sine(1.0, fs, 20)
    x[800:900] = np.nan
    y = bandpass(x, fs, 0.5, 5.0)
    assert np.isnan(y[800:900]).all()
    assert np.isfinite(y[:800]).all() and np.isfinite(y[900:]).all()


def test_all_nan_and_tiny_inputs_do_not_crash() -> None:
    assert np.isnan(bandpass(np.full(100, np.nan), 100, 1, 10)).all()
    assert bandpass(np.empty(0), 100, 1, 10).size == 0
    assert bandpass(np.ones(1), 100, 1, 10).shape == (1,)
    assert lowpass(np.ones(3), 100, 10).shape == (3,)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fs": 0, "low_hz": 1, "high_hz": 10}, "fs"),
        ({"fs": -5, "low_hz": 1, "high_hz": 10}, "fs"),
        ({"fs": float("nan"), "low_hz": 1, "high_hz": 10}, "fs"),
        ({"fs": 100, "low_hz": 0, "high_hz": 10}, "low_hz"),
        ({"fs": 100, "low_hz": 1, "high_hz": 50}, "high_hz"),
        ({"fs": 100, "low_hz": 20, "high_hz": 10}, "below"),
        ({"fs": 100, "low_hz": 1, "high_hz": 10, "order": 0}, "order"),
        ({"fs": 100, "low_hz": 1, "high_hz": 10, "order": 2.5}, "order"),
    ],
)
def test_bad_parameters_raise_signal_error(kwargs: dict, match: str) -> None:
    with pytest.raises(SignalError, match=match):
        bandpass(np.zeros(100), **kwargs)


def test_two_dimensional_input_is_refused() -> None:
    with pytest.raises(SignalError, match="1-D"):
        lowpass(np.zeros((10, 2)), 100, 10)


def test_decimate_to_non_integer_ratio_keeps_timing() -> None:
    fs, target = 700.0, 8.0
    x = _sine(0.3, fs, 100, offset=3.0)
    y = decimate_to(x, fs, target)
    assert y.size == 800
    t = np.arange(y.size) / target
    # Anti-aliasing FIR passes 0.3 Hz essentially untouched, timing preserved.
    assert np.max(np.abs(y - (3.0 + np.sin(2 * np.pi * 0.3 * t)))) < 0.01


def test_decimate_to_removes_aliases() -> None:
    fs = 700.0
    x = _sine(7.0, fs, 60)  # would alias to 1 Hz at 8 Hz without a filter
    y = decimate_to(x, fs, 8.0)
    assert np.max(np.abs(y[20:-20])) < 0.01


def test_decimate_to_refuses_upsampling_and_odd_ratios() -> None:
    with pytest.raises(SignalError, match="target_fs"):
        decimate_to(np.zeros(10), 4, 8)
    with pytest.raises(SignalError, match="resample exactly"):
        decimate_to(np.zeros(1000), 700, 700 / np.pi)


def test_resample_to_upsamples_a_wrist_signal() -> None:
    x = _sine(0.2, 4.0, 60)
    y = resample_to(x, 4.0, 8.0)
    assert y.size == 2 * x.size
    t = np.arange(y.size) / 8.0
    assert np.max(np.abs(y[4:-4] - np.sin(2 * np.pi * 0.2 * t[4:-4]))) < 0.01


def test_decimate_marks_gaps() -> None:
    x = _sine(0.3, 700.0, 60)
    x[7000:14000] = np.nan  # 10 s .. 20 s
    y = decimate_to(x, 700.0, 8.0)
    assert np.isnan(y[81:159]).all()
    assert np.isfinite(y[:80]).all() and np.isfinite(y[161:]).all()


def test_interpolate_nans() -> None:
    x = np.array([np.nan, 1.0, np.nan, 3.0, np.inf, np.nan, np.nan, 9.0, np.nan])
    y = interpolate_nans(x)
    np.testing.assert_allclose(y, [1, 1, 2, 3, 4.5, 6, 7.5, 9, 9])
    z = interpolate_nans(x, max_gap_samples=2)
    assert np.isnan(z[4:7]).all()
    assert z[2] == 2.0
    assert np.isnan(interpolate_nans(np.full(4, np.nan))).all()
    # Input not modified.
    assert np.isnan(x[0])
