"""Tests for lacrima.care.stats: Wilson interval and Spearman correlation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sp

from lacrima.care.stats import spearman, wilson_interval
from lacrima.errors import CareError

Z95 = 1.959963984540054


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Hand-computed with the Wilson formula (z = 1.95996); also in Newcombe 1998, Table I.
        (1, 3, 0.0615, 0.7923),
        (0, 1, 0.0, 0.7935),
        (1, 1, 0.2065, 1.0),
        (5, 10, 0.2366, 0.7634),
        (0, 10, 0.0, 0.2775),
    ],
)
def test_wilson_matches_hand_computed(k: int, n: int, low: float, high: float) -> None:
    interval = wilson_interval(k, n)
    assert interval is not None
    assert interval.low == pytest.approx(low, abs=1e-4)
    assert interval.high == pytest.approx(high, abs=1e-4)
    assert interval.confidence == 0.95


def test_wilson_without_data_is_none() -> None:
    assert wilson_interval(0, 0) is None


@pytest.mark.parametrize(("k", "n"), [(-1, 3), (4, 3), (0, -1)])
def test_wilson_rejects_impossible_counts(k: int, n: int) -> None:
    with pytest.raises(CareError, match="0 <= k <= n"):
        wilson_interval(k, n)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 1.5, -0.1])
def test_wilson_rejects_bad_confidence(confidence: float) -> None:
    with pytest.raises(CareError, match="confidence"):
        wilson_interval(1, 2, confidence)


@settings(deadline=None)  # shared CI machines: no per-example time limit
@given(
    st.integers(min_value=1, max_value=500).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    )
)
def test_wilson_brackets_the_share(kn: tuple[int, int]) -> None:
    k, n = kn
    interval = wilson_interval(k, n)
    assert interval is not None
    assert 0.0 <= interval.low <= k / n <= interval.high <= 1.0


def test_wider_confidence_gives_wider_interval() -> None:
    narrow = wilson_interval(3, 10, 0.80)
    wide = wilson_interval(3, 10, 0.99)
    assert narrow is not None and wide is not None
    assert wide.low < narrow.low and wide.high > narrow.high


def test_spearman_hand_computed_with_interval() -> None:
    # Ranks differ by d = (-1, 1, -1, 1, 0): rho = 1 - 6 * 4 / (5 * 24) = 0.8.
    result = spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    assert result.rho == pytest.approx(0.8)
    # Fisher z with the Bonett-Wright SE, by hand: se = sqrt((1 + 0.32) / 2).
    se = math.sqrt(1.32 / 2)
    assert result.interval is not None
    assert result.interval.low == pytest.approx(math.tanh(math.atanh(0.8) - Z95 * se))
    assert result.interval.high == pytest.approx(math.tanh(math.atanh(0.8) + Z95 * se))
    assert result.interval.low == pytest.approx(-0.457, abs=1e-3)
    assert result.interval.high == pytest.approx(0.991, abs=1e-3)


def test_spearman_ties_get_average_ranks() -> None:
    # x ranks (1.5, 1.5, 3, 4), y ranks (1, 2, 3, 4): Pearson on ranks = 0.9487.
    result = spearman([1, 1, 2, 3], [1, 2, 3, 4])
    assert result.rho == pytest.approx(3 / math.sqrt(10), abs=1e-9)


def test_spearman_undefined_cases() -> None:
    assert spearman([], []).rho is None
    assert spearman([1, 2], [2, 1]).rho is None  # fewer than 3 pairs
    assert spearman([5, 5, 5, 5], [1, 2, 3, 4]).rho is None  # constant intensity
    three = spearman([1, 2, 3], [3, 2, 1])
    assert three.rho == pytest.approx(-1.0) and three.interval is None  # n < 4
    perfect = spearman([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])
    assert perfect.rho == 1.0 and perfect.interval is None  # no width: do not overstate


def test_spearman_rejects_unequal_lengths() -> None:
    with pytest.raises(CareError, match="same length"):
        spearman([1, 2, 3], [1, 2])


@settings(deadline=None)  # shared CI machines: no per-example time limit
@given(st.lists(st.tuples(st.integers(0, 10), st.integers(-10, 10)), min_size=4, max_size=60))
def test_spearman_agrees_with_scipy(pairs: list[tuple[int, int]]) -> None:
    x = [float(a) for a, _ in pairs]
    y = [float(b) for _, b in pairs]
    ours = spearman(x, y)
    if len(set(x)) == 1 or len(set(y)) == 1:
        assert ours.rho is None
        return
    assert ours.rho == pytest.approx(sp.spearmanr(x, y).statistic, abs=1e-9)
    if ours.interval is not None:
        assert -1.0 <= ours.interval.low <= ours.rho <= ours.interval.high <= 1.0
