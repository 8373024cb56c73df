"""Incremental (live) S-P analysis with bounded memory and constant cost per update.

:class:`LiveAnalyzer` carries its state forward instead of re-analysing the session:

1. **Signal.** Each channel keeps only its last ``context_s`` seconds plus a margin
   (:class:`~lacrima.sp.live_state.SampleTail`). Every ``update_every_s`` seconds of new
   signal, the ``physio`` pipelines (beats/IBI, EDA tonic + SCR, respiration) run over
   that tail only, and the grid windows that are now complete (their whole window,
   ``max(hf, scr, hrv, resp) / 2`` s after the centre, has arrived) become features —
   the functions of :mod:`lacrima.sp.features`, on the offline grid.
2. **Baseline.** Chosen as offline (:func:`~lacrima.sp.baseline.choose_baseline`) and
   fixed once its window has passed; the feature windows its references come from (the
   *baseline block*) are kept for the session, everything else only while needed.
3. **Indices** (:func:`~lacrima.sp.indices.compute_indices`, unchanged) are computed for
   the new windows only, over the baseline block plus the last ``level_window_s`` of
   windows (the reported index is a centred 60-s level mean, so its last 30 s are
   provisional and are recomputed as later windows arrive).
4. **Segmentation** (:func:`~lacrima.sp.phases.segment`, unchanged) runs over the index
   values of the last ``horizon_s`` seconds (30 min: 900 values). A cycle that ended
   more than ``max_latency_s`` ago can no longer change; it is frozen with its phases and
   segmentation starts after it.

So memory and the cost of one update do not grow with the session. Index values lag
real time by half the longest feature window (30 s) plus one step, and the reported
(level) index by another 30 s. :meth:`LiveAnalyzer.finish` runs the full offline
analysis when the analyser was told to keep every sample (``keep_samples=True``, the
default); a server that stores the stream itself passes ``keep_samples=False`` and
analyses the stored recording. Decision record: ``0013i-incremental-live-analysis``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from lacrima.errors import AnalysisError, LacrimaError
from lacrima.sp.baseline import MAX_DEFAULT_BASELINE_S, Baseline, choose_baseline
from lacrima.sp.cycles import Cycle
from lacrima.sp.features import FeatureTable, features_from_outputs
from lacrima.sp.indices import IndexInput, Indices, compute_indices
from lacrima.sp.live_cycles import CycleTracker
from lacrima.sp.live_state import FeatureRows, IndexRows, SampleTail
from lacrima.sp.options import make_options
from lacrima.sp.phases import Phase
from lacrima.sp.sources import process_channels
from lacrima.sp.windows import make_grid

__all__ = ["LiveAnalyzer", "LiveUpdate"]

log = logging.getLogger(__name__)

_NOISE_HALF_S = 15.0  # half the 30-s noise window of the timing weights (indices.py)
MIN_CONTEXT_S = 120.0
"""Shortest signal tail re-processed at an update: the longest feature window (60 s) on
each side of its centre would need 30 s, beat correction and the EDA tonic fit need a
minute of warm-up before the first window (decision record 0013i)."""
DEFAULT_UPDATE_S = 5.0
"""Seconds of new signal between updates: an update re-processes the whole sample tail
(about 40 ms for four 700-Hz channels on one core), so every 5 s keeps one stream near
1.2 % of a core (every 2 s: 3.2 %); each update still brings the 2-3 new 2-s windows,
which lag the signal by about 34 s anyway (decision record 0013i)."""
DEFAULT_HORIZON_S = 1800.0
"""Index values segmentation runs over: longer than any S-P cycle (S-phase minutes,
release within ``max_latency_s`` = 5 min, recovery) with room to spare."""


@dataclass(frozen=True, eq=False)
class LiveUpdate:
    """What changed after a chunk.

    Attributes
    ----------
    t_s : numpy.ndarray
        Grid times newly completed by this update, s from the start.
    sympathetic, parasympathetic : numpy.ndarray
        The (level) indices at ``t_s`` (NaN before the baseline has been seen); the
        last ``level_window_s / 2`` s are provisional.
    baseline_ready : bool
        Whether the baseline is complete (indices exist only from then on).
    phases : tuple of Phase
        All phases so far.
    cycles : tuple of Cycle
        All cycles so far (the last one may still change).
    analysed_to_s : float
        End of the last complete feature window, s (the live analysis lags the signal).
    """

    t_s: np.ndarray
    sympathetic: np.ndarray
    parasympathetic: np.ndarray
    baseline_ready: bool
    phases: tuple[Phase, ...]
    cycles: tuple[Cycle, ...]
    analysed_to_s: float = 0.0

    @property
    def phase(self) -> str | None:
        """Label of the current (last) phase, or None before the baseline is ready."""
        return self.phases[-1].label if self.phases and self.baseline_ready else None


class LiveAnalyzer:
    """Analyse a session while it is being recorded, in bounded memory.

    Parameters
    ----------
    channels : mapping
        Channel name -> ``(kind, fs_hz)`` or ``(kind, fs_hz, unit)``, e.g.
        ``{"ecg": ("ecg", 250.0), "eda": ("eda", 32.0, "uS")}``. An IBI channel
        (``("ibi", 0)``, e.g. a chest strap's RR intervals) takes intervals in ms; its
        beat times follow from them (:meth:`push`) or are given (:meth:`push_beats`).
    start_time : datetime, optional
        Wall-clock start (tz-aware), passed on to :meth:`finish`.
    update_every_s : float
        Seconds of new signal between updates (:data:`DEFAULT_UPDATE_S`).
    context_s : float
        Seconds of recent signal re-processed at each update (at least 120).
    horizon_s : float
        Seconds of index values that segmentation runs over (at least 600).
    keep_samples : bool
        Keep every sample so that :meth:`finish` can run the offline analysis. False
        keeps memory flat (the caller stores the stream).
    **options
        Any option of :func:`lacrima.analyze` (e.g. ``baseline=(0, 180)``).

    Raises
    ------
    AnalysisError
        On an empty channel list, an unknown kind or rate, or bad options.

    Examples
    --------
    >>> from lacrima.sim import simulate_session
    >>> sess = simulate_session(900, fs=100, seed=1)
    >>> chans = sess.recording.channels
    >>> live = LiveAnalyzer({n: (c.kind, c.fs_hz) for n, c in chans.items()})
    >>> for i in range(0, 90000, 6000):
    ...     upd = live.push({n: c.samples[i : i + 6000] for n, c in chans.items()})
    >>> live.duration_s
    900.0
    """

    def __init__(
        self,
        channels: Mapping[str, Sequence[Any]],
        *,
        start_time: datetime | None = None,
        update_every_s: float = DEFAULT_UPDATE_S,
        context_s: float = MIN_CONTEXT_S,
        horizon_s: float = DEFAULT_HORIZON_S,
        keep_samples: bool = True,
        **options: Any,
    ) -> None:
        from lacrima.io import Channel

        if not channels:
            raise AnalysisError("LiveAnalyzer needs at least one channel: {name: (kind, fs_hz)}")
        self._spec: dict[str, tuple[str, float, str]] = {}
        for name, spec in channels.items():
            kind, fs = str(spec[0]), float(spec[1]) if len(spec) > 1 else math.nan
            unit = str(spec[2]) if len(spec) > 2 else ("ms" if kind == "ibi" else "a.u.")
            if kind == "ibi":  # an event series: beat times come from the intervals
                fs = math.nan
            elif not (math.isfinite(fs) and fs > 0):
                raise AnalysisError(f"channel {name!r}: fs_hz must be a positive number; got {fs}")
            try:
                Channel(
                    name, np.zeros(1), fs, unit, kind, times_s=[0.0] if math.isnan(fs) else None
                )
            except LacrimaError as exc:
                raise AnalysisError(f"channel {name!r}: {exc}") from exc
            self._spec[name] = (kind, fs, unit)
        every = float(update_every_s)
        if not (math.isfinite(every) and every > 0):
            raise AnalysisError(f"update_every_s must be a positive number of seconds; got {every}")
        self._opts = o = make_options(**options)
        self._start_time = start_time
        self._every = every
        self._context = max(float(context_s), MIN_CONTEXT_S)
        self._horizon = max(float(horizon_s), 600.0)
        self._margin = max(o.hf_window_s, o.scr_window_s, o.hrv_window_s, o.resp_window_s) / 2.0
        self._margin += o.step_s + o.eda_latency_s
        keep_s = self._context + self._margin + 2 * every + 10.0
        self._ibi = {n for n, (kind, _, _) in self._spec.items() if kind == "ibi"}
        # an IBI channel keeps beat times and intervals (at most 4 beats/s, 240 bpm)
        self._tails = {
            n: SampleTail(math.ceil(keep_s * (4.0 if n in self._ibi else fs)))
            for n, (_, fs, _) in self._spec.items()
        }
        self._beat_t = {n: SampleTail(math.ceil(keep_s * 4.0)) for n in self._ibi}
        self._last_beat_s = dict.fromkeys(self._ibi, 0.0)
        self._all: dict[str, list[np.ndarray]] | None = (
            {n: [] for n in self._spec} if keep_samples else None
        )
        self._all_t: dict[str, list[np.ndarray]] = {n: [] for n in self._ibi}
        self._markers: list[Any] = []
        self._done_s = 0.0
        self._last_update_s = 0.0
        self._feats = FeatureRows()
        self._ix = IndexRows()
        self._inputs: tuple[IndexInput, ...] = ()
        self._baseline_fixed: Baseline | None = None
        self._block_end_s = math.inf
        self._ix_from_s = 0.0  # index rows from here on are provisional
        self._track = CycleTracker(o)

    @property
    def duration_s(self) -> float:
        """Seconds of signal received on every channel (an IBI channel: its last beat)."""
        return min(
            self._last_beat_s[n] if n in self._ibi else self._tails[n].total / self._spec[n][1]
            for n in self._spec
        )

    @property
    def baseline(self) -> Baseline | None:
        """The baseline once fixed (its window has passed), else None."""
        return self._baseline_fixed

    def add_marker(self, time_s: float, label: str, duration_s: float = 0.0) -> None:
        """Record a marker (e.g. ``"tears"``) at ``time_s`` s from the start."""
        from lacrima.io import Marker

        self._markers.append(Marker(float(time_s), str(label), float(duration_s)))

    def push(self, chunk: Mapping[str, np.ndarray]) -> LiveUpdate | None:
        """Append samples (channel name -> new samples) and update when it is time.

        Returns
        -------
        LiveUpdate or None
            None when not enough new signal has arrived for an update.

        Raises
        ------
        AnalysisError
            For a channel name that was not declared.
        """
        for name in chunk:
            if name not in self._spec:
                raise AnalysisError(
                    f"unknown channel {name!r}; declared channels are {sorted(self._spec)}"
                )
        for name, x in chunk.items():
            arr = np.asarray(x, dtype=float).ravel()
            if name in self._ibi:
                self._add_beats(name, self._last_beat_s[name] + np.cumsum(arr) / 1000.0, arr)
                continue
            self._tails[name].append(arr)
            if self._all is not None:
                self._all[name].append(arr)
        return self._maybe_update()

    def push_beats(self, name: str, t0_s: float, ibi_ms: np.ndarray) -> LiveUpdate | None:
        """Append RR intervals of an IBI channel whose first interval ends at ``t0_s``.

        Use it after a gap (a strap that lost contact); :meth:`push` continues from the
        last beat. Each next beat is at the previous one plus its interval.

        Raises
        ------
        AnalysisError
            For a channel that is not an IBI channel, or beats not after the last one.
        """
        if name not in self._ibi:
            raise AnalysisError(
                f"push_beats needs an IBI channel; {name!r} is not one "
                f"(IBI channels: {sorted(self._ibi)})"
            )
        arr = np.asarray(ibi_ms, dtype=float).ravel()
        if arr.size:
            if not t0_s > self._last_beat_s[name]:
                raise AnalysisError(
                    f"channel {name!r}: beats must come after the last one "
                    f"({self._last_beat_s[name]:.3f} s); got t0_s={t0_s}"
                )
            times = float(t0_s) + np.concatenate([[0.0], np.cumsum(arr[1:]) / 1000.0])
            self._add_beats(name, times, arr)
        return self._maybe_update()

    def _add_beats(self, name: str, times: np.ndarray, ibi: np.ndarray) -> None:
        ok = np.isfinite(times)
        times, ibi = times[ok], ibi[ok]
        if not times.size:
            return
        self._beat_t[name].append(times)
        self._tails[name].append(ibi)
        self._last_beat_s[name] = float(times[-1])
        if self._all is not None:
            self._all[name].append(ibi)
            self._all_t[name].append(times)

    def _maybe_update(self) -> LiveUpdate | None:
        if self.duration_s - self._last_update_s < self._every:
            return None
        return self._update()

    # -- the update, step by step ---------------------------------------------------

    def _recent_recording(self, from_s: float) -> Any:
        from lacrima.io import Channel, Recording

        chans = {}
        for name, (kind, fs, unit) in self._spec.items():
            if name in self._ibi:
                _, times = self._beat_t[name].since(0)
                _, ibi = self._tails[name].since(0)
                keep = times >= from_s
                chans[name] = Channel(name, ibi[keep], fs, unit, kind, start_s=from_s,
                                      times_s=times[keep])  # fmt: skip
                continue
            i0, data = self._tails[name].since(int(from_s * fs))
            chans[name] = Channel(name, data, fs, unit, kind, start_s=i0 / fs)
        return Recording(chans, [], self._start_time, "live")

    def _new_features(self, now: float) -> np.ndarray:
        o = self._opts
        full = make_grid(now, o.step_s)
        new = full[(full >= self._done_s) & (full <= now - self._margin)]
        if not new.size:
            return new
        rec = self._recent_recording(max(0.0, float(new[0]) - self._context))
        try:
            outputs, _ = process_channels(rec)
            table = features_from_outputs(outputs, new, o, duration_s=now)
        except AnalysisError:
            table = FeatureTable(t_s=new, features={}, channel_quality={})
        self._feats.append(table)
        self._done_s = float(new[-1]) + o.step_s / 2.0
        return new

    def _fix_baseline(self) -> None:
        if self._baseline_fixed is not None:
            return
        try:
            bl = choose_baseline(self._markers, self.duration_s, self._opts)
        except AnalysisError:
            return  # not enough signal yet
        if self._done_s < bl.end_s or not self._feats.cols:
            return
        self._baseline_fixed = bl
        end = bl.end_s + _NOISE_HALF_S + self._opts.step_s
        if bl.source == "first_minutes":  # a sparse feature may widen it (baseline.py)
            end = max(end, MAX_DEFAULT_BASELINE_S + self._opts.step_s)
        self._block_end_s = end
        self._ix_from_s = 0.0
        log.debug("live baseline fixed: %s", bl)

    def _update_indices(self) -> None:
        bl, o = self._baseline_fixed, self._opts
        if bl is None:
            return
        t = self._feats.t_s
        need_from = self._ix_from_s - o.level_window_s / 2.0 - o.step_s
        rows = (t >= need_from) | (t <= self._block_end_s)
        ix = compute_indices(self._feats.table(rows), bl, o)
        self._inputs = ix.inputs
        self._ix.replace_from(self._ix_from_s, ix)
        last = float(t[-1])
        # the level mean at t is final once level_window_s / 2 of later windows exist
        self._ix_from_s = max(self._ix_from_s, last - o.level_window_s / 2.0)

    def _forget(self) -> None:
        o = self._opts
        t = self._feats.t_s
        if not len(t):
            return
        last = float(t[-1])
        if self._baseline_fixed is None:
            keep = t >= last - self._horizon  # a late-marked baseline must still be found
        else:
            recent = self._ix_from_s - o.level_window_s - 2 * self._every - o.step_s
            keep = (t <= self._block_end_s) | (t >= recent)
        if not keep.all():
            self._feats.keep(keep)
        # keep the horizon, and for a cycle still open max_latency_s before its onset: the
        # onset is timed against the calm stretch before it (60 s moved it by 12 s in a
        # test, 300 s gives the offline onset); never more than two horizons
        keep_from = last - self._horizon
        if self._track.open_onset_s is not None:
            onset = self._track.open_onset_s - o.max_latency_s
            keep_from = max(min(keep_from, onset), last - 2 * self._horizon)
        self._ix.drop_before(max(self._track.frozen_to_s, keep_from) - o.step_s)

    def _update(self) -> LiveUpdate:
        now = self.duration_s
        self._last_update_s = now
        new = self._new_features(now)
        self._fix_baseline()
        ready = self._baseline_fixed is not None
        if ready and new.size:
            self._update_indices()
            self._track.update(self._ix, self._markers, self._done_s)
        self._forget()
        s_new = p_new = np.full(new.size, np.nan)
        if ready and new.size:
            pick = np.isin(self._ix.t_s, new)
            s_new = self._ix.series["sympathetic"][pick]
            p_new = self._ix.series["parasympathetic"][pick]
        return LiveUpdate(
            t_s=new,
            sympathetic=s_new,
            parasympathetic=p_new,
            baseline_ready=ready,
            phases=self._track.phases,
            cycles=self._track.cycles,
            analysed_to_s=self._done_s,
        )

    @property
    def indices(self) -> Indices | None:
        """The indices over the recent horizon (None before the baseline is complete).

        The values of the last ``level_window_s / 2`` s are provisional; ``z`` is empty.
        """
        if self._baseline_fixed is None or not len(self._ix.t_s):
            return None
        return self._ix.indices(self._inputs)

    def snapshot(self, last_s: float = 600.0) -> dict[str, Any]:
        """A plain-JSON view of where the session stands (what a live page shows).

        Parameters
        ----------
        last_s : float
            Seconds of index values to include (the most recent; at most the horizon).

        Returns
        -------
        dict
            ``duration_s``, ``analysed_to_s``, ``baseline_ready``, ``phase`` (the current
            phase label or None), ``phases``, ``cycles`` and the recent ``t_s``,
            ``sympathetic`` and ``parasympathetic`` (None where unknown).
        """

        def _vals(x: np.ndarray) -> list[float | None]:
            return [round(float(v), 3) if np.isfinite(v) else None for v in x]

        ready = self._baseline_fixed is not None
        t = self._ix.t_s
        m = t >= (t[-1] - float(last_s)) if len(t) else np.zeros(0, dtype=bool)
        return {
            "duration_s": round(self.duration_s, 3),
            "analysed_to_s": round(self._done_s, 3),
            "baseline_ready": ready,
            "phase": self._track.phases[-1].label if ready and self._track.phases else None,
            "phases": [p.to_dict() for p in self._track.phases],
            "cycles": [c.to_dict() for c in self._track.cycles],
            "t_s": [round(float(v), 3) for v in t[m]],
            "sympathetic": _vals(self._ix.series["sympathetic"][m]),
            "parasympathetic": _vals(self._ix.series["parasympathetic"][m]),
        }

    @property
    def phases(self) -> tuple[Phase, ...]:
        """All phases so far."""
        return self._track.phases

    @property
    def cycles(self) -> tuple[Cycle, ...]:
        """All cycles so far (the last one may still change)."""
        return self._track.cycles

    def finish(self) -> Any:
        """Run the full offline analysis of everything received.

        Returns
        -------
        lacrima.sp.Analysis

        Raises
        ------
        AnalysisError
            When the analyser was created with ``keep_samples=False``.
        """
        from lacrima.io import Channel, Recording
        from lacrima.sp.analysis import analyze

        if self._all is None:
            raise AnalysisError(
                "this LiveAnalyzer keeps no samples (keep_samples=False): analyse the stored "
                "recording with lacrima.analyze instead"
            )
        chans = {}
        for name, (kind, fs, unit) in self._spec.items():
            data = np.concatenate(self._all[name]) if self._all[name] else np.zeros(0)
            self._all[name] = [data]
            times = None
            if name in self._ibi:
                times = np.concatenate(self._all_t[name]) if self._all_t[name] else np.zeros(0)
                self._all_t[name] = [times]
            chans[name] = Channel(name, data, fs, unit, kind, times_s=times)
        rec = Recording(chans, list(self._markers), self._start_time, "live")
        return analyze(rec, **{**self._opts.to_dict(), "progress": False})
