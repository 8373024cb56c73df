"""Breathing rate derived from the pulse when there is no respiration channel."""

from __future__ import annotations

import numpy as np

import lacrima

from .conftest import sim


def test_ecg_without_belt_gets_a_derived_breathing_rate() -> None:
    s = sim(900.0, channels=("ecg", "eda"), n_cycles=0, seed=3)
    a = lacrima.analyze(s.recording)
    d = a.to_dict()
    assert d["indices"]["resp_rate_source"] == "derived"
    rr = np.array([np.nan if v is None else v for v in d["indices"]["resp_rate_bpm"]])
    assert np.isfinite(rr).mean() > 0.3
    # the simulator breathes at 10-16/min at rest (lacrima/sim): a plausible rate
    assert 8.0 <= np.nanmedian(rr) <= 20.0
    derived = [i for i in d["inputs"]["parasympathetic"] if i["feature"] == "resp_rate_derived_bpm"]
    assert len(derived) == 1 and derived[0]["weight"] == 0.0
    # it never enters the sympathetic index
    assert all(i["feature"] != "resp_rate_derived_bpm" for i in d["inputs"]["sympathetic"])


def test_a_belt_is_used_as_is() -> None:
    s = sim(900.0, channels=("ecg", "resp"), n_cycles=0, seed=3)
    d = lacrima.analyze(s.recording).to_dict()
    assert d["indices"]["resp_rate_source"] == "respiration"
    assert all(i["feature"] != "resp_rate_derived_bpm" for i in d["inputs"]["parasympathetic"])
