"""Run each usable channel of a recording through its ``physio`` pipeline once.

Kinds used: ``ecg`` and ``ppg`` (beats via :func:`lacrima.physio.process_cardiac`),
``ibi`` (beat intervals as recorded, e.g. Empatica's IBI.csv), ``hr`` (a heart-rate
series, heart rate only), ``eda`` (:func:`lacrima.physio.process_eda`) and ``resp``
(:func:`lacrima.physio.process_resp`). Other kinds (temperature, acceleration, ...) are
listed in the report but not used. All times here are s from the recording start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lacrima.errors import AnalysisError
from lacrima.physio.cardiac import ACCEPTABLE_QUALITY
from lacrima.physio.ibi import correct_ibi
from lacrima.sp.problems import Problem

__all__ = ["USED_KINDS", "CardiacSeries", "ChannelOutput", "process_channels"]

log = logging.getLogger(__name__)

USED_KINDS = ("ecg", "ppg", "ibi", "hr", "eda", "resp")
_IBI_RANGE_MS = (250.0, 2000.0)  # 30-240 bpm
_QUALITY_BLOCK_S = 10.0
_HR_SERIES_QUALITY = 0.5


@dataclass(frozen=True, eq=False)
class CardiacSeries:
    """Beat-to-beat series from one cardiac channel, times in s from recording start.

    ``ibi_t_s`` is the time of the beat that ends each interval ``ibi_ms``
    (artefact-corrected). ``has_beats`` is False for an HR channel (no beat times).
    """

    ibi_t_s: np.ndarray
    ibi_ms: np.ndarray
    quality_t_s: np.ndarray
    quality: np.ndarray
    has_beats: bool = True
    breathing: Any = None
    """Breathing rate derived from the waveform (:class:`lacrima.physio.ppg_resp.RespRateEstimate`,
    times in recording time), only when the recording has no respiration channel."""
    _hrv_cache: dict[tuple[float, float], Any] = field(default_factory=dict, repr=False)

    def hrv(
        self,
        window_s: float,
        step_s: float,
        breaths: Any = None,
        duration_s: float | None = None,
    ) -> Any:
        """:func:`lacrima.physio.hrv_windows` of this series (cached per window and step).

        ``breaths`` (breath cycles in recording time) makes the RSA peak-to-trough follow
        each breath (Grossman et al. 1990) instead of the HF band.
        """
        from lacrima.physio import hrv_windows

        key = (window_s, step_s)
        if key not in self._hrv_cache:
            ok = np.isfinite(self.ibi_ms)
            self._hrv_cache[key] = hrv_windows(
                self.ibi_t_s[ok],
                self.ibi_ms[ok],
                window_s=window_s,
                step_s=step_s,
                breaths=breaths,
                duration_s=duration_s,
            )
        return self._hrv_cache[key]


@dataclass(frozen=True, eq=False)
class ChannelOutput:
    """The physio result of one channel (exactly one of cardiac/eda/resp is set)."""

    name: str
    kind: str
    start_s: float
    fs_hz: float
    cardiac: CardiacSeries | None = None
    eda: Any = None
    resp: Any = None


def _block_quality(
    times: np.ndarray, ok: np.ndarray, duration_s: float, expect_per_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per-10-s block: good events / expected events, clipped to 0..1."""
    n = max(int(np.ceil(duration_s / _QUALITY_BLOCK_S)), 1)
    centres = (np.arange(n) + 0.5) * _QUALITY_BLOCK_S
    idx = np.clip((times / _QUALITY_BLOCK_S).astype(np.int64), 0, n - 1)
    good = np.bincount(idx[ok], minlength=n)[:n]
    return centres, np.clip(good / (expect_per_s * _QUALITY_BLOCK_S), 0.0, 1.0)


def _from_ibi(ch: Any, duration_s: float) -> CardiacSeries:
    t = np.asarray(ch.times_s if ch.times_s is not None else [], dtype=float)
    ibi = np.asarray(ch.samples, dtype=float)
    if ch.times_s is None:  # a regular IBI series: one interval per sample
        t = ch.start_s + np.cumsum(np.nan_to_num(ibi))
    unit = (ch.unit or "").lower()
    if unit == "s" or (unit not in ("ms",) and np.nanmedian(ibi) < 10):
        ibi = ibi * 1000.0
    keep = np.isfinite(t) & np.isfinite(ibi)
    t, ibi = t[keep], ibi[keep]
    order = np.argsort(t, kind="stable")
    t, ibi = t[order], ibi[order]
    uniq = np.concatenate([[True], np.diff(t) > 0])
    t, ibi = t[uniq], ibi[uniq]
    if t.size >= 5:
        # a device that drops beats (Empatica) lists intervals whose time step differs
        # from the interval itself: those are gaps, not long beats
        step_ms = np.diff(t, prepend=np.nan) * 1000.0
        gap = ~(np.abs(step_ms - ibi) <= np.maximum(0.1 * ibi, 50.0))
        corr = correct_ibi(t, gap_before=gap)
        ibi = np.where(np.isfinite(corr.ibi_clean_ms), corr.ibi_clean_ms, np.nan)
    ok = np.isfinite(ibi) & (ibi >= _IBI_RANGE_MS[0]) & (ibi <= _IBI_RANGE_MS[1])
    hr_mean = 60000.0 / np.median(ibi[ok]) if ok.any() else 60.0
    q_t, q = _block_quality(t, ok, duration_s, hr_mean / 60.0)
    return CardiacSeries(ibi_t_s=t[ok], ibi_ms=ibi[ok], quality_t_s=q_t, quality=q)


