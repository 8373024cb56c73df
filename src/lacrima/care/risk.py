"""Find risk language (suicide, self-harm) in free text, so crisis resources show at once.

The rules are data, in ``data/risk_phrases_<lang>.txt``, grouped in *families* (named
suicide, ending it, wish to be dead, burden, hopelessness, plan or means, farewell,
self-harm, fear of one's own acts);
spelling data is in ``data/risk_words_<lang>.txt``. This module normalises the text
(:mod:`lacrima.care.risk_text`: case, apostrophes, repeated letters, txt-speak, fuzzy
correction of misspelt key words) and matches. The detector is tuned for recall: a false
alarm costs a person a glance at a list of helplines, a miss could cost far more. It gives
no score and no judgement; the only output is "show the crisis resources" and which rules
and families matched (for the clinician-facing explanation, tests and audit).

Phrase-file grammar (one rule per line, ``#`` starts a comment):

* ``@ id: label`` starts a family; the rules below it belong to it;
* words match whole words of the normalised text;
* ``word*`` matches any word that starts with ``word``; ``a|b`` matches either word;
  ``a_b`` is the two words "a b" (so ``for_good|forever`` offers a two-word alternative);
* ``~`` stands for up to 3 other words, ``~N`` for up to N;
* ``-a|b`` after a word: the next word is not ``a`` or ``b`` (nor the start of a
  two-word ``a_b``), so ``to cut -the|my_hair`` leaves "to cut the cake" alone;
* ``@num`` stands for a count of ten or more ("30", "sixty", "dozens");
* ``&N A & B`` matches when every part (each a pattern as above) occurs within a window
  of N words, in any order ("gave my things away" and "gave away my things");
* a line starting with ``!`` is an everyday phrase ("dying to see", "killing myself
  laughing") whose words are removed before the risk patterns are tried.

Reasons for every limit: ``docs/decisions/0013b-risk-language-generalises.md``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lacrima.care.risk_text import WordLists, bundled_word_lists, normalize_words
from lacrima.errors import CareError

__all__ = [
    "PhraseSet",
    "RiskCheck",
    "RiskMatch",
    "Rule",
    "find_risk_language",
    "load_phrases",
    "normalize_text",
]

_DEFAULT_GAP = 3
_DEFAULT_FAMILY = ("risk", "risk language")
_FAMILY = re.compile(r"@\s*([a-z][a-z0-9_]*)\s*:\s*(.+)")
_WINDOW = re.compile(r"&(\d+)\s+(.+)")
#: ``@num`` in a rule: a count of ten or more, in digits or words ("30 tablets", "sixty")
_NUMBER = r"(?:[1-9]\d+|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen)\w*)"


def normalize_text(text: str, lang: str = "en") -> str:
    """Normalise ``text`` the way the detector sees it: words separated by one space.

    Lower case, contractions expanded, punctuation removed, repeated letters shortened,
    txt-speak spelt out and misspelt key words corrected (see :mod:`lacrima.care.risk_text`).

    Examples
    --------
    >>> normalize_text("I DON'T want to be here—anymore.")
    'i do not want to be here anymore'
    >>> normalize_text("honestly i wanna kms, sucide is all i think about")
    'honestly i want to kill myself suicide is all i think about'
    """
    return " ".join(normalize_words(text, bundled_word_lists(lang)))


def _alternation(token: str, source: str, number: int) -> str:
    alternatives = []
    for alt in token.split("|"):
        pieces = []
        for word_alt in alt.split("_"):
            if word_alt == "@num":
                pieces.append(_NUMBER)
                continue
            word = word_alt.rstrip("*")
            if not word or not re.fullmatch(r"[a-z0-9]+", word):
                raise CareError(
                    f"{source}:{number}: '{alt}' is not a plain word (letters and digits, "
                    "optionally ending in *, words joined by _)"
                )
            pieces.append(re.escape(word) + (r"\w*" if word_alt.endswith("*") else ""))
        alternatives.append(" ".join(pieces))
    return "|".join(alternatives)


def _compile(line: str, source: str, number: int) -> re.Pattern[str]:
    tokens = line.lower().split()
    parts: list[str] = []
    pending_gap: int | None = None
    for token in tokens:
        if token.startswith("-"):
            if not parts or pending_gap is not None:
                raise CareError(f"{source}:{number}: '-' must follow a word")
            parts.append(rf"(?! (?:{_alternation(token[1:], source, number)})(?!\S))")
            continue
        if token.startswith("~"):
            if not parts or pending_gap is not None:
                raise CareError(f"{source}:{number}: '~' must stand between two words")
            try:
                pending_gap = int(token[1:]) if len(token) > 1 else _DEFAULT_GAP
            except ValueError:
                raise CareError(f"{source}:{number}: '{token}' is not ~ or ~N") from None
            continue
        alternation = "(?:" + _alternation(token, source, number) + ")"
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
class Rule:
    """One compiled rule: its source line, its family, and its pattern(s).

    A rule with one pattern matches in order; a rule with several (``&N``) matches when
    each occurs within ``window`` words of the others, in any order.
    """

    source: str
    family: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    window: int = 0

    def matches(self, normal: str, word_starts: list[int] | None = None) -> bool:
        """True when this rule matches the normalised text ``normal``.

        ``word_starts`` (the character offset where each word starts) may be passed
        when many rules are tried on one text, so it is computed once.
        """
        if len(self.patterns) == 1:
            return self.patterns[0].search(normal) is not None
        if word_starts is None:
            word_starts = _word_starts(normal)
        spans: list[list[tuple[int, int]]] = []
        for pattern in self.patterns:
            found = [
                (
                    bisect.bisect_right(word_starts, m.start()) - 1,
                    bisect.bisect_right(word_starts, max(m.end() - 1, m.start())) - 1,
                )
                for m in pattern.finditer(normal)
            ]
            if not found:
                return False
            spans.append(found)
        # the leftmost part of a match starts at some ``first``; every other part then
        # needs one occurrence inside [first, first + window - 1]
        for anchor in spans:
            for first, end in anchor:
                last = first + self.window - 1
                if end <= last and all(_inside(other, first, last) for other in spans):
                    return True
        return False


def _word_starts(normal: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(" ", normal)]


def _inside(found: list[tuple[int, int]], first: int, last: int) -> bool:
    i = bisect.bisect_left(found, (first, -1))
    while i < len(found) and found[i][0] <= last:
        if found[i][1] <= last:
            return True
        i += 1
    return False


@dataclass(frozen=True)
class PhraseSet:
    """Compiled risk rules and everyday exceptions, with their source lines."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    exceptions: tuple[tuple[str, re.Pattern[str]], ...]
    rules: tuple[Rule, ...] = ()
    families: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RiskMatch:
    """One rule that matched: the family (``id`` and clinician-facing label) and the rule."""

    family: str
    label: str
    rule: str


