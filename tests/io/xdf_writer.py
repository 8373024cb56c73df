"""A minimal XDF writer for tests, written from the XDF 1.0 specification.

File: the magic ``XDF:`` then chunks. Chunk: a length-width byte (1, 4 or 8), the
length (little-endian, counting the 2-byte tag and the content), the tag, the content.
Tags used here: 1 FileHeader (XML), 2 StreamHeader (stream id + XML), 3 Samples
(stream id, varlen sample count, then per sample a timestamp flag byte, an optional
float64 timestamp and the values), 4 ClockOffset (stream id, collection time, offset),
6 StreamFooter (stream id + XML).
Spec: https://github.com/sccn/xdf/wiki/Specifications
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

_NUMPY_FORMATS = {"float32": "<f4", "double64": "<f8", "int16": "<i2", "int32": "<i4"}


@dataclass
class XdfStream:
    """One stream to write: header fields, per-channel label/unit/type, samples."""

    name: str
    type: str
    channel_format: str  # "float32", "double64", "int16", "int32" or "string"
    nominal_srate: float
    time_stamps: np.ndarray
    values: np.ndarray | list[list[str]]
    labels: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    channel_types: list[str] = field(default_factory=list)

    @property
    def channel_count(self) -> int:
        if self.channel_format == "string":
            return len(self.values[0]) if len(self.values) else 1
        return int(np.asarray(self.values).shape[1])


def _varlen(value: int) -> bytes:
    if value < 256:
        return bytes([1]) + struct.pack("<B", value)
    if value < 2**32:
        return bytes([4]) + struct.pack("<I", value)
    return bytes([8]) + struct.pack("<Q", value)


def _chunk(tag: int, content: bytes) -> bytes:
    return _varlen(len(content) + 2) + struct.pack("<H", tag) + content


def _stream_header(stream: XdfStream) -> bytes:
    channels = ""
    if stream.labels:
        parts = []
        for index, label in enumerate(stream.labels):
            unit = stream.units[index] if stream.units else ""
            kind = stream.channel_types[index] if stream.channel_types else ""
            parts.append(
                f"<channel><label>{escape(label)}</label><unit>{escape(unit)}</unit>"
                f"<type>{escape(kind)}</type></channel>"
            )
        channels = f"<channels>{''.join(parts)}</channels>"
    xml = (
        '<?xml version="1.0"?><info>'
        f"<name>{escape(stream.name)}</name><type>{escape(stream.type)}</type>"
        f"<channel_count>{stream.channel_count}</channel_count>"
        f"<nominal_srate>{stream.nominal_srate}</nominal_srate>"
        f"<channel_format>{stream.channel_format}</channel_format>"
        f"<source_id>{escape(stream.name)}-test</source_id>"
        f"<created_at>0</created_at><desc>{channels}</desc></info>"
    )
    return xml.encode("utf-8")


def _samples(stream_id: int, stream: XdfStream) -> bytes:
    body = bytearray(struct.pack("<I", stream_id))
    body += _varlen(len(stream.time_stamps))
    for index, stamp in enumerate(stream.time_stamps):
        body += b"\x08" + struct.pack("<d", float(stamp))
        if stream.channel_format == "string":
            for text in stream.values[index]:
                raw = str(text).encode("utf-8")
                body += _varlen(len(raw)) + raw
        else:
            row = np.asarray(stream.values[index], dtype=_NUMPY_FORMATS[stream.channel_format])
            body += row.tobytes()
    return bytes(body)


def write_xdf(path: Path, streams: list[XdfStream], *, datetime_text: str | None = None) -> Path:
    """Write ``streams`` to an XDF file at ``path`` and return the path."""
    header = '<?xml version="1.0"?><info><version>1.0</version>'
    if datetime_text:
        header += f"<datetime>{escape(datetime_text)}</datetime>"
    header += "</info>"
    out = bytearray(b"XDF:")
    out += _chunk(1, header.encode("utf-8"))
    for stream_id, stream in enumerate(streams, start=1):
        out += _chunk(2, struct.pack("<I", stream_id) + _stream_header(stream))
    for stream_id, stream in enumerate(streams, start=1):
        if len(stream.time_stamps):
            out += _chunk(3, _samples(stream_id, stream))
            for stamp in (stream.time_stamps[0], stream.time_stamps[-1]):
                # ClockOffset: collection time and a zero offset (one clock for all streams)
                out += _chunk(4, struct.pack("<Idd", stream_id, float(stamp), 0.0))
    for stream_id, stream in enumerate(streams, start=1):
        stamps = stream.time_stamps
        first = float(stamps[0]) if len(stamps) else 0.0
        last = float(stamps[-1]) if len(stamps) else 0.0
        footer = (
            '<?xml version="1.0"?><info>'
            f"<first_timestamp>{first}</first_timestamp><last_timestamp>{last}</last_timestamp>"
            f"<sample_count>{len(stamps)}</sample_count></info>"
        )
        out += _chunk(6, struct.pack("<I", stream_id) + footer.encode("utf-8"))
    path.write_bytes(bytes(out))
    return path
