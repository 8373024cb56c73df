"""THE access decisions of Lacrima. Every view and API operation goes through here.

Rules
-----
* A client reads and writes their own data.
* A therapist reads a client's data in a category only while linked to that client
  (active :class:`~lacrima.web.accounts.models.TherapistLink`) **and** the client's
  consent for that category is granted. Writes by a therapist only where the app says.
* An admin manages accounts; they see no client data.
* Every read by someone other than the client is written to the audit log.
* A refused read answers 403 to a linked therapist without consent and 404 to everyone
  else, so the existence of an account does not leak.

Declarations
------------
Each view (and each ninja operation, under its router decorator) carries one of
:func:`public`, :func:`authenticated`, :func:`role_required`, :func:`client_data` or
:func:`client_profile`. The access-matrix test enumerates every route and fails for any
without one. The decorators check sign-in and role; the view then picks the subject
with :func:`subject_for_read` / :func:`subject_for_write` or checks an object's owner
with :func:`check_read` / :func:`check_write`.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from lacrima.web.accounts.models import CATEGORIES, CATEGORY_LABELS, Consent, Role, TherapistLink
from lacrima.web.audit.log import record_read

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from lacrima.web.accounts.models import User

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "PROFILE",
    "AccessRule",
    "authenticated",
    "can_read",
    "can_read_profile",
    "can_write",
    "check_read",
    "check_write",
    "client_data",
    "client_profile",
    "clients_sharing",
    "get_rule",
    "has_consent",
    "is_linked",
    "public",
    "role_required",
    "subject_for_profile",
    "subject_for_read",
    "subject_for_write",
]

PROFILE = "profile"
"""Audit category for a therapist opening a linked client's profile card."""

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class AccessRule:
    """The access declaration attached to a view as ``view.lacrima_access``.

    ``kind`` is one of ``"public"``, ``"authenticated"``, ``"role"``, ``"client_data"``,
    ``"client_profile"``.
    """

    kind: str
    roles: tuple[str, ...] = ()
    category: str = ""
    therapist_writes: bool = False


# --------------------------------------------------------------------------- decisions


def is_linked(therapist: User, client: User) -> bool:
    """True while ``therapist`` has an active link to ``client``."""
    if not (therapist.is_authenticated and therapist.role == Role.THERAPIST):
        return False
    return TherapistLink.objects.filter(client=client, therapist=therapist, active=True).exists()


def has_consent(client: User, therapist_id: int | None, category: str) -> bool:
    """True while ``client`` shares ``category`` with the therapist ``therapist_id``.

    Only an active link counts; ``None`` (no therapist) shares nothing.
    """
    return Consent.objects.filter(
        link__client=client,
        link__therapist_id=therapist_id,
        link__active=True,
        category=category,
        granted=True,
    ).exists()


def _check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"category must be one of {', '.join(CATEGORIES)}; got {category!r}")


def can_read(viewer: User, client: User, category: str) -> bool:
    """Whether ``viewer`` may read ``client``'s data in ``category`` (does not audit)."""
    _check_category(category)
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if viewer.pk == client.pk:
        return client.role == Role.CLIENT
    return client.role == Role.CLIENT and has_consent(client, viewer.pk, category)


def can_write(viewer: User, client: User, category: str, therapist_writes: bool = False) -> bool:
    """Whether ``viewer`` may change ``client``'s data in ``category``.

    The owner always may; a therapist only if the app allows it (``therapist_writes``)
    and they may read the category.
    """
    if viewer.is_authenticated and viewer.pk == client.pk:
        return client.role == Role.CLIENT
    return therapist_writes and can_read(viewer, client, category)


def can_read_profile(viewer: User, client: User) -> bool:
    """Whether ``viewer`` may see ``client``'s profile card (owner or linked therapist)."""
    if not viewer.is_authenticated or client.role != Role.CLIENT:
        return False
    return viewer.pk == client.pk or is_linked(viewer, client)


def _refuse(viewer: User, client: User) -> None:
    if client.role == Role.CLIENT and is_linked(viewer, client):
        raise PermissionDenied("This client has not shared this part with you.")
    raise Http404("No such client.")


def check_read(viewer: User, client: User, category: str, what: str = "") -> None:
    """Allow the read or raise; record it in the audit log when viewer is not the client.

    Raises
    ------
    PermissionDenied
        A linked therapist without the client's consent for ``category``.
    Http404
        Anyone else who may not read it.
    """
    if not can_read(viewer, client, category):
        _refuse(viewer, client)
    record_read(viewer, client, category, what)


def check_write(
    viewer: User, client: User, category: str, therapist_writes: bool = False, what: str = ""
) -> None:
    """Allow the change or raise (403 for linked therapists, 404 for anyone else)."""
    if not can_write(viewer, client, category, therapist_writes):
        _refuse(viewer, client)
    if viewer.pk != client.pk:
        record_read(viewer, client, category, what or "changed")


