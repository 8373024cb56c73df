"""Benchmark of cohort runs (``lacrima.batch``) on generated 20-minute recordings.

Measures, on the same data set:

1. the analysis called directly in a loop in a fresh process (``lacrima.analyze(path)``
   and ``to_dict()``, which is what a batch task does), the reference;
2. ``lacrima.batch.run`` on a local Dask cluster with 1 worker, then with 2 workers
   (one thread each, BLAS/OpenMP limited to one thread everywhere).

It prints medians per recording, throughput, the 2-vs-1 worker ratio over the whole run
(target >= 1.7 on a 2-core machine) and once the cluster runs, the overhead of the
1-worker batch over the direct loop per recording (target <= 10 %) and with the
cluster's start-up included, and each worker's peak memory, with its growth over the
run (a bounded worker does not grow with the number of recordings).

Run ``python benchmarks/bench_batch.py`` (defaults: 200 recordings of 1200 s at 250 Hz,
ECG + EDA + RESP, written as CSV once into a cache folder in TMPDIR and reused: about
2.8 GB at 250 Hz, 1.1 GB at 100 Hz). 250 Hz is the lowest ECG rate the HRV standards
accept for R-peak timing (Task Force of the ESC and NASPE, Circulation 1996: 250-500 Hz
or higher); research recordings are usually 250-2000 Hz. At 100 Hz (``--fs 100``) an
analysis takes only ~50 ms, so the run's fixed cost (starting and stopping the cluster,
importing SciPy on each worker: ~1.5 s) weighs more in the whole-run ratio; both are
reported in ``docs/batch.md``.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy is imported: a fair 1-vs-2 worker comparison

logger = logging.getLogger("bench_batch")


def _generate_one(args: tuple[str, float, float, int]) -> str:
    path, duration_s, fs, seed = args
    from lacrima.sim import simulate_session

    simulate_session(duration_s, fs=fs, channels=("ecg", "eda", "resp"), seed=seed).write(path)
    return path


def generate(folder: Path, n: int, duration_s: float, fs: float, jobs: int) -> list[Path]:
    """Write ``n`` simulated sessions (seeds 0..n-1) into ``folder``, reusing a cache."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "params.json"
    params = {"duration_s": duration_s, "fs": fs}
    if stamp.exists() and json.loads(stamp.read_text()) != params:
        shutil.rmtree(folder)
        folder.mkdir(parents=True)
    stamp.write_text(json.dumps(params))
    paths = [folder / f"rec{i:04d}.csv" for i in range(n)]
    todo = [(str(p), duration_s, fs, i) for i, p in enumerate(paths) if not p.exists()]
    if todo:
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for done, _ in enumerate(pool.map(_generate_one, todo, chunksize=4), 1):
                if done % 20 == 0:
                    logger.info("generated %d/%d recordings", done, len(todo))
        logger.info("generated %d recordings in %.0f s", len(todo), time.perf_counter() - t0)
    return paths


def _cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def direct_loop(paths: list[Path]) -> tuple[float, list[float], float]:
    """Wall time of the analysis in a plain loop, the time of each recording, CPU s.

    Run in a fresh process (see :func:`direct_loop_fresh`). The analysis modules are
    imported before the clock starts, as a batch worker imports them when it is probed
    (before its first recording).
    """
    import importlib

    import lacrima

    for module in ("lacrima.sp", "lacrima.io.tabular"):
        importlib.import_module(module)

    times = []
    cpu0 = _cpu_s(resource.RUSAGE_SELF)
    t_start = time.perf_counter()
    for path in paths:
        t0 = time.perf_counter()
        lacrima.analyze(path, progress=False).to_dict()
        times.append(time.perf_counter() - t0)
    return time.perf_counter() - t_start, times, _cpu_s(resource.RUSAGE_SELF) - cpu0


