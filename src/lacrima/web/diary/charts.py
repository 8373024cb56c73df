"""Server-rendered SVG charts: geometry computed here, drawn by templates.

No JavaScript is needed; each chart comes with a text alternative (a caption and a
table with the same numbers) in the template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats, timezone

from lacrima.care.catharsis import WeekRow
from lacrima.web.diary.models import Episode

WIDTH, HEIGHT = 340, 200
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 12, 26
MAX_POINTS = 30


@dataclass(frozen=True)
class Mark:
    """One episode in the episode chart (all coordinates in SVG user units)."""

    episode_id: int
    x: float
    bar_x: float
    bar_y: float | None
    bar_height: float
    bar_width: float
    mood_from_y: float | None
    mood_to_y: float | None
    mood_class: str
    css: str
    title: str


@dataclass(frozen=True)
class Tick:
    """A horizontal grid line with its label."""

    y: float
    label: str


@dataclass(frozen=True)
class EpisodeChart:
    """The episode chart: marks, grid lines and the plot bounds."""

    marks: list[Mark]
    ticks: list[Tick]
    width: int
    height: int
    left: int
    tick_x: int
    right_x: int
    dot_y: float
    axis_y: float
    first_label: str
    last_label: str
    label_y: float
    shown: int
    total: int


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 10)


def _title(e: Episode) -> str:
    when = formats.date_format(timezone.localtime(e.started_at), "j M, H:i")
    parts = [when, e.get_kind_display()]
    if e.intensity is not None:
        parts.append(f"strength {e.intensity}")
    if e.mood_before is not None and e.mood_after is not None:
        parts.append(f"mood {e.mood_before} to {e.mood_after}")
    return ", ".join(parts)


def episode_chart(episodes: Sequence[Episode]) -> EpisodeChart | None:
    """Geometry for the last :data:`MAX_POINTS` episodes, oldest on the left.

    Each episode gets a bar for its strength (a small dot when none was given) and, when
    both moods were noted, a line from mood before to mood after.
    """
    if not episodes:
        return None
    ordered = sorted(episodes, key=lambda e: (e.started_at, e.pk))[-MAX_POINTS:]
    step = (WIDTH - LEFT - RIGHT) / len(ordered)
    axis_y = _y(0)
    marks = []
    for i, e in enumerate(ordered):
        x = LEFT + (i + 0.5) * step
        change = e.mood_change
        mood_class = (
            "" if change is None else "up" if change > 0 else "down" if change < 0 else "flat"
        )
        bar_y = _y(e.intensity) if e.intensity is not None else None
        bar_width = round(min(step * 0.6, 18), 1)
        marks.append(
            Mark(
                episode_id=e.pk,
                x=round(x, 1),
                bar_x=round(x - bar_width / 2, 1),
                bar_y=None if bar_y is None else round(bar_y, 1),
                bar_height=0 if bar_y is None else round(axis_y - bar_y, 1),
                bar_width=bar_width,
                mood_from_y=None if change is None else round(_y(e.mood_before or 0), 1),
                mood_to_y=None if change is None else round(_y(e.mood_after or 0), 1),
                mood_class=mood_class,
                css="nocry" if e.kind == "could_not_cry" else "cried",
                title=_title(e),
            )
        )
    first, last = ordered[0], ordered[-1]
    return EpisodeChart(
        marks=marks,
        ticks=[Tick(y=round(_y(v), 1), label=str(v)) for v in (0, 5, 10)],
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        tick_x=LEFT - 6,
        right_x=WIDTH - RIGHT,
        dot_y=round(axis_y - 4, 1),
        axis_y=round(axis_y, 1),
        first_label=formats.date_format(timezone.localtime(first.started_at), "j M"),
        last_label=formats.date_format(timezone.localtime(last.started_at), "j M"),
        label_y=HEIGHT - 8,
        shown=len(ordered),
        total=len(episodes),
    )


@dataclass(frozen=True)
class WeekBar:
    """One week in the weekly chart."""

    x: float
    width: float
    cried_y: float
    cried_height: float
    improved_y: float
    improved_height: float
    title: str


def week_chart(weeks: Sequence[WeekRow]) -> list[WeekBar]:
    """Bars per week: cries (full bar) and cries followed by a better mood (inner bar)."""
    shown = list(weeks)[-26:]
    if not shown:
        return []
    top = max(max(w.n_cried for w in shown), 1)
    step = (WIDTH - LEFT - RIGHT) / len(shown)
    plot = HEIGHT - TOP - BOTTOM
    bars = []
    for i, w in enumerate(shown):
        cried_h = plot * w.n_cried / top
        improved_h = plot * w.improved.k / top
        bars.append(
            WeekBar(
                x=round(LEFT + i * step + step * 0.15, 1),
                width=round(step * 0.7, 1),
                cried_y=round(TOP + plot - cried_h, 1),
                cried_height=round(cried_h, 1),
                improved_y=round(TOP + plot - improved_h, 1),
                improved_height=round(improved_h, 1),
                title=(
                    f"Week of {formats.date_format(w.week_start, 'j M')}: {w.n_cried} cries, "
                    f"{w.improved.k} followed by a better mood"
                ),
            )
        )
    return bars
