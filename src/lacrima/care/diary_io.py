"""Diary files: the columns of our own export, and reading an uploaded file back.

Our export (CSV or JSON) uses :data:`EXPORT_FIELDS`; reading it back goes through
:func:`lacrima.care.diary.parse_episode_row`, so an import obeys the same limits as the
form and the API. A Daylio CSV is recognised by its header and read as mood entries.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lacrima.care.daylio import DaylioEntry, parse_daylio_csv
from lacrima.care.diary import parse_episode_row
from lacrima.errors import CareError

__all__ = [
    "EXPORT_FIELDS",
    "MAX_IMPORT_BYTES",
    "ImportBatch",
    "read_diary_file",
    "rows_to_csv",
]

EXPORT_FIELDS: tuple[str, ...] = (
    "kind",
    "started_at",
    "duration_min",
    "intensity",
    "showed",
    "trigger",
    "emotions",
    "company",
    "reaction",
    "held_back",
    "mood_before",
    "mood_after",
    "felt",
    "did_not_match",
    "could_not_stop",
    "note",
)
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000


@dataclass(frozen=True)
class ImportBatch:
    """What a file holds: diary episodes (clean dicts) or Daylio mood entries."""

    source: str  # "lacrima" or "daylio"
    episodes: list[dict[str, Any]] = field(default_factory=list)
    moods: list[DaylioEntry] = field(default_factory=list)


def rows_to_csv(rows: list[dict[str, Any]], fields: tuple[str, ...] = EXPORT_FIELDS) -> str:
    """Write export rows as CSV text (lists joined with ``;``, ``None`` as empty)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: ";".join(v) if isinstance(v, list | tuple) else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    return out.getvalue()


def _decode(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise CareError(
            f"the file is {len(data) // 1024} KiB; the limit is {MAX_IMPORT_BYTES // 1024} KiB"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CareError("the file is not UTF-8 text; export it again as CSV or JSON") from None


def _json_rows(text: str) -> list[Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CareError(f"the JSON file is malformed at line {exc.lineno}: {exc.msg}") from None
    if isinstance(data, dict):
        tables: dict[str, Any] = data["tables"] if isinstance(data.get("tables"), dict) else data
        data = tables.get("diary_episodes", tables.get("episodes"))
    if not isinstance(data, list):
        raise CareError(
            "the JSON file must be a list of diary entries (or an object with 'diary_episodes')"
        )
    return data


def _from_zip(data: bytes) -> bytes:
    """The ``data.json`` of a Lacrima account export (a zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("data.json")
            if info.file_size > MAX_IMPORT_BYTES:
                raise CareError(
                    f"the export's data.json is larger than {MAX_IMPORT_BYTES // 1024} KiB; "
                    "import the diary's own CSV download instead"
                )
            return zf.read(info)
    except KeyError:
        raise CareError("this zip is not a Lacrima export (it has no data.json)") from None
    except zipfile.BadZipFile:
        raise CareError("the zip file is damaged; download the export again") from None


def read_diary_file(data: bytes, now: datetime | None = None) -> ImportBatch:
    """Recognise and validate an uploaded diary file.

    Parameters
    ----------
    data : bytes
        The uploaded file: the diary's CSV or JSON download, a Lacrima account export
        (zip, or its ``data.json``), or a Daylio CSV export.
    now : datetime, optional
        Reference time for the "not in the future" check.

    Returns
    -------
    ImportBatch

    Raises
    ------
    CareError
        If the file is too large, not text, of an unknown shape, or any row is invalid
        (nothing is imported then; the message names the first bad row).
    """
    if data[:4] == b"PK\x03\x04":
        data = _from_zip(data)
    text = _decode(data)
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        raw_rows = _json_rows(stripped)
        first_row = 1
    else:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip() for h in (reader.fieldnames or [])]
        if {"full_date", "mood"} <= set(header):
            return ImportBatch(source="daylio", moods=parse_daylio_csv(text))
        if "kind" not in header or "started_at" not in header:
            raise CareError(
                "unknown file: expected a Lacrima diary export (columns kind, started_at, ...) "
                "or a Daylio CSV export (full_date, date, weekday, time, mood, ...)"
            )
        reader.fieldnames = header
        raw_rows = list(reader)
        first_row = 2  # the header is row 1
    if len(raw_rows) > MAX_IMPORT_ROWS:
        raise CareError(f"the file has more than {MAX_IMPORT_ROWS} entries; import it in parts")
    episodes = []
    for offset, row in enumerate(raw_rows):
        if not isinstance(row, dict):
            raise CareError(f"entry {offset + 1} is not an object with named fields")
        episodes.append(parse_episode_row(row, offset + first_row, now))
    return ImportBatch(source="lacrima", episodes=episodes)
