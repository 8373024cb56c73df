"""Several files, one session: grouping, merging on one clock, clashes, markers, errors."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from pyedflib import highlevel

import lacrima
from lacrima.io import Channel, Marker, MergeWarning, NoOverlapError, Recording
from lacrima.io.detect import group_files
from lacrima.io.errors import HintError, MissingFileError
from lacrima.io.merge import merge_recordings, merge_recordings_detailed

T0 = datetime(2024, 3, 1, 10, 0, 0, tzinfo=UTC)


def write_eda_csv(path: Path, start: datetime | None, seconds: int = 600, fs: int = 8) -> Path:
    """An 8-Hz EDA table; with a start time the time column is Unix epoch seconds."""
    t = np.arange(seconds * fs) / fs
    eda = 2.0 + 0.2 * np.sin(2 * np.pi * t / 120.0)
    t0 = start.timestamp() if start is not None else 0.0
    lines = ["time,EDA (uS)"] + [f"{t0 + ti:.3f},{v:.4f}" for ti, v in zip(t, eda, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_hr_csv(path: Path, start: datetime | None, seconds: int = 600) -> Path:
    """A 1-Hz heart-rate table (a second device)."""
    t = np.arange(seconds, dtype=float)
    hr = 70.0 + 5.0 * np.sin(2 * np.pi * t / 300.0)
    t0 = start.timestamp() if start is not None else 0.0
    lines = ["time,HR (bpm)"] + [f"{t0 + ti:.1f},{v:.2f}" for ti, v in zip(t, hr, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_edf(path: Path, start: datetime, seconds: int = 600, marker_s: float = 30.0) -> Path:
    """An EDF+ chest-strap file: ECG at 128 Hz and a marker, with its start date."""
    t = np.arange(seconds * 128) / 128
    ecg = np.sin(2 * np.pi * 1.2 * t)
    headers = [highlevel.make_signal_header("ECG", "mV", 128, -2, 2)]
    header = highlevel.make_header(startdate=start.replace(tzinfo=None))
    header["annotations"] = [[marker_s, 0, "tears"]]
    highlevel.write_edf(str(path), [ecg], headers, header)
    return path


def _hr(name: str, start: datetime | None, n: int, source: str) -> Recording:
    return Recording(
        {name: Channel(name, np.full(n, 70.0), 1.0, "bpm", "hr")},
        markers=[Marker(5.0, f"m-{source}")],
        start_time=start,
        source=source,
    )


# --- grouping: the one rule --------------------------------------------------------------


def test_group_files_puts_companions_with_their_main_file() -> None:
    groups = group_files(["100.dat", "100.hea", "100.atr", "w.csv", "w.markers.csv", "S04"])
    assert [g.primary.name for g in groups] == ["100.hea", "w.csv", "S04"]
    assert [p.name for p in groups[0].companions] == ["100.atr", "100.dat"]
    assert [p.name for p in groups[1].companions] == ["w.markers.csv"]


def test_a_companion_without_its_main_file_is_refused_or_skipped() -> None:
    with pytest.raises(MissingFileError, match=r"x\.json.*main file named x"):
        group_files(["x.json", "y.csv"])
    assert [g.primary.name for g in group_files(["x.json", "y.csv"], strict=False)] == ["y.csv"]


# --- merging on one clock -----------------------------------------------------------------


def test_overlapping_files_are_placed_by_their_start_times(tmp_path: Path) -> None:
    chest = write_edf(tmp_path / "chest.edf", T0, seconds=600, marker_s=30.0)
    wrist = write_eda_csv(tmp_path / "wrist.csv", T0 + timedelta(seconds=120), seconds=600)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MergeWarning)  # start times known: no warning
        rec = lacrima.read([chest, wrist])
    assert rec.start_time == T0
    assert rec.source == "chest.edf + wrist.csv"
    assert rec.channels["ECG"].start_s == 0.0
    assert rec.channels["EDA"].start_s == pytest.approx(120.0)
    assert rec.channels["EDA"].fs_hz == 8.0
    assert rec.duration_s == pytest.approx(720.0, abs=0.5)
    assert [(m.time_s, m.label) for m in rec.markers] == [(30.0, "tears")]


def test_markers_of_the_later_file_are_shifted_onto_the_session_clock() -> None:
    a = _hr("HR", T0, 600, "chest.csv")
    b = _hr("EDA", T0 + timedelta(seconds=60), 600, "wrist.csv")
    rec = merge_recordings([b, a])
    assert rec.start_time == T0
    assert [(m.time_s, m.label) for m in rec.markers] == [
        (5.0, "m-chest.csv"),
        (65.0, "m-wrist.csv"),
    ]
    assert rec.channels["EDA"].start_s == 60.0


def test_files_that_do_not_overlap_are_refused_with_both_spans(tmp_path: Path) -> None:
    chest = write_edf(tmp_path / "chest.edf", T0, seconds=300)
    wrist = write_hr_csv(tmp_path / "wrist.csv", T0 + timedelta(hours=2), seconds=300)
    with pytest.raises(NoOverlapError) as info:
        lacrima.read([chest, wrist])
    message = str(info.value)
    assert "do not overlap" in message
    assert "chest.edf runs 2024-03-01T10:00:00+00:00 to 2024-03-01T10:05:00+00:00" in message
    assert "wrist.csv runs 2024-03-01T12:00:00+00:00 to 2024-03-01T12:05:00+00:00" in message
    assert isinstance(info.value, lacrima.errors.LacrimaError)


def test_a_file_without_start_time_aligns_at_zero_with_a_warning(tmp_path: Path) -> None:
    chest = write_edf(tmp_path / "chest.edf", T0, seconds=600)
    wrist = write_hr_csv(tmp_path / "wrist.csv", None, seconds=500)
    with pytest.warns(MergeWarning, match=r"wrist\.csv carries no start time.*aligned"):
        session = lacrima.io.read_session([chest, wrist])
    assert session.aligned_by == "zero"
    assert session.offsets_s == (0.0, 0.0)
    assert session.recording.channels["HR"].start_s == 0.0
    assert session.notes and "no start time" in session.notes[0]


def test_clashing_channel_names_get_the_file_stem(tmp_path: Path) -> None:
    a = write_hr_csv(tmp_path / "chest.csv", T0)
    b = write_hr_csv(tmp_path / "wrist.csv", T0 + timedelta(seconds=10))
    session = lacrima.io.read_session([a, b])
    assert sorted(session.recording.channels) == ["HR_chest", "HR_wrist"]
    assert session.renamed == {"HR_chest": "HR", "HR_wrist": "HR"}
    assert session.recording.channels["HR_wrist"].start_s == 10.0
    assert session.recording.channels["HR_chest"].kind == "hr"


def test_same_stem_in_two_folders_adds_the_file_position() -> None:
    a = _hr("HR", T0, 100, "a/s.csv")
    b = _hr("HR", T0, 100, "b/s.csv")
    assert sorted(merge_recordings([a, b]).channels) == ["HR_s_1", "HR_s_2"]


def test_event_series_are_shifted_too() -> None:
    ibi = Channel("IBI", [0.8, 0.8], np.nan, "s", "ibi", times_s=np.array([1.0, 1.8]))
    a = Recording({"IBI": ibi}, start_time=T0 + timedelta(seconds=30), source="e4")
    b = _hr("HR", T0, 100, "strap")
    rec = merge_recordings([a, b])
    assert rec.channels["IBI"].times_s.tolist() == [31.0, 31.8]


def test_kinds_and_fs_hints_apply_to_the_right_files(tmp_path: Path) -> None:
    chest = write_edf(tmp_path / "chest.edf", T0, seconds=120)
    table = tmp_path / "wrist.csv"
    table.write_text("EDA\n" + "\n".join("2.0" for _ in range(8 * 120)) + "\n")
    with pytest.warns(MergeWarning, match="no start time"):
        rec = lacrima.read([chest, table], fs=8, kinds={"EDA": "eda"})
    assert rec.channels["EDA"].fs_hz == 8.0
    other = write_edf(tmp_path / "other.edf", T0, seconds=120)
    with pytest.raises(HintError, match=r"fs: no file of this session \(chest.edf, other.edf\)"):
        lacrima.read([chest, other], fs=8)


def test_one_path_in_a_list_is_the_plain_read(tmp_path: Path) -> None:
    wrist = write_hr_csv(tmp_path / "wrist.csv", T0)
    assert sorted(lacrima.read([wrist]).channels) == sorted(lacrima.read(wrist).channels)


def test_an_empty_list_is_a_clear_error() -> None:
    with pytest.raises(HintError, match="non-empty list"):
        lacrima.read([])


@dataclass
class _Beats:
    times_s: np.ndarray
    symbols: list[str] = field(default_factory=list)


def test_further_recording_fields_are_carried_and_shifted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A field added to Recording later (reference beats) comes through the merge."""
    import dataclasses

    @dataclass(repr=False)
    class Extended(Recording):
        reference_beats: _Beats | None = None

    monkeypatch.setattr("lacrima.io.merge.Recording", Extended)
    a = Extended(
        {"ECG": Channel("ECG", np.zeros(1000), 100.0, "mV", "ecg")},
        start_time=T0 + timedelta(seconds=2),
        source="strap.edf",
        reference_beats=_Beats(np.array([1.0, 2.0]), ["N", "N"]),
    )
    b = Extended({"HR": Channel("HR", np.zeros(20), 1.0, "bpm", "hr")}, start_time=T0)
    merged = merge_recordings([a, b])
    assert isinstance(merged, Extended)
    assert merged.reference_beats is not None
    assert merged.reference_beats.times_s.tolist() == [3.0, 4.0]
    assert [f.name for f in dataclasses.fields(merged)][-1] == "reference_beats"


