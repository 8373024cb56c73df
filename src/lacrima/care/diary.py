"""The crying diary's vocabulary and the checks every diary entry must pass.

This module is the single source of the words used for an episode (kinds, what showed,
emotions, company, reactions), of its numeric limits, and of the validation used when
rows come from a file (our own export or another app). The web forms, the API schemas
and the importers all use these names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lacrima.errors import CareError

__all__ = [
    "COMPANY",
    "EMOTIONS",
    "FELT",
    "KINDS",
    "MAX_DURATION_MIN",
    "MAX_NOTE_CHARS",
    "MAX_TRIGGER_CHARS",
    "REACTIONS",
    "SHOWED",
    "EpisodeFacts",
    "check_not_future",
    "parse_episode_row",
]

KINDS: dict[str, str] = {
    "cried": "I cried",
    "could_not_cry": "I wanted to cry but couldn't",
}
SHOWED: dict[str, str] = {
    "moist_eyes": "Moist eyes",
    "tears": "Tears",
    "sobbing": "Sobbing",
}
EMOTIONS: dict[str, str] = {
    "sadness": "Sadness",
    "grief": "Grief",
    "anger": "Anger or frustration",
    "joy": "Joy",
    "relief": "Relief",
    "stress": "Stress",
    "empathy": "Empathy (moved by someone else)",
    "helplessness": "Helplessness",
    "other": "Something else",
}
COMPANY: dict[str, str] = {
    "alone": "Alone",
    "one": "With one person",
    "several": "With several people",
}
REACTIONS: dict[str, str] = {
    "comforting": "Comforting",
    "neutral": "Neutral",
    "dismissive": "Dismissive or negative",
}
FELT: dict[str, str] = {
    "better": "Better",
    "same": "About the same",
    "worse": "Worse",
}

SCALE_MIN, SCALE_MAX = 0, 10
MAX_DURATION_MIN = 600
MAX_NOTE_CHARS = 20_000
MAX_TRIGGER_CHARS = 500
#: Clock skew we tolerate between a phone and the server before calling a time "future".
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class EpisodeFacts:
    """The parts of a diary episode that analytics and safety checks read (no free text)."""

    started_at: datetime
    kind: str = "cried"
    intensity: int | None = None
    mood_before: int | None = None
    mood_after: int | None = None
    felt: str | None = None
    company: str | None = None
    reaction: str | None = None
    emotions: tuple[str, ...] = ()
    held_back: bool | None = None
    did_not_match: bool = False
    could_not_stop: bool = False

    @property
    def mood_change(self) -> int | None:
        """``mood_after - mood_before`` when both were given, else ``None``."""
        if self.mood_before is None or self.mood_after is None:
            return None
        return self.mood_after - self.mood_before

    @property
    def improved(self) -> bool | None:
        """Whether mood improved: from the two mood ratings, else from "felt better".

        ``None`` when neither is known, so such entries are left out of shares.
        """
        change = self.mood_change
        if change is not None:
            return change > 0
        if self.felt is not None:
            return self.felt == "better"
        return None


def check_not_future(when: datetime, now: datetime | None = None) -> None:
    """Raise :class:`CareError` if ``when`` lies in the future (beyond a little clock skew)."""
    now = now or datetime.now(UTC)
    if when.tzinfo is None:
        raise CareError(f"time {when.isoformat()} has no time zone; add one, e.g. +00:00")
    if when > now + FUTURE_TOLERANCE:
        raise CareError(f"time {when.isoformat()} is in the future; diary entries record the past")


# --- rows from files -------------------------------------------------------------------

_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _choice(row: Mapping[str, Any], name: str, choices: Mapping[str, str], where: str) -> Any:
    value = row.get(name)
    if _blank(value):
        return None
    text = str(value).strip()
    if text not in choices:
        raise CareError(f"{where}: {name} must be one of {', '.join(choices)}; got {text!r}")
    return text


def _scale(row: Mapping[str, Any], name: str, where: str, high: int = SCALE_MAX) -> int | None:
    value = row.get(name)
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise CareError(f"{where}: {name} must be a whole number, got {value!r}")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CareError(f"{where}: {name} must be a whole number, got {value!r}") from None
    if not SCALE_MIN <= number <= high:
        raise CareError(f"{where}: {name} must be between {SCALE_MIN} and {high}, got {number}")
    return number


def _flag(row: Mapping[str, Any], name: str, where: str) -> bool | None:
    value = row.get(name)
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CareError(f"{where}: {name} must be true or false, got {value!r}")


def _text(row: Mapping[str, Any], name: str, where: str, limit: int) -> str:
    value = row.get(name)
    if _blank(value):
        return ""
    text = str(value)
    if len(text) > limit:
        raise CareError(f"{where}: {name} is {len(text)} characters long; the limit is {limit}")
    return text


def _emotions(row: Mapping[str, Any], where: str) -> tuple[str, ...]:
    value = row.get("emotions")
    if _blank(value):
        return ()
    parts = value if isinstance(value, list | tuple) else str(value).replace(",", ";").split(";")
    names = tuple(dict.fromkeys(str(p).strip() for p in parts if str(p).strip()))
    unknown = [n for n in names if n not in EMOTIONS]
    if unknown:
        raise CareError(
            f"{where}: unknown emotion {unknown[0]!r}; use any of {', '.join(EMOTIONS)}"
        )
    return names


def _when(row: Mapping[str, Any], where: str, now: datetime) -> datetime:
    value = row.get("started_at")
    if _blank(value):
        raise CareError(f"{where}: started_at is missing (ISO 8601, e.g. 2024-05-01T21:30+02:00)")
    try:
        when = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise CareError(
            f"{where}: started_at {value!r} is not an ISO 8601 time (e.g. 2024-05-01T21:30+02:00)"
        ) from None
    try:
        check_not_future(when, now)
    except CareError as exc:
        raise CareError(f"{where}: {exc}") from None
    return when


def parse_episode_row(
    row: Mapping[str, Any], row_number: int, now: datetime | None = None
) -> dict[str, Any]:
    """Validate one row of an exported diary (CSV strings or JSON values).

    Parameters
    ----------
    row : mapping
        Field names as in the export (``kind``, ``started_at``, ``intensity``, ...);
        unknown keys (``id``, ``created_at``) are ignored.
    row_number : int
        1-based row number, used in error messages.
    now : datetime, optional
        The reference time for the "not in the future" check (UTC now by default).

    Returns
    -------
    dict
        Clean values ready for the diary model.

    Raises
    ------
    CareError
        Naming the row and the field, the allowed values and the value received.
    """
    where = f"row {row_number}"
    now = now or datetime.now(UTC)
    kind = _choice(row, "kind", KINDS, where)
    if kind is None:
        raise CareError(f"{where}: kind is missing; use one of {', '.join(KINDS)}")
    duration = _scale(row, "duration_min", where, high=MAX_DURATION_MIN)
    return {
        "kind": kind,
        "started_at": _when(row, where, now),
        "duration_min": duration,
        "intensity": _scale(row, "intensity", where),
        "mood_before": _scale(row, "mood_before", where),
        "mood_after": _scale(row, "mood_after", where),
        "showed": _choice(row, "showed", SHOWED, where),
        "felt": _choice(row, "felt", FELT, where),
        "company": _choice(row, "company", COMPANY, where),
        "reaction": _choice(row, "reaction", REACTIONS, where),
        "emotions": list(_emotions(row, where)),
        "held_back": _flag(row, "held_back", where),
        "did_not_match": bool(_flag(row, "did_not_match", where)),
        "could_not_stop": bool(_flag(row, "could_not_stop", where)),
        "trigger": _text(row, "trigger", where, MAX_TRIGGER_CHARS),
        "note": _text(row, "note", where, MAX_NOTE_CHARS),
    }
