"""Error pages in the site's layout; no traceback ever reaches a user."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    context = {"status": status, "title": title, "text": text}
    return render(request, "core/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: malformed or oversized request."""
    text = "The request was malformed or too large, so nothing was saved. Please try again."
    return _page(request, 400, "Something in that request was not right", text)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: signed in, but this page is not for this account."""
    reason = (
        str(exception) if exception and str(exception) else "This page is not available to you."
    )
    return _page(request, 403, "Not available", reason)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: no such page (also what others see for a client they cannot see)."""
    return _page(request, 404, "Page not found", "There is nothing here. Check the address.")


def server_error(request: HttpRequest) -> HttpResponse:
    """500: a fault on our side; the details are in the server log."""
    text = "Something went wrong on our side. Nothing you did caused this; please try again later."
    # Rendered without the request: no context processors, no database.
    html = loader.get_template("core/error_500.html").render({"text": text})
    return HttpResponse(html, status=500)
