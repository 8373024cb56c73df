"""Geometry of the body map (an SVG figure with one marker per region)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lacrima.care import checkins

# Marker positions on a 120 x 260 figure, head at the top.
_POSITIONS: dict[str, tuple[int, int]] = {
    "forehead": (60, 14),
    "eyes": (60, 27),
    "jaw": (60, 42),
    "throat": (60, 57),
    "shoulders": (40, 70),
    "chest": (60, 92),
    "arms": (22, 100),
    "hands": (22, 140),
    "stomach": (60, 128),
    "back": (98, 110),
    "legs": (60, 210),
}


@dataclass(frozen=True)
class RegionMark:
    """A region marker: where it sits, how strong it was (level 0-3), what was felt."""

    key: str
    label: str
    x: int
    y: int
    level: int
    text: str


def _level(intensity: int | None) -> int:
    if not intensity:
        return 0
    return 1 if intensity <= 3 else 2 if intensity <= 6 else 3


def body_map(rows: Iterable[object]) -> list[RegionMark]:
    """Markers for every region; ``rows`` are check-in regions (region, sensation, intensity)."""
    by_region = {getattr(r, "region", ""): r for r in rows}
    marks = []
    for key, label in checkins.REGIONS.items():
        x, y = _POSITIONS[key]
        row = by_region.get(key)
        if row is None:
            marks.append(RegionMark(key, label, x, y, 0, f"{label}: nothing noted"))
            continue
        intensity = getattr(row, "intensity", None)
        sensation = checkins.SENSATIONS.get(getattr(row, "sensation", ""), "")
        marks.append(
            RegionMark(
                key, label, x, y, _level(intensity), f"{label}: {sensation.lower()}, {intensity}/10"
            )
        )
    return marks
