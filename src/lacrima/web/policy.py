"""THE access decisions of Lacrima. Every view and API operation goes through here.

Rules
-----
* A client reads and writes their own data.
* A therapist reads a client's data in a category only while linked to that client
  (active :class:`~lacrima.web.accounts.models.TherapistLink`) **and** the client's
  consent for that category is granted. Writes by a therapist only where the app says.
* An admin manages accounts; they see no client data.
* Every read by someone other than the client is written to the audit log once, when
  the page or answer is produced; every change by someone other than the client once,
  after it happened (:func:`record_change`). Opening a form to change something, and
  polling a status, are neither: they write no audit row.
* A refused read answers 403 to a linked therapist without consent and 404 to everyone
  else, so the existence of an account does not leak.

The one resolver
----------------
:func:`resolve` answers "may *this viewer* read or write *this client's* data in *this
category*?" and returns a :class:`Decision`; :func:`subject_for_read`,
:func:`subject_for_write`, :func:`check_read` and :func:`check_write` enforce it.
Links and consents are read only here, through the model managers
(``TherapistLink.objects.active()``, ``Consent.objects.shared(...)``);
``tests/web/test_one_access_path.py`` keeps every other module from querying them.

Declarations
------------
Each view (and each ninja operation, under its router decorator) carries one of
:func:`public`, :func:`authenticated`, :func:`role_required`, :func:`client_data`,
:func:`client_profile` or :func:`device_token`. The access-matrix test enumerates every
route and fails for any without one. The decorators check sign-in and role; the view
then picks the subject with :func:`subject_for_read` / :func:`subject_for_write` or
checks an object's owner with :func:`check_read` / :func:`check_write`.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from lacrima.web.accounts.models import CATEGORIES, CATEGORY_LABELS, Consent, Role, TherapistLink
from lacrima.web.audit.log import record_read, record_write

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from lacrima.web.accounts.models import User

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "PROFILE",
    "Access",
    "AccessRule",
    "Decision",
    "active_link",
    "active_link_by_username",
    "authenticated",
    "can_read",
    "can_read_profile",
    "can_write",
    "check_read",
    "check_write",
    "client_data",
    "client_profile",
    "clients_sharing",
    "device_token",
    "get_rule",
    "has_consent",
    "is_linked",
    "links_of_client",
    "links_of_therapist",
    "public",
    "record_change",
    "resolve",
    "role_required",
    "shares_of_therapist",
    "shares_with_anyone",
    "subject_for_profile",
    "subject_for_read",
    "subject_for_write",
    "therapists_shared_with",
]

PROFILE = "profile"
"""Audit category for a therapist opening a linked client's profile card."""

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class AccessRule:
    """The access declaration attached to a view as ``view.lacrima_access``.

    ``kind`` is one of ``"public"``, ``"authenticated"``, ``"role"``, ``"client_data"``,
    ``"client_profile"``, ``"device"``.
    """

    kind: str
    roles: tuple[str, ...] = ()
    category: str = ""
    therapist_writes: bool = False
    edit_form: bool = False


class Access(StrEnum):
    """What a request does with a client's data."""

    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Decision:
    """The resolver's answer for one viewer, client, category and kind of access.

    ``status`` is 200 when allowed, 403 for a linked therapist who is refused (the link
    is no secret between them) and 404 for anyone else (an account's existence does not
    leak).
    """

    viewer_id: int | None
    client_id: int
    category: str
    access: Access
    allowed: bool
    status: int
    reason: str

    def enforce(self) -> None:
        """Return if allowed; raise ``PermissionDenied`` (403) or ``Http404`` otherwise."""
        if self.allowed:
            return
        if self.status == 403:
            raise PermissionDenied(self.reason)
        raise Http404(self.reason)


# --------------------------------------------------------------------------- decisions


def is_linked(therapist: User, client: User) -> bool:
    """True while ``therapist`` has an active link to ``client``."""
    if not (therapist.is_authenticated and therapist.role == Role.THERAPIST):
        return False
    return TherapistLink.objects.between(client, therapist).exists()


def has_consent(client: User, therapist_id: int | None, category: str) -> bool:
    """True while ``client`` shares ``category`` with the therapist ``therapist_id``.

    Only an active link counts; ``None`` (no therapist) shares nothing.
    """
    return Consent.objects.shared(client, therapist_id, category)


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


def resolve(
    viewer: User,
    client: User,
    category: str,
    access: Access = Access.READ,
    therapist_writes: bool = False,
) -> Decision:
    """THE access decision: may ``viewer`` read or write ``client``'s ``category`` data.

    Parameters
    ----------
    viewer, client : User
        Who is asking, and whose data it is.
    category : str
        One of :data:`CATEGORIES` (or :data:`PROFILE` for the profile card, read only).
    access : Access
        ``READ`` or ``WRITE``.
    therapist_writes : bool
        For ``WRITE``: whether the app lets a consenting therapist change this data.

    Returns
    -------
    Decision
        Allowed or not, with the status a refusal answers (403 or 404). Writes nothing
        to the audit log (see :func:`check_read` and :func:`record_change`).

    Examples
    --------
    >>> resolve(therapist, client, "diary").allowed  # doctest: +SKIP
    True
    """
    if category == PROFILE:
        allowed = access == Access.READ and can_read_profile(viewer, client)
    elif access == Access.READ:
        allowed = can_read(viewer, client, category)
    else:
        _check_category(category)
        allowed = can_write(viewer, client, category, therapist_writes)
    status, reason = 200, ""
    if not allowed:
        linked = client.role == Role.CLIENT and is_linked(viewer, client)
        if linked and category != PROFILE:
            status, reason = 403, "This client has not shared this part with you."
        else:
            status, reason = 404, "No such client."
    viewer_id = viewer.pk if viewer.is_authenticated else None
    return Decision(viewer_id, client.pk, category, Access(access), allowed, status, reason)


