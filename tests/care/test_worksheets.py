"""Reflection worksheets: our own wording, clean answers, limits."""

from __future__ import annotations

import pytest

from lacrima.care.worksheets import MAX_ANSWER_CHARS, WORKSHEETS, clean_answers
from lacrima.errors import CareError


def test_worksheets_cover_the_topics() -> None:
    text = " ".join(q.text for ws in WORKSHEETS.values() for q in ws.questions).lower()
    assert "as a child" in text  # what happened when you cried in front of someone
    assert "session" in text  # what you imagine would happen in a session
    assert "gain" in text and "not crying" in text  # gains of crying and of not crying
    for ws in WORKSHEETS.values():
        keys = [q.key for q in ws.questions]
        assert len(keys) == len(set(keys))


def test_clean_answers() -> None:
    ws = WORKSHEETS["growing-up"]
    answers = clean_answers(ws, {"first_memory": "  my dad laughed  ", "unknown": "x"})
    assert answers["first_memory"] == "my dad laughed"
    assert set(answers) == {q.key for q in ws.questions}


def test_limits() -> None:
    ws = WORKSHEETS["crying-in-session"]
    with pytest.raises(CareError, match="all answers are empty"):
        clean_answers(ws, {})
    with pytest.raises(CareError, match="the limit is"):
        clean_answers(ws, {"imagine": "x" * (MAX_ANSWER_CHARS + 1)})