def _from_hr(ch: Any, duration_s: float) -> CardiacSeries:
    hr = np.asarray(ch.samples, dtype=float)
    if ch.times_s is not None:
        t = np.asarray(ch.times_s, dtype=float)
    else:
        t = ch.start_s + np.arange(len(hr)) / ch.fs_hz
    ok = np.isfinite(hr) & (hr >= 30) & (hr <= 240)
    rate = len(hr) / max(duration_s, 1e-9)
    q_t, q = _block_quality(t, ok, duration_s, max(rate, 1e-3))
    # a device's own heart-rate series carries no quality of its own and is often a
    # smoothed, delayed average: it only fills in where the beats are poorer
    q = np.minimum(q, _HR_SERIES_QUALITY)
    return CardiacSeries(
        ibi_t_s=t[ok], ibi_ms=60000.0 / hr[ok], quality_t_s=q_t, quality=q, has_beats=False
    )


def _from_waveform(ch: Any, derive_breathing: bool = False) -> CardiacSeries:
    from lacrima.physio import process_cardiac

    x = np.asarray(ch.samples, dtype=float)
    res = process_cardiac(x, ch.fs_hz, kind=ch.kind)
    if ch.kind == "ppg":
        t, ibi = _pulse_intervals(x, ch.fs_hz, res)
    else:
        t, ibi = np.asarray(res.beat_times_s, dtype=float), np.asarray(res.ibi_clean_ms, float)
    t = t + ch.start_s
    ok = np.isfinite(ibi)
    # Orphanidou et al. (2015) accept a window at quality >= a (0.66 ECG, 0.86 PPG):
    # rescale so that a -> 1 and 0.75 a -> 0, making both kinds comparable and giving
    # windows the paper would reject little or no weight
    a = ACCEPTABLE_QUALITY.get(ch.kind, 0.66)
    raw = np.asarray(res.quality, dtype=float)
    q = np.clip((raw - 0.75 * a) / (0.25 * a), 0.0, 1.0)
    return CardiacSeries(
        ibi_t_s=t[ok],
        ibi_ms=ibi[ok],
        quality_t_s=np.asarray(res.quality_t_s, dtype=float) + ch.start_s,
        quality=q,
        breathing=_derived_breathing(x, ch, res) if derive_breathing else None,
    )


def _derived_breathing(x: np.ndarray, ch: Any, res: Any) -> Any:
    """Breathing rate from the pulse's respiratory modulations, in recording time.

    Karlen et al. (2013): intensity, amplitude and interval modulations, fused where
    they agree (:func:`lacrima.physio.ppg_resp.resp_rate_from_beats`).
    """
    import dataclasses

    from lacrima.physio.ppg_resp import per_beat_modulations, resp_rate_from_beats

    beats = np.asarray(res.beats, dtype=np.int64)
    if beats.size < 4:
        return None
    inten, amp, t = per_beat_modulations(x, ch.fs_hz, beats, ch.kind)
    est = resp_rate_from_beats(t, inten, amp, duration_s=x.size / ch.fs_hz)
    return dataclasses.replace(est, t_s=est.t_s + ch.start_s)


def _pulse_intervals(x: np.ndarray, fs: float, res: Any) -> tuple[np.ndarray, np.ndarray]:
    """Beat times (s) and corrected intervals (ms) of a PPG, timed at the pulse onsets.

    The systolic peak of a wrist PPG jitters between the humps of the pulse; the onset
    (intersecting tangents, Chiarugi et al. 2007; Charlton et al. 2022) is stable.
    Intervals touching a pulse whose shape disagrees with its neighbours, or spanning
    a signal gap, are unknown rather than interpolated
    (:func:`lacrima.physio.ppg_timing.pulse_onsets`).
    """
    from lacrima.physio.ibi import BeatFlag
    from lacrima.physio.ppg_timing import pulse_onsets

    on = pulse_onsets(x, fs, res.beats)
    gap_in = np.asarray(res.artifact_flags) == BeatFlag.GAP
    keep = on.plausible.copy()
    # a dropped pulse breaks the interval chain: the next kept pulse starts a new run
    dropped_before = np.concatenate(([0], np.cumsum(~keep | gap_in)))[:-1]
    t = on.onset_s[keep]  # increasing: each onset lies between its peak and the last
    brk = np.diff(dropped_before[keep], prepend=-1) > 0
    brk |= gap_in[keep]
    if t.size < 2:
        return t, np.full(t.size, np.nan)
    corr = correct_ibi(t, gap_before=brk, resolution_s=1.0 / fs)
    return t, np.asarray(corr.ibi_clean_ms, dtype=float)


