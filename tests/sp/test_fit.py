"""Change points by piecewise-linear least squares (lacrima.sp.fit)."""

from __future__ import annotations

import numpy as np
import pytest

from lacrima.sp.fit import break_point


@pytest.mark.parametrize("onset", [120.0, 200.5, 333.0])
def test_finds_the_start_of_a_ramp_in_noise(onset: float) -> None:
    rng = np.random.default_rng(0)
    t = np.arange(0, 500, 2.0)
    y = np.clip((t - onset) / 50.0, 0, None) + rng.normal(0, 0.2, t.size)
    k = break_point(t, y, 0, 500, 10, 490)
    assert k == pytest.approx(onset, abs=6.0)  # a few grid steps at this noise


def test_apex_of_rise_then_fall() -> None:
    t = np.arange(0, 400, 2.0)
    y = np.where(t < 250, t / 250.0, 1.0 - (t - 250) / 100.0)
    k = break_point(t, y, 0, 400, 10, 390, flat_before=False, rising=False)
    assert k == pytest.approx(250.0, abs=1.0)


def test_rejects_a_break_in_the_wrong_direction() -> None:
    t = np.arange(0, 100, 1.0)
    y = -np.clip(t - 50, 0, None)  # the slope only falls
    assert break_point(t, y, 0, 100, 5, 95, flat_before=True, rising=True) is None


def test_too_few_points_give_none() -> None:
    t = np.arange(4.0)
    assert break_point(t, t, 0, 3, 0, 3) is None
    assert break_point(np.arange(50.0), np.full(50, np.nan), 0, 50, 0, 50) is None
