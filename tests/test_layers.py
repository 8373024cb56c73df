"""The layers import one way only: io -> physio -> sp -> report/store/web.

A static check over every module's import statements (the idea of MNE-Python's
``test_import_nesting``): the signal layer never reaches for Django, readers never
reach for the model, and therapy logic never imports the web project.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "src" / "lacrima"

# layer -> module prefixes it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "physio": (
        "lacrima.io",
        "lacrima.sp",
        "lacrima.care",
        "lacrima.web",
        "lacrima.batch",
        "django",
        "ninja",
        "matplotlib",
        "neurokit2",
    ),
    "io": ("lacrima.sp", "lacrima.care", "lacrima.web", "lacrima.batch", "django", "neurokit2"),
    "sp": ("lacrima.care", "lacrima.web", "lacrima.batch", "django", "neurokit2"),
    "care": ("lacrima.web", "lacrima.io", "lacrima.sp", "django", "ninja", "neurokit2"),
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _layer_modules(layer: str) -> list[Path]:
    return sorted((PACKAGE_ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_downwards(layer: str) -> None:
    offences = []
    for path in _layer_modules(layer):
        for name in _imported_modules(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                offences.append(f"{path.relative_to(PACKAGE_ROOT)} imports {name}")
    assert not offences, "layer violations:\n" + "\n".join(offences)


def test_neurokit2_is_never_a_runtime_dependency() -> None:
    offences = [
        str(path.relative_to(PACKAGE_ROOT))
        for path in sorted(PACKAGE_ROOT.rglob("*.py"))
        if any(n.split(".")[0] == "neurokit2" for n in _imported_modules(path))
    ]
    assert not offences, f"neurokit2 imported at run time by: {offences}"


def test_the_checker_sees_imports(tmp_path: Path) -> None:
    """Guard against a checker that silently finds nothing."""
    sample = tmp_path / "m.py"
    sample.write_text("import django.db\nfrom lacrima.web import policy\nfrom . import x\n")
    assert _imported_modules(sample) == {"django.db", "lacrima.web"}
