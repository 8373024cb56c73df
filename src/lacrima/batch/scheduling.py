"""Feeding recordings to the Dask cluster: chunks, a sliding window, worker deaths.

Recordings go to the cluster in *chunks* (a task analyses one or more recordings in a
row), through a *sliding window* of a few tasks per worker thread: a new task is
submitted each time one comes back, so the client and the scheduler hold a few dozen
tasks whatever the size of the study, and a killed run loses only what was in flight.

Chunk size adapts to the analysis time: Dask costs some milliseconds of CPU per task
(scheduler, client, the worker's event loop), which is noise for a 10-second analysis
and 10-15 % of a 0.1-second one. The first tasks hold one recording each; once their
times are known, chunks grow to about :data:`TARGET_TASK_S` of work (at most
:data:`MAX_CHUNK` recordings) and shrink again near the end so that every worker stays
busy. Recordings that ``--resume`` will probably skip (their hash is checked on the
worker) go in full chunks.

A chunk whose worker died (:class:`distributed.KilledWorker`, after Dask's own retries)
is split and its recordings are sent again one by one, so that only the recording that
kills workers ends in ``errors.csv``.
"""

from __future__ import annotations

import logging
import statistics
import time
import uuid
from asyncio import CancelledError
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lacrima.batch.inputs import RecordingInput
from lacrima.batch.results import PART_FORMAT, error_row, write_part
from lacrima.batch.worker import AnalyzeFunction, process_chunk

__all__ = ["MAX_CHUNK", "TARGET_TASK_S", "execute"]

logger = logging.getLogger(__name__)

TARGET_TASK_S = 1.0
"""Work per task that chunking aims at, s."""
MAX_CHUNK = 16
"""Most recordings in one task."""
TASKS_PER_THREAD = 4
"""Tasks in flight per worker thread (the window); Dask queues all but about one."""
RESIZE_EVERY_S = 10.0
"""How often the window follows the cluster's size (an adaptive cluster may grow)."""


def failed_part(item: RecordingInput, exc: BaseException) -> dict[str, Any]:
    """The part of a recording whose task did not return (its worker died, it was lost)."""
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        message = (
            "a worker died while analysing this recording, each time it was tried (often: "
            "out of memory); give workers more memory or check the file"
        )
    else:
        message = f"the task failed on the cluster: {exc}"
    return {
        "format": PART_FORMAT,
        "key": item.key,
        "path": item.path,
        "status": "error",
        "content_hash": None,
        "error": error_row(item, type(exc).__name__, message),
        "finished_at": datetime.now(UTC).isoformat(),
    }


class _Chunker:
    """Chooses how many recordings the next task gets, from recent analysis times."""

    def __init__(self, fixed: int | None) -> None:
        self.fixed = fixed
        self.recent: deque[float] = deque(maxlen=64)

    def observe(self, part: Mapping[str, Any]) -> None:
        if part.get("status") != "unchanged" and part.get("elapsed_s") is not None:
            self.recent.append(float(part["elapsed_s"]))

    def size(self, remaining: int, threads: int) -> int:
        if self.fixed is not None:
            return self.fixed
        if not self.recent:
            return 1
        per_recording = max(statistics.median(self.recent), 1e-3)
        wanted = int(TARGET_TASK_S / per_recording)
        tail = remaining // (2 * threads)  # keep every thread busy until the end
        return max(1, min(MAX_CHUNK, wanted, tail))


def execute(
    client: Any,
    items: Sequence[RecordingInput],
    analyze: AnalyzeFunction,
    options: Mapping[str, Any],
    done: Mapping[str, str],
    parts_dir: Path,
    on_part: Callable[[dict[str, Any]], None],
    chunk_size: int | None = None,
) -> None:
    """Analyse ``items`` on the cluster; write each part and call ``on_part`` as it lands.

    Parameters
    ----------
    client : distributed.Client
        Connected client.
    items : sequence of RecordingInput
        The recordings.
    analyze, options
        The analysis and its keyword options.
    done : mapping
        Key -> content hash of recordings an earlier run analysed (``--resume``).
    parts_dir : pathlib.Path
        Where parts are written.
    on_part : callable
        Called with every part (also the ``"unchanged"`` ones, which are not written).
    chunk_size : int, optional
        Recordings per task; ``None`` adapts it to the analysis time.
    """
    from distributed import as_completed

    def threads() -> int:
        return max(1, sum(client.nthreads().values()))

    n_threads, sized_at = threads(), time.monotonic()
    chunker = _Chunker(chunk_size)
    singles: deque[RecordingInput] = deque()  # from chunks whose worker died
    likely_done = deque(item for item in items if item.key in done)
    to_analyse = deque(item for item in items if item.key not in done)
    pending: dict[str, list[RecordingInput]] = {}
    completed = as_completed(loop=client.loop)
    token = uuid.uuid4().hex[:8]
    counter = 0

    def remaining() -> int:
        return len(singles) + len(likely_done) + len(to_analyse)

    def next_chunk() -> list[RecordingInput]:
        if singles:
            return [singles.popleft()]
        if likely_done:
            k = chunk_size or MAX_CHUNK
            return [likely_done.popleft() for _ in range(min(k, len(likely_done)))]
        k = chunker.size(len(to_analyse), n_threads)
        return [to_analyse.popleft() for _ in range(min(k, len(to_analyse)))]

    def submit() -> None:
        nonlocal counter
        chunk = next_chunk()
        counter += 1
        future = client.submit(
            process_chunk,
            chunk,
            analyze,
            dict(options),
            [done.get(item.key) for item in chunk],
            key=f"lacrima-batch-{token}-{counter}",
            pure=False,
        )
        pending[future.key] = chunk
        completed.add(future)

    def fill() -> None:
        while remaining() and len(pending) < max(4, TASKS_PER_THREAD * n_threads):
            submit()

    fill()
    for future in completed:
        chunk = pending.pop(future.key)
        try:
            parts = future.result()
        except (Exception, CancelledError) as exc:  # tasks never raise; a worker may die
            future.release()
            if len(chunk) > 1:
                logger.warning("a worker died on a chunk of %d; retrying one by one", len(chunk))
                singles.extend(chunk)
                fill()
                continue
            logger.warning("task for %s failed: %r", chunk[0].path, exc)
            parts = [failed_part(chunk[0], exc)]
        future.release()
        for part in parts:
            if part["status"] != "unchanged":
                write_part(parts_dir, part)
            chunker.observe(part)
            on_part(part)
        if remaining() and time.monotonic() - sized_at > RESIZE_EVERY_S:
            n_threads, sized_at = threads(), time.monotonic()
        fill()
