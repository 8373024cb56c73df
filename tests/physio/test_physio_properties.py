"""Properties of the non-cardiac signal layer under arbitrary input (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lacrima.physio.eda import process_eda
from lacrima.physio.filters import bandpass, decimate_to, interpolate_nans, lowpass
from lacrima.physio.hrv import hrv_windows
from lacrima.physio.resp import process_resp

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RATES = st.sampled_from([2.0, 4.0, 8.0, 25.0, 32.0, 100.0, 128.0, 700.0])
LENGTHS = st.integers(min_value=0, max_value=3000)
FINITE = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)


def _finite_or_nan(x: np.ndarray) -> bool:
    return not np.isinf(x).any()


@SETTINGS
@given(value=st.one_of(FINITE, st.just(np.nan)), n=LENGTHS, fs=RATES)
def test_flat_or_missing_never_crashes(value: float, n: int, fs: float) -> None:
    x = np.full(n, value)
    eda = process_eda(x, max(fs, 1.0))
    assert eda.t_s.size == 0 and eda.n_scr == 0
    assert (eda.quality == 0).all()
    resp = process_resp(x, fs)
    assert resp.n_breaths == 0 and resp.rate_bpm.size == 0
    assert (resp.quality == 0).all()
    y = bandpass(x, fs, 0.1 * fs / 4, 0.9 * fs / 2)
    assert y.shape == x.shape


@SETTINGS
@given(data=st.data(), fs=RATES)
def test_eda_on_random_finite_input(data: st.DataObject, fs: float) -> None:
    x = data.draw(arrays(np.float64, data.draw(LENGTHS), elements=FINITE))
    res = process_eda(x, fs)
    n = res.t_s.size
    assert res.clean_us.size == res.tonic_us.size == res.phasic_us.size == n
    if n:
        assert n == int(np.ceil(x.size * 8.0 / fs))
        assert np.isfinite(res.clean_us).all() and np.isfinite(res.tonic_us).all()
        assert np.isfinite(res.phasic_us).all()
    m = res.n_scr
    assert res.scr_peak_s.size == res.scr_amplitude_us.size == m
    assert np.isfinite(res.scr_onset_s).all() and (res.scr_amplitude_us >= 0.01).all()
    assert (res.scr_peak_s > res.scr_onset_s).all()
    assert res.quality.size == res.quality_t_s.size
    assert ((res.quality >= 0) & (res.quality <= 1)).all()


@SETTINGS
@given(data=st.data(), fs=RATES)
def test_resp_on_random_finite_input(data: st.DataObject, fs: float) -> None:
    x = data.draw(arrays(np.float64, data.draw(LENGTHS), elements=FINITE))
    res = process_resp(x, fs)
    m = res.n_breaths
    for arr in (res.breath_peak_s, res.breath_period_s, res.breath_amplitude):
        assert arr.size == m and np.isfinite(arr).all()
    assert (res.breath_period_s > 0).all()
    k = res.rate_t_s.size
    for arr in (res.rate_bpm, res.irregularity, res.period_cv, res.amplitude_cv):
        assert arr.size == k and _finite_or_nan(arr)
    rate = res.rate_bpm[np.isfinite(res.rate_bpm)]
    assert (rate > 0).all()
    assert res.quality.size == res.quality_t_s.size
    assert ((res.quality >= 0) & (res.quality <= 1)).all()


@SETTINGS
@given(
    ibi=arrays(
        np.float64,
        st.integers(0, 600),
        elements=st.one_of(st.floats(250, 2500), st.just(np.nan)),
    ),
    window_s=st.sampled_from([10.0, 30.0, 60.0, 120.0]),
    step_s=st.sampled_from([1.0, 5.0, 30.0]),
    rate=st.one_of(st.none(), st.floats(2, 60)),
)
def test_hrv_on_random_ibis(ibi: np.ndarray, window_s: float, step_s: float, rate) -> None:
    t = 0.1 + np.cumsum(np.nan_to_num(ibi, nan=700.0)) / 1000
    res = hrv_windows(t, ibi, window_s=window_s, step_s=step_s, resp_rate_bpm=rate)
    k = res.t_s.size
    for arr in (res.hr_bpm, res.rmssd_ms, res.hf_power_ms2, res.rsa_p2t_ms, res.coverage):
        assert arr.size == k and _finite_or_nan(arr)
    assert res.n_beats.size == k
    ok = res.n_beats >= 3
    hr = res.hr_bpm[ok & np.isfinite(res.hr_bpm)]
    assert ((hr >= 24 - 1e-9) & (hr <= 240 + 1e-9)).all()  # 60000 / [2500, 250] ms
    assert (res.rmssd_ms[np.isfinite(res.rmssd_ms)] >= 0).all()
    assert (res.hf_power_ms2[np.isfinite(res.hf_power_ms2)] >= -1e-9).all()
    assert ((res.coverage >= 0) & (res.coverage <= 1)).all()


@SETTINGS
@given(data=st.data(), fs=st.sampled_from([16.0, 100.0, 700.0]))
def test_filters_keep_length_and_finiteness(data: st.DataObject, fs: float) -> None:
    x = data.draw(arrays(np.float64, data.draw(LENGTHS), elements=FINITE))
    assert np.isfinite(lowpass(x, fs, fs / 8)).all()
    y = decimate_to(x, fs, 8.0)
    assert y.size == int(np.ceil(x.size * 8.0 / fs)) and np.isfinite(y).all()
    holes = x.copy()
    holes[::3] = np.nan
    filled = interpolate_nans(holes)
    assert filled.size == x.size
    assert x.size < 2 or np.isfinite(filled).all()
