"""One session from several recordings (two devices): channels and markers on one clock.

Labs and clinics often record one session with two devices, a chest strap and a wrist
band, each writing its own file. :func:`merge_recordings` puts their channels side by
side on one time axis (rules also in ``docs/formats.md``, "Several files, one session"):

- **Clock.** When every recording carries a wall-clock ``start_time``, each is placed at
  its start time; ``t = 0`` of the session is the earliest start. When any of them lacks
  one, all are aligned at ``t = 0`` and a :class:`MergeWarning` says so (the note is also
  in :attr:`MergedSession.notes`, which :func:`lacrima.analyze` puts in the report's
  problems).
- **Overlap.** Recordings that do not overlap in time are not one session:
  :class:`NoOverlapError` names each file's time span.
- **Channel names.** A name that occurs in more than one recording (ignoring case: an
  E4's ``hr`` and a strap's ``HR``) is suffixed with the file stem in *every* recording
  that has it (``HR`` in ``chest.edf`` and ``wrist.csv``
  becomes ``HR_chest`` and ``HR_wrist``); unique names are kept. Where stems are equal
  too, the position of the file (``_2``, ``_3``...) is added.
- **Markers** of every recording are shifted onto the session clock and merged in time
  order.
- **Other fields** of :class:`~lacrima.io.Recording` (added later, e.g. a reference beat
  series) are carried from the recording that has one, shifted when they hold times.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from lacrima.errors import ReadError
from lacrima.io.errors import ReadWarning
from lacrima.io.recording import Channel, Marker, Recording

__all__ = [
    "MergeWarning",
    "MergedSession",
    "NoOverlapError",
    "merge_recordings",
    "merge_recordings_detailed",
]

logger = logging.getLogger(__name__)

_BASE_FIELDS = frozenset({"channels", "markers", "start_time", "source"})


class MergeWarning(ReadWarning):
    """Recordings were merged with an assumption worth knowing (aligned at ``t = 0``)."""


class NoOverlapError(ReadError):
    """The recordings to merge do not overlap in time, so they are not one session."""


@dataclass(frozen=True)
class MergedSession:
    """The merged recording and how it was put together.

    Attributes
    ----------
    recording : Recording
        Channels of every file on one clock; ``source`` lists the files (``" + "``).
    sources : tuple of str
        The source of each input recording, in input order.
    offsets_s : tuple of float
        Where each input's ``t = 0`` lies on the session clock, s.
    aligned_by : str
        ``"start_time"`` (every file carries one) or ``"zero"`` (aligned at ``t = 0``).
    renamed : dict of str to str
        Merged channel name -> name in its file, for channels renamed because of a clash.
    notes : tuple of str
        Data-quality notes (the alignment at 0) for the report, one sentence each.
    """

    recording: Recording
    sources: tuple[str, ...]
    offsets_s: tuple[float, ...]
    aligned_by: str
    renamed: dict[str, str]
    notes: tuple[str, ...] = ()


def _name(rec: Recording, index: int) -> str:
    return rec.source or f"recording {index + 1}"


def _stem(source: str) -> str:
    name = Path(source).name
    return name.split(".", 1)[0] or name


def _span_text(rec: Recording, offset_s: float, index: int) -> str:
    end = offset_s + rec.duration_s
    if rec.start_time is not None:
        start = rec.start_time
        stop = start + timedelta(seconds=rec.duration_s)
        return (
            f"{_name(rec, index)} runs {start.isoformat(timespec='seconds')} to "
            f"{stop.isoformat(timespec='seconds')}"
        )
    return f"{_name(rec, index)} runs {offset_s:g}-{end:g} s"


def _offsets(recs: Sequence[Recording]) -> tuple[list[float], str, datetime | None, list[str]]:
    """Offsets of each recording, the rule used, the session start and notes."""
    starts = [rec.start_time for rec in recs]
    if all(start is not None for start in starts):
        known = [s for s in starts if s is not None]
        t0 = min(known)
        return [(s - t0).total_seconds() for s in known], "start_time", t0, []
    missing = [_name(rec, i) for i, rec in enumerate(recs) if rec.start_time is None]
    note = (
        f"{', '.join(missing)} {'carries' if len(missing) == 1 else 'carry'} no start time, "
        f"so the {len(recs)} files were aligned at their first sample (t = 0); if the "
        "devices were not started together, their signals are shifted against each other. "
        "Export the files with their date and time to align them on the clock."
    )
    first = next((s for s in starts if s is not None), None)
    return [0.0] * len(recs), "zero", first, [note]


def _check_overlap(recs: Sequence[Recording], offsets: Sequence[float]) -> None:
    spans = [(off, off + rec.duration_s) for rec, off in zip(recs, offsets, strict=True)]
    latest_start = max(start for start, _ in spans)
    earliest_end = min(end for _, end in spans)
    if earliest_end > latest_start:
        return
    described = "; ".join(
        _span_text(rec, off, i) for i, (rec, off) in enumerate(zip(recs, offsets, strict=True))
    )
    raise NoOverlapError(
        f"the files do not overlap in time, so they are not one session: {described}. "
        "Choose files recorded at the same time, or analyse them as separate sessions."
    )


def _merged_names(recs: Sequence[Recording]) -> list[dict[str, str]]:
    """Per recording: its channel name -> the name in the merged recording."""
    counts = Counter(name.casefold() for rec in recs for name in rec.channels)
    stems = [_stem(_name(rec, i)) for i, rec in enumerate(recs)]
    stem_counts = Counter(stems)
    mapping = []
    for i, rec in enumerate(recs):
        names = {}
        for name in rec.channels:
            if counts[name.casefold()] == 1:
                names[name] = name
                continue
            tag = stems[i] if stem_counts[stems[i]] == 1 else f"{stems[i]}_{i + 1}"
            names[name] = f"{name}_{tag}"
        mapping.append(names)
    taken = Counter(new for names in mapping for new in names.values())
    if any(n > 1 for n in taken.values()):  # a renamed channel met an existing name
        mapping = [
            {old: (new if taken[new] == 1 else f"{new}_{i + 1}") for old, new in names.items()}
            for i, names in enumerate(mapping)
        ]
    return mapping


def _shift_channel(channel: Channel, name: str, offset_s: float) -> Channel:
    times = None if channel.times_s is None else channel.times_s + offset_s
    return dataclasses.replace(
        channel, name=name, start_s=channel.start_s + offset_s, times_s=times
    )


def _shift_value(value: Any, offset_s: float, source: str, field_name: str) -> Any:
    """A field value with its times moved by ``offset_s`` (s)."""
    if offset_s == 0.0:
        return value
    if hasattr(value, "shifted") and callable(value.shifted):
        return value.shifted(offset_s)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if f.name.endswith("_s") or f.name in ("times_s", "time_s", "start_s"):
                current = getattr(value, f.name)
                if isinstance(current, np.ndarray | float | int) and not isinstance(current, bool):
                    changes[f.name] = current + offset_s
        if changes:
            return dataclasses.replace(value, **changes)
    warnings.warn(
        f"{source}: its {field_name} could not be moved onto the session clock and is kept "
        f"at its own times (the file starts {offset_s:g} s into the session).",
        MergeWarning,
        stacklevel=4,
    )
    return value


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, list | tuple | dict | set) and len(value) == 0


def _extra_fields(
    recs: Sequence[Recording], offsets: Sequence[float]
) -> tuple[dict[str, Any], list[str]]:
    """Fields of Recording beyond the base four, each carried from the file that has it."""
    values: dict[str, Any] = {}
    notes = []
    for f in dataclasses.fields(Recording):
        if f.name in _BASE_FIELDS or not f.init:
            continue
        have = [
            (i, getattr(rec, f.name))
            for i, rec in enumerate(recs)
            if not _is_empty(getattr(rec, f.name, None))
        ]
        if not have:
            continue
        i, value = have[0]
        values[f.name] = _shift_value(value, offsets[i], _name(recs[i], i), f.name)
        if len(have) > 1:
            others = ", ".join(_name(recs[j], j) for j, _ in have[1:])
            notes.append(
                f"{f.name.replace('_', ' ')} is taken from {_name(recs[i], i)}; the one in "
                f"{others} is left out."
            )
    return values, notes


def merge_recordings_detailed(recs: Sequence[Recording]) -> MergedSession:
    """Merge recordings of one session onto one clock, and say how.

    Parameters
    ----------
    recs : sequence of Recording
        At least one recording (one is returned unchanged, with no notes).

    Returns
    -------
    MergedSession
        The merged recording, each file's offset, the alignment rule, renamed channels
        and notes.

    Raises
    ------
    NoOverlapError
        The recordings do not overlap in time; the message gives each one's span.
    lacrima.errors.ReadError
        No recording was given.

    Warns
    -----
    MergeWarning
        A recording has no start time, so all were aligned at ``t = 0``.

    Examples
    --------
    >>> from lacrima.io import Channel, Recording
    >>> a = Recording({"HR": Channel("HR", [60.0] * 10, 1.0, "bpm", "hr")}, source="a.csv")
    >>> b = Recording({"HR": Channel("HR", [61.0] * 10, 1.0, "bpm", "hr")}, source="b.csv")
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     merged = merge_recordings_detailed([a, b])
    >>> sorted(merged.recording.channels), merged.aligned_by
    (['HR_a', 'HR_b'], 'zero')
    """
    recs = list(recs)
    if not recs:
        raise ReadError("no recordings to merge; give at least one file.")
    if len(recs) == 1:
        rec = recs[0]
        return MergedSession(rec, (_name(rec, 0),), (0.0,), "start_time", {}, ())
    offsets, rule, t0, notes = _offsets(recs)
    _check_overlap(recs, offsets)
    names = _merged_names(recs)
    channels: dict[str, Channel] = {}
    renamed: dict[str, str] = {}
    markers: list[Marker] = []
    for rec, offset, mapping in zip(recs, offsets, names, strict=True):
        for old, channel in rec.channels.items():
            new = mapping[old]
            channels[new] = _shift_channel(channel, new, offset)
            if new != old:
                renamed[new] = old
        markers += [dataclasses.replace(m, time_s=m.time_s + offset) for m in rec.markers]
    extra, extra_notes = _extra_fields(recs, offsets)
    notes += extra_notes
    sources = tuple(_name(rec, i) for i, rec in enumerate(recs))
    merged = Recording(
        channels=channels,
        markers=markers,
        start_time=t0,
        source=" + ".join(sources),
        **extra,
    )
    for note in notes:
        warnings.warn(note, MergeWarning, stacklevel=3)
    spans = ", ".join(f"{src} at {off:g} s" for src, off in zip(sources, offsets, strict=True))
    logger.info("merged %s on one clock (%s): %s", merged.source, rule, spans)
    if renamed:
        logger.info("renamed clashing channels: %s", renamed)
    return MergedSession(
        recording=merged,
        sources=sources,
        offsets_s=tuple(float(o) for o in offsets),
        aligned_by=rule,
        renamed=renamed,
        notes=tuple(notes),
    )


def merge_recordings(recs: Sequence[Recording]) -> Recording:
    """Merge recordings of one session (two devices) onto one clock.

    See :func:`merge_recordings_detailed` (and the module docstring) for the rules.

    Parameters
    ----------
    recs : sequence of Recording
        The recordings of one session.

    Returns
    -------
    Recording
        Every channel, renamed where names clash, and every marker on the session clock.

    Raises
    ------
    NoOverlapError
        The recordings do not overlap in time.

    Warns
    -----
    MergeWarning
        A recording has no start time, so all were aligned at ``t = 0``.
    """
    return merge_recordings_detailed(recs).recording
