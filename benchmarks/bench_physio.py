"""Speed and memory of Lacrima's signal layer against a filtering floor and NeuroKit2.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_physio.py``.

One synthetic hour of ECG, EDA and respiration at 700 Hz (``benchmarks/_synth.py``) is
processed three ways:

(a) floor: one zero-phase Butterworth band-pass (order 4, ``scipy.signal.sosfiltfilt``,
    design not timed) over each channel, the least any pipeline must do;
(b) Lacrima: ``process_cardiac`` + ``process_eda`` + ``process_resp`` + ``hrv_windows``;
(c) NeuroKit2: ``nk.bio_process(ecg=..., rsp=..., eda=..., sampling_rate=700)``.

Time: medians of repeated runs in this one process (floor and Lacrima after one
untimed warm-up; NeuroKit2 without warm-up since a run takes tens of seconds).

Memory: each method runs once in a fresh subprocess that loads the arrays from a
``.npy`` file, so imports and data are not counted. Two numbers per method, each from
its own subprocess: the tracemalloc peak (Python and NumPy heap allocations made
during the call), and the growth of the resident set: the kernel's high-water mark
(VmHWM, reset through /proc/self/clear_refs just before the call) minus the resident
size before it.

Targets (issue 3): Lacrima >= 20x faster than NeuroKit2, <= 1/10 of its peak memory,
and <= 5x the floor. The exit status is 1 when a target is missed or the cardiac
module is missing.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy import signal as sps

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _synth import make_session

FLOOR_BANDS_HZ = {"ecg": (0.5, 40.0), "eda": (0.01, 3.0), "resp": (0.05, 1.0)}
CHANNELS = ("ecg", "eda", "resp")
MIB = 1024.0 * 1024.0


def _cardiac_api() -> tuple[Callable | None, str]:
    """The cardiac entry point, or None with the reason (the benchmark then fails)."""
    try:
        from lacrima.physio import process_cardiac
    except (ImportError, AttributeError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    return process_cardiac, ""


def run_floor(data: dict[str, np.ndarray], fs: float) -> None:
    """(a) one zero-phase band-pass per channel."""
    for name in CHANNELS:
        sps.sosfiltfilt(_FLOOR_SOS[name], data[name])


def run_ours(data: dict[str, np.ndarray], fs: float, stages: dict[str, float] | None = None):
    """(b) Lacrima's full processing of all three channels."""
    from lacrima.physio import hrv_windows, process_eda, process_resp

    process_cardiac, _ = _cardiac_api()
    marks = [time.perf_counter()]
    if process_cardiac is not None:
        cardiac = process_cardiac(data["ecg"], fs, kind="ecg")
        beat_t, ibi = cardiac.beat_times_s, cardiac.ibi_clean_ms
    else:  # fails loudly in main(); still measure the rest
        from lacrima.physio import detect_beats

        beat_t = detect_beats(data["ecg"], fs, kind="ecg") / fs
        ibi = np.diff(beat_t) * 1000.0
    marks.append(time.perf_counter())
    eda = process_eda(data["eda"], fs)
    marks.append(time.perf_counter())
    resp = process_resp(data["resp"], fs)
    marks.append(time.perf_counter())
    hrv = hrv_windows(beat_t, ibi, breaths=resp, duration_s=data["ecg"].size / fs)
    marks.append(time.perf_counter())
    if stages is not None:
        for name, a, b in zip(("cardiac", "eda", "resp", "hrv"), marks, marks[1:], strict=False):
            stages.setdefault(name, []).append(b - a)
    return beat_t, eda, resp, hrv


def run_neurokit(data: dict[str, np.ndarray], fs: float) -> None:
    """(c) NeuroKit2's all-in-one processing."""
    import neurokit2 as nk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nk.bio_process(ecg=data["ecg"], rsp=data["resp"], eda=data["eda"], sampling_rate=fs)


METHODS: dict[str, Callable] = {"floor": run_floor, "lacrima": run_ours, "neurokit2": run_neurokit}

_FLOOR_SOS: dict[str, np.ndarray] = {}


def _design_floor(fs: float) -> None:
    for name, band in FLOOR_BANDS_HZ.items():
        _FLOOR_SOS[name] = sps.butter(4, band, btype="bandpass", fs=fs, output="sos")


def _timed(fn: Callable, repeats: int, warmup: bool) -> list[float]:
    if warmup:
        fn()
    out = []
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def measure_child(method: str, mode: str, npz: str, fs: float) -> dict[str, float]:
    """Run one method once in this (fresh) process and report its memory."""
    loaded = np.load(npz)
    data = {name: np.ascontiguousarray(loaded[name]) for name in CHANNELS}
    _design_floor(fs)
    if method == "neurokit2":
        import neurokit2  # noqa: F401  (imports are not part of the measurement)
    if method == "lacrima":
        import lacrima.physio  # noqa: F401
    fn = METHODS[method]
    gc.collect()
    if mode == "tracemalloc":
        tracemalloc.start()
        fn(data, fs)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"tracemalloc_peak_mib": peak / MIB}
    before = _status_kib("VmRSS")
    with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
        fh.write("5")  # reset the high-water mark to the current RSS
    t0 = time.perf_counter()
    fn(data, fs)
    wall = time.perf_counter() - t0
    peak = _status_kib("VmHWM")
    return {"rss_peak_delta_mib": (peak - before) / 1024.0, "wall_s": wall}


