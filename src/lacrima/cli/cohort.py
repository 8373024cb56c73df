"""``lacrima batch``: the S-P analysis over a whole study, on a Dask cluster.

A thin layer over :func:`lacrima.batch.run`; see ``docs/batch.md``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from lacrima.cli._app import app

__all__ = ["batch"]

logger = logging.getLogger(__name__)


@app.command("batch")
def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(
            metavar="INPUTS...",
            help="Recording files, E4 folders or zips, study folders (a sub-folder per "
            "session), quoted globs ('data/**/*.edf') or BIDS dataset folders.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output folder for the tables (created if needed).")
    ],
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Address of a running Dask scheduler (tcp://host:port); default: a local cluster.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            metavar="N",
            help="Worker processes of the local cluster (default: one per CPU core).",
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Skip sessions already analysed into --out (same files and content, same "
            "options, same Lacrima version).",
        ),
    ] = False,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            metavar="START:END",
            help="Calm baseline in seconds from the start, as for lacrima analyze (default: "
            "marked baseline, else the first 5 minutes).",
        ),
    ] = None,
    fs: Annotated[
        float | None,
        typer.Option(
            "--fs",
            metavar="HZ",
            help="Sampling rate of CSV tables without a time column (other files ignore it).",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Analyse every session of a study; write sessions, cycles and errors tables.

    A session is a file, an Empatica E4 folder or zip, a BIDS physio file, or a sub-folder of a study folder holding the files of one session (two devices, merged on one clock); see docs/batch.md.

    Results go to OUT: sessions.parquet and cycles.parquet (with .csv twins), errors.csv (one row per file that could not be analysed: a bad file never stops the batch), summary.json, and parts/ (one file per finished recording, so that a run killed halfway continues with --resume).

    Examples:

    lacrima batch study/ --out results/ --workers 2

    lacrima batch Raw_data/ --out results/ --baseline 0:300

    lacrima batch 'data/**/*.csv' --out results/ --scheduler tcp://10.0.0.5:8786
    """  # noqa: E501  (Typer re-wraps help paragraphs; a line each keeps them intact)
    from lacrima.batch import run

    options: dict[str, Any] = {}
    if baseline is not None:
        options["baseline"] = baseline
    if fs is not None:
        options["read_hints"] = {"fs": fs}
    result = run(
        inputs,
        out,
        scheduler=scheduler,
        n_workers=workers,
        resume=resume,
        options=options or None,
        progress=not quiet,
    )
    typer.echo(result.summary)
