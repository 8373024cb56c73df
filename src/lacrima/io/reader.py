"""The one entry point, :func:`read`: find the format, call its reader, apply hints."""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lacrima.errors import LacrimaError
from lacrima.io._quality import DEFAULT_MAX_GAP_S
from lacrima.io.detect import FORMATS, detect_format, resolve_path
from lacrima.io.errors import ChannelNotFoundError, HintError, MalformedFileError
from lacrima.io.kinds import infer_kind, normalize_unit
from lacrima.io.recording import Recording, check_kind

__all__ = ["COMMON_HINTS", "READERS", "read"]

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


def read(path: str | os.PathLike[str], **hints: Any) -> Recording:
    """Read a physiological recording from any supported file.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.csv``/``.tsv``/``.txt`` table, a BIDS ``*_physio.tsv.gz`` (with its JSON
        sidecar), an ``.edf``/``.bdf`` file, a WFDB record (``.hea`` path or record name
        without extension), an ``.xdf`` file, or an Empatica E4 ``.zip`` export or folder.
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
        whose message names the file, what is wrong and what to do.

    Examples
    --------
    >>> import lacrima
    >>> rec = lacrima.read("tests/data/io/bio_eventrelated_100hz_first20s.csv")
    >>> rec.channels["ECG"].fs_hz, [c.name for c in rec.by_kind("eda")]
    (100.0, ['EDA'])
    """
    _check_hints(hints)
    hints = {"max_gap_s": DEFAULT_MAX_GAP_S, **hints}
    if not isinstance(path, str | os.PathLike):
        raise HintError(f"path must be a file path (str or pathlib.Path), got {type(path)}.")
    source = Path(path).name
    fmt = "unknown"
    try:
        resolved = resolve_path(Path(path))
        fmt = detect_format(resolved, hints.get("format"))
        _check_applicable(fmt, hints, resolved.name)
        recording = _reader(fmt)(resolved, hints)
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