def _memory(method: str, npz: str, fs: float) -> dict[str, float]:
    result: dict[str, float] = {}
    for mode in ("rss", "tracemalloc"):
        cmd = [sys.executable, __file__, "--child", method, "--mode", mode, "--npz", npz]
        cmd += ["--fs", str(fs)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        result.update(json.loads(out.stdout.strip().splitlines()[-1]))
    return result


def _fmt(x: float, unit: str = "") -> str:
    if x != x:  # NaN
        return "-"
    return f"{x:,.3f}{unit}" if x < 10 else f"{x:,.1f}{unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3600.0, help="seconds of signal")
    parser.add_argument("--fs", type=float, default=700.0, help="sampling rate, Hz")
    parser.add_argument("--repeats", type=int, default=7, help="runs of floor and Lacrima")
    parser.add_argument("--nk-repeats", type=int, default=2, help="runs of NeuroKit2")
    parser.add_argument("--skip-neurokit", action="store_true", help="leave NeuroKit2 out")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    parser.add_argument("--child", choices=sorted(METHODS), help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("rss", "tracemalloc"), help=argparse.SUPPRESS)
    parser.add_argument("--npz", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(measure_child(args.child, args.mode, args.npz, args.fs)))
        return 0

    fs = args.fs
    _design_floor(fs)
    t0 = time.perf_counter()
    session = make_session(duration_s=args.duration, fs=fs)
    data = {"ecg": session.ecg_mv, "eda": session.eda_us, "resp": session.resp}
    print(
        f"synthetic session: {args.duration / 60:.0f} min x 3 channels at {fs:g} Hz "
        f"({data['ecg'].size:,} samples each), made in {time.perf_counter() - t0:.1f} s"
    )
    print(
        "floor band-passes (Butterworth order 4, sosfiltfilt): "
        + ", ".join(f"{k} {lo:g}-{hi:g} Hz" for k, (lo, hi) in FLOOR_BANDS_HZ.items())
    )
    process_cardiac, why = _cardiac_api()
    if process_cardiac is None:
        print(f"\n!!! process_cardiac is missing ({why}); timing detect_beats in its place.")
        print("!!! The benchmark FAILS until lacrima.physio.cardiac exists.\n")

    times = {
        "floor": _timed(lambda: run_floor(data, fs), args.repeats, warmup=True),
    }
    stages: dict[str, list[float]] = {}
    run_ours(data, fs)  # warm-up
    times["lacrima"] = _timed(lambda: run_ours(data, fs, stages), args.repeats, warmup=False)
    if not args.skip_neurokit:
        times["neurokit2"] = _timed(lambda: run_neurokit(data, fs), args.nk_repeats, False)

    beat_t, eda, resp, hrv = run_ours(data, fs)
    print(
        f"sanity: beats {beat_t.size} (true {session.beat_times_s.size}), "
        f"breaths {resp.n_breaths} (true {session.breath_onset_s.size - 1}), "
        f"SCRs {eda.n_scr} (true {session.scr_onset_s.size}, overlapping ones merge), "
        f"HRV windows {hrv.t_s.size}"
    )

    memory: dict[str, dict[str, float]] = {}
    if not args.no_memory:
        with tempfile.TemporaryDirectory() as tmp:
            npz = str(Path(tmp) / "session.npz")
            np.savez(npz, **data)
            for method in times:
                memory[method] = _memory(method, npz, fs)

    med = {k: statistics.median(v) for k, v in times.items()}
    floor = med["floor"]
    nk_t = med.get("neurokit2", float("nan"))
    nk_mem = memory.get("neurokit2", {})
    print()
    header = (
        f"{'method':<11}{'runs':>5}{'median s':>11}{'x floor':>9}{'NK2 / x':>9}"
        f"{'tracemalloc MiB':>17}{'RSS peak MiB':>14}{'mem vs NK2':>12}"
    )
    print(header)
    print("-" * len(header))
    for method, value in med.items():
        mem = memory.get(method, {})
        tm = mem.get("tracemalloc_peak_mib", float("nan"))
        rss = mem.get("rss_peak_delta_mib", float("nan"))
        ratio_mem = tm / nk_mem["tracemalloc_peak_mib"] if nk_mem else float("nan")
        print(
            f"{method:<11}{len(times[method]):>5}{value:>11.3f}{value / floor:>9.2f}"
            f"{nk_t / value:>9.1f}{_fmt(tm):>17}{_fmt(rss):>14}{_fmt(ratio_mem):>12}"
        )
    stage_med = {k: statistics.median(v) for k, v in stages.items()}
    print(
        "lacrima stages (median s): "
        + ", ".join(f"{k} {v:.3f} ({v / floor:.2f}x floor)" for k, v in stage_med.items())
    )
    non_cardiac = sum(v for k, v in stage_med.items() if k != "cardiac")
    print(f"lacrima EDA + resp + HRV: {non_cardiac:.3f} s = {non_cardiac / floor:.2f}x floor")

    ok = process_cardiac is not None
    checks = [("<= 5x floor", med["lacrima"] <= 5 * floor)]
    if "neurokit2" in med:
        checks.append((">= 20x faster than NeuroKit2", nk_t / med["lacrima"] >= 20))
    if nk_mem and "lacrima" in memory:
        ours = memory["lacrima"]
        checks.append(
            (
                "<= 1/10 of NeuroKit2 peak memory (tracemalloc)",
                ours["tracemalloc_peak_mib"] <= nk_mem["tracemalloc_peak_mib"] / 10,
            )
        )
        checks.append(
            (
                "<= 1/10 of NeuroKit2 peak memory (RSS growth)",
                ours["rss_peak_delta_mib"] <= nk_mem["rss_peak_delta_mib"] / 10,
            )
        )
    print()
    for label, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {label}")
        ok = ok and passed
    if process_cardiac is None:
        print("FAIL  process_cardiac available")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
