"""BIDS physiological recordings: ``*_physio.tsv.gz`` with a ``*_physio.json`` sidecar.

The TSV has no header; the sidecar gives ``SamplingFrequency`` (Hz), ``StartTime`` (s of
the first sample relative to the start of the run, negative when the physiology
started first) and ``Columns``. Units come from ``"<column>": {"Units": ...}`` entries
when present. The run's ``*_events.tsv`` (same name without ``_recording-<label>`` and
``_physio``), when it sits next to the file, gives markers from its ``onset``,
``duration`` and ``trial_type`` (or ``value``) columns. Times are seconds from the start
of the run, as in BIDS. BIDS physio sidecars carry no date, so ``start_time`` is None.

Reference: BIDS specification, "Physiological recordings",
https://bids-specification.readthedocs.io/en/stable/modality-specific-files/physiological-recordings.html
"""

from __future__ import annotations

import gzip
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from lacrima.io._quality import check_missing
from lacrima.io._table import TableSpec, read_table
from lacrima.io.errors import MalformedFileError, MissingFileError
from lacrima.io.kinds import infer_kind, normalize_unit
from lacrima.io.recording import Channel, Marker, Recording

__all__ = ["read_bids_physio", "sidecar_path"]


_REQUIRED = ("SamplingFrequency", "StartTime", "Columns")
_RECORDING_ENTITY = re.compile(r"_recording-[A-Za-z0-9]+")


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".tsv.gz", ".tsv"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def sidecar_path(path: Path) -> Path:
    """Return the JSON sidecar path of a BIDS physio file (``.tsv.gz`` -> ``.json``)."""
    return path.with_name(_stem(path) + ".json")


def _load_sidecar(path: Path) -> dict[str, Any]:
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        raise MissingFileError(
            f"{path.name}: a BIDS physio file needs its JSON sidecar {sidecar.name} next to "
            "it (SamplingFrequency, StartTime, Columns). Copy it along, or read the TSV as a "
            "plain table with format='csv' and fs=..."
        )
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise MalformedFileError(
            f"{sidecar.name}: line {exc.lineno}, column {exc.colno}: not valid JSON "
            f"({exc.msg}). Fix the sidecar."
        ) from None
    except UnicodeDecodeError:
        raise MalformedFileError(f"{sidecar.name}: is not UTF-8 text. Save it as UTF-8.") from None
    if not isinstance(meta, dict):
        raise MalformedFileError(f"{sidecar.name}: must hold a JSON object {{...}}.")
    missing = [key for key in _REQUIRED if key not in meta]
    if missing:
        raise MalformedFileError(
            f"{sidecar.name}: lacks {', '.join(missing)}, which BIDS requires for physio "
            "files. Add them."
        )
    return meta


def _number(meta: dict[str, Any], key: str, sidecar: str, positive: bool) -> float:
    value = meta[key]
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or (positive and value <= 0):
        need = "a positive number" if positive else "a number"
        raise MalformedFileError(f"{sidecar}: {key} is {value!r}; it must be {need}.")
    return float(value)


def _events(path: Path) -> list[Marker]:
    stem = _RECORDING_ENTITY.sub("", _stem(path)).removesuffix("_physio")
    events = path.with_name(stem + "_events.tsv")
    if not events.exists():
        return []
    lines = events.read_text(encoding="utf-8").splitlines()
    if not lines:
        return []
    header = lines[0].split("\t")
    if "onset" not in header:
        raise MalformedFileError(f"{events.name}: has no 'onset' column, which BIDS requires.")
    table = read_table(
        events.read_bytes(),
        TableSpec(events.name, header, first_line=2, delimiter="\t", text_columns=set(header)),
    )
    labels = table.get("trial_type", table.get("value"))
    markers = []
    for row, onset in enumerate(table["onset"]):
        try:
            time_s = float(onset)
            duration = float(table["duration"][row]) if "duration" in table else 0.0
        except (TypeError, ValueError):
            raise MalformedFileError(
                f"{events.name}: line {row + 2}: onset/duration {onset!r} is not a number."
            ) from None
        label = labels[row] if labels is not None and labels[row] is not None else "event"
        markers.append(Marker(time_s, str(label), 0.0 if math.isnan(duration) else duration))
    return markers


def read_bids_physio(path: Path, hints: dict[str, Any]) -> Recording:
    """Read a BIDS ``*_physio.tsv.gz`` file with its sidecar (and events, if any).

    Parameters
    ----------
    path : pathlib.Path
        The ``.tsv.gz`` (or ``.tsv``) file.
    hints : dict
        ``max_gap_s`` (s).

    Returns
    -------
    Recording
        One channel per column named in the sidecar; ``start_s`` is ``StartTime``.

    Raises
    ------
    MissingFileError
        No sidecar.
    MalformedFileError
        A sidecar that is not JSON or lacks a required key, or a column count that does
        not match ``Columns``.
    """
    source = path.name
    meta = _load_sidecar(path)
    sidecar = sidecar_path(path).name
    fs = _number(meta, "SamplingFrequency", sidecar, positive=True)
    start_s = _number(meta, "StartTime", sidecar, positive=False)
    columns = meta["Columns"]
    if not (isinstance(columns, list) and columns and all(isinstance(c, str) for c in columns)):
        raise MalformedFileError(f"{sidecar}: Columns must be a list of column names.")
    if len(set(columns)) != len(columns):
        raise MalformedFileError(f"{sidecar}: Columns names a column twice: {columns}.")
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as stream:
        first = stream.readline(1 << 20).decode("utf-8", "replace").rstrip("\r\n")
    if first.count("\t") + 1 != len(columns):
        raise MalformedFileError(
            f"{source}: line 1 has {first.count(chr(9)) + 1} tab-separated values but {sidecar} "
            f"names {len(columns)} columns ({', '.join(columns)}). Make them agree."
        )
    data = read_table(path, TableSpec(source, list(columns), first_line=1, delimiter="\t"))
    channels = {}
    for name in columns:
        entry = meta.get(name)
        unit = normalize_unit(entry.get("Units") if isinstance(entry, dict) else None)
        samples = np.asarray(data[name], dtype=np.float64)
        channels[name] = Channel(name, samples, fs, unit, infer_kind(name, unit), start_s)
    check_missing(channels.values(), source=source, max_gap_s=hints["max_gap_s"], first_line=1)
    return Recording(channels, _events(path), None, source)
