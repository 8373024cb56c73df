"""Find risk language (suicide, self-harm) in free text, so crisis resources show at once.

The phrases are data, in ``data/risk_phrases_<lang>.txt``; this module only normalises
text and matches. The detector is tuned for recall: a false alarm costs a person a
glance at a list of helplines, a miss could cost far more. It gives no score and no
judgement; the only output is "show the crisis resources" and which phrases matched
(for tests and audit, never shown to the person).

Phrase-file grammar (one pattern per line, ``#`` starts a comment):

* words match whole words of the normalised text (lower case, contractions expanded:
  "don't" becomes "do not", "can't" becomes "can not"; punctuation becomes a space);
* ``word*`` matches any word that starts with ``word``;
* ``a|b`` matches either word;
* ``~`` stands for up to 3 other words, ``~N`` for up to N;
* a line starting with ``!`` is an everyday phrase ("dying to see", "killing myself
  laughing") whose words are removed before the risk patterns are tried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lacrima.errors import CareError

__all__ = ["PhraseSet", "RiskCheck", "find_risk_language", "load_phrases", "normalize_text"]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_CONTRACTIONS = (
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"'s\b"), ""),
)
_BARE = {
    "cant": "can not",
    "cannot": "can not",
    "dont": "do not",
    "didnt": "did not",
    "doesnt": "does not",
    "isnt": "is not",
    "wasnt": "was not",
    "havent": "have not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "im": "i am",
    "ive": "i have",
    "wanna": "want to",
    "gonna": "going to",
}
_NON_WORD = re.compile(r"[\W_]+")
_DEFAULT_GAP = 3


def normalize_text(text: str) -> str:
    """Lower-case, expand contractions and reduce ``text`` to words separated by one space.

    Examples
    --------
    >>> normalize_text("I DON'T want to be here—anymore.")
    'i do not want to be here anymore'
    """
    text = text.lower().translate(_APOSTROPHES)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(_BARE.get(w, w) for w in words)


def _compile(line: str, source: str, number: int) -> re.Pattern[str]:
    tokens = line.lower().split()
    parts: list[str] = []
    pending_gap: int | None = None
    for token in tokens:
        if token.startswith("~"):
            if not parts or pending_gap is not None:
                raise CareError(f"{source}:{number}: '~' must stand between two words")
            try:
                pending_gap = int(token[1:]) if len(token) > 1 else _DEFAULT_GAP
            except ValueError:
                raise CareError(f"{source}:{number}: '{token}' is not ~ or ~N") from None
            continue
        alternatives = []
        for alt in token.split("|"):
            word = alt.rstrip("*")
            if not word or not re.fullmatch(r"[a-z0-9]+", word):
                raise CareError(
                    f"{source}:{number}: '{alt}' is not a plain word (letters and digits, "
                    "optionally ending in *)"
                )
            alternatives.append(re.escape(word) + (r"\w*" if alt.endswith("*") else ""))
        alternation = "(?:" + "|".join(alternatives) + ")"
        if parts:
            gap = "" if pending_gap is None else rf"(?:\S+ ){{0,{pending_gap}}}"
            parts.append(" " + gap + alternation)
        else:
            parts.append(alternation)
        pending_gap = None
    if not parts or pending_gap is not None:
        raise CareError(f"{source}:{number}: a pattern must start and end with a word")
    return re.compile(r"(?<!\S)" + "".join(parts) + r"(?!\S)")


@dataclass(frozen=True)
class PhraseSet:
    """Compiled risk patterns and everyday exceptions, with their source lines."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    exceptions: tuple[tuple[str, re.Pattern[str]], ...]


@dataclass(frozen=True)
class RiskCheck:
    """Result of :func:`find_risk_language`: whether to show crisis resources, and why."""

    flagged: bool
    phrases: tuple[str, ...]


def load_phrases(text: str, source: str = "phrases") -> PhraseSet:
    """Compile a phrase file's text (see the module docstring for the grammar).

    Raises
    ------
    CareError
        Naming the line of a malformed pattern, or if there are no risk patterns at all.
    """
    patterns, exceptions = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("!"):
            body = line[1:].strip()
            exceptions.append((body, _compile(body, source, number)))
        else:
            patterns.append((line, _compile(line, source, number)))
    if not patterns:
        raise CareError(f"{source}: no risk patterns found")
    return PhraseSet(patterns=tuple(patterns), exceptions=tuple(exceptions))


@lru_cache(maxsize=4)
def _bundled(lang: str) -> PhraseSet:
    name = f"risk_phrases_{lang}.txt"
    try:
        text = resources.files("lacrima.care").joinpath("data", name).read_text("utf-8")
    except FileNotFoundError:
        available = sorted(
            p.name for p in Path(str(resources.files("lacrima.care") / "data")).glob("risk_*")
        )
        raise CareError(f"no risk phrase list {name!r}; available: {available}") from None
    return load_phrases(text, source=name)


def find_risk_language(text: str, lang: str = "en", phrases: PhraseSet | None = None) -> RiskCheck:
    """Check free text for language about suicide or self-harm.

    Parameters
    ----------
    text : str
        Any free text a person wrote (diary note, worksheet answer, check-in note).
    lang : str
        Which bundled phrase list to use; ignored when ``phrases`` is given.
    phrases : PhraseSet, optional
        A compiled list (for tests); the bundled list by default.

    Returns
    -------
    RiskCheck
        ``flagged`` is True when any pattern matched: show crisis resources now.

    Examples
    --------
    >>> find_risk_language("I keep thinking about ending my life").flagged
    True
    >>> find_risk_language("I was dying to see the film and cried at the end").flagged
    False
    """
    compiled = phrases or _bundled(lang)
    normal = normalize_text(text)
    for _, pattern in compiled.exceptions:
        normal = pattern.sub(" , ", normal)
    hits = tuple(source for source, pattern in compiled.patterns if pattern.search(normal))
    return RiskCheck(flagged=bool(hits), phrases=hits)