def _usable(ch: Any) -> str | None:
    """Why a channel cannot be used, or None."""
    x = np.asarray(ch.samples, dtype=float)
    fin = np.isfinite(x)
    if x.size < 2 or not fin.any():
        return "no samples, or every sample missing"
    if np.nanmax(x) - np.nanmin(x) <= 0:
        return "the signal is flat (sensor off or disconnected?)"
    if ch.times_s is None and not (ch.fs_hz and np.isfinite(ch.fs_hz) and ch.fs_hz > 0):
        return "no sampling rate"
    return None


def process_channels(
    recording: Any, on_step: Callable[[str], None] | None = None
) -> tuple[dict[str, ChannelOutput], list[Problem]]:
    """Process every channel whose kind the S-P model uses.

    Parameters
    ----------
    recording : lacrima.io.Recording
        The session.
    on_step : callable, optional
        Called with a label after each channel.

    Returns
    -------
    outputs : dict
        Channel name -> :class:`ChannelOutput`, for the channels that worked.
    problems : list of Problem
        Channels that could not be used and why.

    Raises
    ------
    AnalysisError
        If no channel of a used kind is present, or none of them holds a usable signal.
    """
    from lacrima.errors import LacrimaError
    from lacrima.physio import process_eda, process_resp

    duration = float(recording.duration_s)
    outputs: dict[str, ChannelOutput] = {}
    problems: list[Problem] = []
    candidates = [c for c in recording.channels.values() if c.kind in USED_KINDS]
    # without a respiration channel, breathing is estimated from the pulse (PPG/ECG)
    derive = not any(c.kind == "resp" for c in candidates)
    if not candidates:
        found = ", ".join(f"{c.name} ({c.kind})" for c in recording.channels.values()) or "none"
        raise AnalysisError(
            "no usable channel: the S-P analysis needs at least one ECG, PPG, IBI, HR, EDA or "
            f"respiration channel; this recording has: {found}. If a column holds one of "
            "these, name its kind when reading, e.g. read(path, kinds={'col': 'eda'})."
        )
    for ch in candidates:
        why = _usable(ch)
        if why is not None:
            problems.append(Problem(part=f"channel {ch.name}", reason=f"not used: {why}"))
            continue
        try:
            if ch.kind in ("ecg", "ppg"):
                out = ChannelOutput(
                    ch.name, ch.kind, ch.start_s, ch.fs_hz, cardiac=_from_waveform(ch, derive)
                )
            elif ch.kind == "ibi":
                out = ChannelOutput(
                    ch.name, ch.kind, ch.start_s, ch.fs_hz, cardiac=_from_ibi(ch, duration)
                )
            elif ch.kind == "hr":
                out = ChannelOutput(
                    ch.name, ch.kind, ch.start_s, ch.fs_hz, cardiac=_from_hr(ch, duration)
                )
            elif ch.kind == "eda":
                eda = process_eda(np.asarray(ch.samples, dtype=float), ch.fs_hz)
                out = ChannelOutput(ch.name, ch.kind, ch.start_s, ch.fs_hz, eda=eda)
            else:
                resp = process_resp(np.asarray(ch.samples, dtype=float), ch.fs_hz)
                out = ChannelOutput(ch.name, ch.kind, ch.start_s, ch.fs_hz, resp=resp)
        except LacrimaError as exc:
            problems.append(Problem(part=f"channel {ch.name}", reason=f"not used: {exc}"))
            continue
        if _empty(out):
            problems.append(
                Problem(
                    part=f"channel {ch.name}",
                    reason="not used: no beats, breaths or skin-conductance level could be "
                    "found in it (noise, wrong kind, or too short)",
                )
            )
        else:
            outputs[ch.name] = out
        if on_step is not None:
            on_step(ch.name)
    if not outputs:
        detail = "; ".join(f"{p.part}: {p.reason}" for p in problems)
        raise AnalysisError(f"no usable channel: {detail}")
    return outputs, problems


def _empty(out: ChannelOutput) -> bool:
    if out.cardiac is not None:
        return len(out.cardiac.ibi_ms) < 3 or float(np.max(out.cardiac.quality, initial=0)) <= 0
    if out.eda is not None:
        return len(out.eda.t_s) == 0 or float(np.max(out.eda.quality, initial=0)) <= 0
    if out.resp is not None:
        return len(out.resp.breath_onset_s) < 3
    return True
