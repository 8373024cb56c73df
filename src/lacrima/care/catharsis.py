"""Catharsis analytics: does a person's mood change after crying, and with what?

Everything here describes one person's own diary. It never predicts and never says
that crying helps; the plain-language reading lives in :mod:`lacrima.care.reading`.

Definitions (also in ``docs/diary.md``):

* Only episodes of kind ``cried`` enter the mood analytics; "wanted to cry but couldn't"
  entries are counted separately.
* An episode *improved* when ``mood_after > mood_before``; when either rating is missing,
  the client's own "felt better / same / worse" answer decides; with neither it is left out.
* *Mood change* is ``mood_after - mood_before`` (points on the 0-10 scale).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean

from lacrima.care.diary import COMPANY, EMOTIONS, REACTIONS, EpisodeFacts
from lacrima.care.stats import Correlation, Interval, spearman, wilson_interval

__all__ = [
    "REFERENCES",
    "CatharsisSummary",
    "GroupRow",
    "Proportion",
    "Reference",
    "WeekRow",
    "summarize",
    "summary_rows",
]


@dataclass(frozen=True)
class Reference:
    """A published reference point, shown beside the person's own share."""

    key: str
    who: str
    finding: str
    source: str
    share_improved: float | None
    secondary: bool = False


REFERENCES: tuple[Reference, ...] = (
    Reference(
        key="bylsma2011",
        who="97 women, 1,004 cries",
        finding=(
            "In daily diaries kept by 97 women (1,004 crying episodes), mood improved after "
            "about a third of the episodes; after most, mood did not change, and after a "
            "minority it was worse."
        ),
        source=("Bylsma, Croon, Vingerhoets & Rottenberg, J Res Pers 45:385-392, 2011"),
        share_improved=1 / 3,
    ),
    Reference(
        key="bylsma2008",
        who="5,096 students in 35 countries",
        finding=(
            "Asked about their most recent cry, 5,096 students in 35 countries more often "
            "felt relief when they had support from others and when the cause was resolved "
            "or understood, and less often when they held the crying back or felt ashamed. "
            "Reviews report that about half felt better overall."
        ),
        source="Bylsma, Vingerhoets & Rottenberg, J Soc Clin Psychol 27:1165-1187, 2008",
        share_improved=None,
        secondary=True,
    ),
)


@dataclass(frozen=True)
class Proportion:
    """``k`` of ``n`` with a Wilson interval (``None`` when ``n == 0``)."""

    k: int
    n: int
    interval: Interval | None

    @property
    def share(self) -> float | None:
        """``k / n``, or ``None`` without data."""
        return self.k / self.n if self.n else None


@dataclass(frozen=True)
class GroupRow:
    """Mood outcome for the cries in one group (e.g. "alone")."""

    key: str
    label: str
    n: int
    n_change: int
    mean_change: float | None
    improved: Proportion


@dataclass(frozen=True)
class WeekRow:
    """One calendar week (Monday start) of the diary."""

    week_start: date
    n_cried: int
    n_could_not_cry: int
    mean_change: float | None
    improved: Proportion


@dataclass(frozen=True)
class CatharsisSummary:
    """Everything the analytics page shows, computed from a list of episodes."""

    n_episodes: int
    n_cried: int
    n_could_not_cry: int
    improved: Proportion
    felt: dict[str, int]
    mean_change: float | None
    intensity_vs_change: Correlation
    by_company: list[GroupRow]
    by_reaction: list[GroupRow]
    by_emotion: list[GroupRow]
    by_held_back: list[GroupRow]
    weeks: list[WeekRow]
    confidence: float


def _proportion(episodes: list[EpisodeFacts], confidence: float) -> Proportion:
    known = [e.improved for e in episodes if e.improved is not None]
    k = sum(1 for flag in known if flag)
    return Proportion(k=k, n=len(known), interval=wilson_interval(k, len(known), confidence))


def _mean_change(episodes: list[EpisodeFacts]) -> tuple[int, float | None]:
    changes = [e.mood_change for e in episodes if e.mood_change is not None]
    return len(changes), (fmean(changes) if changes else None)


def _group(key: str, label: str, episodes: list[EpisodeFacts], confidence: float) -> GroupRow:
    n_change, mean = _mean_change(episodes)
    return GroupRow(
        key=key,
        label=label,
        n=len(episodes),
        n_change=n_change,
        mean_change=mean,
        improved=_proportion(episodes, confidence),
    )


def _groups_by(
    cried: list[EpisodeFacts], attr: str, labels: Mapping[str, str], confidence: float
) -> list[GroupRow]:
    rows = []
    for key, label in labels.items():
        members = [e for e in cried if getattr(e, attr) == key]
        if members:
            rows.append(_group(key, label, members, confidence))
    return rows


