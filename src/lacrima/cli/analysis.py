"""``lacrima analyze``: the S-P analysis of one session, as an HTML or JSON report.

Several FILES are one session recorded with several devices, merged on one clock
(:func:`lacrima.io.read_session`).

A thin layer over :func:`lacrima.analyze`; see ``docs/cli.md`` and ``docs/sp-model.md``.
Library errors (:class:`~lacrima.errors.LacrimaError`) reach :func:`lacrima.cli.main`,
which prints them as one line and exits with code 2.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from lacrima.cli._app import app
from lacrima.errors import AnalysisError
from lacrima.io.errors import ReadWarning

__all__ = ["analyze"]

logger = logging.getLogger(__name__)

_SUFFIXES = (".html", ".htm", ".json")


@app.command("analyze")
def analyze(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="Recording: CSV, EDF/BDF, WFDB, XDF, BIDS, or an Empatica E4 zip or folder. "
            "Several files are one session from several devices, merged on one clock.",
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

    Several files (a chest strap and a wrist band) are one session: they are placed on one clock by their start times (aligned at their first sample, with a note in the report, when a file has none), and refused when they do not overlap in time.

    The report shows the sympathetic and parasympathetic indices against the session's baseline, the phases (baseline, S, peak, P, recovery), each cycle's timing and kind, the signal quality per channel, and the parts that could not be analysed. It is an aid to observation, not a diagnosis.

    Examples:

    lacrima analyze session.csv --out report.html

    lacrima analyze S04/ --out report.json --baseline 0:300

    lacrima analyze chest.edf wrist.csv --out report.html
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
    target: Path | list[Path] = files[0] if len(files) == 1 else list(files)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ReadWarning)
        result = lacrima.analyze(target, read_hints=hints, **options)
    for warning in caught:  # data-quality notes from reading: one line each, no traceback
        if issubclass(warning.category, ReadWarning):
            typer.echo(f"warning: {warning.message}", err=True)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
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
