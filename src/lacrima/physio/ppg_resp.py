"""Breathing rate from the pulse: respiratory modulations of the PPG (or ECG), fused.

Breathing modulates the cardiac signal in three ways (Karlen et al. 2013; reviewed by
Charlton et al. 2016):

- **RIIV**, respiratory-induced *intensity* variation: the level of each pulse moves
  with intrathoracic pressure and venous return (for an ECG: baseline wander);
- **RIAV**, respiratory-induced *amplitude* variation: stroke volume, and so the pulse
  amplitude, falls during inspiration (for an ECG: the R-wave amplitude changes as the
  heart's electrical axis moves);
- **RIFV**, respiratory-induced *frequency* variation: respiratory sinus arrhythmia,
  the heart speeds up on inspiration.

:func:`resp_rate_from_beats` turns each modulation into a series sampled at
:data:`MOD_FS_HZ` (linear interpolation between beats), and in sliding windows of
``window_s`` (32 s, as Karlen et al. 2013) takes the frequency of the largest spectral
peak (a local maximum, not the band edge) in 8-40 breaths/min (below half the beat
rate: beats sample the modulation) from a linearly detrended, Hann-windowed,
zero-padded FFT. The three rates are fused by the *smart fusion* of Karlen et al.
(2013): where their standard deviation is at most :data:`FUSION_SD_BPM` (4 breaths/min)
the window's rate is their mean; otherwise the modulations disagree (irregular
breathing, speech, motion) and the window has no rate.
The window's **quality** is ``(1 - SD / 4) x coverage``: 1 when the three agree exactly
and every beat of the window is usable, 0 at Karlen's rejection limit.

:func:`estimate_resp_rate` does the same from a raw PPG or ECG (beats from
:func:`lacrima.physio.process_cardiac`).

The estimate is a breathing *rate*; depth is not measured. It is meant to flag stretches
where breathing departs from its usual rate (which changes RSA without any change in
vagal tone; Grossman & Taylor 2007), not to replace a respiration belt.

References
----------
Karlen, W., Raman, S., Ansermino, J. M. & Dumont, G. A. "Multiparameter respiratory
rate estimation from the photoplethysmogram." IEEE Trans Biomed Eng 60:1946-1953, 2013.
Julien, C. "The enigma of Mayer waves: facts and models." Cardiovasc Res 70:12-21,
2006.
Charlton, P. H. et al. "An assessment of algorithms to estimate respiratory rate from
the electrocardiogram and photoplethysmogram." Physiol Meas 37:610-626, 2016.
Grossman, P. & Taylor, E. W. "Toward understanding respiratory sinus arrhythmia."
Biol Psychol 74:263-285, 2007.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike
from scipy import ndimage
from scipy import signal as sps

from lacrima.errors import SignalError
from lacrima.physio._common import empty, frozen, sliding_windows
from lacrima.physio._validate import as_signal, check_positive

__all__ = [
    "FUSION_SD_BPM",
    "MOD_FS_HZ",
    "RespRateEstimate",
    "estimate_resp_rate",
    "resp_rate_from_beats",
]

MOD_FS_HZ = 4.0
"""Rate (Hz) at which the beat-to-beat modulation series are resampled."""

FUSION_SD_BPM = 4.0
"""Largest SD (breaths/min) of the three modulation rates that is fused (Karlen 2013)."""

RATE_RANGE_BPM = (8.0, 40.0)
"""Breathing rates searched, breaths/min."""

_NFFT = 2048  # at 4 Hz: 0.12 breaths/min bins before parabolic refinement
_MIN_COVERAGE = 0.8  # share of a window spanned by usable beats
_MAX_BEAT_GAP_S = 2.5  # longer gaps between usable beats are not bridged
_IBI_DEVIATION = 0.35  # intervals this far from the running median: missed/extra beat
_ECG_QRS_HALF_S = 0.08  # R amplitude: R minus the lowest point within +-80 ms (Q, S)


@dataclass(frozen=True, eq=False)
class RespRateEstimate:
    """Breathing rate per window from the three respiratory modulations.

    Attributes
    ----------
    t_s : numpy.ndarray
        Window centres, s from the first sample (of the beat times given).
    rate_bpm : numpy.ndarray
        Fused breathing rate, breaths/min; NaN where the modulations disagree
        (SD > :data:`FUSION_SD_BPM`) or the beats cover too little of the window.
    quality : numpy.ndarray
        0..1 per window: ``(1 - SD / 4)`` times the covered share (0 where no rate).
    riiv_bpm, riav_bpm, rifv_bpm : numpy.ndarray
        The rate from each modulation alone, breaths/min.
    window_s : float
        Window length, s.
    """

    t_s: np.ndarray
    rate_bpm: np.ndarray
    quality: np.ndarray
    riiv_bpm: np.ndarray
    riav_bpm: np.ndarray
    rifv_bpm: np.ndarray
    window_s: float = 32.0

    @staticmethod
    def empty(window_s: float = 32.0) -> RespRateEstimate:
        """An estimate with no windows (flat, missing or too short input)."""
        return RespRateEstimate(empty(), empty(), empty(), empty(), empty(), empty(), window_s)


def _running_median(x: np.ndarray, size: int = 11) -> np.ndarray:
    ok = np.isfinite(x)
    if not ok.any():
        return x.copy()
    filled = np.interp(np.arange(x.size), np.flatnonzero(ok), x[ok])
    return ndimage.median_filter(filled, size=size, mode="nearest")


def _series(t: np.ndarray, v: np.ndarray, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``v`` at beat times ``t`` on ``grid``; and 1 where the grid lies between usable beats."""
    ok = np.isfinite(t) & np.isfinite(v)
    tt, vv = t[ok], v[ok]
    if tt.size < 4:
        return np.zeros(grid.size), np.zeros(grid.size)
    y = np.interp(grid, tt, vv)
    j = np.clip(np.searchsorted(tt, grid), 1, tt.size - 1)
    inside = (grid >= tt[0]) & (grid <= tt[-1]) & (tt[j] - tt[j - 1] <= _MAX_BEAT_GAP_S)
    return y, inside.astype(np.float64)


