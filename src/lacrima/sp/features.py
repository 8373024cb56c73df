"""From a recording to windowed physiological features on one time grid.

Each channel goes through its :mod:`lacrima.physio` pipeline once; the results become
features sampled at the window centres ``t_s`` of the index grid:

============================  ==========  ==============================================
feature                       from        statistic (window, centred)
============================  ==========  ==============================================
``hr_bpm``                    ECG/PPG/    mean of 60000/IBI over artefact-corrected beats
                              IBI/HR      (``hr_window_s``); an HR channel directly
``rmssd_ms``                  beats       RMSSD (``hrv_window_s``)
``rsa_p2t_ms``                beats       peak-to-trough RSA, breathing-aware
                                          (``hrv_window_s``)
``hf_power_ms2``              beats       0.15-0.40 Hz power (``hf_window_s``)
``scl_us``                    EDA         mean tonic level (``eda_window_s``)
``scr_rate_per_min``          EDA         SCR onsets per minute (``scr_window_s``)
``resp_rate_bpm``             resp        60 / mean breath period (``resp_window_s``)
``resp_irregularity``         resp        mean CV of breath period and amplitude
``resp_rate_derived_bpm``     PPG/ECG     breathing rate from the pulse's respiratory
                              (no resp)   modulations, fused (32 s; Karlen et al. 2013)
============================  ==========  ==============================================

EDA features are moved back by ``eda_latency_s`` (EDA lags the sympathetic burst).
Every feature carries a per-window quality (0..1): the channel's own quality from
``physio`` times the fraction of the window with valid data. When several channels give
the same feature (an E4 has BVP and IBI; a lab may record ECG and PPG), the one with
the best quality is used in each window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lacrima.errors import LacrimaError
from lacrima.sp.options import Options
from lacrima.sp.problems import Problem
from lacrima.sp.sources import ChannelOutput, process_channels
from lacrima.sp.windows import event_rate, interval_stats, moving_mean

__all__ = ["FEATURES", "Feature", "FeatureTable", "extract_features", "features_from_outputs"]

log = logging.getLogger(__name__)

FEATURES = (
    "hr_bpm",
    "scl_us",
    "scr_rate_per_min",
    "resp_rate_bpm",
    "resp_irregularity",
    "rsa_p2t_ms",
    "rmssd_ms",
    "hf_power_ms2",
    "resp_rate_derived_bpm",
)

# candidate priority when qualities tie: lab ECG first, then wrist/finger sources
_MAX_RMSSD_FRACTION = 0.2
_PRIORITY = {"ecg": 0, "ppg": 1, "ibi": 2, "hr": 3, "eda": 0, "resp": 0}


@dataclass(frozen=True, eq=False)
class Feature:
    """One feature on the grid.

    Attributes
    ----------
    name : str
        Feature name with its unit (see :data:`FEATURES`).
    values : numpy.ndarray
        Value per window (NaN where unknown).
    quality : numpy.ndarray
        Quality 0..1 per window.
    channels : tuple of str
        Channels that supplied it, in candidate order.
    source : numpy.ndarray
        Index into ``channels`` of the channel used in each window (-1: none).
    window_s : float
        Window length, s.
    """

    name: str
    values: np.ndarray
    quality: np.ndarray
    channels: tuple[str, ...]
    source: np.ndarray
    window_s: float
    method: str = ""
    """How it was computed when that varies (RSA: ``breath_cycles`` or ``hf_band``)."""

    def share(self, min_quality: float) -> dict[str, float]:
        """Fraction of windows each channel supplied with quality >= ``min_quality``."""
        ok = self.quality >= min_quality
        n = max(len(self.values), 1)
        return {c: float(np.sum(ok & (self.source == i)) / n) for i, c in enumerate(self.channels)}


@dataclass(frozen=True, eq=False)
class FeatureTable:
    """All features of a session on the grid ``t_s`` (window centres, s)."""

    t_s: np.ndarray
    features: dict[str, Feature]
    channel_quality: dict[str, np.ndarray]
    outputs: dict[str, ChannelOutput] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()


def _quality_on_grid(q_t: np.ndarray, q: np.ndarray, grid: np.ndarray, width: float) -> np.ndarray:
    if len(q_t) == 0:
        return np.zeros(len(grid))
    mean, cover = moving_mean(q_t, q, grid, width, max_gap_s=30.0)
    return np.nan_to_num(mean, nan=0.0) * (cover > 0)


def _on_grid(t: np.ndarray, x: np.ndarray, grid: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Sample a series given at window centres ``t`` onto ``grid`` (NaN across gaps)."""
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return np.full(len(grid), np.nan)
    tt, xx = t[ok], x[ok]
    out = np.interp(grid, tt, xx)
    j = np.clip(np.searchsorted(tt, grid), 1, len(tt) - 1)
    gap = tt[j] - tt[j - 1]
    out[(grid < tt[0] - max_gap_s) | (grid > tt[-1] + max_gap_s) | (gap > max_gap_s)] = np.nan
    return out


