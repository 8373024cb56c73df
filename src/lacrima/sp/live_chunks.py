"""Chunks of a live stream: the unit a device, a bridge or ``lacrima replay`` sends.

A chunk is the samples of one channel over a short stretch, numbered by a per-session
sequence number ``seq`` (0, 1, 2, ... over all channels of the session). Two forms,
documented in ``docs/live.md``:

- **JSON**: ``{"v": 1, "session": "...", "seq": 0, "channel": "ecg", "kind": "ecg",
  "t0_s": 0.0, "fs_hz": 700.0, "samples": [0.1, null, ...]}`` (``null`` is a missing
  sample);
- **binary** (little-endian): magic ``LCK1``, version ``u8``, three length-prefixed UTF-8
  strings (``u8`` length each: session, channel, kind), ``seq u64``, ``t0_s f64``,
  ``fs_hz f64``, ``n u32``, then ``n`` ``float32`` samples (NaN is a missing sample).

Every decoder is strict: anything malformed raises :class:`MalformedChunkError`,
anything over the limits :class:`OversizedChunkError`, and :class:`ChunkOrder` refuses a
chunk out of sequence with :class:`ChunkOrderError`. Limits and their reasons:
decision record ``0013i-incremental-live-analysis``.
"""

from __future__ import annotations

import json
import math
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from lacrima.errors import LacrimaError

__all__ = [
    "MAX_CHUNK_SAMPLES",
    "Chunk",
    "ChunkError",
    "ChunkOrder",
    "ChunkOrderError",
    "MalformedChunkError",
    "OversizedChunkError",
    "decode_binary",
    "decode_json",
    "iter_binary",
]

MAGIC = b"LCK1"
VERSION = 1
MAX_CHUNK_SAMPLES = 65_536
"""Samples in one chunk: 93 s of a 700-Hz channel, 256 KiB of float32 — a device sends
about a second at a time, so this bounds what one request can make a server hold."""
MAX_FS_HZ = 10_000.0
"""Highest sampling rate accepted: above any ECG/EDA/respiration amplifier in use."""
MAX_NAME = 64
"""Longest session id or channel name, characters."""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
_KINDS = ("", "ecg", "ppg", "ibi", "hr", "eda", "resp", "marker", "other")
_FIXED = struct.Struct("<QddI")
_JSON_KEYS = {"v", "session", "seq", "channel", "kind", "t0_s", "fs_hz", "samples"}


class ChunkError(LacrimaError):
    """A live-stream chunk was refused."""


class MalformedChunkError(ChunkError):
    """A chunk that does not follow the format."""


class OversizedChunkError(ChunkError):
    """A chunk over the size limits."""


class ChunkOrderError(ChunkError):
    """A chunk out of sequence (a gap, or a channel's time going backwards)."""


