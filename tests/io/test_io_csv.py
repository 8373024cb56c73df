"""CSV/TSV tables: real NeuroKit2 data, time columns, hints, and every malformed case."""

from __future__ import annotations

import gzip
import math
import shutil
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from io_helpers import DATA, SHARED, needs_shared, read_error

import lacrima
from lacrima.io import ReadWarning
from lacrima.io.errors import (
    ChannelNotFoundError,
    DelimiterError,
    EmptyFileError,
    HintError,
    InconsistentRateError,
    MalformedFileError,
    MissingDataError,
    MissingRateError,
    NonNumericError,
    TruncatedFileError,
)

NEUROKIT = DATA / "bio_eventrelated_100hz_first20s.csv"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _table(rows: int = 500, fs: float = 100.0, time: bool = True) -> str:
    t = np.arange(rows) / fs
    lines = ["time,ECG,EDA (uS)"] if time else ["ECG,EDA (uS)"]
    for i, ti in enumerate(t):
        values = [f"{math.sin(ti * 7):.5f}", f"{2 + 0.01 * i:.4f}"]
        lines.append(",".join(([f"{ti:.4f}"] if time else []) + values))
    return "\n".join(lines) + "\n"


# --- real data ---------------------------------------------------------------------------


def test_neurokit_example_rate_from_file_name() -> None:
    rec = lacrima.read(NEUROKIT)
    assert list(rec.channels) == ["ECG", "EDA", "Photosensor", "RSP"]
    kinds = {name: c.kind for name, c in rec.channels.items()}
    assert kinds == {"ECG": "ecg", "EDA": "eda", "Photosensor": "other", "RSP": "resp"}
    for channel in rec.channels.values():
        assert channel.fs_hz == 100.0 and channel.samples.size == 2000 and channel.unit == "a.u."
    assert rec.duration_s == pytest.approx(20.0)
    assert rec.start_time is None and rec.markers == []
    # NeuroKit's SOURCE.md: the photosensor drops at the first image onset, sample 1024
    photo = rec.channels["Photosensor"].samples
    assert photo[1000] > photo[1030]
    # EDA of this participant is around 13 (a.u.; NeuroKit stores uS-like values)
    assert 5 < np.median(rec.channels["EDA"].samples) < 30


@needs_shared
def test_neurokit_full_files() -> None:
    assert SHARED is not None
    folder = SHARED / "neurokit-example-bio"
    rec = lacrima.read(folder / "bio_resting_5min_100hz.csv")
    assert [c.kind for c in rec.channels.values()] == ["ecg", "ppg", "resp"]
    assert rec.duration_s == pytest.approx(300.0)
    ecg = lacrima.read(folder / "ecg_1000hz.csv").channels["ECG"]
    assert ecg.fs_hz == 1000.0 and ecg.samples.size == 50_000


def test_fs_hint_and_kinds_hint(tmp_path: Path) -> None:
    path = shutil.copy(NEUROKIT, tmp_path / "participant.csv")
    read_error(MissingRateError, path, "participant.csv: has no time column", "fs=")
    rec = lacrima.read(path, fs=100, kinds={"Photosensor": "other", "EDA": "eda", "RSP": "ecg"})
    assert rec.channels["RSP"].kind == "ecg"
    assert rec.channels["ECG"].fs_hz == 100.0


def test_time_column_units_and_kinds(tmp_path: Path) -> None:
    rec = lacrima.read(_write(tmp_path, "s.csv", _table()))
    eda = rec.channels["EDA"]
    assert (eda.fs_hz, eda.unit, eda.kind, eda.samples.size) == (100.0, "uS", "eda", 500)
    assert "time" not in rec.channels


def test_time_column_in_ms_starting_late(tmp_path: Path) -> None:
    text = "t (ms),Resp\n" + "".join(f"{5000 + 4 * i},{i % 7}\n" for i in range(300))
    rec = lacrima.read(_write(tmp_path, "r.csv", text))
    resp = rec.channels["Resp"]
    assert resp.fs_hz == 250.0 and resp.kind == "resp" and resp.start_s == pytest.approx(5.0)


def test_epoch_time_column_gives_start_time(tmp_path: Path) -> None:
    text = "timestamp,PPG\n" + "".join(f"{1700000000 + i / 64:.6f},{i}\n" for i in range(640))
    rec = lacrima.read(_write(tmp_path, "p.csv", text))
    assert rec.start_time == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert rec.channels["PPG"].fs_hz == 64.0 and rec.channels["PPG"].start_s == 0.0


