"""Shared helpers for the reader tests: data folders and an error-message checker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import lacrima

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "io"


def _shared_data() -> Path | None:
    candidates = [
        os.environ.get("LACRIMA_SHARED_DATA"),
        REPO / "shared" / "data",
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


#: The project's real data sets (see shared/data/README.md), when this checkout has them.
SHARED = _shared_data()

needs_shared = pytest.mark.skipif(SHARED is None, reason="the shared real data sets are absent")


def read_error(error: type[Exception], path: Path | str, *fragments: str, **hints: Any) -> str:
    """Read ``path``, expect ``error``, check the message holds every fragment; return it."""
    with pytest.raises(error) as info:
        lacrima.read(path, **hints)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in message: {message}"
    return message
