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


# --- generalisation (issue 13): frozen set, development set, what the rules do -------

FROZEN = DATA / "risk_frozen"
FROZEN_2 = DATA / "risk_frozen_2"
DEV = DATA / "risk_dev"
DEV_2 = DATA / "risk_dev_2"
#: Numbers and protocol: docs/decisions/0013b-risk-language-generalises.md. Each gate is
#: the measured value with a 2-point margin, so a change that loses ground fails here.
#:
#: ``risk_frozen`` (set 1) was held out in round 1 (133/178 = 74.7 % recall, 11/156 =
#: 7.1 % false alarms). Its misses were then read and tuned on in round 2, so it is now
#: a development set: 178/178 and 0/156 after round 2.
SET1_MIN_RECALL = 0.98
SET1_MAX_FALSE_ALARM = 0.02
#: ``risk_dev``: written by the round-1 tuning helper; 166/166 and 1/169 after round 2.
DEV_MIN_RECALL = 0.98
DEV_MAX_FALSE_ALARM = 0.026
#: ``risk_dev_2``: probes written in batches by the round-2 tuning helper while tuning
#: (in-sample): 600/607 and 11/356.
DEV2_MIN_RECALL = 0.968
DEV2_MAX_FALSE_ALARM = 0.051
#: ``risk_frozen_2`` (set 2): held out in round 2, written by a helper who read neither
#: the rules nor set 1, measured once after the round-2 rules were final. Its sentences
#: are never printed or read by hand; only these counts are checked. Measured once at
#: commit 1f88782: 157/190 = 82.6 % recall, 6/168 = 3.6 % false alarms.
SET2_MIN_RECALL = 0.806
SET2_MAX_FALSE_ALARM = 0.056


def measure(folder: Path) -> tuple[float, float, int, int]:
    def lines(name: str) -> list[str]:
        return [x.strip() for x in (folder / name).read_text("utf-8").splitlines() if x.strip()]

    positive, negative = lines("at_risk.txt"), lines("benign.txt")
    caught = sum(find_risk_language(t).flagged for t in positive)
    alarms = sum(find_risk_language(t).flagged for t in negative)
    return caught / len(positive), alarms / len(negative), len(positive), len(negative)


@pytest.mark.parametrize(
    ("folder", "min_recall", "max_false_alarm"),
    [
        (FROZEN, SET1_MIN_RECALL, SET1_MAX_FALSE_ALARM),
        (DEV, DEV_MIN_RECALL, DEV_MAX_FALSE_ALARM),
        (DEV_2, DEV2_MIN_RECALL, DEV2_MAX_FALSE_ALARM),
        (FROZEN_2, SET2_MIN_RECALL, SET2_MAX_FALSE_ALARM),
    ],
    ids=["set1-development", "dev", "dev2", "set2-held-out"],
)
def test_recall_and_false_alarms_by_set(
    folder: Path, min_recall: float, max_false_alarm: float, capsys: pytest.CaptureFixture[str]
) -> None:
    recall, false_alarm, n_pos, n_neg = measure(folder)
    assert n_pos >= 100 and n_neg >= 100  # the sets are large enough to mean something
    with capsys.disabled():  # counts only: the held-out sentences are never printed here
        sys.stdout.write(
            f"\n[risk detector] {folder.name}: recall {recall:.1%} of {n_pos}; "
            f"false alarms {false_alarm:.1%} of {n_neg}\n"
        )
    assert recall >= min_recall
    assert false_alarm <= max_false_alarm


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("want to dieee", "want to die"),
        ("honestly i wanna kms", "honestly i want to kill myself"),
        ("I ran 10 kms today", "i ran 10 kms today"),
        ("u r not a burden", "you are not a burden"),
        ("i want to k1ll my self", "i want to kill myself"),
        ("s*icide", "suicide"),
        ("I\u2019m SO tired", "i am so tired"),
        ("thinking about unaliving", "thinking about unalive"),
        ("hurt my self esteem", "hurt my self esteem"),
    ],
)
def test_normalize_spells_out_txt_speak_and_variants(raw: str, normal: str) -> None:
    if raw == "hurt my self esteem":  # "my self" joins, but the exception keeps it benign
        assert not find_risk_language(raw).flagged
        return
    assert normalize_text(raw) == normal


@pytest.mark.parametrize(
    "text",
    [
        "sucide is all i can think about",
        "feeling suicdal tonight",
        "ive been cuting my arms again",
        "i want to kil myself",
        "i want to kill myslef",
        "been stockpilling my tablets",
        "I WANT TO DIEEEE",
        "i wnat to die",
    ],
)
def test_misspellings_are_caught(text: str) -> None:
    assert find_risk_language(text).flagged, normalize_text(text)


def test_fuzzy_matching_limits() -> None:
    from lacrima.care.risk_text import edit_distance

    assert edit_distance("sucide", "suicide") == 1
    assert edit_distance("myslef", "myself") == 1  # a swap counts as one edit
    assert edit_distance("meditation", "medication") == 1
    # an ordinary word one edit from a key word is listed and never corrected
    assert normalize_text("meditation helps") == "meditation helps"
    assert normalize_text("the noise upstairs") == "the noise upstairs"
    # a short word is not corrected: "dyed" must not become a key word
    assert normalize_text("i dyed my hair") == "i dyed my hair"


