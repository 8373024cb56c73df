"""EDF, EDF+ and BDF files (European Data Format), read with pyedflib.

Each signal becomes a channel at its own rate, in physical units. EDF+ annotations
become markers. The header's start date and time have no time zone in EDF; Lacrima
takes them as UTC (as MNE-Python does). Discontinuous files (EDF+D) are refused: their
samples cannot be placed on one time axis without the record onsets.

Reference: Kemp B. et al. (1992) A simple format for exchange of digitized polygraphic
recordings. Electroencephalogr Clin Neurophysiol 82:391-393; Kemp B. & Olivan J. (2003)
European data format 'plus' (EDF+). Clin Neurophysiol 114:1755-1761.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyedflib

from lacrima.io._quality import check_missing
from lacrima.io.errors import MalformedFileError, TruncatedFileError, UnsupportedFormatError
from lacrima.io.kinds import infer_kind, normalize_unit
from lacrima.io.recording import Channel, Marker, Recording

__all__ = ["read_edf"]

logger = logging.getLogger(__name__)


# per signal: label .. prefilter (216 bytes), samples per record (8), reserved (32)
_SIGNAL_FIELD_BYTES = 256
_SAMPLES_FIELD_OFFSET = 216


def _ascii_int(raw: bytes, what: str, source: str) -> int:
    try:
        return int(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise MalformedFileError(
            f"{source}: the EDF header field '{what}' is {raw!r}, not a whole number. "
            "The header is damaged; export the file again."
        ) from None


def _check_structure(path: Path) -> None:
    """Check the header against the file size and refuse EDF+D, before pyedflib opens it."""
    source = path.name
    with path.open("rb") as stream:
        head = stream.read(256)
        n_signals = _ascii_int(head[252:256], "number of signals", source)
        signal_fields = stream.read(n_signals * _SIGNAL_FIELD_BYTES)
    if len(signal_fields) < n_signals * _SIGNAL_FIELD_BYTES:
        raise TruncatedFileError(
            f"{source}: the file ends inside its header ({n_signals} signals announced): it "
            "is truncated. Copy it again."
        )
    if head[192:197] == b"EDF+D" or head[192:197] == b"BDF+D":
        raise UnsupportedFormatError(
            f"{source}: is a discontinuous {head[192:197].decode()} file (its data records "
            "have gaps between them). Lacrima needs one continuous time axis: convert it to "
            "EDF+C, or export each continuous part as its own file."
        )
    n_records = _ascii_int(head[236:244], "number of data records", source)
    if n_records < 0:
        return  # -1: recording still in progress; pyedflib decides
    offset = n_signals * _SAMPLES_FIELD_OFFSET
    per_record = sum(
        _ascii_int(signal_fields[offset + 8 * i : offset + 8 * i + 8], "samples per record", source)
        for i in range(n_signals)
    )
    bytes_per_sample = 3 if head[:8] == b"\xffBIOSEMI" else 2
    expected = 256 * (n_signals + 1) + n_records * per_record * bytes_per_sample
    actual = path.stat().st_size
    if actual < expected:
        raise TruncatedFileError(
            f"{source}: the header announces {n_records} data records ({expected} bytes) but "
            f"the file has {actual} bytes: it is truncated (an interrupted copy or "
            "recording). Copy it again from the source."
        )


def _text(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _markers(reader: pyedflib.EdfReader) -> list[Marker]:
    markers = []
    for onset_100ns, duration, text in reader.read_annotation():
        duration_text = _text(duration).strip()
        markers.append(
            Marker(
                time_s=int(onset_100ns) / 1e7,
                label=_text(text).strip(),
                duration_s=float(duration_text) if duration_text else 0.0,
            )
        )
    return markers


def _unique(label: str, taken: dict[str, Channel]) -> str:
    name, number = label or "signal", 2
    while name in taken:
        name = f"{label} ({number})"
        number += 1
    return name


def read_edf(path: Path, hints: dict[str, Any]) -> Recording:
    """Read an EDF, EDF+ or BDF(+) file.

    Parameters
    ----------
    path : pathlib.Path
        The ``.edf`` or ``.bdf`` file.
    hints : dict
        ``max_gap_s`` only (EDF has no missing values, so it rarely matters).

    Returns
    -------
    Recording
        One channel per signal (physical units, own rate), EDF+ annotations as markers,
        ``start_time`` from the header taken as UTC.

    Raises
    ------
    TruncatedFileError
        The file is shorter than its header says.
    UnsupportedFormatError
        A discontinuous EDF+D/BDF+D file.
    MalformedFileError
        A header pyedflib rejects; the message names the field.
    """
    source = path.name
    _check_structure(path)
    try:
        reader = pyedflib.EdfReader(str(path))
    except OSError as exc:
        detail = str(exc).split(": ", 1)[-1]
        raise MalformedFileError(
            f"{source}: is not a valid EDF/BDF file ({detail}). Check that it opens in the "
            "software that wrote it (or EDFbrowser) and export it again."
        ) from None
    try:
        channels: dict[str, Channel] = {}
        for index in range(reader.signals_in_file):
            label = reader.getLabel(index).strip()
            unit = normalize_unit(reader.getPhysicalDimension(index))
            name = _unique(label, channels)
            channels[name] = Channel(
                name=name,
                samples=reader.readSignal(index),
                fs_hz=reader.getSampleFrequency(index),
                unit=unit,
                kind=infer_kind(label, unit),
            )
        markers = _markers(reader)
        start = reader.getStartdatetime()
    finally:
        reader.close()
    start_time = start.replace(tzinfo=UTC) if isinstance(start, datetime) else None
    check_missing(channels.values(), source=source, max_gap_s=hints["max_gap_s"])
    return Recording(channels, markers, start_time, source)
