"""Heart-rate variability in sliding windows: HR, RMSSD, HF power and breathing-aware RSA.

All measures come from beat times and (artefact-corrected) inter-beat intervals, in
windows of ``window_s`` every ``step_s`` starting at 0 s, so their centres line up with
the other windowed series of the signal layer.

- ``hr_bpm``: 60 000 / mean IBI (Task Force 1996).
- ``rmssd_ms``: root mean square of successive IBI differences (Task Force 1996); an
  index of vagal (parasympathetic) activity.
- ``hf_power_ms2``: power of the IBI series in 0.15-0.40 Hz (Task Force 1996), from the
  tachogram resampled at 4 Hz by a cubic spline, linearly detrended and Hann-windowed
  per window (a one-segment Welch periodogram).
- ``rsa_p2t_ms``: respiratory sinus arrhythmia, peak-to-trough (Grossman, van Beek &
  Wientjes 1990): per breath, the longest IBI of expiration minus the shortest IBI of
  inspiration (0 when expiration has no longer IBI), averaged over the breaths in the
  window. HF power assumes breathing inside 0.15-0.40 Hz; when breathing slows below
  0.15 Hz (breathing is slower at crying onset, Hendriks et al. 2007) the RSA moves out
  of the HF band and HF power falls even if vagal activity has not changed (Grossman &
  Taylor 2007). With breath cycles (from :func:`lacrima.physio.process_resp`) RSA
  follows the breathing whatever its rate. Without cycles but with a breathing rate,
  the tachogram is band-passed around that rate and RSA is the mean peak-to-trough of
  that oscillation; with neither, the same is done in the HF band (then it shares HF
  power's blind spot).
  See ``docs/decisions/0012-rsa-peak-to-trough-breathing-aware.md``.

LF power and the LF/HF ratio are deliberately not offered: LF/HF is not a valid index
of "sympathovagal balance" and LF power does not measure sympathetic activity
(Billman 2013). Lacrima's sympathetic channel is EDA.

References
----------
Task Force of the European Society of Cardiology and the North American Society of
Pacing and Electrophysiology. "Heart rate variability: standards of measurement,
physiological interpretation and clinical use." Circulation 93:1043-1065, 1996.
Grossman, P., van Beek, J. & Wientjes, C. "A comparison of three quantification
methods for estimation of respiratory sinus arrhythmia." Psychophysiology 27:702-714,
1990.
Grossman, P. & Taylor, E. W. "Toward understanding respiratory sinus arrhythmia:
relations to cardiac vagal tone, evolution and biobehavioral functions." Biol Psychol
74:263-285, 2007.
Hendriks, M. C. P., Rottenberg, J. & Vingerhoets, A. J. J. M. Emotion 7:458-463, 2007.
Billman, G. E. "The LF/HF ratio does not accurately measure cardiac sympatho-vagal
balance." Front Physiol 4:26, 2013.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal as sps
from scipy.interpolate import CubicSpline

from lacrima.errors import SignalError
from lacrima.physio._common import frozen, sliding_windows
from lacrima.physio._rsa import (
    HF_BAND_HZ,
    TACHO_FS_HZ,
    BreathCycles,
    resp_freq,
    rsa_breaths,
    rsa_filtered,
)
from lacrima.physio._validate import as_signal, check_positive

__all__ = ["HF_BAND_HZ", "BreathCycles", "HrvWindows", "hrv_windows"]


_MIN_COVERAGE = 0.5  # HR and RMSSD
_MIN_COVERAGE_SPECTRAL = 0.8  # HF power and RSA: interpolation over gaps distorts more


@dataclass(frozen=True, eq=False)
class HrvWindows:
    """HRV per sliding window; ``t_s`` are window centres in s from the first sample.

    Attributes
    ----------
    t_s : numpy.ndarray
        Window centres, s.
    hr_bpm : numpy.ndarray
        Mean heart rate, beats per minute.
    rmssd_ms : numpy.ndarray
        Root mean square of successive IBI differences, ms.
    hf_power_ms2 : numpy.ndarray
        IBI power in 0.15-0.40 Hz, ms².
    rsa_p2t_ms : numpy.ndarray
        Peak-to-trough respiratory sinus arrhythmia, ms (see ``rsa_method``).
    n_beats : numpy.ndarray
        Valid IBIs ending in each window (int64).
    coverage : numpy.ndarray
        Fraction (0..1) of each window spanned by valid IBIs.
    window_s : float
        Window length, s.
    rsa_method : str
        ``"breath_cycles"``, ``"resp_rate"`` or ``"hf_band"``.

    Notes
    -----
    Values are NaN where a window has too little clean data: HR and RMSSD need at least
    3 valid IBIs and 50 % coverage, HF power and RSA 80 % coverage.
    """

    t_s: np.ndarray
    hr_bpm: np.ndarray
    rmssd_ms: np.ndarray
    hf_power_ms2: np.ndarray
    rsa_p2t_ms: np.ndarray
    n_beats: np.ndarray
    coverage: np.ndarray
    window_s: float = 60.0
    rsa_method: str = "hf_band"


def hrv_windows(
    beat_times_s: np.ndarray,
    ibi_ms: np.ndarray,
    window_s: float = 60.0,
    step_s: float = 5.0,
    resp_rate_bpm: float | np.ndarray | None = None,
    *,
    breaths: BreathCycles | None = None,
    resp_rate_t_s: np.ndarray | None = None,
    duration_s: float | None = None,
) -> HrvWindows:
    """HR, RMSSD, HF power and breathing-aware RSA in sliding windows.

    Parameters
    ----------
    beat_times_s : numpy.ndarray
        Beat times, s from the first sample, increasing.
    ibi_ms : numpy.ndarray
        Inter-beat intervals in ms; NaN (or <= 0) marks an interval to ignore. Either
        one per beat (``ibi_ms[i]`` ends at beat ``i``; the first is usually NaN) or one
        fewer than beats (``ibi_ms[i]`` runs from beat ``i`` to beat ``i + 1``).
    window_s : float
        Window length, s (at least 10 s; 60 s or more for HF power, Task Force 1996).
    step_s : float
        Step between window starts, s.
    resp_rate_bpm : float or numpy.ndarray, optional
        Breathing rate used for RSA when ``breaths`` is not given: one value, one per
        window, or a series at ``resp_rate_t_s`` (interpolated at window centres).
    breaths : BreathCycles, optional
        Breath cycles, e.g. the result of :func:`lacrima.physio.process_resp`; gives
        Grossman's per-breath peak-to-trough RSA.
    resp_rate_t_s : numpy.ndarray, optional
        Times (s) of a ``resp_rate_bpm`` series.
    duration_s : float, optional
        Length of the recording, s; defaults to the last beat time.

    Returns
    -------
    HrvWindows
        One value per window for each measure. No beats (and no ``duration_s``), or a
        recording shorter than one window, gives empty arrays.

    Raises
    ------
    SignalError
        If lengths disagree, beat times are not increasing, or a parameter is invalid.

    References
    ----------
    Task Force 1996 (HR, RMSSD, HF band); Grossman, van Beek & Wientjes 1990 (RSA
    peak-to-trough); Grossman & Taylor 2007; Billman 2013 (why no LF/HF). Full entries
    in the module docstring.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.cumsum(np.full(150, 0.8))
    >>> res = hrv_windows(t, np.full(150, 800.0))
    >>> float(res.hr_bpm[0]), float(res.rmssd_ms[0])
    (75.0, 0.0)
    """
    window = check_positive("window_s", window_s)
    step = check_positive("step_s", step_s)
    if window < 10.0:
        raise SignalError(f"window_s must be at least 10 s for HRV; got {window_s!r}")
    t_beat, ibi = _align(beat_times_s, ibi_ms)
    if duration_s is not None:
        duration = check_positive("duration_s", duration_s, allow_zero=True)
    else:
        duration = float(t_beat[-1]) if t_beat.size else 0.0
    starts = sliding_windows(duration, window, step)
    m = starts.size
    centres = starts + window / 2.0
    method = "breath_cycles" if breaths is not None else "hf_band"
    if resp_rate_bpm is not None and breaths is None:
        method = "resp_rate"
    if m == 0:
        none = np.empty(0)
        return _result(centres, none, none, none, none, np.empty(0, np.int64), none, window, method)

    valid = np.isfinite(ibi) & (ibi > 0)
    lo = np.searchsorted(t_beat, starts, side="left")
    hi = np.searchsorted(t_beat, starts + window, side="left")
    c_n = np.concatenate(([0], np.cumsum(valid)))
    c_sum = np.concatenate(([0.0], np.cumsum(np.where(valid, ibi, 0.0))))
    n_beats = c_n[hi] - c_n[lo]
    coverage = np.minimum((c_sum[hi] - c_sum[lo]) / 1000.0 / window, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        hr = 60_000.0 * n_beats / (c_sum[hi] - c_sum[lo])
    ok = (n_beats >= 3) & (coverage >= _MIN_COVERAGE)
    hr = np.where(ok, hr, np.nan)

    # Successive differences; difference i pairs IBI i-1 and IBI i (both in the window).
    pair = valid[1:] & valid[:-1]
    d2 = np.where(pair, np.diff(np.where(valid, ibi, 0.0)) ** 2, 0.0)
    c_d2 = np.concatenate(([0.0], np.cumsum(d2)))
    c_np = np.concatenate(([0], np.cumsum(pair)))
    a = np.minimum(lo, max(pair.size, 0))
    b = np.maximum(np.minimum(hi - 1, pair.size), a)
    n_pairs = c_np[b] - c_np[a]
    with np.errstate(invalid="ignore", divide="ignore"):
        rmssd = np.sqrt((c_d2[b] - c_d2[a]) / n_pairs)
    rmssd = np.where(ok & (n_pairs >= 2), rmssd, np.nan)

    spectral_ok = coverage >= _MIN_COVERAGE_SPECTRAL
    grid_t, tacho = _tachogram(t_beat, ibi, valid, duration)
    hf = _band_power(tacho, starts, window, HF_BAND_HZ)
    hf = np.where(spectral_ok, hf, np.nan)

    if breaths is not None:
        rsa = rsa_breaths(t_beat, ibi, valid, breaths, starts, window)
    else:
        f_resp = resp_freq(resp_rate_bpm, resp_rate_t_s, centres)
        rsa = rsa_filtered(grid_t, tacho, f_resp, starts, window)
    rsa = np.where(spectral_ok, rsa, np.nan)
    return _result(centres, hr, rmssd, hf, rsa, n_beats.astype(np.int64), coverage, window, method)


def _align(beat_times_s: np.ndarray, ibi_ms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (time of the beat ending each IBI, IBI) with finite, increasing times."""
    t = as_signal(beat_times_s, "beat_times_s")
    ibi = as_signal(ibi_ms, "ibi_ms")
    if ibi.size == t.size - 1:
        t = t[1:]
    elif ibi.size != t.size:
        raise SignalError(
            f"ibi_ms must have one value per beat or one fewer; got {ibi.size} IBIs for "
            f"{t.size} beats"
        )
    if not np.isfinite(t).all():
        raise SignalError("beat_times_s must be finite; drop beats without a time first")
    if t.size > 1 and not (np.diff(t) > 0).all():
        raise SignalError("beat_times_s must be strictly increasing")
    if t.size and t[0] < 0:
        raise SignalError(f"beat_times_s must be >= 0 (s from the first sample); got {t[0]!r}")
    return t, ibi


