"""Turn a :class:`~lacrima.errors.LacrimaError` escaping a page view into a calm 400 page."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lacrima.errors import LacrimaError

logger = logging.getLogger(__name__)


class LacrimaErrorMiddleware:
    """Pages show the error's message (it says what to do); the API has its own handler."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Pass the request on unchanged."""
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Render a LacrimaError as a 400 page; leave every other exception to Django."""
        if not isinstance(exception, LacrimaError):
            return None
        logger.info("refused %s %s: %s", request.method, request.path, exception)
        context = {"status": 400, "title": "That did not work", "text": str(exception)}
        return render(request, "core/error.html", context, status=400)
