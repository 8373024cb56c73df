"""Run the S-P analysis over a cohort on a Dask cluster: :func:`run`.

Finds the recordings, connects to a cluster (:mod:`lacrima.batch.cluster`), feeds them
to it (:mod:`lacrima.batch.scheduling`), writes each result as a part file the moment
it arrives, and gathers the parts into tables at the end; see
``docs/decisions/0008-cohort-runs-on-dask.md``.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lacrima.batch.cluster import check_options, check_workers, connect
from lacrima.batch.inputs import RecordingInput, discover_inputs
from lacrima.batch.results import (
    TablePaths,
    atomic_write,
    read_part,
    write_tables,
)
from lacrima.batch.scheduling import execute
from lacrima.batch.worker import AnalyzeFunction
from lacrima.errors import LacrimaError

__all__ = ["BatchResult", "run"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchResult:
    """What a cohort run did and where its tables are.

    Attributes
    ----------
    out_dir : pathlib.Path
        The output folder.
    n_inputs : int
        Recordings found in the inputs.
    n_ok : int
        Recordings analysed in this run.
    n_failed : int
        Recordings that failed (one row each in ``errors.csv``).
    n_skipped : int
        Recordings skipped by ``resume`` because an earlier run had analysed the same
        path with the same content hash.
    elapsed_s : float
        Wall time of the run, s (cluster start and table writing included).
    cluster : str
        ``"local, N workers"`` or the scheduler address.
    n_workers : int
        Workers connected when the run started.
    tables : TablePaths
        The consolidated result files.
    worker_peak_rss_bytes : dict of str to int
        Peak resident memory of each worker process that ran a task, bytes.
    """

    out_dir: Path
    n_inputs: int
    n_ok: int
    n_failed: int
    n_skipped: int
    elapsed_s: float
    cluster: str
    n_workers: int
    tables: TablePaths
    worker_peak_rss_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """The one-line summary printed at the end of ``lacrima batch``."""
        rate = (self.n_ok + self.n_failed) / self.elapsed_s if self.elapsed_s > 0 else 0.0
        peak = max(self.worker_peak_rss_bytes.values(), default=0) / 2**20
        text = (
            f"{self.n_inputs} recordings: {self.n_ok} analysed, {self.n_failed} failed, "
            f"{self.n_skipped} already done, in {_duration(self.elapsed_s)} "
            f"({rate:.2f}/s) on {self.cluster}; peak worker memory {peak:.0f} MiB; "
            f"results in {self.out_dir}"
        )
        if self.n_failed:
            text += f" (see {self.tables.errors_csv.name})"
        return text


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


class _Progress:
    """A rich progress bar on stderr (or nothing), counting analysed/failed/skipped."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.counts = {"ok": 0, "error": 0, "unchanged": 0}
        self._bar: Any = None
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("[bold]batch"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._task = self._bar.add_task(self._text(), total=total)

    def _text(self) -> str:
        c = self.counts
        return f"{c['ok']} ok, {c['error']} failed, {c['unchanged']} already done"

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, status: str) -> None:
        self.counts[status] = self.counts.get(status, 0) + 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=self._text())


def _prepare_parts(out: Path) -> Path:
    """Create ``out/parts`` and remove temporary files a killed run left there."""
    parts_dir = out / "parts"
    parts_dir.mkdir(parents=True, exist_ok=True)
    for stale in parts_dir.glob(".*.tmp"):
        stale.unlink(missing_ok=True)
    return parts_dir


def _done_hashes(parts_dir: Path, items: Sequence[RecordingInput]) -> dict[str, str]:
    """Key -> resume key of every session an earlier run analysed successfully."""
    done = {}
    for item in items:
        part = read_part(parts_dir, item.key)
        if part and part.get("status") == "ok" and part.get("path") == item.path:
            done[item.key] = str(part.get("resume_key"))
    logger.info("resume: %d of %d recordings have results", len(done), len(items))
    return done


