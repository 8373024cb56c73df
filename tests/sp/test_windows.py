"""Centred window statistics on the index grid (lacrima.sp.windows)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lacrima.sp.windows import event_rate, interval_stats, make_grid, moving_mean, runs_of


def test_grid_centres_windows_of_one_step() -> None:
    g = make_grid(10.0, 2.0)
    assert g.tolist() == [1.0, 3.0, 5.0, 7.0, 9.0]


def test_moving_mean_of_a_constant_is_the_constant_with_full_coverage() -> None:
    t = np.arange(0, 100, 0.8)
    mean, cover = moving_mean(t, np.full(t.size, 72.0), make_grid(100, 2), 10.0)
    inner = slice(5, -5)
    assert np.allclose(mean[inner], 72.0)
    assert np.all(cover[inner] > 0.95)


def test_moving_mean_does_not_bridge_a_long_gap() -> None:
    t = np.concatenate([np.arange(0, 40, 1.0), np.arange(80, 120, 1.0)])
    mean, cover = moving_mean(t, np.ones(t.size), make_grid(120, 2), 10.0, max_gap_s=4.0)
    g = make_grid(120, 2)
    middle = (g > 50) & (g < 70)
    assert np.all(np.isnan(mean[middle])) and np.all(cover[middle] == 0)


def test_centred_window_keeps_a_step_centred() -> None:
    """A step at 50 s reaches half height at 50 s: symmetric windows do not shift time."""
    t = np.arange(0, 100, 0.25)
    x = (t >= 50).astype(float)
    g = make_grid(100, 0.5)
    mean, _ = moving_mean(t, x, g, 10.0)
    half = g[np.argmin(np.abs(mean - 0.5))]
    assert abs(half - 50.0) <= 0.5


def test_event_rate_counts_per_minute() -> None:
    events = np.arange(0, 600, 6.0)  # one every 6 s = 10/min
    rate = event_rate(events, np.array([300.0]), 60.0)
    assert rate[0] == pytest.approx(10.0, abs=1.0)


def test_interval_stats_rate_and_irregularity() -> None:
    onsets = np.arange(0, 300, 4.0)  # 15 breaths/min, perfectly regular
    rate, cv, n = interval_stats(onsets, np.full(onsets.size, 4.0), np.array([150.0]), 30.0)
    assert rate[0] == pytest.approx(15.0)
    assert cv[0] == pytest.approx(0.0, abs=1e-9)
    assert n[0] >= 7


def test_interval_stats_needs_three_intervals() -> None:
    rate, cv, _ = interval_stats(np.array([10.0, 20.0]), np.array([10.0, 10.0]),
                                 np.array([15.0]), 30.0)  # fmt: skip
    assert np.isnan(rate[0]) and np.isnan(cv[0])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.booleans(), max_size=60))
def test_runs_cover_exactly_the_true_entries(mask: list[bool]) -> None:
    arr = np.array(mask, dtype=bool)
    covered = np.zeros(arr.size, dtype=bool)
    for a, b in runs_of(arr):
        assert b > a
        covered[a:b] = True
    assert np.array_equal(covered, arr)
