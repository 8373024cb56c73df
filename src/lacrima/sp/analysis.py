"""The S-P analysis of one session: :func:`analyze` and the :class:`Analysis` it returns.

``Analysis.to_dict()`` is the JSON report (schema :data:`SCHEMA_VERSION`); other parts
of Lacrima (web session records, the batch runner) consume it, so its keys are stable:
``schema_version``, ``recording``, ``baseline``, ``channels``, ``inputs``, ``indices``,
``phases``, ``cycles``, ``session``, ``markers``, ``reference_beats``, ``problems``,
``options``, ``summary``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import lacrima
from lacrima.errors import AnalysisError
from lacrima.sp.baseline import Baseline, choose_baseline
from lacrima.sp.cycles import Cycle
from lacrima.sp.features import FeatureTable, extract_features
from lacrima.sp.indices import Indices, compute_indices
from lacrima.sp.options import Options, make_options
from lacrima.sp.phases import Phase, Segmentation, segment
from lacrima.sp.problems import Problem, gaps_as_problems
from lacrima.sp.progress import progress_steps
from lacrima.sp.reference_beats import BeatReferenceSummary, summarize_reference_beats
from lacrima.sp.sources import USED_KINDS
from lacrima.sp.summary import client_summary, therapist_summary

__all__ = ["SCHEMA_VERSION", "Analysis", "ChannelInfo", "analyze"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1.0"
"""Version of the JSON report; bumped on any change that removes or renames a key."""


def _num(x: float | None, nd: int = 3) -> float | None:
    if x is None or not math.isfinite(float(x)):
        return None
    return round(float(x), nd)


def _arr(x: np.ndarray | None, nd: int = 3) -> list[float | None] | None:
    if x is None:
        return None
    r = np.round(np.asarray(x, dtype=float), nd)
    return [None if not math.isfinite(v) else float(v) for v in r.tolist()]


@dataclass(frozen=True)
class ChannelInfo:
    """A channel as the report shows it; ``quality`` is None for unused channels."""

    name: str
    kind: str
    unit: str
    fs_hz: float | None
    quality: float | None
    usable_fraction: float | None
    used: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view."""
        return {
            "kind": self.kind,
            "unit": self.unit,
            "fs_hz": _num(self.fs_hz, 4),
            "quality": _num(self.quality),
            "usable_fraction": _num(self.usable_fraction),
            "used": self.used,
            "note": self.note,
        }


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything the S-P analysis found in one session.

    Attributes
    ----------
    source : str or None
        File the recording came from.
    start_time : str or None
        Recording start, ISO 8601 UTC, when the file carries one.
    duration_s : float
        Session length, s.
    baseline : Baseline
        The reference segment.
    channels : tuple of ChannelInfo
        Every channel and how it was used.
    indices : Indices
        The sympathetic and parasympathetic indices on the grid.
    segmentation : Segmentation
        Cycles and phases.
    resp_rate_bpm : numpy.ndarray or None
        Breathing rate on the index grid (shown beside RSA), when known.
    resp_rate_source : str or None
        ``"respiration"`` (a respiration channel) or ``"derived"`` (estimated from the
        pulse, Karlen et al. 2013; NaN where the estimate is poor).
    markers : tuple
        ``(time_s, label, duration_s)`` of the recording's markers.
    problems : tuple of Problem
        Parts that could not be analysed, and why.
    options : Options
        The settings used.
    channel_quality : dict
        Channel name -> quality (0..1) on the index grid, for the channels used.
    reference_beats : BeatReferenceSummary or None
        The recording's reference beat annotations counted per symbol (a WFDB ``.atr``),
        when it has them; they are not markers.
    """

    source: str | None
    start_time: str | None
    duration_s: float
    baseline: Baseline
    channels: tuple[ChannelInfo, ...]
    indices: Indices
    segmentation: Segmentation
    resp_rate_bpm: np.ndarray | None
    markers: tuple[tuple[float, str, float], ...]
    problems: tuple[Problem, ...]
    options: Options
    channel_quality: dict[str, np.ndarray] = field(default_factory=dict)
    resp_rate_source: str | None = None
    reference_beats: BeatReferenceSummary | None = None

    @property
    def cycles(self) -> tuple[Cycle, ...]:
        """The S-P cycles, in time order."""
        return self.segmentation.cycles

    @property
    def phases(self) -> tuple[Phase, ...]:
        """The labelled phases covering the session."""
        return self.segmentation.phases

    @property
    def kind(self) -> str:
        """``"cycles"`` or ``"no_arousal"``."""
        return self.segmentation.kind

    def to_dict(self) -> dict[str, Any]:
        """The JSON report as plain Python data (NaN becomes ``None``)."""
        ix = self.indices
        kinds = [c.kind for c in self.cycles]
        return {
            "schema_version": SCHEMA_VERSION,
            "software": {"name": "lacrima", "version": lacrima.__version__},
            "recording": {
                "source": self.source,
                "start_time": self.start_time,
                "duration_s": _num(self.duration_s, 3),
            },
            "baseline": self.baseline.to_dict(),
            "channels": {c.name: c.to_dict() for c in self.channels},
            "inputs": {
                key: [i.to_dict() for i in ix.inputs_of(key)]
                for key in ("sympathetic", "parasympathetic")
            },
            "indices": {
                "unit": "baseline z (robust z-score against the session baseline)",
                "step_s": self.options.step_s,
                "t_s": _arr(ix.t_s, 2),
                "sympathetic": _arr(ix.sympathetic),
                "parasympathetic": _arr(ix.parasympathetic),
                "sympathetic_quality": _arr(ix.sympathetic_quality),
                "parasympathetic_quality": _arr(ix.parasympathetic_quality),
                "resp_rate_bpm": _arr(self.resp_rate_bpm, 2),
                "resp_rate_source": self.resp_rate_source,
                "components": {k: _arr(v) for k, v in ix.z.items()},
            },
            "phases": [p.to_dict() for p in self.phases],
            "cycles": [c.to_dict() for c in self.cycles],
            "session": {
                "kind": self.kind,
                "n_cycles": len(kinds),
                "n_complete": kinds.count("complete"),
                "n_unresolved": kinds.count("unresolved"),
                "n_undetermined": kinds.count("undetermined"),
            },
            "markers": [
                {"time_s": _num(t, 3), "label": lab, "duration_s": _num(d, 3)}
                for t, lab, d in self.markers
            ],
            "reference_beats": None
            if self.reference_beats is None
            else self.reference_beats.to_dict(),
            "problems": [p.to_dict() for p in self.problems],
            "options": self.options.to_dict(),
            "summary": {"client": client_summary(self), "therapist": therapist_summary(self)},
        }

    def to_json(self, indent: int | None = None) -> str:
        """The JSON report as text (strict JSON: no NaN)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def to_html(self) -> str:
        """The self-contained HTML report (inline SVG figures, no external URLs)."""
        from lacrima.sp.report_html import render_html

        return render_html(self)

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the report; ``.html``/``.htm`` gives HTML, anything else JSON.

        Returns
        -------
        Path
            The written file.
        """
        p = Path(path)
        text = self.to_html() if p.suffix.lower() in (".html", ".htm") else self.to_json(indent=1)
        p.write_text(text, encoding="utf-8")
        return p


def _channel_infos(
    rec: Any, table: FeatureTable, o: Options, problems: list[Problem]
) -> list[ChannelInfo]:
    infos = []
    unusable = {p.part.removeprefix("channel ") for p in problems if p.start_s is None}
    for ch in rec.channels.values():
        fs = None if ch.times_s is not None else ch.fs_hz
        q = table.channel_quality.get(ch.name)
        if q is None:
            note = (
                "not used by the S-P model"
                if ch.kind not in USED_KINDS
                else ("unusable: see problems" if ch.name in unusable else "not used")
            )
            infos.append(ChannelInfo(ch.name, ch.kind, ch.unit, fs, None, None, False, note))
            continue
        ok = q >= o.min_quality
        infos.append(
            ChannelInfo(ch.name, ch.kind, ch.unit, fs, float(np.mean(q)), float(np.mean(ok)), True)
        )
        problems += gaps_as_problems(
            ~ok,
            table.t_s,
            o.step_s,
            f"channel {ch.name}",
            "signal missing or too poor to use here (dropout, movement or sensor contact)",
            min_s=30.0,
        )
    return infos


def analyze(
    recording_or_path: Any, read_hints: dict[str, Any] | None = None, **options: Any
) -> Analysis:
    """Analyse a session for the S-P sequence.

    Parameters
    ----------
    recording_or_path : lacrima.io.Recording or path
        A recording, or any file or folder :func:`lacrima.read` reads.
    read_hints : dict, optional
        Hints passed to :func:`lacrima.read` (``fs``, ``kinds``, ``format``).
    **options
        Any field of :class:`lacrima.sp.options.Options`, e.g. ``baseline=(0, 300)``
        or ``baseline="0:300"``, ``progress=True``.

    Returns
    -------
    Analysis
        Use ``.to_dict()`` for the JSON report, ``.write("report.html")`` for HTML.

    Raises
    ------
    AnalysisError
        If no channel is usable, the session is shorter than the baseline, the
        baseline holds no usable signal, or an option is unknown or invalid.
    lacrima.errors.ReadError
        If a path cannot be read.

    Examples
    --------
    >>> from lacrima.sim import simulate_session
    >>> import lacrima
    >>> sess = simulate_session(1200, fs=100, seed=2)
    >>> result = lacrima.analyze(sess.recording)
    >>> sorted(result.to_dict())[:3]
    ['baseline', 'channels', 'cycles']
    """
    o = make_options(**options)
    if isinstance(recording_or_path, str | os.PathLike):
        rec = lacrima.read(recording_or_path, **(read_hints or {}))
    else:
        rec = recording_or_path
    if not getattr(rec, "channels", None):
        raise AnalysisError("no usable channel: the recording has no channels")
    duration = float(rec.duration_s)
    baseline = choose_baseline(list(rec.markers), duration, o)
    from lacrima.sp.windows import make_grid

    grid = make_grid(duration, o.step_s)
    n_used = sum(1 for c in rec.channels.values() if c.kind in USED_KINDS)
    with progress_steps(n_used + 2, o.progress, str(rec.source or "recording")) as step:
        table = extract_features(rec, grid, o, on_step=step)
        ix = compute_indices(table, baseline, o)
        step("indices")
        if not ix.inputs:
            raise AnalysisError(
                "no usable signal in the baseline "
                f"({baseline.start_s:.0f}-{baseline.end_s:.0f} s, {baseline.source}): every "
                "channel is missing or too poor there, so nothing can be normalised; give a "
                "calm stretch with good signal via --baseline START:END"
            )
        s_fast, p_fast = ix.for_segmentation()
        s_ok = np.isfinite(s_fast).any()
        seg = segment(
            grid,
            s_fast if s_ok else np.full(len(grid), np.nan),
            p_fast,
            list(rec.markers),
            duration,
            o,
            timing=ix.sympathetic_timing,
            p_timing=ix.parasympathetic_timing,
        )
        step("phases")
    problems = list(table.problems)
    channels = _channel_infos(rec, table, o, problems)
    problems += list(ix.problems)
    resp = table.features.get("resp_rate_bpm")
    resp_source = None if resp is None else "respiration"
    derived = table.features.get("resp_rate_derived_bpm")
    if resp is None and derived is not None:
        ok = derived.quality >= o.min_quality
        resp = dataclasses.replace(derived, values=np.where(ok, derived.values, np.nan))
        resp_source = "derived"
    start = rec.start_time.isoformat().replace("+00:00", "Z") if rec.start_time else None
    return Analysis(
        source=rec.source,
        start_time=start,
        duration_s=duration,
        baseline=baseline,
        channels=tuple(channels),
        indices=ix,
        segmentation=seg,
        resp_rate_bpm=None if resp is None else resp.values,
        resp_rate_source=resp_source,
        markers=tuple((float(m.time_s), str(m.label), float(m.duration_s)) for m in rec.markers),
        problems=tuple(problems),
        options=o,
        channel_quality=dict(table.channel_quality),
        reference_beats=summarize_reference_beats(getattr(rec, "reference_beats", None)),
    )
