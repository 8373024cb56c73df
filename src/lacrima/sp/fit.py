"""Change-point timing by piecewise-linear least squares.

The onset of a rise is where a continuous two-piece line fits the index best: flat (or
sloping) before the break, sloping more steeply after it. Because every feature window
is centred, smoothing rounds the corner symmetrically and leaves the best break point at
the true change, which a threshold crossing would not (it lags by half a window plus the
time to climb to the threshold). Candidates are tried every ``resolution_s`` seconds.
"""

from __future__ import annotations

import numpy as np

__all__ = ["break_point"]


def break_point(
    t: np.ndarray,
    y: np.ndarray,
    lo_s: float,
    hi_s: float,
    k_lo_s: float,
    k_hi_s: float,
    *,
    flat_before: bool = True,
    rising: bool = True,
    curved_after: bool = False,
    resolution_s: float = 0.5,
) -> float | None:
    """Best break time of a continuous two-piece linear fit to ``y(t)`` on ``[lo_s, hi_s]``.

    Parameters
    ----------
    t, y : numpy.ndarray
        Grid times (s) and index values (NaN ignored).
    lo_s, hi_s : float
        Stretch of data used in the fit, s.
    k_lo_s, k_hi_s : float
        Range of candidate break times, s.
    flat_before : bool
        If True the piece before the break is flat (a hinge, ``a + b (t - k)+``);
        otherwise it has its own slope (``a + b1 (t - k) + b2 (t - k)+``).
    rising : bool
        True: only breaks where the slope increases (an onset); False: where it
        decreases (a peak, the apex of a rise-then-fall).
    curved_after : bool
        Add a quadratic term after the break (``+ c (t - k)+²``), so that a rise that
        starts steeply and levels off (a concave rise) does not pull the break early.
    resolution_s : float
        Spacing of candidate break times, s.

    Returns
    -------
    float or None
        The break time minimising the squared error among those where the slope
        changes in the asked direction, or ``None`` if there are too few points or
        none does.
    """
    sel = (t >= lo_s) & (t <= hi_s) & np.isfinite(y)
    tt, yy = t[sel], y[sel]
    if len(tt) < 5 or k_hi_s <= k_lo_s:
        return None
    ks = np.arange(k_lo_s, k_hi_s + 1e-9, resolution_s)
    d = tt[None, :] - ks[:, None]  # (K, N)
    hinge = np.clip(d, 0.0, None)
    ones = np.ones_like(d)
    cols = [ones, hinge] if flat_before else [ones, d, hinge]
    if curved_after:
        cols.insert(len(cols) - 1, hinge * hinge)  # the slope term stays last
    x = np.stack(cols, axis=-1)  # (K, N, P)
    xtx = np.einsum("knp,knq->kpq", x, x)
    xty = np.einsum("knp,n->kp", x, yy)
    ridge = 1e-9 * np.eye(len(cols))
    try:
        beta = np.linalg.solve(xtx + ridge, xty[..., None])[..., 0]
    except np.linalg.LinAlgError:  # pragma: no cover - degenerate candidate set
        return None
    resid = yy[None, :] - np.einsum("knp,kp->kn", x, beta)
    sse = np.sum(resid * resid, axis=1)
    ok = beta[:, -1] > 0 if rising else beta[:, -1] < 0
    if not ok.any():
        return None
    sse = np.where(ok, sse, np.inf)
    return float(ks[int(np.argmin(sse))])
