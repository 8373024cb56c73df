"""Lacrima's middleware: errors as calm pages, the client's address, no-store caching,
the second-factor gate, and a log filter that keeps URL secrets out of access logs.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

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


# ----------------------------------------------------------------- client address


def resolve_client_address(peer: str, forwarded_for: str, trusted: tuple[Any, ...]) -> str:
    """The client's address: ``peer``, unless ``peer`` is a trusted proxy.

    Behind trusted proxies the ``X-Forwarded-For`` list is read from the right (the hop
    nearest to us) and the first address that is not itself a trusted proxy is the
    client. A header from an untrusted peer is ignored, so a forged one changes nothing.

    Examples
    --------
    >>> import ipaddress
    >>> proxies = (ipaddress.ip_network("10.0.0.1/32"),)
    >>> resolve_client_address("10.0.0.1", "1.2.3.4, 5.6.7.8", proxies)
    '5.6.7.8'
    >>> resolve_client_address("9.9.9.9", "1.2.3.4", proxies)
    '9.9.9.9'
    """
    if not _is_trusted(peer, trusted):
        return peer
    hop = peer
    for item in reversed([p.strip() for p in forwarded_for.split(",") if p.strip()]):
        try:
            ipaddress.ip_address(item)
        except ValueError:
            return hop  # a malformed entry: the last address we could trust sent it
        if not _is_trusted(item, trusted):
            return item
        hop = item
    return hop


def _is_trusted(address: str, trusted: tuple[Any, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(request: HttpRequest) -> str:
    """The client address for the login throttle (``AXES_CLIENT_IP_CALLABLE``)."""
    return request.META.get("REMOTE_ADDR", "")


class TrustedProxyMiddleware:
    """Set ``REMOTE_ADDR`` to the real client behind ``LACRIMA_TRUSTED_PROXIES``.

    The connecting address is kept in ``META["LACRIMA_PEER_ADDR"]``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Rewrite the address once, before anything reads it."""
        peer = request.META.get("REMOTE_ADDR", "")
        request.META["LACRIMA_PEER_ADDR"] = peer
        request.META["REMOTE_ADDR"] = resolve_client_address(
            peer,
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            tuple(settings.LACRIMA_TRUSTED_PROXIES),
        )
        return self.get_response(request)


# ------------------------------------------------------------------------- caching


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every API answer and every signed-in page.

    Those are the responses that can hold client data; a shared or browser cache must
    not keep them (a shared computer's back button, a proxy's disk).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Mark the response when it is for a signed-in person or from the API."""
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if signed_in or request.path.startswith("/api/"):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


# -------------------------------------------------------------------- second factor

#: Paths a signed-in person may open before the second factor: the factor's own pages,
#: sign-out, crisis resources (never behind a login) and static files.
_SECOND_FACTOR_FREE = ("/account/two-factor/", "/logout/", "/crisis/", "/static/")


def needs_second_factor(user: Any) -> bool:
    """True when ``user`` must give a TOTP or recovery code before going on.

    That is when they have set up a second factor, or when the clinic requires one
    (``LACRIMA_REQUIRE_2FA``) for their role (therapist, admin).
    """
    from django_otp import user_has_device

    if not user.is_authenticated or user.is_verified():
        return False
    if user_has_device(user, confirmed=True):
        return True
    return bool(settings.LACRIMA_REQUIRE_2FA) and user.role in ("therapist", "admin")


class SecondFactorMiddleware:
    """Send a signed-in person who still owes a second factor to its page.

    Pages redirect to ``/account/two-factor/`` (code, or set-up where required); the API
    answers 401 to such a browser session. Token requests are not affected: a token is
    created only after signing in with both factors.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Pass the request on, or redirect / refuse it."""
        path = request.path
        if path.startswith(_SECOND_FACTOR_FREE) or not needs_second_factor(request.user):
            return self.get_response(request)
        if path.startswith("/api/"):
            detail = "Finish signing in with your second factor at /account/two-factor/."
            return JsonResponse({"detail": detail}, status=401)
        target = reverse("accounts:two_factor")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


# --------------------------------------------------------------------- access log

_SECRET_PATHS = re.compile(
    r"((?:/|%2F)(?:invite|reset(?:/|%2F)key)(?:/|%2F))[^\s\"'?#&]+?(?=(?:/|%2F)?(?:[\s\"'?#&]|$))",
    re.IGNORECASE,
)


def redact_secrets(text: str) -> str:
    """Replace invitation and password-reset secrets in a URL or log line with ``…``.

    Examples
    --------
    >>> redact_secrets("GET /invite/Abc_123/ HTTP/1.1")
    'GET /invite/…/ HTTP/1.1'
    """
    return _SECRET_PATHS.sub(r"\1…", text)


class SecretPathFilter(logging.Filter):
    """A logging filter that keeps invitation and reset secrets out of access logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the secret in the message and its string arguments; keep the record."""
        if isinstance(record.msg, str):
            record.msg = redact_secrets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_secrets(a) if isinstance(a, str) else a for a in record.args)
        return True
