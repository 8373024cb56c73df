"""Summaries of program progress for the client and (with consent) the therapist.

Plain counts and series, no scores and no streaks: SUDS per item over its presentations,
how much of the hierarchy is passed, and relaxation ratings before and after exercises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .machine import Program
from .state import Trial


class ItemStatus(StrEnum):
    """Where an item stands."""

    PASSED = "passed"
    CURRENT = "current"
    AHEAD = "ahead"


@dataclass(frozen=True)
class ItemProgress:
    """One item's presentations, in order."""

    item_id: str
    text: str
    suds: int
    status: ItemStatus
    peak_suds: tuple[int, ...]
    end_suds: tuple[int, ...]
    expectancy_pct: tuple[int, ...]

    @property
    def presentations(self) -> int:
        """How many times the scene was rated."""
        return len(self.peak_suds)


@dataclass(frozen=True)
class RelaxationRating:
    """Ratings (0-10) before and after one relaxation exercise."""

    kind: str
    before: int
    after: int


@dataclass(frozen=True)
class ProgressSummary:
    """Everything the progress page shows."""

    items: tuple[ItemProgress, ...]
    passed_count: int
    total_count: int
    relaxation: tuple[RelaxationRating, ...]

    @property
    def has_trials(self) -> bool:
        """True once any scene was rated."""
        return any(item.presentations for item in self.items)


def summarize_progress(
    program: Program,
    trials: Iterable[Trial],
    relaxation: Sequence[RelaxationRating] = (),
) -> ProgressSummary:
    """Group logged trials by item in hierarchy order.

    Trials of items no longer in the hierarchy are left out (they stay in the log and
    the export).
    """
    by_item: dict[str, list[Trial]] = {item_id: [] for item_id in program.hierarchy.ids}
    for trial in trials:
        if trial.item_id in by_item:
            by_item[trial.item_id].append(trial)
    current = program.current_item
    items = []
    for item in program.hierarchy.items:
        if item.id in program.state.passed:
            status = ItemStatus.PASSED
        elif current is not None and item.id == current.id:
            status = ItemStatus.CURRENT
        else:
            status = ItemStatus.AHEAD
        logged = by_item[item.id]
        items.append(
            ItemProgress(
                item_id=item.id,
                text=item.text,
                suds=item.suds,
                status=status,
                peak_suds=tuple(t.peak_suds for t in logged),
                end_suds=tuple(t.end_suds for t in logged),
                expectancy_pct=tuple(t.expectancy_pct for t in logged),
            )
        )
    return ProgressSummary(
        items=tuple(items),
        passed_count=program.passed_count,
        total_count=len(program.hierarchy),
        relaxation=tuple(relaxation),
    )
