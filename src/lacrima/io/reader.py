"""The one entry point, :func:`read`: find the format, call its reader, apply hints.

Several paths (two devices, one session) are grouped into recordings by
:func:`lacrima.io.detect.group_files`, read one by one and merged on one clock by
:func:`lacrima.io.merge.merge_recordings_detailed`; :func:`read_session` also returns how.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lacrima.errors import LacrimaError
from lacrima.io._quality import DEFAULT_MAX_GAP_S
from lacrima.io.detect import FORMATS, detect_format, group_files, resolve_path
from lacrima.io.errors import ChannelNotFoundError, HintError, MalformedFileError
from lacrima.io.kinds import infer_kind, normalize_unit
from lacrima.io.merge import MergedSession, merge_recordings_detailed
from lacrima.io.recording import Recording, check_kind

__all__ = ["COMMON_HINTS", "READERS", "check_hints", "hints_for", "read", "read_session"]

PathLike = str | os.PathLike[str]

logger = logging.getLogger(__name__)

#: Hints every format accepts.
COMMON_HINTS = frozenset({"format", "kinds", "units", "max_gap_s"})

ReaderFunction = Callable[[Path, dict[str, Any]], Recording]

#: format -> (reader, the format's own hints). A reader is "module:function", imported on
#: first use so that ``import lacrima.io`` stays light (pyedflib, wfdb, pyxdf load lazily).
READERS: dict[str, tuple[str | ReaderFunction, frozenset[str]]] = {
    "csv": (
        "lacrima.io.tabular:read_csv",
        frozenset({"fs", "time_column", "delimiter", "decimal"}),
    ),
    "bids": ("lacrima.io.bids:read_bids_physio", frozenset()),
    "edf": ("lacrima.io.edf:read_edf", frozenset()),
    "wfdb": ("lacrima.io.wfdb_format:read_wfdb", frozenset({"annotator"})),
    "xdf": ("lacrima.io.xdf:read_xdf", frozenset()),
    "e4": ("lacrima.io.empatica:read_e4", frozenset()),
}


def _reader(fmt: str) -> ReaderFunction:
    entry = READERS[fmt][0]
    if callable(entry):
        return entry
    module, function = entry.split(":")
    reader: ReaderFunction = getattr(importlib.import_module(module), function)
    return reader


def _check_hints(hints: dict[str, Any]) -> None:
    known = COMMON_HINTS.union(*(accepted for _, accepted in READERS.values()))
    unknown = sorted(set(hints) - known)
    if unknown:
        raise HintError(
            f"unknown hint(s) {', '.join(unknown)}. read() accepts: {', '.join(sorted(known))}."
        )
    gap = hints.get("max_gap_s", DEFAULT_MAX_GAP_S)
    if isinstance(gap, bool) or not isinstance(gap, int | float) or not gap >= 0:
        raise HintError(f"max_gap_s={gap!r} must be a number of seconds >= 0, such as 2.0.")
    for name in ("kinds", "units"):
        value = hints.get(name)
        if value is not None and not isinstance(value, dict):
            raise HintError(
                f"{name}= must be a dict of channel name -> {name[:-1]}, got {value!r}."
            )
    for channel, kind in (hints.get("kinds") or {}).items():
        check_kind(kind, what=f"kinds[{channel!r}]")


def check_hints(hints: dict[str, Any]) -> None:
    """Check hints before any file is read (``lacrima batch`` does, for the whole cohort).

    Raises
    ------
    HintError
        An unknown hint or a bad value; the message lists the accepted ones.
    """
    _check_hints(hints)


def _check_applicable(fmt: str, hints: dict[str, Any], source: str) -> None:
    extra = sorted(set(hints) - COMMON_HINTS - READERS[fmt][1])
    if extra:
        users = {
            hint: [f for f, (_, accepted) in READERS.items() if hint in accepted] for hint in extra
        }
        detail = "; ".join(f"{hint}= is for {', '.join(users[hint])} files" for hint in extra)
        raise HintError(
            f"{source}: is {FORMATS[fmt]}, which does not take {', '.join(extra)} ({detail}). "
            "Remove the hint: this format carries that information itself."
        )


def _apply_overrides(recording: Recording, hints: dict[str, Any]) -> None:
    kinds: dict[str, str] = hints.get("kinds") or {}
    units: dict[str, str] = hints.get("units") or {}
    for mapping, what in ((kinds, "kinds"), (units, "units")):
        missing = [name for name in mapping if name not in recording.channels]
        if missing:
            raise ChannelNotFoundError(
                f"{recording.source}: {what}= names {', '.join(map(repr, missing))}, which "
                f"is not a channel; channels are {', '.join(map(repr, recording.channels))}."
            )
    for name, unit in units.items():
        channel = recording.channels[name]
        channel.unit = normalize_unit(unit)
        if name not in kinds:
            channel.kind = infer_kind(name, channel.unit)
    for name, kind in kinds.items():
        recording.channels[name].kind = kind


def _read_one(path: PathLike, hints: dict[str, Any], *, overrides: bool = True) -> Recording:
    """Read one recording; hints already checked and completed with their defaults."""
    if not isinstance(path, str | os.PathLike):
        raise HintError(f"path must be a file path (str or pathlib.Path), got {type(path)}.")
    source = Path(path).name
    fmt = "unknown"
    try:
        resolved = resolve_path(Path(path))
        fmt = detect_format(resolved, hints.get("format"))
        _check_applicable(fmt, hints, resolved.name)
        recording = _reader(fmt)(resolved, hints)
        if overrides:
            _apply_overrides(recording, hints)
    except LacrimaError:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        logger.debug("unexpected error reading %s", path, exc_info=True)
        what = FORMATS.get(fmt, "a recording")
        raise MalformedFileError(
            f"{source}: could not be read as {what} ({type(exc).__name__}: {exc}). The file "
            "may be damaged or use a variant Lacrima does not support; check it opens in the "
            "software that wrote it, and report the problem with the file if it does."
        ) from exc
    logger.info("read %r", recording)
    return recording


def hints_for(path: PathLike, hints: dict[str, Any]) -> dict[str, Any]:
    """The hints that apply to one file of a session: common ones and its format's own.

    ``fs=`` given for a session of an EDF file and a CSV table goes to the table only.

    Parameters
    ----------
    path : str or path-like
        One recording (file or E4 folder).
    hints : dict
        The hints given for the whole session.

    Returns
    -------
    dict
        ``hints`` without the format-specific hints this file's format does not take.

    Raises
    ------
    lacrima.errors.ReadError
        The path is missing or its format cannot be told.
    """
    resolved = resolve_path(Path(path))
    fmt = detect_format(resolved, hints.get("format"))
    return {k: v for k, v in hints.items() if k in COMMON_HINTS or k in READERS[fmt][1]}


def _paths(paths: Any) -> list[PathLike]:
    if isinstance(paths, str | os.PathLike):
        return [paths]
    if not isinstance(paths, Sequence) or not paths:
        raise HintError(
            "path must be a file path (str or pathlib.Path) or a non-empty list of them, "
            f"got {paths!r}."
        )
    for p in paths:
        if not isinstance(p, str | os.PathLike):
            raise HintError(f"each path must be a str or pathlib.Path, got {type(p)}.")
    return list(paths)


def read_session(paths: PathLike | Sequence[PathLike], **hints: Any) -> MergedSession:
    """Read the files of one session (one or several devices) and merge them on one clock.

    Parameters
    ----------
    paths : str, path-like or sequence of them
        The session's files; companions (a WFDB ``.dat``, a ``.markers.csv``) may be
        listed or not, they are grouped with their main file
        (:func:`lacrima.io.detect.group_files`).
    **hints
        As for :func:`read`. ``max_gap_s`` and ``format`` apply to every file; a
        format's own hint (``fs``, ``annotator``...) to the files of that format, and
        must fit at least one; ``kinds`` and ``units`` name channels of the merged
        recording (after renaming, see :mod:`lacrima.io.merge`).

    Returns
    -------
    MergedSession
        The recording, each file's offset, the alignment rule and notes.

    Raises
    ------
    lacrima.errors.ReadError
        A file cannot be read (its reader's error); ``NoOverlapError`` when the files do
        not overlap in time; ``HintError`` for a hint no file takes.

    Warns
    -----
    lacrima.io.merge.MergeWarning
        A file carries no start time, so the files were aligned at ``t = 0``.
    """
    _check_hints(hints)
    hints = {"max_gap_s": DEFAULT_MAX_GAP_S, **hints}
    listed = _paths(paths)
    groups = group_files(listed)
    if len(groups) == 1:
        rec = _read_one(groups[0].primary, hints)
        return merge_recordings_detailed([rec])
    per_file = []
    used: set[str] = set()
    for group in groups:
        own = hints_for(group.primary, hints)
        used |= set(own)
        per_file.append((group.primary, own))
    unused = sorted(set(hints) - used)
    if unused:
        names = ", ".join(g.primary.name for g in groups)
        raise HintError(
            f"{', '.join(unused)}: no file of this session ({names}) takes this hint. "
            "Remove it: these formats carry that information themselves."
        )
    recs = [_read_one(path, own, overrides=False) for path, own in per_file]
    session = merge_recordings_detailed(recs)
    _apply_overrides(session.recording, hints)
    return session


def read(path: PathLike | Sequence[PathLike], **hints: Any) -> Recording:
    """Read a physiological recording from any supported file, or one session from several.

    Parameters
    ----------
    path : str, os.PathLike, or a list of them
        A ``.csv``/``.tsv``/``.txt`` table, a BIDS ``*_physio.tsv.gz`` (with its JSON
        sidecar), an ``.edf``/``.bdf`` file, a WFDB record (``.hea`` path or record name
        without extension), an ``.xdf`` file, or an Empatica E4 ``.zip`` export or folder.
        A list of such paths is one session recorded with several devices: the files are
        merged on one clock (see :func:`read_session` and ``docs/formats.md``).
    **hints
        ``format`` (``"csv"``, ``"bids"``, ``"edf"``, ``"wfdb"``, ``"xdf"``, ``"e4"``):
        override the extension. ``kinds`` (dict channel -> kind) and ``units`` (dict
        channel -> unit): override inference. ``max_gap_s`` (s, default 2): longest
        run of missing values kept as NaN. CSV only: ``fs`` (Hz), ``time_column``
        (name, or False), ``delimiter``, ``decimal``. WFDB only: ``annotator``
        (annotation file extension, default ``"atr"`` when present).

    Returns
    -------
    Recording
        Channels, markers, start time and source file name.

    Raises
    ------
    ReadError
        A subclass of :class:`lacrima.errors.ReadError` (see :mod:`lacrima.io.errors`)
        whose message names the file, what is wrong and what to do;
        :class:`~lacrima.io.merge.NoOverlapError` for files that do not overlap in time.

    Warns
    -----
    lacrima.io.merge.MergeWarning
        Several files, one without a start time: they were aligned at ``t = 0``.

    Examples
    --------
    >>> import lacrima
    >>> rec = lacrima.read("tests/data/io/bio_eventrelated_100hz_first20s.csv")
    >>> rec.channels["ECG"].fs_hz, [c.name for c in rec.by_kind("eda")]
    (100.0, ['EDA'])
    """
    if isinstance(path, str | os.PathLike):
        _check_hints(hints)
        return _read_one(path, {"max_gap_s": DEFAULT_MAX_GAP_S, **hints})
    return read_session(path, **hints).recording
