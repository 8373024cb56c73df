"""Acceptance 2 in small: timing accuracy and calm false positives on simulated sessions.

The full run (many sessions, 20-90 min) is ``benchmarks/validate_sim.py``; its table is in
``docs/validation.md``. Here a handful of short sessions at 100 Hz keep the test fast.
"""

from __future__ import annotations

import numpy as np
import pytest

import lacrima

from .conftest import load_benchmark, sim

SUBSETS = [
    ("ecg", "eda", "resp"),
    ("ppg", "eda"),
    ("ecg", "resp"),
    ("ecg",),
    ("ppg", "eda", "resp"),
    ("ecg", "eda"),
    ("eda",),
    ("ppg",),
]


@pytest.fixture(scope="module")
def tallies() -> tuple[object, object]:
    vs = load_benchmark("validate_sim")
    cyc, calm = vs.Tally(), vs.Tally()
    for i, subset in enumerate(SUBSETS):
        sess = sim(2400.0, seed=100 + i, channels=subset, n_cycles=2, noise=1.0)
        cyc.add(vs.score_session(sess.truth, lacrima.analyze(sess.recording)))
        quiet = sim(1500.0, seed=200 + i, channels=subset, n_cycles=0, noise=1.0)
        calm.add(vs.score_session(quiet.truth, lacrima.analyze(quiet.recording)))
    return cyc, calm


def test_cycles_are_found(tallies: tuple[object, object]) -> None:
    cyc, _ = tallies
    assert cyc.n_true >= 12
    assert cyc.n_found >= 0.8 * cyc.n_true


def test_timing_errors_within_ten_seconds(tallies: tuple[object, object]) -> None:
    cyc, _ = tallies
    assert np.median(cyc.onset) <= 10.0
    assert np.median(cyc.peak) <= 10.0
    assert np.median(cyc.p_onset) <= 10.0


def test_kinds_are_right(tallies: tuple[object, object]) -> None:
    cyc, _ = tallies
    assert cyc.n_kind_ok >= 0.8 * cyc.n_kind_scored


def test_calm_sessions_report_no_cycle(tallies: tuple[object, object]) -> None:
    _, calm = tallies
    assert calm.n_calm == len(SUBSETS)
    assert calm.n_calm_fp <= 0.05 * calm.n_calm
