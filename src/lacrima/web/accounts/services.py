"""Account operations used by views, the API and the CLI (no request objects here)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lacrima.errors import LacrimaError
from lacrima.web.accounts.models import (
    CATEGORIES,
    ApiToken,
    ClientProfile,
    Consent,
    Invitation,
    Role,
    TherapistLink,
    User,
)
from lacrima.web.audit.log import erase_subject, record_event

__all__ = [
    "AccountError",
    "InvitationError",
    "accept_invitation",
    "create_code",
    "create_invitation",
    "create_user",
    "delete_account",
    "end_link",
    "issue_token",
    "redeem_code",
    "revoke_token",
    "set_consents",
    "tokens_of",
    "user_for_token",
]

logger = logging.getLogger(__name__)
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TOKEN_PREFIX = "lac_"


class AccountError(LacrimaError):
    """An account operation was refused; the message says why and what to do."""


class InvitationError(AccountError):
    """An invitation link or code is unknown, expired or already used."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_user(username: str, password: str, role: str, **fields: str) -> User:
    """Create an account after checking the role and Django's password validators.

    Raises
    ------
    AccountError
        Unknown role, taken user name, or a password the validators refuse.
    """
    if role not in Role.values:
        raise AccountError(f"role must be one of {', '.join(Role.values)}; got {role!r}")
    if not username or len(username) > 150:
        raise AccountError("user name must be 1 to 150 characters")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"the user name {username!r} is taken; choose another")
    user = User(username=username, role=role, **fields)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("password refused: " + " ".join(exc.messages)) from exc
    user.set_password(password)
    with transaction.atomic():
        user.save()
        if role == Role.CLIENT:
            ClientProfile.objects.create(user=user)
    return user


# ------------------------------------------------------------------- links and consent


def _link(client: User, therapist: User) -> TherapistLink:
    link, created = TherapistLink.objects.get_or_create(client=client, therapist=therapist)
    if not created and not link.active:
        link.active, link.ended_at = True, None
        link.save(update_fields=["active", "ended_at"])
    record_event(client, f"linked with {therapist.display_name}", subject=client)
    return link


def set_consents(link: TherapistLink, granted: set[str] | list[str], by: User) -> list[str]:
    """Set which categories ``link.client`` shares with ``link.therapist``; effective now.

    Returns the categories whose state changed.
    """
    if by.pk != link.client_id:
        raise AccountError("only the client can change what they share")
    unknown = set(granted) - set(CATEGORIES)
    if unknown:
        raise AccountError(f"unknown categories {sorted(unknown)}; use {', '.join(CATEGORIES)}")
    changed = []
    with transaction.atomic():
        current = {c.category: c for c in link.consents.select_for_update()}
        for category in CATEGORIES:
            want = category in granted
            row = current.get(category)
            if row is None and not want:
                continue
            if row is None:
                row = Consent(link=link, category=category)
            if row.granted != want or row.pk is None:
                row.granted = want
                row.save()
                changed.append(category)
                verb = "shared" if want else "stopped sharing"
                record_event(
                    by, f"{verb} with {link.therapist.display_name}", link.client, category
                )
    return changed


def end_link(link: TherapistLink, by: User) -> None:
    """End a link (either side may); all sharing stops at once."""
    if by.pk not in (link.client_id, link.therapist_id):
        raise AccountError("only the client or the therapist can end this link")
    with transaction.atomic():
        link.consents.update(granted=False)
        link.active, link.ended_at = False, timezone.now()
        link.save(update_fields=["active", "ended_at"])
        record_event(by, "ended the link", subject=link.client)


