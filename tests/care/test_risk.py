"""Risk-language detector: grammar, normalisation, recall and false alarms.

The recall and false-alarm rate on the test lists are written to the terminal (the lead
quotes them); the thresholds below are the release gate.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lacrima.care.risk import find_risk_language, load_phrases, normalize_text
from lacrima.errors import CareError

DATA = Path(__file__).parent / "data"
MIN_RECALL = 0.95
MAX_FALSE_ALARM = 0.05


def read_lines(name: str) -> list[str]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [x.strip() for x in lines if x.strip() and not x.startswith("#")]


def test_lists_are_large_and_distinct() -> None:
    positive, negative = read_lines("risk_positive.txt"), read_lines("risk_negative.txt")
    assert len(positive) >= 60 and len(negative) >= 60
    assert len(set(positive)) == len(positive) and len(set(negative)) == len(negative)
    phrase_file = Path(__file__).parents[2] / "src/lacrima/care/data/risk_phrases_en.txt"
    patterns = {
        line.strip()
        for line in phrase_file.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert not patterns & {normalize_text(p) for p in positive}  # not copies of the list


def test_recall_and_false_alarm_rate(capsys: pytest.CaptureFixture[str]) -> None:
    positive, negative = read_lines("risk_positive.txt"), read_lines("risk_negative.txt")
    missed = [t for t in positive if not find_risk_language(t).flagged]
    alarms = [t for t in negative if find_risk_language(t).flagged]
    recall = 1 - len(missed) / len(positive)
    false_alarm = len(alarms) / len(negative)
    with capsys.disabled():
        sys.stdout.write(
            f"\n[risk detector] recall {len(positive) - len(missed)}/{len(positive)} = "
            f"{recall:.1%}; false alarms {len(alarms)}/{len(negative)} = {false_alarm:.1%}\n"
        )
        for text in missed:
            sys.stdout.write(f"[risk detector] missed: {text}\n")
        for text in alarms:
            sys.stdout.write(f"[risk detector] false alarm: {text}\n")
    assert recall >= MIN_RECALL, missed
    assert false_alarm <= MAX_FALSE_ALARM, alarms


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("I DON'T want to be here—anymore.", "i do not want to be here anymore"),
        ("I can\u2019t go on", "i can not go on"),
        ("im so done, dont ask", "i am so done do not ask"),
        ("self-harm", "self harm"),
        ("I'd rather", "i would rather"),
    ],
)
def test_normalize(raw: str, normal: str) -> None:
    assert normalize_text(raw) == normal


def test_grammar_wildcards_alternatives_gaps_and_exceptions() -> None:
    phrases = load_phrases("hurt* myself\nwish* ~2 dead\n! hurt myself at\n")
    assert find_risk_language("I keep hurting myself", phrases=phrases).flagged
    assert find_risk_language("I wish I were dead", phrases=phrases).flagged
    assert not find_risk_language("I wish that all of us were dead", phrases=phrases).flagged
    assert not find_risk_language("I hurt myself at football", phrases=phrases).flagged
    check = find_risk_language("i wish i was dead", phrases=phrases)
    assert check.phrases == ("wish* ~2 dead",)


def test_matching_is_whole_word() -> None:
    phrases = load_phrases("die\n")
    assert not find_risk_language("the diet is hard", phrases=phrases).flagged
    assert not find_risk_language("studied all night", phrases=phrases).flagged
    assert find_risk_language("I could die.", phrases=phrases).flagged


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("~ word\n", "between two words"),
        ("word ~\n", "start and end with a word"),
        ("word ~x other\n", "is not ~ or ~N"),
        ("don't\n", "not a plain word"),
        ("# only a comment\n", "no risk patterns"),
    ],
)
def test_malformed_phrase_files_are_refused(text: str, match: str) -> None:
    with pytest.raises(CareError, match=match):
        load_phrases(text)


def test_unknown_language_names_the_available_lists() -> None:
    with pytest.raises(CareError, match=r"risk_phrases_en\.txt"):
        find_risk_language("hello", lang="xx")


def test_empty_and_huge_text() -> None:
    assert not find_risk_language("").flagged
    big = "an ordinary sad day and I cried. " * 6_000  # 200 KB, ten times the note limit
    assert not find_risk_language(big).flagged
    assert find_risk_language(big + " I want to die").flagged
