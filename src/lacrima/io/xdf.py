"""XDF files written by Lab Streaming Layer's LabRecorder, read with pyxdf.

- Numeric streams with a nominal rate become regular channels; their ``fs_hz`` is the
  effective rate of the (clock-synchronized, de-jittered) time stamps, which keeps them
  aligned with the markers over long sessions. A stream whose effective rate is more
  than 5 % off its nominal rate, or that has a gap, raises InconsistentRateError.
- Numeric streams without a rate become event series (``times_s``), one per channel.
- String streams, and numeric streams of type ``Markers``, become markers.
- Times are seconds from the first sample of any stream. ``start_time`` is the file
  header's ``datetime`` (when LabRecorder wrote one), converted to UTC.

Reference: the XDF specification, https://github.com/sccn/xdf/wiki/Specifications
"""

from __future__ import annotations

import gzip
import io
import logging
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyxdf

from lacrima.io._quality import check_missing, snap_rate
from lacrima.io.archives import check_gzip
from lacrima.io.errors import (
    EmptyFileError,
    InconsistentRateError,
    MalformedFileError,
    TruncatedFileError,
)
from lacrima.io.kinds import infer_kind, normalize_unit
from lacrima.io.recording import Channel, Marker, Recording

__all__ = ["read_xdf"]

logger = logging.getLogger(__name__)


_MAX_RATE_DEVIATION = 0.05
_FILE_HEADER_TAG = 1


def _is_gzip(path: Path) -> bool:
    return path.name.lower().endswith((".xdfz", ".gz"))


def _skip(stream: io.BufferedIOBase, count: int, size: int | None) -> bool:
    """Move ``count`` bytes ahead; False when the data end first."""
    if size is not None:
        stream.seek(count, 1)
        return stream.tell() <= size
    while count > 0:
        block = stream.read(min(count, 1 << 20))
        if not block:
            return False
        count -= len(block)
    return True


def _check_chunks(path: Path) -> None:
    """Walk the chunk structure; raise on a cut-off chunk or a missing file header."""
    source = path.name
    size = None if _is_gzip(path) else path.stat().st_size
    stream: io.BufferedIOBase
    with gzip.open(path, "rb") if _is_gzip(path) else path.open("rb") as stream:
        stream.read(4)  # magic "XDF:", checked by format detection
        offset, tags = 4, set()
        while True:
            width_byte = stream.read(1)
            if not width_byte:
                break
            width = width_byte[0]
            if width not in (1, 4, 8):
                raise MalformedFileError(
                    f"{source}: byte {offset} should start a chunk (length size 1, 4 or 8) but "
                    f"is {width}. The file is damaged; record or copy it again."
                )
            raw = stream.read(width)
            tag = stream.read(2)
            if len(raw) < width or len(tag) < 2:
                break_at = offset
                raise TruncatedFileError(
                    f"{source}: the file ends inside the chunk that starts at byte {break_at}: "
                    "it is truncated (LabRecorder stopped abnormally, or an interrupted copy). "
                    "Copy it again; pyxdf-based tools can salvage the complete chunks."
                )
            length = int.from_bytes(raw, "little")
            tags.add(int.from_bytes(tag, "little"))
            if length < 2 or not _skip(stream, length - 2, size):
                raise TruncatedFileError(
                    f"{source}: the chunk at byte {offset} announces {length} bytes but the file "
                    "ends before: it is truncated (LabRecorder stopped abnormally, or an "
                    "interrupted copy). Copy it again."
                )
            offset += 1 + width + length
    if _FILE_HEADER_TAG not in tags:
        raise MalformedFileError(
            f"{source}: has no FileHeader chunk, so it is not a valid XDF file."
        )


def _first(info: dict[str, Any], key: str, default: Any = None) -> Any:
    value = info.get(key)
    if isinstance(value, list):
        value = value[0] if value else None
    return default if value is None else value


def _channel_descs(info: dict[str, Any], count: int) -> list[dict[str, str]]:
    descs: list[dict[str, str]] = [{} for _ in range(count)]
    try:
        entries = info["desc"][0]["channels"][0]["channel"]
    except (KeyError, IndexError, TypeError):
        return descs
    for index, entry in enumerate(entries[:count]):
        if isinstance(entry, dict):
            descs[index] = {k: str(_first(entry, k, "")) for k in ("label", "unit", "type")}
    return descs


def _start_time(header: dict[str, Any] | None) -> Any:
    try:
        text = _first(header["info"], "datetime")  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    stamp = pd.to_datetime(text, utc=True, errors="coerce") if text else pd.NaT
    return None if pd.isna(stamp) else stamp.to_pydatetime()