def run(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    scheduler: Any = None,
    n_workers: int | None = None,
    threads_per_worker: int = 1,
    memory_limit: str | float = "auto",
    resume: bool = False,
    analyze: AnalyzeFunction | None = None,
    options: Mapping[str, Any] | None = None,
    progress: bool = False,
    chunk_size: int | None = None,
) -> BatchResult:
    """Analyse every recording of a cohort on a Dask cluster and write the result tables.

    Parameters
    ----------
    inputs : sequence of str or path-like
        Files, globs (``"data/**/*.edf"``) and BIDS dataset roots; see
        :func:`lacrima.batch.discover_inputs`.
    out_dir : str or path-like
        Output folder (created if needed): ``sessions.parquet``/``.csv``,
        ``cycles.parquet``/``.csv``, ``errors.csv``, ``summary.json`` and ``parts/``.
    scheduler : str or distributed.Client, optional
        Address of a running Dask scheduler (``"tcp://host:port"``) or a connected
        client. ``None`` (default) starts a local cluster of worker processes.
    n_workers : int, optional
        Worker processes of the local cluster; default one per usable CPU core.
    threads_per_worker : int
        Threads per local worker (default 1: the analysis is CPU-bound Python and NumPy,
        so processes, not threads, give parallelism).
    memory_limit : str or float
        Memory limit per local worker (Dask syntax, ``"4GB"``; ``"auto"`` shares the
        machine's memory among the workers). A worker above it is restarted by its nanny.
    resume : bool
        Skip sessions that an earlier run into the same ``out_dir`` analysed with the
        same path, the same content of every file of the session (sidecars and
        annotation files included), the same options and the same Lacrima version;
        everything else (new, changed, failed, other options) is run.
    analyze : callable, optional
        ``analyze(path, **options)`` returning an object with ``to_dict()``; default
        :func:`lacrima.analyze`. It must be importable or picklable by the workers.
    options : mapping, optional
        Keyword options passed to ``analyze`` for every session, e.g.
        ``{"baseline": "0:300", "read_hints": {"fs": 8.0}}`` (``read_hints`` go to the
        files of each session that take them).
    progress : bool
        Show a progress bar on stderr.
    chunk_size : int, optional
        Recordings per Dask task. ``None`` (default) adapts it to the analysis time:
        one per task for slow analyses, up to 16 for fast ones, so that Dask's
        per-task cost stays small (see :mod:`lacrima.batch.scheduling`).

    Returns
    -------
    BatchResult
        Counts, timing, peak worker memory and the paths of the tables.

    Raises
    ------
    lacrima.errors.LacrimaError
        For a usage problem found before the work starts: inputs that name nothing, an
        unreachable scheduler, a cluster without (working) workers. A recording that
        cannot be read or analysed never raises: it becomes a row of ``errors.csv``.

    Examples
    --------
    >>> import lacrima.batch
    >>> result = lacrima.batch.run(["study/"], "results/", n_workers=2)  # doctest: +SKIP
    >>> result.summary  # doctest: +SKIP
    '120 recordings: 118 analysed, 2 failed, 0 already done, in 3m02s ...'
    """
    started = time.perf_counter()
    items = discover_inputs(inputs)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise LacrimaError(f"--out {out} exists and is not a folder; choose another path")
    check_options(scheduler, n_workers)
    if chunk_size is not None and chunk_size < 1:
        raise LacrimaError(f"chunk_size must be at least 1, got {chunk_size}")
    if analyze is None:
        import lacrima

        analyze = lacrima.analyze
        _check_analysis_options(options or {})
    peaks: dict[str, int] = {}
    with connect(scheduler, n_workers, threads_per_worker, memory_limit) as (client, where):
        n_connected = check_workers(client, where)
        if getattr(client, "dashboard_link", None):
            logger.info("Dask dashboard: %s", client.dashboard_link)
        parts_dir = _prepare_parts(out)
        done = _done_hashes(parts_dir, items) if resume else {}
        with _Progress(len(items), progress) as bar:

            def on_part(part: dict[str, Any]) -> None:
                bar.advance(part["status"])
                if "worker" in part:
                    worker = part["worker"]
                    peaks[worker] = max(peaks.get(worker, 0), int(part["peak_rss_bytes"]))

            execute(client, items, analyze, options or {}, done, parts_dir, on_part, chunk_size)
            counts = dict(bar.counts)

    parts = [p for p in (read_part(parts_dir, item.key) for item in items) if p is not None]
    tables = write_tables(out, parts)
    result = BatchResult(
        out_dir=out,
        n_inputs=len(items),
        n_ok=counts.get("ok", 0),
        n_failed=counts.get("error", 0),
        n_skipped=counts.get("unchanged", 0),
        elapsed_s=time.perf_counter() - started,
        cluster=where,
        n_workers=n_connected,
        tables=tables,
        worker_peak_rss_bytes=peaks,
    )
    _write_summary(out, result, inputs, options)
    logger.info("%s", result.summary)
    return result


def _check_analysis_options(options: Mapping[str, Any]) -> None:
    """Refuse a bad ``--baseline`` (or other option) before any work starts."""
    from lacrima.sp.options import make_options

    make_options(**{k: v for k, v in options.items() if k not in ("read_hints", "progress")})
    hints = options.get("read_hints")
    if hints:
        from lacrima.io.reader import check_hints

        check_hints(dict(hints))


def _write_summary(
    out: Path, result: BatchResult, inputs: Sequence[Any], options: Mapping[str, Any] | None
) -> None:
    import lacrima

    info = {
        "lacrima_version": lacrima.__version__,
        "finished_at": datetime.now(UTC).isoformat(),
        "inputs": [os.fspath(i) for i in inputs],
        "options": dict(options or {}),
        "cluster": result.cluster,
        "n_workers": result.n_workers,
        "n_inputs": result.n_inputs,
        "n_ok": result.n_ok,
        "n_failed": result.n_failed,
        "n_skipped": result.n_skipped,
        "elapsed_s": result.elapsed_s,
        "worker_peak_rss_bytes": result.worker_peak_rss_bytes,
        "summary": result.summary,
    }
    text = json.dumps(info, indent=2, default=str) + "\n"
    atomic_write(out / "summary.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
