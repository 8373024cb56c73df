"""Cycles and phases of a live session over a bounded index horizon.

:class:`CycleTracker` runs :func:`lacrima.sp.phases.segment` (unchanged) on the index
values after the last *frozen* cycle: a cycle that ended more than ``max_latency_s`` ago
can no longer change (no release can be attributed to it, no episode can merge with it),
so it is kept with its phases and segmentation starts after it. Used by
:class:`lacrima.sp.live.LiveAnalyzer`; decision record 0013i.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from lacrima.sp.cycles import Cycle
from lacrima.sp.live_state import IndexRows
from lacrima.sp.options import Options
from lacrima.sp.phases import Phase, segment

__all__ = ["CycleTracker"]

log = logging.getLogger(__name__)


class CycleTracker:
    """Frozen cycles and phases plus the segmentation of the open stretch after them."""

    def __init__(self, options: Options) -> None:
        self._o = options
        self._frozen_cycles: list[Cycle] = []
        self._frozen_phases: list[Phase] = []
        self.frozen_to_s = 0.0
        """End of the last frozen cycle: index rows before it are no longer needed."""
        self.phases: tuple[Phase, ...] = ()
        self.cycles: tuple[Cycle, ...] = ()

    @property
    def open_onset_s(self) -> float | None:
        """S onset of the first cycle not yet frozen, or None."""
        k = len(self._frozen_cycles)
        return self.cycles[k].s_onset_s if len(self.cycles) > k else None

    def update(self, ix: IndexRows, markers: list[Any], done_s: float) -> None:
        """Segment the index rows after the last frozen cycle; freeze what can no longer change.

        Parameters
        ----------
        ix : IndexRows
            The index values held (the horizon).
        markers : list of lacrima.io.Marker
            The session's markers.
        done_s : float
            End of the last complete feature window, s.
        """
        o = self._o
        m = ix.t_s >= self.frozen_to_s
        t = ix.t_s[m]
        if len(t) < 2:
            return
        s = ix.series
        seg_from = float(t[0] - o.step_s / 2.0)
        seg = segment(
            t, s["sympathetic_fast"][m], s["parasympathetic_fast"][m],
            [mk for mk in markers if mk.time_s >= seg_from - 30.0], done_s, o,
            timing=s["sympathetic_timing"][m], p_timing=s["parasympathetic_timing"][m],
        )  # fmt: skip
        k = len(self._frozen_cycles)
        phases = [replace(p, cycle=None if p.cycle is None else p.cycle + k) for p in seg.phases]
        # before the horizon (and after the last frozen cycle) there was no cycle
        prev_end = self._frozen_phases[-1].end_s if self._frozen_phases else 0.0
        if phases and phases[0].label == "baseline":
            phases[0] = replace(phases[0], start_s=prev_end)
        elif phases and phases[0].start_s > prev_end:
            phases.insert(0, Phase("baseline", prev_end, phases[0].start_s))
        cycles = list(seg.cycles)
        while cycles and cycles[0].end_s <= done_s - o.max_latency_s:
            c = cycles.pop(0)
            done = [p for p in phases if p.end_s <= c.end_s + 1e-9]
            self._frozen_phases += done
            phases = phases[len(done) :]
            self._frozen_cycles.append(c)
            self.frozen_to_s = c.end_s
            log.debug("live cycle %d frozen at %.1f s", len(self._frozen_cycles), c.end_s)
        merged: list[Phase] = []
        for p in self._frozen_phases + phases:
            if merged and p.label == "baseline" and merged[-1].label == "baseline":
                merged[-1] = replace(merged[-1], end_s=p.end_s)
            else:
                merged.append(p)
        self.phases = tuple(merged)
        self.cycles = tuple(self._frozen_cycles + cycles)
