"""The incremental analyser agrees with the offline one (lacrima.sp.live)."""

from __future__ import annotations

import json

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


def _boundaries(phases: object, end_s: float) -> list[tuple[str, float]]:
    """(label, start) of each phase change, leaving out the session start."""
    return [(p.label, p.start_s) for p in phases if 0.0 < p.start_s < end_s]  # type: ignore[attr-defined]


def _agree(live_phases: object, offline: object, end_s: float) -> float:
    """Largest phase-boundary difference, s (the same phase sequence is required)."""
    a, b = _boundaries(live_phases, end_s), _boundaries(offline.phases, end_s)  # type: ignore[attr-defined]
    assert [x[0] for x in a] == [x[0] for x in b]
    return max((abs(x[1] - y[1]) for x, y in zip(a, b, strict=True)), default=0.0)


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
    assert [c.kind for c in last.cycles] == [c.kind for c in offline.cycles] == ["complete"]
    assert last.cycles[0].peak_s == pytest.approx(offline.cycles[0].peak_s, abs=10)
    # the live analysis ends ~32 s before the signal (the last window must be complete)
    assert _agree(last.phases, offline, last.analysed_to_s - 5.0) <= 10.0
    assert live.finish().to_dict()["cycles"] == offline.to_dict()["cycles"]
    snap = json.loads(json.dumps(live.snapshot(last_s=300.0)))  # plain JSON
    assert snap["phase"] == last.phases[-1].label and snap["baseline_ready"]
    assert len(snap["t_s"]) == len(snap["sympathetic"]) == 151  # 300 s on the 2-s grid
    assert snap["cycles"][0]["kind"] == "complete"


def test_bounded_state_over_a_long_session() -> None:
    """Two cycles, a 10-min horizon: the first cycle is frozen, nothing grows."""
    from lacrima.sim import CycleSpec

    sess = sim(2400.0, fs=50.0, seed=5, cycles=(
        CycleSpec(s_onset_s=400.0, rise_s=180.0, hold_s=20.0, kind="complete"),
        CycleSpec(s_onset_s=1600.0, rise_s=150.0, hold_s=20.0, kind="complete"),
    ))  # fmt: skip
    rec = sess.recording
    live = LiveAnalyzer({n: (c.kind, c.fs_hz, c.unit) for n, c in rec.channels.items()},
                        horizon_s=600.0, keep_samples=False)  # fmt: skip
    for m in rec.markers:
        live.add_marker(m.time_s, m.label, m.duration_s)
    sizes = []
    chans = rec.channels
    n = min(c.samples.size for c in chans.values())
    for i in range(0, n, 500):
        live.push({k: c.samples[i : i + 500] for k, c in chans.items()})
        if i % 15000 == 0 and i > 0:
            sizes.append((len(live._feats.t_s), len(live._ix.t_s)))
    late = sizes[len(sizes) // 2 :]
    assert max(f for f, _ in late) <= 300  # baseline block + ~70 s of recent windows
    assert max(x for _, x in late) <= 2 * 600 / 2.0 + 2  # at most two horizons, 2-s grid
    offline = lacrima.analyze(rec, progress=False)
    assert [c.kind for c in live.cycles] == [c.kind for c in offline.cycles]
    assert len(live.cycles) == 2
    end = live.phases[-1].end_s - 5.0
    assert _agree(live.phases, offline, end) <= 10.0
    with pytest.raises(AnalysisError, match="keeps no samples"):
        live.finish()


def test_rr_intervals_only_like_a_chest_strap(one_cycle) -> None:  # type: ignore[no-untyped-def]
    from lacrima.io import Channel, Recording
    from lacrima.sp.sources import process_channels

    ecg = one_cycle.recording.channels["ecg"]
    outputs, _ = process_channels(Recording({"ecg": ecg}, [], None, "x"))
    t = outputs["ecg"].cardiac.ibi_t_s
    ibi = np.diff(t, prepend=t[0] - 0.8) * 1000.0  # a strap's RR: its beat-to-beat times
    live = LiveAnalyzer({"rr": ("ibi", 0)}, update_every_s=5.0)
    for m in one_cycle.recording.markers:
        live.add_marker(m.time_s, m.label)
    live.push_beats("rr", float(t[0]), ibi[:10])
    for k in range(10, len(t), 7):  # about one BLE notification's worth at a time
        live.push_beats("rr", float(t[k]), ibi[k : k + 7])
    assert live.duration_s == pytest.approx(t[-1], abs=2.0)
    strap = Recording({"rr": Channel("rr", ibi, np.nan, "ms", "ibi", times_s=t)},
                      list(one_cycle.recording.markers), None, "strap")  # fmt: skip
    offline = lacrima.analyze(strap, progress=False)
    assert [c.kind for c in live.cycles] == [c.kind for c in offline.cycles]
    assert live.cycles and live.phases[-1].label in ("baseline", "recovery")
    with pytest.raises(AnalysisError, match="must come after the last one"):
        live.push_beats("rr", 1.0, [800.0])


def test_live_rejects_unknown_channels_and_kinds() -> None:
    with pytest.raises(AnalysisError, match="needs at least one channel"):
        LiveAnalyzer({})
    with pytest.raises(AnalysisError, match="not a channel kind"):
        LiveAnalyzer({"x": ("ekgg", 100.0)})
    with pytest.raises(AnalysisError, match="fs_hz must be a positive"):
        LiveAnalyzer({"ecg": ("ecg", 0.0)})
    live = LiveAnalyzer({"ecg": ("ecg", 100.0)})
    with pytest.raises(AnalysisError, match="unknown channel 'eda'"):
        live.push({"eda": np.zeros(10)})
    with pytest.raises(AnalysisError, match="needs an IBI channel"):
        live.push_beats("ecg", 1.0, [800.0])


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
    assert all(u.phase is None for u in updates)
