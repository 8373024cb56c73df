"""Figures of the S-P report, rendered by matplotlib's object API as inline SVG.

No pyplot (no global figure state); the Agg-free SVG backend is used through
``Figure.savefig``. Colours are the Okabe-Ito palette (safe for colour-blind readers):
sympathetic vermillion, parasympathetic blue.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from lacrima.sp.analysis import Analysis

__all__ = ["MAX_DRAWN_MARKERS", "PHASE_COLOURS", "drawn_markers", "timeline_svg"]

S_COLOUR = "#D55E00"
P_COLOUR = "#0072B2"
PHASE_COLOURS = {
    "S": ("#E69F00", 0.18),
    "peak": ("#D55E00", 0.18),
    "P": ("#56B4E9", 0.22),
    "recovery": ("#009E73", 0.12),
}
_MAX_POINTS = 4000

#: Above this many markers the timeline draws them collapsed (a rug of unlabelled ticks)
#: and the HTML counts them per label instead of listing each (decision record 0013f).
MAX_DRAWN_MARKERS = 50
_MAX_RUG_TICKS = 1000  # about one per pixel of the 11-inch figure at 100 dpi
_NOT_DRAWN = ("baseline_start", "baseline_end")  # shown as the hatched baseline instead


def drawn_markers(a: Analysis) -> list[tuple[float, str]]:
    """The markers the timeline shows, ``(time_s, label)``: all but the baseline bounds."""
    return [(t, lab) for t, lab, _ in a.markers if lab.lower() not in _NOT_DRAWN]


def _draw_markers(ax: object, a: Analysis, scale: float, top: float) -> None:
    markers = drawn_markers(a)
    if len(markers) > MAX_DRAWN_MARKERS:
        # collapsed: one path of short ticks along the bottom edge, merged to sub-pixel bins
        span = max(a.duration_s, 1e-9) / _MAX_RUG_TICKS
        bins = np.unique(np.floor(np.array([t for t, _ in markers]) / span))
        x = np.repeat((bins + 0.5) * span / scale, 3)
        x[2::3] = np.nan
        y = np.tile([0.0, 0.05, np.nan], bins.size)  # axes fraction: the bottom 5 %
        ax.plot(  # type: ignore[attr-defined]
            x,
            y,
            color="0.25",
            lw=0.6,
            transform=ax.get_xaxis_transform(),  # type: ignore[attr-defined]
            label=f"{len(markers)} markers (ticks, not labelled)",
        )
        return
    for tm, label in markers:
        ax.axvline(tm / scale, color="0.25", lw=0.8, ls="--")  # type: ignore[attr-defined]
        ax.text(  # type: ignore[attr-defined]
            tm / scale, top, f" {label}", rotation=90, va="top", ha="left", fontsize=8, color="0.25"
        )


def _thin(t: np.ndarray, *ys: np.ndarray) -> tuple[np.ndarray, ...]:
    step = max(int(np.ceil(len(t) / _MAX_POINTS)), 1)
    return (t[::step], *(y[::step] for y in ys))


def _to_svg(fig: Figure) -> str:
    buf = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "lacrima"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def _shade(ax: object, a: Analysis, scale: float) -> None:
    for ph in a.phases:
        style = PHASE_COLOURS.get(ph.label)
        if style is not None:
            ax.axvspan(ph.start_s / scale, ph.end_s / scale, color=style[0], alpha=style[1], lw=0)  # type: ignore[attr-defined]


def timeline_svg(a: Analysis) -> str:
    """The session timeline: indices with phases and markers, breathing, channel quality.

    Parameters
    ----------
    a : Analysis
        The analysis to draw.

    Returns
    -------
    str
        An ``<svg>`` element (no XML prolog), ready to inline in HTML.
    """
    ix = a.indices
    minutes = a.duration_s > 600
    scale = 60.0 if minutes else 1.0
    unit = "min" if minutes else "s"
    has_resp = a.resp_rate_bpm is not None and np.isfinite(a.resp_rate_bpm).any()
    used = [c for c in a.channels if c.used]
    heights = [4.0] + ([1.4] if has_resp else []) + [0.35 * max(len(used), 1) + 0.4]
    fig = Figure(figsize=(11, sum(heights) + 0.8), layout="constrained")
    axes = fig.subplots(len(heights), 1, sharex=True, gridspec_kw={"height_ratios": heights})
    ax = axes[0]
    t = ix.t_s / scale
    tt, s, p = _thin(t, ix.sympathetic, ix.parasympathetic)
    ax.axvspan(
        a.baseline.start_s / scale,
        a.baseline.end_s / scale,
        color="0.5",
        alpha=0.35,
        lw=0,
        hatch="//",
        fill=False,
    )
    _shade(ax, a, scale)
    ax.axhline(0, color="0.6", lw=0.8)
    ax.plot(tt, s, color=S_COLOUR, lw=1.3, label="sympathetic (arousal)")
    if np.isfinite(p).any():
        ax.plot(tt, p, color=P_COLOUR, lw=1.3, label="parasympathetic (calming)")
    for n, c in enumerate(a.cycles, 1):
        ax.plot([c.peak_s / scale], [c.peak_height], "v", color=S_COLOUR, ms=6)
        ax.annotate(
            f"{n}",
            (c.peak_s / scale, c.peak_height),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    top = np.nanmax(np.concatenate([s[np.isfinite(s)], p[np.isfinite(p)], [3.0]]))
    _draw_markers(ax, a, scale, top)
    ax.set_ylabel("index (baseline z)")
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=3)
    ax.set_title(
        "Session timeline: shaded S (amber), peak (red), P (blue), recovery (green); "
        "hatched = baseline",
        fontsize=9,
        loc="left",
    )
    k = 1
    if has_resp:
        assert a.resp_rate_bpm is not None
        axr = axes[k]
        tr, rr = _thin(t, a.resp_rate_bpm)
        axr.plot(tr, rr, color="0.2", lw=1.0)
        axr.axhspan(9, 24, color=P_COLOUR, alpha=0.06, lw=0)
        axr.set_ylabel("breaths/min", fontsize=8)
        axr.text(
            0.005,
            0.95,
            "breathing rate (band = 0.15-0.40 Hz, where HF power holds RSA)",
            transform=axr.transAxes,
            fontsize=7,
            va="top",
        )
        k += 1
    axq = axes[k]
    if used:
        tq = a.indices.t_s
        img = np.vstack([a.channel_quality.get(c.name, np.zeros(len(tq))) for c in used])
        axq.imshow(
            img,
            aspect="auto",
            cmap="YlGn",
            vmin=0,
            vmax=1,
            interpolation="nearest",
            extent=(tq[0] / scale, tq[-1] / scale, len(used) - 0.5, -0.5),
        )
        axq.set_yticks(range(len(used)), [c.name for c in used], fontsize=8)
    axq.set_xlabel(f"time ({unit})")
    axq.set_title(
        "signal quality per channel (green = good, pale = poor or missing)", fontsize=8, loc="left"
    )
    return _to_svg(fig)
