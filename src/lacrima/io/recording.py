"""The in-memory form of a recording: channels, markers, start time, reference beats.

Every reader returns a :class:`Recording`. Times are seconds from the recording start
(``start_time``, when the file carries one); each channel carries its own rate and the
offset of its first sample, so channels at different rates (Empatica BVP at 64 Hz, EDA
at 4 Hz) live side by side without resampling. Beat annotations that come with a file
(a WFDB ``.atr``) are not markers: they are a :class:`ReferenceBeats` series, kept for
validation.
"""

from __future__ import annotations

import difflib
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from lacrima.errors import SignalError
from lacrima.io.errors import ChannelNotFoundError, UnknownKindError
from lacrima.io.kinds import KINDS

__all__ = ["Channel", "Marker", "Recording", "ReferenceBeats", "check_kind"]


def check_kind(kind: str, *, what: str = "kind") -> str:
    """Return ``kind`` when it is one of :data:`~lacrima.io.kinds.KINDS`, else raise.

    Parameters
    ----------
    kind : str
        A channel kind such as ``"ecg"``.
    what : str
        How to name the value in the message (``"kind"``, ``"kinds['ECG']"``).

    Returns
    -------
    str
        ``kind`` unchanged.

    Raises
    ------
    UnknownKindError
        When ``kind`` is not a known kind; the message lists the valid ones.
    """
    if kind in KINDS:
        return kind
    close = difflib.get_close_matches(str(kind).lower(), KINDS, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownKindError(
        f"{what}={kind!r} is not a channel kind. Valid kinds: {', '.join(KINDS)}.{hint}"
    )


@dataclass(repr=False)
class Channel:
    """One signal: its samples, rate, unit and kind.

    Parameters
    ----------
    name : str
        Channel name as in the file (``"ECG"``, ``"MLII"``, ``"acc_x"``).
    samples : numpy.ndarray
        1-D values in ``unit``; stored as float64. Missing values are NaN.
    fs_hz : float
        Sampling rate in Hz; ``math.nan`` for an event series (``times_s`` given).
    unit : str
        Physical unit (``"mV"``, ``"uS"``, ``"a.u."``, ``"ms"``, ``"bpm"``, ``"degC"``, ``"g"``).
    kind : str
        One of :data:`~lacrima.io.kinds.KINDS`.
    start_s : float
        Offset of the first sample from the recording start, in s.
    times_s : numpy.ndarray or None
        For irregular event series (e.g. Empatica IBI): the time of each sample in s
        from the recording start. None for regularly sampled channels.
    """

    name: str
    samples: np.ndarray
    fs_hz: float
    unit: str
    kind: str
    start_s: float = 0.0
    times_s: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.samples = np.ascontiguousarray(self.samples, dtype=np.float64)
        if self.samples.ndim != 1:
            raise SignalError(
                f"channel {self.name!r}: samples must be 1-D, got shape {self.samples.shape}."
            )
        check_kind(self.kind)
        self.fs_hz = float(self.fs_hz)
        self.start_s = float(self.start_s)
        if self.times_s is None:
            if not (math.isfinite(self.fs_hz) and self.fs_hz > 0):
                raise SignalError(
                    f"channel {self.name!r}: fs_hz must be a positive number of Hz for a "
                    f"regularly sampled channel, got {self.fs_hz}; give times_s (and "
                    "fs_hz=math.nan) for an event series."
                )
            return
        self.times_s = np.ascontiguousarray(self.times_s, dtype=np.float64)
        if self.times_s.shape != self.samples.shape:
            raise SignalError(
                f"channel {self.name!r}: times_s has shape {self.times_s.shape} but samples "
                f"has {self.samples.shape}; an event series needs one time per sample."
            )

    @property
    def is_event_series(self) -> bool:
        """True for an irregular series whose sample times are in ``times_s``."""
        return self.times_s is not None

    @property
    def end_s(self) -> float:
        """Time just after the last sample, in s from the recording start."""
        if self.times_s is not None:
            return float(self.times_s[-1]) if self.times_s.size else self.start_s
        return self.start_s + self.samples.size / self.fs_hz

    def __repr__(self) -> str:
        rate = "events" if self.is_event_series else f"{self.fs_hz:g} Hz"
        return (
            f"Channel({self.name!r}, kind={self.kind!r}, {rate}, {self.samples.size} samples, "
            f"unit={self.unit!r}, start_s={self.start_s:g})"
        )


@dataclass
class Marker:
    """An event in a recording (button press, annotation, trigger).

    Parameters
    ----------
    time_s : float
        Onset in s from the recording start.
    label : str
        What happened (``"tag"``, ``"tears"``, an EDF+ annotation text, a beat symbol).
    duration_s : float
        Length in s; 0 for an instant.
    """

    time_s: float
    label: str
    duration_s: float = 0.0


@dataclass(repr=False, eq=False)
class ReferenceBeats:
    """Reference beat annotations (e.g. a cardiologist's), kept for validation.

    Parameters
    ----------
    times_s : numpy.ndarray
        Time of each annotated beat, s from the recording start; sorted on creation.
    symbols : tuple of str
        The beat's class, one per time (WFDB symbols: ``"N"`` normal, ``"V"`` premature
        ventricular, ``"A"`` atrial premature, ...).
    source : str
        Where the annotations came from (``"100.atr"``).

    Examples
    --------
    >>> ref = ReferenceBeats([0.8, 0.2, 1.6], ("V", "N", "N"), "x.atr")
    >>> ref.times_s.tolist(), ref.symbols, ref.counts()
    ([0.2, 0.8, 1.6], ('N', 'V', 'N'), {'N': 2, 'V': 1})
    """

    times_s: np.ndarray
    symbols: tuple[str, ...]
    source: str

    def __post_init__(self) -> None:
        times = np.asarray(self.times_s, dtype=np.float64)
        symbols = tuple(str(s) for s in self.symbols)
        if times.ndim != 1 or times.size != len(symbols):
            raise SignalError(
                f"reference beats from {self.source!r}: {times.size} times but "
                f"{len(symbols)} symbols; give one symbol per beat time."
            )
        order = np.argsort(times, kind="stable")
        self.times_s = np.ascontiguousarray(times[order])
        self.symbols = tuple(symbols[i] for i in order)

    def __len__(self) -> int:
        return len(self.symbols)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReferenceBeats):
            return NotImplemented
        return (
            self.source == other.source
            and self.symbols == other.symbols
            and np.array_equal(self.times_s, other.times_s)
        )

    __hash__ = None  # type: ignore[assignment]

    def counts(self) -> dict[str, int]:
        """Number of beats per symbol, most frequent first (ties by symbol)."""
        counted = Counter(self.symbols)
        return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))

    def shifted(self, offset_s: float) -> ReferenceBeats:
        """The same beats with every time moved by ``offset_s`` (s), e.g. onto a merged clock."""
        return ReferenceBeats(self.times_s + float(offset_s), self.symbols, self.source)

    def between(self, start_s: float, end_s: float) -> ReferenceBeats:
        """The beats with ``start_s <= time < end_s`` (s), times unchanged."""
        keep = (self.times_s >= start_s) & (self.times_s < end_s)
        symbols = tuple(s for s, k in zip(self.symbols, keep, strict=True) if k)
        return ReferenceBeats(self.times_s[keep], symbols, self.source)

    def __repr__(self) -> str:
        counts = ", ".join(f"{s} {n}" for s, n in self.counts().items())
        return f"ReferenceBeats({self.source!r}, {len(self)} beats: {counts or 'none'})"


