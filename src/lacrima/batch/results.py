"""Result rows of a cohort run, the per-recording part files, and the final tables.

Every finished recording (analysed or failed) is written at once as one small JSON
*part* in ``OUT/parts/<key>.json`` (written to a temporary name and renamed, so a killed
run never leaves half a part). At the end the parts of the run's inputs are gathered
into ``sessions.parquet``, ``cycles.parquet`` (each with a CSV twin) and ``errors.csv``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lacrima.batch.inputs import RecordingInput

__all__ = [
    "CYCLE_COLUMNS",
    "ERROR_COLUMNS",
    "PART_FORMAT",
    "SESSION_COLUMNS",
    "TablePaths",
    "atomic_write",
    "cycle_rows",
    "error_row",
    "read_part",
    "resume_key",
    "session_row",
    "write_part",
    "write_tables",
]

logger = logging.getLogger(__name__)

PART_FORMAT = "lacrima-batch-part/2"
"""Version tag of a part file; a part with another tag is ignored by ``--resume``."""

ID_COLUMNS = ("recording_id", "subject", "session", "task", "run")
QUALITY_KINDS = ("ecg", "ppg", "eda", "resp")
CYCLE_KINDS = ("complete", "unresolved", "undetermined")

SESSION_COLUMNS: tuple[str, ...] = (
    *ID_COLUMNS,
    "path",
    "content_hash",
    "start_time",
    "duration_s",
    "session_kind",
    "channels_used",
    "n_channels_used",
    *(f"quality_{kind}" for kind in QUALITY_KINDS),
    "baseline_start_s",
    "baseline_end_s",
    "baseline_source",
    "n_cycles",
    *(f"n_cycles_{kind}" for kind in CYCLE_KINDS),
    *(f"{phase}_s" for phase in ("s_phase", "p_phase")),
    "sympathetic_median",
    "sympathetic_max",
    "parasympathetic_median",
    "parasympathetic_max",
    "n_problems",
    "problems",
    "schema_version",
    "analysis_s",
)
"""Columns of ``sessions.parquet``, in order (one row per analysed recording)."""

CYCLE_COLUMNS: tuple[str, ...] = (
    *ID_COLUMNS,
    "cycle",
    "kind",
    "s_onset_s",
    "peak_s",
    "p_onset_s",
    "end_s",
)
"""Leading columns of ``cycles.parquet``; further scalar fields of a cycle follow them."""

ERROR_COLUMNS: tuple[str, ...] = (*ID_COLUMNS, "path", "error", "message")
"""Columns of ``errors.csv`` (one row per recording that failed)."""


def _number(value: Any) -> float:
    """A float from a JSON value; ``nan`` for ``None`` or anything non-numeric."""
    if isinstance(value, bool) or value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _summary(values: Any) -> tuple[float, float]:
    """Median and maximum of a series of index values, ignoring missing ones."""
    arr = np.asarray([_number(v) for v in (values or [])], dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return math.nan, math.nan
    return float(np.median(arr)), float(arr.max())


def _phase_time(phases: Iterable[Mapping[str, Any]], prefix: str) -> float:
    """Total time (s) of the phases whose label starts with ``prefix`` (``"s"``, ``"p"``)."""
    total = 0.0
    for phase in phases:
        label = str(phase.get("label", "")).lower()
        if label == prefix or label.startswith(prefix + "_") or label.startswith(prefix + "-"):
            span = _number(phase.get("end_s")) - _number(phase.get("start_s"))
            if math.isfinite(span):
                total += span
    return total


def _ids(item: RecordingInput) -> dict[str, Any]:
    return {
        "recording_id": item.recording_id,
        "subject": item.subject,
        "session": item.session,
        "task": item.task,
        "run": item.run,
    }


def session_row(
    item: RecordingInput, report: Mapping[str, Any], *, content_hash: str, analysis_s: float
) -> dict[str, Any]:
    """Summarise one analysis report (``Analysis.to_dict()``) as a ``sessions`` row.

    Channels are those the analysis used (``"name:kind;..."``); ``quality_<kind>`` is
    the best quality (0..1) of any channel of that kind; the index summaries are the
    median and maximum over the session of the sympathetic and parasympathetic indices
    (baseline z units); ``s_phase_s`` and ``p_phase_s`` are the total time in S and P
    phases.

    Parameters
    ----------
    item : RecordingInput
        The recording and its identifiers.
    report : mapping
        The JSON report of :func:`lacrima.analyze`.
    content_hash : str
        Hash of the recording's bytes (see :func:`~lacrima.batch.inputs.content_hash`).
    analysis_s : float
        Wall time of the analysis, s.

    Returns
    -------
    dict
        One value per name in :data:`SESSION_COLUMNS`.
    """
    channels = report.get("channels") or {}
    used = {name: info for name, info in channels.items() if info.get("used", True)}
    quality: dict[str, float] = {}
    for info in channels.values():
        kind = str(info.get("kind", "other"))
        q = _number(info.get("quality"))
        if math.isfinite(q):
            quality[kind] = max(q, quality.get(kind, -math.inf))
    baseline = report.get("baseline") or {}
    cycles = report.get("cycles") or []
    kinds = [str(c.get("kind", "")) for c in cycles]
    indices = report.get("indices") or {}
    phases = report.get("phases") or []
    problems = [
        str(p) if not isinstance(p, Mapping) else _problem_text(p)
        for p in report.get("problems") or []
    ]
    recording = report.get("recording") or {}
    s_med, s_max = _summary(indices.get("sympathetic"))
    p_med, p_max = _summary(indices.get("parasympathetic"))
    row: dict[str, Any] = {
        **_ids(item),
        "path": item.path,
        "content_hash": content_hash,
        "start_time": recording.get("start_time"),
        "duration_s": _number(recording.get("duration_s")),
        "session_kind": (report.get("session") or {}).get("kind"),
        "channels_used": ";".join(
            f"{name}:{info.get('kind', 'other')}" for name, info in used.items()
        ),
        "n_channels_used": len(used),
        **{f"quality_{kind}": quality.get(kind, math.nan) for kind in QUALITY_KINDS},
        "baseline_start_s": _number(baseline.get("start_s")),
        "baseline_end_s": _number(baseline.get("end_s")),
        "baseline_source": baseline.get("source"),
        "n_cycles": len(cycles),
        **{f"n_cycles_{kind}": kinds.count(kind) for kind in CYCLE_KINDS},
        "s_phase_s": _phase_time(phases, "s"),
        "p_phase_s": _phase_time(phases, "p"),
        "sympathetic_median": s_med,
        "sympathetic_max": s_max,
        "parasympathetic_median": p_med,
        "parasympathetic_max": p_max,
        "n_problems": len(problems),
        "problems": " | ".join(problems),
        "schema_version": str(report.get("schema_version", "")),
        "analysis_s": analysis_s,
    }
    return row


def _problem_text(problem: Mapping[str, Any]) -> str:
    """``"part: reason (start_s-end_s s)"`` for a problem of the report."""
    if "reason" not in problem:
        return json.dumps(problem, sort_keys=True, default=str)
    text = f"{problem.get('part', 'analysis')}: {problem['reason']}"
    start, end = problem.get("start_s"), problem.get("end_s")
    if start is not None and end is not None:
        text += f" ({start}-{end} s)"
    return text


def cycle_rows(item: RecordingInput, report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One ``cycles`` row per S-P cycle of a report, with its timings (s).

    Scalar fields of a cycle beyond :data:`CYCLE_COLUMNS` (scores, amplitudes) are kept
    under their own names; nested values are dropped.
    """
    rows = []
    for number, cycle in enumerate(report.get("cycles") or []):
        row: dict[str, Any] = {**_ids(item), "cycle": number, "kind": cycle.get("kind")}
        for name in CYCLE_COLUMNS[len(ID_COLUMNS) + 2 :]:
            row[name] = _number(cycle.get(name))
        for name, value in cycle.items():
            if name not in row and (value is None or isinstance(value, str | int | float)):
                row[name] = value
        rows.append(row)
    return rows


