"""Simulated therapy sessions with known S-P phase boundaries (a test aid).

:func:`simulate_session` returns a :class:`lacrima.io.Recording` with ECG and/or PPG,
EDA and respiration channels at a chosen rate, together with the ground truth: the
drives, every cycle's S onset, peak and P onset, and the phases. It exists to test and
demonstrate the S-P model; it is *not* its validation — real recordings are.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lacrima.errors import LacrimaError
from lacrima.sim.drives import CycleSpec, Drives, SimCycle, SimPhase, cycle_phases, make_drives
from lacrima.sim.waveforms import make_body, render_ecg, render_eda, render_ppg, render_resp

if TYPE_CHECKING:
    from lacrima.io import Recording

__all__ = ["SimSession", "SimTruth", "random_cycles", "simulate_session"]

log = logging.getLogger(__name__)

CHANNEL_KINDS = ("ecg", "ppg", "eda", "resp")
_UNITS = {"ecg": "mV", "ppg": "a.u.", "eda": "uS", "resp": "a.u."}


@dataclass(frozen=True, eq=False)
class SimTruth:
    """What the simulator put into a session.

    Attributes
    ----------
    cycles : tuple of SimCycle
        Timing of every cycle, s from recording start.
    phases : tuple of SimPhase
        baseline / S / peak / P / recovery stretches covering the session.
    baseline_s : tuple of float
        The calm reference segment ``(start_s, end_s)``.
    drives : Drives
        Sympathetic and parasympathetic drives on a 4 Hz grid.
    dropouts : dict
        Channel name -> ``(start_s, end_s)`` of a simulated dropout.
    """

    cycles: tuple[SimCycle, ...]
    phases: tuple[SimPhase, ...]
    baseline_s: tuple[float, float]
    drives: Drives
    dropouts: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """``"no_arousal"`` for a calm session, else ``"cycles"``."""
        return "cycles" if self.cycles else "no_arousal"


@dataclass(frozen=True, eq=False)
class SimSession:
    """A simulated recording and its ground truth."""

    recording: Recording
    truth: SimTruth

    def write(self, path: str | Path) -> Path:
        """Write the recording to ``path`` so that :func:`lacrima.read` reads it back.

        See :func:`lacrima.sim.write_recording`.
        """
        from lacrima.sim.export import write_recording

        return write_recording(self.recording, path)


def random_cycles(
    rng: np.random.Generator,
    duration_s: float,
    baseline_s: float,
    n_cycles: int,
    unresolved_fraction: float = 0.25,
) -> list[CycleSpec]:
    """Draw ``n_cycles`` non-overlapping cycles that fit after the baseline.

    Each cycle gets a rise of 90-360 s, a peak height of 0.7-1.3, a hold of 5-45 s, a
    rebound depth of 0.6-1.5 and decay constants of 40-90 s; at least 120 s of calm
    precede each S onset.
    """
    specs: list[CycleSpec] = []
    t = baseline_s
    for _ in range(n_cycles):
        kind = "unresolved" if rng.random() < unresolved_fraction else "complete"
        rise = rng.uniform(90.0, 360.0)
        hold = rng.uniform(5.0, 45.0)
        decay = rng.uniform(40.0, 90.0)
        tail = (3.0 if kind == "unresolved" else 1.0) * decay * math.log(12.0) + 150.0
        gap = rng.uniform(120.0, 300.0)
        if t + gap + rise + hold + tail > duration_s - 30.0:
            break
        on = t + gap
        specs.append(
            CycleSpec(
                s_onset_s=float(on),
                rise_s=float(rise),
                peak_height=float(rng.uniform(0.7, 1.3)),
                hold_s=float(hold),
                kind=kind,
                p_depth=float(rng.uniform(0.6, 1.5)),
                s_decay_s=float(decay),
                p_rise_s=float(rng.uniform(40.0, 90.0)),
            )
        )
        t = on + rise + hold + tail
    return specs


def _check(duration_s: float, fs: float, channels: Sequence[str], baseline_s: float) -> None:
    if not (duration_s >= 60.0 and math.isfinite(duration_s)):
        raise LacrimaError(f"duration_s must be at least 60 s; got {duration_s}")
    if not (fs >= 20.0 and math.isfinite(fs)):
        raise LacrimaError(f"fs must be at least 20 Hz; got {fs}")
    bad = [c for c in channels if c not in CHANNEL_KINDS]
    if bad or not channels:
        raise LacrimaError(
            f"channels must be a non-empty subset of {CHANNEL_KINDS}; got {tuple(channels)}"
        )
    if not 0 <= baseline_s < duration_s:
        raise LacrimaError(f"baseline_s must be in [0, duration_s); got {baseline_s}")


def simulate_session(
    duration_s: float = 1800.0,
    fs: float = 250.0,
    channels: Sequence[str] = ("ecg", "eda", "resp"),
    *,
    n_cycles: int | None = None,
    cycles: Sequence[CycleSpec] | None = None,
    unresolved_fraction: float = 0.25,
    noise: float = 1.0,
    baseline_s: float = 180.0,
    mark_baseline: bool = True,
    mark_tears: bool = True,
    dropouts: dict[str, tuple[float, float]] | None = None,
    dropout_value: float = math.nan,
    start_time: datetime | None = None,
    seed: int | None = None,
) -> SimSession:
    """Simulate a multichannel therapy session with known S-P cycles.

    Parameters
    ----------
    duration_s : float
        Session length, s (at least 60).
    fs : float
        Sampling rate of every channel, Hz (at least 20).
    channels : sequence of str
        Any non-empty subset of ``("ecg", "ppg", "eda", "resp")``.
    n_cycles : int, optional
        Number of random cycles to place; ``0`` gives a calm session. ``None`` draws 1-3
        (as many as fit). Ignored when ``cycles`` is given.
    cycles : sequence of CycleSpec, optional
        Explicit cycles, in time order.
    unresolved_fraction : float
        Share of random cycles that are unresolved (arousal without release).
    noise : float
        Scale of sensor noise and movement artefacts (0 = clean, 1 = typical, 2 = poor).
    baseline_s : float
        Length of the calm reference segment at the start, s.
    mark_baseline : bool
        Add ``baseline_start`` / ``baseline_end`` markers.
    mark_tears : bool
        Add a ``tears`` marker near each peak and a ``relief`` marker after each P onset.
    dropouts : dict, optional
        Channel name -> ``(start_s, end_s)``: samples there are replaced by
        ``dropout_value`` (NaN by default; 0.0 mimics a detached electrode).
    dropout_value : float
        Value written into dropouts.
    start_time : datetime, optional
        Wall-clock start (tz-aware UTC); default 2024-01-01T09:00:00Z.
    seed : int, optional
        Seed for reproducible sessions.

    Returns
    -------
    SimSession
        ``.recording`` (a :class:`lacrima.io.Recording`) and ``.truth`` (:class:`SimTruth`).

    Raises
    ------
    LacrimaError
        On parameters outside the ranges above.

    Examples
    --------
    >>> from lacrima.sim import simulate_session
    >>> sess = simulate_session(1200, fs=100, seed=1)
    >>> sorted(sess.recording.channels)
    ['ecg', 'eda', 'resp']
    """
    from lacrima.io import Channel, Marker, Recording

    _check(duration_s, fs, channels, baseline_s)
    rng = np.random.default_rng(seed)
    if cycles is not None:
        specs = list(cycles)
    else:
        n = int(rng.integers(1, 4)) if n_cycles is None else int(n_cycles)
        specs = random_cycles(rng, duration_s, baseline_s, n, unresolved_fraction)
    drives, truths = make_drives(duration_s, specs, rng)
    body = make_body(drives, rng, duration_s, noise)
    n_samples = round(duration_s * fs)
    chans: dict[str, Channel] = {}
    for kind in channels:
        if kind == "ecg":
            x = render_ecg(body, fs, n_samples, rng, noise)
        elif kind == "ppg":
            x = render_ppg(body, drives, fs, n_samples, rng, noise)
        elif kind == "eda":
            x = render_eda(body, drives, fs, n_samples, rng, noise)
        else:
            x = render_resp(body, fs, n_samples, rng, noise, drives)
        chans[kind] = Channel(name=kind, samples=x, fs_hz=float(fs), unit=_UNITS[kind], kind=kind)
    for name, (t0, t1) in (dropouts or {}).items():
        if name not in chans:
            raise LacrimaError(f"dropout names channel {name!r}, not one of {sorted(chans)}")
        i0, i1 = int(max(t0, 0) * fs), int(min(t1, duration_s) * fs)
        chans[name].samples[i0:i1] = dropout_value
    markers: list[Marker] = []
    if mark_baseline and baseline_s > 0:
        markers += [Marker(0.0, "baseline_start"), Marker(float(baseline_s), "baseline_end")]
    if mark_tears:
        for c in truths:
            markers.append(Marker(round(c.peak_s + float(rng.uniform(-10, 20)), 2), "tears"))
            if c.p_onset_s is not None:
                markers.append(Marker(round(c.p_onset_s + float(rng.uniform(30, 90)), 2), "relief"))
    markers.sort(key=lambda m: m.time_s)
    rec = Recording(
        channels=chans,
        markers=markers,
        start_time=start_time or datetime(2024, 1, 1, 9, 0, tzinfo=UTC),
        source=f"simulated(seed={seed})",
    )
    truth = SimTruth(
        cycles=tuple(truths),
        phases=tuple(cycle_phases(truths, baseline_s, duration_s)),
        baseline_s=(0.0, float(baseline_s)),
        drives=drives,
        dropouts=dict(dropouts or {}),
    )
    log.debug("simulated %s s, %d cycles, channels %s", duration_s, len(truths), list(chans))
    return SimSession(recording=rec, truth=truth)