def _regular_rate(stamps: np.ndarray, nominal: float, stream: str, source: str) -> float:
    if stamps.size < 2:
        return nominal
    steps = np.diff(stamps)
    if float(steps.min()) <= 0 or float(steps.max()) > 1.5 / nominal:
        index = int(np.argmax(steps)) if float(steps.min()) > 0 else int(np.argmin(steps))
        raise InconsistentRateError(
            f"{source}: stream {stream!r} ({nominal:g} Hz) has a gap or a clock jump of "
            f"{steps[index]:.3g} s at t = {stamps[index] - stamps[0]:.3f} s from its start. "
            "Lacrima needs evenly sampled streams: export the parts before and after the gap "
            "separately."
        )
    effective = (stamps.size - 1) / float(stamps[-1] - stamps[0])
    if abs(effective - nominal) > _MAX_RATE_DEVIATION * nominal:
        raise InconsistentRateError(
            f"{source}: stream {stream!r} says {nominal:g} Hz but its time stamps give "
            f"{effective:.4g} Hz (samples were lost or the rate is wrong in the stream "
            "header). Fix the device's rate setting, or resample the stream."
        )
    return snap_rate(effective)


def _names(streams: list[dict[str, Any]]) -> dict[tuple[int, int], str]:
    wanted: dict[tuple[int, int], str] = {}
    for s_index, stream in enumerate(streams):
        info = stream["info"]
        name = str(_first(info, "name", f"stream{s_index + 1}"))
        count = int(_first(info, "channel_count", 1))
        for c_index, desc in enumerate(_channel_descs(info, count)):
            label = desc.get("label") or (name if count == 1 else f"{name}_{c_index + 1}")
            wanted[(s_index, c_index)] = label
    counts: dict[str, int] = {}
    for label in wanted.values():
        counts[label] = counts.get(label, 0) + 1
    names = {}
    for (s_index, c_index), label in wanted.items():
        stream_name = str(_first(streams[s_index]["info"], "name", f"stream{s_index + 1}"))
        names[(s_index, c_index)] = label if counts[label] == 1 else f"{stream_name}_{label}"
    return names


def read_xdf(path: Path, hints: dict[str, Any]) -> Recording:
    """Read an XDF (or gzip-compressed ``.xdfz``) file.

    Parameters
    ----------
    path : pathlib.Path
        The ``.xdf`` or ``.xdfz`` file.
    hints : dict
        ``max_gap_s`` (s).

    Returns
    -------
    Recording
        Numeric streams as channels, marker streams as markers.

    Raises
    ------
    TruncatedFileError
        A chunk runs past the end of the file.
    MalformedFileError
        A broken chunk structure, or a stream pyxdf cannot decode.
    EmptyFileError
        No stream has any sample.
    InconsistentRateError
        A regular stream with a gap or a rate far from its nominal rate.
    """
    source = path.name
    if _is_gzip(path):
        check_gzip(path)  # refuse a gzip bomb before pyxdf unpacks it whole
    _check_chunks(path)
    try:
        streams, header = pyxdf.load_xdf(str(path))
    except Exception as exc:  # pyxdf raises ValueError, KeyError, struct.error, ...
        raise MalformedFileError(
            f"{source}: pyxdf cannot decode it ({type(exc).__name__}: {exc}). The stream "
            "headers may be damaged; check that the file opens in SigViewer or MNELAB."
        ) from None
    with_data = [s for s in streams if len(s["time_stamps"])]
    if not with_data:
        raise EmptyFileError(f"{source}: none of its {len(streams)} stream(s) has samples.")
    t0 = min(float(s["time_stamps"][0]) for s in with_data)
    names = _names(streams)
    channels: dict[str, Channel] = {}
    markers: list[Marker] = []
    for s_index, stream in enumerate(streams):
        info = stream["info"]
        stream_name = str(_first(info, "name", f"stream{s_index + 1}"))
        stream_type = str(_first(info, "type", ""))
        stamps = np.asarray(stream["time_stamps"], dtype=np.float64) - t0
        nominal = float(_first(info, "nominal_srate", 0) or 0)
        if _first(info, "channel_format") == "string" or stream_type.lower() == "markers":
            for time_s, values in zip(stamps, stream["time_series"], strict=True):
                texts = [v if isinstance(v, str) else f"{float(v):g}" for v in values]
                markers.append(Marker(float(time_s), "|".join(texts)))
            continue
        if not stamps.size:
            logger.info("%s: stream %r has no samples; skipped", source, stream_name)
            continue
        values = np.asarray(stream["time_series"], dtype=np.float64).reshape(stamps.size, -1)
        fs = _regular_rate(stamps, nominal, stream_name, source) if nominal > 0 else math.nan
        descs = _channel_descs(info, values.shape[1])
        for c_index, desc in enumerate(descs):
            name = names[(s_index, c_index)]
            unit = normalize_unit(desc.get("unit"))
            kind = infer_kind(desc.get("label") or stream_name, unit)
            for fallback in (desc.get("type", ""), stream_type):
                kind = infer_kind(fallback) if kind == "other" and fallback else kind
            channels[name] = Channel(
                name=name,
                samples=values[:, c_index],
                fs_hz=fs,
                unit=unit,
                kind=kind,
                start_s=float(stamps[0]),
                times_s=None if nominal > 0 else stamps,
            )
    check_missing(channels.values(), source=source, max_gap_s=hints["max_gap_s"])
    return Recording(channels, markers, _start_time(header), source)
