"""The HTML session report: one self-contained file that opens offline.

Figures are inline SVG, styles inline; there are no scripts and no external URLs. The
page has a plain-language part for the client first and the technical detail for the
therapist or researcher after it. All text from the recording (file name, marker
labels) is HTML-escaped. Markers are listed one by one up to
:data:`~lacrima.sp.report_plot.MAX_DRAWN_MARKERS`, counted per label above that;
reference beat annotations are one summary line, never listed (decision record 0013f).
"""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING

from lacrima.sp.report_plot import MAX_DRAWN_MARKERS, drawn_markers, timeline_svg
from lacrima.sp.summary import client_summary, clock, therapist_summary

if TYPE_CHECKING:
    from lacrima.sp.analysis import Analysis

__all__ = ["render_html"]

_LISTED_LABELS = 10  # most frequent marker labels named when markers are counted, not listed

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:2rem auto;padding:0 1rem;color:#1f2933;line-height:1.5;background:#fbfbf8}
h1{font-weight:500;font-size:1.6rem;margin-bottom:.2rem}h2{font-weight:500;font-size:1.2rem;
margin-top:2rem;border-bottom:1px solid #d9d9d0;padding-bottom:.2rem}
.meta{color:#52606d;font-size:.9rem}.client{background:#eef4f7;border-radius:8px;
padding:1rem 1.2rem;font-size:1.05rem}table{border-collapse:collapse;font-size:.85rem;
margin:.5rem 0}th,td{border-bottom:1px solid #e4e4dc;padding:.3rem .6rem;text-align:left}
th{font-weight:600;background:#f1f1ea}td.num{text-align:right;font-variant-numeric:tabular-nums}
.fig svg{width:100%;height:auto}pre{white-space:pre-wrap;font-family:inherit;margin:0}
.note{color:#52606d;font-size:.85rem}details{margin:.6rem 0}
"""

_REFERENCES = [
    "Von Glahn, J. In praise of therapeutic crying. Psychotherapy Networker, May/June 2012.",
    "Gross, J. J., Fredrickson, B. L., Levenson, R. W. The psychophysiology of crying. "
    "Psychophysiology 31:460-468, 1994.",
    "Hendriks, M. C. P., Rottenberg, J., Vingerhoets, A. J. J. M. Can the distress-signal and "
    "arousal-reduction views of crying be reconciled? Emotion 7:458-463, 2007.",
    "Rottenberg, J., Wilhelm, F. H., Gross, J. J., Gotlib, I. H. Vagal rebound during "
    "resolution of tearful crying among depressed and nondepressed individuals. "
    "Psychophysiology 40:1-6, 2003.",
    "Gračanin, A., Bylsma, L. M., Vingerhoets, A. J. J. M. Is crying a self-soothing "
    "behavior? Frontiers in Psychology 5:502, 2014.",
    "Sharman, L. S., Dingle, G. A., Vingerhoets, A. J. J. M., Vanman, E. J. Using crying to "
    "cope: physiological responses to stress following tears of sadness. Emotion "
    "20:1279-1291, 2020.",
    "Grossman, P., Taylor, E. W. Toward understanding respiratory sinus arrhythmia. Biol "
    "Psychol 74:263-285, 2007.",
    "Boucsein, W. Electrodermal Activity, 2nd ed. Springer, 2012.",
    "Task Force of the ESC and NASPE. Heart rate variability: standards of measurement. "
    "Circulation 93:1043-1065, 1996.",
]

_CAVEATS = [
    "The S-P sequence is a clinical hypothesis. The indices are an aid to observation, "
    "not proof of healing and not a diagnosis.",
    "Sympathetic and parasympathetic activity are measured as two separate indices: both "
    "branches can be active at once, so they are not opposite ends of one scale.",
    "Slow or sobbing breathing can fall below 0.15 Hz and move RSA out of the HF band; "
    "RSA is therefore measured peak-to-trough per breath where a breathing channel exists, "
    "HF power is left out while breathing is outside 9-24 breaths/min, and the breathing "
    "rate is shown beside the indices.",
    "Classic HF power needs 1-2 minute windows while crying effects last seconds to "
    "minutes; short-window RMSSD and RSA carry the parasympathetic index, HF power has "
    "half weight.",
    "Skin conductance lags the sympathetic burst by 1-3 s (corrected) and recovers slowly, "
    "so the sympathetic index can stay raised after arousal has passed.",
    "Sobbing and wiping tears cause movement artefacts; windows with poor signal are "
    "down-weighted or left out and listed under Problems.",
]


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _f(x: float | None, nd: int = 1) -> str:
    return "—" if x is None else f"{x:.{nd}f}"


def _table(head: list[str], rows: list[list[str]], num_from: int = 1) -> str:
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = []
    for r in rows:
        cells = "".join(
            f'<td class="num">{c}</td>' if i >= num_from else f"<td>{c}</td>"
            for i, c in enumerate(r)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cycles(a: Analysis) -> str:
    if not a.cycles:
        return "<p>No cycle: no arousal episode met the S-phase criteria (no_arousal).</p>"
    rows = []
    for n, c in enumerate(a.cycles, 1):
        rows.append(
            [
                str(n),
                _e(c.kind),
                clock(c.s_onset_s),
                clock(c.peak_s),
                _f(c.peak_height),
                _f(c.s_duration_s, 0),
                clock(c.p_onset_s),
                _f(c.s_to_p_latency_s, 0),
                _f(c.p_depth),
                _f(c.time_to_recovery_s, 0),
            ]
        )
    head = [
        "#",
        "kind",
        "S onset",
        "peak",
        "peak height (z)",
        "S duration (s)",
        "P onset",
        "S→P latency (s)",
        "P depth (z)",
        "time to recovery (s)",
    ]
    return _table(head, rows, num_from=2)


def _channels(a: Analysis) -> str:
    rows = []
    for c in a.channels:
        rate = "events" if c.fs_hz is None else f"{c.fs_hz:g} Hz"
        rows.append(
            [
                _e(c.name),
                _e(c.kind),
                _e(rate),
                _f(c.quality, 2) if c.used else "—",
                _f(None if c.usable_fraction is None else 100 * c.usable_fraction, 0),
                _e(c.note or ("used" if c.used else "")),
            ]
        )
    return _table(["channel", "kind", "rate", "mean quality", "usable %", "note"], rows, 3)


def _inputs(a: Analysis) -> str:
    out = []
    for key in ("sympathetic", "parasympathetic"):
        rows = [
            [
                _e(i.description),
                _e(", ".join(f"{k} {100 * v:.0f}%" for k, v in i.channels.items())),
                _f(i.weight, 2),
                _e(i.transform),
                _f(i.window_s, 0),
                f"{i.baseline_median:.4g}",
                f"{i.baseline_scale:.3g}",
                _f(100 * i.coverage, 0),
            ]
            for i in a.indices.inputs_of(key)
        ]
        head = [
            "input",
            "channel (share of windows)",
            "weight",
            "transform",
            "window (s)",
            "baseline median",
            "baseline scale",
            "coverage %",
        ]
        body = _table(head, rows, num_from=2) if rows else "<p>No input: not computed.</p>"
        out.append(f"<h3>{key.capitalize()} index</h3>{body}")
    return "".join(out)


def _problems(a: Analysis) -> str:
    if not a.problems:
        return "<p>None: every part of the session could be analysed.</p>"
    rows = [[_e(p.part), clock(p.start_s), clock(p.end_s), _e(p.reason)] for p in a.problems]
    return _table(["part", "from", "to", "why"], rows, num_from=9)


def _markers(a: Analysis) -> str:
    """The note under the timeline: each marker, or counts per label when there are many."""
    if not a.markers:
        text = "Markers: none."
    elif len(drawn_markers(a)) <= MAX_DRAWN_MARKERS:
        text = "Markers: " + ", ".join(f"{_e(lab)} {clock(t)}" for t, lab, _ in a.markers) + "."
    else:
        counts = Counter(lab for _, lab, _ in a.markers).most_common()
        named = ", ".join(f"{_e(lab)} ×{n:,}" for lab, n in counts[:_LISTED_LABELS])
        rest = len(counts) - _LISTED_LABELS
        more = f", and {rest:,} other labels" if rest > 0 else ""
        text = (
            f"Markers: {len(a.markers):,}, too many to list one by one ({named}{more}); "
            "the timeline shows where they fall as unlabelled ticks. The JSON report lists "
            "each one."
        )
    ref = a.reference_beats
    if ref is not None:
        text += (
            f" Also in the file: {_e(ref.line())}, kept for validating beat detection, not drawn."
        )
    return f'<p class="note">{text}</p>'


def render_html(a: Analysis) -> str:
    """Render the full report of ``a`` as one HTML document (str)."""
    o = a.options
    thresholds = (
        f"arousal on/off {o.arousal_on}/{o.arousal_off} z for at least {o.min_arousal_s:.0f} s, "
        f"peak at least {o.peak_min} z; release: parasympathetic rise of {o.release_rise} z over "
        f"its S-phase level to at least {o.release_level} z within {o.max_latency_s:.0f} s of "
        f"the peak; recovery: sympathetic index below {o.recovery_level} z for "
        f"{o.recovery_hold_s:.0f} s. Grid step {o.step_s} s."
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lacrima session report — {_e(a.source or "recording")}</title>
<style>{_CSS}</style></head>
<body>
<h1>Session report</h1>
<p class="meta">{_e(a.source or "recording")} · started {_e(a.start_time or "unknown")} ·
{clock(a.duration_s)} long · baseline {clock(a.baseline.start_s)}–{clock(a.baseline.end_s)}
({_e(a.baseline.source.replace("_", " "))})</p>

<h2>In plain words</h2>
<div class="client"><p>{_e(client_summary(a))}</p></div>

<h2>Timeline</h2>
<div class="fig">{timeline_svg(a)}</div>
{_markers(a)}

<h2>Cycles</h2>
{_cycles(a)}

<h2>Channels and signal quality</h2>
{_channels(a)}

<h2>For the therapist or researcher</h2>
<pre>{_e(therapist_summary(a))}</pre>
<h3>What went into each index</h3>
<p class="note">Each index is the quality-weighted mean of robust z-scores of its inputs
against the baseline (median and scaled MAD, with a floor per input).</p>
{_inputs(a)}
<h3>Thresholds</h3><p>{_e(thresholds)}</p>
<h3>Problems</h3>
{_problems(a)}
<h3>Caveats</h3>
<ul>{"".join(f"<li>{_e(c)}</li>" for c in _CAVEATS)}</ul>
<h3>References</h3>
<ul>{"".join(f"<li>{_e(r)}</li>" for r in _REFERENCES)}</ul>
<p class="note">Made by Lacrima (open source). This report gives no diagnosis.</p>
</body></html>
"""
