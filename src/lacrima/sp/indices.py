"""Sympathetic and parasympathetic indices against the session's baseline.

Each index is a quality-weighted mean of per-feature robust z-scores

    z_i(t) = (f_i(x_i(t)) - median_i) / scale_i
    index(t) = Σ w_i q_i(t) 5 tanh(z_i(t) / 5) / Σ w_i q_i(t)

where ``f_i`` is the identity, the square root (SCR rate, a count) or the natural log
(quantities that scale multiplicatively across people: SCL, RMSSD, RSA, HF power);
``median_i`` and ``scale_i`` come from the baseline (:mod:`lacrima.sp.baseline`), ``w_i``
is the component weight below and ``q_i(t)`` the per-window quality (inputs below
``min_quality`` are left out of that window). The soft limit ``5 tanh(z / 5)`` (nearly
linear up to about 3 z, never above 5) bounds the influence of one input: a skin
conductance level that climbs for minutes and recovers slowly, or an electrode that
dries, counts as strong evidence of arousal but cannot outvote heart rate and SCR rate
on its own.

The two indices are computed separately: both branches can be active together (e.g.
EDA up while RSA rises), so they are *not* two ends of one axis.

For *timing* (S onset, peak, P onset) a second version of each index weights its inputs
by the inverse of their short-term noise variance in the baseline instead, which is the
least-noisy combination; the reported index values keep the fixed weights below. The
sympathetic timing index leaves EDA out wherever heart rate or breathing is available:
EDA responds with a latency, its tonic level is smooth but slow and SCRs are sparse
counts, so it times changes worse than the denser cardiac and respiratory series.

HF power is weighted 0 in windows whose breathing rate (from a respiration channel) is
outside 9-24 breaths/min, because the respiratory sinus arrhythmia then falls outside
the 0.15-0.40 Hz band (Grossman & Taylor 2007); the peak-to-trough RSA, which follows
each breath, carries the parasympathetic index there.

Without a respiration channel the breathing rate is *derived* from the pulse
(``resp_rate_derived_bpm``: respiratory modulations of the PPG/ECG fused where they
agree, Karlen et al. 2013). It never enters an index. Where it is known (quality >=
``min_quality``) it gates HF power as above, and where it departs from its own baseline
median by more than 4 breaths/min, RSA and HF power are weighted 0: RSA amplitude grows
as breathing slows or deepens and shrinks as it quickens, with no change in vagal tone
(Hirsch & Bishop 1981; Grossman & Taylor 2007), so an RSA measured at another breathing
rate is not comparable with its baseline (Ritz 2009). 4 breaths/min is the largest
spread Karlen et al. (2013) accept between the three modulations: a smaller departure
is within the estimate's own uncertainty. RMSSD, a beat-to-beat measure that does not
depend on a frequency band, carries the parasympathetic index in those windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lacrima.sp.baseline import Baseline, reference_of
from lacrima.sp.features import FeatureTable
from lacrima.sp.options import Options
from lacrima.sp.problems import Problem, gaps_as_problems
from lacrima.sp.windows import grid_mean

__all__ = ["COMPONENTS", "Component", "IndexInput", "Indices", "compute_indices"]

_Z_CLIP = 25.0
_NOISE_WINDOW_S = 30.0  # short-term noise: deviation from a 30-s moving mean
_MIN_NOISE_VAR = 0.05  # z²; caps the timing weight of a very smooth input
_EDA_INPUTS = ("scl_us", "scr_rate_per_min")
_HF_BAND_BPM = (9.0, 24.0)  # 0.15-0.40 Hz
_BREATHING_DEPARTURE_BPM = 4.0  # derived breathing rate off its baseline: RSA, HF out
_BREATHING_GATED = ("rsa_p2t_ms", "hf_power_ms2")
_DERIVED = "resp_rate_derived_bpm"


@dataclass(frozen=True)
class Component:
    """How one feature enters an index."""

    feature: str
    index: str
    weight: float
    transform: str
    floor: float
    description: str


COMPONENTS: dict[str, Component] = {
    c.feature: c
    for c in (
        Component("scl_us", "sympathetic", 1.0, "log", 0.05, "skin-conductance level"),
        Component("scr_rate_per_min", "sympathetic", 0.5, "sqrt", 0.5, "SCR rate"),
        Component("hr_bpm", "sympathetic", 1.0, "linear", 2.0, "heart rate"),
        Component("resp_rate_bpm", "sympathetic", 0.75, "linear", 1.5, "breathing rate"),
        Component(
            "resp_irregularity", "sympathetic", 0.5, "linear", 0.05, "breathing irregularity"
        ),
        Component("rsa_p2t_ms", "parasympathetic", 1.0, "log", 0.1, "peak-to-trough RSA"),
        Component("rmssd_ms", "parasympathetic", 1.0, "log", 0.1, "RMSSD"),
        Component("hf_power_ms2", "parasympathetic", 0.5, "log", 0.3, "HF power"),
    )
}
"""The registry of index components: feature -> weight, transform and scale floor.