@dataclass(repr=False)
class Recording:
    """A whole recording: channels by name, markers, wall-clock start, source file.

    Parameters
    ----------
    channels : dict of str to Channel
        Channels keyed by their name.
    markers : list of Marker
        Events, sorted by time.
    start_time : datetime or None
        Wall-clock time of ``t = 0`` as a tz-aware UTC datetime, when the file carries it.
    source : str or None
        Name of the file (or folder) it was read from.
    reference_beats : ReferenceBeats or None
        Beat annotations that came with the file (WFDB ``.atr``), for validation; they
        are not markers. None when the file has none.
    """

    channels: dict[str, Channel]
    markers: list[Marker] = field(default_factory=list)
    start_time: datetime | None = None
    source: str | None = None
    reference_beats: ReferenceBeats | None = None

    def __post_init__(self) -> None:
        for key, channel in self.channels.items():
            if key != channel.name:
                raise SignalError(
                    f"channel stored under {key!r} is named {channel.name!r}; "
                    "the dict key must be the channel name."
                )
        if self.start_time is not None:
            if self.start_time.tzinfo is None:
                raise SignalError(
                    "start_time must be timezone-aware; use datetime(..., tzinfo=UTC)."
                )
            self.start_time = self.start_time.astimezone(UTC)
        self.markers = sorted(self.markers, key=lambda marker: marker.time_s)

    @property
    def duration_s(self) -> float:
        """End of the longest channel, in s from the recording start (0 when empty)."""
        return max((channel.end_s for channel in self.channels.values()), default=0.0)

    def by_kind(self, kind: str, *, required: bool = False) -> list[Channel]:
        """Return the channels of one kind, in file order.

        Parameters
        ----------
        kind : str
            One of :data:`~lacrima.io.kinds.KINDS`.
        required : bool
            When True, raise instead of returning an empty list.

        Returns
        -------
        list of Channel
            Possibly empty (unless ``required``).

        Raises
        ------
        UnknownKindError
            When ``kind`` is not a known kind (a typo such as ``"ekg"``).
        ChannelNotFoundError
            When ``required`` is True and the recording has no channel of that kind.

        Examples
        --------
        >>> rec = Recording({"ECG": Channel("ECG", [0.1, 0.2], 100.0, "mV", "ecg")})
        >>> [c.name for c in rec.by_kind("ecg")]
        ['ECG']
        """
        check_kind(kind)
        found = [channel for channel in self.channels.values() if channel.kind == kind]
        if required and not found:
            listing = ", ".join(f"{c.name!r} ({c.kind})" for c in self.channels.values())
            raise ChannelNotFoundError(
                f"{self.source or 'recording'}: has no {kind} channel; its channels are "
                f"{listing or 'none'}. If one of them is {kind}, read the file with "
                f"kinds={{'<channel name>': {kind!r}}}."
            )
        return found

    def __repr__(self) -> str:
        names = ", ".join(f"{c.name}:{c.kind}" for c in self.channels.values())
        beats = (
            "" if self.reference_beats is None else f", reference_beats={len(self.reference_beats)}"
        )
        return (
            f"Recording(source={self.source!r}, channels=[{names}], "
            f"markers={len(self.markers)}{beats}, duration_s={self.duration_s:.3f}, "
            f"start_time={self.start_time.isoformat() if self.start_time else None})"
        )