def test_iso_time_column(tmp_path: Path) -> None:
    text = "time,GSR\n" + "".join(
        f"2024-05-01T09:00:{i // 4:02d}.{(i % 4) * 25:02d}0+02:00,{i}\n" for i in range(40)
    )
    rec = lacrima.read(_write(tmp_path, "g.csv", text))
    assert rec.start_time == datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
    assert rec.channels["GSR"].fs_hz == 4.0 and rec.channels["GSR"].kind == "eda"


def test_tsv_comments_and_headerless(tmp_path: Path) -> None:
    text = "# exported by a device\r\n# rate 50 Hz\r\nECG\tRSP\r\n" + "0.1\t1\r\n0.2\t2\r\n" * 50
    path = tmp_path / "x.tsv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())  # with a UTF-8 byte-order mark
    rec = lacrima.read(path, fs=50)
    assert list(rec.channels) == ["ECG", "RSP"] and rec.duration_s == pytest.approx(2.0)
    rec = lacrima.read(_write(tmp_path, "y_20hz.csv", "1,2\n3,4\n5,6\n"))
    assert list(rec.channels) == ["ch1", "ch2"] and rec.channels["ch1"].fs_hz == 20.0


def test_gzip_csv_and_pandas_index_column(tmp_path: Path) -> None:
    path = tmp_path / "z.csv.gz"
    body = ",ECG\n" + "".join(f"{i},{i * 0.5}\n" for i in range(100))
    path.write_bytes(gzip.compress(body.encode()))
    rec = lacrima.read(path, fs=10)
    assert list(rec.channels) == ["ECG"] and rec.channels["ECG"].samples[-1] == 49.5


def test_spreadsheet_export_latin1_and_trailing_delimiters(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("EDA (µS),Resp,\n".encode("latin-1") + b"1.5,0.1,\n1.6,0.2,\n" * 20)
    rec = lacrima.read(path, fs=4)
    assert list(rec.channels) == ["EDA", "Resp"]
    assert (rec.channels["EDA"].unit, rec.channels["EDA"].kind) == ("uS", "eda")


def test_markers_file_next_to_the_table(tmp_path: Path) -> None:
    path = _write(tmp_path, "sess.csv", _table())
    _write(tmp_path, "sess.markers.csv", "time_s,label,duration_s\n1.000,tears,2.5\n3.2,relief,0\n")
    rec = lacrima.read(path)
    assert [(m.time_s, m.label, m.duration_s) for m in rec.markers] == [
        (1.0, "tears", 2.5),
        (3.2, "relief", 0.0),
    ]
    _write(tmp_path, "sess.markers.csv", "time_s,label\nsoon,tears\n")
    read_error(MalformedFileError, path, "sess.markers.csv: line 2")


def test_decimal_comma_with_semicolons(tmp_path: Path) -> None:
    path = _write(tmp_path, "eu.csv", "time;ECG\n0,00;0,5\n0,01;0,25\n0,02;0,125\n")
    read_error(DelimiterError, path, "semicolon-separated", "delimiter=';'", "decimal=','")
    read_error(NonNumericError, path, "'0,5' is not a number", "decimal=','", delimiter=";")
    rec = lacrima.read(path, delimiter=";", decimal=",")
    assert rec.channels["ECG"].samples.tolist() == [0.5, 0.25, 0.125]


# --- malformed files ---------------------------------------------------------------------


def test_empty_and_header_only(tmp_path: Path) -> None:
    read_error(EmptyFileError, _write(tmp_path, "e.csv", ""), "e.csv: the file is empty")
    read_error(EmptyFileError, _write(tmp_path, "h.csv", "time,ECG\n"), "no data rows", fs=1)
    read_error(EmptyFileError, _write(tmp_path, "c.csv", "# only a comment\n"), "only comments")


def test_truncated_last_line(tmp_path: Path) -> None:
    text = _table(50)
    path = tmp_path / "cut.csv"
    path.write_text(text[: text.rindex(",")])  # the last row loses its EDA cell and newline
    read_error(TruncatedFileError, path, "cut.csv: the last line (51)", "truncated")


def test_wrong_delimiter(tmp_path: Path) -> None:
    path = _write(tmp_path, "tabs.csv", "ECG\tEDA\n1\t2\n")
    read_error(DelimiterError, path, "tabs.csv: the header (line 1) has no comma", "tab")
    path = _write(tmp_path, "commas.tsv", "ECG,EDA\n1,2\n")
    read_error(DelimiterError, path, "has no tab but 1 comma", "delimiter=','")
    path = _write(tmp_path, "mixed.csv", "ECG,EDA\n1,2\n3;4\n")
    read_error(DelimiterError, path, "mixed.csv: line 3 is split by ';'", fs=1)


def test_row_with_extra_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "extra.csv", "ECG,EDA\n1,2\n3,4,5\n6,7\n")
    read_error(MalformedFileError, path, "line 3 has 3 fields but the header has 2", fs=1)


