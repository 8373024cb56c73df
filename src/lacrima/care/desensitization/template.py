"""A starting hierarchy for the fear of crying in front of others.

The scenes climb gradually from crying alone to letting tears come in a session, in the
spirit of Wolpe's graded hierarchies (Wolpe, 1958). The SUDS numbers are placeholders that
keep each step within 10 points of the one below: the client re-rates every item in
their own terms, and client and therapist change, add or remove scenes freely.
"""

from __future__ import annotations

from .hierarchy import Hierarchy, Item

#: (key, scene text, placeholder SUDS), lowest rung first.
FEAR_OF_CRYING_IN_FRONT_OF_OTHERS: tuple[tuple[str, str, int], ...] = (
    ("alone-eyes-wet", "At home alone and relaxed, you notice your eyes getting wet.", 5),
    ("alone-tears", "At home alone, a few tears run down your face and you let them.", 10),
    (
        "photo-trusted",
        "Alone, you let tears come while looking at a photo of someone you trust.",
        20,
    ),
    ("photo-therapist", "You let tears come while looking at a photo of your therapist.", 25),
    ("on-the-way", "On the way to a session, you feel tears coming and let your eyes fill.", 30),
    ("waiting-alone", "In the waiting room, on your own, your eyes fill with tears.", 40),
    (
        "waiting-others",
        "In the waiting room with one other person there, your eyes fill with tears.",
        45,
    ),
    (
        "tell-therapist",
        "In a session, you tell your therapist that you felt like crying this week.",
        55,
    ),
    (
        "eyes-fill-talking",
        "In a session, your eyes fill with tears while you talk, and you keep talking.",
        60,
    ),
    (
        "tear-seen",
        "In a session, a tear runs down your cheek and your therapist sees it.",
        70,
    ),
    ("say-crying", 'In a session, you say out loud "I\'m crying" and stay with it.', 80),
    (
        "tears-come",
        "In a session, you let the tears come for a while, and your therapist stays with you.",
        90,
    ),
)


def fear_of_crying_template(prefix: str = "t-") -> Hierarchy:
    """Return the starting hierarchy, with ids ``prefix + key``.

    Examples
    --------
    >>> h = fear_of_crying_template()
    >>> len(h), h.items[0].suds, h.items[-1].suds
    (12, 5, 90)
    """
    return Hierarchy(
        tuple(
            Item(prefix + key, text, suds) for key, text, suds in FEAR_OF_CRYING_IN_FRONT_OF_OTHERS
        )
    )
