"""The client text names the real reason when the calming branch could not be measured."""

from __future__ import annotations

import re

import numpy as np
import pytest

import lacrima
from lacrima.sim import CycleSpec, simulate_session
from lacrima.sp.summary import calming_unseen_reason

T = np.arange(0.0, 1200.0, 2.0)
PEAK, END = 500.0, 800.0


def _p(valid: tuple[float, float] | None) -> np.ndarray:
    """A parasympathetic index with values only inside ``valid``."""
    p = np.full(len(T), np.nan)
    if valid is not None:
        start, stop = valid
        p[(start <= T) & (stop > T)] = 0.3
    return p


def test_no_beat_channel_means_no_heartbeat_recorded() -> None:
    gap = calming_unseen_reason(["eda", "resp"], T, None, PEAK, END)
    assert gap.reason == "no_heartbeat" and gap.usable_share == 0.0


def test_a_heart_rate_alone_is_not_called_missing() -> None:
    assert calming_unseen_reason(["eda", "hr"], T, None, PEAK, END).reason == "rate_only"


def test_a_beat_channel_with_nothing_usable_is_too_disturbed() -> None:
    for kinds in (["ppg", "eda"], ["ecg"], ["ibi", "hr"]):
        gap = calming_unseen_reason(kinds, T, _p((0.0, 400.0)), PEAK, END)
        assert gap.reason == "too_disturbed" and gap.usable_share == 0.0


def test_a_partly_usable_beat_channel_gives_its_share() -> None:
    gap = calming_unseen_reason(["ppg"], T, _p((500.0, 590.0)), PEAK, END)
    assert gap.reason == "partly"
    assert gap.usable_share == pytest.approx(0.3, abs=0.01)


SPEC = CycleSpec(s_onset_s=360.0, rise_s=180.0)


@pytest.mark.parametrize(
    ("channels", "dropouts", "expected"),
    [
        (("eda", "resp"), None, "because no heartbeat signal was recorded"),
        (
            ("ppg", "eda"),
            {"ppg": (500.0, 1200.0)},
            "the pulse signal was too disturbed to measure heart-rate variability here",
        ),
        (
            ("ecg", "eda", "resp"),
            {"ecg": (500.0, 700.0)},
            "the heartbeat signal was too disturbed to measure heart-rate variability for most",
        ),
    ],
    ids=["no-heartbeat-channel", "pulse-lost", "heartbeat-partly-lost"],
)
def test_client_text_of_an_undetermined_cycle(
    channels: tuple[str, ...], dropouts: dict | None, expected: str
) -> None:
    sess = simulate_session(
        1200, fs=100, channels=channels, cycles=[SPEC], seed=3, dropouts=dropouts
    )
    a = lacrima.analyze(sess.recording)
    assert any(c.kind == "undetermined" for c in a.cycles), [c.kind for c in a.cycles]
    text = a.to_dict()["summary"]["client"]
    assert expected in text
    if channels != ("eda", "resp"):
        assert "no heartbeat signal was recorded" not in text
    if "most" in expected:
        assert re.search(r"only about [1-4]0% of them", text), text