def _tachogram(
    t: np.ndarray, ibi: np.ndarray, valid: np.ndarray, duration: float
) -> tuple[np.ndarray, np.ndarray]:
    """IBI (ms) as a cubic spline through the valid IBIs, sampled at 4 Hz on [0, duration].

    A cubic spline attenuates the HF band far less than linear interpolation does;
    before the first and after the last valid IBI the series holds the end value.
    """
    n = math.floor(duration * TACHO_FS_HZ) + 1
    grid = np.arange(n) / TACHO_FS_HZ
    tv, iv = t[valid], ibi[valid]
    if tv.size == 0:
        return grid, np.zeros(n)
    if tv.size < 4:
        return grid, np.interp(grid, tv, iv)
    out = CubicSpline(tv, iv, bc_type="natural", extrapolate=False)(grid)
    out[grid < tv[0]] = iv[0]
    out[grid > tv[-1]] = iv[-1]
    return grid, out


def _segments(x: np.ndarray, starts: np.ndarray, window: float) -> np.ndarray:
    """(n_windows, n_samples) copies of the 4 Hz series for each window."""
    size = round(window * TACHO_FS_HZ)
    idx = np.rint(starts * TACHO_FS_HZ).astype(np.int64)
    if x.size < size:
        x = np.concatenate((x, np.full(size - x.size, x[-1] if x.size else 0.0)))
    idx = np.minimum(idx, x.size - size)
    return sliding_window_view(x, size)[idx]


def _band_power(
    tacho: np.ndarray, starts: np.ndarray, window: float, band: tuple[float, float]
) -> np.ndarray:
    """Power (ms²) in ``band`` per window: detrended, Hann-windowed periodogram."""
    seg = _segments(tacho, starts, window)
    freqs, psd = sps.periodogram(
        seg, fs=TACHO_FS_HZ, window="hann", detrend="linear", scaling="density", axis=1
    )
    in_band = (freqs >= band[0]) & (freqs <= band[1])
    df = freqs[1] - freqs[0]
    return psd[:, in_band].sum(axis=1) * df


def _result(
    centres: np.ndarray,
    hr: np.ndarray,
    rmssd: np.ndarray,
    hf: np.ndarray,
    rsa: np.ndarray,
    n_beats: np.ndarray,
    coverage: np.ndarray,
    window: float,
    method: str,
) -> HrvWindows:
    return HrvWindows(
        t_s=frozen(centres),
        hr_bpm=frozen(hr),
        rmssd_ms=frozen(rmssd),
        hf_power_ms2=frozen(hf),
        rsa_p2t_ms=frozen(rsa),
        n_beats=frozen(n_beats, np.int64),
        coverage=frozen(coverage),
        window_s=window,
        rsa_method=method,
    )
