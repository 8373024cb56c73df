"""Zero-phase filters, anti-aliased rate changes and NaN gap filling.

The building blocks every other ``physio`` module uses. All functions take a 1-D
signal and its sampling rate in Hz and return a new float64 array; none modifies its
input. Filter designs (second-order sections) are cached, so repeated calls with the
same parameters cost only the filtering itself.

NaN samples (dropouts) are handled, not propagated: they are bridged by linear
interpolation for the filtering and put back as NaN in the output, so a gap never
smears across a whole recording.

References
----------
Butterworth filters as second-order sections, applied forward and backward for zero
phase: Gustafsson, F. "Determining the initial states in forward-backward filtering".
IEEE Trans Signal Process 44:988-992, 1996 (the method behind ``scipy.signal.filtfilt``).
Polyphase resampling: Vaidyanathan, P. P. *Multirate Systems and Filter Banks*.
Prentice Hall, 1993 (``scipy.signal.resample_poly``).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import signal as sps

from lacrima.errors import SignalError
from lacrima.physio._polyphase import polyphase_resample, rate_ratio
from lacrima.physio._validate import as_signal, check_fs

__all__ = [
    "as_signal",
    "bandpass",
    "check_fs",
    "decimate_to",
    "highpass",
    "interpolate_nans",
    "lowpass",
    "resample_to",
]

_MAX_ORDER = 10


def _check_order(order: int) -> int:
    not_int = isinstance(order, bool) or not isinstance(order, int | np.integer)
    if not_int or not 1 <= int(order) <= _MAX_ORDER:
        raise SignalError(f"order must be an integer from 1 to {_MAX_ORDER}; got {order!r}")
    return int(order)


def _check_cutoff(name: str, value: float, fs: float) -> float:
    try:
        hz = float(value)
    except (TypeError, ValueError) as exc:
        raise SignalError(f"{name} must be a frequency in Hz; got {value!r}") from exc
    nyquist = fs / 2.0
    if not math.isfinite(hz) or hz <= 0 or hz >= nyquist:
        raise SignalError(
            f"{name} must lie between 0 and the Nyquist frequency ({nyquist:g} Hz for "
            f"fs={fs:g} Hz), exclusive; got {value!r}"
        )
    return hz


@lru_cache(maxsize=128)
def _butter_sos(order: int, cutoffs: tuple[float, ...], btype: str, fs: float) -> np.ndarray:
    wn = cutoffs[0] if len(cutoffs) == 1 else list(cutoffs)
    sos = sps.butter(order, wn, btype=btype, output="sos", fs=fs)
    return sos


def _filtfilt_nan_safe(sos: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Forward-backward filter; bridge NaNs for the filter, restore them afterwards."""
    n = x.size
    if n == 0:
        return np.empty(0, dtype=np.float64)
    nan_mask = np.isnan(x)
    has_nan = bool(nan_mask.any())
    if has_nan:
        if nan_mask.all():
            return np.full(n, np.nan)
        x = interpolate_nans(x)
    if n < 2:
        out = x.copy()
    else:
        # scipy's default pad length, shortened for short inputs instead of failing.
        default_pad = 3 * (2 * sos.shape[0] + 1)
        out = sps.sosfiltfilt(sos, x, padlen=min(default_pad, n - 1))
    if has_nan:
        out[nan_mask] = np.nan
    return out


def _single_edge_filter(
    signal: np.ndarray, fs: float, cutoff_hz: float, order: int, btype: str
) -> np.ndarray:
    """Validate the arguments of a one-cut-off filter, design it and apply it."""
    fs = check_fs(fs)
    x = as_signal(signal)
    fc = _check_cutoff("cutoff_hz", cutoff_hz, fs)
    sos = _butter_sos(_check_order(order), (fc,), btype, fs)
    return _filtfilt_nan_safe(sos, x)


