"""Simulated therapy sessions with known S-P phase boundaries.

A test and demonstration aid for :mod:`lacrima.sp`, not its validation (real data is).
The physiology and its sources are described in :mod:`lacrima.sim.drives`,
:mod:`lacrima.sim.waveforms` and ``docs/sp-model.md``.

Examples
--------
>>> from lacrima.sim import simulate_session
>>> sess = simulate_session(1200, fs=100, channels=("ppg", "eda"), seed=3)
>>> [c.kind for c in sess.truth.cycles]  # doctest: +SKIP
['complete']
"""

from __future__ import annotations

from lacrima.sim.drives import CycleSpec, Drives, SimCycle, SimPhase
from lacrima.sim.export import write_recording
from lacrima.sim.session import SimSession, SimTruth, random_cycles, simulate_session

__all__ = [
    "CycleSpec",
    "Drives",
    "SimCycle",
    "SimPhase",
    "SimSession",
    "SimTruth",
    "random_cycles",
    "simulate_session",
    "write_recording",
]