def _peak_rates(segs: np.ndarray, f_lo: float, f_hi: np.ndarray) -> np.ndarray:
    """Frequency (breaths/min) of the largest spectral peak of each row, per-row upper limit."""
    if segs.shape[0] == 0:
        return np.empty(0)
    x = sps.detrend(segs, axis=1, type="linear") * np.hanning(segs.shape[1])
    p = np.abs(np.fft.rfft(x, n=_NFFT, axis=1)) ** 2
    f = np.fft.rfftfreq(_NFFT, 1.0 / MOD_FS_HZ) * 60.0
    band = (f >= f_lo)[None, :] & (f[None, :] <= f_hi[:, None])
    # a true peak, not the edge of the band, where slow trends and vasomotion leak in
    local = np.zeros_like(band)
    local[:, 1:-1] = (p[:, 1:-1] > p[:, :-2]) & (p[:, 1:-1] >= p[:, 2:])
    pb = np.where(band & local, p, -1.0)
    k = np.argmax(pb, axis=1)
    rows = np.arange(p.shape[0])
    # parabolic refinement of the peak bin (on log power)
    kk = np.clip(k, 1, f.size - 2)
    a, b, c = (np.log(np.maximum(p[rows, kk + d], 1e-300)) for d in (-1, 0, 1))
    den = a - 2 * b + c
    with np.errstate(invalid="ignore", divide="ignore"):
        off = np.where(den < 0, 0.5 * (a - c) / den, 0.0)
    rate = (kk + np.clip(off, -0.5, 0.5)) * (f[1] - f[0])
    flat = pb[rows, k] <= 0
    return np.where(flat, np.nan, rate)


