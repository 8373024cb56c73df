"""Catharsis analytics against hand-computed cases (0, 1, 2 and a handful of episodes)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lacrima.care.catharsis import REFERENCES, summarize, summary_rows
from lacrima.care.diary import EpisodeFacts


def at(day: int, month: int = 5) -> datetime:
    return datetime(2024, month, day, 20, 0, tzinfo=UTC)


def test_no_episodes() -> None:
    s = summarize([])
    assert (s.n_episodes, s.n_cried, s.n_could_not_cry) == (0, 0, 0)
    assert (s.improved.k, s.improved.n) == (0, 0)
    assert s.improved.share is None and s.improved.interval is None
    assert s.mean_change is None
    assert s.intensity_vs_change.rho is None
    assert s.by_company == s.by_reaction == s.by_emotion == s.weeks == []


def test_one_minimal_episode_counts_but_has_no_outcome() -> None:
    s = summarize([EpisodeFacts(at(1))])
    assert (s.n_episodes, s.n_cried) == (1, 1)
    assert s.improved.n == 0 and s.improved.interval is None
    assert [w.week_start for w in s.weeks] == [date(2024, 4, 29)]  # Monday of that week


def test_one_episode_felt_worse_without_ratings() -> None:
    s = summarize([EpisodeFacts(at(1), felt="worse")])
    assert (s.improved.k, s.improved.n) == (0, 1)
    assert s.improved.interval is not None
    assert s.improved.interval.low == 0.0
    assert s.improved.interval.high == pytest.approx(0.7935, abs=1e-4)
    assert s.felt == {"better": 0, "same": 0, "worse": 1}


def test_could_not_cry_is_counted_apart() -> None:
    s = summarize([EpisodeFacts(at(1), kind="could_not_cry", mood_before=2, mood_after=6)])
    assert (s.n_episodes, s.n_cried, s.n_could_not_cry) == (1, 0, 1)
    assert s.improved.n == 0  # not a cry: no catharsis outcome
    assert s.weeks[0].n_could_not_cry == 1 and s.weeks[0].n_cried == 0


def test_two_episodes_hand_computed() -> None:
    e1 = EpisodeFacts(
        at(6),
        intensity=7,
        mood_before=3,
        mood_after=6,
        company="alone",
        emotions=("sadness",),
        felt="better",
        held_back=False,
    )
    e2 = EpisodeFacts(
        at(22),
        intensity=2,
        mood_before=5,
        mood_after=4,
        company="one",
        reaction="dismissive",
        emotions=("sadness", "anger"),
        held_back=True,
    )
    s = summarize([e2, e1])  # order does not matter
    assert (s.improved.k, s.improved.n) == (1, 2)
    # Wilson(1, 2), by hand: centre 0.5, half-width 0.40546.
    assert s.improved.interval is not None
    assert s.improved.interval.low == pytest.approx(0.0945, abs=1e-4)
    assert s.improved.interval.high == pytest.approx(0.9055, abs=1e-4)
    assert s.mean_change == pytest.approx((3 + -1) / 2)
    assert s.intensity_vs_change.n == 2 and s.intensity_vs_change.rho is None
    company = {g.key: (g.n, g.mean_change) for g in s.by_company}
    assert company == {"alone": (1, 3.0), "one": (1, -1.0)}
    assert [(g.key, g.n) for g in s.by_reaction] == [("dismissive", 1)]
    emotions = {g.key: (g.n, g.mean_change) for g in s.by_emotion}
    assert emotions == {"sadness": (2, 1.0), "anger": (1, -1.0)}
    held = {g.key: g.improved.k for g in s.by_held_back}
    assert held == {"true": 0, "false": 1}
    # Weeks from Monday 6 May to Monday 20 May, with the empty week in between.
    assert [(w.week_start, w.n_cried) for w in s.weeks] == [
        (date(2024, 5, 6), 1),
        (date(2024, 5, 13), 0),
        (date(2024, 5, 20), 1),
    ]
    assert s.weeks[1].mean_change is None and s.weeks[1].improved.n == 0


def test_ratings_take_precedence_over_felt() -> None:
    # Mood unchanged by the ratings although the person ticked "better": ratings decide.
    e = EpisodeFacts(at(1), mood_before=4, mood_after=4, felt="better")
    assert e.improved is False
    assert summarize([e]).improved.k == 0


def test_intensity_correlation_hand_computed() -> None:
    # intensity 1..5 against change (2, 1, 4, 3, 5) - 3: rho = 0.8 (see test_stats).
    changes = [2, 1, 4, 3, 5]
    episodes = [
        EpisodeFacts(at(i + 1), intensity=i + 1, mood_before=3, mood_after=3 + c - 3)
        for i, c in enumerate(changes)
    ]
    corr = summarize(episodes).intensity_vs_change
    assert corr.n == 5
    assert corr.rho == pytest.approx(0.8)
    assert corr.interval is not None and corr.interval.low < 0 < corr.interval.high


def test_summary_rows_are_flat_and_complete() -> None:
    s = summarize([EpisodeFacts(at(6), mood_before=3, mood_after=6, company="alone")])
    rows = summary_rows(s)
    assert all(set(r) == {"metric", "group", "n", "value", "ci_low", "ci_high"} for r in rows)
    share = next(r for r in rows if r["metric"] == "share_improved" and r["group"] == "all")
    assert (share["n"], share["value"]) == (1, 1.0)
    assert share["ci_high"] == 1.0
    assert any(r["metric"] == "share_improved_by_company" and r["group"] == "alone" for r in rows)


def test_references_quote_only_clinical_sources() -> None:
    sources = " ".join(r.source for r in REFERENCES)
    assert "J Res Pers 45:385-392, 2011" in sources
    assert "J Soc Clin Psychol 27:1165-1187, 2008" in sources
    assert REFERENCES[0].share_improved == pytest.approx(1 / 3)
    assert "1,004" in REFERENCES[0].finding and "97 women" in REFERENCES[0].finding
    assert REFERENCES[1].secondary  # "about half" is from reviews, not the paper itself
