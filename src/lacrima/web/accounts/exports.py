"""The accounts app's tables in a client's export (registered on app start)."""

from __future__ import annotations

from typing import Any

from lacrima.web import registry
from lacrima.web.accounts.models import ClientProfile, Consent, TherapistLink, User
from lacrima.web.audit.log import entries_about
from lacrima.web.registry import iso_or_none


def export_account(user: User) -> list[dict[str, Any]]:
    """The account itself (no password hash)."""
    note = ClientProfile.objects.filter(user=user).values_list("note", flat=True).first()
    return [
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "role": user.role,
            "date_joined": iso_or_none(user.date_joined),
            "note_for_therapists": note or "",
        }
    ]


def export_therapists(user: User) -> list[dict[str, Any]]:
    """Every therapist link of this client."""
    links = TherapistLink.objects.filter(client=user).select_related("therapist")
    return [
        {
            "therapist": link.therapist.display_name,
            "active": link.active,
            "since": iso_or_none(link.created_at),
            "ended_at": iso_or_none(link.ended_at),
        }
        for link in links
    ]


def export_consents(user: User) -> list[dict[str, Any]]:
    """What this client shares with whom."""
    rows = Consent.objects.filter(link__client=user).select_related("link__therapist")
    return [
        {
            "therapist": c.link.therapist.display_name,
            "category": c.category,
            "granted": c.granted,
            "updated_at": iso_or_none(c.updated_at),
        }
        for c in rows
    ]


def export_access_log(user: User) -> list[dict[str, Any]]:
    """Who looked at what of this client's data, and when."""
    return [
        {"at": iso_or_none(e.at), "who": e.actor_name, "category": e.category, "what": e.what}
        for e in entries_about(user)
    ]


registry.register_export("account", export_account)
registry.register_export("therapists", export_therapists)
registry.register_export("consents", export_consents)
registry.register_export("access_log", export_access_log)
