"""Cohort runs: the S-P analysis over many recordings on a Dask cluster.

``lacrima.batch.run(inputs, out_dir)`` finds the recordings (files, globs, BIDS
datasets), analyses each in a Dask task (a local cluster of worker processes by default,
an existing cluster by address), and writes ``sessions.parquet``, ``cycles.parquet``
(each with a CSV twin) and ``errors.csv``. The ``lacrima batch`` command wraps it; see
``docs/batch.md``.
"""

from __future__ import annotations

from lacrima.batch.inputs import RecordingInput, bids_entities, content_hash, discover_inputs
from lacrima.batch.results import CYCLE_COLUMNS, ERROR_COLUMNS, SESSION_COLUMNS, TablePaths
from lacrima.batch.runner import BatchResult, run
from lacrima.batch.worker import process_recording

__all__ = [
    "CYCLE_COLUMNS",
    "ERROR_COLUMNS",
    "SESSION_COLUMNS",
    "BatchResult",
    "RecordingInput",
    "TablePaths",
    "bids_entities",
    "content_hash",
    "discover_inputs",
    "process_recording",
    "run",
]
