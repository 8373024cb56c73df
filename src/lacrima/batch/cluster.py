"""Connecting to a Dask cluster for a cohort run: a local one, or one by address.

The local cluster is made of worker processes (one per usable core, one thread each,
on 127.0.0.1), started with single-threaded BLAS/OpenMP, without Dask's malloc trim
setting and without its statistical profiler (see ``_LOCAL_WORKER_ENV``). Before any
work is sent, a probe task checks that the workers can import Lacrima.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dask

import lacrima
from lacrima.errors import LacrimaError

__all__ = ["check_options", "check_workers", "connect"]

CONNECT_TIMEOUT_S = 15.0
"""How long to try to reach a scheduler given by address, s."""
WORKER_WAIT_S = 60.0
"""How long to wait for the first worker and for the probe task, s."""

_PRE_SPAWN = "distributed.nanny.pre-spawn-environ"
_LOCAL_WORKER_ENV: dict[str, Any] = {
    # One BLAS/OpenMP thread per worker process (Dask's default too): N workers, N cores.
    f"{_PRE_SPAWN}.OMP_NUM_THREADS": 1,
    f"{_PRE_SPAWN}.MKL_NUM_THREADS": 1,
    f"{_PRE_SPAWN}.OPENBLAS_NUM_THREADS": 1,
    # Dask sets MALLOC_TRIM_THRESHOLD_=65536 so that workers give memory back to the OS
    # sooner. It also pins glibc's mmap threshold, so that every large NumPy temporary is
    # a fresh mmap with page faults: measured here, the analysis ran 1.4-1.8x slower (and
    # 2.5x the system time). A task holds one recording, so memory stays bounded anyway.
    f"{_PRE_SPAWN}.MALLOC_TRIM_THRESHOLD_": None,
    # The statistical profiler samples the task thread's Python stack every 10 ms (for
    # the dashboard's profile page); on this Python-heavy analysis that costs a few %.
    "distributed.worker.profile.enabled": False,
    # Housekeeping timers of the scheduler, the nannies (they live in this process) and
    # the workers. Dask's defaults (event-loop tick 20 ms, memory check 100 ms, system
    # monitor 500 ms) suit interactive dashboards; a batch task runs for 0.05-10 s, and
    # with every core busy the wake-ups come out of the analysis: measured here, this
    # process's CPU during a 2-worker run fell from 0.43 s to 0.26 s (200 recordings).
    # The memory limit is still enforced, twice a second.
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "500ms",
}
_SPAWN_KEYS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "PYTHONHASHSEED")


def check_options(scheduler: Any, n_workers: int | None) -> None:
    """Refuse contradictory options before anything starts."""
    if n_workers is not None and scheduler is not None:
        raise LacrimaError(
            "--workers sizes the local cluster only; with --scheduler the cluster's own "
            "workers are used (start more with `dask worker ADDRESS`)"
        )
    if n_workers is not None and n_workers < 1:
        raise LacrimaError(f"--workers must be at least 1, got {n_workers}")


def _usable_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def connect(
    scheduler: Any, n_workers: int | None, threads_per_worker: int, memory_limit: str | float
) -> Iterator[tuple[Any, str]]:
    """Yield a ``distributed.Client`` and a description of the cluster behind it."""
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler, str(scheduler.scheduler.address)
        return
    if scheduler is None:
        n = n_workers if n_workers is not None else _usable_cpus()
        # Dask's nanny writes its worker settings into *this* process's environment
        # too; put the caller's environment back once the cluster is gone.
        saved = {key: os.environ.get(key) for key in _SPAWN_KEYS}
        try:
            with dask.config.set(_LOCAL_WORKER_ENV):
                cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=threads_per_worker,
                    processes=True,
                    memory_limit=memory_limit,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",
                )
            try:
                with Client(cluster, set_as_default=False) as client:
                    yield client, f"local cluster, {n} worker{'s' if n != 1 else ''}"
            finally:
                cluster.close()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return
    address = str(scheduler)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise LacrimaError(
            f"cannot reach the Dask scheduler at {address} ({exc}); check the address "
            "(tcp://host:port) and that `dask scheduler` is running"
        ) from exc
    with client:
        yield client, address


def _probe() -> str:
    """Run on every worker: import the analysis and its readers, return the version.

    This proves that the worker can run Lacrima before any recording is sent, and it
    moves the one-off import of SciPy, PyArrow and the analysis modules (about 0.6 s)
    out of the first recording, on all workers at once. Readers of rarer formats
    (EDF, WFDB, XDF) still load on first use.
    """
    import importlib

    for module in ("lacrima.sp", "lacrima.io.tabular", "lacrima.io.bids"):
        importlib.import_module(module)
    return lacrima.__version__


def check_workers(client: Any, where: str) -> int:
    """Wait for a worker and check it can run Lacrima; return the number of workers."""
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except TimeoutError as exc:
        raise LacrimaError(
            f"the Dask cluster at {where} has no workers after {WORKER_WAIT_S:.0f} s; "
            "start some with `dask worker ADDRESS`"
        ) from exc
    try:
        versions = client.run(_probe, wait=True)
    except Exception as exc:
        raise LacrimaError(
            f"the workers of {where} cannot run Lacrima ({type(exc).__name__}: {exc}); "
            "install the same lacrima version in the workers' environment"
        ) from exc
    for worker, version in versions.items():
        if version != lacrima.__version__:
            raise LacrimaError(
                f"the worker {worker} of {where} runs lacrima {version} and this machine "
                f"{lacrima.__version__}; install the same version everywhere, so that "
                "every recording is analysed alike"
            )
    return len(client.nthreads())
