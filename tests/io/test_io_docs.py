"""docs/formats.md: its Python example runs, and it documents every hint and error."""

from __future__ import annotations

import re

import pytest
from io_helpers import REPO

from lacrima.io import errors, reader

DOC = REPO / "docs" / "formats.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _python_blocks()
    assert blocks, "docs/formats.md has no Python example"
    monkeypatch.chdir(REPO)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)


def test_every_hint_and_error_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    hints = reader.COMMON_HINTS.union(*(accepted for _, accepted in reader.READERS.values()))
    for hint in hints:
        assert f"`{hint}=" in text, hint
    for name in errors.__all__:
        if name not in ("ReadError", "ReadWarning"):
            assert f"`{name}`" in text, name
