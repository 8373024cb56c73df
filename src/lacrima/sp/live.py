"""Incremental (live) S-P analysis: feed chunks of samples, get updated indices and phases.

:class:`LiveAnalyzer` keeps every sample it receives. Every ``update_every_s`` seconds of
new signal it runs the ``physio`` pipelines on the last ``context_s`` seconds only, turns
the windows that are now complete into features, and appends them to the feature
history. Once the baseline has been seen, the indices are computed over that history
against the baseline and the session is segmented again, so cycles and phases are
always those of everything so far. Index values lag real time by half the longest
feature window (30 s) plus one step.

The live result is an approximation of the offline one (EDA decomposition and beat
correction see only the recent context); :meth:`LiveAnalyzer.finish` runs the full
offline analysis of everything received.
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
from lacrima.sp.baseline import Baseline, choose_baseline
from lacrima.sp.cycles import Cycle
from lacrima.sp.features import Feature, FeatureTable, features_from_outputs
from lacrima.sp.indices import Indices, compute_indices
from lacrima.sp.options import make_options
from lacrima.sp.phases import Phase, segment
from lacrima.sp.sources import process_channels
from lacrima.sp.windows import make_grid

__all__ = ["LiveAnalyzer", "LiveUpdate"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class LiveUpdate:
    """What changed after a chunk.

    Attributes
    ----------
    t_s : numpy.ndarray
        Grid times newly completed by this update, s from the start.
    sympathetic, parasympathetic : numpy.ndarray
        The indices at ``t_s`` (NaN before the baseline has been seen).
    baseline_ready : bool
        Whether the baseline is complete (indices exist only from then on).
    phases : tuple of Phase
        All phases so far.
    cycles : tuple of Cycle
        All cycles so far (the last one may still change).
    """

    t_s: np.ndarray
    sympathetic: np.ndarray
    parasympathetic: np.ndarray
    baseline_ready: bool
    phases: tuple[Phase, ...]
    cycles: tuple[Cycle, ...]


class LiveAnalyzer:
    """Analyse a session while it is being recorded.

    Parameters
    ----------
    channels : mapping
        Channel name -> ``(kind, fs_hz)`` or ``(kind, fs_hz, unit)``, e.g.
        ``{"ecg": ("ecg", 250.0), "eda": ("eda", 32.0, "uS")}``.
    start_time : datetime, optional
        Wall-clock start (tz-aware), passed on to :meth:`finish`.
    update_every_s : float
        Seconds of new signal between updates.
    context_s : float
        Seconds of recent signal re-processed at each update (at least 120).
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
        update_every_s: float = 10.0,
        context_s: float = 180.0,
        **options: Any,
    ) -> None:
        from lacrima.io import Channel

        if not channels:
            raise AnalysisError("LiveAnalyzer needs at least one channel: {name: (kind, fs_hz)}")
        self._spec: dict[str, tuple[str, float, str]] = {}
        for name, spec in channels.items():
            kind, fs = str(spec[0]), float(spec[1])
            unit = str(spec[2]) if len(spec) > 2 else "a.u."
            if not (math.isfinite(fs) and fs > 0):
                raise AnalysisError(f"channel {name!r}: fs_hz must be a positive number; got {fs}")
            try:
                Channel(name, np.zeros(1), fs, unit, kind)  # validates the kind
            except LacrimaError as exc:
                raise AnalysisError(f"channel {name!r}: {exc}") from exc
            self._spec[name] = (kind, fs, unit)
        self._opts = make_options(**options)
        self._start_time = start_time
        self._every = float(update_every_s)
        self._context = max(float(context_s), 120.0)
        self._chunks: dict[str, list[np.ndarray]] = {n: [] for n in self._spec}
        self._n: dict[str, int] = dict.fromkeys(self._spec, 0)
        self._markers: list[Any] = []
        self._done_s = 0.0
        self._last_update_s = 0.0
        self._grid = np.empty(0)
        self._hist: dict[str, dict[str, Any]] = {}
        self._chan_q: dict[str, list[np.ndarray]] = {}
        self._indices: Indices | None = None
        self._phases: tuple[Phase, ...] = ()
        self._cycles: tuple[Cycle, ...] = ()

    @property
    def duration_s(self) -> float:
        """Seconds of signal received on every channel."""
        return min(self._n[n] / self._spec[n][1] for n in self._spec)

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
        for name, x in chunk.items():
            if name not in self._spec:
                raise AnalysisError(
                    f"unknown channel {name!r}; declared channels are {sorted(self._spec)}"
                )
            arr = np.asarray(x, dtype=float).ravel()
            self._chunks[name].append(arr)
            self._n[name] += arr.size
        if self.duration_s - self._last_update_s < self._every:
            return None
        return self._update()

    def _recording(self, from_s: float) -> Any:
        from lacrima.io import Channel, Recording

        chans = {}
        for name, (kind, fs, unit) in self._spec.items():
            data = np.concatenate(self._chunks[name]) if self._chunks[name] else np.zeros(0)
            self._chunks[name] = [data]
            i0 = int(from_s * fs)
            chans[name] = Channel(name, data[i0:], fs, unit, kind, start_s=i0 / fs)
        return Recording(chans, list(self._markers), self._start_time, "live")

    def _baseline(self, now_s: float) -> Baseline | None:
        try:
            return choose_baseline(self._markers, now_s, self._opts)
        except AnalysisError:
            return None  # not enough signal yet

    def _append(self, table: FeatureTable) -> None:
        for name, f in table.features.items():
            h = self._hist.setdefault(
                name,
                {
                    "values": [np.full(len(self._grid), np.nan)],
                    "quality": [np.zeros(len(self._grid))],
                    "channels": f.channels,
                    "window_s": f.window_s,
                },
            )
            h["values"].append(f.values)
            h["quality"].append(f.quality)
        for name, h in self._hist.items():
            if name not in table.features:
                h["values"].append(np.full(len(table.t_s), np.nan))
                h["quality"].append(np.zeros(len(table.t_s)))
        for name, q in table.channel_quality.items():
            self._chan_q.setdefault(name, [np.zeros(len(self._grid))]).append(q)
        self._grid = np.concatenate([self._grid, table.t_s])

    def _history(self) -> FeatureTable:
        feats = {}
        for name, h in self._hist.items():
            v, q = np.concatenate(h["values"]), np.concatenate(h["quality"])
            h["values"], h["quality"] = [v], [q]
            feats[name] = Feature(name, v, q, h["channels"], np.where(q > 0, 0, -1), h["window_s"])
        return FeatureTable(t_s=self._grid, features=feats, channel_quality={})

    def _update(self) -> LiveUpdate:
        o = self._opts
        now = self.duration_s
        self._last_update_s = now
        margin = max(o.hf_window_s, o.scr_window_s, o.hrv_window_s) / 2.0 + o.step_s
        full = make_grid(now, o.step_s)
        new = full[(full >= self._done_s) & (full <= now - margin)]
        if new.size:
            rec = self._recording(max(0.0, float(new[0]) - self._context))
            try:
                outputs, _ = process_channels(rec)
                table = features_from_outputs(outputs, new, o, duration_s=now)
            except AnalysisError:
                table = FeatureTable(t_s=new, features={}, channel_quality={})
            self._append(table)
            self._done_s = float(new[-1]) + o.step_s / 2.0
        bl = self._baseline(now)
        ready = bl is not None and self._done_s >= bl.end_s and bool(self._hist)
        s_new = p_new = np.full(new.size, np.nan)
        if ready and bl is not None:
            hist = self._history()
            ix = compute_indices(hist, bl, o)
            self._indices = ix
            seg = segment(
                hist.t_s, *ix.for_segmentation(), self._markers, self._done_s, o,
                timing=ix.sympathetic_timing, p_timing=ix.parasympathetic_timing,
            )  # fmt: skip
            self._phases, self._cycles = seg.phases, seg.cycles
            k = len(hist.t_s) - new.size
            s_new, p_new = ix.sympathetic[k:], ix.parasympathetic[k:]
        return LiveUpdate(
            t_s=new,
            sympathetic=s_new,
            parasympathetic=p_new,
            baseline_ready=ready,
            phases=self._phases,
            cycles=self._cycles,
        )

    @property
    def indices(self) -> Indices | None:
        """The indices over everything so far (None before the baseline is complete)."""
        return self._indices

    def finish(self) -> Any:
        """Run the full offline analysis of everything received.

        Returns
        -------
        lacrima.sp.Analysis
        """
        from lacrima.sp.analysis import analyze

        return analyze(self._recording(0.0), **{**self._opts.to_dict(), "progress": False})
