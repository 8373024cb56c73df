"""Small array tools shared by the beat detectors (private)."""

from __future__ import annotations

import numpy as np

__all__ = ["boxcar_decimate", "refractory"]


def boxcar_decimate(x: np.ndarray, factor: int) -> np.ndarray:
    """Average consecutive blocks of ``factor`` samples (first-order CIC decimator).

    Parameters
    ----------
    x : numpy.ndarray
        1-D finite samples.
    factor : int
        Decimation factor (>= 1). Trailing samples that do not fill a block are dropped.

    Returns
    -------
    numpy.ndarray
        ``len(x) // factor`` samples; output sample ``k`` is centred on input sample
        ``k * factor + (factor - 1) / 2``.

    References
    ----------
    Hogenauer, E. B. IEEE Trans Acoust Speech Signal Process 29:155-162, 1981.
    """
    if factor <= 1:
        return x
    m = x.size // factor
    out = x[0 : m * factor : factor].copy()
    for k in range(1, factor):  # strided adds: much faster than a reduction over rows
        out += x[k : m * factor : factor]
    out *= 1.0 / factor
    return out


def refractory(peaks: np.ndarray, heights: np.ndarray, distance: int) -> np.ndarray:
    """Of two neighbouring peaks closer than ``distance`` samples, drop the lower one.

    Parameters
    ----------
    peaks : numpy.ndarray
        Increasing sample indices.
    heights : numpy.ndarray
        Height of each peak (any unit).
    distance : int
        Refractory period in samples.

    Returns
    -------
    numpy.ndarray
        The peaks kept, in order.
    """
    keep = np.ones(peaks.size, dtype=bool)
    close = np.flatnonzero(np.diff(peaks) < distance)
    if close.size == 0:
        return peaks
    for k in close.tolist():  # rare: only pairs closer than the refractory period
        if keep[k] and keep[k + 1]:
            keep[k if heights[k] < heights[k + 1] else k + 1] = False
    return peaks[keep]