def direct_loop_fresh(paths: list[Path]) -> tuple[float, list[float], float]:
    """:func:`direct_loop` in a newly spawned interpreter."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(direct_loop, (paths,))


def batch_run(paths: list[Path], n_workers: int, out: Path) -> dict[str, Any]:
    """One ``lacrima.batch.run`` with a fresh local cluster; timings and memory."""
    import lacrima.batch

    shutil.rmtree(out, ignore_errors=True)
    self0, children0 = _cpu_s(resource.RUSAGE_SELF), _cpu_s(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    result = lacrima.batch.run(
        [str(p) for p in paths], out, n_workers=n_workers, options={"progress": False}
    )
    wall = time.perf_counter() - t0
    # worker processes are children of this one, reaped when the local cluster closes
    workers_cpu = _cpu_s(resource.RUSAGE_CHILDREN) - children0
    client_cpu = _cpu_s(resource.RUSAGE_SELF) - self0
    if result.n_failed:
        raise SystemExit(f"{result.n_failed} recordings failed; see {result.tables.errors_csv}")
    parts = [json.loads(p.read_text()) for p in (out / "parts").glob("*.json")]
    by_worker: dict[str, list[dict[str, Any]]] = {}
    for part in parts:
        by_worker.setdefault(part["worker"], []).append(part)
    memory = {}
    for worker, wparts in by_worker.items():
        wparts.sort(key=lambda p: p["finished_at"])
        early = wparts[min(len(wparts), 10) - 1]["peak_rss_bytes"]
        memory[worker] = {
            "tasks": len(wparts),
            "peak_after_10_mib": early / 2**20,
            "peak_mib": max(p["peak_rss_bytes"] for p in wparts) / 2**20,
        }
    finished = [datetime.fromisoformat(p["finished_at"]).timestamp() for p in parts]
    started = [f - p["elapsed_s"] for f, p in zip(finished, parts, strict=True)]
    return {
        "wall_s": wall,
        "workers_cpu_s": workers_cpu,
        "client_cpu_s": client_cpu,
        # from the first task's start to the last task's end: cluster start-up excluded
        "tasks_span_s": max(finished) - min(started),
        "throughput_per_s": len(paths) / wall,
        "task_s": [p["elapsed_s"] for p in parts],
        "analysis_s": [p["session"]["analysis_s"] for p in parts],
        "memory": memory,
        "summary": result.summary,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="recordings (default 200)")
    parser.add_argument("--duration-s", type=float, default=1200.0, help="length, s")
    parser.add_argument("--fs", type=float, default=250.0, help="sampling rate, Hz")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="cache folder for the generated recordings (default: one per rate in TMPDIR)",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="repeats of each measurement (medians)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--generate-only", action="store_true", help="write the recordings and stop"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    for name in ("bench_batch", "lacrima.batch"):
        logging.getLogger(name).setLevel(logging.INFO)
    logging.getLogger("distributed").propagate = False  # it has its own (quiet) handler

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    data_dir = args.data_dir or Path(tempfile.gettempdir()) / f"lacrima-bench-batch-{args.fs:g}hz"
    paths = generate(data_dir, args.n, args.duration_s, args.fs, jobs=cpus or 1)
    size_mb = sum(p.stat().st_size for p in paths) / 1e6
    if args.generate_only:
        return 0
    print(
        f"data: {args.n} recordings x {args.duration_s:.0f} s at {args.fs:g} Hz "
        f"(ECG, EDA, RESP; CSV, {size_mb:.0f} MB); {cpus} CPUs; repeats {args.repeats}"
    )

    direct_walls, direct_times, direct_cpus = [], [], []
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        for _ in range(args.repeats):
            wall, times, cpu = direct_loop_fresh(paths)
            direct_walls.append(wall)
            direct_cpus.append(cpu)
            direct_times.extend(times)
            logger.info("direct loop: %.1f s", wall)
            for n_workers in (1, 2):
                run = batch_run(paths, n_workers, Path(tmp) / f"out{n_workers}")
                runs[n_workers].append(run)
                logger.info("%s", run["summary"])

    med = statistics.median
    direct_wall = med(direct_walls)
    wall1 = med(r["wall_s"] for r in runs[1])
    wall2 = med(r["wall_s"] for r in runs[2])
    thr_direct, thr1, thr2 = args.n / direct_wall, args.n / wall1, args.n / wall2
    ratio = thr2 / thr1
    overhead = wall1 / direct_wall - 1.0
    per_rec_overhead_ms = (wall1 - direct_wall) / args.n * 1000
    span1 = med(r["tasks_span_s"] for r in runs[1])
    span2 = med(r["tasks_span_s"] for r in runs[2])
    steady_overhead = span1 / direct_wall - 1.0
    steady_ratio = span1 / span2

    print()
    print(f"{'mode':<18}{'wall s':>9}{'rec/s':>8}{'median/rec s':>14}")
    print(f"{'direct loop':<18}{direct_wall:>9.1f}{thr_direct:>8.3f}{med(direct_times):>14.3f}")
    for n_workers, wall, thr in ((1, wall1, thr1), (2, wall2, thr2)):
        tasks = [t for r in runs[n_workers] for t in r["task_s"]]
        print(f"{f'batch, {n_workers} worker(s)':<18}{wall:>9.1f}{thr:>8.3f}{med(tasks):>14.3f}")
    print()
    print(
        f"throughput 2 workers / 1 worker: {ratio:.2f}x over the whole run (target >= 1.7); "
        f"{steady_ratio:.2f}x once the cluster runs (first task start to last task end)"
    )
    print(
        f"overhead of the 1-worker batch over the direct loop: {overhead * 100:+.1f} % "
        f"({per_rec_overhead_ms:+.0f} ms per recording, cluster start-up included)"
    )
    print(
        f"  per recording, once the cluster runs (first task start to last task end): "
        f"{steady_overhead * 100:+.1f} % ({(span1 - direct_wall) / args.n * 1000:+.0f} ms; "
        "target <= 10 %)"
    )
    direct_cpu = med(direct_cpus)
    workers_cpu1 = med(r["workers_cpu_s"] for r in runs[1])
    client_cpu1 = med(r["client_cpu_s"] for r in runs[1])
    print(
        f"CPU time (robust to other load): direct loop {direct_cpu:.1f} s; 1-worker batch "
        f"{workers_cpu1:.1f} s in the worker + {client_cpu1:.1f} s client/scheduler/nanny "
        f"({(workers_cpu1 + client_cpu1) / direct_cpu * 100 - 100:+.1f} %; worker alone "
        f"{workers_cpu1 / direct_cpu * 100 - 100:+.1f} %, its start-up included)"
    )
    print("peak memory per worker (resident set; after 10 recordings -> at the end):")
    for n_workers in (1, 2):
        for worker, mem in sorted(runs[n_workers][-1]["memory"].items()):
            print(
                f"  {n_workers} worker(s) {worker}: {mem['tasks']} recordings, "
                f"{mem['peak_after_10_mib']:.0f} -> {mem['peak_mib']:.0f} MiB"
            )
    # the ratio counts the whole run; the overhead is per recording (start-up is per run)
    ok = ratio >= 1.7 and steady_overhead <= 0.10
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
