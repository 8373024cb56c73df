"""Our own diary export round-trips; bad rows are refused with the row named."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from lacrima.care.diary import MAX_NOTE_CHARS, parse_episode_row
from lacrima.care.diary_io import EXPORT_FIELDS, MAX_IMPORT_BYTES, read_diary_file, rows_to_csv
from lacrima.errors import CareError

NOW = datetime(2024, 6, 1, tzinfo=UTC)
FULL = {
    "kind": "cried",
    "started_at": "2024-05-01T21:30:00+02:00",
    "duration_min": 12,
    "intensity": 7,
    "showed": "tears",
    "trigger": "phone call with my sister",
    "emotions": ["sadness", "relief"],
    "company": "one",
    "reaction": "comforting",
    "held_back": False,
    "mood_before": 3,
    "mood_after": 6,
    "felt": "better",
    "did_not_match": False,
    "could_not_stop": False,
    "note": 'Line one,\nline "two"; and a semicolon',
}
MINIMAL = {"kind": "could_not_cry", "started_at": "2024-05-02T08:00:00+00:00"}


def clean(row: dict) -> dict:
    return parse_episode_row(row, 1, NOW)


def test_csv_round_trip() -> None:
    text = rows_to_csv([FULL, MINIMAL])
    assert text.splitlines()[0] == ",".join(EXPORT_FIELDS)
    batch = read_diary_file(text.encode(), NOW)
    assert batch.source == "lacrima"
    assert batch.episodes == [clean(FULL), clean(MINIMAL)]
    assert batch.episodes[0]["emotions"] == ["sadness", "relief"]
    assert batch.episodes[0]["held_back"] is False
    assert batch.episodes[1]["held_back"] is None


def test_json_round_trip_list_and_export_object() -> None:
    for payload in ([FULL, MINIMAL], {"diary_episodes": [FULL, MINIMAL]}):
        batch = read_diary_file(json.dumps(payload).encode(), NOW)
        assert batch.episodes == [clean(FULL), clean(MINIMAL)]


def test_daylio_is_recognised() -> None:
    text = "full_date,date,weekday,time,mood,activities,note_title,note\n"
    text += "2024-05-01,May 1,Wednesday,08:30,good,,,\n"
    batch = read_diary_file(text.encode(), NOW)
    assert batch.source == "daylio" and batch.moods[0].mood == 7


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"intensity": 11}, "row 1: intensity must be between 0 and 10, got 11"),
        ({"mood_before": -1}, "mood_before must be between 0 and 10"),
        ({"mood_after": "six"}, "mood_after must be a whole number"),
        ({"mood_after": True}, "mood_after must be a whole number"),
        ({"kind": "laughed"}, "kind must be one of cried, could_not_cry"),
        ({"kind": ""}, "kind is missing"),
        ({"started_at": "yesterday"}, "not an ISO 8601 time"),
        ({"started_at": "2024-05-01T21:30"}, "has no time zone"),
        ({"started_at": "2030-01-01T00:00+00:00"}, "in the future"),
        ({"emotions": "sadness;boredom"}, "unknown emotion 'boredom'"),
        ({"held_back": "maybe"}, "held_back must be true or false"),
        ({"duration_min": 601}, "duration_min must be between 0 and 600"),
        ({"note": "x" * (MAX_NOTE_CHARS + 1)}, "note is 20001 characters long"),
        ({"company": "crowd"}, "company must be one of alone, one, several"),
    ],
)
def test_bad_values_name_row_and_field(change: dict, match: str) -> None:
    with pytest.raises(CareError, match=match):
        clean(FULL | change)


def test_one_bad_row_refuses_the_whole_file() -> None:
    text = rows_to_csv([FULL, FULL | {"intensity": 12}])
    with pytest.raises(CareError, match="row 3: intensity"):
        read_diary_file(text.encode(), NOW)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"a,b\n1,2\n", "unknown file"),
        (b"[1, 2]", "entry 1 is not an object"),
        (b'{"x": 1}', "must be a list"),
        (b"[{", "malformed"),
        (b"x" * (MAX_IMPORT_BYTES + 1), "the limit is"),
    ],
)
def test_bad_files(data: bytes, match: str) -> None:
    with pytest.raises(CareError, match=match):
        read_diary_file(data, NOW)


def test_account_export_zip_and_data_json() -> None:
    import io
    import zipfile

    document = {"format": "lacrima-export", "tables": {"diary_episodes": [FULL, MINIMAL]}}
    raw = json.dumps(document).encode()
    assert read_diary_file(raw, NOW).episodes == [clean(FULL), clean(MINIMAL)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("data.json", raw)
    assert read_diary_file(buffer.getvalue(), NOW).episodes == [clean(FULL), clean(MINIMAL)]
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("other.txt", "x")
    with pytest.raises(CareError, match=r"no data\.json"):
        read_diary_file(empty.getvalue(), NOW)
    with pytest.raises(CareError, match="damaged"):
        read_diary_file(b"PK\x03\x04broken", NOW)
