"""The incremental analyser agrees with the offline one (lacrima.sp.live)."""

from __future__ import annotations

import numpy as np
import pytest

import lacrima
from lacrima.errors import AnalysisError
from lacrima.sp import LiveAnalyzer

from .conftest import sim


def _feed(live: LiveAnalyzer, rec: object, chunk: int) -> list[object]:
    chans = rec.channels  # type: ignore[attr-defined]
    n = min(c.samples.size for c in chans.values())
    updates = []
    for i in range(0, n, chunk):
        upd = live.push({k: c.samples[i : i + chunk] for k, c in chans.items()})
        if upd is not None:
            updates.append(upd)
    return updates


def test_live_matches_offline(one_cycle) -> None:  # type: ignore[no-untyped-def]
    rec = one_cycle.recording
    live = LiveAnalyzer({n: (c.kind, c.fs_hz, c.unit) for n, c in rec.channels.items()},
                        update_every_s=20.0)  # fmt: skip
    for m in rec.markers:
        live.add_marker(m.time_s, m.label)
    updates = _feed(live, rec, 1000)
    assert not updates[0].baseline_ready and updates[-1].baseline_ready
    assert all(np.isnan(u.sympathetic).all() for u in updates if not u.baseline_ready)
    offline = lacrima.analyze(rec)
    ix = live.indices
    assert ix is not None
    keep = np.isin(offline.indices.t_s, ix.t_s)
    for name in ("sympathetic", "parasympathetic"):
        a, b = getattr(offline.indices, name)[keep], getattr(ix, name)
        ok = np.isfinite(a) & np.isfinite(b)
        assert ok.mean() > 0.9
        assert np.median(np.abs(a[ok] - b[ok])) < 0.3  # same model, shorter context
    last = updates[-1]
    assert [c.kind for c in last.cycles] == [c.kind for c in offline.cycles]
    assert last.cycles[0].peak_s == pytest.approx(offline.cycles[0].peak_s, abs=10)
    assert live.finish().to_dict()["cycles"] == offline.to_dict()["cycles"]


def test_live_rejects_unknown_channels_and_kinds() -> None:
    with pytest.raises(AnalysisError, match="needs at least one channel"):
        LiveAnalyzer({})
    with pytest.raises(AnalysisError, match="not a channel kind"):
        LiveAnalyzer({"x": ("ekgg", 100.0)})
    live = LiveAnalyzer({"ecg": ("ecg", 100.0)})
    with pytest.raises(AnalysisError, match="unknown channel 'eda'"):
        live.push({"eda": np.zeros(10)})


def test_no_update_before_enough_signal() -> None:
    live = LiveAnalyzer({"ecg": ("ecg", 100.0)}, update_every_s=10.0)
    assert live.push({"ecg": np.zeros(500)}) is None
    assert live.duration_s == 5.0


def test_short_live_session_without_baseline_yet() -> None:
    sess = sim(330.0, seed=31, channels=("ecg",), n_cycles=0, mark_baseline=False)
    live = LiveAnalyzer({"ecg": ("ecg", 100.0)})
    updates = _feed(live, sess.recording, 2000)
    assert updates and not any(u.baseline_ready for u in updates)
    assert live.indices is None