@dataclass(frozen=True)
class RiskCheck:
    """Result of :func:`find_risk_language`: whether to show crisis resources, and why.

    ``phrases`` are the matched rules' source lines; ``families`` the ids of the matched
    families, in file order; ``matches`` one :class:`RiskMatch` per matched rule. There
    is never a score.
    """

    flagged: bool
    phrases: tuple[str, ...]
    matches: tuple[RiskMatch, ...] = ()

    @property
    def families(self) -> tuple[str, ...]:
        """Ids of the matched families, each once, in the order of the phrase file."""
        return tuple(dict.fromkeys(m.family for m in self.matches))

    @property
    def explanation(self) -> str:
        """A clinician-facing line: which kinds of language matched ("" when none)."""
        labels = dict.fromkeys(m.label for m in self.matches)
        return "; ".join(labels)


def load_phrases(text: str, source: str = "phrases") -> PhraseSet:
    """Compile a phrase file's text (see the module docstring for the grammar).

    Raises
    ------
    CareError
        Naming the line of a malformed pattern, or if there are no risk patterns at all.
    """
    rules: list[Rule] = []
    exceptions = []
    families: dict[str, str] = {}
    family, label = _DEFAULT_FAMILY
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("@"):
            found = _FAMILY.fullmatch(line)
            if not found:
                raise CareError(f"{source}:{number}: a family line reads '@ id: label'")
            family, label = found.group(1), found.group(2).strip()
            families[family] = label
        elif line.startswith("!"):
            body = line[1:].strip()
            exceptions.append((body, _compile(body, source, number)))
        elif line.startswith("&"):
            found = _WINDOW.fullmatch(line)
            parts = [p.strip() for p in found.group(2).split("&")] if found else []
            if not found or len(parts) < 2 or not all(parts):
                raise CareError(f"{source}:{number}: a window rule reads '&N part & part'")
            window = int(found.group(1))
            compiled = tuple(_compile(p, source, number) for p in parts)
            rules.append(Rule(line, family, label, compiled, window))
        else:
            rules.append(Rule(line, family, label, (_compile(line, source, number),)))
    if not rules:
        raise CareError(f"{source}: no risk patterns found")
    return PhraseSet(
        patterns=tuple((r.source, r.patterns[0]) for r in rules),
        exceptions=tuple(exceptions),
        rules=tuple(rules),
        families=tuple(families.items()),
    )