def resp_rate_from_beats(
    beat_times_s: ArrayLike,
    intensity: ArrayLike,
    amplitude: ArrayLike,
    *,
    duration_s: float | None = None,
    window_s: float = 32.0,
    step_s: float = 2.0,
    rate_range_bpm: tuple[float, float] = RATE_RANGE_BPM,
) -> RespRateEstimate:
    """Breathing rate per window from per-beat intensity, amplitude and timing.

    Parameters
    ----------
    beat_times_s : array_like
        Time of each beat, s, increasing (NaN: unusable beat).
    intensity : array_like
        Signal level of each beat (PPG: the systolic peak value; ECG: the R-peak value),
        any unit (NaN: unusable).
    amplitude : array_like
        Pulse amplitude of each beat (PPG: peak minus the preceding foot; ECG: R minus
        the lowest point of the QRS), any unit (NaN: unusable).
    duration_s : float, optional
        Length of the recording, s; by default the last beat time.
    window_s : float
        Window length, s (32 s, Karlen et al. 2013).
    step_s : float
        Spacing of the windows, s.
    rate_range_bpm : tuple of float
        Breathing rates searched, breaths/min. The default starts at 8/min: below it
        the 0.1-Hz Mayer wave of blood pressure, which modulates all three series
        (Julien 2006), cannot be told from breathing; widen it only where slow
        breathing is expected and Mayer waves are not.

    Returns
    -------
    RespRateEstimate
        Windows start at 0 s; empty with no windows when there are fewer than 4 usable
        beats.

    Raises
    ------
    SignalError
        If the per-beat arrays differ in length or a window parameter is not positive.

    References
    ----------
    Karlen et al. 2013 (modulations, 32-s windows, smart fusion); Charlton et al. 2016.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 120.0, 0.8)                      # 75 beats/min
    >>> br = np.sin(2 * np.pi * 0.25 * t)                   # 15 breaths/min
    >>> t = t + 0.03 * np.cumsum(br) / 10                    # RSA
    >>> est = resp_rate_from_beats(t, 1 + 0.1 * br, 1 - 0.1 * br)
    >>> bool(abs(np.nanmedian(est.rate_bpm) - 15.0) < 1.0)
    True
    """
    t = as_signal(np.asarray(beat_times_s, dtype=np.float64), "beat_times_s")
    inten = as_signal(np.asarray(intensity, dtype=np.float64), "intensity")
    amp = as_signal(np.asarray(amplitude, dtype=np.float64), "amplitude")
    if not t.size == inten.size == amp.size:
        raise SignalError(
            f"beat_times_s, intensity and amplitude must have one value per beat; got "
            f"{t.size}, {inten.size} and {amp.size}"
        )
    win = check_positive("window_s", window_s)
    step = check_positive("step_s", step_s)
    usable = np.isfinite(t) & np.isfinite(inten) & np.isfinite(amp)
    if usable.sum() < 4:
        return RespRateEstimate.empty(win)
    dur = float(np.nanmax(t)) if duration_s is None else check_positive("duration_s", duration_s)
    starts = sliding_windows(dur, win, step)
    if starts.size == 0:
        return RespRateEstimate.empty(win)
    grid = np.arange(0.0, dur, 1.0 / MOD_FS_HZ)
    # interval ending at each beat; only between two usable beats, and not where a
    # beat was missed or doubled (far from the running median interval)
    ibi = np.diff(t, prepend=np.nan)
    ibi[1:][~(usable[1:] & usable[:-1])] = np.nan
    with np.errstate(invalid="ignore"):
        ibi[np.abs(ibi / _running_median(ibi) - 1.0) > _IBI_DEVIATION] = np.nan
    t_mid = t - 0.5 * np.nan_to_num(ibi)  # an interval belongs to its midpoint
    mods = []
    cover = np.ones(grid.size)
    for tt, v in (
        (t, np.where(usable, inten, np.nan)),  # RIIV
        (t, np.where(usable, amp, np.nan)),  # RIAV
        (t_mid, ibi),  # RIFV
    ):
        y, inside = _series(tt, v, grid)
        mods.append(y)
        cover = np.minimum(cover, inside)
    n_seg = round(win * MOD_FS_HZ)
    i0 = np.round(starts * MOD_FS_HZ).astype(np.int64)
    i0 = i0[i0 + n_seg <= grid.size]
    if i0.size == 0:
        return RespRateEstimate.empty(win)
    cov = sliding_window_view(cover, n_seg)[i0].mean(axis=1)
    # beats sample the modulations: stay below 90 % of half the median beat rate
    med_ibi = float(np.nanmedian(ibi)) if np.isfinite(ibi).any() else 1.0
    lo_bpm, hi_bpm = (float(v) for v in rate_range_bpm)
    if not 0 < lo_bpm < hi_bpm:
        raise SignalError(
            f"rate_range_bpm must be (low, high) with 0 < low < high; got {rate_range_bpm!r}"
        )
    f_hi = np.full(i0.size, min(hi_bpm, 0.9 * 0.5 * 60.0 / med_ibi))
    segs = [sliding_window_view(y, n_seg)[i0] for y in mods]
    rates = np.vstack([_peak_rates(sg, lo_bpm, f_hi) for sg in segs])
    rates[:, cov < _MIN_COVERAGE] = np.nan
    sd = np.std(rates, axis=0)
    fused = np.where(np.isfinite(sd) & (sd <= FUSION_SD_BPM), rates.mean(axis=0), np.nan)
    q = np.where(np.isfinite(fused), np.clip(1.0 - sd / FUSION_SD_BPM, 0, 1) * cov, 0.0)
    centres = i0 / MOD_FS_HZ + win / 2.0
    return RespRateEstimate(
        t_s=frozen(centres),
        rate_bpm=frozen(fused),
        quality=frozen(np.nan_to_num(q)),
        riiv_bpm=frozen(rates[0]),
        riav_bpm=frozen(rates[1]),
        rifv_bpm=frozen(rates[2]),
        window_s=win,
    )


