"""Read-side helpers of the accounts app (views and API share them)."""

from __future__ import annotations

from typing import Any

from lacrima.web.accounts.models import CATEGORY_LABELS, ClientProfile, TherapistLink, User


def links_of_client(client: User) -> list[TherapistLink]:
    """The client's active therapist links, with consents loaded."""
    qs = TherapistLink.objects.filter(client=client, active=True)
    return list(qs.select_related("therapist").prefetch_related("consents").order_by("pk"))


def links_of_therapist(therapist: User) -> list[TherapistLink]:
    """The therapist's active client links, with consents loaded."""
    qs = TherapistLink.objects.filter(therapist=therapist, active=True)
    return list(qs.select_related("client").prefetch_related("consents").order_by("pk"))


def active_link_of_client(client: User, therapist_username: str) -> TherapistLink | None:
    """The client's active link to the therapist with this user name, if any."""
    return (
        TherapistLink.objects.filter(
            client=client, therapist__username=therapist_username, active=True
        )
        .select_related("therapist")
        .first()
    )


def active_link(client: User, therapist: User) -> TherapistLink | None:
    """The active link between these two, if any."""
    return TherapistLink.objects.filter(client=client, therapist=therapist, active=True).first()


def profile_card(client: User, viewer: User) -> dict[str, Any]:
    """The profile card of ``client`` as ``viewer`` sees it (access already checked)."""
    profile, _ = ClientProfile.objects.get_or_create(user=client)
    if viewer.pk == client.pk:
        shared: list[str] = []
    else:
        link = active_link(client, viewer)
        shared = link.shared_categories() if link else []
    return {
        "username": client.username,
        "display_name": client.display_name,
        "shared": shared,
        "shared_labels": [CATEGORY_LABELS[c] for c in shared],
        "note": profile.note,
    }