def bandpass(
    signal: np.ndarray, fs: float, low_hz: float, high_hz: float, order: int = 4
) -> np.ndarray:
    """Zero-phase Butterworth band-pass filter.

    Parameters
    ----------
    signal : numpy.ndarray
        1-D samples (any unit; the output has the same unit). NaN samples are bridged
        by linear interpolation while filtering and are NaN again in the output.
    fs : float
        Sampling rate in Hz.
    low_hz, high_hz : float
        Lower and upper -3 dB edges in Hz, ``0 < low_hz < high_hz < fs / 2``.
    order : int
        Butterworth design order (1-10). Applied forward and backward, so the
        magnitude response is squared and the phase is zero.

    Returns
    -------
    numpy.ndarray
        Filtered float64 signal, same length as the input.

    Raises
    ------
    SignalError
        If ``fs``, the cut-offs or ``order`` are invalid, or the input is not 1-D.

    References
    ----------
    Gustafsson, F. IEEE Trans Signal Process 44:988-992, 1996 (forward-backward
    filtering, as in ``scipy.signal.sosfiltfilt``).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 10, 1 / 100)
    >>> y = bandpass(np.sin(2 * np.pi * 1.0 * t), fs=100, low_hz=0.5, high_hz=5)
    >>> y.shape
    (1000,)
    """
    fs = check_fs(fs)
    x = as_signal(signal)
    lo = _check_cutoff("low_hz", low_hz, fs)
    hi = _check_cutoff("high_hz", high_hz, fs)
    if lo >= hi:
        raise SignalError(
            f"low_hz must be below high_hz; got low_hz={low_hz!r}, high_hz={high_hz!r}"
        )
    sos = _butter_sos(_check_order(order), (lo, hi), "bandpass", fs)
    return _filtfilt_nan_safe(sos, x)


