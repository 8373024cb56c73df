"""Rational-rate polyphase resampling for finite signals (helpers of ``filters``).

References
----------
Vaidyanathan, P. P. *Multirate Systems and Filter Banks*. Prentice Hall, 1993.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import numpy as np
from scipy import signal as sps

from lacrima.errors import SignalError


def rate_ratio(fs: float, target_fs: float) -> tuple[int, int]:
    """Return (up, down) with ``fs * up / down == target_fs`` (to 1e-9 relative)."""
    ratio = Fraction(target_fs / fs).limit_denominator(10_000)
    if ratio.numerator == 0 or abs(fs * ratio.numerator / ratio.denominator - target_fs) > (
        1e-9 * target_fs
    ):
        raise SignalError(
            f"cannot resample exactly from fs={fs:g} Hz to target_fs={target_fs:g} Hz: the "
            "ratio is not a fraction with a denominator up to 10000. Choose a target rate "
            "that divides the sampling rate (e.g. fs / 2, fs / 4, ...)."
        )
    return ratio.numerator, ratio.denominator


def polyphase_resample(x: np.ndarray, fs: float, target: float, up: int, down: int) -> np.ndarray:
    """Resample finite ``x`` from ``fs`` to ``target`` (= fs * up / down), edge-padded.

    Output sample ``k`` lies at ``k / target`` s; the length is ``ceil(x.size * up / down)``.
    """
    n_out = math.ceil(x.size * up / down)
    stage = _first_stage(fs, target)
    if stage is None:
        y = _polyphase(x, up, down)
    else:
        # Large rate drops: a short FIR at an integer factor first, which only has to
        # keep what would alias into the final band, then the exact rational step.
        q1, h = stage
        up2, down2 = rate_ratio(fs / q1, target)
        y = _polyphase(_polyphase(x, 1, q1, h), up2, down2)
        if y.size < n_out:
            y = np.concatenate((y, np.full(n_out - y.size, y[-1])))
        y = y[:n_out]
    return y


def _polyphase(x: np.ndarray, up: int, down: int, h: np.ndarray | None = None) -> np.ndarray:
    """``resample_poly`` with odd-reflection padding; output k is input k * down / up.

    The padding (as in filtfilt) keeps the FIR start-up from pulling the ends towards
    zero; it is a multiple of ``down`` so that it maps onto whole output samples.
    """
    half = (10 * max(up, down) if h is None else h.size // 2) // up + 1
    pad = down * math.ceil(half / down)
    n_out = math.ceil(x.size * up / down)
    padded = _odd_extend(x, pad)
    start = pad * up // down
    taps = _polyphase_taps(up, down) if h is None else h
    return sps.resample_poly(padded, up, down, window=taps)[start : start + n_out]


@lru_cache(maxsize=32)
def _polyphase_taps(up: int, down: int) -> np.ndarray:
    """scipy's default resampling FIR, with every polyphase branch at unit DC gain.

    Without the normalisation each of the ``up`` branches has a slightly different
    gain, so upsampling a constant gives a ripple of period ``up`` samples.
    """
    max_rate = max(up, down)
    h = sps.firwin(2 * 10 * max_rate + 1, 1.0 / max_rate, window=("kaiser", 5.0))
    for phase in range(up):
        h[phase::up] /= h[phase::up].sum()
    # resample_poly multiplies the taps by ``up``; undo that so each branch sums to 1.
    return h / up


@lru_cache(maxsize=32)
def _first_stage(fs: float, target: float) -> tuple[int, np.ndarray] | None:
    """Integer pre-decimation factor and its Kaiser FIR (60 dB), or None if not worth it."""
    if target * 8 > fs:
        return None
    q1 = math.floor(fs / (4 * target))
    try:
        rate_ratio(fs / q1, target)
    except SignalError:
        return None
    pass_hz = target / 2
    stop_hz = fs / q1 - target / 2
    numtaps, beta = sps.kaiserord(60.0, (stop_hz - pass_hz) / (fs / 2))
    numtaps |= 1
    h = sps.firwin(numtaps, (pass_hz + stop_hz) / 2, window=("kaiser", beta), fs=fs)
    return q1, h


def _odd_extend(x: np.ndarray, pad: int) -> np.ndarray:
    """Extend ``x`` by ``pad`` samples at each end, point-reflected about the end values."""
    if x.size > pad:
        left = 2.0 * x[0] - x[pad:0:-1]
        right = 2.0 * x[-1] - x[-2 : -pad - 2 : -1]
    else:
        left = np.full(pad, x[0])
        right = np.full(pad, x[-1])
    return np.concatenate((left, x, right))
