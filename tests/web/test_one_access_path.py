"""One access path: only the policy reads links and consents (issue 14).

"Client C shares category X with therapist T over an active link" once lived as an
ad-hoc ORM filter in five modules, and two of them disagreed. Now the rule lives in the
model managers (``TherapistLink.objects.active()``, ``Consent.objects.shared(...)``) and
is asked through :mod:`lacrima.web.policy`. This test reads every module of the web
package and fails when one outside the allowed few queries ``Consent`` or
``TherapistLink`` itself: through ``.objects``, through a lookup across the link
(``link__...``, ``therapist_links__...``), or through the related managers
(``.consents``, ``.therapist_links``, ``.client_links``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "lacrima" / "web"

#: Modules that may query links and consents, and why.
ALLOWED = {
    "policy.py": "the one resolver",
    "accounts/models.py": "the managers that define the rule",
    "accounts/services.py": "creates and ends links, records consent changes",
    "accounts/exports.py": "the client's own archive of every link, ended ones too",
    "core/demo.py": "creates the demo accounts' links and consents",
    "records/demo.py": "creates the demo session's link and consent",
}
MODELS = {"Consent", "TherapistLink"}
RELATED = {"consents", "therapist_links", "client_links"}
LOOKUP_PREFIXES = ("link__", "therapist_links__", "client_links__", "consents__")


def _modules() -> list[Path]:
    return sorted(
        p for p in WEB.rglob("*.py") if "migrations" not in p.parts and p.name != "__init__.py"
    )


def _is_lookup_string(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    return node.value.startswith(LOOKUP_PREFIXES) and " " not in node.value


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute):
            base = node.value
            if node.attr == "objects" and isinstance(base, ast.Name) and base.id in MODELS:
                found.append(f"{line}: {base.id}.objects")
            elif node.attr in RELATED:
                found.append(f"{line}: .{node.attr}")
        elif isinstance(node, ast.keyword) and (node.arg or "").startswith(LOOKUP_PREFIXES):
            found.append(f"{line}: lookup {node.arg}=")
        elif _is_lookup_string(node):
            found.append(f"{line}: lookup {node.value!r}")
    return found


def test_the_scan_sees_the_web_package() -> None:
    names = {p.relative_to(WEB).as_posix() for p in _modules()}
    assert "policy.py" in names
    assert {"diary/views.py", "records/dashboard.py", "diary/safety.py"} <= names
    for allowed in ALLOWED:
        assert allowed in names, f"{allowed} is allowed but does not exist: update ALLOWED"


def test_the_scan_finds_an_ad_hoc_filter(tmp_path: Path) -> None:
    # The checker must be able to fail: the filter the issue found in five places.
    sample = tmp_path / "views.py"
    sample.write_text(
        "def shares(client, category):\n"
        "    return Consent.objects.filter(\n"
        "        link__client=client, link__active=True, category=category, granted=True\n"
        "    ).exists()\n"
        "def links(user):\n"
        "    return user.therapist_links.filter(active=True)\n"
        "def ids(qs):\n"
        "    return qs.values_list('link__therapist_id', flat=True)\n"
    )
    found = _offences(sample)
    assert "2: Consent.objects" in found
    assert "3: lookup link__client=" in found
    assert "6: .therapist_links" in found
    assert "8: lookup 'link__therapist_id'" in found


@pytest.mark.parametrize(
    "path",
    [p for p in _modules() if p.relative_to(WEB).as_posix() not in ALLOWED],
    ids=lambda p: p.relative_to(WEB).as_posix(),
)
def test_no_module_queries_links_or_consents(path: Path) -> None:
    found = _offences(path)
    assert not found, (
        f"{path.relative_to(WEB)} queries links or consents itself ({'; '.join(found)}); "
        "ask lacrima.web.policy instead (resolve, can_read, clients_sharing, "
        "therapists_shared_with, shares_of_therapist, links_of_client, ...)"
    )
