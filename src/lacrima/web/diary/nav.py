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


def _may_open(viewer: Any, client: Any, category: str, own: bool) -> bool:
    if category == "public":
        return True
    if category == "own":
        return own
    return policy.resolve(viewer, client, category).allowed


def subject_context(request: HttpRequest, client: Any) -> dict[str, Any]:
    """``client``, ``own`` and ``subnav`` (links keep ``?client=`` for a therapist).

    The sub-navigation offers only the sections the viewer may open: a therapist sees
    the categories this client shares with them, and no client-only pages.
    """
    own = client.pk == request.user.pk
    query = "" if own else "?" + urlencode({"client": client.username})
    links = []
    for name, label, category in _SECTIONS:
        if not _may_open(request.user, client, category, own):
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
    """Allow reading (audited when the viewer is not the client) or, if asked, changing.

    Raises PermissionDenied / Http404 as :mod:`lacrima.web.policy` decides. A change is
    checked as a write only and audits nothing (opening an edit form is not a read to
    record; a refused change leaves no row); changes by others are audited by
    :func:`lacrima.web.policy.record_change` once stored.
    """
    if write:
        policy.check_write(viewer, client, category)
    else:
        policy.check_read(viewer, client, category, what)
