"""Commands of the lacrima CLI (analysis)."""

from __future__ import annotations

from lacrima.cli._app import app  # noqa: F401
