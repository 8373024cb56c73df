"""Second factor for signing in: TOTP (an authenticator app) and single-use recovery codes.

Built on django-otp (``otp_totp`` and ``otp_static``); see
``docs/decisions/0013d-accounts-library.md``. No request handling here beyond what
django-otp needs to mark a session as verified.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacrima.errors import LacrimaError
from lacrima.web.accounts.models import User
from lacrima.web.audit.log import record_event

__all__ = [
    "Enrolment",
    "SecondFactorError",
    "confirm_enrolment",
    "disable",
    "is_enrolled",
    "is_required",
    "new_recovery_codes",
    "pending_enrolment",
    "verify",
]

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


class SecondFactorError(LacrimaError):
    """A second-factor step was refused; the message says what to do."""


@dataclass(frozen=True)
class Enrolment:
    """What the set-up page shows: the secret as text and as a QR code (SVG data URI)."""

    device_id: int
    secret_b32: str
    otpauth_url: str
    qr_data_uri: str


def is_enrolled(user: User) -> bool:
    """True when ``user`` has a confirmed authenticator."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(user: User) -> bool:
    """True when the clinic requires a second factor for ``user``'s role."""
    return bool(settings.LACRIMA_REQUIRE_2FA) and user.role in ("therapist", "admin")


def pending_enrolment(user: User) -> Enrolment:
    """The unconfirmed authenticator of ``user`` (made now if there is none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    url = device.config_url
    svg = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).to_string()
    data = base64.b64encode(svg).decode("ascii")
    return Enrolment(device.pk, secret, url, f"data:image/svg+xml;base64,{data}")


def confirm_enrolment(user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code from it; returns it and recovery codes.

    Raises
    ------
    SecondFactorError
        No set-up in progress, or the code does not match.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise SecondFactorError("Start the set-up again: no authenticator is waiting.")
    if not device.verify_token(_clean(code)):
        raise SecondFactorError(
            "That code does not match. Check the time on your phone, wait a few seconds "
            "after a wrong code, and type the 6 digits the app shows now."
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
        record_event(user, "turned on the second factor")
    return device, codes


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ``LACRIMA_RECOVERY_CODES`` new ones (shown once)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME)
        device.confirmed = True
        device.save()
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.LACRIMA_RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def verify(user: User, code: str) -> django_otp.models.Device | None:
    """The device (authenticator, or recovery codes, one used up) that accepts ``code``."""
    return django_otp.match_token(user, _clean(code))


def disable(user: User) -> None:
    """Remove the authenticator and recovery codes.

    Raises
    ------
    SecondFactorError
        The clinic requires a second factor for this role.
    """
    if is_required(user):
        raise SecondFactorError(
            "Your clinic requires a second factor for your role; set up a new one instead."
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record_event(user, "turned off the second factor")


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()[:16]
