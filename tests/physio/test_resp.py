"""Respiration: ``lacrima.physio.resp``."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest

from lacrima.errors import SignalError
from lacrima.physio.resp import RespResult, process_resp

NK_REST = (
    Path(os.environ.get("LACRIMA_SHARED_DATA", "/work/shared/data"))
    / "neurokit-example-bio"
    / "bio_resting_8min_100hz.csv"
)


def _breaths(periods, amplitudes, fs: float, inhale_fraction: float = 0.4) -> np.ndarray:
    """Concatenated breaths: a half-cosine inhalation then a slower half-cosine exhalation."""
    out = []
    for period, amp in zip(periods, amplitudes, strict=True):
        n_in = round(period * inhale_fraction * fs)
        n_out = round(period * fs) - n_in
        inhale = 0.5 * (1 - np.cos(np.pi * np.arange(n_in) / n_in))
        exhale = 0.5 * (1 + np.cos(np.pi * np.arange(n_out) / n_out))
        out.append(amp * np.concatenate((inhale, exhale)))
    return np.concatenate(out)


def _steady(
    bpm: float, fs: float, duration_s: float, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Breathing at a mean rate with 3 % period jitter, belt drift and noise.

    Returns the signal and the true breath periods (the first breath starts at 0 s).
    """
    rng = np.random.default_rng(seed)
    n = int(duration_s * bpm / 60) + 2
    periods = 60 / bpm * (1 + 0.03 * rng.standard_normal(n))
    x = _breaths(periods, 1 + 0.05 * rng.standard_normal(n), fs)
    t = np.arange(x.size) / fs
    x = x + 0.3 * np.sin(2 * np.pi * t / 200) + 0.03 * rng.standard_normal(x.size)
    return x, periods


def _true_rate(periods: np.ndarray, centres: np.ndarray, window_s: float) -> np.ndarray:
    """Rate (bpm) from the true breaths whose midpoint lies in each window."""
    onsets = np.concatenate(([0.0], np.cumsum(periods)[:-1]))
    mid = onsets + periods / 2
    out = []
    for c in centres:
        inside = (mid >= c - window_s / 2) & (mid < c + window_s / 2)
        out.append(60 / periods[inside].mean())
    return np.asarray(out)


@pytest.mark.parametrize("fs", [5.0, 25.0, 256.0, 700.0])
@pytest.mark.parametrize("bpm", [6.0, 10.0, 15.0, 22.0, 30.0])
def test_rate_within_half_a_breath_per_minute(bpm: float, fs: float) -> None:
    x, periods = _steady(bpm, fs, duration_s=240)
    res = process_resp(x, fs)
    duration_s = x.size / fs
    # Every 30-s window (away from the edges, where breaths are cut) against the true
    # breaths in the same window.
    inner = (res.rate_t_s > 20) & (res.rate_t_s < duration_s - 20)
    truth = _true_rate(periods, res.rate_t_s[inner], res.window_s)
    assert np.max(np.abs(res.rate_bpm[inner] - truth)) < 0.5
    # Each true breath is found once (the first and last may be cut by the edges).
    assert periods.size - 3 <= res.n_breaths <= periods.size
    np.testing.assert_allclose(np.sort(res.breath_period_s), np.sort(periods)[1:-1], rtol=0.2)


def test_breath_onsets_and_peaks_line_up_with_truth() -> None:
    fs = 50.0
    periods = np.full(30, 4.0)
    x = _breaths(periods, np.ones(30), fs)
    res = process_resp(x, fs)
    true_onsets = np.arange(30) * 4.0
    true_peaks = true_onsets + 1.6  # inhalation is 40 % of the breath
    for t in res.breath_onset_s:
        assert np.min(np.abs(true_onsets - t)) < 0.15
    for t in res.breath_peak_s:
        assert np.min(np.abs(true_peaks - t)) < 0.15
    np.testing.assert_allclose(res.breath_period_s[1:-1], 4.0, atol=0.05)
    assert np.all(res.breath_peak_s > res.breath_onset_s)
    assert np.all(res.breath_peak_s < res.breath_onset_s + res.breath_period_s)


def test_small_ripples_are_not_breaths() -> None:
    fs = 25.0
    x, _ = _steady(12.0, fs, 180)
    t = np.arange(x.size) / fs
    rippled = x + 0.08 * np.sin(2 * np.pi * 0.9 * t)  # cardiogenic-like ripple
    assert abs(process_resp(rippled, fs).n_breaths - process_resp(x, fs).n_breaths) <= 1


