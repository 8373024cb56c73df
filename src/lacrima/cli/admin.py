"""Commands of the lacrima CLI (admin)."""

from __future__ import annotations

from lacrima.cli._app import app  # noqa: F401
