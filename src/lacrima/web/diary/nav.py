"""Context shared by the diary area's pages: whose data, and the sub-navigation."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse

from lacrima.web import policy

_SECTIONS = (
    ("diary:index", "Diary", "diary"),
    ("diary:summary", "My pattern", "diary"),
    ("diary:checkins", "Body check-ins", "checkins"),
    ("diary:worksheets", "Worksheets", "worksheets"),
    ("diary:screening", "Questionnaires", "screening"),
    ("diary:reminders", "Reminders", "own"),
    ("diary:learn", "Learn", "public"),
)


def subject_context(request: HttpRequest, client: Any) -> dict[str, Any]:
    """``client``, ``own`` and ``subnav`` (links keep ``?client=`` for a therapist)."""
    own = client.pk == request.user.pk
    query = "" if own else "?" + urlencode({"client": client.username})
    links = []
    for name, label, category in _SECTIONS:
        if category == "own" and not own:
            continue
        url = reverse(name)
        suffix = "" if category in ("own", "public") else query
        links.append(
            {
                "url": url + suffix,
                "label": label,
                "current": "page" if request.path == url else "",
            }
        )
    return {"client": client, "own": own, "subnav": links, "client_query": query}


def form_args(request: HttpRequest, files: bool = False) -> tuple[Any, ...]:
    """Form arguments: the POST data (even when empty) on POST, else unbound."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def check_access(viewer: Any, client: Any, category: str, what: str, write: bool = False) -> None:
    """Allow reading (audited when the viewer is not the client) and, if asked, changing.

    Raises PermissionDenied / Http404 as :mod:`lacrima.web.policy` decides. A therapist
    who may read but not change the data gets 403 for a change, after the attempt has
    been recorded in the client's access log like any other read.
    """
    policy.check_read(viewer, client, category, what)
    if write:
        policy.check_write(viewer, client, category)
