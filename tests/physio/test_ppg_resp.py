"""Breathing rate from the pulse: ``lacrima.physio.ppg_resp`` (Karlen et al. 2013)."""

from __future__ import annotations

import csv
import doctest
import os
from pathlib import Path

import numpy as np
import pytest

from lacrima.physio import ppg_resp, process_resp
from lacrima.physio.ppg_resp import estimate_resp_rate, resp_rate_from_beats

NK_REST = (
    Path(os.environ.get("LACRIMA_SHARED_DATA", "/work/shared/data"))
    / "neurokit-example-bio"
    / "bio_resting_5min_100hz.csv"
)


def _ppg(br_bpm: float, hr_bpm: float, fs: float, seed: int, dur: float = 180.0) -> np.ndarray:
    """Synthetic PPG with RIIV, RIAV and RIFV at ``br_bpm`` and a little noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(0, dur, 1 / fs)
    resp = np.sin(2 * np.pi * br_bpm / 60.0 * t)
    inst_hr = hr_bpm / 60.0 * (1 + 0.05 * resp)  # RSA
    phase = np.cumsum(inst_hr) / fs
    ph = phase % 1.0
    pulse = np.where(ph < 0.2, np.sin(np.pi * ph / 0.4), np.cos(np.pi * (ph - 0.2) / 1.6))
    x = (1 + 0.15 * resp) * pulse + 0.3 * resp  # amplitude and intensity modulation
    return x + 0.02 * rng.standard_normal(t.size)


@pytest.mark.parametrize(
    ("br", "hr", "seed"), [(10.0, 70.0, 0), (15.0, 60.0, 1), (20.0, 80.0, 2), (30.0, 95.0, 3)]
)
def test_known_breathing_rates_are_recovered(br: float, hr: float, seed: int) -> None:
    est = estimate_resp_rate(_ppg(br, hr, 64.0, seed), 64.0)
    good = est.quality >= 0.5
    assert good.mean() > 0.8  # the three modulations agree on clean synthetic pulses
    # within 1 breath/min (the 32-s window resolves about 2/min before refinement)
    assert abs(np.median(est.rate_bpm[good]) - br) < 1.0


def test_slow_breathing_needs_the_wider_range() -> None:
    # 6/min lies below the default search range (8-40/min, where the 0.1 Hz Mayer wave
    # cannot be confused with breathing); with the range widened it is found
    x = _ppg(6.0, 65.0, 64.0, 4)
    est = estimate_resp_rate(x, 64.0, rate_range_bpm=(5.0, 40.0))
    good = est.quality >= 0.5
    assert good.mean() > 0.8
    assert abs(np.median(est.rate_bpm[good]) - 6.0) < 1.0
    default = estimate_resp_rate(x, 64.0)
    assert not np.any(np.abs(default.rate_bpm - 6.0) < 1.0)  # never reported as 6


def test_flat_nan_and_short_inputs_give_empty_results() -> None:
    for x in (np.zeros(6400), np.full(6400, np.nan), np.ones(3)):
        est = estimate_resp_rate(x, 64.0)
        assert est.t_s.size == 0 and est.quality.size == 0
    est = resp_rate_from_beats([1.0, 2.0], [1.0, 1.0], [1.0, 1.0])
    assert est.t_s.size == 0


def test_bad_parameters_raise() -> None:
    from lacrima.errors import SignalError

    with pytest.raises(SignalError, match="kind"):
        estimate_resp_rate(np.zeros(100), 64.0, kind="eeg")
    with pytest.raises(SignalError, match="fs"):
        estimate_resp_rate(np.zeros(100), 0.0)
    with pytest.raises(SignalError, match="one value per beat"):
        resp_rate_from_beats([1.0, 2.0], [1.0], [1.0, 2.0])


def test_result_is_frozen() -> None:
    est = estimate_resp_rate(_ppg(15.0, 70.0, 64.0, 5, dur=60.0), 64.0)
    with pytest.raises(ValueError, match="read-only"):
        est.rate_bpm[0] = 1.0


def test_docstring_examples() -> None:
    assert doctest.testmod(ppg_resp).failed == 0


@pytest.mark.skipif(not NK_REST.is_file(), reason=f"{NK_REST} not found")
@pytest.mark.parametrize("kind", ["ppg", "ecg"])
def test_neurokit_rest_agrees_with_the_belt(kind: str) -> None:
    with NK_REST.open() as f:
        rows = list(csv.DictReader(f))
    x = np.array([float(r[kind.upper()]) for r in rows])
    rsp = np.array([float(r["RSP"]) for r in rows])
    est = estimate_resp_rate(x, 100.0, kind)
    belt = process_resp(rsp, 100.0)
    mid = belt.breath_onset_s + belt.breath_period_s / 2
    ref = np.array([60.0 / np.mean(belt.breath_period_s[np.abs(mid - c) < 16.0]) for c in est.t_s])
    good = est.quality >= 0.3
    # measured: 107 of 135 windows (PPG) and 98 (ECG); median |error| 1.3 and 0.9 /min
    assert good.mean() >= 0.6
    err = np.abs(est.rate_bpm[good] - ref[good])
    assert np.median(err) < 2.0  # breaths/min; the belt rate here is 11-19/min
    assert np.mean(err < 4.0) >= 0.75
