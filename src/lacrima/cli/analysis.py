"""``lacrima analyze``: the S-P analysis of one recording, as an HTML or JSON report.

A thin layer over :func:`lacrima.analyze`; see ``docs/cli.md`` and ``docs/sp-model.md``.
Library errors (:class:`~lacrima.errors.LacrimaError`) reach :func:`lacrima.cli.main`,
which prints them as one line and exits with code 2.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from lacrima.cli._app import app
from lacrima.errors import AnalysisError

__all__ = ["analyze"]

logger = logging.getLogger(__name__)

_SUFFIXES = (".html", ".htm", ".json")


@app.command("analyze")
def analyze(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="Recording: CSV, EDF/BDF, WFDB, XDF, BIDS, or an Empatica E4 zip or folder.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="REPORT",
            help="Write the report here: .html (self-contained page) or .json. "
            "Default: print the summary.",
        ),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            metavar="START:END",
            help="Calm baseline in seconds from the start, e.g. 0:300 (default: marked "
            "baseline, else the first 5 minutes).",
        ),
    ] = None,
    fs: Annotated[
        float | None,
        typer.Option("--fs", metavar="HZ", help="Sampling rate of a CSV without a time column."),
    ] = None,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Progress bar on stderr (default: only on a terminal).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Find the S-P sequence in one session and write its report.

    The report shows the sympathetic and parasympathetic indices against the session's baseline, the phases (baseline, S, peak, P, recovery), each cycle's timing and kind, the signal quality per channel, and the parts that could not be analysed. It is an aid to observation, not a diagnosis.

    Examples:

    lacrima analyze session.csv --out report.html

    lacrima analyze S04/ --out report.json --baseline 0:300
    """  # noqa: E501  (Typer re-wraps help paragraphs; a line each keeps them intact)
    import lacrima

    if out is not None and out.suffix.lower() not in _SUFFIXES:
        raise AnalysisError(f"--out must end in .html or .json; got {out.name!r}")
    hints: dict[str, Any] = {}
    if fs is not None:
        hints["fs"] = fs
    options: dict[str, Any] = {"progress": progress}
    if baseline is not None:
        options["baseline"] = baseline
    result = lacrima.analyze(file, read_hints=hints, **options)
    if out is None:
        typer.echo(result.to_dict()["summary"]["therapist"])
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    path = result.write(out)
    n = len(result.cycles)
    typer.echo(
        f"wrote {path} ({n} cycle{'s' if n != 1 else ''}, {len(result.problems)} problem"
        f"{'s' if len(result.problems) != 1 else ''})"
    )