Floors (smallest meaningful change, in the transformed unit): heart rate 2 bpm, SCL 5 %
(log), SCR rate 0.5 in square-root units (counts are Poisson; the square root makes
their noise independent of the rate, Anscombe 1948), breathing rate 1.5/min, breathing
irregularity 0.05 (CV), RSA and RMSSD 10 % (log), HF power 30 % (log).
"""


@dataclass(frozen=True)
class IndexInput:
    """What one component contributed to an index (reported in ``inputs``).

    ``baseline_median`` is in the feature's own unit (bpm, µS, ms, ...);
    ``baseline_scale`` is the robust scale in the *transformed* unit (bpm for a linear
    input, natural-log units for ``log``, square-root units for ``sqrt``): one z is one
    such scale. ``coverage`` is the share of index windows the input contributed to.
    """

    index: str
    feature: str
    description: str
    channels: dict[str, float]
    weight: float
    transform: str
    window_s: float
    baseline_median: float
    baseline_scale: float
    coverage: float
    reference_end_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view."""
        return {
            "feature": self.feature,
            "description": self.description,
            "channels": {k: round(v, 3) for k, v in self.channels.items()},
            "weight": self.weight,
            "transform": self.transform,
            "window_s": self.window_s,
            "baseline_median": _r(self.baseline_median),
            "baseline_scale": _r(self.baseline_scale),
            "coverage": round(self.coverage, 3),
            "reference_end_s": round(self.reference_end_s, 1),
        }


def _r(x: float) -> float:
    return float(f"{x:.4g}")


@dataclass(frozen=True, eq=False)
class Indices:
    """The two indices on the grid, their quality and what went into them."""

    t_s: np.ndarray
    sympathetic: np.ndarray
    parasympathetic: np.ndarray
    sympathetic_quality: np.ndarray
    parasympathetic_quality: np.ndarray
    z: dict[str, np.ndarray]
    inputs: tuple[IndexInput, ...]
    problems: tuple[Problem, ...] = ()
    sympathetic_timing: np.ndarray | None = None
    """Timing version of the sympathetic index (inverse-noise-variance weights)."""
    parasympathetic_timing: np.ndarray | None = None
    """Timing version of the parasympathetic index (inverse-noise-variance weights)."""
    sympathetic_fast: np.ndarray | None = None
    """The sympathetic index before the ``level_window_s`` mean (its inputs' own
    windows only): what arousal episodes are found on (:mod:`lacrima.sp.phases`)."""
    parasympathetic_fast: np.ndarray | None = None
    """The parasympathetic index before the ``level_window_s`` mean."""

    def for_segmentation(self) -> tuple[np.ndarray, np.ndarray]:
        """The (sympathetic, parasympathetic) series that cycles are found and timed on."""
        s = self.sympathetic if self.sympathetic_fast is None else self.sympathetic_fast
        p = self.parasympathetic if self.parasympathetic_fast is None else self.parasympathetic_fast
        return s, p

    def inputs_of(self, index: str) -> list[IndexInput]:
        """The components of ``"sympathetic"`` or ``"parasympathetic"``."""
        return [i for i in self.inputs if i.index == index]


