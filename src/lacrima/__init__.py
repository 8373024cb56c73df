"""Lacrima: software that supports crying in psychotherapy.

The public entry points for researchers are :func:`lacrima.read` (any supported
file to a :class:`~lacrima.io.Recording`) and :func:`lacrima.analyze` (a recording
or a path to an S-P sequence analysis).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "analyze", "read"]


def read(path: Any, **hints: Any) -> Any:
    """Read a physiological recording (or a list of files of one session).

    See :func:`lacrima.io.read`.
    """
    from lacrima.io import read as _read

    return _read(path, **hints)


def analyze(recording_or_path: Any, **options: Any) -> Any:
    """Analyse a session for the S-P sequence; see :func:`lacrima.sp.analyze`.

    A list of paths is one session from several files (:func:`lacrima.io.read_session`);
    notes on how they were merged (aligned at ``t = 0`` for want of a start time) are
    added to the report's problems.
    """
    from lacrima.sp import analyze as _analyze

    if isinstance(recording_or_path, list | tuple):
        import dataclasses

        from lacrima.io import read_session
        from lacrima.sp.problems import Problem

        hints = options.pop("read_hints", None) or {}
        session = read_session(recording_or_path, **hints)
        result = _analyze(session.recording, **options)
        notes = tuple(Problem(part="recording", reason=note) for note in session.notes)
        return dataclasses.replace(result, problems=notes + tuple(result.problems))
    return _analyze(recording_or_path, **options)
