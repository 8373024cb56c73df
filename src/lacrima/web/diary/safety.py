"""Screening and safety: storing a PHQ-9 and raising a flag for the client's therapist.

Crisis resources are shown to the client at once by the views; this module decides
whether a clinician should also be told, and words the flag as a prompt for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import formats, timezone

from lacrima.care.phq9 import ITEM9_INDEX, OPTIONS, score_phq9
from lacrima.web import policy
from lacrima.web.diary.models import Flag, Phq9Response

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = [
    "flag_patterns",
    "flags_for",
    "record_phq9",
    "shares",
    "shares_screening",
]

#: A pattern flag of one kind is raised at most once in this many days.
PATTERN_FLAG_DAYS = 14


def shares(client: User, category: str) -> bool:
    """True when the client shares ``category`` with at least one linked therapist."""
    from lacrima.web.accounts.models import Consent

    return Consent.objects.filter(
        link__client=client, link__active=True, category=category, granted=True
    ).exists()


def shares_screening(client: User) -> bool:
    """True when the client shares the ``screening`` category with at least one therapist."""
    return shares(client, "screening")


def _item9_message(client: User, response: Phq9Response) -> str:
    answer = dict(OPTIONS)[response.answers[ITEM9_INDEX]]
    day = formats.date_format(timezone.localtime(response.created_at), "j F Y")
    return (
        f"{client.display_name} answered PHQ-9 item 9 (thoughts of being better off dead or "
        f"of self-harm) with \u201c{answer}\u201d on {day}. Please consider reviewing "
        "safety with them soon. They were shown crisis resources and told that Lacrima is "
        "not monitored in real time."
    )


@transaction.atomic
def record_phq9(
    client: User, answers: Sequence[int], difficulty: str = ""
) -> tuple[Phq9Response, Flag | None]:
    """Score and store a PHQ-9; flag item 9 > 0 to the therapist if screening is shared.

    Raises
    ------
    CareError
        If the answers are not nine values from 0 to 3 (nothing is stored then).
    """
    result = score_phq9(list(answers))
    response = Phq9Response.objects.create(
        client=client,
        answers=list(result.answers),
        difficulty=difficulty,
        total=result.total,
        band=result.band,
        item9_positive=result.item9_positive,
    )
    flag = None
    if result.item9_positive and shares_screening(client):
        flag = Flag.objects.create(
            client=client, kind=Flag.Kind.PHQ9_ITEM9, message=_item9_message(client, response)
        )
    return response, flag


def flags_for(viewer: User, client: User) -> list[Flag]:
    """The flags about ``client`` that ``viewer`` may see (owner or screening consent)."""
    if not policy.can_read(viewer, client, "screening"):
        return []
    return list(Flag.objects.filter(client=client))


def _pattern_message(client: User, key: str) -> str:
    name = client.display_name
    if key == "frequent_no_relief_low_mood":
        return (
            f"{name}'s diary shows frequent crying over the last two weeks, with no relief "
            "noted after any cry and mostly low mood. This may be worth discussing at your "
            "next contact."
        )
    return (
        f"{name} noted crying that did not match their feelings, or that they could not "
        "stop. Lacrima suggested mentioning this to a doctor; you may want to ask about it."
    )


def flag_patterns(client: User) -> list[Flag]:
    """Raise a flag for each diary pattern prompt, if the client shares their diary.

    At most one flag of a kind per :data:`PATTERN_FLAG_DAYS` days, so a run of entries
    does not pile up flags. Returns the flags created now.
    """
    from lacrima.web.diary.services import patterns_for

    if not shares(client, "diary"):
        return []
    since = timezone.now() - timedelta(days=PATTERN_FLAG_DAYS)
    created = []
    for prompt in patterns_for(client):
        kind = f"pattern_{prompt.key}"
        if Flag.objects.filter(client=client, kind=kind, created_at__gte=since).exists():
            continue
        created.append(
            Flag.objects.create(
                client=client, kind=kind, message=_pattern_message(client, prompt.key)
            )
        )
    return created