def _noise_var(z: np.ndarray, t: np.ndarray, baseline: Baseline, step_s: float) -> float:
    """Short-term noise variance (z²) of an input over the baseline, robustly.

    The deviation from a centred 30-s moving mean, its median square scaled to a
    variance (÷ 0.455, the median of a chi-square with one degree of freedom).
    """
    w = max(round(_NOISE_WINDOW_S / step_s), 1)
    ok = np.isfinite(z)
    k = np.ones(w)
    num = np.convolve(np.where(ok, z, 0.0), k, mode="same")
    den = np.convolve(ok.astype(float), k, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        resid = z - num / den
    inside = (t >= baseline.start_s) & (t <= baseline.end_s) & np.isfinite(resid)
    if inside.sum() < 3:
        return 1.0
    return max(float(np.median(resid[inside] ** 2)) / 0.455, _MIN_NOISE_VAR)


def _untransform(v: float, how: str) -> float:
    """A transformed value back in the feature's own unit."""
    if how == "log":
        return float(np.exp(v))
    if how == "sqrt":
        return float(v * v)
    return float(v)


def _transform(x: np.ndarray, how: str) -> np.ndarray:
    if how == "sqrt":  # variance-stabilising for counts (Anscombe 1948)
        return np.sqrt(np.clip(x, 0.0, None))
    if how == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan)
    return x


def compute_indices(
    table: FeatureTable,
    baseline: Baseline,
    options: Options,
    components: dict[str, Component] | None = None,
) -> Indices:
    """Normalise each feature against the baseline and combine them into the indices.

    Parameters
    ----------
    table : FeatureTable
        Windowed features.
    baseline : Baseline
        The baseline segment.
    options : Options
        ``min_quality``, ``step_s``, ``saturation_z`` and ``level_window_s``.
    components : dict, optional
        Another component registry (validation studies that compare weights); by
        default :data:`COMPONENTS`.

    Returns
    -------
    Indices
        NaN where no component of an index is usable; such stretches are reported in
        ``problems``.
    """
    t = table.t_s
    n = len(t)
    acc = {k: (np.zeros(n), np.zeros(n)) for k in ("sympathetic", "parasympathetic")}
    total_w = {"sympathetic": 0.0, "parasympathetic": 0.0}
    zs: dict[str, np.ndarray] = {}
    inputs: list[IndexInput] = []
    problems: list[Problem] = []
    resp = table.features.get("resp_rate_bpm")
    derived = None
    if resp is None and _DERIVED in table.features:
        derived, derived_input = _derived_breathing(table, baseline, options)
        if derived_input is not None:
            inputs.append(derived_input)
    tim = {k: (np.zeros(n), np.zeros(n)) for k in ("sympathetic", "parasympathetic", "eda")}
    sat = options.saturation_z
    for name, comp in (COMPONENTS if components is None else components).items():
        feat = table.features.get(name)
        if feat is None:
            continue
        x = _transform(feat.values, comp.transform)
        ref = reference_of(x, feat.quality, t, baseline, comp.floor, options.min_quality)
        if ref is None:
            problems.append(
                Problem(
                    part=f"{comp.index} index: {comp.description}",
                    reason="left out: too little usable signal in the baseline to set its "
                    "reference level",
                    start_s=baseline.start_s,
                    end_s=baseline.end_s,
                )
            )
            continue
        z = np.clip((x - ref.median) / ref.scale, -_Z_CLIP, _Z_CLIP)
        q = np.where(np.isfinite(z) & (feat.quality >= options.min_quality), feat.quality, 0.0)
        rr = resp.values if resp is not None else (None if derived is None else derived[0])
        if name == "hf_power_ms2" and rr is not None:
            outside = np.isfinite(rr) & ((rr < _HF_BAND_BPM[0]) | (rr > _HF_BAND_BPM[1]))
            q = np.where(outside, 0.0, q)
        if name in _BREATHING_GATED and derived is not None:
            q = np.where(derived[1], 0.0, q)
        zs[name] = np.where(q > 0, z, np.nan)
        s, w = acc[comp.index]
        # bounded influence: one input cannot outweigh the others by an extreme value
        s += comp.weight * q * np.nan_to_num(sat * np.tanh(z / sat))
        w += comp.weight * q
        ts, tw = tim["eda" if name in _EDA_INPUTS else comp.index]
        inv = 1.0 / _noise_var(zs[name], t, baseline, options.step_s)
        ts += inv * q * np.nan_to_num(z)
        tw += inv * q
        total_w[comp.index] += comp.weight
        inputs.append(
            IndexInput(
                index=comp.index,
                feature=name,
                description=comp.description + (f" ({feat.method})" if feat.method else ""),
                channels=feat.share(options.min_quality),
                weight=comp.weight,
                transform=comp.transform,
                window_s=feat.window_s,
                baseline_median=_untransform(ref.median, comp.transform),
                baseline_scale=ref.scale,
                coverage=float(np.mean(q > 0)) if n else 0.0,
                reference_end_s=ref.end_s,
            )
        )
    out: dict[str, np.ndarray] = {}
    if derived is not None:
        zs[_DERIVED] = derived[2]
    for key, (s, w) in acc.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            raw = np.where(w > 0, s / np.where(w > 0, w, 1.0), np.nan)
        out[key + "_fast"] = raw
        # the reported index is the arousal *level*: a centred moving mean over
        # level_window_s (timing uses the separate, unsmoothed timing index below)
        out[key] = grid_mean(raw, options.step_s, options.level_window_s, keep_gaps=True)
        out[key + "_quality"] = w / total_w[key] if total_w[key] > 0 else np.zeros(n)
        if total_w[key] > 0:
            problems += gaps_as_problems(
                w <= 0,
                t,
                options.step_s,
                f"{key} index",
                "no usable signal for any of its inputs here (dropout or artefact)",
            )
        else:
            problems.append(
                Problem(
                    part=f"{key} index",
                    reason="not computed: no channel supplies any of its inputs"
                    + (
                        " (it needs beats from ECG, PPG or IBI)"
                        if key == "parasympathetic"
                        else " (it needs EDA, heart rate or respiration)"
                    ),
                )
            )
    timing = {}
    for key, (ts, tw) in tim.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            timing[key] = np.where(tw > 0, ts / np.where(tw > 0, tw, 1.0), np.nan)
    # EDA times changes poorly (latency, slow tonic level, sparse SCR counts): it times
    # the sympathetic index only where no heart-rate or breathing input is available
    fast = timing["sympathetic"]
    timing["sympathetic"] = np.where(np.isfinite(fast), fast, timing["eda"])
    return Indices(
        sympathetic_timing=timing["sympathetic"],
        parasympathetic_timing=timing["parasympathetic"],
        t_s=t,
        sympathetic=out["sympathetic"],
        parasympathetic=out["parasympathetic"],
        sympathetic_fast=out["sympathetic_fast"],
        parasympathetic_fast=out["parasympathetic_fast"],
        sympathetic_quality=out["sympathetic_quality"],
        parasympathetic_quality=out["parasympathetic_quality"],
        z=zs,
        inputs=tuple(inputs),
        problems=tuple(problems),
    )