Candidate = tuple[np.ndarray, np.ndarray, str, str, str]  # values, quality, channel, kind, method


def _plausible(h: Any, grid: np.ndarray, gap: float) -> np.ndarray:
    """1 where the window's beats look like sinus rhythm, 0 where they cannot be.

    RMSSD above 20 % of the mean interval does not occur in sinus rhythm at rest
    (normal short-term RMSSD is about 5 % of the interval; Nunan et al. 2010), even with
    slow deep breathing, whose large RSA changes the interval gradually. Such windows
    come from beat-detection errors that interval correction could not repair (e.g. a
    noisy wrist PPG), and their HRV is left out.
    """
    rmssd = np.asarray(h.rmssd_ms, dtype=np.float64)
    ibi = 60000.0 / np.asarray(h.hr_bpm, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = np.where(np.isfinite(rmssd) & np.isfinite(ibi), rmssd / ibi <= _MAX_RMSSD_FRACTION, 1)
    g = _on_grid(h.t_s, ok.astype(float), grid, gap)
    return np.where(np.isfinite(g), (g >= 0.5).astype(float), 1.0)


@dataclass(frozen=True, eq=False)
class _Breaths:
    """Breath cycles moved to recording time (for breathing-aware RSA)."""

    breath_onset_s: np.ndarray
    breath_peak_s: np.ndarray
    breath_period_s: np.ndarray


def _breaths_of(outputs: dict[str, ChannelOutput]) -> _Breaths | None:
    best = None
    for out in outputs.values():
        r = out.resp
        if r is None or len(r.breath_onset_s) < 3:
            continue
        q = float(np.mean(r.quality)) if len(r.quality) else 0.0
        if best is None or q > best[0]:
            best = (q, out)
    if best is None:
        return None
    out = best[1]
    r = out.resp
    return _Breaths(
        breath_onset_s=np.asarray(r.breath_onset_s, dtype=float) + out.start_s,
        breath_peak_s=np.asarray(r.breath_peak_s, dtype=float) + out.start_s,
        breath_period_s=np.asarray(r.breath_period_s, dtype=float),
    )


def _cardiac_features(
    out: ChannelOutput, grid: np.ndarray, o: Options, breaths: _Breaths | None, duration: float
) -> dict[str, Candidate]:
    c = out.cardiac
    assert c is not None
    res: dict[str, Candidate] = {}
    q_hr = _quality_on_grid(c.quality_t_s, c.quality, grid, o.hr_window_s)
    hr, cover = moving_mean(c.ibi_t_s, 60000.0 / c.ibi_ms, grid, o.hr_window_s, max_gap_s=4.0)
    res["hr_bpm"] = (hr, q_hr * cover, out.name, out.kind, "")
    if c.has_beats:
        gap = 2.0 * o.step_s + 1.0
        for feat, window in (
            ("rmssd_ms", o.hrv_window_s),
            ("rsa_p2t_ms", o.hrv_window_s),
            ("hf_power_ms2", o.hf_window_s),
        ):
            h = c.hrv(window, o.step_s, breaths=breaths, duration_s=duration)
            vals = _on_grid(h.t_s, np.asarray(getattr(h, feat), dtype=float), grid, gap)
            cov_g = np.nan_to_num(_on_grid(h.t_s, np.asarray(h.coverage, float), grid, gap))
            q = _quality_on_grid(c.quality_t_s, c.quality, grid, window) * np.clip(cov_g, 0, 1)
            q = q * _plausible(h, grid, gap)
            method = str(getattr(h, "rsa_method", "")) if feat == "rsa_p2t_ms" else ""
            res[feat] = (vals, q, out.name, out.kind, method)
    b = c.breathing
    if b is not None and len(b.t_s):
        gap = 2.0 * o.step_s + 1.0
        rate = _on_grid(b.t_s, np.asarray(b.rate_bpm, dtype=float), grid, gap)
        qb = np.nan_to_num(_on_grid(b.t_s, np.asarray(b.quality, dtype=float), grid, gap))
        res["resp_rate_derived_bpm"] = (rate, qb, out.name, out.kind, "derived")
    return res


def _eda_features(out: ChannelOutput, grid: np.ndarray, o: Options) -> dict[str, Candidate]:
    e = out.eda
    assert e is not None
    shift = out.start_s - o.eda_latency_s
    scl, cover = moving_mean(e.t_s + shift, e.tonic_us, grid, o.eda_window_s, max_gap_s=2.0)
    q_scl = _quality_on_grid(e.quality_t_s + shift, e.quality, grid, o.eda_window_s) * cover
    q_scr = _quality_on_grid(e.quality_t_s + shift, e.quality, grid, o.scr_window_s)
    rate = event_rate(e.scr_onset_s + shift, grid, o.scr_window_s)
    rate[q_scr < o.min_quality] = np.nan
    scl = np.where(scl > 0, scl, np.nan)
    return {
        "scl_us": (scl, q_scl, out.name, out.kind, ""),
        "scr_rate_per_min": (rate, q_scr, out.name, out.kind, ""),
    }


def _resp_features(out: ChannelOutput, grid: np.ndarray, o: Options) -> dict[str, Candidate]:
    r = out.resp
    assert r is not None
    onsets = r.breath_onset_s + out.start_s
    rate, cv, _ = interval_stats(onsets, r.breath_period_s, grid, o.resp_window_s)
    _, amp_cv, _ = interval_stats(onsets, np.abs(r.breath_amplitude), grid, o.resp_window_s)
    q = _quality_on_grid(r.quality_t_s + out.start_s, r.quality, grid, o.resp_window_s)
    q = q * np.isfinite(rate)
    # irregularity as in lacrima.physio.resp: mean CV of breath period and amplitude
    irregularity = 0.5 * (cv + amp_cv)
    return {
        "resp_rate_bpm": (rate, q, out.name, out.kind, ""),
        "resp_irregularity": (irregularity, q, out.name, out.kind, ""),
    }


def _fuse(name: str, cands: list[Candidate], window_s: float) -> Feature:
    cands = sorted(cands, key=lambda c: _PRIORITY.get(c[3], 9))
    vals = np.vstack([c[0] for c in cands])
    qual = np.vstack([np.where(np.isfinite(c[0]), np.clip(c[1], 0, 1), 0.0) for c in cands])
    best = np.argmax(qual, axis=0)
    cols = np.arange(vals.shape[1])
    q = qual[best, cols]
    v = vals[best, cols]
    src = np.where(q > 0, best, -1)
    return Feature(
        name=name,
        values=np.where(q > 0, v, np.nan),
        quality=q,
        channels=tuple(c[2] for c in cands),
        source=src,
        window_s=window_s,
        method=", ".join(sorted({c[4] for c in cands} - {""})),
    )


def features_from_outputs(
    outputs: dict[str, ChannelOutput],
    grid: np.ndarray,
    options: Options,
    duration_s: float | None = None,
) -> FeatureTable:
    """Windowed features from already-processed channels (see :func:`extract_features`).

    ``duration_s`` is the end of the signal (s from the recording start); by default the
    end of the last grid window.
    """
    o = options
    duration = float(grid[-1] + o.step_s / 2.0) if duration_s is None else float(duration_s)
    cands: dict[str, list[Candidate]] = {}
    chan_q: dict[str, np.ndarray] = {}
    breaths = _breaths_of(outputs)
    for out in outputs.values():
        if out.cardiac is not None:
            got = _cardiac_features(out, grid, o, breaths, duration)
        elif out.eda is not None:
            got = _eda_features(out, grid, o)
        elif out.resp is not None:
            got = _resp_features(out, grid, o)
        else:
            continue
        for k, v in got.items():
            cands.setdefault(k, []).append(v)
        chan_q[out.name] = np.max(np.vstack([v[1] for v in got.values()]), axis=0)
    windows = {
        "hr_bpm": o.hr_window_s,
        "scl_us": o.eda_window_s,
        "scr_rate_per_min": o.scr_window_s,
        "resp_rate_bpm": o.resp_window_s,
        "resp_irregularity": o.resp_window_s,
        "rsa_p2t_ms": o.hrv_window_s,
        "rmssd_ms": o.hrv_window_s,
        "hf_power_ms2": o.hf_window_s,
        "resp_rate_derived_bpm": 32.0,
    }
    feats = {k: _fuse(k, v, windows[k]) for k, v in cands.items()}
    return FeatureTable(t_s=grid, features=feats, channel_quality=chan_q, outputs=outputs)


def extract_features(
    recording: object,
    grid: np.ndarray,
    options: Options,
    on_step: Callable[[str], None] | None = None,
) -> FeatureTable:
    """Run every usable channel through ``physio`` and build the feature table.

    Parameters
    ----------
    recording : lacrima.io.Recording
        The session.
    grid : numpy.ndarray
        Window centres, s from recording start.
    options : Options
        Window lengths, EDA latency, quality threshold.
    on_step : callable, optional
        Called with a short label after each channel (progress reporting).

    Returns
    -------
    FeatureTable

    Raises
    ------
    AnalysisError
        If no channel can be used (see :func:`lacrima.sp.sources.process_channels`).
    """
    outputs, problems = process_channels(recording, on_step=on_step)
    table = features_from_outputs(outputs, grid, options)
    if not table.features:
        raise LacrimaError("internal: usable channels gave no features")  # pragma: no cover
    return FeatureTable(
        t_s=table.t_s,
        features=table.features,
        channel_quality=table.channel_quality,
        outputs=outputs,
        problems=tuple(problems),
    )
