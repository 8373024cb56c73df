"""Parameter and input checks shared by the signal layer (not public API)."""

from __future__ import annotations

import math

import numpy as np

from lacrima.errors import SignalError


def as_signal(signal: np.ndarray, name: str = "signal") -> np.ndarray:
    """Return ``signal`` as a 1-D float64 array or raise :class:`SignalError`.

    Parameters
    ----------
    signal : array_like
        The samples.
    name : str
        Parameter name used in the error message.

    Returns
    -------
    numpy.ndarray
        1-D float64 view or copy of the input.

    Raises
    ------
    SignalError
        If the input is not one-dimensional or not numeric.
    """
    try:
        arr = np.asarray(signal, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SignalError(
            f"{name} must be a numeric 1-D array; got {type(signal).__name__}"
        ) from exc
    if arr.ndim != 1:
        raise SignalError(
            f"{name} must be a 1-D array of samples; got an array of shape {arr.shape}. "
            "Pass one channel at a time."
        )
    return arr


def check_fs(fs: float) -> float:
    """Return ``fs`` as float or raise :class:`SignalError` if it is not a positive rate.

    Parameters
    ----------
    fs : float
        Sampling rate in Hz.

    Returns
    -------
    float
        The validated sampling rate in Hz.

    Raises
    ------
    SignalError
        If ``fs`` is not a finite number greater than 0.
    """
    try:
        value = float(fs)
    except (TypeError, ValueError) as exc:
        raise SignalError(f"fs must be a sampling rate in Hz (> 0); got {fs!r}") from exc
    if not math.isfinite(value) or value <= 0:
        raise SignalError(f"fs must be a sampling rate in Hz (> 0); got {fs!r}")
    return value


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Validate a finite positive (or non-negative) number, raising :class:`SignalError`."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise SignalError(f"{name} must be a number; got {value!r}") from exc
    ok = math.isfinite(v) and (v >= 0 if allow_zero else v > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise SignalError(f"{name} must be a finite number {bound}; got {value!r}")
    return v
