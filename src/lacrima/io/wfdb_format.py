"""WFDB records (PhysioNet): a ``.hea`` header and its ``.dat`` signal file(s).

Read with the ``wfdb`` package. The path may be the ``.hea`` file, the ``.dat`` file or
the record name without extension. Signals are in physical units (WFDB's invalid
sample value becomes NaN). Each signal is read at its own rate: in a multi-frequency
record (``samps_per_frame`` above 1, e.g. ECG at 496 Hz beside EDA at 31 Hz) a channel's
rate is the frame rate times its samples per frame; nothing is averaged.

Annotations (``<record>.atr`` when present, or the extension given by ``annotator=``)
are sorted by their WFDB code:

- beat annotations (:data:`BEAT_SYMBOLS`: ``N``, ``V``, ``A``, ...) become the
  recording's :class:`~lacrima.io.recording.ReferenceBeats`, for validation;
- waveform delineation points (:data:`WAVEFORM_SYMBOLS`: P/T/U-wave peaks, wave onsets
  and ends) are left out (their number is logged): they are one per beat, not events;
- every other annotation (rhythm changes ``+``, signal quality ``~``, artefacts ``|``,
  comments ``"``, flutter ``[`` ``]``, blocked P waves ``x``, ...) becomes a marker
  labelled with its symbol, followed by the auxiliary note when there is one
  (``"+ (N"`` for a change to normal sinus rhythm).

The header's base date and time, when both are given, are taken as UTC.

References: Goldberger A.L. et al. (2000) PhysioBank, PhysioToolkit, and PhysioNet.
Circulation 101(23):e215-e220. Annotation codes: Moody G.B., WFDB Applications Guide,
"ecgcodes" / https://physionet.org/physiotools/wag/annot-5.htm (``isqrs`` marks the
beat codes).
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
from lacrima.io.recording import Channel, Marker, Recording, ReferenceBeats

__all__ = ["BEAT_SYMBOLS", "WAVEFORM_SYMBOLS", "read_wfdb"]

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

#: WFDB annotation symbols of beats (the codes WFDB's ``isqrs`` counts as QRS complexes):
#: normal, bundle branch block, atrial/nodal/supraventricular premature, ventricular
#: premature and R-on-T, fusion, escape, paced, fusion of paced and normal, unclassified.
BEAT_SYMBOLS = frozenset("NLRBAaJSVrFejnE/fQ?")

#: WFDB waveform delineation symbols: P, T and U-wave peaks, wave onset and end
#: (as in the QT database's ``pu`` annotators). One or more per beat; not events.
WAVEFORM_SYMBOLS = frozenset("ptu()")


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


def _annotations(
    base: Path, extension: str, fs: float
) -> tuple[list[Marker], ReferenceBeats | None]:
    """Markers (events) and reference beats from one annotation file."""
    annotation = wfdb.rdann(str(base), extension)
    # annotation times count frames unless the file gives its own time resolution
    ann_fs = float(annotation.fs) if annotation.fs else fs
    markers = []
    beat_times: list[float] = []
    beat_symbols: list[str] = []
    waves = 0
    for sample, symbol, note in zip(
        annotation.sample, annotation.symbol, annotation.aux_note, strict=False
    ):
        time_s = float(sample) / ann_fs
        if symbol in BEAT_SYMBOLS:
            beat_times.append(time_s)
            beat_symbols.append(symbol)
        elif symbol in WAVEFORM_SYMBOLS:
            waves += 1
        else:
            note = (note or "").replace("\x00", "").strip()
            markers.append(Marker(time_s=time_s, label=f"{symbol} {note}".strip()))
    if waves:
        logger.info(
            "%s.%s: %d waveform delineation annotations (P/T/U peaks, onsets, ends) left out",
            base.name,
            extension,
            waves,
        )
    beats = None
    if beat_times:
        beats = ReferenceBeats(
            np.asarray(beat_times), tuple(beat_symbols), f"{base.name}.{extension}"
        )
    return markers, beats


def _channels(record: Any, frame_fs: float) -> dict[str, Channel]:
    """One channel per signal, each at its own rate (frame rate x samples per frame)."""
    signals = record.e_p_signal or []
    per_frame = record.samps_per_frame or [1] * len(signals)
    channels: dict[str, Channel] = {}
    for index, label in enumerate(record.sig_name or []):
        name = label if label not in channels else f"{label} ({index + 1})"
        unit = normalize_unit(record.units[index] if record.units else "")
        fs = frame_fs * int(per_frame[index])
        channels[name] = Channel(name, signals[index], fs, unit, infer_kind(label, unit))
    return channels


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
        One channel per signal in physical units at its own rate; event annotations as
        markers, beat annotations as ``reference_beats``.

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
        # smooth_frames=False: every sample of a multi-frequency signal, not frame means
        record = wfdb.rdrecord(str(base), m2s=True, smooth_frames=False)
    except (ValueError, OSError, IndexError) as exc:
        raise MalformedFileError(
            f"{source}: the signal file does not match the header ({exc}). The record may be "
            "damaged; copy it again."
        ) from None
    fs = float(record.fs)
    channels = _channels(record, fs)
    markers: list[Marker] = []
    beats = None
    extension = _annotator(base, hints.get("annotator"))
    if extension is not None:
        try:
            markers, beats = _annotations(base, extension, fs)
        except Exception as exc:  # wfdb's annotation parser raises many types
            raise MalformedFileError(
                f"{base.name}.{extension}: the annotation file cannot be parsed ({exc}). "
                "Pass annotator=False to read the signals without it."
            ) from None
    start_time = None
    if record.base_date is not None and record.base_time is not None:
        start_time = datetime.combine(record.base_date, record.base_time, tzinfo=UTC)
    check_missing(channels.values(), source=source, max_gap_s=hints["max_gap_s"])
    return Recording(channels, markers, start_time, source, reference_beats=beats)
