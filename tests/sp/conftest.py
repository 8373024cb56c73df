"""Shared fixtures of the S-P model tests: simulated sessions, built once per session."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

from lacrima.sim import SimSession, simulate_session

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("LACRIMA_SHARED_DATA", "/work/shared/data"))


_CACHE: dict[str, SimSession] = {}


def sim(duration_s: float, fs: float = 100.0, seed: int = 1, **kw: object) -> SimSession:
    """A simulated session, cached by its arguments (tests must not modify it)."""
    key = repr((duration_s, fs, seed, sorted(kw.items())))
    if key not in _CACHE:
        _CACHE[key] = simulate_session(duration_s, fs=fs, seed=seed, **kw)  # type: ignore[arg-type]
    return _CACHE[key]


def load_benchmark(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def one_cycle() -> SimSession:
    """A 20-min ECG+EDA+resp session at 100 Hz with one complete cycle."""
    from lacrima.sim import CycleSpec

    return sim(
        1200.0,
        seed=11,
        cycles=(CycleSpec(s_onset_s=400.0, rise_s=180.0, hold_s=20.0, kind="complete"),),
    )


@pytest.fixture(scope="session")
def one_cycle_analysis(one_cycle: SimSession) -> object:
    """The analysis of :func:`one_cycle`."""
    import lacrima

    return lacrima.analyze(one_cycle.recording)
