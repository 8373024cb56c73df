"""Readers: physiological recordings in the formats labs use -> :class:`Recording`.

``lacrima.io.read(path, **hints)`` (also ``lacrima.read``) reads CSV/TSV tables, BIDS
physio files, EDF/EDF+/BDF, WFDB records, XDF (Lab Streaming Layer) and Empatica E4
exports; a list of paths is one session from several devices, merged on one clock
(:func:`lacrima.io.merge.merge_recordings`). Every malformed file raises a subclass of
:class:`lacrima.errors.ReadError` whose message names the file, the problem and the fix;
see :mod:`lacrima.io.errors`.
User documentation: ``docs/formats.md``.
"""

from __future__ import annotations

from lacrima.errors import ReadError
from lacrima.io.detect import FORMATS, detect_format
from lacrima.io.errors import ReadWarning
from lacrima.io.kinds import KIND_NAME_RULES, KIND_UNIT_RULES, KINDS, infer_kind
from lacrima.io.merge import MergedSession, MergeWarning, NoOverlapError, merge_recordings
from lacrima.io.reader import read, read_session
from lacrima.io.recording import Channel, Marker, Recording

__all__ = [
    "FORMATS",
    "KINDS",
    "KIND_NAME_RULES",
    "KIND_UNIT_RULES",
    "Channel",
    "Marker",
    "MergeWarning",
    "MergedSession",
    "NoOverlapError",
    "ReadError",
    "ReadWarning",
    "Recording",
    "detect_format",
    "infer_kind",
    "merge_recordings",
    "read",
    "read_session",
]
