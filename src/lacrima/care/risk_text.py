"""Normalise free text for the risk-language detector: case, spelling, txt-speak, typos.

Everything here is local and rule-based. The word lists are data, in
``data/risk_words_<lang>.txt``; this module applies them. The steps, in order:

1. lower case, Unicode compatibility form, curly apostrophes made straight;
2. masked letters inside a word removed ("s*icide" -> "sicide") and look-alike digits
   inside a word read as letters ("k1ll" -> "kill"), unless the word is a listed variant
   ("no1", "b4");
3. contractions expanded ("don't" -> "do not", "I'm" -> "i am");
4. punctuation becomes a space; runs of three or more of the same letter shortened
   ("dieee" -> "die", "sooo" -> "soo");
5. txt-speak and spelling variants replaced by whole words ("kms" -> "kill myself",
   "u" -> "you", "my self" -> "myself");
6. a misspelt *key word* is corrected when it is one edit away (two for long words)
   from a word in the key-word list, starts with the same letter and is not a listed
   ordinary English word ("sucide" -> "suicide", "cuting" -> "cutting").

The reasons for each limit are in ``docs/decisions/0013b-risk-language-generalises.md``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from lacrima.errors import CareError

__all__ = [
    "WordLists",
    "bundled_word_lists",
    "edit_distance",
    "load_word_lists",
    "normalize_words",
]

#: Shortest word that fuzzy matching may correct: shorter words have too many real
#: neighbours one edit away ("die"/"dye"/"did"); short variants are listed instead.
MIN_FUZZY_LENGTH = 5
#: Key words this long or longer may be reached with two edits, shorter ones with one.
LONG_WORD_LENGTH = 9

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "´": "'"})
_MASKED = re.compile(r"(?<=[a-z])[*#]+(?=[a-z])")
_LEET = str.maketrans({"1": "i", "3": "e", "0": "o", "@": "a", "$": "s", "4": "a"})
_LEET_WORD = re.compile(r"\b(?=[a-z0-9@$]*[a-z])(?=[a-z0-9@$]*[0-9@$])[a-z][a-z0-9@$]+\b")
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
_UNITS = frozenset({"kms", "km", "k"})
_NON_WORD = re.compile(r"[\W_]+")
_RUN3 = re.compile(r"([a-z])\1{2,}")
_RUN2 = re.compile(r"([a-z])\1+")


@dataclass(frozen=True)
class WordLists:
    """Spelling data for one language: variants, key words and protected words."""

    variants: dict[str, str]
    keywords: frozenset[str]
    protected: frozenset[str]


def load_word_lists(text: str, source: str = "words") -> WordLists:
    """Read a word-list file.

    Lines are ``map FROM -> TO WORDS`` (a variant, ``FROM`` may be two words),
    ``key WORD ...`` (key words that fuzzy matching may reach) and ``keep WORD ...``
    (ordinary words that are never corrected). ``#`` starts a comment.

    Raises
    ------
    CareError
        Naming the line that is not one of the three forms.
    """
    variants: dict[str, str] = {}
    keywords: set[str] = set()
    protected: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip().lower()
        if not line:
            continue
        kind, _, rest = line.partition(" ")
        if kind == "map" and "->" in rest:
            left, right = (part.strip() for part in rest.split("->", 1))
            if not left or not right:
                raise CareError(f"{source}:{number}: 'map' needs words on both sides of '->'")
            variants[left] = right
        elif kind == "key" and rest:
            keywords.update(rest.split())
        elif kind == "keep" and rest:
            protected.update(rest.split())
        else:
            raise CareError(
                f"{source}:{number}: expected 'map FROM -> TO', 'key WORDS' or 'keep WORDS', "
                f"got {raw.strip()!r}"
            )
    return WordLists(variants, frozenset(keywords), frozenset(protected))


@lru_cache(maxsize=4)
def bundled_word_lists(lang: str) -> WordLists:
    """The bundled word lists for ``lang`` (an empty set when the language has none)."""
    name = f"risk_words_{lang}.txt"
    try:
        text = resources.files("lacrima.care").joinpath("data", name).read_text("utf-8")
    except FileNotFoundError:
        return WordLists({}, frozenset(), frozenset())
    return load_word_lists(text, source=name)


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, swaps.

    Examples
    --------
    >>> edit_distance("sucide", "suicide"), edit_distance("myslef", "myself")
    (1, 1)
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _allowed_edits(keyword: str) -> int:
    return 2 if len(keyword) >= LONG_WORD_LENGTH else 1


@lru_cache(maxsize=8192)
def _correct(word: str, keywords: frozenset[str], protected: frozenset[str]) -> str:
    if word in keywords or word in protected or len(word) < MIN_FUZZY_LENGTH:
        return word
    best, best_distance = word, 3
    for keyword in sorted(keywords):
        limit = _allowed_edits(keyword)
        if keyword[0] != word[0] or abs(len(keyword) - len(word)) > limit:
            continue
        distance = edit_distance(word, keyword)
        if distance <= limit and distance < best_distance:
            best, best_distance = keyword, distance
    return best


def _shorten_runs(word: str, lists: WordLists) -> str:
    if not _RUN3.search(word):
        return word
    two = _RUN3.sub(r"\1\1", word)
    one = _RUN2.sub(r"\1", word)
    for candidate in (two, one):
        if candidate in lists.keywords or candidate in lists.variants:
            return candidate
    return two


def normalize_words(text: str, lists: WordLists, *, correct: bool = True) -> list[str]:
    """The words of ``text`` after the steps in the module docstring.

    Parameters
    ----------
    text : str
        Free text as a person wrote it.
    lists : WordLists
        Variants, key words and protected words (see :func:`load_word_lists`).
    correct : bool
        Apply steps 5 and 6 (variants and fuzzy correction); False gives plain words.
    """
    text = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    text = _MASKED.sub("", text)
    text = _LEET_WORD.sub(
        lambda m: m.group() if m.group() in lists.variants else m.group().translate(_LEET), text
    )
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    words = [_shorten_runs(w, lists) for w in _NON_WORD.sub(" ", text).split()]
    if not correct:
        return words
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = f"{words[i]} {words[i + 1]}" if i + 1 < len(words) else ""
        if pair in lists.variants:
            out.extend(lists.variants[pair].split())
            i += 2
            continue
        word = words[i]
        if word in _UNITS and out and out[-1].isdigit():
            out.append(word)  # "10 kms" is a distance, not "kill myself"
            i += 1
            continue
        listed = lists.variants.get(word)
        if listed is None:
            corrected = _correct(word, lists.keywords, lists.protected)
            listed = lists.variants.get(corrected, corrected)
        out.extend(listed.split())
        i += 1
    return out