def resume_key(content_hash: str, options: Mapping[str, Any], analyzer: str = "") -> str:
    """The key ``--resume`` compares: the session's content, the options, the version.

    A recording is analysed again when any file of its session changed (a WFDB ``.atr``,
    a BIDS sidecar, one device's file of a two-device session), when the analysis
    options changed (``--baseline``, ``--fs``), or with another Lacrima version.

    Parameters
    ----------
    content_hash : str
        :func:`~lacrima.batch.inputs.content_hash` of every file of the session.
    options : mapping
        The keyword options of the analysis (JSON-serialisable, or shown by ``str``).
    analyzer : str
        The analysis function's import name, when it is not :func:`lacrima.analyze`.

    Returns
    -------
    str
        ``"xxh3_128:<hex>"``.
    """
    import xxhash

    import lacrima

    text = json.dumps(
        {
            "content": content_hash,
            "options": options,
            "lacrima": lacrima.__version__,
            "analyzer": analyzer,
        },
        sort_keys=True,
        default=str,
    )
    return "xxh3_128:" + xxhash.xxh3_128_hexdigest(text.encode("utf-8"))


def error_row(item: RecordingInput, error: str, message: str) -> dict[str, Any]:
    """One ``errors.csv`` row: the recording, the error class name and its message."""
    return {**_ids(item), "path": item.path, "error": error, "message": message}


