"""Plain-language summaries of an analysis: one for the client, one for the therapist.

The client text is calm and descriptive: it says what the sensors showed, never what it
means for the person's health, and never promises that crying helps (the research says
it often does not; Bylsma et al. 2008, 2011). The S-P model is a clinical hypothesis
(Von Glahn 2012): both texts present the result as an aid to observation, not as proof
of healing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from lacrima.sp.analysis import Analysis
    from lacrima.sp.cycles import Cycle

__all__ = ["CalmingUnseen", "calming_unseen_reason", "client_summary", "clock", "therapist_summary"]

#: Channel kinds that carry single beats, from which heart-rate variability is measured.
_BEAT_KINDS = ("ecg", "ppg", "ibi")
#: Below this share of the search window with a parasympathetic value, the signal is
#: described as too disturbed rather than as partly usable (rounds to 0 % in the text).
_NONE_SHARE = 0.05
#: Below this share the text says the signal was disturbed "for most of" the stretch
#: (the cycle model needs at least half of it, see :mod:`lacrima.sp.cycles`).
_MOST_SHARE = 0.5

_NOT_PROOF = (
    "These curves are something to look at together with your therapist, not a measure "
    "of progress or of how well you are doing: how the session felt to you matters more."
)


def clock(t_s: float | None) -> str:
    """``m:ss`` (or ``h:mm:ss``) from seconds; an em dash for None."""
    if t_s is None:
        return "—"
    t = round(t_s)
    h, rem = divmod(t, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _times(n: int) -> str:
    return "once" if n == 1 else ("twice" if n == 2 else f"{n} times")


@dataclass(frozen=True)
class CalmingUnseen:
    """Why no calming phase could be told after a peak (an ``undetermined`` cycle).

    Attributes
    ----------
    reason : str
        ``"no_heartbeat"`` (no heartbeat channel at all), ``"rate_only"`` (only an
        averaged heart rate, which holds no beat-to-beat variability), ``"too_disturbed"``
        (a beat channel, but almost no usable signal in the stretch) or ``"partly"``
        (usable for part of the stretch only).
    usable_share : float
        Share (0..1) of the stretch in which the parasympathetic index has a value.
    """

    reason: str
    usable_share: float


def calming_unseen_reason(
    channel_kinds: Iterable[str],
    t_s: np.ndarray,
    parasympathetic: np.ndarray | None,
    start_s: float,
    end_s: float,
) -> CalmingUnseen:
    """Why the calming (parasympathetic) branch could not be told after a peak.

    Parameters
    ----------
    channel_kinds : iterable of str
        Kinds of the recording's channels (``"ecg"``, ``"ppg"``, ``"hr"``...).
    t_s : numpy.ndarray
        Index grid, s.
    parasympathetic : numpy.ndarray or None
        The parasympathetic index on the grid (NaN where it could not be computed).
    start_s, end_s : float
        The stretch searched for a calming phase (from the peak), s.

    Returns
    -------
    CalmingUnseen
        The reason and the usable share of the stretch.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0.0, 600.0, 2.0)
    >>> calming_unseen_reason(["eda"], t, None, 300.0, 600.0).reason
    'no_heartbeat'
    """
    kinds = set(channel_kinds)
    share = 0.0
    if parasympathetic is not None:
        span = (t_s >= start_s) & (t_s <= end_s)
        if span.any():
            share = float(np.isfinite(np.asarray(parasympathetic)[span]).mean())
    if not kinds & set(_BEAT_KINDS):
        return CalmingUnseen("rate_only" if "hr" in kinds else "no_heartbeat", share)
    return CalmingUnseen("too_disturbed" if share < _NONE_SHARE else "partly", share)


def _unseen_sentence(a: Analysis, c: Cycle, several: bool) -> str:
    """The client's sentence saying why no calming phase could be told after ``c``."""
    kinds = [ch.kind for ch in a.channels]
    end_s = min(c.peak_s + a.options.max_latency_s, a.duration_s)
    gap = calming_unseen_reason(kinds, a.indices.t_s, a.indices.parasympathetic, c.peak_s, end_s)
    reason, share = gap.reason, gap.usable_share
    # a pulse (PPG) alone, or with the device's beat intervals derived from it
    signal = "pulse signal" if "ppg" in kinds and "ecg" not in kinds else "heartbeat signal"
    lead = "Whether a calming phase followed"
    if several:
        lead += f" the high point around {clock(c.peak_s)}"
    if reason == "no_heartbeat":
        why = "because no heartbeat signal was recorded"
    elif reason == "rate_only":
        why = (
            "because the heartbeat was recorded only as an average rate, which does not "
            "show the beat-to-beat changes that reveal calming"
        )
    else:
        why = f"because the {signal} was too disturbed to measure heart-rate variability"
        pct = max(10, min(90, round(share * 10) * 10))
        if reason == "too_disturbed":
            why += " here"
        elif share < _MOST_SHARE:
            why += (
                " for most of the minutes after the high point (it could be used for only "
                f"about {pct}% of them)"
            )
        else:
            why = (
                f"because the {signal} could be used for about {pct}% of the minutes after "
                "the high point but not around the high point itself, so there was nothing "
                "to compare with"
            )
        if signal == "pulse signal":
            why += "; movement easily disturbs a pulse sensor"
    return f"{lead} could not be seen, {why}."