def check_read(
    viewer: User, client: User, category: str, what: str = "", audit: bool = True
) -> None:
    """Allow the read or raise; record it in the audit log when viewer is not the client.

    ``audit=False`` is for answers that show no client data beyond what the page that
    asks for them already showed and audited (a status poll).

    Raises
    ------
    PermissionDenied
        A linked therapist without the client's consent for ``category``.
    Http404
        Anyone else who may not read it.
    """
    resolve(viewer, client, category, Access.READ).enforce()
    if audit:
        record_read(viewer, client, category, what)


def check_write(
    viewer: User, client: User, category: str, therapist_writes: bool = False, what: str = ""
) -> None:
    """Allow the change or raise (403 for linked therapists, 404 for anyone else).

    Writes no audit row: a change is audited by :func:`record_change` once it has
    happened, so opening the form to make it (a GET) leaves no trace of an "edit".
    ``what`` is accepted for older callers and ignored.
    """
    resolve(viewer, client, category, Access.WRITE, therapist_writes).enforce()


def record_change(viewer: User, client: User, category: str, what: str) -> None:
    """Audit a change to ``client``'s data that has just happened (once, by others only).

    Call it after the service stored the change, never on a form's GET or on a refused
    or invalid submission.
    """
    record_write(viewer, client, category, what)


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
    resolve(request_user, client, PROFILE).enforce()
    record_read(request_user, client, PROFILE, "profile card")
    return client


def clients_sharing(therapist: User, category: str) -> QuerySet[User]:
    """The clients currently sharing ``category`` with ``therapist``."""
    _check_category(category)
    return TherapistLink.objects.clients_sharing(therapist, category)


def shares_of_therapist(therapist: User) -> dict[int, set[str]]:
    """``{client_id: categories}`` that each linked client shares with ``therapist`` now."""
    return Consent.objects.shares_of_therapist(therapist)


def therapists_shared_with(client: User, category: str) -> set[int]:
    """The ids of the therapists ``client`` shares ``category`` with now."""
    _check_category(category)
    return Consent.objects.therapist_ids(client, category)


def shares_with_anyone(client: User, category: str) -> bool:
    """True when ``client`` shares ``category`` with at least one linked therapist."""
    return bool(therapists_shared_with(client, category))


def links_of_client(client: User) -> list[TherapistLink]:
    """The client's active therapist links, with consents loaded."""
    return list(TherapistLink.objects.of_client(client))


def links_of_therapist(therapist: User) -> list[TherapistLink]:
    """The therapist's active client links, with consents loaded."""
    return list(TherapistLink.objects.of_therapist(therapist))


def active_link(client: User, therapist: User) -> TherapistLink | None:
    """The active link between these two, if any."""
    return TherapistLink.objects.between(client, therapist).first()


def active_link_by_username(client: User, therapist_username: str) -> TherapistLink | None:
    """The client's active link to the therapist with this user name, if any."""
    links = TherapistLink.objects.active().filter(
        client=client, therapist__username=therapist_username
    )
    return links.select_related("therapist").first()


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


def client_data(
    category: str, therapist_writes: bool = False, edit_form: bool = False
) -> Callable[[F], F]:
    """Shows or changes a client's data in ``category``.

    The view must pick its subject through :func:`subject_for_read` (or ``check_read``
    on an object's owner), which enforces consent and audits the read.
    ``therapist_writes=True`` declares that linked therapists with consent may also
    change it (the access-matrix test then expects that). ``edit_form=True`` declares
    that a GET shows a form to change the data: it is checked as a write and audited
    only when the change is made (the access-matrix test checks the GET writes no row).
    """
    _check_category(category)
    rule = AccessRule(
        "client_data", category=category, therapist_writes=therapist_writes, edit_form=edit_form
    )
    return _declare(rule, _login_check)


def client_profile(view: F) -> F:
    """Shows a client's profile card to the client and every linked therapist."""
    return _declare(AccessRule("client_profile", category=PROFILE), _login_check)(view)


def device_token(category: str) -> Callable[[F], F]:
    """Called by a device (a strap bridge, ``lacrima replay``) with a device token, not a
    signed-in person: the view checks the token and then :func:`resolve` for the person
    who issued it (``therapist_writes``). Without a valid token every caller gets 401.
    """
    _check_category(category)
    return _declare(AccessRule("device", category=category, therapist_writes=True), None)


def get_rule(view: Any) -> AccessRule | None:
    """The declaration attached to a view function or class-based view, if any."""
    rule = getattr(view, "lacrima_access", None)
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, "lacrima_access", None)
    return rule
