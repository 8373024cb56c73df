"""Read a Daylio CSV export as mood entries.

Daylio (a mood-tracking app) exports a CSV with the columns
``full_date,date,weekday,time,mood,activities,note_title,note``. Its five default moods
are mapped onto Lacrima's 0-10 mood scale as the centres of five equal bands, so that no
Daylio level lands on the scale's extremes:

=======  ====
Daylio   0-10
=======  ====
rad       9
good      7
meh       5
bad       3
awful     1
=======  ====

People can rename moods in Daylio; pass ``mood_map`` to map custom names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from lacrima.errors import CareError

__all__ = ["COLUMNS", "DAYLIO_MOODS", "DaylioEntry", "parse_daylio_csv"]

COLUMNS = ("full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note")
DAYLIO_MOODS: dict[str, int] = {"rad": 9, "good": 7, "meh": 5, "bad": 3, "awful": 1}
_TIME_FORMATS = ("%H:%M", "%I:%M %p", "%I:%M%p", "%H:%M:%S")
MAX_ROWS = 20_000
MAX_NOTE_CHARS = 20_000


@dataclass(frozen=True)
class DaylioEntry:
    """One Daylio row. ``at`` is naive local time, as Daylio stores it."""

    at: datetime
    mood_label: str
    mood: int
    activities: tuple[str, ...]
    note: str


def _parse_time(value: str, where: str) -> tuple[int, int]:
    text = value.strip().upper()
    for fmt in _TIME_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.hour, parsed.minute
    raise CareError(f"{where}: time {value!r} is not a clock time such as 21:40 or 9:40 pm")


def parse_daylio_csv(text: str, mood_map: Mapping[str, int] | None = None) -> list[DaylioEntry]:
    """Parse the text of a Daylio CSV export.

    Parameters
    ----------
    text : str
        The file's text (a leading byte-order mark is ignored).
    mood_map : mapping of str to int, optional
        Extra or replacement mood names (lower case) to 0-10 values.

    Returns
    -------
    list of DaylioEntry
        In file order (Daylio writes newest first).

    Raises
    ------
    CareError
        If a column is missing, or a row has a bad date, time or unknown mood; the message
        names the row (counting the header as row 1).

    Examples
    --------
    >>> rows = parse_daylio_csv(
    ...     "full_date,date,weekday,time,mood,activities,note_title,note\\n"
    ...     "2024-05-01,May 1,Wednesday,21:40,meh,work | friends,,long day\\n")
    >>> (rows[0].mood, rows[0].activities)
    (5, ('work', 'friends'))
    """
    moods = {**DAYLIO_MOODS, **{k.lower(): v for k, v in (mood_map or {}).items()}}
    for name, value in moods.items():
        if not 0 <= value <= 10:
            raise CareError(f"mood {name!r} maps to {value}; values must be 0-10")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ("full_date", "time", "mood") if c not in header]
    if missing:
        raise CareError(
            f"this does not look like a Daylio export: missing column(s) {', '.join(missing)}; "
            f"expected {','.join(COLUMNS)}"
        )
    reader.fieldnames = header
    entries = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise CareError(f"the file has more than {MAX_ROWS} rows; split it and import parts")
        where = f"row {number}"
        try:
            day = datetime.strptime((row.get("full_date") or "").strip(), "%Y-%m-%d")
        except ValueError:
            raise CareError(
                f"{where}: full_date {row.get('full_date')!r} is not a date like 2024-05-01"
            ) from None
        hour, minute = _parse_time(row.get("time") or "", where)
        label = (row.get("mood") or "").strip().lower()
        if label not in moods:
            raise CareError(
                f"{where}: mood {label!r} is not one of {', '.join(moods)}; if you renamed "
                "moods in Daylio, rename them back or map them when importing"
            )
        title = (row.get("note_title") or "").strip()
        body = (row.get("note") or "").replace("<br>", "\n").strip()
        note = f"{title}\n{body}".strip() if title else body
        if len(note) > MAX_NOTE_CHARS:
            raise CareError(f"{where}: the note is longer than {MAX_NOTE_CHARS} characters")
        activities = tuple(a.strip() for a in (row.get("activities") or "").split("|") if a.strip())
        entries.append(
            DaylioEntry(
                at=day.replace(hour=hour, minute=minute),
                mood_label=label,
                mood=moods[label],
                activities=activities,
                note=note,
            )
        )
    return entries
