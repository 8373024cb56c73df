"""Chunks from Lab Streaming Layer streams (labs: ECG, PPG, EDA, respiration, markers).

Optional: needs ``pylsl`` (``pip install pylsl``; its manylinux wheel carries
``liblsl``). :class:`LslSource` resolves the streams on the local network, opens an
inlet on each signal stream and yields :class:`~lacrima.sp.live_chunks.Chunk` s numbered
over all of them, as ``lacrima replay`` does for a file; marker streams become
``(time_s, label)`` pairs given to ``on_marker``. Sample times come from the sample
count at the stream's nominal rate (the chunk format is regular); LSL timestamps are used
only for markers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from lacrima.errors import LacrimaError
from lacrima.sp.live_chunks import MAX_CHUNK_SAMPLES, Chunk
from lacrima.sp.live_replay import chunk_name

__all__ = ["STREAM_KINDS", "LslError", "LslSource"]

log = logging.getLogger(__name__)

STREAM_KINDS = {
    "ecg": "ecg",
    "ekg": "ecg",
    "exg": "ecg",
    "ppg": "ppg",
    "bvp": "ppg",
    "eda": "eda",
    "gsr": "eda",
    "resp": "resp",
    "respiration": "resp",
}
"""LSL stream ``type`` (case-insensitive) -> channel kind. ``Markers`` streams are markers."""


class LslError(LacrimaError):
    """No LSL stream, or pylsl missing."""


def _pylsl() -> Any:
    try:
        import pylsl
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise LslError(
            "LSL needs the pylsl package: pip install pylsl (its wheel includes liblsl)"
        ) from exc
    return pylsl


class LslSource:
    """The LSL signal (and marker) streams found on the local network.

    Parameters
    ----------
    session : str
        Session id written into every chunk.
    wait_s : float
        How long to look for streams, s.
    source_id : str, optional
        Only the stream with this LSL ``source_id``.

    Raises
    ------
    LslError
        When pylsl is missing or no usable stream is found.
    """

    def __init__(self, session: str, *, wait_s: float = 5.0, source_id: str | None = None) -> None:
        lsl = _pylsl()
        self._lsl = lsl
        self.session = session
        found = (
            lsl.resolve_byprop("source_id", source_id, timeout=wait_s)
            if source_id
            else lsl.resolve_streams(wait_time=wait_s)
        )
        self._signals: list[tuple[Any, Any, str, list[str]]] = []
        self._markers: list[Any] = []
        for info in found:
            typ = info.type().lower()
            if typ == "markers":
                self._markers.append(lsl.StreamInlet(info))
            elif typ in STREAM_KINDS and info.nominal_srate() > 0:
                n, base = info.channel_count(), chunk_name(info.name())
                names = [base if n == 1 else f"{base}.{j}" for j in range(n)]
                self._signals.append((info, lsl.StreamInlet(info), STREAM_KINDS[typ], names))
        if not self._signals:
            kinds = ", ".join(sorted({k.upper() for k in STREAM_KINDS}))
            seen = ", ".join(f"{i.name()} ({i.type()})" for i in found) or "none"
            raise LslError(
                f"no LSL signal stream found in {wait_s:g} s (streams seen: {seen}); start "
                f"the device's LSL app, with a stream type of {kinds}"
            )

    @property
    def channels(self) -> dict[str, tuple[str, float]]:
        """Channel name -> ``(kind, fs_hz)``, as :class:`~lacrima.sp.LiveAnalyzer` takes."""
        return {
            name: (kind, float(info.nominal_srate()))
            for info, _, kind, names in self._signals
            for name in names
        }

    def chunks(
        self,
        duration_s: float | None = None,
        on_marker: Callable[[float, str], None] | None = None,
    ) -> Iterator[Chunk]:
        """Pull from every inlet until ``duration_s`` has passed (default: forever).

        ``on_marker`` is called with ``(time_s, label)`` for each marker sample.
        """
        t_start = self._lsl.local_clock()
        counts = [0] * len(self._signals)
        seq = 0
        stop = None if duration_s is None else time.monotonic() + duration_s
        while stop is None or time.monotonic() < stop:
            for k, (info, inlet, kind, names) in enumerate(self._signals):
                data, _ = inlet.pull_chunk(timeout=0.0, max_samples=MAX_CHUNK_SAMPLES)
                if not data:
                    continue
                x = np.asarray(data, dtype=float).reshape(len(data), -1)
                fs = float(info.nominal_srate())
                for j, name in enumerate(names):
                    yield Chunk(self.session, seq, name, counts[k] / fs, fs, x[:, j], kind)
                    seq += 1
                counts[k] += x.shape[0]
            for inlet in self._markers:
                labels, stamps = inlet.pull_chunk(timeout=0.0)
                for lab, ts in zip(labels, stamps, strict=False):
                    if on_marker is not None:
                        on_marker(max(float(ts) - t_start, 0.0), str(lab[0] if lab else ""))
            time.sleep(0.05)
