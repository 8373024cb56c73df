"""Read-side helpers of the accounts app (views and API share them).

Links are looked up through :mod:`lacrima.web.policy`, the one access path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lacrima.web import policy
from lacrima.web.accounts.models import CATEGORY_LABELS, ClientProfile, User

if TYPE_CHECKING:
    from lacrima.web.accounts.models import TherapistLink


def links_of_client(client: User) -> list[TherapistLink]:
    """The client's active therapist links, with consents loaded."""
    return policy.links_of_client(client)


def links_of_therapist(therapist: User) -> list[TherapistLink]:
    """The therapist's active client links, with consents loaded."""
    return policy.links_of_therapist(therapist)


def active_link_of_client(client: User, therapist_username: str) -> TherapistLink | None:
    """The client's active link to the therapist with this user name, if any."""
    return policy.active_link_by_username(client, therapist_username)


def active_link(client: User, therapist: User) -> TherapistLink | None:
    """The active link between these two, if any."""
    return policy.active_link(client, therapist)


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
