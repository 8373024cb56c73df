"""Options of the S-P analysis: window lengths, baseline and detection thresholds.

Every number here is documented with its reason in ``docs/sp-model.md`` and
``docs/decisions/0004-sp-thresholds.md``. Thresholds are in *baseline z* units: the
index value is a quality-weighted mean of per-feature robust z-scores against the
session's own baseline.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from lacrima.errors import AnalysisError

__all__ = ["Options", "make_options"]


@dataclass(frozen=True)
class Options:
    """Settings of one analysis. All times in seconds, thresholds in baseline z.

    Attributes
    ----------
    step_s : float
        Spacing of the index time grid.
    baseline : tuple of float or None
        Explicit baseline ``(start_s, end_s)``; overrides markers and the default.
    default_baseline_s : float
        Without a marked baseline, the first ``default_baseline_s`` seconds are the
        baseline (5 min, the short-term HRV standard of the Task Force, 1996).
    eda_latency_s : float
        Skin conductance responds 1-3 s after the sympathetic burst that drives it
        (Boucsein 2012); EDA features are moved back by this much.
    min_quality : float
        Per-window signal quality (0..1) below which a feature is left out.
    hr_window_s, eda_window_s, scr_window_s, resp_window_s, hrv_window_s, hf_window_s : float
        Window lengths of the features (centred on each grid point).
    level_window_s : float
        The reported indices are centred moving means over this window: a level of
        arousal or calming, not the beat-to-beat noise of its inputs (decision record
        0013-sympathetic-index-generalises).
    saturation_z : float
        Each input enters an index as ``saturation_z * tanh(z / saturation_z)``: nearly
        linear up to about two thirds of it, never above it, so one input cannot
        outvote the others.
    arousal_on, arousal_off : float
        Hysteresis thresholds of the sympathetic index for an arousal episode.
    peak_min : float
        Smallest peak of the sympathetic index that makes an episode an S-phase.
    min_arousal_s : float
        Shortest time above ``arousal_on`` that counts (shorter bursts are orienting
        responses, not an S-phase).
    merge_gap_s : float
        Episodes separated by a dip shorter than this are one episode.
    release_rise : float
        Rise of the parasympathetic index over its S-phase level that counts as release.
    release_level : float
        Level above baseline the parasympathetic index must reach for release.
    max_latency_s : float
        Longest wait from the peak for release (crying effects fade within about 4 min;
        Hendriks et al. 2007).
    recovery_level : float
        Sympathetic index level counted as back at baseline.
    recovery_hold_s : float
        How long the sympathetic index must stay below ``recovery_level``.
    anchor_peak_min : float
        Lower peak threshold used around a ``tears`` marker (markers anchor, never
        required).
    progress : bool or None
        Show a progress bar on stderr; ``None`` shows it only on a terminal.
    """

    step_s: float = 2.0
    baseline: tuple[float, float] | None = None
    default_baseline_s: float = 300.0
    eda_latency_s: float = 2.0
    min_quality: float = 0.3
    hr_window_s: float = 10.0
    eda_window_s: float = 10.0
    scr_window_s: float = 30.0
    resp_window_s: float = 30.0
    hrv_window_s: float = 30.0
    hf_window_s: float = 60.0
    level_window_s: float = 60.0
    saturation_z: float = 5.0
    arousal_on: float = 2.0
    arousal_off: float = 1.0
    peak_min: float = 3.0
    min_arousal_s: float = 60.0
    merge_gap_s: float = 60.0
    release_rise: float = 1.5
    release_level: float = 1.0
    max_latency_s: float = 300.0
    recovery_level: float = 1.0
    recovery_hold_s: float = 30.0
    anchor_peak_min: float = 1.5
    progress: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view of the options."""
        out = dataclasses.asdict(self)
        out["baseline"] = list(self.baseline) if self.baseline else None
        return out


_FIELDS = {f.name for f in dataclasses.fields(Options)}


def _parse_baseline(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    if isinstance(value, str):
        parts = value.split(":")
        if len(parts) != 2:
            raise AnalysisError(
                f"baseline must look like START:END in seconds (e.g. 0:300); got {value!r}"
            )
        value = parts
    try:
        start, end = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(
            f"baseline must be two numbers START:END in seconds; got {value!r}"
        ) from exc
    if not (math.isfinite(start) and math.isfinite(end) and 0 <= start < end):
        raise AnalysisError(f"baseline needs 0 <= START < END; got {start}:{end}")
    return (start, end)


def make_options(**kwargs: Any) -> Options:
    """Build :class:`Options`, rejecting unknown names and impossible values.

    Raises
    ------
    AnalysisError
        On an unknown option (the message lists the valid ones) or a bad value.
    """
    unknown = sorted(set(kwargs) - _FIELDS)
    if unknown:
        raise AnalysisError(
            f"unknown analysis option(s) {unknown}; valid options are {sorted(_FIELDS)}"
        )
    if "baseline" in kwargs:
        kwargs["baseline"] = _parse_baseline(kwargs["baseline"])
    opts = Options(**kwargs)
    for f in dataclasses.fields(Options):
        v = getattr(opts, f.name)
        if f.name.endswith("_s") and isinstance(v, float | int) and not v > 0:
            if f.name == "eda_latency_s" and v == 0:
                continue
            raise AnalysisError(f"option {f.name} must be a positive number of seconds; got {v}")
    if not 0.0 <= opts.min_quality <= 1.0:
        raise AnalysisError(f"option min_quality must be in [0, 1]; got {opts.min_quality}")
    if not opts.saturation_z > 0:
        raise AnalysisError(f"option saturation_z must be a positive z; got {opts.saturation_z}")
    if opts.arousal_off > opts.arousal_on:
        raise AnalysisError(
            f"option arousal_off ({opts.arousal_off}) must not exceed arousal_on "
            f"({opts.arousal_on})"
        )
    return opts
