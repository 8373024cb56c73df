"""Reflection worksheets on learned beliefs about crying (Lacrima's own wording).

Each worksheet is a few open questions; answers are saved as a dated set. There are no
right answers and nothing is scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lacrima.errors import CareError

__all__ = ["MAX_ANSWER_CHARS", "WORKSHEETS", "Question", "Worksheet", "clean_answers"]

MAX_ANSWER_CHARS = 5_000


@dataclass(frozen=True)
class Question:
    """One open question; ``hint`` is a gentle example shown under it."""

    key: str
    text: str
    hint: str = ""


@dataclass(frozen=True)
class Worksheet:
    """A titled set of questions."""

    slug: str
    title: str
    intro: str
    questions: tuple[Question, ...]
    #: Shown before the questions when a worksheet may bring up painful memories.
    care_note: str = ""


WORKSHEETS: dict[str, Worksheet] = {
    ws.slug: ws
    for ws in (
        Worksheet(
            slug="growing-up",
            title="What I learned about tears growing up",
            intro=(
                "Most of us picked up ideas about crying long before we could question them. "
                "Write as much or as little as you like; you can skip any question."
            ),
            care_note=(
                "Memories from childhood can bring up pain, sometimes more than expected. "
                "You can stop at any point and come back another day, or choose \u201cnot "
                "now\u201d. It can help to go through this with your therapist. If it "
                "becomes too much, the crisis lines are one tap away."
            ),
            questions=(
                Question(
                    "first_memory",
                    "Think of a time as a child when you cried in front of someone. "
                    "Who was there, and how did they respond?",
                    "For example: a parent, a teacher, a brother or sister, other children.",
                ),
                Question(
                    "lesson",
                    "What did you take away from that about crying?",
                    "For example: that it was safe, that it made things worse, that it "
                    "should happen in private.",
                ),
                Question(
                    "sayings",
                    "Were there things people around you said about tears? Write any you "
                    "remember, in their words.",
                ),
                Question(
                    "today",
                    "Which of those ideas still feels true to you today, and which less so?",
                ),
            ),
        ),
        Worksheet(
            slug="crying-in-session",
            title="Imagining tears in a session",
            intro=(
                "This one is about crying with your therapist. Imagining it is not the same "
                "as doing it, and you never have to."
            ),
            questions=(
                Question(
                    "imagine",
                    "Picture tears coming during a session. What do you imagine would happen "
                    "next, in you and in your therapist?",
                ),
                Question(
                    "fear",
                    "What is the hardest part of that picture?",
                ),
                Question(
                    "needed",
                    "What would make it a little easier, if it ever happened?",
                    "For example: a pause, tissues within reach, knowing the time left.",
                ),
            ),
        ),
        Worksheet(
            slug="gains-and-costs",
            title="What holding back has given me, and what it has cost",
            intro=(
                "Holding back tears is often a skill that once helped. This worksheet looks "
                "at both sides without judging either."
            ),
            questions=(
                Question(
                    "gains_of_holding_back",
                    "What has not crying given you or protected you from?",
                ),
                Question(
                    "costs_of_holding_back",
                    "What, if anything, has holding back cost you?",
                ),
                Question(
                    "gains_of_crying",
                    "If tears came more easily when you needed them, what might you gain?",
                ),
                Question(
                    "keep",
                    "Is there anything about how you handle tears now that you want to keep?",
                ),
            ),
        ),
    )
}


def clean_answers(worksheet: Worksheet, answers: Mapping[str, str]) -> dict[str, str]:
    """Keep the answers to this worksheet's questions, stripped; check their length.

    Raises
    ------
    CareError
        If an answer is longer than :data:`MAX_ANSWER_CHARS`, or every answer is empty.
    """
    clean = {}
    for q in worksheet.questions:
        text = (answers.get(q.key) or "").strip()
        if len(text) > MAX_ANSWER_CHARS:
            raise CareError(
                f"the answer to {q.key!r} is {len(text)} characters; the limit is "
                f"{MAX_ANSWER_CHARS}"
            )
        clean[q.key] = text
    if not any(clean.values()):
        raise CareError("all answers are empty; write something in at least one box")
    return clean