@lru_cache(maxsize=4)
def _bundled(lang: str) -> PhraseSet:
    name = f"risk_phrases_{lang}.txt"
    try:
        text = resources.files("lacrima.care").joinpath("data", name).read_text("utf-8")
    except FileNotFoundError:
        available = sorted(
            p.name
            for p in Path(str(resources.files("lacrima.care") / "data")).glob("risk_phrases_*")
        )
        raise CareError(f"no risk phrase list {name!r}; available: {available}") from None
    return load_phrases(text, source=name)


def find_risk_language(
    text: str,
    lang: str = "en",
    phrases: PhraseSet | None = None,
    words: WordLists | None = None,
) -> RiskCheck:
    """Check free text for language about suicide or self-harm.

    Parameters
    ----------
    text : str
        Any free text a person wrote (diary note, worksheet answer, check-in note).
    lang : str
        Which bundled phrase and word lists to use; ignored for a list given directly.
    phrases : PhraseSet, optional
        A compiled rule list (for tests); the bundled list by default.
    words : WordLists, optional
        Spelling data (variants, key words); the bundled lists by default.

    Returns
    -------
    RiskCheck
        ``flagged`` is True when any rule matched: show crisis resources now.
        ``families`` and ``explanation`` say which kinds of language matched.

    Raises
    ------
    CareError
        If there is no bundled phrase list for ``lang``.

    Examples
    --------
    >>> find_risk_language("I keep thinking about ending my life").flagged
    True
    >>> find_risk_language("ive been cuting my arms again").families
    ('self_harm',)
    >>> find_risk_language("I was dying to see the film and cried at the end").flagged
    False
    """
    compiled = phrases or _bundled(lang)
    lists = words if words is not None else bundled_word_lists(lang)
    normal = " ".join(normalize_words(text, lists))
    for _, pattern in compiled.exceptions:
        normal = pattern.sub(",", normal)
    rules = compiled.rules or tuple(
        Rule(src, *_DEFAULT_FAMILY, (pat,)) for src, pat in compiled.patterns
    )
    starts = _word_starts(normal)
    hits = tuple(
        RiskMatch(rule.family, rule.label, rule.source)
        for rule in rules
        if rule.matches(normal, starts)
    )
    return RiskCheck(flagged=bool(hits), phrases=tuple(h.rule for h in hits), matches=hits)
