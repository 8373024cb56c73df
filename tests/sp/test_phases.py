"""Phase segmentation and cycle timing on index series (lacrima.sp.phases, .cycles)."""

from __future__ import annotations

import numpy as np
import pytest

from lacrima.io import Marker
from lacrima.sp.options import make_options
from lacrima.sp.phases import segment

tg = np.arange(1.0, 1800.0, 2.0)


def _cycle(onset: float, peak: float, p_onset: float | None, height: float = 4.0):
    rng = np.random.default_rng(3)
    s = np.where(tg < onset, 0.0, np.where(tg < peak, height * (tg - onset) / (peak - onset),
                 height * np.exp(-(tg - peak) / 60.0)))  # fmt: skip
    p = np.where((tg >= onset) & (tg < peak), -1.0 * (tg - onset) / (peak - onset), 0.0)
    p = np.where((tg >= peak) & (tg < (p_onset or 1e9)), -1.0, p)
    if p_onset is not None:
        x = np.clip((tg - p_onset) / 60.0, 0, None)
        p = np.where(tg >= p_onset, -1.0 * np.clip(1 - x, 0, 1) + 3.0 * x * np.exp(1 - x), p)
    return s + rng.normal(0, 0.2, tg.size), p + rng.normal(0, 0.2, tg.size)


def test_complete_cycle_timing() -> None:
    s, p = _cycle(500.0, 800.0, 830.0)
    seg = segment(tg, s, p, [], 1800.0, make_options())
    assert seg.kind == "cycles"
    (c,) = seg.cycles
    assert c.kind == "complete"
    assert c.s_onset_s == pytest.approx(500, abs=10)
    assert c.peak_s == pytest.approx(800, abs=10)
    assert c.p_onset_s == pytest.approx(830, abs=12)
    assert c.s_duration_s == pytest.approx(300, abs=20)
    assert c.p_depth > 2
    labels = [ph.label for ph in seg.phases]
    assert labels[:4] == ["baseline", "S", "peak", "P"]
    # phases tile the session without gaps or overlaps
    assert seg.phases[0].start_s == 0 and seg.phases[-1].end_s == 1800
    for a, b in zip(seg.phases, seg.phases[1:], strict=False):
        assert a.end_s == pytest.approx(b.start_s)


def test_arousal_without_release_is_unresolved() -> None:
    s, p = _cycle(500.0, 800.0, None)
    seg = segment(tg, s, p, [], 1800.0, make_options())
    assert [c.kind for c in seg.cycles] == ["unresolved"]
    assert seg.cycles[0].p_onset_s is None


def test_without_a_parasympathetic_index_the_kind_is_undetermined() -> None:
    s, _ = _cycle(500.0, 800.0, 830.0)
    seg = segment(tg, s, None, [], 1800.0, make_options())
    assert [c.kind for c in seg.cycles] == ["undetermined"]


def test_calm_session_and_short_bursts_are_no_arousal() -> None:
    rng = np.random.default_rng(1)
    s = rng.normal(0, 0.4, tg.size)
    s[(tg > 600) & (tg < 630)] += 4.0  # a 30-s orienting response (a laugh, a noise)
    seg = segment(tg, s, rng.normal(0, 0.4, tg.size), [], 1800.0, make_options())
    assert seg.kind == "no_arousal" and not seg.cycles
    assert [ph.label for ph in seg.phases] == ["baseline"]


def test_several_cycles_in_one_session() -> None:
    s1, p1 = _cycle(300.0, 500.0, 520.0)
    s2, p2 = _cycle(1100.0, 1300.0, None)
    s = np.where(tg < 900, s1, s2)
    p = np.where(tg < 900, p1, p2)
    seg = segment(tg, s, p, [], 1800.0, make_options())
    assert [c.kind for c in seg.cycles] == ["complete", "unresolved"]


def test_a_tears_marker_anchors_a_lower_peak_and_is_attached() -> None:
    s, p = _cycle(500.0, 800.0, 830.0, height=2.4)  # below the 3-z peak threshold
    assert not segment(tg, s, p, [], 1800.0, make_options()).cycles
    seg = segment(tg, s, p, [Marker(805.0, "tears")], 1800.0, make_options())
    (c,) = seg.cycles
    assert c.anchored_by == "tears"
    assert (805.0, "tears") in c.markers
