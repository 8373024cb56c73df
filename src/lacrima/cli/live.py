"""``lacrima replay``: stream a recording as a device would (tests, demos, training).

Thin over :mod:`lacrima.sp.live_replay` and :mod:`lacrima.sp.live_chunks`; the chunk
format is documented in ``docs/live.md``. Library errors reach :func:`lacrima.cli.main`.
"""

from __future__ import annotations

import logging
import sys
import time
import urllib.error
import urllib.request
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer

from lacrima.cli._app import app
from lacrima.errors import LacrimaError

__all__ = ["replay"]

logger = logging.getLogger(__name__)


class ChunkForm(StrEnum):
    """The two chunk forms ``--format`` offers."""

    json = "json"
    binary = "binary"


class ReplayError(LacrimaError):
    """``lacrima replay`` could not deliver its chunks."""


def _post(url: str, body: bytes, token: str | None) -> None:
    req = urllib.request.Request(url, data=body, method="POST")
    req.add_header("Content-Type", "application/vnd.lacrima.chunk")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace")
        raise ReplayError(f"{url} refused a chunk: HTTP {exc.code} {detail}".strip()) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ReplayError(f"could not reach {url}: {exc}; is the server running?") from exc


@app.command("replay")
def replay(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...", help="Any recording lacrima can read.", show_default=False
        ),
    ],
    session: Annotated[
        str, typer.Option("--session", metavar="ID", help="Session id written into every chunk.")
    ],
    speed: Annotated[
        float,
        typer.Option(
            "--speed",
            min=0.0,
            help="Playback speed: 1 is real time, 10 ten times faster, 0 as fast as possible.",
        ),
    ] = 1.0,
    chunk_s: Annotated[
        float, typer.Option("--chunk-s", min=0.1, max=60.0, help="Seconds per chunk.")
    ] = 1.0,
    out: Annotated[
        str | None,
        typer.Option("--out", metavar="PATH", help="Write the chunks here ('-' for stdout)."),
    ] = None,
    fmt: Annotated[
        ChunkForm,
        typer.Option("--format", help="Chunk form for --out: json (one per line) or binary."),
    ] = ChunkForm.json,
    local: Annotated[
        bool,
        typer.Option(
            "--local", help="Feed a local live analyser and print the phase once a second."
        ),
    ] = False,
    url: Annotated[
        str | None,
        typer.Option("--url", help="POST each binary chunk to this ingestion URL."),
    ] = None,
    token: Annotated[
        str | None, typer.Option("--token", help="Device token sent with --url (Bearer).")
    ] = None,
) -> None:
    """Stream FILE as numbered chunks, as a device would.

    Example: lacrima replay session.edf --session demo-1 --speed 0 --local
    """  # fmt: skip
    import lacrima
    from lacrima.sp.live_replay import chunks_of, feed, live_analyzer_for

    if url is not None and not url.startswith(("http://", "https://")):
        raise typer.BadParameter(f"--url must start with http:// or https://; got {url!r}")
    if out is None and not local and url is None:
        raise typer.BadParameter("say where the chunks go: --out PATH (or -), --local or --url")
    rec = lacrima.read([str(f) for f in files] if len(files) > 1 else str(files[0]))
    chunks = chunks_of(rec, session, chunk_s)
    live = live_analyzer_for(rec, keep_samples=False) if local else None
    markers = sorted(rec.markers, key=lambda m: m.time_s)
    sink: IO[bytes] | None = None
    if out == "-":
        sink = sys.stdout.buffer
    elif out is not None:
        sink = Path(out).open("wb")  # noqa: SIM115 (closed below)
    t_start = time.monotonic()
    last_print = -1.0
    n = 0
    upd = None
    try:
        for c in chunks:
            if speed > 0:
                wait = c.end_s / speed - (time.monotonic() - t_start)
                if wait > 0:
                    time.sleep(wait)
            if sink is not None:
                sink.write(
                    c.to_binary() if fmt is ChunkForm.binary else (c.to_json() + "\n").encode()
                )
            if url is not None:
                _post(url, c.to_binary(), token)
            if live is not None:
                while markers and markers[0].time_s <= c.end_s:
                    m = markers.pop(0)
                    live.add_marker(m.time_s, m.label, m.duration_s)
                upd = feed(live, c) or upd  # the phase of the last update, once a second
                now = time.monotonic()
                if upd is not None and now - last_print >= 1.0:
                    last_print = now
                    typer.echo(_status_line(live, upd), err=sink is sys.stdout.buffer)
            n += 1
    finally:
        if sink is not None and sink is not sys.stdout.buffer:
            sink.close()
        elif sink is not None:
            sink.flush()
    if live is not None:
        phases = ", ".join(f"{p.label} {p.start_s:.0f}-{p.end_s:.0f} s" for p in live.phases)
        typer.echo(f"done: {n} chunks; phases: {phases or 'none yet'}", err=sink is not None)
    else:
        typer.echo(f"done: {n} chunks", err=True)