def test_detailed_result_says_how_files_were_put_together() -> None:
    a = _hr("HR", T0, 600, "chest.csv")
    b = _hr("EDA", T0 + timedelta(seconds=60), 600, "wrist.csv")
    session = merge_recordings_detailed([a, b])
    assert session.sources == ("chest.csv", "wrist.csv")
    assert session.offsets_s == (0.0, 60.0)
    assert session.aligned_by == "start_time"
    assert session.notes == ()


def test_reference_beats_of_a_later_file_are_moved_onto_the_session_clock() -> None:
    from lacrima.io.recording import ReferenceBeats

    beats = ReferenceBeats(np.array([0.5, 1.3]), ("N", "V"), "strap.atr")
    strap = Recording(
        {"ECG": Channel("ECG", np.zeros(1000), 100.0, "mV", "ecg")},
        start_time=T0 + timedelta(seconds=20),
        source="strap",
        reference_beats=beats,
    )
    band = _hr("HR", T0, 100, "band.csv")
    merged = merge_recordings([band, strap])
    assert merged.reference_beats is not None
    assert merged.reference_beats.times_s.tolist() == [20.5, 21.3]
    assert merged.reference_beats.symbols == ("N", "V")


def test_names_that_differ_only_in_case_count_as_a_clash() -> None:
    a = _hr("hr", T0, 100, "e4.zip")
    b = _hr("HR", T0, 100, "strap.csv")
    assert sorted(merge_recordings([a, b]).channels) == ["HR_strap", "hr_e4"]
