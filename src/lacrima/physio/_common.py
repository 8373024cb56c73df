"""Small helpers shared by the EDA, respiration and HRV modules (not public API)."""

from __future__ import annotations

import math

import numpy as np
from scipy import signal as sps

from lacrima.errors import SignalError
from lacrima.physio._polyphase import rate_ratio
from lacrima.physio.filters import interpolate_nans, lowpass, resample_to

EMPTY_F = np.empty(0, dtype=np.float64)


def frozen(arr: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """Return a read-only contiguous view of ``arr`` as ``dtype`` (no copy if possible).

    Only the returned view is read-only; the array it views is left as it was.
    """
    out: np.ndarray = np.ascontiguousarray(arr, dtype=dtype).view()
    out.setflags(write=False)
    return out


def empty() -> np.ndarray:
    """A fresh read-only empty float64 array."""
    return frozen(EMPTY_F)


def to_rate(x: np.ndarray, fs: float, target_fs: float) -> np.ndarray:
    """Bring ``x`` from ``fs`` to ``target_fs`` (anti-aliased), exactly on the target grid.

    Uses polyphase resampling when the ratio is a simple fraction (all device rates);
    otherwise a zero-phase low-pass at 0.4 * target_fs followed by linear interpolation.
    """
    if fs == target_fs:
        return x.astype(np.float64, copy=True)
    try:
        rate_ratio(fs, target_fs)
    except SignalError:
        n_out = math.ceil(x.size * target_fs / fs)
        src_t = np.arange(x.size) / fs
        dst_t = np.arange(n_out) / target_fs
        y = lowpass(x, fs, 0.4 * target_fs) if target_fs < fs else x
        nan_mask = np.isnan(y)
        filled = interpolate_nans(y)
        out = np.interp(dst_t, src_t, filled)
        if nan_mask.any():
            idx = np.minimum(np.rint(dst_t * fs).astype(np.int64), x.size - 1)
            out[nan_mask[idx]] = np.nan
        return out
    return resample_to(x, fs, target_fs)


def block_starts(n: int, fs: float, window_s: float) -> np.ndarray:
    """Start indices of consecutive non-overlapping blocks of ``window_s`` covering ``n``."""
    size = max(1, round(window_s * fs))
    return np.arange(0, n, size, dtype=np.int64)


def block_mean(values: np.ndarray, fs: float, window_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``values`` in consecutive ``window_s`` blocks; returns (centre_s, mean)."""
    n = values.size
    if n == 0:
        return EMPTY_F.copy(), EMPTY_F.copy()
    starts = block_starts(n, fs, window_s)
    sums = np.add.reduceat(values.astype(np.float64), starts)
    counts = np.diff(np.append(starts, n))
    centres = (starts + counts / 2.0) / fs
    return centres, sums / counts


def sliding_windows(duration_s: float, window_s: float, step_s: float) -> np.ndarray:
    """Start times (s) of windows ``[start, start + window_s]`` that fit in ``duration_s``."""
    if duration_s + 1e-9 < window_s:
        return EMPTY_F.copy()
    n = math.floor((duration_s - window_s) / step_s + 1e-9) + 1
    return np.arange(n) * step_s


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Grow the True regions of a boolean mask by ``radius`` samples on each side."""
    if radius <= 0 or not mask.any():
        return mask.copy()
    kernel = np.ones(2 * radius + 1)
    return sps.oaconvolve(mask.astype(np.float64), kernel, mode="same") > 0.5


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start (inclusive) and stop (exclusive) indices of the True runs in ``mask``."""
    edges = np.diff(np.concatenate(([0], mask.view(np.int8), [0])))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
