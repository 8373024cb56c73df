"""Empatica E4 exports: the zip that E4 Connect downloads, or its unzipped folder.

Each CSV's first row is the start time (Unix seconds, UTC), the second the rate in Hz,
then one sample per row (Empatica's info.txt). Channels:

========  ===========  ======  =====  ========================================
file      channel(s)   kind    unit   notes
========  ===========  ======  =====  ========================================
BVP.csv   bvp          ppg     a.u.   64 Hz blood volume pulse
EDA.csv   eda          eda     uS     4 Hz
TEMP.csv  temp         temp    degC   4 Hz skin temperature
HR.csv    hr           hr      bpm    1 Hz, starts 10 s after the others
ACC.csv   acc_x/y/z    acc     g      32 Hz, stored as 1/64 g, divided by 64
IBI.csv   ibi          ibi     ms     event series: (offset s, interval s) rows
========  ===========  ======  =====  ========================================

``tags_*.csv`` (button presses, Unix seconds) become markers labelled ``"tag"``.
Times are seconds from the earliest file start, which is ``start_time``. Files whose
start times are more than 60 s apart raise InconsistentRateError (files of different
sessions mixed), as does an ACC header whose columns disagree.
"""

from __future__ import annotations

import logging
import math
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from lacrima.io._quality import check_missing, warn_read
from lacrima.io._table import TableSpec, read_table
from lacrima.io.archives import check_zip, read_zip_member
from lacrima.io.detect import E4_FILES
from lacrima.io.errors import (
    EmptyFileError,
    InconsistentRateError,
    MalformedFileError,
    NonNumericError,
)
from lacrima.io.recording import Channel, Marker, Recording

__all__ = ["E4_CHANNELS", "read_e4"]

logger = logging.getLogger(__name__)


#: file -> (channel names, kind, unit, E4 rate in Hz, scale to the unit)
E4_CHANNELS: dict[str, tuple[tuple[str, ...], str, str, float, float]] = {
    "BVP.CSV": (("bvp",), "ppg", "a.u.", 64.0, 1.0),
    "EDA.CSV": (("eda",), "eda", "uS", 4.0, 1.0),
    "TEMP.CSV": (("temp",), "temp", "degC", 4.0, 1.0),
    "HR.CSV": (("hr",), "hr", "bpm", 1.0, 1.0),
    "ACC.CSV": (("acc_x", "acc_y", "acc_z"), "acc", "g", 32.0, 1 / 64),
}
_MAX_START_SPREAD_S = 60.0


def _wanted(base: str) -> bool:
    upper = base.upper()
    return (
        upper in E4_CHANNELS
        or upper == "IBI.CSV"
        or (upper.startswith("TAGS") and upper.endswith(".CSV"))
    )


def _members(path: Path) -> tuple[dict[str, tuple[str, bytes]], str]:
    """Return {UPPER-CASE file name: (display name, content)} of the session's files."""
    if path.is_dir():
        found = {
            child.name.upper(): (f"{path.name}/{child.name}", child.read_bytes())
            for child in sorted(path.iterdir())
            if child.is_file() and _wanted(child.name)
        }
        return found, path.name
    known = {name.upper() for name in E4_FILES}
    with zipfile.ZipFile(path) as archive:
        budget = check_zip(archive, path.name)
        folders = sorted(
            {
                n.rsplit("/", 1)[0] if "/" in n else ""
                for n in archive.namelist()
                if n.rsplit("/", 1)[-1].upper() in known
            }
        )
        if len(folders) > 1:
            raise MalformedFileError(
                f"{path.name}: holds several E4 sessions ({', '.join(f or '/' for f in folders)})."
                " Unzip it and read each session's folder on its own."
            )
        prefix = f"{folders[0]}/" if folders and folders[0] else ""
        files: dict[str, tuple[str, bytes]] = {}
        for info in archive.infolist():
            base = info.filename[len(prefix) :]
            if info.is_dir() or not info.filename.startswith(prefix) or "/" in base:
                continue
            if _wanted(base):
                files[base.upper()] = (
                    f"{path.name}/{base}",
                    read_zip_member(archive, info, budget),
                )
    return files, path.name


def _header(data: bytes, name: str, columns: int) -> tuple[float, float]:
    """Parse the two header rows; return (start unix s, rate Hz)."""
    lines = data.split(b"\n", 2)
    if len(lines) < 2 or not lines[0].strip():
        raise EmptyFileError(f"{name}: is empty; an E4 file starts with its start time and rate.")
    rows = []
    for number, line in enumerate(lines[:2], start=1):
        try:
            rows.append([float(v) for v in line.decode("ascii").split(",") if v.strip()])
        except (UnicodeDecodeError, ValueError):
            raise MalformedFileError(
                f"{name}: line {number} should hold the E4 "
                f"{'start time' if number == 1 else 'rate'} ({columns} number(s)) but reads "
                f"{line[:60]!r}. This is not an E4 file."
            ) from None
    starts, rates = rows
    if len(starts) != columns or len(rates) != columns:
        raise MalformedFileError(
            f"{name}: the header should have {columns} column(s) but has {len(starts)} and "
            f"{len(rates)}. This is not an unmodified E4 file."
        )
    if len(set(starts)) > 1 or len(set(rates)) > 1:
        raise InconsistentRateError(
            f"{name}: the header's columns disagree (start times {starts}, rates {rates}). "
            "An E4 export writes one start and one rate for all columns: export it again."
        )
    if not (math.isfinite(rates[0]) and rates[0] > 0):
        raise MalformedFileError(f"{name}: the rate on line 2 is {rates[0]:g}; it must be > 0 Hz.")
    return starts[0], rates[0]