def _weeks(episodes: list[EpisodeFacts], confidence: float) -> list[WeekRow]:
    if not episodes:
        return []

    def monday(e: EpisodeFacts) -> date:
        day = e.started_at.date()
        return day - timedelta(days=day.weekday())

    first = min(monday(e) for e in episodes)
    last = max(monday(e) for e in episodes)
    rows = []
    week = first
    while week <= last:
        members = [e for e in episodes if monday(e) == week]
        cried = [e for e in members if e.kind == "cried"]
        _, mean = _mean_change(cried)
        rows.append(
            WeekRow(
                week_start=week,
                n_cried=len(cried),
                n_could_not_cry=len(members) - len(cried),
                mean_change=mean,
                improved=_proportion(cried, confidence),
            )
        )
        week += timedelta(days=7)
    return rows


def summarize(episodes: Iterable[EpisodeFacts], confidence: float = 0.95) -> CatharsisSummary:
    """Compute the catharsis analytics for one person's diary.

    Parameters
    ----------
    episodes : iterable of EpisodeFacts
        The diary, any order. Times should already be in the person's local time zone,
        since weeks start on the local Monday.
    confidence : float
        Coverage of the Wilson and Spearman intervals.

    Returns
    -------
    CatharsisSummary

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> s = summarize([EpisodeFacts(datetime(2024, 5, 1, tzinfo=UTC), mood_before=3,
    ...                              mood_after=5)])
    >>> (s.improved.k, s.improved.n)
    (1, 1)
    """
    episodes = sorted(episodes, key=lambda e: e.started_at)
    cried = [e for e in episodes if e.kind == "cried"]
    paired = [e for e in cried if e.intensity is not None and e.mood_change is not None]
    felt = {key: sum(1 for e in cried if e.felt == key) for key in ("better", "same", "worse")}
    held = {True: "Held it back", False: "Let it come"}
    by_held = [
        _group(str(flag).lower(), label, members, confidence)
        for flag, label in held.items()
        if (members := [e for e in cried if e.held_back is flag])
    ]
    emotion_rows = [
        _group(key, label, members, confidence)
        for key, label in EMOTIONS.items()
        if (members := [e for e in cried if key in e.emotions])
    ]
    return CatharsisSummary(
        n_episodes=len(episodes),
        n_cried=len(cried),
        n_could_not_cry=len(episodes) - len(cried),
        improved=_proportion(cried, confidence),
        felt=felt,
        mean_change=_mean_change(cried)[1],
        intensity_vs_change=spearman(
            [float(e.intensity or 0) for e in paired],
            [float(e.mood_change or 0) for e in paired],
            confidence,
        ),
        by_company=_groups_by(cried, "company", COMPANY, confidence),
        by_reaction=_groups_by(cried, "reaction", REACTIONS, confidence),
        by_emotion=emotion_rows,
        by_held_back=by_held,
        weeks=_weeks(episodes, confidence),
        confidence=confidence,
    )


def _row(metric: str, group: str, n: int, value: float | None, p: Proportion | None) -> dict:
    interval = p.interval if p else None
    return {
        "metric": metric,
        "group": group,
        "n": n,
        "value": "" if value is None else round(value, 4),
        "ci_low": "" if interval is None else round(interval.low, 4),
        "ci_high": "" if interval is None else round(interval.high, 4),
    }


def summary_rows(summary: CatharsisSummary) -> list[dict]:
    """Flatten a summary into rows ``metric, group, n, value, ci_low, ci_high`` for CSV."""
    rows = [
        _row("episodes", "all", summary.n_episodes, summary.n_episodes, None),
        _row("cried", "all", summary.n_cried, summary.n_cried, None),
        _row("could_not_cry", "all", summary.n_could_not_cry, summary.n_could_not_cry, None),
        _row("share_improved", "all", summary.improved.n, summary.improved.share, summary.improved),
        _row("mean_mood_change", "all", summary.n_cried, summary.mean_change, None),
    ]
    corr = summary.intensity_vs_change
    rows.append(
        {
            **_row("spearman_intensity_mood_change", "all", corr.n, corr.rho, None),
            "ci_low": "" if corr.interval is None else round(corr.interval.low, 4),
            "ci_high": "" if corr.interval is None else round(corr.interval.high, 4),
        }
    )
    for metric, groups in (
        ("company", summary.by_company),
        ("reaction", summary.by_reaction),
        ("emotion", summary.by_emotion),
        ("held_back", summary.by_held_back),
    ):
        for g in groups:
            rows.append(
                _row(
                    f"share_improved_by_{metric}", g.key, g.improved.n, g.improved.share, g.improved
                )
            )
            rows.append(
                _row(f"mean_mood_change_by_{metric}", g.key, g.n_change, g.mean_change, None)
            )
    for w in summary.weeks:
        rows.append(
            _row(
                "share_improved_by_week",
                w.week_start.isoformat(),
                w.improved.n,
                w.improved.share,
                w.improved,
            )
        )
    return rows
