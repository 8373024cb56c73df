"""Autonomic drives of a simulated session and the ground truth they imply.

A session is described by two slow, dimensionless drives sampled on a 4 Hz grid:

* ``sympathetic`` (``s``, 0 at rest, about 1 at a strong crying peak) and
* ``parasympathetic`` (``p``, 0 at rest, negative during vagal withdrawal, positive
  during a vagal rebound).

Each S-P cycle has the shape that Von Glahn (2012) describes for therapeutic crying:
``s`` rises linearly from the S onset to the peak (an S-phase of rising arousal), holds
near the peak for a few seconds to a minute while the vagal drive stays withdrawn, and at
the P onset the two branches shift: ``s`` decays exponentially and ``p`` rises above its
resting level (a vagal rebound; Rottenberg et al. 2003, Gračanin et al. 2014) before
settling back within about four minutes (Hendriks et al. 2007). An *unresolved* cycle
rises and peaks the same way but has no rebound: ``s`` decays slowly and ``p`` only
follows the end of the withdrawal. The linear rise is a modelling choice that makes the
onset a well-defined point; the literature gives no canonical shape.

Both drives also carry slow Ornstein-Uhlenbeck fluctuations and, at random times, brief
"orienting" bumps (a laugh, a sudden noise, talking) of 10-40 s that a detector must not
count as cycles.

References
----------
Von Glahn, J. "In Praise of Therapeutic Crying". Psychotherapy Networker, May/June 2012.
Hendriks, M. C. P., Rottenberg, J., Vingerhoets, A. J. J. M. Can the distress-signal and
arousal-reduction views of crying be reconciled? Emotion 7:458-463, 2007.
Rottenberg, J., Wilhelm, F. H., Gross, J. J., Gotlib, I. H. Vagal rebound during
resolution of tearful crying among depressed and nondepressed individuals.
Psychophysiology 40:1-6, 2003.
Gračanin, A., Bylsma, L. M., Vingerhoets, A. J. J. M. Is crying a self-soothing
behavior? Frontiers in Psychology 5:502, 2014.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lacrima.errors import LacrimaError

__all__ = ["DRIVE_FS_HZ", "CycleSpec", "Drives", "SimCycle", "SimPhase", "make_drives"]

DRIVE_FS_HZ = 4.0
"""Sampling rate of the drive grid, Hz."""

_WITHDRAWAL = 0.5  # vagal withdrawal per unit of sympathetic drive during S
_RECOVERY_FRACTION = 0.1  # a cycle has ended when both drives are within 10 % of their swing


@dataclass(frozen=True)
class CycleSpec:
    """One S-P cycle to simulate.

    Parameters
    ----------
    s_onset_s : float
        Start of the rise of the sympathetic drive, s from recording start.
    rise_s : float
        Duration of the S-phase (onset to peak), s.
    peak_height : float
        Sympathetic drive at the peak (about 1 for a strong cry).
    hold_s : float
        Time from the peak to the P onset (the peak phase), s.
    kind : str
        ``"complete"`` (S then P) or ``"unresolved"`` (arousal without release).
    p_depth : float
        Height of the vagal rebound (parasympathetic drive above rest); ignored when
        unresolved.
    s_decay_s : float
        Time constant of the sympathetic decay after the P onset, s (unresolved cycles
        decay with three times this constant).
    p_rise_s : float
        Time from the P onset to the top of the vagal rebound, s.
    """

    s_onset_s: float
    rise_s: float = 180.0
    peak_height: float = 1.0
    hold_s: float = 20.0
    kind: str = "complete"
    p_depth: float = 1.0
    s_decay_s: float = 60.0
    p_rise_s: float = 60.0

    def __post_init__(self) -> None:
        if self.kind not in ("complete", "unresolved"):
            raise LacrimaError(
                f"CycleSpec.kind must be 'complete' or 'unresolved'; got {self.kind!r}"
            )
        if self.rise_s <= 0 or self.peak_height <= 0 or self.hold_s < 0:
            raise LacrimaError(
                "CycleSpec needs rise_s > 0, peak_height > 0 and hold_s >= 0; got "
                f"rise_s={self.rise_s}, peak_height={self.peak_height}, hold_s={self.hold_s}"
            )

    @property
    def peak_s(self) -> float:
        """Time of the sympathetic peak, s."""
        return self.s_onset_s + self.rise_s

    @property
    def p_onset_s(self) -> float:
        """Time of the shift to the P-phase (end of the peak hold), s."""
        return self.peak_s + self.hold_s


@dataclass(frozen=True)
class SimPhase:
    """A labelled stretch of the ground truth: ``label`` in baseline/S/peak/P/recovery."""

    label: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SimCycle:
    """Ground-truth timing of one simulated cycle (s from recording start).

    ``p_onset_s`` is ``None`` for unresolved cycles; ``end_s`` is when both drives are
    back within 10 % of their swing.
    """

    kind: str
    s_onset_s: float
    peak_s: float
    peak_height: float
    p_onset_s: float | None
    p_peak_s: float | None
    end_s: float


@dataclass(frozen=True, eq=False)
class Drives:
    """The two autonomic drives on the :data:`DRIVE_FS_HZ` grid."""

    t_s: np.ndarray
    sympathetic: np.ndarray
    parasympathetic: np.ndarray
    sob: np.ndarray
    """0..1, how much the breathing is sobbing (high near a crying peak)."""


def _ou(rng: np.random.Generator, n: int, dt: float, tau_s: float, sd: float) -> np.ndarray:
    """Ornstein-Uhlenbeck noise with time constant ``tau_s`` and stationary ``sd``."""
    a = np.exp(-dt / tau_s)
    eps = rng.normal(0.0, sd * np.sqrt(1.0 - a * a), n)
    out = np.empty(n)
    x = rng.normal(0.0, sd)
    for i in range(n):  # short loop on the 4 Hz grid (<= 22k steps for 90 min)
        x = a * x + eps[i]
        out[i] = x
    return out


def _cycle_shapes(
    t: np.ndarray, spec: CycleSpec
) -> tuple[np.ndarray, np.ndarray, np.ndarray, SimCycle]:
    """Sympathetic, parasympathetic and sob contributions of one cycle, and its truth."""
    s = np.zeros_like(t)
    p = np.zeros_like(t)
    on, pk, po, h = spec.s_onset_s, spec.peak_s, spec.p_onset_s, spec.peak_height
    rise = (t >= on) & (t < pk)
    s[rise] = h * (t[rise] - on) / spec.rise_s
    hold = (t >= pk) & (t < po)
    # arousal starts to subside at the peak (Hendriks et al. 2007: heart rate falls after
    # crying onset) while the vagal brake is still off: down 20 % over the hold
    s[hold] = h * (1.0 - 0.2 * (t[hold] - pk) / max(spec.hold_s, 1e-9))
    s_at_po = h * 0.8 if spec.hold_s > 0 else h
    after = t >= po
    if spec.kind == "complete":
        s[after] = s_at_po * np.exp(-(t[after] - po) / spec.s_decay_s)
    else:
        s[after] = s_at_po * np.exp(-(t[after] - po) / (3.0 * spec.s_decay_s))
    p = -_WITHDRAWAL * s  # vagal withdrawal follows the sympathetic drive
    if spec.kind == "complete":
        # from the P onset the withdrawal lifts and a rebound follows, both rising
        # linearly at first: a gamma-like bump x*exp(1-x) peaking p_rise_s later
        x = np.clip((t - po) / spec.p_rise_s, 0.0, None)
        rebound = spec.p_depth * x * np.exp(1.0 - x)
        release = np.clip(x, 0.0, 1.0)
        p = -_WITHDRAWAL * s * (1.0 - release) + rebound
    sob = np.clip((s / h - 0.6) / 0.4, 0.0, 1.0) * ((t >= on) & (t < po + 30.0))
    # truth: end when |s| and |p| are within 10 % of their swing
    tail = t >= po
    swing_s, swing_p = h, max(spec.p_depth if spec.kind == "complete" else 0.0, _WITHDRAWAL * h)
    settled = (
        tail & (s <= _RECOVERY_FRACTION * swing_s) & (np.abs(p) <= _RECOVERY_FRACTION * swing_p)
    )
    if spec.kind == "complete":
        # the rebound passes zero on the way up; only count settling after its top
        settled &= t >= po + spec.p_rise_s
    end = float(t[np.argmax(settled)]) if settled.any() else float(t[-1])
    truth = SimCycle(
        kind=spec.kind,
        s_onset_s=on,
        peak_s=pk,
        peak_height=h,
        p_onset_s=po if spec.kind == "complete" else None,
        p_peak_s=po + spec.p_rise_s if spec.kind == "complete" else None,
        end_s=end,
    )
    return s, p, sob, truth


def cycle_phases(
    cycles: list[SimCycle], baseline_end_s: float, duration_s: float
) -> list[SimPhase]:
    """Ground-truth phases: baseline, then S, peak, P, recovery per cycle."""
    phases: list[SimPhase] = []
    last = 0.0
    for c in cycles:
        if c.s_onset_s > last:
            phases.append(SimPhase("baseline", last, c.s_onset_s))
        phases.append(SimPhase("S", c.s_onset_s, c.peak_s))
        if c.p_onset_s is not None and c.p_peak_s is not None:
            phases.append(SimPhase("peak", c.peak_s, c.p_onset_s))
            phases.append(SimPhase("P", c.p_onset_s, c.p_peak_s))
            phases.append(SimPhase("recovery", c.p_peak_s, c.end_s))
        else:
            phases.append(SimPhase("recovery", c.peak_s, c.end_s))
        last = c.end_s
    if last < duration_s:
        phases.append(SimPhase("baseline", last, duration_s))
    del baseline_end_s  # the baseline reference segment is reported separately
    return phases


def make_drives(
    duration_s: float,
    specs: list[CycleSpec],
    rng: np.random.Generator,
    *,
    fluctuation: float = 1.0,
) -> tuple[Drives, list[SimCycle]]:
    """Build the drives for a session and return them with the per-cycle truth.

    Parameters
    ----------
    duration_s : float
        Session length, s.
    specs : list of CycleSpec
        The cycles, in time order, not overlapping.
    rng : numpy.random.Generator
        Source of randomness.
    fluctuation : float
        Scale of the slow random fluctuations and orienting bumps (0 switches them off).

    Returns
    -------
    drives : Drives
    cycles : list of SimCycle
    """
    n = round(duration_s * DRIVE_FS_HZ)
    t = np.arange(n) / DRIVE_FS_HZ
    dt = 1.0 / DRIVE_FS_HZ
    s = _ou(rng, n, dt, 60.0, 0.02 * fluctuation)
    p = _ou(rng, n, dt, 60.0, 0.02 * fluctuation)
    sob = np.zeros(n)
    truths = []
    for spec in specs:
        cs, cp, csob, truth = _cycle_shapes(t, spec)
        s += cs
        p += cp
        sob = np.maximum(sob, csob)
        truths.append(truth)
    # orienting bumps: about one per 6 minutes, 10-40 s, height 0.15-0.35
    if fluctuation > 0:
        n_bumps = rng.poisson(duration_s / 360.0)
        for _ in range(n_bumps):
            c = rng.uniform(0, duration_s)
            w = rng.uniform(10.0, 40.0)
            hgt = rng.uniform(0.15, 0.35) * fluctuation
            s += hgt * np.exp(-0.5 * ((t - c) / (w / 4.0)) ** 2)
    s = np.clip(s, -0.3, None)
    return Drives(t_s=t, sympathetic=s, parasympathetic=p, sob=sob), truths