@dataclass(frozen=True, eq=False)
class Chunk:
    """Samples of one channel from ``t0_s`` at ``fs_hz``, number ``seq`` of a session.

    Attributes
    ----------
    session : str
        Session id (letters, digits, ``_ . : -``; at most 64).
    seq : int
        Sequence number in the session, from 0.
    channel : str
        Channel name (same alphabet as the session id).
    t0_s : float
        Time of the first sample, s from the session start.
    fs_hz : float
        Sampling rate, Hz.
    samples : numpy.ndarray
        float32 samples; NaN is a missing sample.
    kind : str
        Channel kind (``ecg``, ``ppg``, ``ibi``, ``hr``, ``eda``, ``resp``, ...) or ``""``.
    """

    session: str
    seq: int
    channel: str
    t0_s: float
    fs_hz: float
    samples: np.ndarray
    kind: str = ""

    def __post_init__(self) -> None:
        _check_name("session", self.session)
        _check_name("channel", self.channel)
        if self.kind not in _KINDS:
            raise MalformedChunkError(
                f"chunk kind must be one of {', '.join(repr(k) for k in _KINDS)}; got {self.kind!r}"
            )
        if isinstance(self.seq, bool) or not isinstance(self.seq, int | np.integer):
            raise MalformedChunkError(f"chunk seq must be an integer; got {self.seq!r}")
        if not 0 <= int(self.seq) < 2**63:
            raise MalformedChunkError(f"chunk seq must be 0 or more; got {self.seq}")
        for name, v in (("t0_s", self.t0_s), ("fs_hz", self.fs_hz)):
            if isinstance(v, bool) or not isinstance(v, int | float | np.floating | np.integer):
                raise MalformedChunkError(f"chunk {name} must be a number; got {v!r}")
        if not (math.isfinite(self.t0_s) and self.t0_s >= 0):
            raise MalformedChunkError(
                f"chunk t0_s must be a finite number of seconds >= 0; got {self.t0_s}"
            )
        if not (math.isfinite(self.fs_hz) and 0 < self.fs_hz <= MAX_FS_HZ):
            raise MalformedChunkError(
                f"chunk fs_hz must be in (0, {MAX_FS_HZ:g}] Hz; got {self.fs_hz}"
            )
        x = np.asarray(self.samples)
        if x.ndim != 1:
            raise MalformedChunkError("chunk samples must be a flat list of numbers")
        if x.size == 0:
            raise MalformedChunkError("chunk has no samples; send at least one")
        if x.size > MAX_CHUNK_SAMPLES:
            raise OversizedChunkError(
                f"chunk has {x.size} samples; at most {MAX_CHUNK_SAMPLES} per chunk — "
                "send shorter chunks (about a second each)"
            )
        try:
            x = x.astype(np.float32)
        except (TypeError, ValueError) as exc:
            raise MalformedChunkError("chunk samples must be numbers (or null)") from exc
        if np.isinf(x).any():
            raise MalformedChunkError(
                "chunk samples must be finite numbers or missing (NaN/null); got infinity"
            )
        object.__setattr__(self, "samples", x)
        object.__setattr__(self, "seq", int(self.seq))
        object.__setattr__(self, "t0_s", float(self.t0_s))
        object.__setattr__(self, "fs_hz", float(self.fs_hz))

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.samples.size)

    @property
    def end_s(self) -> float:
        """Time just after the last sample, s (an ``ibi`` chunk: its last beat)."""
        if self.kind == "ibi":
            return self.t0_s + float(np.nansum(self.samples[1:], dtype=np.float64)) / 1000.0
        return self.t0_s + self.n / self.fs_hz

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form as a dict (missing samples as ``None``)."""
        vals = [None if math.isnan(v) else v for v in self.samples.astype(float).tolist()]
        return {
            "v": VERSION,
            "session": self.session,
            "seq": self.seq,
            "channel": self.channel,
            "kind": self.kind,
            "t0_s": self.t0_s,
            "fs_hz": self.fs_hz,
            "samples": vals,
        }

    def to_json(self) -> str:
        """The JSON form, one line."""
        return json.dumps(self.to_json_dict(), separators=(",", ":"), allow_nan=False)

    def to_binary(self) -> bytes:
        """The compact binary form."""
        head = bytearray(MAGIC)
        head.append(VERSION)
        for s in (self.session, self.channel, self.kind):
            b = s.encode("utf-8")
            head.append(len(b))
            head += b
        head += _FIXED.pack(self.seq, self.t0_s, self.fs_hz, self.n)
        return bytes(head) + self.samples.astype("<f4").tobytes()


def _check_name(what: str, v: object) -> None:
    if not isinstance(v, str) or not _NAME.match(v):
        raise MalformedChunkError(
            f"chunk {what} must be 1-{MAX_NAME} letters, digits or _ . : - (starting with a "
            f"letter or digit); got {v!r}"
        )


def decode_json(text: str | bytes | dict[str, Any]) -> Chunk:
    """Parse the JSON form of a chunk.

    Parameters
    ----------
    text : str, bytes or dict
        One JSON object (or the already-parsed dict).

    Returns
    -------
    Chunk

    Raises
    ------
    MalformedChunkError
        Not JSON, not an object, a missing or unknown key, a wrong type or value.
    OversizedChunkError
        More than :data:`MAX_CHUNK_SAMPLES` samples.
    """
    if isinstance(text, dict):
        obj: Any = text
    else:
        if len(text) > 40 * MAX_CHUNK_SAMPLES:
            raise OversizedChunkError(
                f"chunk JSON is {len(text)} bytes; send at most {MAX_CHUNK_SAMPLES} samples"
            )
        try:
            obj = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedChunkError(f"chunk is not valid JSON: {exc}") from exc
    if not isinstance(obj, dict):
        raise MalformedChunkError("chunk JSON must be an object {...}")
    missing = _JSON_KEYS - {"kind"} - set(obj)
    if missing:
        raise MalformedChunkError(f"chunk JSON lacks {', '.join(sorted(missing))}")
    extra = set(obj) - _JSON_KEYS
    if extra:
        raise MalformedChunkError(
            f"chunk JSON has unknown keys {', '.join(sorted(extra))}; "
            f"allowed: {', '.join(sorted(_JSON_KEYS))}"
        )
    if obj["v"] != VERSION or isinstance(obj["v"], bool):
        raise MalformedChunkError(f"chunk version must be {VERSION}; got {obj['v']!r}")
    samples = obj["samples"]
    if not isinstance(samples, list):
        raise MalformedChunkError("chunk samples must be a list of numbers (or null)")
    if len(samples) > MAX_CHUNK_SAMPLES:
        raise OversizedChunkError(
            f"chunk has {len(samples)} samples; at most {MAX_CHUNK_SAMPLES} per chunk — "
            "send shorter chunks (about a second each)"
        )
    if any(isinstance(v, bool) or not (v is None or isinstance(v, int | float)) for v in samples):
        raise MalformedChunkError("chunk samples must be numbers (or null)")
    x = np.array([math.nan if v is None else v for v in samples], dtype=np.float64)
    return Chunk(
        session=obj["session"],
        seq=obj["seq"],
        channel=obj["channel"],
        t0_s=obj["t0_s"],
        fs_hz=obj["fs_hz"],
        samples=x,
        kind=obj.get("kind", ""),
    )


def _read_binary(data: bytes | memoryview, pos: int) -> tuple[Chunk, int]:
    buf = memoryview(data)
    if len(buf) - pos < len(MAGIC) + 1:
        raise MalformedChunkError("binary chunk is truncated: shorter than its header")
    if bytes(buf[pos : pos + 4]) != MAGIC:
        raise MalformedChunkError("binary chunk does not start with LCK1 (not a Lacrima chunk)")
    if buf[pos + 4] != VERSION:
        raise MalformedChunkError(f"binary chunk version must be {VERSION}; got {buf[pos + 4]}")
    p = pos + 5
    strings = []
    for what in ("session", "channel", "kind"):
        if p >= len(buf):
            raise MalformedChunkError(f"binary chunk is truncated in its {what}")
        k = buf[p]
        if k > MAX_NAME or p + 1 + k > len(buf):
            raise MalformedChunkError(f"binary chunk {what} length {k} is invalid or truncated")
        try:
            strings.append(bytes(buf[p + 1 : p + 1 + k]).decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise MalformedChunkError(f"binary chunk {what} is not UTF-8") from exc
        p += 1 + k
    if len(buf) - p < _FIXED.size:
        raise MalformedChunkError("binary chunk is truncated before its sample count")
    seq, t0, fs, n = _FIXED.unpack_from(buf, p)
    p += _FIXED.size
    if n > MAX_CHUNK_SAMPLES:
        raise OversizedChunkError(
            f"chunk has {n} samples; at most {MAX_CHUNK_SAMPLES} per chunk — send shorter "
            "chunks (about a second each)"
        )
    if len(buf) - p < 4 * n:
        raise MalformedChunkError(
            f"binary chunk is truncated: header says {n} samples, {(len(buf) - p) // 4} follow"
        )
    x = np.frombuffer(buf[p : p + 4 * n], dtype="<f4").astype(np.float32)
    if seq >= 2**63:
        raise MalformedChunkError(f"chunk seq must be below 2**63; got {seq}")
    chunk = Chunk(strings[0], seq, strings[1], t0, fs, x, strings[2])
    return chunk, p + 4 * n


def decode_binary(data: bytes) -> Chunk:
    """Parse one binary chunk (exactly: trailing bytes are an error).

    Raises
    ------
    MalformedChunkError
        Bad magic or version, truncation, trailing bytes, invalid fields.
    OversizedChunkError
        More than :data:`MAX_CHUNK_SAMPLES` samples.
    """
    chunk, end = _read_binary(data, 0)
    if end != len(data):
        raise MalformedChunkError(
            f"binary chunk has {len(data) - end} bytes after its {chunk.n} samples; "
            "send one chunk per message"
        )
    return chunk


def iter_binary(data: bytes) -> Iterator[Chunk]:
    """Parse a concatenation of binary chunks (a file written by ``lacrima replay``)."""
    pos = 0
    while pos < len(data):
        chunk, pos = _read_binary(data, pos)
        yield chunk


class ChunkOrder:
    """Check that a session's chunks arrive in sequence.

    ``accept`` returns True for the next chunk, False for a resend of one already
    accepted (idempotent: the caller acknowledges it again and stores nothing), and
    raises :class:`ChunkOrderError` for a gap in ``seq``, another session, a channel
    whose rate changes or whose time does not continue where its last chunk ended (for
    an ``ibi`` channel: whose first beat is not after its last one — a gap in a strap's
    beats is normal).

    Parameters
    ----------
    session : str
        The session these chunks must belong to.
    next_seq : int
        First expected sequence number (the last acknowledged one + 1 when resuming).
    """

    def __init__(self, session: str, next_seq: int = 0) -> None:
        self.session = session
        self.next_seq = int(next_seq)
        self._end: dict[str, tuple[float, float]] = {}

    def accept(self, chunk: Chunk) -> bool:
        """Whether ``chunk`` is new (True) or a resend (False); raises when out of order."""
        if chunk.session != self.session:
            raise ChunkOrderError(
                f"chunk belongs to session {chunk.session!r}, not {self.session!r}"
            )
        if chunk.seq < self.next_seq:
            return False
        if chunk.seq > self.next_seq:
            raise ChunkOrderError(
                f"chunk seq {chunk.seq} arrived before {self.next_seq}; resend from "
                f"seq {self.next_seq}"
            )
        prev = self._end.get(chunk.channel)
        if prev is not None and chunk.kind == "ibi":
            if not chunk.t0_s > prev[0]:
                raise ChunkOrderError(
                    f"channel {chunk.channel!r}: beats at {chunk.t0_s:.4f} s are not after the "
                    f"last one ({prev[0]:.4f} s); send RR intervals in time order"
                )
        elif prev is not None:
            end_s, fs = prev
            if fs != chunk.fs_hz:
                raise ChunkOrderError(
                    f"channel {chunk.channel!r} changed its rate from {fs:g} to "
                    f"{chunk.fs_hz:g} Hz; start a new session for another device setting"
                )
            if abs(chunk.t0_s - end_s) > 0.5 / fs:
                raise ChunkOrderError(
                    f"channel {chunk.channel!r}: chunk starts at {chunk.t0_s:.4f} s but the "
                    f"previous one ended at {end_s:.4f} s; send its samples contiguously"
                )
        self._end[chunk.channel] = (chunk.end_s, chunk.fs_hz)
        self.next_seq += 1
        return True
