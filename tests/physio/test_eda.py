"""Electrodermal activity: ``lacrima.physio.eda``."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest

from lacrima.errors import SignalError
from lacrima.physio.eda import EDA_FS_HZ, EdaResult, decompose_eda, process_eda

DATA = Path(os.environ.get("LACRIMA_SHARED_DATA", "/work/shared/data"))
E4_S04 = DATA / "stress-predict" / "Raw_data" / "S04" / "EDA.csv"
NK_EVENTS = DATA / "neurokit-example-bio" / "bio_eventrelated_100hz.csv"


def _scr(t: np.ndarray, onset_s: float, amp_us: float, rise_s: float, tau_s: float) -> np.ndarray:
    """Raised-cosine rise to ``amp_us`` over ``rise_s``, then exponential recovery."""
    y = np.zeros_like(t)
    rising = (t >= onset_s) & (t < onset_s + rise_s)
    y[rising] = amp_us * 0.5 * (1 - np.cos(np.pi * (t[rising] - onset_s) / rise_s))
    after = t >= onset_s + rise_s
    y[after] = amp_us * np.exp(-(t[after] - onset_s - rise_s) / tau_s)
    return y


def _session(fs: float, onsets, amps, noise_us: float, seed: int = 0, duration_s: float = 400):
    rng = np.random.default_rng(seed)
    t = np.arange(0, duration_s, 1 / fs)
    tonic = 2.0 + 0.002 * t  # slow drift, 0.8 µS over the session
    phasic = sum(_scr(t, o, a, 1.5, 3.0) for o, a in zip(onsets, amps, strict=True))
    return t, tonic, tonic + phasic + rng.normal(0, noise_us, t.size)


# Isolated responses (>= 25 s apart, so the baseline has recovered before each one).
ONSETS = np.array([12.0, 41.5, 70.0, 97.25, 130.0, 161.0, 190.5, 222.0, 251.0, 283.0, 311.5])
AMPS = np.array([0.05, 0.8, 0.02, 0.3, 1.5, 0.004, 0.12, 0.5, 0.006, 0.2, 0.03])


@pytest.mark.parametrize(("fs", "noise_us"), [(4.0, 0.001), (700.0, 0.01), (1000.0, 0.01)])
def test_scrs_recovered_with_onset_and_amplitude(fs: float, noise_us: float) -> None:
    _, _, x = _session(fs, ONSETS, AMPS, noise_us)
    res = process_eda(x, fs)
    expected = AMPS >= 0.01
    # Every response above the minimum is found once: onset within 0.5 s (4 samples at
    # 8 Hz), peak within 0.4 s of onset + rise, amplitude within 10 % + 0.005 µS (noise).
    assert res.n_scr == expected.sum()
    for onset, amp in zip(ONSETS[expected], AMPS[expected], strict=True):
        k = int(np.argmin(np.abs(res.scr_onset_s - onset)))
        assert abs(res.scr_onset_s[k] - onset) <= 0.5
        assert abs(res.scr_peak_s[k] - (onset + 1.5)) < 0.4
        assert abs(res.scr_amplitude_us[k] - amp) < 0.1 * amp + 0.005
    assert res.quality.min() == 1.0


def test_min_amplitude_is_respected() -> None:
    _, _, x = _session(4.0, ONSETS, AMPS, 0.001)
    for min_amp in (0.01, 0.1, 0.4):
        res = process_eda(x, 4.0, min_amplitude_us=min_amp)
        assert res.n_scr == (min_amp <= AMPS).sum()
        assert (res.scr_amplitude_us >= min_amp).all()


def test_quantised_wrist_noise_gives_no_responses() -> None:
    # An E4 reports conductance in steps of about 0.0013 µS; drift plus quantisation
    # noise must not produce responses of 0.01 µS.
    rng = np.random.default_rng(3)
    t = np.arange(0, 600, 0.25)
    x = 0.8 + 0.0005 * t + rng.normal(0, 0.0015, t.size)
    x = np.round(x / 0.00128) * 0.00128
    assert process_eda(x, 4.0).n_scr == 0


def test_tonic_and_phasic_split() -> None:
    t, tonic_true, x = _session(700.0, ONSETS, AMPS, 0.005)
    res = process_eda(x, 700.0)
    truth = np.interp(res.t_s, t, tonic_true)
    # The tonic level follows the baseline between responses: median error well under
    # the smallest scored response, worst error (inside the 1.5 µS response) < 0.1 µS.
    err = np.abs(res.tonic_us - truth)
    assert np.median(err) < 0.01
    assert err.max() < 0.1
    assert np.nanpercentile(res.phasic_us, 1) > -0.02
    np.testing.assert_allclose(res.phasic_us, res.clean_us - res.tonic_us)
    assert np.nanmax(res.phasic_us) == pytest.approx(1.5, abs=0.1)


def test_decompose_eda_follows_lower_envelope() -> None:
    t = np.arange(0, 300, 0.5)
    base = 3 + 0.5 * np.sin(2 * np.pi * t / 600)
    x = base + sum(_scr(t, o, 0.4, 1.5, 3.0) for o in range(10, 290, 30))
    tonic = decompose_eda(x, 2.0)
    assert np.abs(tonic - base).max() < 0.06
    with pytest.raises(SignalError, match="asymmetry"):
        decompose_eda(x, 2.0, asymmetry=0.7)


def test_output_rate_and_lengths() -> None:
    _, _, x = _session(4.0, ONSETS, AMPS, 0.001, duration_s=100)
    res = process_eda(x, 4.0)
    assert res.fs_hz == EDA_FS_HZ
    assert res.t_s.size == res.clean_us.size == res.tonic_us.size == res.phasic_us.size
    assert res.t_s.size == 2 * x.size
    np.testing.assert_allclose(np.diff(res.t_s), 1 / EDA_FS_HZ)
    assert res.scr_onset_s.size == res.scr_peak_s.size == res.scr_amplitude_us.size
    assert res.quality.size == res.quality_t_s.size == 10


def test_result_is_frozen_and_read_only() -> None:
    res = process_eda(_session(4.0, ONSETS, AMPS, 0.001, duration_s=60)[2], 4.0)
    assert isinstance(res, EdaResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.t_s = np.zeros(3)  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        res.clean_us[0] = 1.0


@pytest.mark.parametrize("fs", [4.0, 700.0])
def test_flat_and_missing_signals_give_empty_results(fs: float) -> None:
    n = int(60 * fs)
    for x in (np.full(n, 1.5), np.full(n, np.nan), np.zeros(n)):
        res = process_eda(x, fs)
        assert res.t_s.size == res.clean_us.size == res.n_scr == 0
        assert res.quality.size == 6
        assert (res.quality == 0).all()
    assert process_eda(np.empty(0), fs).quality.size == 0


def test_quality_flags_gaps_range_and_jumps() -> None:
    fs = 4.0
    _, _, x = _session(fs, ONSETS, AMPS, 0.001)
    x[int(100 * fs) : int(130 * fs)] = np.nan  # dropout, covers the 1.5 µS SCR at 130 s?
    x[int(200 * fs) : int(240 * fs)] = 0.01  # sensor off the skin: below 0.05 µS
    x[int(300 * fs) :] += 5.0  # electrode shift: a 5 µS jump within one sample
    res = process_eda(x, fs)
    q = dict(zip(np.round(res.quality_t_s).astype(int), res.quality, strict=True))
    assert q[115] == 0.0 and q[225] == 0.0
    assert q[305] < 1.0  # the jump and 5 s around it
    assert q[55] == 1.0 and q[355] == 1.0
    assert np.isnan(res.clean_us[int(110 * EDA_FS_HZ)])
    assert np.isfinite(res.tonic_us).all()
    # The responses at 97.25 s (ends near the gap edge) and 222 s (sensor off) are not
    # reported; the one at 283 s, well before the jump, still is.
    assert not np.any(np.abs(res.scr_onset_s - 222.0) < 1.0)
    assert np.any(np.abs(res.scr_onset_s - 283.0) < 0.5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fs": 0}, "fs"),
        ({"fs": 0.5}, "at least 1 Hz"),
        ({"fs": 4, "min_amplitude_us": 0}, "min_amplitude_us"),
        ({"fs": 4, "min_amplitude_us": float("nan")}, "min_amplitude_us"),
        ({"fs": 4, "max_rise_s": -1}, "max_rise_s"),
    ],
)
def test_bad_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(SignalError, match=match):
        process_eda(np.ones(100), **kwargs)
    with pytest.raises(SignalError, match="1-D"):
        process_eda(np.ones((100, 2)), 4.0)


@pytest.mark.skipif(not E4_S04.exists(), reason="real E4 data not available")
def test_real_e4_wrist_eda_in_physiological_ranges() -> None:
    raw = np.loadtxt(E4_S04, delimiter=",")
    fs, x = float(raw[1]), raw[2:]
    assert fs == 4.0
    res = process_eda(x, fs)
    minutes = x.size / fs / 60
    assert res.t_s.size == 2 * x.size
    # Most of this session is good wrist data; the first sample (0 µS at start-up) and
    # the last seconds (sensor off, ~0.03 µS) are flagged.
    assert res.quality.mean() > 0.95
    assert res.quality[0] < 1.0 and res.quality[-1] < 1.0
    good = np.repeat(res.quality, 80)[: res.t_s.size] == 1.0
    assert np.nanmin(res.clean_us[good]) >= 0.05 and np.nanmax(res.clean_us[good]) <= 60
    assert res.tonic_us[good].min() >= 0.05 and res.tonic_us[good].max() <= 60
    # Non-specific SCRs at rest and under stress: roughly 1-20 per minute, amplitudes
    # 0.01-3 µS (Boucsein 2012).
    assert 1 <= res.n_scr / minutes <= 20
    assert res.scr_amplitude_us.min() >= 0.01 and res.scr_amplitude_us.max() < 3.0
    rise = res.scr_peak_s - res.scr_onset_s
    assert (rise > 0).all() and (rise <= 10).all()


@pytest.mark.skipif(not NK_EVENTS.exists(), reason="NeuroKit example data not available")
def test_real_lab_eda_responds_to_negative_images() -> None:
    import csv

    with NK_EVENTS.open() as fh:
        eda = np.array([float(row["EDA"]) for row in csv.DictReader(fh)])
    res = process_eda(eda, 100.0)
    # Negative images at samples 1024 and 12984 (SOURCE.md): an SCR starts 1-4 s later
    # (the usual latency window, SPR 2012).
    for onset_s in (10.24, 129.84):
        latency = res.scr_onset_s - onset_s
        assert np.any((latency >= 1.0) & (latency <= 4.0))
    assert res.quality.min() == 1.0
