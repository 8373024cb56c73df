"""Small-sample statistics for a person's own diary: proportions and rank correlation.

Both functions return frozen dataclasses and ``None`` where a quantity is undefined
(no data, constant input), never ``nan``, so callers cannot print a meaningless number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats as _sp

from lacrima.errors import CareError

__all__ = ["Correlation", "Interval", "spearman", "wilson_interval"]


@dataclass(frozen=True)
class Interval:
    """A confidence interval ``[low, high]`` at ``confidence`` (e.g. 0.95)."""

    low: float
    high: float
    confidence: float


@dataclass(frozen=True)
class Correlation:
    """A Spearman rank correlation and, where defined, its confidence interval.

    ``rho`` is ``None`` when it is undefined (fewer than 3 pairs, or one of the two
    variables never changes); ``interval`` is ``None`` when ``n < 4`` or ``|rho| == 1``
    (the Fisher interval then has no width and would overstate certainty).
    """

    n: int
    rho: float | None
    interval: Interval | None


def _z_for(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise CareError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    return float(_sp.norm.ppf(0.5 + confidence / 2.0))


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> Interval | None:
    """Wilson score interval for a proportion ``k / n``.

    Parameters
    ----------
    k : int
        Number of "successes" (e.g. cries after which mood improved), ``0 <= k <= n``.
    n : int
        Number of trials; ``0`` gives ``None`` (no interval without data).
    confidence : float
        Coverage, strictly between 0 and 1.

    Returns
    -------
    Interval or None

    Raises
    ------
    CareError
        If ``k`` or ``n`` is negative or ``k > n``.

    Examples
    --------
    >>> round(wilson_interval(1, 3).low, 4)
    0.0615

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical inference.
    J Am Stat Assoc 22:209-212, 1927. Newcombe RG. Two-sided confidence intervals for
    the single proportion. Stat Med 17:857-872, 1998 (why Wilson, not Wald, for small n).
    """
    if n < 0 or k < 0 or k > n:
        raise CareError(f"need 0 <= k <= n for a proportion, got k={k!r}, n={n!r}")
    if n == 0:
        return None
    z = _z_for(confidence)
    p = k / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    # Clamp rounding noise so that k == 0 gives exactly 0 and k == n exactly 1.
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return Interval(low=low, high=high, confidence=confidence)


def spearman(x: Sequence[float], y: Sequence[float], confidence: float = 0.95) -> Correlation:
    """Spearman rank correlation of paired values with a Fisher-z confidence interval.

    Ties get average ranks. The interval uses the Fisher transform with the
    Bonett-Wright standard error ``sqrt((1 + rho**2 / 2) / (n - 3))``.

    Parameters
    ----------
    x, y : sequence of float
        Paired observations of equal length (e.g. intensity 0-10 and mood change).
    confidence : float
        Coverage of the interval.

    Returns
    -------
    Correlation

    Raises
    ------
    CareError
        If ``x`` and ``y`` differ in length.

    Examples
    --------
    >>> spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]).rho
    0.8

    References
    ----------
    Spearman C. The proof and measurement of association between two things.
    Am J Psychol 15:72-101, 1904. Bonett DG, Wright TA. Sample size requirements for
    estimating Pearson, Kendall and Spearman correlations. Psychometrika 65:23-28, 2000.
    """
    if len(x) != len(y):
        raise CareError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    n = len(x)
    z = _z_for(confidence)
    if n < 3:
        return Correlation(n=n, rho=None, interval=None)
    rx = _sp.rankdata(x)
    ry = _sp.rankdata(y)
    mx = sum(rx) / n
    my = sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    if sxx == 0 or syy == 0:
        return Correlation(n=n, rho=None, interval=None)
    rho = float(max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy))))
    rho = round(rho, 12)  # so that exact cases (0.8, 1.0) compare equal
    if n < 4 or abs(rho) == 1.0:
        return Correlation(n=n, rho=rho, interval=None)
    se = math.sqrt((1.0 + rho * rho / 2.0) / (n - 3))
    centre = math.atanh(rho)
    interval = Interval(
        low=math.tanh(centre - z * se), high=math.tanh(centre + z * se), confidence=confidence
    )
    return Correlation(n=n, rho=rho, interval=interval)
