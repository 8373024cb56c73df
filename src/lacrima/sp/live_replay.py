"""Play a recording back as a device would: a sequence of numbered chunks.

:func:`chunks_of` cuts every channel of a :class:`~lacrima.io.Recording` into chunks of
``chunk_s`` seconds, interleaved in time order (the order a multi-channel device sends
them), numbered 0, 1, 2, ... :func:`feed` gives chunks to a
:class:`~lacrima.sp.live.LiveAnalyzer`. ``lacrima replay`` (:mod:`lacrima.cli.live`) is
the command over these.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np

from lacrima.errors import AnalysisError
from lacrima.sp.live import LiveAnalyzer, LiveUpdate
from lacrima.sp.live_chunks import MAX_CHUNK_SAMPLES, Chunk

__all__ = ["chunk_name", "chunks_of", "feed", "live_analyzer_for"]

_STREAMED = ("ecg", "ppg", "ibi", "hr", "eda", "resp")


def chunk_name(name: str) -> str:
    """A channel name in the chunk alphabet (other characters become ``_``)."""
    out = re.sub(r"[^A-Za-z0-9_.:-]", "_", name.strip())[:64]
    return out if out and out[0].isalnum() else ("c" + out)[:64]


def _streamed(recording: Any) -> dict[str, Any]:
    chans = {chunk_name(n): c for n, c in recording.channels.items() if c.kind in _STREAMED}
    if not chans:
        found = ", ".join(f"{c.name} ({c.kind})" for c in recording.channels.values()) or "none"
        raise AnalysisError(
            f"nothing to replay: no ECG, PPG, IBI, HR, EDA or respiration channel (found: {found})"
        )
    return chans


def chunks_of(recording: Any, session: str, chunk_s: float = 1.0) -> Iterator[Chunk]:
    """The chunks a device would send for ``recording``, in time order.

    Parameters
    ----------
    recording : lacrima.io.Recording
        What to play back (any reader's output).
    session : str
        Session id written into every chunk.
    chunk_s : float
        Seconds of signal per chunk (0.1-60).

    Yields
    ------
    Chunk
        Regular channels as samples from ``t0_s``; an event-series IBI channel as its
        intervals (ms), ``t0_s`` the time of the first one's beat, a new chunk after each
        gap (a beat whose time is not the previous one plus its interval).

    Raises
    ------
    AnalysisError
        When no channel can be streamed or ``chunk_s`` is out of range.
    """
    if not (math.isfinite(chunk_s) and 0.1 <= chunk_s <= 60.0):
        raise AnalysisError(f"chunk_s must be between 0.1 and 60 s; got {chunk_s}")
    chans = _streamed(recording)
    # (time the device has the chunk, channel order, name, channel, samples, t0_s)
    pieces: list[tuple[float, int, str, Any, np.ndarray, float]] = []
    for order, (name, ch) in enumerate(chans.items()):
        if ch.times_s is not None:
            pieces += _beat_pieces(ch, name, order, chunk_s)
            continue
        n = max(1, min(round(chunk_s * ch.fs_hz), MAX_CHUNK_SAMPLES))
        for i in range(0, ch.samples.size, n):
            t0 = ch.start_s + i / ch.fs_hz
            x = ch.samples[i : i + n]
            pieces.append((t0 + x.size / ch.fs_hz, order, name, ch, x, t0))
    pieces.sort(
        key=lambda p: (p[0] + (p[4].size / p[3].fs_hz if p[3].times_s is None else 0), p[1])
    )
    for seq, (_, _, name, ch, x, t0) in enumerate(pieces):
        fs = ch.fs_hz if ch.times_s is None else 1.0
        yield Chunk(session, seq, name, max(t0, 0.0), fs, x, ch.kind)


def _beat_pieces(ch: Any, name: str, order: int, chunk_s: float) -> list[Any]:
    t = np.asarray(ch.times_s, dtype=float)
    ibi = np.asarray(ch.samples, dtype=float)
    unit = (ch.unit or "").lower()
    if unit == "s" or (unit != "ms" and np.nanmedian(ibi) < 10):  # as lacrima.sp.sources
        ibi = ibi * 1000.0
    out = []
    start = 0
    for k in range(1, len(t) + 1):
        gap = k < len(t) and abs((t[k] - t[k - 1]) * 1000.0 - ibi[k]) > max(0.1 * ibi[k], 50.0)
        full = k < len(t) and t[k] - t[start] >= chunk_s
        if k == len(t) or gap or full or k - start >= MAX_CHUNK_SAMPLES:
            if k > start:
                out.append((float(t[k - 1]), order, name, ch, ibi[start:k], float(t[start])))
            start = k
    return out


def live_analyzer_for(recording: Any, **kwargs: Any) -> LiveAnalyzer:
    """A :class:`LiveAnalyzer` declared with the streamed channels of ``recording``."""
    chans = _streamed(recording)
    spec = {n: (c.kind, c.fs_hz if c.times_s is None else 0.0, c.unit) for n, c in chans.items()}
    return LiveAnalyzer(spec, start_time=recording.start_time, **kwargs)


def feed(live: LiveAnalyzer, chunk: Chunk) -> LiveUpdate | None:
    """Give one chunk to ``live`` (an IBI chunk as beats from its ``t0_s``)."""
    if chunk.kind == "ibi":
        return live.push_beats(chunk.channel, chunk.t0_s, chunk.samples)
    return live.push({chunk.channel: chunk.samples})
