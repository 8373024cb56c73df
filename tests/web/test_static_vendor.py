"""Vendored front-end files: present, with their licence and where they came from."""

from __future__ import annotations

from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "src" / "lacrima" / "web" / "static" / "vendor"
EXPECTED = {
    "htmx": ("htmx.min.js", "htmx.org"),
    "pico": ("pico.min.css", "@picocss/pico"),
    "uplot": ("uPlot.iife.min.js", "uplot"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_vendored_file_has_licence_and_source(name):
    folder = VENDOR / name
    filename, package = EXPECTED[name]
    assert (folder / filename).stat().st_size > 1000
    assert any(p.name.startswith("LICENSE") for p in folder.iterdir())
    source = (folder / "SOURCE.md").read_text(encoding="utf-8")
    assert package in source and "version" in source
