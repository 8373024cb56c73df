"""Template context shared by every page: navigation and site facts (no client data)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from lacrima.web.core import crisis
from lacrima.web.diary.safety import panel_requested

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
    ("core:crisis_lines", "Crisis lines", ("admin",)),
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


def crisis_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The crisis panel's lines when this page answers risk language, else ``None``.

    Whether to show it is decided in :func:`lacrima.web.diary.safety.panel_requested`;
    with no lines for the region the panel still shows (emergency number, /crisis/).
    """
    if not panel_requested(request):
        return None
    region = crisis.region_for_request(request)
    return {"resources": crisis.resources_for(region), "region_name": crisis.region_name(region)}


def site(request: HttpRequest) -> dict[str, Any]:
    """Context processor: navigation and, when asked for, the crisis panel."""
    return {"nav_items": nav_items(request), "crisis_panel": crisis_panel(request)}