def lowpass(signal: np.ndarray, fs: float, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """Zero-phase Butterworth low-pass filter.

    Parameters
    ----------
    signal : numpy.ndarray
        1-D samples; NaNs are bridged while filtering and kept as NaN in the output.
    fs : float
        Sampling rate in Hz.
    cutoff_hz : float
        -3 dB edge in Hz, ``0 < cutoff_hz < fs / 2``.
    order : int
        Butterworth design order (1-10), applied forward and backward.

    Returns
    -------
    numpy.ndarray
        Filtered float64 signal, same length as the input.

    Raises
    ------
    SignalError
        If a parameter is out of range or the input is not 1-D.

    References
    ----------
    Gustafsson, F. IEEE Trans Signal Process 44:988-992, 1996.

    Examples
    --------
    >>> import numpy as np
    >>> lowpass(np.ones(50), fs=10, cutoff_hz=1).round(6)[:3]
    array([1., 1., 1.])
    """
    return _single_edge_filter(signal, fs, cutoff_hz, order, "lowpass")


def highpass(signal: np.ndarray, fs: float, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """Zero-phase Butterworth high-pass filter.

    Parameters
    ----------
    signal : numpy.ndarray
        1-D samples; NaNs are bridged while filtering and kept as NaN in the output.
    fs : float
        Sampling rate in Hz.
    cutoff_hz : float
        -3 dB edge in Hz, ``0 < cutoff_hz < fs / 2``.
    order : int
        Butterworth design order (1-10), applied forward and backward.

    Returns
    -------
    numpy.ndarray
        Filtered float64 signal, same length as the input.

    Raises
    ------
    SignalError
        If a parameter is out of range or the input is not 1-D.

    References
    ----------
    Gustafsson, F. IEEE Trans Signal Process 44:988-992, 1996.

    Examples
    --------
    >>> import numpy as np
    >>> bool(abs(highpass(np.full(200, 5.0), fs=10, cutoff_hz=0.5)).max() < 1e-6)
    True
    """
    return _single_edge_filter(signal, fs, cutoff_hz, order, "highpass")


def resample_to(signal: np.ndarray, fs: float, target_fs: float) -> np.ndarray:
    """Change the rate by a rational factor with a polyphase anti-aliasing filter.

    Parameters
    ----------
    signal : numpy.ndarray
        1-D samples; NaNs are bridged for the filter and marked NaN again at the
        output samples that fall inside a gap.
    fs, target_fs : float
        Input and output sampling rates in Hz; ``target_fs / fs`` must be a fraction
        with a denominator up to 10000 (exact for all common device rates).

    Returns
    -------
    numpy.ndarray
        ``ceil(len(signal) * target_fs / fs)`` samples at ``target_fs``; sample ``k``
        is at ``k / target_fs`` s, like sample ``k * fs / target_fs`` of the input.

    Raises
    ------
    SignalError
        If a rate is invalid or the ratio is not representable.

    References
    ----------
    Vaidyanathan, P. P. *Multirate Systems and Filter Banks*. Prentice Hall, 1993.
    """
    fs = check_fs(fs)
    target = check_fs(target_fs)
    x = as_signal(signal)
    up, down = rate_ratio(fs, target)
    if up == down or x.size == 0:
        return x.astype(np.float64, copy=True)
    nan_mask = np.isnan(x)
    has_nan = bool(nan_mask.any())
    if has_nan:
        if nan_mask.all():
            return np.full(math.ceil(x.size * up / down), np.nan)
        x = interpolate_nans(x)
    y = polyphase_resample(x, fs, target, up, down)
    if has_nan:
        src = np.minimum((np.arange(y.size) * down) // up, x.size - 1)  # input sample
        y[nan_mask[src]] = np.nan
    return y


def decimate_to(signal: np.ndarray, fs: float, target_fs: float) -> np.ndarray:
    """Lower the sampling rate to ``target_fs`` with anti-aliasing (polyphase FIR).

    Parameters
    ----------
    signal : numpy.ndarray
        1-D samples; NaNs are bridged for the filter and NaN again in the output.
    fs : float
        Input sampling rate in Hz.
    target_fs : float
        Output rate in Hz, ``0 < target_fs <= fs``; ``fs / target_fs`` need not be an
        integer (700 Hz -> 8 Hz is 2/175) but must be a simple fraction.

    Returns
    -------
    numpy.ndarray
        Samples at ``target_fs``; sample ``k`` is at ``k / target_fs`` s.

    Raises
    ------
    SignalError
        If ``target_fs > fs`` or a rate is invalid.

    References
    ----------
    Vaidyanathan, P. P. *Multirate Systems and Filter Banks*. Prentice Hall, 1993.

    Examples
    --------
    >>> import numpy as np
    >>> decimate_to(np.zeros(7000), fs=700, target_fs=8).shape
    (80,)
    """
    fs = check_fs(fs)
    target = check_fs(target_fs)
    if target > fs:
        raise SignalError(
            f"target_fs must not exceed fs ({fs:g} Hz) when decimating; got {target_fs!r}"
        )
    return resample_to(signal, fs, target)


def interpolate_nans(signal: np.ndarray, max_gap_samples: int | None = None) -> np.ndarray:
    """Fill NaN samples by linear interpolation between the nearest finite neighbours.

    Parameters
    ----------
    signal : numpy.ndarray
        1-D samples. Infinite values are treated like NaN.
    max_gap_samples : int or None
        Leave runs of more than this many missing samples as NaN; ``None`` fills all.
        Leading and trailing gaps take the nearest finite value.

    Returns
    -------
    numpy.ndarray
        A float64 copy; all-NaN input comes back all NaN.

    Raises
    ------
    SignalError
        If the input is not 1-D or ``max_gap_samples`` is negative.

    Examples
    --------
    >>> import numpy as np
    >>> interpolate_nans(np.array([1.0, np.nan, 3.0]))
    array([1., 2., 3.])
    """
    x = as_signal(signal).astype(np.float64, copy=True)
    if max_gap_samples is not None and max_gap_samples < 0:
        raise SignalError(f"max_gap_samples must be >= 0 or None; got {max_gap_samples!r}")
    bad = ~np.isfinite(x)
    if not bad.any():
        return x
    good = np.flatnonzero(~bad)
    if good.size == 0:
        x[:] = np.nan
        return x
    idx = np.flatnonzero(bad)
    x[idx] = np.interp(idx, good, x[good])
    if max_gap_samples is not None:
        edges = np.diff(np.concatenate(([0], bad.view(np.int8), [0])))
        starts = np.flatnonzero(edges == 1)
        stops = np.flatnonzero(edges == -1)
        for a, b in zip(starts, stops, strict=True):
            if b - a > max_gap_samples:
                x[a:b] = np.nan
    return x
