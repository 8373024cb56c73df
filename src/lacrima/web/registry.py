"""Export and demo registries: how feature apps plug into ``lacrima export`` and ``demo``.

Apps register in ``AppConfig.ready()``::

    from lacrima.web import registry

    def _episodes(user):
        return [{"id": e.pk, "started_at": e.started_at.isoformat(), ...}
                for e in Episode.objects.filter(client=user)]

    registry.register_export("diary_episodes", _episodes)
    registry.register_demo(load_demo_diary)   # fn(users: dict[str, User]) -> None

Export functions return a list of flat dicts (one per row; values JSON-serialisable
scalars) holding *all* of the user's rows in that table, decrypted. Demo loaders get
``{"client": ..., "therapist": ..., "admin": ...}`` and must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = ["demo_loaders", "exporters", "iso_or_none", "register_demo", "register_export"]

ExportFn = Callable[["User"], list[dict[str, Any]]]
DemoFn = Callable[[dict[str, "User"]], None]

_EXPORTS: dict[str, ExportFn] = {}
_DEMOS: list[DemoFn] = []


def iso_or_none(value: Any) -> str | None:
    """An export cell for a date or time: its ISO 8601 text, or ``None`` when unset."""
    return value.isoformat() if value is not None else None


def register_export(name: str, fn: ExportFn) -> None:
    """Add a table to every client's export under ``name`` (a file-name-safe word).

    Registering the same name with the same function again is a no-op; a different
    function under a taken name raises ``ValueError``.
    """
    if not name.replace("_", "").isalnum():
        raise ValueError(f"export name must be letters, digits and '_'; got {name!r}")
    if name in _EXPORTS and _EXPORTS[name] is not fn:
        raise ValueError(f"export name {name!r} is already registered")
    _EXPORTS[name] = fn


def register_demo(fn: DemoFn) -> None:
    """Add a loader of demo rows (called by ``lacrima demo``; must be idempotent)."""
    if fn not in _DEMOS:
        _DEMOS.append(fn)


def exporters() -> dict[str, ExportFn]:
    """The registered export functions by name, in registration order."""
    return dict(_EXPORTS)


def demo_loaders() -> list[DemoFn]:
    """The registered demo loaders, in registration order."""
    return list(_DEMOS)
