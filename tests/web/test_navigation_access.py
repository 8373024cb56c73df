"""Navigation offers only what the viewer may open (issue 14).

The therapist's diary sub-menu used to offer Worksheets (and the other sections) for a
client who shared only the diary; each answered 403. Here a therapist walks from the
client's page through every page its links lead to, for several sets of shared
categories, and every link in a navigation bar and on the client's page must answer 200.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from lacrima.web.accounts.models import CATEGORIES


class _Links(HTMLParser):
    """Collect ``href``s of links inside ``<nav>`` (or everywhere with ``nav_only=False``)."""

    def __init__(self, nav_only: bool) -> None:
        super().__init__()
        self.nav_only = nav_only
        self.depth = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav":
            self.depth += 1
        if tag == "a" and (self.depth or not self.nav_only):
            href = dict(attrs).get("href") or ""
            if href:
                self.hrefs.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self.depth:
            self.depth -= 1


def _links(html: str, nav_only: bool) -> list[str]:
    parser = _Links(nav_only)
    parser.feed(html)
    return parser.hrefs


def _internal(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/")


@pytest.mark.parametrize(
    "shared",
    [("diary",), ("screening",), ("program",), ("diary", "checkins"), CATEGORIES, ()],
    ids=lambda s: "+".join(s) or "nothing",
)
def test_every_link_a_therapist_is_offered_opens(
    shared: tuple[str, ...], make_user: Any, link: Any, client_of: Any
) -> None:
    client = make_user(role="client", username="cleo", first_name="Cleo")
    therapist = make_user(role="therapist", username="tara")
    link(client, therapist, consents=shared)
    browser = client_of(therapist)
    start = reverse("records:client", kwargs={"username": client.username})
    page = browser.get(start)
    assert page.status_code == 200
    # Every link on the client's page, then every navigation link on the pages reached.
    todo = [h for h in _links(page.content.decode(), nav_only=False) if _internal(h)]
    seen: dict[str, int] = {start: 200}
    while todo:
        href = todo.pop()
        url = href.split("#")[0]
        if not url or url in seen:
            continue
        response = browser.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            todo.extend(h for h in _links(response.content.decode(), True) if _internal(h))
    refused = {url: status for url, status in seen.items() if status != 200}
    assert not refused, f"sharing {shared or 'nothing'}, these links do not open: {refused}"
    # The walk really reached the shared areas (so the test can fail).
    reached = " ".join(seen)
    kw = {"username": client.username}
    if "diary" in shared:
        assert reverse("diary:index", kwargs=kw) in seen
        assert reverse("diary:summary", kwargs=kw) in seen
    if "program" in shared:
        assert reverse("program:overview", kwargs=kw) in reached
    if "worksheets" not in shared:
        assert reverse("diary:worksheets", kwargs=kw) not in reached
    # One shape for "this client's X": the user name in the path, never ``?client=``.
    assert "?client=" not in reached


def test_the_diary_menu_lists_only_shared_sections(
    make_user: Any, link: Any, client_of: Any
) -> None:
    client = make_user(role="client", username="cleo")
    therapist = make_user(role="therapist", username="tara")
    link(client, therapist, consents=["diary"])
    page = client_of(therapist).get(reverse("diary:index", kwargs={"username": "cleo"}))
    labels = page.content.decode()
    nav = labels[labels.index('aria-label="Diary sections"') :].split("</nav>")[0]
    assert "My pattern" in nav
    for hidden in ("Worksheets", "Body check-ins", "Questionnaires", "Reminders"):
        assert hidden not in nav
    # The old address (``?client=``) still answers, for bookmarks.
    old = client_of(therapist).get(reverse("diary:index"), {"client": client.username})
    assert old.status_code == 200 and "My pattern" in old.content.decode()
    # The client sees every section of their own diary.
    own = client_of(client).get(reverse("diary:index")).content.decode()
    own_nav = own[own.index('aria-label="Diary sections"') :].split("</nav>")[0]
    for label in ("Worksheets", "Body check-ins", "Questionnaires", "Reminders"):
        assert label in own_nav
