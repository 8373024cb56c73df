"""Inter-beat intervals (IBIs) with artifact classification and correction.

Beat series from real recordings contain missed beats (an interval about twice as long),
extra beats (a spurious detection splits one interval in two), ectopic beats (a
premature beat: short coupling interval, then a compensatory pause) and intervals that
are simply too long or too short. Heart-rate variability needs NN intervals (between two
normal beats), so such intervals are flagged and replaced.

The classification follows Lipponen & Tarvainen (2019): the successive differences of
the intervals (dRR) and their deviations from an 11-beat running median (mRR, negative
values doubled) are normalised by time-varying thresholds, ``alpha = 5.2`` times the
quartile deviation over the surrounding 91 intervals; an ectopic beat is a large jump
flanked by jumps of the opposite sign (their decision regions with ``c1 = 0.13``,
``c2 = 0.17``); a long or short interval is a large jump followed by a jump back, or an
mRR beyond 3; a long interval that splits into whole local-median intervals is a missed
beat, a short one that adds up with the next to the local median is an extra beat.

Our choices on top of the paper, for robustness on short and very regular series:

- thresholds are at least 10 % of the local median interval (between Kubios' "strong"
  and "very strong" fixed thresholds at usual heart rates) and at least two sampling
  periods of the beat times (``resolution_s``): with a very regular rhythm the
  quartile deviation is tiny, and smooth respiratory sinus arrhythmia or timing jitter
  would otherwise be flagged;
- a missed beat may hide one to three beats (an interval of 2-4 local medians);
- both intervals around an ectopic beat are flagged, because an NN interval needs a
  normal beat at each end (Task Force ESC/NASPE 1996);
- ectopic, long and short intervals are replaced by linear interpolation (over the
  beat index) between the nearest unflagged intervals.

References
----------
Lipponen, J. A. & Tarvainen, M. P. "A robust algorithm for heart rate variability time
series artefact correction using novel beat classification". J Med Eng Technol
43:173-181, 2019.
Task Force of the ESC and NASPE. "Heart rate variability: standards of measurement,
physiological interpretation and clinical use". Circulation 93:1043-1065, 1996.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import ndimage

from lacrima.errors import SignalError

__all__ = ["BeatFlag", "IbiCorrection", "correct_ibi"]

_ALPHA = 5.2
_C1 = 0.13
_C2 = 0.17
_MEDIAN_BEATS = 11
_QD_BEATS = 91
_MIN_REL_THRESHOLD = 0.10
_MAX_HIDDEN_BEATS = 3
_MIN_RUN = 4  # intervals; shorter runs between gaps are left unclassified


class BeatFlag(enum.IntEnum):
    """What was found about the interval that ends at a beat."""

    NORMAL = 0
    """A normal (NN) interval, kept as measured."""
    MISSED = 1
    """The interval spans one to three undetected beats; corrected by splitting it."""
    EXTRA = 2
    """The beat is spurious and was removed; its interval is merged into the next."""
    ECTOPIC = 3
    """Coupling interval or compensatory pause of an ectopic beat; interpolated."""
    LONG = 4
    """Too long, and not explained by missed beats; interpolated."""
    SHORT = 5
    """Too short, and not explained by an extra beat; interpolated."""
    GAP = 6
    """No interval ends here: the first beat, or the first beat after a signal gap."""


@dataclass(frozen=True)
class IbiCorrection:
    """Intervals per beat, their flags and the corrected series.

    All arrays have one value per beat; the value at beat ``i`` describes the interval
    from beat ``i - 1`` to beat ``i``.

    Attributes
    ----------
    ibi_ms : numpy.ndarray
        Measured intervals in ms; NaN where the flag is ``GAP``.
    ibi_clean_ms : numpy.ndarray
        Corrected intervals in ms. NaN at ``GAP`` and ``EXTRA`` beats (a removed beat
        ends no interval). At a ``MISSED`` beat it is the length of each of the equal
        intervals the gap is split into.
    flags : numpy.ndarray
        int8 :class:`BeatFlag` codes.
    """

    ibi_ms: np.ndarray
    ibi_clean_ms: np.ndarray
    flags: np.ndarray


def correct_ibi(
    beat_times_s: ArrayLike,
    gap_before: ArrayLike | None = None,
    resolution_s: float = 0.0,
) -> IbiCorrection:
    """Classify and correct the inter-beat intervals of a beat series.

    Parameters
    ----------
    beat_times_s : array_like
        Beat times in s, strictly increasing.
    gap_before : array_like of bool, optional
        One value per beat: True where the signal had a gap (missing samples) between
        the previous beat and this one, so the interval is unknown.
    resolution_s : float
        Timing resolution of the beats in s (e.g. ``1 / fs``); thresholds are at least
        two resolutions.

    Returns
    -------
    IbiCorrection
        Measured and corrected intervals in ms and a flag per beat.

    Raises
    ------
    SignalError
        If the times are not 1-D, not finite or not strictly increasing, or
        ``gap_before`` has another length.

    References
    ----------
    Lipponen, J. A. & Tarvainen, M. P. J Med Eng Technol 43:173-181, 2019.

    Examples
    --------
    >>> t = [0.0, 0.8, 1.6, 2.4, 4.0, 4.8, 5.6, 6.4, 7.2]  # a beat missed at 3.2 s
    >>> res = correct_ibi(t)
    >>> BeatFlag(res.flags[4]).name, float(res.ibi_clean_ms[4])
    ('MISSED', 800.0)
    """
    t = np.asarray(beat_times_s, dtype=np.float64)
    if t.ndim != 1:
        raise SignalError(f"beat_times_s must be 1-D; got shape {t.shape}")
    if t.size and (not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0)):
        raise SignalError("beat_times_s must be finite and strictly increasing")
    n = t.size
    gaps = np.zeros(n, dtype=bool) if gap_before is None else np.asarray(gap_before, bool)
    if gaps.shape != (n,):
        raise SignalError(f"gap_before must have one value per beat ({n}); got shape {gaps.shape}")
    ibi = np.full(n, np.nan)
    ibi[1:] = np.diff(t) * 1000.0
    flags = np.full(n, BeatFlag.NORMAL, dtype=np.int8)
    if n:
        flags[0] = BeatFlag.GAP
    flags[gaps] = BeatFlag.GAP
    ibi[flags == BeatFlag.GAP] = np.nan
    clean = ibi.copy()

    floor_ms = 2000.0 * max(float(resolution_s), 0.0)
    valid = ~np.isnan(ibi)
    edges = np.diff(np.concatenate(([0], valid.view(np.int8), [0])))
    for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        if stop - start >= _MIN_RUN:
            _classify_run(ibi[start:stop], flags[start:stop], clean[start:stop], floor_ms)
    return IbiCorrection(ibi_ms=ibi, ibi_clean_ms=clean, flags=flags)


def _rolling_quartile_deviation(x: np.ndarray) -> np.ndarray:
    """Quartile deviation ``(Q3 - Q1) / 2`` over a centred 91-interval window."""
    if x.size <= _QD_BEATS:
        q1, q3 = np.percentile(x, [25, 75])
        return np.full(x.size, 0.5 * (q3 - q1))
    q1 = ndimage.percentile_filter(x, 25, size=_QD_BEATS, mode="reflect")
    q3 = ndimage.percentile_filter(x, 75, size=_QD_BEATS, mode="reflect")
    return 0.5 * (q3 - q1)


def _classify_run(rr: np.ndarray, flags: np.ndarray, clean: np.ndarray, floor_ms: float) -> None:
    """Flag and correct one run of consecutive valid intervals (arrays edited in place)."""
    m = rr.size
    med = ndimage.median_filter(rr, size=min(_MEDIAN_BEATS, m | 1), mode="nearest")
    floor = np.maximum(_MIN_REL_THRESHOLD * med, floor_ms)

    drr = np.empty(m)
    drr[0] = rr[0] - med[0]
    drr[1:] = np.diff(rr)
    th1 = np.maximum(_ALPHA * _rolling_quartile_deviation(np.abs(drr)), floor)
    dn = drr / th1

    mrr = rr - med
    mrr[mrr < 0] *= 2.0
    th2 = np.maximum(_ALPHA * _rolling_quartile_deviation(np.abs(mrr)), floor)
    mn = mrr / th2

    pad = np.concatenate(([0.0], dn, [0.0, 0.0]))  # pad[k + 1] == dn[k]
    prev, nxt, nxt2 = pad[:-3], pad[2:-1], pad[3:]
    s12 = np.where(dn > 0, np.maximum(prev, nxt), np.minimum(prev, nxt))
    ectopic = ((dn > 1) & (s12 < -_C1 * dn - _C2)) | ((dn < -1) & (s12 > -_C1 * dn + _C2))
    s22 = np.where(dn >= 0, np.minimum(nxt, nxt2), np.maximum(nxt, nxt2))
    longshort = ((np.abs(dn) > 1) & (((dn > 0) & (s22 < -1)) | ((dn < 0) & (s22 > 1)))) | (
        np.abs(mn) > 3
    )

    status = np.full(m, BeatFlag.NORMAL, dtype=np.int8)
    # An ectopic jump at interval k lies between intervals k - 1 and k: the beat that
    # ends interval k - 1 is the ectopic (or misplaced) one, and both intervals touch it.
    for k in np.flatnonzero(ectopic).tolist():
        if k >= 1:
            status[k - 1] = BeatFlag.ECTOPIC
        status[k] = BeatFlag.ECTOPIC

    for k in np.flatnonzero(longshort & (status == BeatFlag.NORMAL)).tolist():
        if status[k] != BeatFlag.NORMAL:
            continue  # consumed as the second half of an extra beat
        if mrr[k] > 0 or (mrr[k] == 0 and drr[k] > 0):
            hidden = round(rr[k] / med[k])
            if 2 <= hidden <= _MAX_HIDDEN_BEATS + 1 and abs(rr[k] / hidden - med[k]) < th2[k]:
                status[k] = BeatFlag.MISSED
                clean[k] = rr[k] / hidden
            else:
                status[k] = BeatFlag.LONG
        elif k + 1 < m and abs(rr[k] + rr[k + 1] - med[k]) < th2[k]:
            status[k] = BeatFlag.EXTRA
            clean[k] = np.nan
            clean[k + 1] = rr[k] + rr[k + 1]
            status[k + 1] = -1  # merged: normal, but not re-examined
        else:
            status[k] = BeatFlag.SHORT
    status[status == -1] = BeatFlag.NORMAL

    bad = (status == BeatFlag.ECTOPIC) | (status == BeatFlag.LONG) | (status == BeatFlag.SHORT)
    if bad.any():
        good = ~bad & ~np.isnan(clean)
        if good.any():
            pos = np.arange(m)
            clean[bad] = np.interp(pos[bad], pos[good], clean[good])
        else:
            clean[bad] = np.nan
    flags[:] = status
