"""read(): hint checking, overrides, and the promise that no raw traceback escapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from io_helpers import DATA, read_error

import lacrima
from lacrima.errors import LacrimaError, ReadError
from lacrima.io import Recording, read, reader
from lacrima.io.errors import (
    ChannelNotFoundError,
    HintError,
    MalformedFileError,
    UnknownKindError,
)

CSV = DATA / "bio_eventrelated_100hz_first20s.csv"


def test_lacrima_read_is_io_read() -> None:
    a, b = lacrima.read(CSV), read(str(CSV))
    assert isinstance(a, Recording) and list(a.channels) == list(b.channels)


def test_unknown_hint_lists_the_valid_ones() -> None:
    read_error(HintError, CSV, "unknown hint(s) kind", "kinds", "max_gap_s", kind={"ECG": "ecg"})


def test_kinds_hint_for_a_channel_that_is_not_there() -> None:
    read_error(
        ChannelNotFoundError,
        CSV,
        "kinds= names 'PPG', which is not a channel",
        "'ECG', 'EDA', 'Photosensor', 'RSP'",
        kinds={"PPG": "ppg"},
    )


def test_kinds_hint_with_an_unknown_kind() -> None:
    read_error(
        UnknownKindError,
        CSV,
        "kinds['RSP']='breathing' is not a channel kind",
        kinds={"RSP": "breathing"},
    )


def test_units_hint_sets_unit_and_reinfers_kind() -> None:
    rec = lacrima.read(CSV, units={"Photosensor": "uS", "ECG": "mV"})
    assert rec.channels["ECG"].unit == "mV" and rec.channels["ECG"].kind == "ecg"
    assert rec.channels["Photosensor"].kind == "eda"


@pytest.mark.parametrize(
    ("hints", "fragment"),
    [
        ({"max_gap_s": -1}, "max_gap_s=-1 must be a number of seconds >= 0"),
        ({"max_gap_s": "long"}, "max_gap_s='long'"),
        ({"kinds": ["ECG"]}, "kinds= must be a dict"),
        ({"units": "mV"}, "units= must be a dict"),
    ],
)
def test_bad_hint_values(hints: dict[str, Any], fragment: str) -> None:
    read_error(HintError, CSV, fragment, **hints)


def test_path_must_be_a_path() -> None:
    with pytest.raises(HintError, match="path must be a file path"):
        lacrima.read(42)  # type: ignore[arg-type]


def test_unexpected_library_errors_are_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path, hints: dict[str, Any]) -> Recording:
        raise KeyError("internal detail")

    monkeypatch.setitem(reader.READERS, "csv", (broken, reader.READERS["csv"][1]))
    with pytest.raises(MalformedFileError) as info:
        lacrima.read(CSV)
    message = str(info.value)
    assert message.startswith(f"{CSV.name}: could not be read as a CSV/TSV text table")
    assert "KeyError" in message and "check it opens in the software that wrote it" in message
    assert isinstance(info.value.__cause__, KeyError)


def test_every_reader_error_is_a_lacrima_error() -> None:
    from lacrima.io import errors

    for name in errors.__all__:
        cls = getattr(errors, name)
        if name != "ReadWarning":
            assert issubclass(cls, ReadError) and issubclass(cls, LacrimaError), name
