"""Geometry of the progress charts, drawn as server-side SVG by the templates.

No JavaScript and no inline styles: the templates place these numbers in ``<svg>``
elements coloured by classes in ``program/program.css``, each with a title, a short
description and a table of the same numbers as the text alternative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lacrima.care.desensitization import ProgressSummary, Rules

WIDTH = 320
HEIGHT = 170
LEFT = 36
RIGHT = 12
TOP = 12
BOTTOM = 28


@dataclass(frozen=True)
class Series:
    """One line of points, e.g. the peak SUDS of each presentation."""

    css: str
    label: str
    points: str
    dots: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Guide:
    """A horizontal reference line (a threshold) with its label."""

    css: str
    label: str
    y: float


@dataclass(frozen=True)
class Chart:
    """Everything a template needs to draw one chart and its table."""

    id: str
    title: str
    description: str
    series: tuple[Series, ...]
    guides: tuple[Guide, ...] = ()
    y_ticks: tuple[tuple[float, str], ...] = ()
    x_ticks: tuple[tuple[float, str], ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    width: int = WIDTH
    height: int = HEIGHT
    plot: dict[str, float] = field(default_factory=dict)


def _scale(n: int, y_max: float) -> tuple[list[float], Callable[[float], float]]:
    inner_w = WIDTH - LEFT - RIGHT
    xs = [LEFT + inner_w / 2] if n == 1 else [LEFT + inner_w * i / (n - 1) for i in range(n)]

    def y_of(value: float) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / y_max), 1)

    return [round(x, 1) for x in xs], y_of


def _series(css: str, label: str, xs: list[float], ys: list[float]) -> Series:
    dots = tuple(zip(xs, ys, strict=True))
    return Series(css, label, " ".join(f"{x},{y}" for x, y in dots), dots)


def _frame(y_of: Callable[[float], float], y_max: int, step: int) -> dict[str, Any]:
    ticks = tuple((y_of(v), str(v)) for v in range(0, y_max + 1, step))
    plot = {
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "label_x": LEFT - 6,
        "label_y": HEIGHT - BOTTOM + 16,
    }
    return {"y_ticks": ticks, "plot": plot}


def _x_ticks(xs: list[float]) -> tuple[tuple[float, str], ...]:
    every = max(1, len(xs) // 8)
    return tuple((x, str(i + 1)) for i, x in enumerate(xs) if i % every == 0)


def _guides(rules: Rules, y_of: Callable[[float], float]) -> tuple[Guide, ...]:
    pass_, stop = rules.pass_threshold_suds, rules.stop_threshold_suds
    return (
        Guide("pass", f"calm enough ({pass_})", y_of(pass_)),
        Guide("stop", f"stop and relax ({stop})", y_of(stop)),
    )


def item_charts(summary: ProgressSummary, rules: Rules) -> list[Chart]:
    """One chart per step with rated presentations: peak and end SUDS, and thresholds."""
    charts = []
    for number, item in enumerate(summary.items, start=1):
        n = item.presentations
        if not n:
            continue
        xs, y_of = _scale(n, 100)
        charts.append(
            Chart(
                id=f"item-{item.item_id}",
                title=f"Step {number}: {item.text}",
                description=(
                    f"Distress (SUDS, 0-100) in {n} presentation{'s' if n != 1 else ''}; "
                    f"latest highest {item.peak_suds[-1]}, latest at the end {item.end_suds[-1]}."
                ),
                series=(
                    _series("peak", "highest", xs, [y_of(v) for v in item.peak_suds]),
                    _series("end", "at the end", xs, [y_of(v) for v in item.end_suds]),
                ),
                guides=_guides(rules, y_of),
                x_ticks=_x_ticks(xs),
                columns=("Presentation", "Highest", "At the end", "Expected (%)"),
                rows=tuple(
                    (str(i + 1), str(p), str(e), str(x))
                    for i, (p, e, x) in enumerate(
                        zip(item.peak_suds, item.end_suds, item.expectancy_pct, strict=True)
                    )
                ),
                **_frame(y_of, 100, 25),
            )
        )
    return charts


def relaxation_chart(summary: ProgressSummary) -> Chart | None:
    """Relaxation (0-10) before and after each exercise, or None before the first one."""
    ratings = summary.relaxation
    if not ratings:
        return None
    xs, y_of = _scale(len(ratings), 10)
    return Chart(
        id="relaxation",
        title="How relaxed, before and after each exercise",
        description=(
            f"{len(ratings)} exercise{'s' if len(ratings) != 1 else ''}; latest: "
            f"{ratings[-1].before} before, {ratings[-1].after} after (0-10)."
        ),
        series=(
            _series("before", "before", xs, [y_of(r.before) for r in ratings]),
            _series("after", "after", xs, [y_of(r.after) for r in ratings]),
        ),
        x_ticks=_x_ticks(xs),
        columns=("Exercise", "Kind", "Before", "After"),
        rows=tuple(
            (str(i + 1), r.kind, str(r.before), str(r.after)) for i, r in enumerate(ratings)
        ),
        **_frame(y_of, 10, 5),
    )
