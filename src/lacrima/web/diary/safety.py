"""Safety, in one place: risk language in free text, PHQ-9 item 9, flags for therapists.

Every free text a client writes (diary notes and triggers, check-in notes, worksheet
answers, the profile note, program scenes, reminder labels, imported notes) goes through
:func:`check_texts`. A view that saved such text calls :func:`support_url` (or, when it
re-renders the page, :func:`mark_support`); the base template then shows the crisis
panel (see :func:`panel_requested`). An API answer adds :func:`api_support`.

Flags are stored whenever their data says so, whoever the client shares with; who may
see a flag is decided when it is read, from the flag's consent category and the consent
in force then (``records.dashboard.flag_category`` and :func:`lacrima.web.policy.can_read`).
So a flag raised before the client shared a category appears once they share it, and
disappears again when they stop.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import formats, timezone

from lacrima.care.phq9 import ITEM9_INDEX, OPTIONS, score_phq9
from lacrima.care.risk import find_risk_language
from lacrima.web import policy
from lacrima.web.diary.models import Flag, Phq9Response
from lacrima.web.records.dashboard import flag_category

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = [
    "CRISIS_URL",
    "SUPPORT_PARAM",
    "TextCheck",
    "api_support",
    "check_texts",
    "flag_patterns",
    "flags_for",
    "mark_posted",
    "mark_support",
    "needs_support",
    "panel_requested",
    "record_phq9",
    "shares",
    "shares_screening",
    "support_url",
]

#: A pattern flag of one kind is raised at most once in this many days.
PATTERN_FLAG_DAYS = 14
#: The query parameter that asks the next page to show the crisis panel.
SUPPORT_PARAM = "support"
#: The public crisis page (no login).
CRISIS_URL = "/crisis/"
_REQUEST_MARK = "lacrima_support"


@dataclass(frozen=True)
class TextCheck:
    """Whether free text calls for the crisis panel, and which of the texts did.

    ``fields`` names the texts with risk language (for tests and logs; never shown to
    the person, and no score is given).
    """

    show_crisis: bool
    fields: tuple[str, ...] = ()


def check_texts(texts: dict[str, str] | Iterable[str]) -> TextCheck:
    """Check every free text a client wrote for risk language (suicide, self-harm).

    Parameters
    ----------
    texts : dict or iterable of str
        The texts, by field name (a dict) or just the texts. Empty texts are skipped.

    Returns
    -------
    TextCheck
        ``show_crisis`` is True when any text holds risk language.

    Examples
    --------
    >>> check_texts({"note": "a good cry at the film", "trigger": ""}).show_crisis
    False
    """
    named = texts.items() if isinstance(texts, dict) else enumerate(texts)
    hits = tuple(
        str(name)
        for name, text in named
        if isinstance(text, str) and text.strip() and find_risk_language(text).flagged
    )
    return TextCheck(show_crisis=bool(hits), fields=hits)


def needs_support(*texts: str) -> bool:
    """True when any of the texts holds risk language: show crisis resources now."""
    return check_texts(texts).show_crisis


def support_url(url: str, *texts: str) -> str:
    """``url``, asking for the crisis panel when any of ``texts`` holds risk language."""
    if not needs_support(*texts):
        return url
    return f"{url}{'&' if '?' in url else '?'}{SUPPORT_PARAM}=1"


def mark_support(request: HttpRequest, *texts: str) -> bool:
    """Show the crisis panel on the page rendered for this request, if the texts ask.

    For a page that re-renders after a POST (e.g. a form with an error), so that what
    the person wrote is answered even when nothing was saved.
    """
    flagged = needs_support(*texts)
    if flagged:
        setattr(request, _REQUEST_MARK, True)
    return flagged


def mark_posted(request: HttpRequest, *fields: str) -> bool:
    """:func:`mark_support` for the named fields of a POSTed form (saved or not)."""
    if request.method != "POST":
        return False
    return mark_support(request, *(str(request.POST.get(f, "")) for f in fields))


def panel_requested(request: HttpRequest) -> bool:
    """Whether the page for ``request`` shows the crisis panel (clients only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_client", False):
        return False
    return bool(getattr(request, _REQUEST_MARK, False)) or (request.GET.get(SUPPORT_PARAM) == "1")


def api_support(*texts: str) -> dict[str, Any]:
    """The fields an API answer adds after storing client free text."""
    return {"show_crisis_resources": needs_support(*texts), "crisis_url": CRISIS_URL}


def shares(client: User, category: str) -> bool:
    """True when the client shares ``category`` with at least one linked therapist."""
    return policy.shares_with_anyone(client, category)


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
    """Score and store a PHQ-9; item 9 > 0 stores a flag for the client's therapists.

    The flag is stored whether or not the client shares questionnaires now: a therapist
    sees it while (and only while) the client shares ``screening`` with them.

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
    if result.item9_positive:
        flag = Flag.objects.create(
            client=client, kind=Flag.Kind.PHQ9_ITEM9, message=_item9_message(client, response)
        )
    return response, flag


def flags_for(viewer: User, client: User) -> list[Flag]:
    """The flags about ``client`` that ``viewer`` may see now.

    Each flag's category (``screening`` for item 9, ``diary`` for diary patterns) is
    checked against the consent in force at this moment, not when the flag was raised.
    """
    readable = {c for c in policy.CATEGORIES if policy.can_read(viewer, client, c)}
    if not readable:
        return []
    return [f for f in Flag.objects.filter(client=client) if flag_category(f.kind) in readable]


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
    """Store a flag for each diary pattern prompt (seen by therapists who get the diary).

    At most one flag of a kind per :data:`PATTERN_FLAG_DAYS` days, so a run of entries
    does not pile up flags. Returns the flags created now.
    """
    from lacrima.web.diary.services import patterns_for  # services imports this module

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