def _resolve(viewer: User, client_username: str | None) -> User:
    from lacrima.web.accounts.models import User

    if not viewer.is_authenticated:
        raise PermissionDenied("Sign in first.")
    if client_username is None or client_username == viewer.username:
        if viewer.role != Role.CLIENT:
            raise PermissionDenied("This page is for clients; choose a client first.")
        return viewer
    client = User.objects.filter(username=client_username, role=Role.CLIENT).first()
    if client is None:
        raise Http404("No such client.")
    return client


def subject_for_read(
    request_user: User, client_username: str | None, category: str, what: str = ""
) -> User:
    """The client whose ``category`` data this request may read.

    ``None`` means the viewer themself (who must be a client). A username means that
    client, if :func:`can_read`; otherwise raises ``PermissionDenied`` (403) for linked
    therapists without consent and ``Http404`` for everyone else. Audits reads by others.
    """
    client = _resolve(request_user, client_username)
    check_read(request_user, client, category, what)
    return client


def subject_for_write(
    request_user: User,
    client_username: str | None,
    category: str,
    therapist_writes: bool = False,
    what: str = "",
) -> User:
    """Like :func:`subject_for_read`, for changes (see :func:`can_write`)."""
    client = _resolve(request_user, client_username)
    check_write(request_user, client, category, therapist_writes, what)
    return client


def subject_for_profile(request_user: User, client_username: str) -> User:
    """The client whose profile card the viewer may see (owner or linked therapist)."""
    client = _resolve(request_user, client_username)
    if not can_read_profile(request_user, client):
        raise Http404("No such client.")
    record_read(request_user, client, PROFILE, "profile card")
    return client


def clients_sharing(therapist: User, category: str) -> QuerySet[User]:
    """The clients currently sharing ``category`` with ``therapist``."""
    from lacrima.web.accounts.models import User

    _check_category(category)
    return User.objects.filter(
        role=Role.CLIENT,
        therapist_links__therapist=therapist,
        therapist_links__active=True,
        therapist_links__consents__category=category,
        therapist_links__consents__granted=True,
    ).distinct()


# ------------------------------------------------------------------------ declarations


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _require_login(request: HttpRequest) -> Any:
    if _is_api(request):
        from ninja.errors import AuthenticationError

        raise AuthenticationError()
    return redirect_to_login(request.get_full_path())


def _declare(rule: AccessRule, check: Callable[[HttpRequest], Any] | None) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if check is not None:
                early = check(request)
                if early is not None:
                    return early
            return view(request, *args, **kwargs)

        wrapper.lacrima_access = rule  # type: ignore[attr-defined]
        # django-ninja reads parameter types from the signature; resolve string
        # annotations (``from __future__ import annotations``) in the view's own module.
        with contextlib.suppress(NameError, TypeError):
            wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def _login_check(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        return _require_login(request)
    return None


def public(view: F) -> F:
    """Anyone, signed in or not; the view shows no client data."""
    return _declare(AccessRule("public"), None)(view)


def authenticated(view: F) -> F:
    """Any signed-in user; the view shows only the viewer's own, non-clinical data."""
    return _declare(AccessRule("authenticated"), _login_check)(view)


def role_required(*roles: str) -> Callable[[F], F]:
    """Signed-in users with one of ``roles``; others get 403."""
    for role in roles:
        if role not in Role.values:
            raise ValueError(f"role must be one of {', '.join(Role.values)}; got {role!r}")

    def check(request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return _require_login(request)
        if request.user.role not in roles:
            raise PermissionDenied("This page is not part of your role.")
        return None

    return _declare(AccessRule("role", roles=tuple(roles)), check)


def client_data(category: str, therapist_writes: bool = False) -> Callable[[F], F]:
    """Shows or changes a client's data in ``category``.

    The view must pick its subject through :func:`subject_for_read` (or ``check_read``
    on an object's owner), which enforces consent and audits the read.
    ``therapist_writes=True`` declares that linked therapists with consent may also
    change it (the access-matrix test then expects that).
    """
    _check_category(category)
    rule = AccessRule("client_data", category=category, therapist_writes=therapist_writes)
    return _declare(rule, _login_check)


def client_profile(view: F) -> F:
    """Shows a client's profile card to the client and every linked therapist."""
    return _declare(AccessRule("client_profile", category=PROFILE), _login_check)(view)


def get_rule(view: Any) -> AccessRule | None:
    """The declaration attached to a view function or class-based view, if any."""
    rule = getattr(view, "lacrima_access", None)
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, "lacrima_access", None)
    return rule
