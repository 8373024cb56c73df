"""The task a Dask worker runs for one recording.

:func:`process_recording` never raises for a bad file: a
:class:`~lacrima.errors.LacrimaError` (or any other exception from the reader or the
analysis) becomes an error part, so one broken recording cannot stop a batch. What it
returns is small (one session row, the cycle rows, an error row): the signals and the
index time series stay on the worker.
"""

from __future__ import annotations

import logging
import os
import resource
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from lacrima.batch.inputs import RecordingInput, content_hash
from lacrima.batch.results import PART_FORMAT, cycle_rows, error_row, session_row
from lacrima.errors import LacrimaError

__all__ = ["AnalyzeFunction", "process_chunk", "process_recording", "worker_name"]

logger = logging.getLogger(__name__)

AnalyzeFunction = Callable[..., Any]
"""``analyze(path, **options)`` returning an object with ``to_dict()`` (or a dict)."""


def worker_name() -> str:
    """The Dask worker's address, or host and process id outside a worker."""
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"{socket.gethostname()}:{os.getpid()}"


def _peak_rss_bytes() -> int:
    """Peak resident memory of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if os.uname().sysname == "Darwin" else peak * 1024)


def _base_part(item: RecordingInput) -> dict[str, Any]:
    return {"format": PART_FORMAT, "key": item.key, "path": item.path}


def process_recording(
    item: RecordingInput,
    analyze: AnalyzeFunction,
    options: Mapping[str, Any] | None = None,
    done_hash: str | None = None,
) -> dict[str, Any]:
    """Hash, read and analyse one recording; return its part (never raises for bad data).

    Parameters
    ----------
    item : RecordingInput
        The recording.
    analyze : callable
        ``analyze(path, **options)``, normally :func:`lacrima.analyze`.
    options : mapping, optional
        Keyword options for ``analyze``.
    done_hash : str, optional
        Content hash of an earlier successful result (``--resume``). If the file still
        has this hash the analysis is skipped and a part with ``status="unchanged"``
        comes back.

    Returns
    -------
    dict
        The part: ``status`` (``"ok"``, ``"error"`` or ``"unchanged"``), ``content_hash``,
        ``session`` and ``cycles`` rows or an ``error`` row, and bookkeeping (``worker``,
        ``elapsed_s``, ``peak_rss_bytes``, ``finished_at``).
    """
    started = time.perf_counter()
    part = _base_part(item)
    digest: str | None = None
    try:
        digest = content_hash(item.path, item.companions)
        if done_hash is not None and digest == done_hash:
            part.update(status="unchanged", content_hash=digest)
        else:
            t0 = time.perf_counter()
            result = analyze(item.path, **dict(options or {}))
            report = result if isinstance(result, Mapping) else result.to_dict()
            analysis_s = time.perf_counter() - t0
            part.update(
                status="ok",
                content_hash=digest,
                session=session_row(item, report, content_hash=digest, analysis_s=analysis_s),
                cycles=cycle_rows(item, report),
            )
    except LacrimaError as exc:
        part.update(
            status="error",
            content_hash=digest,
            error=error_row(item, type(exc).__name__, str(exc)),
        )
    except Exception as exc:  # a bug or an unforeseen file: report it, keep the batch going
        logger.exception("unexpected error on %s", item.path)
        part.update(
            status="error",
            content_hash=digest,
            error=error_row(
                item, type(exc).__name__, f"unexpected error (please report it): {exc}"
            ),
        )
    part.update(
        worker=worker_name(),
        elapsed_s=time.perf_counter() - started,
        peak_rss_bytes=_peak_rss_bytes(),
        finished_at=datetime.now(UTC).isoformat(),
    )
    return part


def process_chunk(
    items: Sequence[RecordingInput],
    analyze: AnalyzeFunction,
    options: Mapping[str, Any] | None = None,
    done_hashes: Sequence[str | None] | None = None,
) -> list[dict[str, Any]]:
    """:func:`process_recording` for each of several recordings, in order (one task).

    Each part also records ``chunk``, the number of recordings its task held.
    """
    hashes = list(done_hashes) if done_hashes is not None else [None] * len(items)
    parts = []
    for item, done_hash in zip(items, hashes, strict=True):
        part = process_recording(item, analyze, options, done_hash)
        part["chunk"] = len(items)
        parts.append(part)
    return parts