def test_non_numeric_cell_names_line_and_column(tmp_path: Path) -> None:
    text = _table(20).splitlines()
    text[5] = text[5].rsplit(",", 1)[0] + ",abc"
    path = _write(tmp_path, "bad.csv", "\n".join(text) + "\n")
    read_error(NonNumericError, path, "bad.csv: line 6, column 3 ('EDA'): 'abc' is not a number")


def test_garbled_bytes_in_a_cell(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "g.csv", "time_s,ecg,eda\n0.00,0.1,2.0\n0.02,zz,2.0\n0.04,0.1,\x00\x01\n"
    )
    read_error(NonNumericError, path, "line 3, column 2 ('ecg'): 'zz'")


def test_infinite_value(tmp_path: Path) -> None:
    path = _write(tmp_path, "inf.csv", "ECG\n1\n1e999\n")
    read_error(NonNumericError, path, "line 3, column 1 ('ECG')", "infinite", fs=1)


def test_short_nan_run_is_kept_with_a_warning(tmp_path: Path) -> None:
    lines = _table(500).splitlines()
    for i in (101, 102, 103):  # three missing ECG values at 100 Hz = 0.03 s
        parts = lines[i].split(",")
        lines[i] = f"{parts[0]},,{parts[2]}"
    path = _write(tmp_path, "gap.csv", "\n".join(lines) + "\n")
    with pytest.warns(ReadWarning, match=r"'ECG' has 3 missing value\(s\).*line 102"):
        rec = lacrima.read(path)
    assert np.isnan(rec.channels["ECG"].samples[100:103]).all()
    assert not np.isnan(rec.channels["EDA"].samples).any()


def test_long_nan_run_is_an_error(tmp_path: Path) -> None:
    lines = _table(800).splitlines()
    for i in range(201, 601):  # 4 s of missing EDA
        lines[i] = lines[i].rsplit(",", 1)[0] + ","
    path = _write(tmp_path, "hole.csv", "\n".join(lines) + "\n")
    read_error(
        MissingDataError,
        path,
        "hole.csv: channel 'EDA' has a run of 400 missing values (4 s) starting at line 202",
        "max_gap_s=4",
    )
    with pytest.warns(ReadWarning, match="kept as NaN"):
        rec = lacrima.read(path, max_gap_s=4)
    assert np.isnan(rec.channels["EDA"].samples).sum() == 400


def test_empty_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "col.csv", "ECG,EDA\n1,\n2,\n3,\n")
    read_error(MissingDataError, path, "channel 'EDA' has no values", fs=1)


def test_time_column_with_a_gap(tmp_path: Path) -> None:
    lines = _table(300).splitlines()
    del lines[150:170]  # 0.2 s of rows missing
    path = _write(tmp_path, "jump.csv", "\n".join(lines) + "\n")
    read_error(
        InconsistentRateError,
        path,
        "jump.csv: time column 'time' is not evenly spaced: between line 150 and line 151",
        "0.21 s",
    )


def test_time_column_going_back(tmp_path: Path) -> None:
    path = _write(tmp_path, "back.csv", "time,ECG\n0.0,1\n0.1,1\n0.05,1\n0.2,1\n")
    read_error(InconsistentRateError, path, "does not increase at line 4 (0.05 after 0.1)")


def test_time_column_disagrees_with_fs_hint(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", _table(100, fs=100))
    read_error(InconsistentRateError, path, "says 100 Hz but fs=250", fs=250)
    assert lacrima.read(path, fs=250, time_column=False).channels["time"].fs_hz == 250


def test_bad_hints(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", _table(100))
    read_error(HintError, path, "fs=-3 must be a positive sampling rate", fs=-3, time_column=False)
    read_error(
        ChannelNotFoundError, path, "time_column='clock' is not a column", time_column="clock"
    )
    read_error(HintError, path, "delimiter=';;' must be one character", delimiter=";;")


def test_duplicate_and_ambiguous_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "dup.csv", "ECG,ECG\n1,2\n")
    read_error(MalformedFileError, path, "columns 1 and 2 are both named 'ECG'", fs=1)
    path = _write(tmp_path, "two.csv", "time,timestamp,ECG\n0,0,1\n1,1,1\n")
    read_error(MalformedFileError, path, "several columns look like time columns", "time_column=")


def test_time_column_alone(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.csv", "time\n0\n1\n2\n")
    read_error(MalformedFileError, path, "has a time column but no signal columns")
