"""Learn pages: short psychoeducation in our own words, each citing its sources. Public."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from lacrima.web import policy


@dataclass(frozen=True)
class LearnPage:
    """A learn page: its address, title and one-line summary."""

    slug: str
    title: str
    summary: str


LEARN_PAGES: dict[str, LearnPage] = {
    p.slug: p
    for p in (
        LearnPage(
            "why-we-cry",
            "Why people cry",
            "What tears are for, and the different ways crying shows.",
        ),
        LearnPage(
            "does-crying-help",
            "Does crying help?",
            "Sometimes. What research diaries found, and what seems to matter.",
        ),
        LearnPage(
            "crying-in-therapy",
            "Crying in therapy",
            "Why tears in a session are welcome, and what the body does.",
        ),
        LearnPage(
            "when-tears-dont-come",
            "When tears don't come",
            "Wanting to cry and not being able to is fine. Don't force it.",
        ),
        LearnPage(
            "when-to-get-help",
            "When crying is a sign to get help",
            "Patterns worth talking over with a doctor or your therapist.",
        ),
    )
}


@policy.public
@require_http_methods(["GET"])
def learn_index(request: HttpRequest) -> HttpResponse:
    """The list of learn pages."""
    return render(request, "diary/learn/index.html", {"pages": list(LEARN_PAGES.values())})


@policy.public
@require_http_methods(["GET"])
def learn_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One learn page."""
    page = LEARN_PAGES.get(slug)
    if page is None:
        raise Http404("No such page.")
    others = [p for p in LEARN_PAGES.values() if p.slug != slug]
    return render(request, f"diary/learn/{slug}.html", {"page": page, "others": others})
