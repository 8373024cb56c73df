"""Agreement between detected and reference beats (sensitivity, positive predictivity).

For validating a beat detector against annotated data (e.g. the MIT-BIH databases).
Each reference beat is matched to at most one detected beat within a tolerance window,
closest pairs first, following the beat-by-beat comparison of ANSI/AAMI EC57.

References
----------
ANSI/AAMI EC57:2012. Testing and reporting performance results of cardiac rhythm and
ST segment measurement algorithms. Association for the Advancement of Medical
Instrumentation, 2012.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lacrima.errors import SignalError

__all__ = ["BeatAgreement", "compare_beats"]


@dataclass(frozen=True)
class BeatAgreement:
    """Beat-by-beat agreement of a detector with a reference.

    Attributes
    ----------
    true_positives, false_negatives, false_positives : int
        Matched reference beats, unmatched reference beats, unmatched detections.
    sensitivity : float
        ``TP / (TP + FN)``; NaN without reference beats.
    positive_predictivity : float
        ``TP / (TP + FP)``; NaN without detections.
    missed : numpy.ndarray
        Sample indices of the unmatched reference beats.
    extra : numpy.ndarray
        Sample indices of the unmatched detections.
    """

    true_positives: int
    false_negatives: int
    false_positives: int
    sensitivity: float
    positive_predictivity: float
    missed: np.ndarray
    extra: np.ndarray

    @property
    def f1(self) -> float:
        """Harmonic mean of sensitivity and positive predictivity."""
        tp2 = 2 * self.true_positives
        denom = tp2 + self.false_negatives + self.false_positives
        return tp2 / denom if denom else float("nan")


def compare_beats(
    detected: ArrayLike, reference: ArrayLike, fs: float, tolerance_s: float = 0.150
) -> BeatAgreement:
    """Match detected beats to reference beats within a tolerance window.

    Parameters
    ----------
    detected, reference : array_like
        Sample indices of the detected and of the reference beats.
    fs : float
        Sampling rate in Hz of both index series.
    tolerance_s : float
        Largest distance in s between a matched pair (150 ms in ANSI/AAMI EC57).

    Returns
    -------
    BeatAgreement
        Counts, sensitivity and positive predictivity.

    Raises
    ------
    SignalError
        If ``fs`` or ``tolerance_s`` is not positive.

    References
    ----------
    ANSI/AAMI EC57:2012.

    Examples
    --------
    >>> compare_beats([100, 460, 900], [98, 455, 820, 1200], fs=360).sensitivity
    0.5
    """
    if not fs > 0 or not tolerance_s > 0:
        raise SignalError(
            f"fs and tolerance_s must be > 0; got fs={fs!r}, tolerance_s={tolerance_s!r}"
        )
    det = np.sort(np.asarray(detected, dtype=np.int64).ravel())
    ref = np.sort(np.asarray(reference, dtype=np.int64).ravel())
    tol = tolerance_s * fs
    ref_used = np.zeros(ref.size, dtype=bool)
    det_used = np.zeros(det.size, dtype=bool)
    if det.size and ref.size:
        right = np.searchsorted(det, ref)
        pairs_r, pairs_d = [], []
        for cand in (right - 1, right):
            ok = (cand >= 0) & (cand < det.size)
            pairs_r.append(np.flatnonzero(ok))
            pairs_d.append(cand[ok])
        pr = np.concatenate(pairs_r)
        pd = np.concatenate(pairs_d)
        dist = np.abs(det[pd] - ref[pr])
        close = dist <= tol
        pr, pd, dist = pr[close], pd[close], dist[close]
        for k in np.argsort(dist, kind="stable").tolist():
            r, d = pr[k], pd[k]
            if not ref_used[r] and not det_used[d]:
                ref_used[r] = det_used[d] = True
    tp = int(ref_used.sum())
    fn = ref.size - tp
    fp = det.size - int(det_used.sum())
    return BeatAgreement(
        true_positives=tp,
        false_negatives=int(fn),
        false_positives=int(fp),
        sensitivity=tp / ref.size if ref.size else float("nan"),
        positive_predictivity=tp / det.size if det.size else float("nan"),
        missed=ref[~ref_used],
        extra=det[~det_used],
    )
