"""Speed of the S-P analysis against the signal-engine floor.

A 60-minute, 3-channel (ECG, EDA, respiration), 700 Hz simulated session is analysed end
to end (:func:`lacrima.analyze`, then the JSON and the HTML report) and timed against the
*floor*: one zero-phase band-pass (``lacrima.physio.bandpass``, a 4th-order Butterworth
``sosfiltfilt``) over each channel, measured in the same run. The ratio says how many
such passes the whole analysis costs. With ``--file`` the session is also written to CSV
and analysed from the file (reading included).

Usage::

    .venv/bin/python benchmarks/bench_sp.py [--minutes 60] [--fs 700] [--repeat 3] [--file]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import numpy as np

import lacrima
from lacrima.physio import bandpass
from lacrima.sim import simulate_session


def _session(minutes: float, fs: float, seed: int):  # type: ignore[no-untyped-def]
    return simulate_session(minutes * 60, fs=fs, channels=("ecg", "eda", "resp"), seed=seed)


def _time(fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--fs", type=float, default=700.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--file", action="store_true", help="also time reading a CSV file")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    # warm up (imports, filter designs) on a short session, then time fresh sessions:
    # each run gets new arrays, so nothing is reused from an earlier run
    lacrima.analyze(_session(6, args.fs, 0).recording, progress=False).to_html()
    out = Path(tempfile.mkdtemp(prefix="lacrima-bench-"))
    floors, analyses, fulls = [], [], []
    for seed in range(1, args.repeat + 1):
        rec = _session(args.minutes, args.fs, seed).recording
        chans = list(rec.channels.values())
        floors.append(_time(lambda: [bandpass(c.samples, c.fs_hz, 0.5, 40.0) for c in chans]))  # noqa: B023
        rec = _session(args.minutes, args.fs, seed).recording  # fresh arrays again
        analyses.append(_time(lambda: lacrima.analyze(rec, progress=False)))  # noqa: B023
        rec = _session(args.minutes, args.fs, seed).recording

        def full() -> None:
            a = lacrima.analyze(rec, progress=False)  # noqa: B023
            a.write(out / "report.json")
            a.write(out / "report.html")

        fulls.append(_time(full))
    n = sum(c.samples.size for c in rec.channels.values())
    t_floor, t_an, t_full = (float(np.median(x)) for x in (floors, analyses, fulls))
    print(
        f"session: {args.minutes:g} min, 3 channels at {args.fs:g} Hz ({n:,} samples); "
        f"median of {args.repeat} sessions"
    )
    print(f"floor (one sosfiltfilt band-pass per channel): {t_floor:.3f} s")
    print(f"analysis only:                                 {t_an:.3f} s  ({t_an / t_floor:.1f}x)")
    print(
        f"analysis + JSON + HTML report:                 {t_full:.3f} s  "
        f"({t_full / t_floor:.1f}x the floor)"
    )
    if args.file:
        path = _session(args.minutes, args.fs, 99).write(out / "session.csv")
        t_read = _time(lambda: lacrima.read(path))
        t_file = _time(lambda: lacrima.analyze(path, progress=False).write(out / "r.html"))
        print(
            f"from the CSV file ({path.stat().st_size / 1e6:.0f} MB): read {t_read:.2f} s, "
            f"read + analysis + HTML {t_file:.2f} s ({t_file / t_floor:.1f}x)"
        )
    print(f"ratio: {t_full / t_floor:.1f}")


if __name__ == "__main__":
    main()
