"""Demo data: a demo therapist, a demo client (linked, sharing some categories), a demo
admin, plus whatever feature apps register with :func:`lacrima.web.registry.register_demo`.

Idempotent: running it again resets the demo passwords and adds only what is missing.
Never load it on a server with real clients: the demo password is public.
"""

from __future__ import annotations

import logging

from django.db import transaction

from lacrima.errors import LacrimaError
from lacrima.web import registry
from lacrima.web.accounts.models import ClientProfile, Consent, Role, TherapistLink, User

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "load_demo"]

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "demo-only-not-secret"
# role -> (username, first name, last name)
DEMO_USERS = {
    "therapist": ("demo_therapist", "Robin", "Demo (therapist)"),
    "client": ("demo_client", "Sam", "Demo (client)"),
    "admin": ("demo_admin", "Alex", "Demo (admin)"),
}
DEMO_CONSENTS = ("diary", "checkins", "program", "sessions")
DEMO_NOTE = (
    "This is a demo account. I tend to hold back tears when others are around, and I'd "
    "like to understand when crying helps me and when it doesn't."
)


def _demo_user(role: str) -> User:
    username, first, last = DEMO_USERS[role]
    user, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "first_name": first, "last_name": last}
    )
    if user.role != role:
        raise LacrimaError(
            f"the user {username!r} exists with role {user.role!r}, not {role!r}; "
            "rename or delete it before loading the demo"
        )
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    user.save()
    return user


def load_demo() -> dict[str, User]:
    """Create or refresh the demo accounts and data; returns them by role."""
    with transaction.atomic():
        users = {role: _demo_user(role) for role in DEMO_USERS}
        client, therapist = users["client"], users["therapist"]
        profile, created = ClientProfile.objects.get_or_create(user=client)
        if created or not profile.note:
            profile.note = DEMO_NOTE
            profile.save()
        link, created = TherapistLink.objects.get_or_create(client=client, therapist=therapist)
        if created:
            for category in DEMO_CONSENTS:
                Consent.objects.create(link=link, category=category, granted=True)
        elif not link.active:
            link.active, link.ended_at = True, None
            link.save(update_fields=["active", "ended_at"])
        for loader in registry.demo_loaders():
            loader(users)
    logger.info("demo data loaded (%d extra loaders)", len(registry.demo_loaders()))
    return users


def describe() -> list[tuple[str, str, str]]:
    """``(role label, username, password)`` for printing."""
    labels = {Role.THERAPIST: "therapist", Role.CLIENT: "client", Role.ADMIN: "admin"}
    return [(labels[Role(r)], DEMO_USERS[r][0], DEMO_PASSWORD) for r in DEMO_USERS]
