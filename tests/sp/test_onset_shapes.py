"""S onset on index climbs of shapes :mod:`lacrima.sim` does not make (issue 12).

The numbers in docs/validation.md ("Rise shapes our simulator does not make") come from
the same construction. A straight ramp is timed without bias; the tolerances below are
the measured medians with about 10 s to spare, so that a change that makes slow
starts later still (or ramps biased) fails.
"""

from __future__ import annotations

import numpy as np
import pytest

from lacrima.sp.cycles import time_cycle
from lacrima.sp.options import make_options
from lacrima.sp.phases import smooth

T = np.arange(0.0, 1800.0, 2.0)
ONSET_S = 600.0


def _climb(kind: str, rise_s: float, height_z: float = 5.0) -> np.ndarray:
    u = np.clip((T - ONSET_S) / rise_s, 0.0, 1.0)
    shape = {
        "ramp": u,
        "concave": 1.0 - (1.0 - u) ** 2,
        "s-shaped": 0.5 - 0.5 * np.cos(np.pi * u),
        "accelerating": u**2,
    }[kind]
    x = height_z * shape
    after = ONSET_S + rise_s < T
    x[after] = height_z * np.exp(-(T[after] - ONSET_S - rise_s) / 200.0)
    return x


def _errors(kind: str) -> np.ndarray:
    o = make_options()
    rng = np.random.default_rng(0)
    out = []
    for _ in range(30):
        x = _climb(kind, rng.uniform(90.0, 300.0)) + rng.normal(0.0, 0.7, len(T))
        s = smooth(x, o.step_s)
        c = time_cycle(T, s, None, int(np.argmax(s)), 0.0, float(T[-1]), o)
        out.append(c.s_onset_s - ONSET_S)
    return np.array(out)


@pytest.mark.parametrize(
    ("kind", "lo_s", "hi_s"),
    [("ramp", -10.0, 10.0), ("concave", -30.0, 0.0), ("s-shaped", 0.0, 35.0)],
)
def test_median_onset_error_by_shape(kind: str, lo_s: float, hi_s: float) -> None:
    med = float(np.median(_errors(kind)))
    assert lo_s <= med <= hi_s, f"{kind}: median S onset error {med:+.1f} s"


def test_accelerating_climb_is_found_late_and_documented() -> None:
    # a slow start is the known weakness (docs/validation.md: about +56 s); this pins
    # it so that an improvement or a regression is seen and the docs updated
    e = _errors("accelerating")
    assert 20.0 <= float(np.median(e)) <= 90.0
