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
from lacrima.batch.results import PART_FORMAT, cycle_rows, error_row, resume_key, session_row
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


def _analyzer_name(analyze: AnalyzeFunction) -> str:
    """The import name of a custom analysis function; "" for :func:`lacrima.analyze`."""
    name = f"{getattr(analyze, '__module__', '')}.{getattr(analyze, '__qualname__', '')}"
    return "" if name == "lacrima.analyze" else name


def _session_options(item: RecordingInput, options: dict[str, Any]) -> dict[str, Any]:
    """The options for one session: ``read_hints`` only where a file of it takes them.

    ``--fs`` is the rate of CSV tables without a time column; a cohort's EDF sessions
    are read without it rather than refused.
    """
    hints = options.get("read_hints")
    if not hints:
        return options
    from lacrima.io.reader import hints_for

    taken: set[str] = set()
    for path in item.recordings:
        taken |= set(hints_for(path, hints))
    return {**options, "read_hints": {k: v for k, v in hints.items() if k in taken}}


def _base_part(item: RecordingInput) -> dict[str, Any]:
    return {"format": PART_FORMAT, "key": item.key, "path": item.path}


def process_recording(
    item: RecordingInput,
    analyze: AnalyzeFunction,
    options: Mapping[str, Any] | None = None,
    done_hash: str | None = None,
) -> dict[str, Any]:
    """Hash, read and analyse one session; return its part (never raises for bad data).

    Parameters
    ----------
    item : RecordingInput
        The session (one recording, or several merged on one clock).
    analyze : callable
        ``analyze(path_or_paths, **options)``, normally :func:`lacrima.analyze`; it gets
        :attr:`RecordingInput.target` (a list for a several-file session).
    options : mapping, optional
        Keyword options for ``analyze``.
    done_hash : str, optional
        Resume key of an earlier successful result (``--resume``,
        :func:`~lacrima.batch.results.resume_key`). If the session's files, the options
        and the Lacrima version still give this key the analysis is skipped and a part
        with ``status="unchanged"`` comes back.

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
    opts = dict(options or {})
    try:
        hashed = item.hashed
        digest = content_hash(hashed[0], hashed[1:])
        key = resume_key(digest, opts, _analyzer_name(analyze))
        part.update(resume_key=key)
        if done_hash is not None and key == done_hash:
            part.update(status="unchanged", content_hash=digest)
        else:
            t0 = time.perf_counter()
            result = analyze(item.target, **_session_options(item, opts))
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