def atomic_write(path: Path, write: Any) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_part(parts_dir: Path, part: Mapping[str, Any]) -> Path:
    """Write one recording's part file atomically and return its path."""
    path = parts_dir / f"{part['key']}.json"
    text = json.dumps(part, default=str, allow_nan=True)

    def _write(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8")

    atomic_write(path, _write)
    return path


def read_part(parts_dir: Path, key: str) -> dict[str, Any] | None:
    """The part of a recording, or ``None`` when absent, unreadable or of another format."""
    path = parts_dir / f"{key}.json"
    try:
        part = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        logger.warning("ignoring unreadable part file %s: %s", path, exc)
        return None
    if not isinstance(part, dict) or part.get("format") != PART_FORMAT:
        return None
    return part


@dataclass(frozen=True)
class TablePaths:
    """Where the consolidated tables of a run were written."""

    sessions_parquet: Path
    sessions_csv: Path
    cycles_parquet: Path
    cycles_csv: Path
    errors_csv: Path


def _frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    extra = sorted({name for row in rows for name in row} - set(columns))
    frame = pd.DataFrame(list(rows), columns=[*columns, *extra])
    for name in ("subject", "session", "task", "run", "kind", "schema_version", "session_kind"):
        if name in frame:
            frame[name] = frame[name].astype("string")
    return frame


def write_tables(out_dir: Path, parts: Iterable[Mapping[str, Any]]) -> TablePaths:
    """Gather parts into the result tables (Parquet + CSV twins) and ``errors.csv``.

    Parameters
    ----------
    out_dir : pathlib.Path
        The run's output folder.
    parts : iterable of mapping
        The parts of the run's recordings, in input order.

    Returns
    -------
    TablePaths
        The files written; each is replaced atomically.
    """
    sessions: list[Mapping[str, Any]] = []
    cycles: list[Mapping[str, Any]] = []
    errors: list[Mapping[str, Any]] = []
    for part in parts:
        if part.get("status") == "ok":
            sessions.append(part["session"])
            cycles.extend(part.get("cycles") or [])
        else:
            errors.append(part["error"])
    sessions_df = _frame(sessions, SESSION_COLUMNS)
    sessions_df["start_time"] = pd.to_datetime(sessions_df["start_time"], utc=True, errors="coerce")
    cycles_df = _frame(cycles, CYCLE_COLUMNS)
    cycles_df["cycle"] = cycles_df["cycle"].astype("Int64")
    errors_df = _frame(errors, ERROR_COLUMNS)
    paths = TablePaths(
        sessions_parquet=out_dir / "sessions.parquet",
        sessions_csv=out_dir / "sessions.csv",
        cycles_parquet=out_dir / "cycles.parquet",
        cycles_csv=out_dir / "cycles.csv",
        errors_csv=out_dir / "errors.csv",
    )
    for frame, parquet, csv in (
        (sessions_df, paths.sessions_parquet, paths.sessions_csv),
        (cycles_df, paths.cycles_parquet, paths.cycles_csv),
    ):
        atomic_write(parquet, lambda tmp, f=frame: f.to_parquet(tmp, index=False))
        atomic_write(csv, lambda tmp, f=frame: f.to_csv(tmp, index=False))
    atomic_write(paths.errors_csv, lambda tmp: errors_df.to_csv(tmp, index=False))
    return paths
