"""Daylio CSV import: columns, mood mapping, times, and clear errors."""

from __future__ import annotations

from datetime import datetime

import pytest

from lacrima.care.daylio import DAYLIO_MOODS, parse_daylio_csv
from lacrima.errors import CareError

HEADER = "full_date,date,weekday,time,mood,activities,note_title,note\n"
SAMPLE = (
    "\ufeff"
    + HEADER
    + '2024-05-02,May 2,Thursday,9:05 pm,awful,work | family,Hard day,"cried in the car<br>'
    'then slept"\n'
    + "2024-05-01,May 1,Wednesday,08:30,rad,friends | walk,,\n"
    + '2024-04-30,April 30,Tuesday,12:00 AM,meh,,,"a, b"\n'
)


def test_parses_a_daylio_export() -> None:
    rows = parse_daylio_csv(SAMPLE)
    assert [r.at for r in rows] == [
        datetime(2024, 5, 2, 21, 5),
        datetime(2024, 5, 1, 8, 30),
        datetime(2024, 4, 30, 0, 0),
    ]
    assert [r.mood for r in rows] == [1, 9, 5]
    assert rows[0].activities == ("work", "family")
    assert rows[0].note == "Hard day\ncried in the car\nthen slept"
    assert rows[1].note == "" and rows[2].note == "a, b"


def test_mapping_is_symmetric_band_centres() -> None:
    assert DAYLIO_MOODS == {"rad": 9, "good": 7, "meh": 5, "bad": 3, "awful": 1}


def test_custom_mood_names() -> None:
    text = HEADER + "2024-05-01,May 1,Wednesday,08:30,Super,,,\n"
    with pytest.raises(CareError, match="row 2: mood 'super' is not one of"):
        parse_daylio_csv(text)
    assert parse_daylio_csv(text, mood_map={"Super": 10})[0].mood == 10
    with pytest.raises(CareError, match="values must be 0-10"):
        parse_daylio_csv(text, mood_map={"super": 11})


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("01/05/2024,May 1,Wednesday,08:30,good,,,", "row 2: full_date"),
        ("2024-05-01,May 1,Wednesday,half past eight,good,,,", "row 2: time"),
        ("2024-02-30,Feb 30,Friday,08:30,good,,,", "row 2: full_date"),
    ],
)
def test_bad_rows_name_the_row(row: str, match: str) -> None:
    with pytest.raises(CareError, match=match):
        parse_daylio_csv(HEADER + row + "\n")


def test_not_a_daylio_file() -> None:
    with pytest.raises(CareError, match="missing column"):
        parse_daylio_csv("a,b,c\n1,2,3\n")


def test_empty_export_gives_no_rows() -> None:
    assert parse_daylio_csv(HEADER) == []