def _derived_breathing(
    table: FeatureTable, baseline: Baseline, options: Options
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray] | None, IndexInput | None]:
    """The derived breathing rate where known, where it departs from baseline, and its z.

    Returns ``((rate, departs, z), input)``; ``rate`` is NaN where the estimate's quality
    is below ``min_quality``; ``departs`` is True where it differs from its baseline median
    by more than 4 breaths/min. The input (weight 0) lists it in the report.
    """
    feat = table.features[_DERIVED]
    known = np.isfinite(feat.values) & (feat.quality >= options.min_quality)
    rate = np.where(known, feat.values, np.nan)
    ref = reference_of(rate, feat.quality, table.t_s, baseline, 1.5, options.min_quality)
    if ref is None:  # no baseline breathing rate: nothing to compare with
        return (rate, np.zeros(len(rate), dtype=bool), np.full(len(rate), np.nan)), None
    departs = known & (np.abs(rate - ref.median) > _BREATHING_DEPARTURE_BPM)
    z = (rate - ref.median) / ref.scale
    n = max(len(rate), 1)
    info = IndexInput(
        index="parasympathetic",
        feature=_DERIVED,
        description="breathing rate, derived from the pulse (not averaged in: RSA and HF "
        "power are left out where it departs from baseline by > 4/min)",
        channels=feat.share(options.min_quality),
        weight=0.0,
        transform="linear",
        window_s=feat.window_s,
        baseline_median=ref.median,
        baseline_scale=ref.scale,
        coverage=float(np.sum(known) / n),
        reference_end_s=ref.end_s,
    )
    return (rate, departs, z), info