def _signal(key: str, data: bytes, name: str) -> tuple[float, list[Channel]] | None:
    names, kind, unit, nominal, scale = E4_CHANNELS[key]
    start, rate = _header(data, name, len(names))
    if abs(rate - nominal) > 1e-6 * nominal:
        warn_read(
            f"{name}: the header says {rate:g} Hz but the E4 records this signal at "
            f"{nominal:g} Hz; using {rate:g} Hz from the file. Check the export."
        )
    try:
        table = read_table(data, TableSpec(name, list(names), first_line=3))
    except EmptyFileError:
        warn_read(f"{name}: has a header but no samples; the channel is left out.")
        return None
    channels = [Channel(n, table[n] * scale, rate, unit, kind) for n in names]
    return start, channels


def _ibi(data: bytes, name: str) -> tuple[float, np.ndarray, np.ndarray] | None:
    first = data.split(b"\n", 1)[0].decode("ascii", "replace").split(",")[0]
    try:
        start = float(first)
    except ValueError:
        raise MalformedFileError(
            f"{name}: line 1 should start with the E4 start time, but reads {first!r}."
        ) from None
    try:
        table = read_table(data, TableSpec(name, ["offset_s", "ibi_s"], first_line=2))
    except EmptyFileError:
        warn_read(f"{name}: holds no inter-beat intervals (no clean beats found); left out.")
        return None
    offsets, ibi_s = table["offset_s"], table["ibi_s"]
    back = np.flatnonzero(np.diff(offsets) <= 0)
    if back.size:
        raise MalformedFileError(
            f"{name}: the beat times do not increase at line {int(back[0]) + 3}. "
            "Sort the rows by time, or export the session again."
        )
    return start, offsets, ibi_s * 1000.0


def _tags(data: bytes, name: str) -> list[float]:
    times = []
    for number, line in enumerate(data.decode("ascii", "replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            times.append(float(line.split(",")[0]))
        except ValueError:
            raise NonNumericError(
                f"{name}: line {number} reads {line[:40]!r}, not a Unix time. "
                "Each line of a tags file is one button press time."
            ) from None
    return times


def read_e4(path: Path, hints: dict[str, Any]) -> Recording:
    """Read an Empatica E4 session from its zip export or unzipped folder.

    Parameters
    ----------
    path : pathlib.Path
        The ``.zip`` file or the folder holding ``BVP.csv``, ``EDA.csv``, ...
    hints : dict
        ``max_gap_s`` (s).

    Returns
    -------
    Recording
        Channels bvp (ppg), eda, temp, hr, acc_x/y/z, ibi (event series, ms), tags as
        markers, ``start_time`` the earliest file start (UTC).

    Raises
    ------
    InconsistentRateError
        Files from different sessions, or an ACC header whose columns disagree.
    MalformedFileError, EmptyFileError, TruncatedFileError, NonNumericError
        A file that breaks the E4 layout; the message names it and the line.
    """
    files, source = _members(path)
    starts: dict[str, float] = {}
    pending: list[tuple[float, Channel]] = []
    for key in E4_CHANNELS:
        if key in files:
            name, data = files[key]
            found = _signal(key, data, name)
            if found is not None:
                starts[name] = found[0]
                pending.extend((found[0], channel) for channel in found[1])
    ibi = None
    if "IBI.CSV" in files:
        name, data = files["IBI.CSV"]
        ibi = _ibi(data, name)
        if ibi is not None:
            starts[name] = ibi[0]
    if not starts:
        raise EmptyFileError(f"{source}: none of the E4 files holds samples.")
    t0 = min(starts.values())
    if max(starts.values()) - t0 > _MAX_START_SPREAD_S:
        listing = ", ".join(
            f"{n} {datetime.fromtimestamp(s, UTC):%Y-%m-%d %H:%M:%S}" for n, s in starts.items()
        )
        raise InconsistentRateError(
            f"{source}: the files' start times are more than {_MAX_START_SPREAD_S:g} s apart "
            f"({listing} UTC): they come from different sessions. Keep one session's files "
            "together and read each session on its own."
        )
    channels: dict[str, Channel] = {}
    for start, channel in pending:
        channel.start_s = start - t0
        channels[channel.name] = channel
    if ibi is not None:
        start, offsets, ibi_ms = ibi
        times = start - t0 + offsets
        channels["ibi"] = Channel("ibi", ibi_ms, math.nan, "ms", "ibi", float(times[0]), times)
    markers: list[Marker] = []
    for key in sorted(k for k in files if k.startswith("TAGS") and k.endswith(".CSV")):
        name, data = files[key]
        markers.extend(Marker(t - t0, "tag") for t in _tags(data, name))
    for channel in channels.values():
        check_missing(
            [channel],
            source=f"{source}/{channel.name.split('_')[0].upper()}.csv",
            max_gap_s=hints["max_gap_s"],
            first_line=2 if channel.is_event_series else 3,
        )
    return Recording(channels, markers, datetime.fromtimestamp(t0, UTC), source)