def create_invitation(therapist: User) -> tuple[Invitation, str]:
    """A single-use link secret for a therapist to invite a client; returns (row, secret)."""
    if therapist.role != Role.THERAPIST:
        raise AccountError("only therapists can invite clients")
    secret = secrets.token_urlsafe(32)
    days = settings.LACRIMA_INVITATION_DAYS
    inv = Invitation.objects.create(
        kind=Invitation.Kind.LINK,
        created_by=therapist,
        secret_hash=_hash(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return inv, secret


def create_code(client: User) -> tuple[Invitation, str]:
    """A short single-use code a client gives a therapist; returns (row, code)."""
    if client.role != Role.CLIENT:
        raise AccountError("only clients can create a code for a therapist")
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    code = f"{raw[:4]}-{raw[4:]}"
    inv = Invitation.objects.create(
        kind=Invitation.Kind.CODE,
        created_by=client,
        secret_hash=_hash(_normalise_code(code)),
        expires_at=timezone.now() + timedelta(hours=settings.LACRIMA_CODE_HOURS),
    )
    return inv, code


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def find_invitation(secret: str, kind: str) -> Invitation:
    """The open invitation with this secret, or :class:`InvitationError` saying why not."""
    key = _normalise_code(secret) if kind == Invitation.Kind.CODE else secret
    inv = Invitation.objects.filter(secret_hash=_hash(key), kind=kind).first()
    noun = "code" if kind == Invitation.Kind.CODE else "invitation link"
    if inv is None:
        raise InvitationError(f"This {noun} is not valid. Check it, or ask for a new one.")
    if inv.used_at is not None:
        raise InvitationError(f"This {noun} has already been used. Ask for a new one.")
    if inv.expires_at <= timezone.now():
        raise InvitationError(f"This {noun} has expired. Ask for a new one.")
    return inv


def _use(inv: Invitation, user: User) -> None:
    updated = Invitation.objects.filter(pk=inv.pk, used_at__isnull=True).update(
        used_at=timezone.now(), used_by=user
    )
    if not updated:
        raise InvitationError("This invitation has already been used. Ask for a new one.")


def accept_invitation(secret: str, client: User) -> TherapistLink:
    """A client accepts a therapist's invitation link: links them, sharing nothing yet."""
    if client.role != Role.CLIENT:
        raise InvitationError("Invitation links are for clients. Sign in with a client account.")
    with transaction.atomic():
        inv = find_invitation(secret, Invitation.Kind.LINK)
        _use(inv, client)
        return _link(client, inv.created_by)


def redeem_code(code: str, therapist: User) -> TherapistLink:
    """A therapist enters a client's code: links them, sharing nothing yet."""
    if therapist.role != Role.THERAPIST:
        raise InvitationError("Codes are entered by therapists.")
    with transaction.atomic():
        inv = find_invitation(code, Invitation.Kind.CODE)
        _use(inv, therapist)
        return _link(inv.created_by, therapist)


# ------------------------------------------------------------------------------ tokens


def issue_token(user: User, name: str = "token", days: int | None = None) -> str:
    """Create a personal API token and return it; only its hash is stored.

    Parameters
    ----------
    user : User
        Whose token.
    name : str
        A label to recognise it by (at most 100 characters).
    days : int, optional
        Days until it stops working (default ``LACRIMA_TOKEN_DAYS``, at most
        ``LACRIMA_TOKEN_MAX_DAYS``).

    Raises
    ------
    AccountError
        ``days`` is outside 1 to ``LACRIMA_TOKEN_MAX_DAYS``, or the name is empty.
    """
    days = settings.LACRIMA_TOKEN_DAYS if days is None else days
    limit = settings.LACRIMA_TOKEN_MAX_DAYS
    if not 1 <= days <= limit:
        raise AccountError(f"a token's lifetime must be 1 to {limit} days; got {days}")
    name = name.strip()
    if not name:
        raise AccountError("give the token a name, e.g. 'laptop', to recognise it later")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        name=name[:100],
        token_hash=_hash(token),
        prefix=token[:12],
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_event(user, f"created API token {token[:12]}…")
    return token


def tokens_of(user: User) -> list[ApiToken]:
    """The user's API tokens, newest first (revoked and expired ones included)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Stop one of the user's tokens at once.

    Raises
    ------
    AccountError
        No such token of this user.
    """
    row = ApiToken.objects.filter(user=user, pk=token_id).first()
    if row is None:
        raise AccountError("No such token of yours; reload the tokens page.")
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        record_event(user, f"revoked API token {row.prefix}…")
    return row


def user_for_token(token: str) -> User | None:
    """The active user owning ``token``, or None (unknown, expired, revoked).

    Notes when it was last used.
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = ApiToken.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if row is None or not row.user.is_active or not row.is_usable:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


# ---------------------------------------------------------------------------- deletion


def delete_account(user: User) -> None:
    """Erase an account and everything it owns; the audit log keeps only the deletion.

    Feature apps' rows go with it through ``on_delete=CASCADE`` foreign keys to the user.
    Sign-in records kept by the login throttle for this user name are removed too.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    username = user.username
    with transaction.atomic():
        erase_subject(user)
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username=username).delete()
        user.delete()
        record_event(None, "an account was deleted")
    logger.info("an account was deleted")
