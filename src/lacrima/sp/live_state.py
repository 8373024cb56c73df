"""Bounded state carried forward by the live analyser (:mod:`lacrima.sp.live`).

Three small stores, each of bounded size whatever the session length:

- :class:`SampleTail` — the last few minutes of one channel's samples (a ring);
- :class:`FeatureRows` — feature windows on the analysis grid: the *baseline block*
  (the windows the baseline references are taken from, kept for the whole session) and
  a rolling tail of recent windows;
- :class:`IndexRows` — the index values of the last ``horizon_s`` seconds that
  segmentation runs over.

No signal processing here; the definitions are those of :mod:`lacrima.sp.features` and
:mod:`lacrima.sp.indices`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lacrima.sp.features import Feature, FeatureTable
from lacrima.sp.indices import Indices

__all__ = ["FeatureRows", "IndexRows", "SampleTail"]


class SampleTail:
    """The last ``capacity`` samples of one channel, as a ring with amortised compaction.

    Parameters
    ----------
    capacity : int
        Samples kept (at least 1).
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = max(int(capacity), 1)
        self._buf = np.empty(2 * self.capacity)
        self._end = 0  # samples in _buf
        self.total = 0  # samples ever appended

    def append(self, x: np.ndarray) -> None:
        """Append samples; only the last ``capacity`` are kept."""
        x = np.asarray(x, dtype=float).ravel()
        self.total += x.size
        if x.size >= self.capacity:
            self._buf[: self.capacity] = x[-self.capacity :]
            self._end = self.capacity
            return
        if self._end + x.size > self._buf.size:
            keep = self.capacity - x.size
            self._buf[:keep] = self._buf[self._end - keep : self._end]
            self._end = keep
        self._buf[self._end : self._end + x.size] = x
        self._end += x.size

    @property
    def first(self) -> int:
        """Absolute index (from the stream start) of the oldest sample kept."""
        return self.total - min(self._end, self.capacity)

    def since(self, i0: int) -> tuple[int, np.ndarray]:
        """Samples from absolute index ``i0`` (or the oldest kept) on: ``(start, copy)``."""
        start = max(int(i0), self.first)
        return start, self._buf[self._end - (self.total - start) : self._end].copy()


@dataclass
class _Column:
    channels: tuple[str, ...]
    window_s: float
    method: str
    values: np.ndarray
    quality: np.ndarray
    source: np.ndarray


@dataclass
class FeatureRows:
    """Feature windows kept by the live analyser: a fixed block plus a recent tail."""

    t_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    cols: dict[str, _Column] = field(default_factory=dict)

    def append(self, table: FeatureTable) -> None:
        """Add the windows of ``table`` (later than every window held)."""
        n_old, n_new = len(self.t_s), len(table.t_s)
        for name, f in table.features.items():
            if name not in self.cols:
                self.cols[name] = _Column(
                    f.channels,
                    f.window_s,
                    f.method,
                    np.full(n_old, np.nan),
                    np.zeros(n_old),
                    np.full(n_old, -1),
                )
            c = self.cols[name]
            src = np.asarray(f.source)
            if f.channels != c.channels:  # channel order differs: map by name
                names = [f.channels[i] if i >= 0 else None for i in src]
                src = np.array([c.channels.index(x) if x in c.channels else -1 for x in names])
            c.values = np.concatenate([c.values, f.values])
            c.quality = np.concatenate([c.quality, f.quality])
            c.source = np.concatenate([c.source, src])
            c.method = f.method or c.method
        for name, c in self.cols.items():
            if name not in table.features:
                c.values = np.concatenate([c.values, np.full(n_new, np.nan)])
                c.quality = np.concatenate([c.quality, np.zeros(n_new)])
                c.source = np.concatenate([c.source, np.full(n_new, -1)])
        self.t_s = np.concatenate([self.t_s, table.t_s])

    def keep(self, mask: np.ndarray) -> None:
        """Drop the windows where ``mask`` is False."""
        self.t_s = self.t_s[mask]
        for c in self.cols.values():
            c.values, c.quality, c.source = c.values[mask], c.quality[mask], c.source[mask]

    def table(self, mask: np.ndarray | None = None) -> FeatureTable:
        """The rows selected by ``mask`` (all by default) as a :class:`FeatureTable`."""
        m = np.ones(len(self.t_s), dtype=bool) if mask is None else mask
        feats = {
            name: Feature(name, c.values[m], c.quality[m], c.channels, c.source[m], c.window_s,
                          c.method)
            for name, c in self.cols.items()
        }  # fmt: skip
        return FeatureTable(t_s=self.t_s[m], features=feats, channel_quality={})


_SERIES = (
    "sympathetic",
    "parasympathetic",
    "sympathetic_fast",
    "parasympathetic_fast",
    "sympathetic_timing",
    "parasympathetic_timing",
    "sympathetic_quality",
    "parasympathetic_quality",
)


@dataclass
class IndexRows:
    """Index values on the grid over a bounded recent horizon."""

    t_s: np.ndarray = field(default_factory=lambda: np.empty(0))
    series: dict[str, np.ndarray] = field(default_factory=lambda: {k: np.empty(0) for k in _SERIES})

    def replace_from(self, t0_s: float, ix: Indices) -> None:
        """Replace the rows at and after ``t0_s`` by those of ``ix`` from ``t0_s`` on."""
        old = self.t_s < t0_s
        new = ix.t_s >= t0_s
        self.t_s = np.concatenate([self.t_s[old], ix.t_s[new]])
        for k in _SERIES:
            v = getattr(ix, k)
            v = np.full(len(ix.t_s), np.nan) if v is None else v
            self.series[k] = np.concatenate([self.series[k][old], v[new]])

    def drop_before(self, t0_s: float) -> None:
        """Forget the rows before ``t0_s``."""
        m = self.t_s >= t0_s
        self.t_s = self.t_s[m]
        for k in _SERIES:
            self.series[k] = self.series[k][m]

    def indices(self, inputs: tuple = ()) -> Indices:
        """The rows held as an :class:`~lacrima.sp.indices.Indices` (no per-input z)."""
        s = self.series
        return Indices(
            t_s=self.t_s,
            sympathetic=s["sympathetic"],
            parasympathetic=s["parasympathetic"],
            sympathetic_quality=s["sympathetic_quality"],
            parasympathetic_quality=s["parasympathetic_quality"],
            z={},
            inputs=inputs,
            sympathetic_timing=s["sympathetic_timing"],
            parasympathetic_timing=s["parasympathetic_timing"],
            sympathetic_fast=s["sympathetic_fast"],
            parasympathetic_fast=s["parasympathetic_fast"],
        )
