"""Heart-rate variability in windows: ``lacrima.physio.hrv``."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from lacrima.errors import SignalError
from lacrima.physio.hrv import HF_BAND_HZ, HrvWindows, hrv_windows


def _times(ibi_ms: np.ndarray, start_s: float = 0.5) -> np.ndarray:
    """Beat times such that ``ibi_ms[i]`` ends at beat ``i``."""
    return start_s + np.cumsum(np.nan_to_num(ibi_ms, nan=800.0)) / 1000.0


def _expected(t: np.ndarray, ibi: np.ndarray, starts: np.ndarray, window: float):
    """HR and RMSSD per window, written out plainly (the reference for exactness)."""
    hr, rmssd = [], []
    for s in starts:
        idx = np.flatnonzero((t >= s) & (t < s + window))
        vals = ibi[idx]
        good = vals[np.isfinite(vals)]
        hr.append(60_000.0 / good.mean())
        diffs = [
            ibi[i] - ibi[i - 1]
            for i in idx[1:]
            if np.isfinite(ibi[i]) and np.isfinite(ibi[i - 1]) and (i - 1) in idx
        ]
        rmssd.append(np.sqrt(np.mean(np.square(diffs))))
    return np.asarray(hr), np.asarray(rmssd)


def _modulated(freq_hz: float, amp_ms: float, base_ms: float = 800.0, duration_s: float = 300):
    """IBIs whose value at their ending beat follows ``base + amp * cos(2 pi f t)``."""
    t, ibis = [0.0], []
    while t[-1] < duration_s:
        guess = t[-1] + base_ms / 1000
        for _ in range(5):  # fixed point: the IBI ending at time t equals hp(t)
            ibi = base_ms + amp_ms * np.cos(2 * np.pi * freq_hz * guess)
            guess = t[-1] + ibi / 1000
        t.append(guess)
        ibis.append(ibi)
    return np.asarray(t[1:]), np.asarray(ibis)


def _breaths(freq_hz: float, duration_s: float) -> SimpleNamespace:
    """Breath cycles in phase with ``_modulated``: inhale while the IBI shortens."""
    period = 1 / freq_hz
    onset = np.arange(0, duration_s - period, period)
    return SimpleNamespace(
        breath_onset_s=onset,
        breath_peak_s=onset + period / 2,
        breath_period_s=np.full(onset.size, period),
    )


def test_hr_and_rmssd_exact_on_alternating_series() -> None:
    ibi = np.tile([800.0, 850.0], 300)
    t = _times(ibi)
    res = hrv_windows(t, ibi, window_s=60.0, step_s=5.0)
    starts = res.t_s - 30.0
    hr, _ = _expected(t, ibi, starts, 60.0)
    np.testing.assert_allclose(res.hr_bpm, hr, rtol=1e-12)
    np.testing.assert_allclose(res.rmssd_ms, 50.0, rtol=1e-12)  # every difference is ±50
    assert (res.n_beats >= 70).all()


def test_hr_and_rmssd_exact_with_gaps() -> None:
    rng = np.random.default_rng(5)
    ibi = rng.uniform(600, 1000, 500)
    ibi[rng.choice(500, 25, replace=False)] = np.nan  # artefacts removed upstream
    t = _times(ibi)
    res = hrv_windows(t, ibi, window_s=60.0, step_s=10.0)
    hr, rmssd = _expected(t, ibi, res.t_s - 30.0, 60.0)
    np.testing.assert_allclose(res.hr_bpm, hr, rtol=1e-12)
    np.testing.assert_allclose(res.rmssd_ms, rmssd, rtol=1e-12)


def test_constant_rhythm() -> None:
    ibi = np.full(200, 1000.0)
    res = hrv_windows(_times(ibi, 0.0), ibi)
    np.testing.assert_allclose(res.hr_bpm, 60.0)
    np.testing.assert_allclose(res.rmssd_ms, 0.0)
    np.testing.assert_allclose(res.hf_power_ms2, 0.0, atol=1e-9)
    assert (res.coverage >= 59 / 60).all()  # IBIs ending in [start, start + 60 s)


def test_both_ibi_conventions_agree() -> None:
    ibi = np.random.default_rng(2).uniform(700, 900, 300)
    t = np.concatenate(([0.2], 0.2 + np.cumsum(ibi) / 1000))  # one more beat than IBIs
    a = hrv_windows(t, ibi)  # ibi[i] runs from beat i to beat i + 1
    b = hrv_windows(t, np.concatenate(([np.nan], ibi)))  # ibi[i] ends at beat i
    for field in ("hr_bpm", "rmssd_ms", "hf_power_ms2", "rsa_p2t_ms", "n_beats"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_hf_power_peaks_for_modulation_in_the_hf_band() -> None:
    amp = 40.0
    power = {}
    for f in (0.05, 0.1, 0.2, 0.25, 0.3, 0.35):
        t, ibi = _modulated(f, amp)
        power[f] = np.nanmedian(hrv_windows(t, ibi).hf_power_ms2)
    # A sine of amplitude A carries A²/2 of power (Parseval).
    assert power[0.25] == pytest.approx(amp**2 / 2, rel=0.1)
    for f in (0.2, 0.3, 0.35):
        assert power[f] > 0.8 * amp**2 / 2
    for f in (0.05, 0.1):
        assert power[f] < 0.05 * amp**2 / 2
    assert HF_BAND_HZ == (0.15, 0.40)


def test_rsa_peak_to_trough_tracks_slow_breathing_where_hf_misses_it() -> None:
    # Slow breathing at 6 per minute (0.1 Hz) moves RSA below the HF band.
    f, duration = 0.1, 300.0
    rsa = {}
    for amp in (20.0, 40.0):
        t, ibi = _modulated(f, amp, duration_s=duration)
        res = hrv_windows(t, ibi, breaths=_breaths(f, duration))
        assert res.rsa_method == "breath_cycles"
        rsa[amp] = np.nanmedian(res.rsa_p2t_ms)
        # Peak-to-trough is 2 A, less the part lost to beat sampling (beats 0.8 s apart
        # miss the extremes by up to 0.4 s: cos(2 pi 0.1 0.4) = 0.97).
        assert 0.9 * 2 * amp <= rsa[amp] <= 2 * amp + 1e-9
        # HF power sees almost none of it.
        assert np.nanmedian(res.hf_power_ms2) < 0.05 * amp**2 / 2
    assert rsa[40.0] / rsa[20.0] == pytest.approx(2.0, rel=0.05)


def test_rsa_from_breathing_rate_alone() -> None:
    t, ibi = _modulated(0.1, 40.0)
    by_rate = hrv_windows(t, ibi, resp_rate_bpm=6.0)
    assert by_rate.rsa_method == "resp_rate"
    assert np.nanmedian(by_rate.rsa_p2t_ms) == pytest.approx(80.0, rel=0.15)
    series = hrv_windows(t, ibi, resp_rate_bpm=np.array([6.0, 6.0]), resp_rate_t_s=[0, 300])
    np.testing.assert_allclose(series.rsa_p2t_ms, by_rate.rsa_p2t_ms)
    # Without breathing information RSA is looked for in the HF band and mostly missed.
    blind = hrv_windows(t, ibi)
    assert blind.rsa_method == "hf_band"
    assert np.nanmedian(blind.rsa_p2t_ms) < 0.25 * 80.0


def test_rsa_in_the_hf_band_matches_peak_to_trough() -> None:
    t, ibi = _modulated(0.25, 30.0)
    res = hrv_windows(t, ibi)
    assert np.nanmedian(res.rsa_p2t_ms) == pytest.approx(60.0, rel=0.1)
    cycles = hrv_windows(t, ibi, breaths=_breaths(0.25, 300.0))
    # At 0.25 Hz, beats 0.8 s apart catch the extremes less well (cos(2 pi 0.25 0.4)).
    assert 0.75 * 60.0 <= np.nanmedian(cycles.rsa_p2t_ms) <= 60.0


def test_window_grid_and_types() -> None:
    ibi = np.full(400, 750.0)
    t = _times(ibi, 0.0)
    res = hrv_windows(t, ibi, window_s=30.0, step_s=2.5)
    assert isinstance(res, HrvWindows)
    assert res.t_s[0] == 15.0
    np.testing.assert_allclose(np.diff(res.t_s), 2.5)
    assert res.t_s[-1] + 15.0 <= t[-1] + 1e-9
    n = res.t_s.size
    for field in ("hr_bpm", "rmssd_ms", "hf_power_ms2", "rsa_p2t_ms", "n_beats", "coverage"):
        assert getattr(res, field).shape == (n,)
    assert res.n_beats.dtype == np.int64
    assert res.window_s == 30.0


def test_too_little_data_gives_nan_or_empty() -> None:
    assert hrv_windows(np.empty(0), np.empty(0)).t_s.size == 0
    short = np.full(20, 800.0)
    assert hrv_windows(_times(short), short).t_s.size == 0  # 16 s < one window
    missing = np.full(200, np.nan)
    res = hrv_windows(_times(missing), missing)
    assert res.t_s.size > 0
    assert np.isnan(res.hr_bpm).all() and np.isnan(res.hf_power_ms2).all()
    assert (res.n_beats == 0).all() and (res.coverage == 0).all()
    # A long gap: the windows inside it are NaN, the others are not.
    ibi = np.full(600, 800.0)
    ibi[100:300] = np.nan
    res = hrv_windows(_times(ibi), ibi)
    assert np.isnan(res.hr_bpm[(res.t_s > 120) & (res.t_s < 200)]).all()
    assert np.isfinite(res.hr_bpm[res.t_s > 300]).all()
    # No beats but a known duration: windows with nothing in them.
    res = hrv_windows(np.empty(0), np.empty(0), duration_s=120.0)
    assert res.t_s.size == 13 and (res.n_beats == 0).all()


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((np.arange(5.0), np.ones(3)), {}, "one value per beat"),
        ((np.array([1.0, 3.0, 2.0]), np.ones(3)), {}, "increasing"),
        ((np.array([1.0, np.nan]), np.ones(2)), {}, "finite"),
        ((np.array([-1.0, 1.0]), np.ones(2)), {}, ">= 0"),
        ((np.arange(5.0), np.ones(5)), {"window_s": 5.0}, "at least 10 s"),
        ((np.arange(5.0), np.ones(5)), {"step_s": 0}, "step_s"),
        ((np.arange(100.0), np.ones(100)), {"resp_rate_bpm": np.ones(7)}, "windows"),
    ],
)
def test_bad_parameters(args, kwargs, match: str) -> None:
    with pytest.raises(SignalError, match=match):
        hrv_windows(*args, **kwargs)


def test_lf_hf_is_not_offered() -> None:
    fields = HrvWindows.__dataclass_fields__
    assert not any("lf" in name for name in fields)
    doc = hrv_windows.__module__
    import importlib

    text = importlib.import_module(doc).__doc__ or ""
    assert "Billman" in text and "LF/HF" in text
