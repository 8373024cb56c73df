"""A plain-language reading of the catharsis analytics that never overstates.

Rules the sentences follow: say how many entries a number rests on; give the interval
in words; below :data:`SMALL_SAMPLE` entries say plainly that it is a first impression;
describe association, never cause; never promise that crying helps.
"""

from __future__ import annotations

from lacrima.care.catharsis import REFERENCES, CatharsisSummary

__all__ = ["MIN_GROUP", "SMALL_SAMPLE", "describe"]

#: Below this many entries a share or correlation is called "a first impression".
SMALL_SAMPLE = 10
#: Groups (e.g. "with several people") smaller than this are flagged as too small to compare.
MIN_GROUP = 5


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _cries(n: int) -> str:
    return "1 cry" if n == 1 else f"{n} cries"


def _improved_sentences(s: CatharsisSummary) -> list[str]:
    p = s.improved
    if p.n == 0:
        return [
            f"None of your {_cries(s.n_cried)} has both a mood before and after, or an answer "
            "to how you felt afterwards, so there is nothing to compare yet. Adding either "
            "lets this page show your own pattern."
        ]
    verb = "was" if p.k == 1 else "were"
    out = [
        f"Of the {_cries(p.n)} where you noted how you felt afterwards, {p.k} {verb} "
        f"followed by a better mood ({_pct(p.k / p.n)})."
    ]
    if p.interval is not None:
        out.append(
            f"Allowing for chance, the share for you could plausibly be anywhere from "
            f"{_pct(p.interval.low)} to {_pct(p.interval.high)} "
            f"(a {_pct(p.interval.confidence)} interval)."
        )
    if p.n < SMALL_SAMPLE:
        out.append(
            "That rests on very few entries, so it can shift a lot with each new one. "
            "Treat it as a first impression, not a pattern."
        )
    elif p.interval is not None:
        ref = REFERENCES[0]
        third = ref.share_improved or 1 / 3
        if p.interval.low > third:
            where = "more often than"
        elif p.interval.high < third:
            where = "less often than"
        else:
            where = "in line with"
        out.append(
            f"That is {where} a published diary study, where mood improved after about a "
            f"third of cries ({ref.source})."
        )
    out.append(
        "In that study most cries were followed by no change in mood, so a cry that brings "
        "no relief is nothing unusual."
    )
    return out


def _intensity_sentences(s: CatharsisSummary) -> list[str]:
    c = s.intensity_vs_change
    if c.n < 3 or c.rho is None:
        if c.n == 0:
            return []
        return [
            "Too few cries have an intensity and both mood ratings (or they are all the same) "
            "to look at how intensity and mood change go together."
        ]
    if c.interval is None:
        return [
            f"With {_cries(c.n)} that have an intensity and both mood ratings, it is too early "
            "to say whether intensity and mood change go together."
        ]
    numbers = (
        f"(rank correlation {c.rho:.2f}; interval {c.interval.low:.2f} to {c.interval.high:.2f}, "
        f"from {_cries(c.n)})"
    )
    if c.interval.low <= 0 <= c.interval.high:
        out = [
            "So far there is no clear link between how intense a cry was and how your mood "
            f"changed {numbers}."
        ]
    else:
        direction = "a bigger rise in mood" if c.rho > 0 else "a smaller rise, or a fall, in mood"
        out = [
            f"In your diary, more intense cries have tended to go with {direction} {numbers}. "
            "This shows two things going together, not that one causes the other."
        ]
    if c.n < SMALL_SAMPLE:
        out.append("With so few entries this may well change.")
    return out


def describe(s: CatharsisSummary) -> list[str]:
    """Return the plain-language reading of a summary, one sentence group per item.

    Examples
    --------
    >>> from lacrima.care.catharsis import summarize
    >>> describe(summarize([]))[0].startswith("Your diary is empty")
    True
    """
    if s.n_episodes == 0:
        return [
            "Your diary is empty so far. When you log a cry, this page shows what you noted, "
            "in your own numbers."
        ]
    out: list[str] = []
    if s.n_could_not_cry:
        when = "Once" if s.n_could_not_cry == 1 else f"{s.n_could_not_cry} times"
        out.append(
            f"{when} you noted that you wanted to cry but couldn't. That is not a failure, "
            "and there is no need to force tears."
        )
    if s.n_cried == 0:
        return out
    out.extend(_improved_sentences(s))
    out.extend(_intensity_sentences(s))
    groups = s.by_company + s.by_reaction + s.by_emotion + s.by_held_back
    if any(g.n < MIN_GROUP for g in groups):
        out.append(
            f"In the tables below, groups with fewer than {MIN_GROUP} cries are shown for "
            "completeness but are too small to compare with each other."
        )
    return out
