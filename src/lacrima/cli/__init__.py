"""The ``lacrima`` command.

A thin layer over the library: each sub-module registers its commands on the one
Typer app in :mod:`lacrima.cli._app`; library errors become a one-line message and
exit code 2, never a traceback.
"""

from __future__ import annotations

from lacrima.cli import admin, analysis, cohort, live, worker  # noqa: F401  (registers commands)
from lacrima.cli._app import app, main

__all__ = ["app", "main"]
