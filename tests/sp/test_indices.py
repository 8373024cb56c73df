"""Sympathetic and parasympathetic indices from features (lacrima.sp.indices)."""

from __future__ import annotations

import numpy as np
import pytest

from lacrima.sp.baseline import Baseline
from lacrima.sp.features import Feature, FeatureTable
from lacrima.sp.indices import COMPONENTS, compute_indices
from lacrima.sp.options import make_options

T = np.arange(1.0, 1200.0, 2.0)
BASE = Baseline(0.0, 300.0, "option")


def _feat(name: str, values: np.ndarray, quality: float | np.ndarray = 1.0) -> Feature:
    q = np.broadcast_to(np.asarray(quality, dtype=float), values.shape).copy()
    return Feature(name, values, q, ("x",), np.zeros(values.size, int), 10.0)


def _table(**features: np.ndarray) -> FeatureTable:
    return FeatureTable(T, {k: _feat(k, v) for k, v in features.items()}, {})


def _noise(seed: int, sd: float) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, sd, T.size)


def test_any_subset_of_channels_gives_an_index() -> None:
    hr = 70 + _noise(1, 1.0) + np.where(T > 600, 12.0, 0.0)
    ix = compute_indices(_table(hr_bpm=hr), BASE, make_options())
    assert np.nanmedian(ix.sympathetic[T < 300]) == pytest.approx(0.0, abs=0.5)
    assert np.nanmedian(ix.sympathetic[T > 650]) > 3.0  # 12 bpm over a 2-bpm floor
    assert np.all(np.isnan(ix.parasympathetic))
    assert [i.feature for i in ix.inputs] == ["hr_bpm"]
    assert any(p.part == "parasympathetic index" for p in ix.problems)


def test_inputs_say_exactly_what_went_in() -> None:
    ix = compute_indices(
        _table(hr_bpm=70 + _noise(1, 1), scl_us=np.exp(1 + _noise(2, 0.02)),
               rmssd_ms=np.exp(3.5 + _noise(3, 0.05))),
        BASE, make_options(),
    )  # fmt: skip
    by = {i.feature: i for i in ix.inputs}
    assert set(by) == {"hr_bpm", "scl_us", "rmssd_ms"}
    assert by["scl_us"].transform == "log" and by["scl_us"].index == "sympathetic"
    assert by["rmssd_ms"].index == "parasympathetic"
    assert by["hr_bpm"].baseline_median == pytest.approx(70, abs=0.5)  # in bpm
    assert by["scl_us"].baseline_median == pytest.approx(np.e, rel=0.05)  # in µS
    assert by["hr_bpm"].weight == COMPONENTS["hr_bpm"].weight


def test_low_quality_windows_are_left_out() -> None:
    hr = 70 + np.where(T > 600, 20.0, 0.0)
    scl = np.exp(np.full(T.size, 1.0))
    q_hr = np.where(T > 600, 0.0, 1.0)  # the heart-rate channel dropped out
    feats = {"hr_bpm": _feat("hr_bpm", hr, q_hr), "scl_us": _feat("scl_us", scl)}
    table = FeatureTable(T, feats, {})
    ix = compute_indices(table, BASE, make_options())
    assert np.nanmax(np.abs(ix.sympathetic[T > 650])) < 0.5  # only the flat SCL is left
    assert ix.sympathetic_quality[T > 650].max() < ix.sympathetic_quality[T < 300].min()


def test_no_single_input_can_dominate() -> None:
    """SCL 100 z above baseline counts at most 5 z (soft limit), heart rate still counts."""
    scl = np.exp(1.0 + np.where(T > 600, 5.0, 0.0))
    hr = np.full(T.size, 70.0)
    ix = compute_indices(_table(scl_us=scl, hr_bpm=hr), BASE, make_options())
    assert np.nanmax(ix.sympathetic) <= 2.5 + 1e-9  # mean of 5 (SCL) and 0 (HR)


def test_hf_power_is_dropped_when_breathing_leaves_the_hf_band() -> None:
    hf = np.exp(6.0 + _noise(4, 0.05))
    resp = np.where(T > 600, 6.0, 14.0)  # slow breathing: 0.1 Hz, below 0.15 Hz
    ix = compute_indices(_table(hf_power_ms2=hf, resp_rate_bpm=resp), BASE, make_options())
    assert np.all(np.isnan(ix.parasympathetic[T > 650]))
    assert np.isfinite(ix.parasympathetic[T < 300]).all()


def test_both_branches_can_rise_together() -> None:
    """S and P are separate indices, not two ends of one axis."""
    up = np.where(T > 600, 1.0, 0.0)
    ix = compute_indices(
        _table(scl_us=np.exp(1 + 0.5 * up + _noise(5, 0.01)),
               rmssd_ms=np.exp(3.5 + 0.5 * up + _noise(6, 0.01))),
        BASE, make_options(),
    )  # fmt: skip
    assert np.nanmedian(ix.sympathetic[T > 650]) > 2
    assert np.nanmedian(ix.parasympathetic[T > 650]) > 2
