"""Acceptance 4: bad input gives a clear AnalysisError or a report that says what is missing."""

from __future__ import annotations

import numpy as np
import pytest

import lacrima
from lacrima.errors import AnalysisError
from lacrima.io import Channel, Recording

from .conftest import sim


def _rec(**channels: Channel) -> Recording:
    return Recording(dict(channels), [], None, "test")


def test_no_usable_kind_of_channel() -> None:
    temp = Channel("skin_temp", np.full(60_000, 33.0), 100.0, "degC", "temp")
    with pytest.raises(AnalysisError, match=r"no usable channel.*skin_temp \(temp\)"):
        lacrima.analyze(_rec(skin_temp=temp))


@pytest.mark.parametrize("fill", [np.nan, 0.0])
def test_channels_of_the_right_kind_but_no_signal(fill: float) -> None:
    ecg = Channel("ecg", np.full(60_000, fill), 100.0, "mV", "ecg")
    eda = Channel("eda", np.full(60_000, fill), 100.0, "uS", "eda")
    with pytest.raises(AnalysisError, match="no usable channel") as err:
        lacrima.analyze(_rec(ecg=ecg, eda=eda))
    assert "channel ecg" in str(err.value) and "channel eda" in str(err.value)


def test_a_recording_without_channels() -> None:
    with pytest.raises(AnalysisError, match="no channels"):
        lacrima.analyze(_rec())


def test_session_shorter_than_the_baseline() -> None:
    short = sim(200.0, seed=3, n_cycles=0, mark_baseline=False)
    with pytest.raises(AnalysisError, match="shorter than the baseline"):
        lacrima.analyze(short.recording)


def test_no_signal_in_the_baseline() -> None:
    sess = sim(900.0, seed=4, channels=("ecg",), n_cycles=0, dropouts={"ecg": (0.0, 240.0)})
    with pytest.raises(AnalysisError, match="no usable signal in the baseline"):
        lacrima.analyze(sess.recording)


@pytest.mark.parametrize("value", [np.nan, 0.0])
def test_a_channel_that_drops_out_midway_is_reported(value: float) -> None:
    sess = sim(1500.0, seed=5, n_cycles=1, dropouts={"eda": (700.0, 1000.0)},
               dropout_value=value)  # fmt: skip
    a = lacrima.analyze(sess.recording)
    d = a.to_dict()
    gaps = [p for p in d["problems"] if p["part"] == "channel eda"]
    assert gaps, d["problems"]
    assert any(p["start_s"] <= 720 and p["end_s"] >= 980 for p in gaps)
    assert all(p["reason"] for p in gaps)
    # the indices go on from the other channels
    t = np.asarray(d["indices"]["t_s"])
    s = np.asarray(d["indices"]["sympathetic"], dtype=float)
    assert np.isfinite(s[(t > 750) & (t < 950)]).all()
    assert 0 < d["channels"]["eda"]["usable_fraction"] < 0.9


def test_a_channel_dead_from_midway_to_the_end() -> None:
    sess = sim(1200.0, seed=6, channels=("ecg",), n_cycles=0, dropouts={"ecg": (600.0, 1200.0)})
    d = lacrima.analyze(sess.recording).to_dict()
    parts = {p["part"] for p in d["problems"]}
    assert {"channel ecg", "sympathetic index", "parasympathetic index"} <= parts
    s = np.asarray(d["indices"]["sympathetic"], dtype=float)
    t = np.asarray(d["indices"]["t_s"])
    assert np.isnan(s[t > 700]).all() and np.isfinite(s[t < 500]).any()


def test_unknown_option_lists_the_valid_ones() -> None:
    with pytest.raises(AnalysisError, match=r"unknown analysis option.*'baselin'.*valid"):
        lacrima.analyze(sim(900.0, seed=7, n_cycles=0).recording, baselin="0:300")


def test_a_missing_file_is_a_read_error() -> None:
    with pytest.raises(lacrima.errors.LacrimaError, match="no such file"):
        lacrima.analyze("/nonexistent/session.csv")
