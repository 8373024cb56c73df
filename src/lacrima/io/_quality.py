"""Checks shared by the readers: missing-value runs and evenly spaced time stamps.

The missing-value policy (docs/decisions/0001-io-missing-values.md): a channel's NaN
runs up to ``max_gap_s`` seconds are kept as NaN and reported in one
:class:`~lacrima.io.errors.ReadWarning`; a longer run, or a channel with no values at
all, raises :class:`~lacrima.io.errors.MissingDataError`.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Iterable
from types import FrameType

import numpy as np

from lacrima.io.errors import InconsistentRateError, MissingDataError, ReadWarning
from lacrima.io.recording import Channel

__all__ = [
    "DEFAULT_MAX_GAP_S",
    "check_missing",
    "rate_from_times",
    "snap_rate",
    "warn_read",
]

#: Longest run of missing values (s) kept as NaN with a warning rather than an error.
DEFAULT_MAX_GAP_S = 2.0

# rates within this relative distance of a whole number of Hz are snapped to it
_SNAP_RELATIVE = 1e-5


def warn_read(message: str) -> None:
    """Emit a :class:`ReadWarning` attributed to the caller of :func:`lacrima.read`."""
    frame: FrameType | None = sys._getframe(1)
    level = 2  # stacklevel 2 is the frame of warn_read's caller
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "lacrima":
        frame = frame.f_back
        level += 1
    warnings.warn(message, ReadWarning, stacklevel=level)


def _where(index: int, channel: Channel, first_line: int | None) -> str:
    if first_line is not None:
        return f"line {first_line + index}"
    if channel.times_s is not None:
        return f"t = {channel.times_s[index]:.3f} s"
    return f"t = {channel.start_s + index / channel.fs_hz:.3f} s"


def _nan_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (start index, length) of every run of True in a boolean array."""
    padded = np.concatenate(([0], mask.astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    starts, ends = edges[0::2], edges[1::2]
    return starts, ends - starts


def check_missing(
    channels: Iterable[Channel],
    *,
    source: str,
    max_gap_s: float,
    first_line: int | None = None,
) -> None:
    """Apply the missing-value policy to channels just read from ``source``.

    Parameters
    ----------
    channels : iterable of Channel
        Channels whose NaN samples are missing values.
    source : str
        File name for messages.
    max_gap_s : float
        Longest run of missing values kept (as NaN, with a warning), in s.
    first_line : int or None
        File line (1-based) of sample 0, for text tables; None reports times instead.

    Raises
    ------
    MissingDataError
        A channel has no values, an event series has a missing value, or a run of
        missing values is longer than ``max_gap_s``.
    """
    notes: list[str] = []
    for channel in channels:
        missing = np.isnan(channel.samples)
        count = int(missing.sum())
        if count == 0:
            continue
        if count == missing.size:
            raise MissingDataError(
                f"{source}: channel {channel.name!r} has no values (all {count} cells are "
                "empty or NaN). Remove that column, or fill it, and read the file again."
            )
        starts, lengths = _nan_runs(missing)
        worst = int(np.argmax(lengths))
        where = _where(int(starts[worst]), channel, first_line)
        if channel.is_event_series:
            raise MissingDataError(
                f"{source}: event series {channel.name!r} has {count} missing values "
                f"(first at {_where(int(starts[0]), channel, first_line)}). Every event "
                "needs a value; remove those rows."
            )
        gap_s = float(lengths[worst]) / channel.fs_hz
        if gap_s > max_gap_s:
            raise MissingDataError(
                f"{source}: channel {channel.name!r} has a run of {lengths[worst]} missing "
                f"values ({gap_s:.3g} s) starting at {where}; Lacrima keeps gaps up to "
                f"max_gap_s={max_gap_s:g} s. Trim the recording to exclude the gap, or read "
                f"it with max_gap_s={math.ceil(gap_s)} to keep the gap as NaN."
            )
        notes.append(
            f"{channel.name!r} has {count} missing value(s), the longest run "
            f"{lengths[worst]} sample(s) ({gap_s:.3g} s) at {where}"
        )
    if notes:
        warn_read(
            f"{source}: " + "; ".join(notes) + ". They are kept as NaN; analyses skip or "
            "bridge them, but check the recording if you did not expect gaps."
        )


def rate_from_times(
    times: np.ndarray, *, source: str, column: str, first_line: int | None = None
) -> float:
    """Return the sampling rate of evenly spaced time stamps, or raise.

    The stamps may carry rounding (e.g. 700 Hz written with 3 decimals): they count as
    even when every stamp lies within half a sample period of the fitted regular grid.

    Parameters
    ----------
    times : numpy.ndarray
        Time stamps in s, one per sample.
    source, column : str
        File and column names for messages.
    first_line : int or None
        File line (1-based) of the first stamp, for messages.

    Returns
    -------
    float
        Rate in Hz (snapped to a whole number when within 10 ppm of one).

    Raises
    ------
    InconsistentRateError
        Stamps that do not increase, or that are not evenly spaced.
    MissingDataError
        A missing time stamp.
    """

    def line(index: int) -> str:
        return f"line {first_line + index}" if first_line is not None else f"sample {index}"

    missing = np.flatnonzero(np.isnan(times))
    if missing.size:
        raise MissingDataError(
            f"{source}: time column {column!r} is empty at {line(int(missing[0]))}"
            f"{f' and {missing.size - 1} more rows' if missing.size > 1 else ''}. Every row "
            "needs a time; fill or remove those rows."
        )
    steps = np.diff(times)
    back = np.flatnonzero(steps <= 0)
    if back.size:
        i = int(back[0])
        raise InconsistentRateError(
            f"{source}: time column {column!r} does not increase at {line(i + 1)} "
            f"({float(times[i + 1])!r} after {float(times[i])!r}). Sort the rows by time and "
            "remove duplicated rows (times written with too few decimals for the rate also do "
            "this)."
        )
    fs = (times.size - 1) / float(times[-1] - times[0])
    grid = times[0] + np.arange(times.size) / fs
    if float(np.max(np.abs(times - grid))) > 0.5 / fs:
        typical = float(np.median(steps))
        i = int(np.argmax(np.abs(steps - typical)))
        raise InconsistentRateError(
            f"{source}: time column {column!r} is not evenly spaced: between {line(i)} and "
            f"{line(i + 1)} it steps {steps[i]:.6g} s while the typical step is {typical:.6g} s "
            f"({1 / typical:.6g} Hz). Lacrima needs evenly sampled signals: resample the "
            "file to one rate, or split it at the gap."
        )
    return snap_rate(fs)


def snap_rate(fs: float) -> float:
    """Return ``fs`` rounded to a whole number of Hz when within 10 ppm of one.

    Time stamps written with finite precision (or de-jittered LSL clocks) give rates such
    as 699.9999 Hz for a 700 Hz device; the whole number is the device's rate.
    """
    nearest = round(fs)
    if nearest > 0 and abs(nearest - fs) <= _SNAP_RELATIVE * fs:
        return float(nearest)
    return fs