@pytest.mark.parametrize(
    "text",
    [
        "Cutting myself some slack today",
        "I hurt myself laughing",
        "I'm dying to see the new season",
        "this commute is killing me",
        "dead tired after the night shift",
        "I cut myself shaving",
        "I ran 10 kms and cried at the finish",
        "watched a documentary about suicide prevention",
        "burnt myself out at work this month",
    ],
)
def test_idioms_are_not_flagged(text: str) -> None:
    check = find_risk_language(text)
    assert not check.flagged, check.phrases


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("honestly i wanna kms", "suicide_named"),
        ("thinking of unaliving tbh", "suicide_named"),
        ("i'm going to end it all", "ending_it"),
        ("i hope i don't wake up tomorrow", "wish_dead"),
        ("everyone would be better off without me", "burden"),
        ("whats the point of living", "hopeless"),
        ("been saving up my meds just in case", "plan_means"),
        ("I have a plan and I know when", "plan_means"),
        ("I've been giving my things away", "farewell"),
        ("i started giving my stuff away to friends", "farewell"),
        ("i'm done. goodbye everyone", "farewell"),
        ("relapsed on sh last night", "self_harm"),
    ],
)
def test_each_hit_names_its_family(text: str, family: str) -> None:
    check = find_risk_language(text)
    assert check.flagged
    assert family in check.families, check.matches
    assert check.explanation  # a clinician-facing line, never a score
    assert all(m.rule in check.phrases for m in check.matches)


def test_negation_still_flags() -> None:
    # recall first: a negated statement still shows resources (decision 0005, 0013b)
    assert find_risk_language("I would never kill myself, don't worry").flagged


def test_window_rules_match_in_any_order() -> None:
    phrases = load_phrases("@ fare: farewell\n&6 giv*|gave & away & my ~1 things\n")
    for text in ("gave away my things", "my things i gave away", "giving my old things away"):
        check = find_risk_language(text, phrases=phrases)
        assert check.flagged and check.families == ("fare",) and check.explanation == "farewell"
    assert not find_risk_language(
        "gave the kids all the sweets, my things stay", phrases=phrases
    ).flagged
    phrases = load_phrases("end it ~2 for_good|tonight\n")
    assert find_risk_language("end it for good", phrases=phrases).flagged
    assert not find_risk_language("end it for a while", phrases=phrases).flagged


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("@ no label\nword\n", "family line"),
        ("&4 word\n", "window rule"),
        ("&x a & b\n", "window rule"),
    ],
)
def test_malformed_families_and_windows_are_refused(text: str, match: str) -> None:
    with pytest.raises(CareError, match=match):
        load_phrases(text)


def test_malformed_word_list_is_refused() -> None:
    from lacrima.care.risk_text import load_word_lists

    with pytest.raises(CareError, match="expected 'map FROM -> TO'"):
        load_word_lists("spell kms as kill myself\n")


def test_next_word_exclusion_and_counts_in_rules() -> None:
    phrases = load_phrases("want* ~1 to cut -the|my_hair|down\n&8 pills & @num\n")
    assert find_risk_language("i want to cut so bad", phrases=phrases).flagged
    assert find_risk_language("i want to cut", phrases=phrases).flagged
    for text in ("i want to cut the cake", "want to cut my hair", "we want to cut down"):
        assert not find_risk_language(text, phrases=phrases).flagged, text
    assert find_risk_language("took 30 pills", phrases=phrases).flagged
    assert find_risk_language("i have sixty pills", phrases=phrases).flagged
    assert not find_risk_language("took 2 pills for my headache", phrases=phrases).flagged
    with pytest.raises(CareError, match="'-' must follow a word"):
        load_phrases("-the cut\n")


def test_listed_variants_with_digits_are_not_read_as_letters() -> None:
    assert normalize_text("no1 wud care b4 i go") == "no one would care before i go"
    assert normalize_text("i ran 2 kms") == "i ran 2 kms"


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("I looked at the bridge on the way home and thought about jumping", "plan_means"),
        ("i want to cut so bad right now", "self_harm"),
        ("I'm scared of what I might do tonight", "fear_of_self"),
        ("I don't trust myself tonight", "fear_of_self"),
        ("it would be so much easier if i was dead", "wish_dead"),
        ("I don't deserve to live", "wish_dead"),
        ("I attempted again on Sunday", "suicide_named"),
        ("sorted everything out for after", "farewell"),
        ("I won't be around much longer", "farewell"),
    ],
)
def test_round_two_kinds_are_caught(text: str, family: str) -> None:
    check = find_risk_language(text)
    assert family in check.families, (normalize_text(text), check.matches)


@pytest.mark.parametrize(
    "text",
    [
        "Bungee jumping off the bridge was terrifying and amazing",
        "Bought a rope ladder for the kids' treehouse",
        "My skate blades need sharpening before the competition",
        "Stockpiling tins of beans because of the storm warning",
        "This is my last entry in this notebook, starting a new one tomorrow",
        "I'm going to end it with Sam tonight, it's not working",
        "i cut my leg shaving this morning",
        "cutting the grass again, third time this month",
        "I hid my razor from my toddler",
    ],
)
def test_round_two_everyday_contexts_are_not_flagged(text: str) -> None:
    check = find_risk_language(text)
    assert not check.flagged, check.phrases
