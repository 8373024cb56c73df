"""WFDB records (PhysioNet): a ``.hea`` header and its ``.dat`` signal file(s).

Read with the ``wfdb`` package. The path may be the ``.hea`` file, the ``.dat`` file or
the record name without extension. Signals are in physical units (WFDB's invalid
sample value becomes NaN). Annotations (``<record>.atr`` when present, or the
extension given by ``annotator=``) become markers labelled with the beat or event
symbol, followed by the auxiliary note when there is one (``"+ (N"`` for a rhythm
change). The header's base date and time, when both are given, are taken as UTC.

Reference: Goldberger A.L. et al. (2000) PhysioBank, PhysioToolkit, and PhysioNet.
Circulation 101(23):e215-e220.
"""

from __future__ import annotations

import logging
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import wfdb

from lacrima.io._quality import check_missing
from lacrima.io.errors import (
    FormatMismatchError,
    HintError,
    MalformedFileError,
    MissingFileError,
    TruncatedFileError,
)
from lacrima.io.kinds import infer_kind, normalize_unit
from lacrima.io.recording import Channel, Marker, Recording

__all__ = ["read_wfdb"]

logger = logging.getLogger(__name__)


# bytes per sample of each WFDB storage format (compressed formats are not checked)
_BYTES_PER_SAMPLE: dict[str, float] = {
    "8": 1,
    "16": 2,
    "61": 2,
    "80": 1,
    "160": 2,
    "212": 1.5,
    "310": 4 / 3,
    "311": 4 / 3,
    "24": 3,
    "32": 4,
}
_RECORD_LINE = re.compile(r"^\S+\s+\d+(\s|$)")


def _check_header(header: Path) -> None:
    text = header.read_text(encoding="latin-1")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines or not _RECORD_LINE.match(lines[0]):
        first = lines[0][:60] if lines else ""
        raise FormatMismatchError(
            f"{header.name}: is not a WFDB header: its first line {first!r} should read "
            "'<record name> <number of signals> [<rate> [<samples>]]'. Check that you picked "
            "the .hea file of the record."
        )


def _check_signal_files(base: Path, header: Any) -> None:
    """Check every .dat file exists and holds as many bytes as the header promises."""
    if getattr(header, "seg_name", None) or not header.sig_len or not header.file_name:
        return  # multi-segment or header-only record: wfdb decides
    per_file: dict[str, float] = {}
    offsets: dict[str, int] = {}
    for index, name in enumerate(header.file_name):
        width = _BYTES_PER_SAMPLE.get(str(header.fmt[index]), math.nan)
        frames = header.samps_per_frame[index] if header.samps_per_frame else 1
        per_file[name] = per_file.get(name, 0.0) + width * frames  # NaN: not checkable
        offsets.setdefault(name, (header.byte_offset[index] or 0) if header.byte_offset else 0)
    for name, width in per_file.items():
        path = base.parent / name
        if not path.exists():
            raise MissingFileError(
                f"{base.name}.hea: its signal file {name} is not next to it. Copy {name} into "
                f"{base.parent} (a WFDB record is the .hea and .dat files together)."
            )
        if math.isnan(width):
            continue
        expected = int(width * header.sig_len) + offsets.get(name, 0)
        actual = path.stat().st_size
        if actual < expected:
            raise TruncatedFileError(
                f"{name}: the header {base.name}.hea announces {header.sig_len} samples "
                f"({expected} bytes) but the file has {actual} bytes: it is truncated. "
                "Copy the record again."
            )


def _markers(base: Path, extension: str, fs: float) -> list[Marker]:
    annotation = wfdb.rdann(str(base), extension)
    markers = []
    for sample, symbol, note in zip(
        annotation.sample, annotation.symbol, annotation.aux_note, strict=False
    ):
        note = (note or "").replace("\x00", "").strip()
        markers.append(Marker(time_s=float(sample) / fs, label=f"{symbol} {note}".strip()))
    return markers


def _annotator(base: Path, hint: Any) -> str | None:
    if hint is False:
        return None
    if hint is None:
        return "atr" if base.with_name(base.name + ".atr").exists() else None
    if not isinstance(hint, str) or not hint:
        raise HintError(f"annotator={hint!r} must be an annotation file extension such as 'atr'.")
    if not base.with_name(f"{base.name}.{hint}").exists():
        raise MissingFileError(
            f"{base.name}.{hint}: annotator={hint!r} was asked for but there is no such file "
            f"next to {base.name}.hea. Pass annotator=False to read the signals alone."
        )
    return hint


def read_wfdb(path: Path, hints: dict[str, Any]) -> Recording:
    """Read a WFDB record.

    Parameters
    ----------
    path : pathlib.Path
        The record's ``.hea`` file (the caller resolves ``.dat`` and bare names to it).
    hints : dict
        ``annotator`` (annotation extension, or False for none), ``max_gap_s`` (s).

    Returns
    -------
    Recording
        One channel per signal in physical units; annotations as markers.

    Raises
    ------
    FormatMismatchError
        The ``.hea`` file is not a WFDB header.
    MissingFileError
        A ``.dat`` file or the requested annotation file is missing.
    TruncatedFileError
        A ``.dat`` file is shorter than the header says.
    MalformedFileError
        A header or annotation file that ``wfdb`` rejects.
    """
    source = path.name
    base = path.with_suffix("")
    _check_header(path)
    try:
        header = wfdb.rdheader(str(base))
    except Exception as exc:  # wfdb raises HeaderSyntaxError, ValueError, ...
        raise MalformedFileError(
            f"{source}: the WFDB header cannot be parsed ({exc}). Check it against the "
            "header format (https://physionet.org/physiotools/wag/header-5.htm)."
        ) from None
    _check_signal_files(base, header)
    try:
        record = wfdb.rdrecord(str(base), m2s=True)
    except (ValueError, OSError, IndexError) as exc:
        raise MalformedFileError(
            f"{source}: the signal file does not match the header ({exc}). The record may be "
            "damaged; copy it again."
        ) from None
    fs = float(record.fs)
    signals = record.p_signal if record.p_signal is not None else np.empty((0, 0))
    channels: dict[str, Channel] = {}
    for index, label in enumerate(record.sig_name or []):
        name = label if label not in channels else f"{label} ({index + 1})"
        unit = normalize_unit(record.units[index] if record.units else "")
        channels[name] = Channel(name, signals[:, index], fs, unit, infer_kind(label, unit))
    markers: list[Marker] = []
    extension = _annotator(base, hints.get("annotator"))
    if extension is not None:
        try:
            markers = _markers(base, extension, fs)
        except Exception as exc:  # wfdb's annotation parser raises many types
            raise MalformedFileError(
                f"{base.name}.{extension}: the annotation file cannot be parsed ({exc}). "
                "Pass annotator=False to read the signals without it."
            ) from None
    start_time = None
    if record.base_date is not None and record.base_time is not None:
        start_time = datetime.combine(record.base_date, record.base_time, tzinfo=UTC)
    check_missing(channels.values(), source=source, max_gap_s=hints["max_gap_s"])
    return Recording(channels, markers, start_time, source)