def _status_line(live: object, upd: object) -> str:
    import numpy as np

    s = getattr(upd, "sympathetic", np.empty(0))
    p = getattr(upd, "parasympathetic", np.empty(0))
    phase = getattr(upd, "phase", None) or "waiting for the baseline"
    sv = f"{s[-1]:+.2f}" if len(s) and np.isfinite(s[-1]) else "-"
    pv = f"{p[-1]:+.2f}" if len(p) and np.isfinite(p[-1]) else "-"
    return (
        f"t={getattr(live, 'duration_s', 0.0):.0f} s  phase={phase}  S={sv}  P={pv}  "
        f"(analysed to {getattr(upd, 'analysed_to_s', 0.0):.0f} s)"
    )


stream_app = typer.Typer(help="Stream from a device into a live analysis.", no_args_is_help=True)
app.add_typer(stream_app, name="stream")


@stream_app.command("lsl")
def stream_lsl(
    session: Annotated[
        str, typer.Option("--session", metavar="ID", help="Session id written into every chunk.")
    ],
    seconds: Annotated[
        float | None,
        typer.Option("--seconds", min=0.0, help="Stop after this long (default: Ctrl-C)."),
    ] = None,
    wait_s: Annotated[
        float, typer.Option("--wait-s", min=0.1, help="How long to look for streams, s.")
    ] = 5.0,
    source_id: Annotated[
        str | None, typer.Option("--source-id", help="Only the LSL stream with this source_id.")
    ] = None,
    out: Annotated[
        str | None,
        typer.Option("--out", metavar="PATH", help="Write the chunks here ('-' for stdout)."),
    ] = None,
    local: Annotated[
        bool, typer.Option("--local", help="Feed a local live analyser and print the phase.")
    ] = False,
) -> None:
    """Stream Lab Streaming Layer ECG/PPG/EDA/respiration streams (needs pylsl).

    Example: lacrima stream lsl --session lab-7 --local --seconds 600
    """  # fmt: skip
    from lacrima.sp import LiveAnalyzer
    from lacrima.sp.live_lsl import LslSource
    from lacrima.sp.live_replay import feed

    if out is None and not local:
        raise typer.BadParameter("say where the chunks go: --out PATH (or -) or --local")
    src = LslSource(session, wait_s=wait_s, source_id=source_id)
    live = LiveAnalyzer(src.channels, keep_samples=False) if local else None
    sink: IO[bytes] | None = None
    if out == "-":
        sink = sys.stdout.buffer
    elif out is not None:
        sink = Path(out).open("wb")  # noqa: SIM115 (closed below)
    marker = live.add_marker if live is not None else None
    last_print, n = -1.0, 0
    upd = None
    try:
        for c in src.chunks(seconds, on_marker=marker):
            if sink is not None:
                sink.write((c.to_json() + "\n").encode())
            if live is not None:
                upd = feed(live, c) or upd  # the phase of the last update, once a second
                now = time.monotonic()
                if upd is not None and now - last_print >= 1.0:
                    last_print = now
                    typer.echo(_status_line(live, upd), err=sink is sys.stdout.buffer)
            n += 1
    except KeyboardInterrupt:
        pass
    finally:
        if sink is not None and sink is not sys.stdout.buffer:
            sink.close()
    typer.echo(f"done: {n} chunks", err=True)
