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
    """Read a physiological recording; see :func:`lacrima.io.read`."""
    from lacrima.io import read as _read

    return _read(path, **hints)


def analyze(recording_or_path: Any, **options: Any) -> Any:
    """Analyse a session for the S-P sequence; see :func:`lacrima.sp.analyze`."""
    from lacrima.sp import analyze as _analyze

    return _analyze(recording_or_path, **options)
