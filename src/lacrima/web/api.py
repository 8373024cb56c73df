"""The JSON API at ``/api/v1/`` (django-ninja); OpenAPI at ``/api/v1/openapi.json``.

Authentication: a personal token (``Authorization: Bearer lac_...``, made with
``lacrima token USERNAME``) or the browser session (unsafe methods then need the CSRF
token in the ``X-CSRFToken`` header). Each app's ``router`` is mounted at
``/api/v1/<app>/``; its operations carry a :mod:`lacrima.web.policy` declaration.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from lacrima.errors import LacrimaError
from lacrima.web.accounts.api import router as accounts_router
from lacrima.web.accounts.services import user_for_token
from lacrima.web.diary.api import router as diary_router
from lacrima.web.program.api import router as program_router
from lacrima.web.records.api import router as records_router

__all__ = ["api"]


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <personal token>``; sets ``request.user``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """The token's user, or None to try the next method."""
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Lacrima API",
    version="1",
    description="Lacrima's JSON API. Every read of a client's data by someone else is audited.",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not allowed."}, status=403)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = "Sign in, or send 'Authorization: Bearer <token>' (see 'lacrima token')."
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    detail = f"Request body too large; the limit is {limit} bytes."
    return api.create_response(request, {"detail": detail}, status=413)


@api.exception_handler(LacrimaError)
def _lacrima_error(request: HttpRequest, exc: LacrimaError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


api.add_router("/", accounts_router)
api.add_router("/diary/", diary_router)
api.add_router("/program/", program_router)
api.add_router("/records/", records_router)
