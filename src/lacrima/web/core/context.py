"""Template context shared by every page: navigation and site facts (no client data)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (URL name, label, roles that see it). Feature apps' entry pages are named <app>:index;
# a link appears once the app defines that name.
_NAV = (
    ("diary:index", "Diary", ("client",)),
    ("program:index", "Program", ("client",)),
    ("records:mine", "My sessions", ("client",)),
    ("records:index", "Dashboard", ("therapist",)),
    ("accounts:clients", "Clients", ("therapist",)),
    ("accounts:sharing", "Sharing", ("client",)),
    ("accounts:staff_users", "Users", ("admin",)),
    ("accounts:account", "Account", ("client", "therapist", "admin")),
)


def optional_url(name: str, **kwargs: Any) -> str:
    """``reverse(name)``, or ``""`` when no app defines that URL name (yet)."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def nav_items(request: HttpRequest) -> list[dict[str, Any]]:
    """The navigation links for the signed-in user's role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for name, label, roles in _NAV:
        url = optional_url(name) if user.role in roles else ""
        if url:
            current = request.path == url or (url != "/" and request.path.startswith(url))
            items.append({"url": url, "label": label, "current": "page" if current else ""})
    return items


def site(request: HttpRequest) -> dict[str, Any]:
    """Context processor: navigation for the base template."""
    return {"nav_items": nav_items(request)}
