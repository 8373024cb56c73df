"""The sign-in throttle: django-axes with limits per address and per user name too.

django-axes counts failures per (user name, address) pair. :class:`LacrimaAxesHandler`
adds two wider limits over the same records: failures from one address for any user
names (``LACRIMA_THROTTLE_ADDRESS_LIMIT``, a password spray) and failures for one user
name from any addresses (``LACRIMA_THROTTLE_USER_LIMIT``, distributed guessing), both
within ``AXES_COOLOFF_TIME``. :func:`check_password` and :func:`check_code_allowed` /
:func:`note_failed_code` bring every other password check and second-factor code under
the same counters.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

__all__ = ["LacrimaAxesHandler", "check_code_allowed", "check_password", "note_failed_code"]


def _recent_failures(**filters: Any) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = AccessAttempt.objects.filter(attempt_time__gte=since, **filters)
    return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LacrimaAxesHandler(AxesDatabaseHandler):
    """Lock a (user name, address) pair, an address, or a user name, whichever is over."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The pair's failures, or the failure limit when a wider limit is reached.

        django-axes locks when this reaches ``AXES_FAILURE_LIMIT``.
        """
        pair = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address and _recent_failures(ip_address=address) >= (
            settings.LACRIMA_THROTTLE_ADDRESS_LIMIT
        ):
            return max(pair, limit)
        username = (credentials or {}).get("username")
        if username and _recent_failures(username=username) >= (
            settings.LACRIMA_THROTTLE_USER_LIMIT
        ):
            return max(pair, limit)
        return pair


def check_password(request: HttpRequest, user: Any, password: str) -> bool:
    """Whether ``password`` is ``user``'s, counted and refused like a sign-in.

    A wrong password is a failure for the throttle; while locked, even the right one
    gives False and the response becomes the "wait" page (HTTP 429).
    """
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


def check_code_allowed(request: HttpRequest, user: Any) -> bool:
    """False while ``user`` (or this address) is locked; the response becomes the 429 page."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_allowed(request, credentials):
        return True
    request.axes_locked_out = True  # type: ignore[attr-defined]
    request.axes_credentials = credentials  # type: ignore[attr-defined]
    return False


def note_failed_code(request: HttpRequest, user: Any) -> None:
    """Count a wrong second-factor code as a failed sign-in."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