def test_sobbing_is_more_irregular_than_calm_breathing() -> None:
    fs = 50.0
    rng = np.random.default_rng(11)
    calm = _breaths(rng.normal(4.0, 0.15, 40), rng.normal(1.0, 0.04, 40), fs)
    # Sobbing: fragmented, uneven breaths - short gasps mixed with deep sighs.
    sob = _breaths(rng.uniform(0.9, 4.0, 90), rng.uniform(0.2, 1.5, 90), fs)
    x = np.concatenate((calm, sob, calm)) + 0.02 * rng.standard_normal(2 * calm.size + sob.size)
    res = process_resp(x, fs)
    calm_end = calm.size / fs
    sob_end = calm_end + sob.size / fs
    half = res.window_s / 2
    in_calm = (res.rate_t_s + half <= calm_end) | (res.rate_t_s - half >= sob_end)
    in_sob = (res.rate_t_s - half >= calm_end) & (res.rate_t_s + half <= sob_end)
    calm_irr = np.nanmedian(res.irregularity[in_calm])
    sob_irr = np.nanmedian(res.irregularity[in_sob])
    assert calm_irr < 0.1
    assert sob_irr > 3 * calm_irr
    # Both ingredients move: period and amplitude variability.
    assert np.nanmedian(res.period_cv[in_sob]) > 2 * np.nanmedian(res.period_cv[in_calm])
    assert np.nanmedian(res.amplitude_cv[in_sob]) > 2 * np.nanmedian(res.amplitude_cv[in_calm])
    np.testing.assert_allclose(res.irregularity, 0.5 * (res.period_cv + res.amplitude_cv))


def test_lengths_and_types() -> None:
    x, _ = _steady(15.0, 25.0, 120)
    res = process_resp(x, 25.0, window_s=20.0, step_s=2.0)
    assert isinstance(res, RespResult)
    m = res.n_breaths
    assert res.breath_peak_s.size == res.breath_period_s.size == res.breath_amplitude.size == m
    k = res.rate_t_s.size
    assert res.rate_bpm.size == res.irregularity.size == res.period_cv.size == k
    np.testing.assert_allclose(np.diff(res.rate_t_s), 2.0)
    assert res.rate_t_s[0] == pytest.approx(10.0)
    assert res.window_s == 20.0
    assert res.quality.size == res.quality_t_s.size == np.ceil(x.size / 25.0 / 10)
    assert (res.breath_amplitude > 0).all()


@pytest.mark.parametrize("fs", [10.0, 700.0])
def test_flat_and_missing_signals_give_empty_results(fs: float) -> None:
    n = int(60 * fs)
    for x in (np.zeros(n), np.full(n, 3.3), np.full(n, np.nan)):
        res = process_resp(x, fs)
        assert res.n_breaths == 0 and res.rate_bpm.size == 0
        assert res.quality.size == 6 and (res.quality == 0).all()
    assert process_resp(np.empty(0), fs).quality.size == 0


def test_gaps_and_flat_stretches_lower_quality_and_split_breaths() -> None:
    fs = 25.0
    x, _ = _steady(15.0, fs, 180)
    x[int(60 * fs) : int(80 * fs)] = np.nan
    x[int(120 * fs) : int(140 * fs)] = 0.5  # a disconnected belt reads a constant
    res = process_resp(x, fs)
    q = dict(zip(np.round(res.quality_t_s).astype(int), res.quality, strict=True))
    assert q[65] == 0.0 and q[75] == 0.0
    # The resampling filter smears the steps at 120 s and 140 s over one 2-s block.
    assert q[125] < 0.5 and q[135] < 0.5
    assert q[25] == 1.0
    ends = res.breath_onset_s + res.breath_period_s
    for lo, hi in ((60, 80), (120, 140)):
        assert not np.any((res.breath_onset_s < hi - 2) & (ends > lo + 2))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fs": -1}, "fs"),
        ({"fs": 1.0}, "at least 2 Hz"),
        ({"fs": 25, "window_s": 0}, "window_s"),
        ({"fs": 25, "step_s": float("inf")}, "step_s"),
    ],
)
def test_bad_parameters(kwargs: dict, match: str) -> None:
    with pytest.raises(SignalError, match=match):
        process_resp(np.ones(1000), **kwargs)


@pytest.mark.skipif(not NK_REST.exists(), reason="NeuroKit example data not available")
def test_real_resting_respiration() -> None:
    with NK_REST.open() as fh:
        rsp = np.array([float(row["RSP"]) for row in csv.DictReader(fh)])
    res = process_resp(rsp, 100.0)
    minutes = rsp.size / 100 / 60
    # An adult at rest breathes 6-20 times a minute, fairly regularly.
    assert 6 <= res.n_breaths / minutes <= 20
    assert np.nanmin(res.rate_bpm) > 4 and np.nanmax(res.rate_bpm) < 25
    assert np.nanmedian(res.irregularity) < 0.3
    assert (res.breath_period_s > 1.5).all() and (res.breath_period_s < 15).all()
    assert res.quality.min() == 1.0
