"""Context shared by the diary area's pages: whose data, and the sub-navigation.

Whose data a page shows is in its path, as in every app: ``/diary/`` is the signed-in
client's own diary, ``/diary/c/<username>/...`` that client's, for a linked therapist
(decision 0013e). ``?client=<username>`` on the old addresses still works, for
bookmarks; links are built only in the path shape, here.
"""

from __future__ import annotations

from typing import Any

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


#: Diary sections with a per-client address (``/diary/c/<username>/...``).
CLIENT_PAGES = ("index", "summary", "summary_csv", "moods", "checkins", "worksheets", "screening")


def subject_name(request: HttpRequest, username: str | None = None) -> str | None:
    """The user name a diary page is about: its path, else the old ``?client=``."""
    return username or request.GET.get("client") or None


def client_url(name: str, client: Any, own: bool) -> str:
    """The address of diary page ``name`` ("diary:summary") for ``client``.

    The client's own pages keep their short address; a therapist's carry the client's
    user name in the path.
    """
    if own or name.split(":")[-1] not in CLIENT_PAGES:
        return reverse(name)
    return reverse(name, kwargs={"username": client.username})


def diary_urls(client: Any, own: bool) -> dict[str, str]:
    """``{section: address}`` of every per-client diary page for ``client``."""
    return {page: client_url(f"diary:{page}", client, own) for page in CLIENT_PAGES}


def _may_open(viewer: Any, client: Any, category: str, own: bool) -> bool:
    if category == "public":
        return True
    if category == "own":
        return own
    return policy.resolve(viewer, client, category).allowed


def subject_context(request: HttpRequest, client: Any) -> dict[str, Any]:
    """``client``, ``own``, ``subnav`` and ``diary_urls`` (addresses for this client).

    The sub-navigation offers only the sections the viewer may open: a therapist sees
    the categories this client shares with them, and no client-only pages.
    """
    own = client.pk == request.user.pk
    links = []
    for name, label, category in _SECTIONS:
        if not _may_open(request.user, client, category, own):
            continue
        url = client_url(name, client, own)
        links.append({"url": url, "label": label, "current": "page" if request.path == url else ""})
    return {
        "client": client,
        "own": own,
        "subnav": links,
        "diary_urls": diary_urls(client, own),
    }


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
