"""Page data for an S-P report (so templates hold no logic).

Turns ``Analysis.to_dict()`` (see :mod:`lacrima.sp.analysis`) into rows with times as
``m:ss`` and words for phases and cycle kinds, plus the compact series the timeline
script draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lacrima.sp.summary import clock

__all__ = [
    "MAX_TIMELINE_POINTS",
    "PHASE_WORDS",
    "ClientReport",
    "ReportView",
    "build",
    "for_client",
]

MAX_TIMELINE_POINTS = 4000
MAX_TIMELINE_MARKERS = 200

PHASE_WORDS = {
    "baseline": "Baseline (calm reference)",
    "S": "S-phase (arousal rising)",
    "peak": "Peak",
    "P": "P-phase (calming, release)",
    "recovery": "Recovery",
}
CYCLE_WORDS = {
    "complete": "S-phase followed by a P-phase",
    "unresolved": "no clear P-phase within the search window",
    "undetermined": "P-phase not measurable (heartbeat signal missing or unusable)",
}
CLIENT_PHASE_WORDS = {
    "baseline": "calm, close to how you were at the start",
    "S": "your body becoming more stirred up",
    "peak": "the high point",
    "P": "signs of your body calming down",
    "recovery": "settling back",
}


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{round(100 * x)} %"


def _num(x: float | None, unit: str = "", nd: int = 1) -> str:
    return "—" if x is None else f"{x:.{nd}f}{unit}"


@dataclass(frozen=True)
class ReportView:
    """Everything the therapist's report section shows."""

    kind: str
    duration: str
    baseline: str
    summary_lines: list[str]
    phases: list[dict[str, Any]]
    cycles: list[dict[str, Any]]
    channels: list[dict[str, Any]]
    problems: list[dict[str, str]]
    file_marker_count: int
    timeline: dict[str, Any] = field(default_factory=dict)


def _stride(values: list[Any] | None, step: int) -> list[Any]:
    return [] if values is None else values[::step]


def _timeline(data: dict[str, Any]) -> dict[str, Any]:
    ix = data.get("indices") or {}
    t = ix.get("t_s") or []
    step = max(1, -(-len(t) // MAX_TIMELINE_POINTS))
    markers = data.get("markers") or []
    if len(markers) > MAX_TIMELINE_MARKERS:
        markers = [m for m in markers if m["label"] != "N"][:MAX_TIMELINE_MARKERS]
    return {
        "t": _stride(t, step),
        "sympathetic": _stride(ix.get("sympathetic"), step),
        "parasympathetic": _stride(ix.get("parasympathetic"), step),
        "phases": [
            {"label": p["label"], "start_s": p["start_s"], "end_s": p["end_s"]}
            for p in data.get("phases") or []
        ],
        "markers": [{"time_s": m["time_s"], "label": m["label"]} for m in markers],
    }


def _cycle_row(n: int, c: dict[str, Any]) -> dict[str, Any]:
    return {
        "n": n,
        "kind": CYCLE_WORDS.get(c["kind"], c["kind"]),
        "s_onset": clock(c.get("s_onset_s")),
        "peak": clock(c.get("peak_s")),
        "p_onset": clock(c.get("p_onset_s")),
        "end": clock(c.get("end_s")),
        "peak_height": _num(c.get("peak_height"), " z"),
        "latency": _num(c.get("s_to_p_latency_s"), " s", 0),
        "p_depth": _num(c.get("p_depth"), " z"),
        "recovery": _num(c.get("time_to_recovery_s"), " s", 0),
        "markers": ", ".join(f"{m['label']} {clock(m['time_s'])}" for m in c.get("markers", [])),
    }


def build(data: dict[str, Any], file_markers: list[dict[str, Any]] | None = None) -> ReportView:
    """The therapist's view of a stored report."""
    rec = data.get("recording") or {}
    base = data.get("baseline") or {}
    source = str(base.get("source", "")).replace("_", " ")
    phases = [
        {
            "label": p["label"],
            "words": PHASE_WORDS.get(p["label"], p["label"]),
            "start": clock(p["start_s"]),
            "end": clock(p["end_s"]),
            "length": clock(p["end_s"] - p["start_s"]),
        }
        for p in data.get("phases") or []
    ]
    channels = [
        {
            "name": name,
            "kind": ch.get("kind", ""),
            "unit": ch.get("unit", ""),
            "rate": "events" if ch.get("fs_hz") is None else f"{ch['fs_hz']:g} Hz",
            "quality": _pct(ch.get("quality")),
            "usable": _pct(ch.get("usable_fraction")),
            "used": "yes" if ch.get("used") else "no",
            "note": ch.get("note", ""),
        }
        for name, ch in (data.get("channels") or {}).items()
    ]
    problems = [
        {
            "part": p["part"],
            "reason": p["reason"],
            "when": (
                "whole recording"
                if p.get("start_s") is None
                else f"{clock(p['start_s'])}–{clock(p.get('end_s'))}"
            ),
        }
        for p in data.get("problems") or []
    ]
    return ReportView(
        kind=(data.get("session") or {}).get("kind", ""),
        duration=clock(rec.get("duration_s")),
        baseline=f"{clock(base.get('start_s'))}–{clock(base.get('end_s'))} ({source})",
        summary_lines=str((data.get("summary") or {}).get("therapist", "")).splitlines(),
        phases=phases,
        cycles=[_cycle_row(n, c) for n, c in enumerate(data.get("cycles") or [], 1)],
        channels=channels,
        problems=problems,
        file_marker_count=len(file_markers or []),
        timeline=_timeline(data),
    )


@dataclass(frozen=True)
class ClientReport:
    """The plain-language version a client sees (no indices, no numbers to compare)."""

    summary: str
    moments: list[dict[str, str]]
    duration: str


def for_client(data: dict[str, Any]) -> ClientReport:
    """The client's plain-language version of a stored report."""
    moments = [
        {
            "start": clock(p["start_s"]),
            "end": clock(p["end_s"]),
            "words": CLIENT_PHASE_WORDS[p["label"]],
        }
        for p in data.get("phases") or []
        if p["label"] in CLIENT_PHASE_WORDS
    ]
    return ClientReport(
        summary=str((data.get("summary") or {}).get("client", "")),
        moments=moments,
        duration=clock((data.get("recording") or {}).get("duration_s")),
    )


def session_context(record: Any, upload_form: Any = None, upload_error: str = "") -> dict[str, Any]:
    """Page data of a session for its therapist: recordings (with the client's view of
    each finished one), markers, and the upload and marker forms."""
    from lacrima.web.records.forms import MarkerForm, UploadForm

    uploads = list(record.uploads.select_related("report").order_by("created_at", "pk"))
    recordings = [
        {
            "upload": u,
            "plain": for_client(u.report.data) if u.status == u.Status.DONE else None,
        }
        for u in uploads
    ]
    return {
        "record": record,
        "recordings": recordings,
        "markers": list(record.markers.select_related("upload")),
        "upload_form": upload_form or UploadForm(),
        "upload_error": upload_error,
        "marker_form": MarkerForm(uploads=uploads),
    }
