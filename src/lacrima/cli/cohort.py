"""Commands of the lacrima CLI (cohort)."""

from __future__ import annotations

from lacrima.cli._app import app  # noqa: F401