def estimate_resp_rate(
    signal: ArrayLike,
    fs: float,
    kind: str = "ppg",
    *,
    window_s: float = 32.0,
    step_s: float = 2.0,
    rate_range_bpm: tuple[float, float] = RATE_RANGE_BPM,
) -> RespRateEstimate:
    """Breathing rate over time from a PPG or ECG (RIIV, RIAV and RIFV fused).

    Parameters
    ----------
    signal : array_like
        1-D PPG or ECG samples, any unit; NaN marks missing samples.
    fs : float
        Sampling rate, Hz.
    kind : {"ppg", "ecg"}
        Signal type.
    window_s, step_s : float
        Window length and spacing, s.
    rate_range_bpm : tuple of float
        Breathing rates searched, breaths/min (see :func:`resp_rate_from_beats`).

    Returns
    -------
    RespRateEstimate
        Empty (no windows) for a flat, all-NaN or too short signal.

    Raises
    ------
    SignalError
        If ``fs`` is not a positive rate or ``kind`` is unknown.

    References
    ----------
    Karlen et al. 2013; Charlton et al. 2016.

    Examples
    --------
    >>> import numpy as np
    >>> estimate_resp_rate(np.zeros(6400), 64.0).t_s.size
    0
    """
    from lacrima.physio.cardiac import process_cardiac

    if kind not in ("ppg", "ecg"):
        raise SignalError(f"kind must be 'ppg' or 'ecg'; got {kind!r}")
    rate = check_positive("fs", fs)
    x = as_signal(np.asarray(signal, dtype=np.float64), "signal")
    fin = np.isfinite(x)
    if x.size < 2 or not fin.any() or np.ptp(x[fin]) <= 0:
        return RespRateEstimate.empty(window_s)
    res = process_cardiac(x, rate, kind=kind)
    beats = np.asarray(res.beats, dtype=np.int64)
    if beats.size < 4:
        return RespRateEstimate.empty(window_s)
    inten, amp, t = per_beat_modulations(x, rate, beats, kind)
    return resp_rate_from_beats(
        t,
        inten,
        amp,
        duration_s=x.size / rate,
        window_s=window_s,
        step_s=step_s,
        rate_range_bpm=rate_range_bpm,
    )


def per_beat_modulations(
    x: np.ndarray, fs: float, beats: np.ndarray, kind: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Intensity, amplitude and time (s) of each beat (NaN where a beat is unusable).

    PPG: the beat is timed at its onset and its amplitude is peak minus foot
    (:func:`lacrima.physio.pulse_onsets`); pulses whose shape disagrees with their
    neighbours are unusable. ECG: R-peak time, value, and R minus the lowest point
    within 80 ms either side.
    """
    if kind == "ppg":
        from lacrima.physio.ppg_timing import pulse_onsets

        on = pulse_onsets(x, fs, beats)
        ok = on.plausible
        filled = np.where(np.isfinite(x), x, np.nan)
        inten = np.where(ok, filled[beats], np.nan)
        return inten, np.where(ok, on.amplitude, np.nan), np.where(ok, on.onset_s, np.nan)
    half = max(round(_ECG_QRS_HALF_S * fs), 1)
    lo = np.clip(beats - half, 0, x.size - 1)
    idx = lo[:, None] + np.arange(2 * half + 1)[None, :]
    seg = x[np.clip(idx, 0, x.size - 1)]
    with np.errstate(invalid="ignore"):
        amp = x[beats] - np.nanmin(np.where(np.isfinite(seg), seg, np.inf), axis=1)
    return x[beats].astype(float), np.where(np.isfinite(amp), amp, np.nan), beats / fs