def client_summary(a: Analysis) -> str:
    """A short, calm, non-diagnostic description of the session for the client."""
    cycles = a.cycles
    parts: list[str] = []
    if not cycles:
        parts.append(
            "During this session your body's signals stayed close to how they were at the "
            "start. The sensors did not show a clear rise and settling of arousal. That is "
            "common, and it says nothing about how worthwhile the session was."
        )
    else:
        complete = [c for c in cycles if c.kind == "complete"]
        unresolved = [c for c in cycles if c.kind == "unresolved"]
        undetermined = [c for c in cycles if c.kind == "undetermined"]
        parts.append(
            f"The sensors showed your body becoming more stirred up {_times(len(cycles))} "
            "(for example a faster heartbeat, more skin conductance or changed breathing)."
        )
        if complete:
            when = ", ".join(clock(c.peak_s) for c in complete)
            if len(cycles) == 1:  # "Once this reached" reads as "when this reached"
                how_often = "This time"
            elif len(complete) == len(cycles):
                how_often = "Each time"
            else:
                how_often = _times(len(complete)).capitalize()
            parts.append(
                f"{how_often} it reached a high point (around {when} into the recording) "
                "and was followed by signs of the body calming down."
            )
        if unresolved:
            parts.append(
                f"{_times(len(unresolved)).capitalize()} the arousal eased off without a "
                "clear calming phase showing in the signals within a few minutes. This "
                "happens often and is not a sign that anything went wrong."
            )
        for c in undetermined:
            parts.append(_unseen_sentence(a, c, len(undetermined) > 1))
    if a.problems:
        parts.append("Some parts of the recording could not be read well; they are left out.")
    parts.append(_NOT_PROOF)
    return " ".join(parts)


def therapist_summary(a: Analysis) -> str:
    """A compact technical summary for a therapist or researcher."""
    ix = a.indices
    s_in = ", ".join(i.description for i in ix.inputs_of("sympathetic")) or "none"
    p_in = ", ".join(i.description for i in ix.inputs_of("parasympathetic")) or "none"
    lines = [
        f"Baseline {clock(a.baseline.start_s)}-{clock(a.baseline.end_s)} "
        f"({a.baseline.source.replace('_', ' ')}). Sympathetic index from: {s_in}. "
        f"Parasympathetic index from: {p_in}."
    ]
    if not a.cycles:
        lines.append("No arousal episode met the S-phase criteria (session kind: no_arousal).")
    for n, c in enumerate(a.cycles, 1):
        text = (
            f"Cycle {n} ({c.kind}): S onset {clock(c.s_onset_s)}, peak {clock(c.peak_s)} "
            f"(height {c.peak_height:.1f} z, S duration {c.s_duration_s:.0f} s)"
        )
        if c.p_onset_s is not None:
            text += (
                f", P onset {clock(c.p_onset_s)} (latency {c.s_to_p_latency_s:.0f} s, "
                f"P depth {c.p_depth:.1f} z)"
            )
        elif c.p_depth is not None:
            text += f", parasympathetic rise only {c.p_depth:.1f} z within the search window"
        text += (
            f", back to baseline after {c.time_to_recovery_s:.0f} s."
            if c.time_to_recovery_s is not None
            else ", not back to baseline within the analysed stretch."
        )
        if c.markers:
            text += " Markers: " + ", ".join(f"{lab} {clock(t)}" for t, lab in c.markers) + "."
        if c.anchored_by:
            text += f" (Found with the help of a '{c.anchored_by}' marker.)"
        lines.append(text)
    if any(c.kind == "unresolved" for c in a.cycles):
        lines.append(
            "An unresolved cycle describes this stretch of recording only; it is not a "
            "finding about the person and no diagnosis follows from it."
        )
    if a.problems:
        lines.append(f"{len(a.problems)} part(s) could not be analysed; see Problems.")
    lines.append(
        "The S-P sequence is a clinical hypothesis (Von Glahn 2012); these indices are an "
        "aid to observation, not proof of healing."
    )
    return "\n".join(lines)
