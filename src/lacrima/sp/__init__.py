"""The S-P sequence model: sympathetic and parasympathetic indices, phases, cycles, reports.

In therapeutic crying an S-phase of rising arousal reaches a peak and then shifts to a
P-phase of calming and release (Von Glahn 2012). :func:`analyze` measures that sequence
in a recording: windowed indices of each autonomic branch against the session's own
baseline, a segmentation into baseline / S / peak / P / recovery, and per-cycle timing.
The model is a clinical hypothesis; its output is an aid to observation, not proof of
healing. Method, thresholds and sources: ``docs/sp-model.md``.
"""

from __future__ import annotations

from lacrima.sp.analysis import SCHEMA_VERSION, Analysis, ChannelInfo, analyze
from lacrima.sp.cycles import Cycle
from lacrima.sp.indices import COMPONENTS, Indices
from lacrima.sp.live import LiveAnalyzer
from lacrima.sp.options import Options, make_options
from lacrima.sp.phases import Phase
from lacrima.sp.problems import Problem

__all__ = [
    "COMPONENTS",
    "SCHEMA_VERSION",
    "Analysis",
    "ChannelInfo",
    "Cycle",
    "Indices",
    "LiveAnalyzer",
    "Options",
    "Phase",
    "Problem",
    "analyze",
    "make_options",
]
