"""Cost and memory of the live (incremental) S-P analysis, and its agreement with offline.

One 4-channel (ECG, PPG, EDA, respiration) 700 Hz simulated session is fed to a
:class:`lacrima.sp.LiveAnalyzer` (``keep_samples=False``, as a server that stores the
stream itself) in 1-s chunks per channel, as fast as possible. Reported:

- **CPU share**: process CPU seconds per second of stream, overall and per stretch
  (acceptance: <= 0.02, i.e. 2 % of one core in real time);
- **memory** at 10, 45 and 90 min of stream: the bytes of every array the analyser
  keeps (sample tails, feature and index rows), the process RSS (which includes the
  simulated session itself, about 120 MiB), and the rows kept (acceptance: flat);
- with ``--agree``, the offline analysis of the same session and the largest phase-
  boundary difference (acceptance: <= 10 s, the same cycle kinds).

Usage::

    .venv/bin/python benchmarks/bench_live.py [--minutes 90] [--fs 700] [--seed 4] [--agree]
        [--update-s 5]
"""

from __future__ import annotations

import argparse
import gc
import logging
import resource
import time

import lacrima
from lacrima.sim import simulate_session
from lacrima.sp import LiveAnalyzer

log = logging.getLogger("bench_live")


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")  # pragma: no cover


def _state_bytes(live: LiveAnalyzer) -> int:
    """Bytes of the arrays the analyser holds (its bounded state)."""
    n = 0
    for tail in [*live._tails.values(), *live._beat_t.values()]:
        n += tail._buf.nbytes
    feats = live._feats
    n += feats.t_s.nbytes + sum(
        c.values.nbytes + c.quality.nbytes + c.source.nbytes for c in feats.cols.values()
    )
    ix = live._ix
    return n + ix.t_s.nbytes + sum(v.nbytes for v in ix.series.values())


def _boundaries(phases, end_s):  # type: ignore[no-untyped-def]
    return [(p.label, p.start_s) for p in phases if 0.0 < p.start_s < end_s]


def run(
    minutes: float, fs: float, seed: int, agree: bool, update_s: float = 5.0
) -> dict[str, object]:
    """Feed the session, measure, return the numbers."""
    t_sim = time.perf_counter()
    sess = simulate_session(minutes * 60.0, fs=fs, channels=("ecg", "ppg", "eda", "resp"),
                            seed=seed)  # fmt: skip
    rec = sess.recording
    log.info("simulated %.0f min at %g Hz in %.1f s", minutes, fs, time.perf_counter() - t_sim)
    chans = rec.channels
    live = LiveAnalyzer({n: (c.kind, c.fs_hz, c.unit) for n, c in chans.items()},
                        keep_samples=False, update_every_s=update_s)  # fmt: skip
    for m in rec.markers:
        live.add_marker(m.time_s, m.label, m.duration_s)
    step = int(fs)  # 1-s chunks
    n = min(c.samples.size for c in chans.values())
    marks = {int(m * 60 * fs): m for m in (10, 45, 90) if m <= minutes}
    gc.collect()
    rows = []
    cpu0 = last_cpu = time.process_time()
    last_i = 0
    for i in range(0, n, step):
        live.push({k: c.samples[i : i + step] for k, c in chans.items()})
        j = i + step
        if j in marks:
            cpu = time.process_time()
            gc.collect()
            rows.append({
                "minute": marks[j],
                "cpu_per_stream_s": (cpu - last_cpu) / ((j - last_i) / fs),
                "state_mb": _state_bytes(live) / 2**20,
                "rss_mb": _rss_mb(),
                "feature_rows": len(live._feats.t_s),
                "index_rows": len(live._ix.t_s),
            })  # fmt: skip
            last_cpu, last_i = cpu, j
    total_cpu = time.process_time() - cpu0
    out: dict[str, object] = {
        "stream_s": n / fs,
        "cpu_per_stream_s": total_cpu / (n / fs),
        "at": rows,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "live_cycles": [c.kind for c in live.cycles],
    }
    if agree:
        off = lacrima.analyze(rec, progress=False)
        end = live.phases[-1].end_s - 5.0 if live.phases else 0.0
        a, b = _boundaries(live.phases, end), _boundaries(off.phases, end)
        same = [x[0] for x in a] == [x[0] for x in b]
        out["offline_cycles"] = [c.kind for c in off.cycles]
        out["same_phase_sequence"] = same
        out["max_boundary_diff_s"] = (
            max((abs(x[1] - y[1]) for x, y in zip(a, b, strict=True)), default=0.0)
            if same
            else None
        )
    return out


def main() -> None:
    """Command-line entry."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=90.0)
    ap.add_argument("--fs", type=float, default=700.0)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--agree", action="store_true", help="also compare with offline")
    ap.add_argument("--update-s", type=float, default=5.0, help="LiveAnalyzer update_every_s")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    res = run(args.minutes, args.fs, args.seed, args.agree, args.update_s)
    log.info("stream %.0f s; CPU per stream-second %.4f (%.2f %% of a core)",
             res["stream_s"], res["cpu_per_stream_s"], 100 * res["cpu_per_stream_s"])  # type: ignore[operator]  # fmt: skip
    for r in res["at"]:  # type: ignore[attr-defined]
        log.info(
            "at %3d min: cpu/stream-s %.4f  state %.2f MiB  RSS %.0f MiB  "
            "feature rows %d  index rows %d",
            r["minute"], r["cpu_per_stream_s"], r["state_mb"], r["rss_mb"],
            r["feature_rows"], r["index_rows"],
        )  # fmt: skip
    log.info("max RSS %.0f MiB; live cycles %s", res["max_rss_mb"], res["live_cycles"])
    if args.agree:
        log.info(
            "offline cycles %s; same phase sequence %s; max boundary diff %s s",
            res["offline_cycles"],
            res["same_phase_sequence"],
            res["max_boundary_diff_s"],
        )


if __name__ == "__main__":
    main()
