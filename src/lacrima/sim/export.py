"""Write a (simulated) recording to a file that :func:`lacrima.read` reads back."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lacrima.errors import LacrimaError

if TYPE_CHECKING:
    from lacrima.io import Recording

__all__ = ["write_recording"]

log = logging.getLogger(__name__)


def write_recording(recording: Recording, path: str | Path) -> Path:
    """Write ``recording`` as CSV with a ``time_s`` column and one column per channel.

    All channels must share one sampling rate. The time column holds Unix seconds when
    the recording has a start time (so that it is read back), else seconds from the
    start; channel headers carry their unit (``eda (uS)``). Markers go to a sidecar file
    ``<stem>.markers.csv`` (``time_s,label,duration_s``), which :func:`lacrima.read`
    picks up.

    Parameters
    ----------
    recording : lacrima.io.Recording
        Regularly sampled channels with a common rate.
    path : str or Path
        Target ``.csv`` file.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    LacrimaError
        If channels differ in sampling rate or are irregular series.
    """
    path = Path(path)
    chans = list(recording.channels.values())
    rates = {c.fs_hz for c in chans}
    if len(rates) != 1 or any(c.times_s is not None for c in chans):
        raise LacrimaError(
            "write_recording needs regular channels with one common sampling rate; got rates "
            f"{sorted(rates)}"
        )
    fs = rates.pop()
    n = min(len(c.samples) for c in chans)
    t = np.arange(n) / fs
    if recording.start_time is not None:  # Unix seconds carry the start time
        t = t + recording.start_time.timestamp()
    data = np.column_stack([t] + [c.samples[:n] for c in chans])
    header = ",".join(["time_s"] + [f"{c.name} ({c.unit})" for c in chans])
    fmt = ["%.6f"] + ["%.7g"] * len(chans)
    np.savetxt(path, data, delimiter=",", header=header, comments="", fmt=fmt)
    if recording.markers:
        mpath = path.with_suffix(".markers.csv")
        with mpath.open("w", encoding="utf-8") as fh:
            fh.write("time_s,label,duration_s\n")
            for m in recording.markers:
                fh.write(f"{m.time_s:.3f},{m.label},{m.duration_s:.3f}\n")
    log.info("wrote %s (%d samples x %d channels)", path, n, len(chans))
    return path
