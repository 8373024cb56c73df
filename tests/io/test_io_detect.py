"""Format detection: extension plus content sniffing, and clear errors when they disagree."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pyedflib
import pytest
from io_helpers import DATA, read_error

import lacrima
from lacrima.io import detect_format
from lacrima.io.errors import (
    EmptyFileError,
    FormatMismatchError,
    HintError,
    MissingFileError,
    TruncatedFileError,
    UnsupportedFormatError,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _edf(path: Path) -> Path:
    header = pyedflib.highlevel.make_signal_header("ECG", sample_frequency=100)
    pyedflib.highlevel.write_edf(str(path), [np.sin(np.arange(1000) / 10)], [header])
    return path


def test_png_renamed_edf(tmp_path: Path) -> None:
    path = tmp_path / "session.edf"
    path.write_bytes(PNG)
    read_error(
        FormatMismatchError,
        path,
        "session.edf: its extension (.edf) says an EDF/EDF+/BDF file",
        "its content is a PNG image",
    )


def test_text_renamed_zip_suggests_csv(tmp_path: Path) -> None:
    path = tmp_path / "e4.zip"
    path.write_text("ECG,EDA\n1,2\n3,4\n")
    read_error(FormatMismatchError, path, "content is plain text", "format='csv'")


def test_edf_renamed_csv_suggests_edf(tmp_path: Path) -> None:
    path = _edf(tmp_path / "a.edf").rename(tmp_path / "a.csv")
    read_error(FormatMismatchError, path, "content is an EDF file", "format='edf'")


def test_format_hint_is_checked_against_content(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    shutil.copy(DATA / "bio_eventrelated_100hz_first20s.csv", path)
    read_error(FormatMismatchError, path, "format='xdf' says an XDF file", format="xdf")


def test_unknown_extension_uses_content(tmp_path: Path) -> None:
    path = _edf(tmp_path / "a.edf").rename(tmp_path / "recording.bin")
    assert detect_format(path) == "edf"
    assert lacrima.read(path).channels["ECG"].fs_hz == 100


def test_unknown_extension_and_binary_content(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)))
    read_error(UnsupportedFormatError, path, "blob.bin: cannot tell its format", "format=")


def test_excel_workbook_renamed_csv(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    read_error(FormatMismatchError, path, "an Excel workbook")


def test_zip_without_e4_files(tmp_path: Path) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.jpg", PNG)
    read_error(FormatMismatchError, path, "a zip archive without Empatica E4 files")


def test_damaged_zip(tmp_path: Path) -> None:
    path = tmp_path / "e4.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    read_error(TruncatedFileError, path, "damaged or truncated")


@pytest.mark.parametrize("name", ["empty.csv", "empty.edf", "empty.xdf", "empty.zip"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    read_error(EmptyFileError, path, f"{name}: the file is empty")


def test_missing_file_suggests_similar_names(tmp_path: Path) -> None:
    (tmp_path / "session_01.csv").write_text("ECG\n1\n")
    message = read_error(MissingFileError, tmp_path / "sesion_01.csv", "no such file")
    assert "session_01.csv" in message
    with pytest.raises(FileNotFoundError):  # also a FileNotFoundError for generic callers
        lacrima.read(tmp_path / "nothing_like_it.csv")


def test_missing_folder(tmp_path: Path) -> None:
    read_error(MissingFileError, tmp_path / "nope" / "a.csv", "does not exist either")


def test_folder_without_e4_files(tmp_path: Path) -> None:
    read_error(UnsupportedFormatError, tmp_path, "a folder without Empatica E4 files")


def test_unknown_format_hint(tmp_path: Path) -> None:
    read_error(HintError, DATA / "mitdb100_10s.hea", "format='mat'", "csv, bids", format="mat")


def test_format_aliases() -> None:
    path = DATA / "bio_eventrelated_100hz_first20s.csv"
    assert detect_format(path, "tsv") == "csv"
    assert detect_format(DATA / "e4_s04_first10min.zip", "Empatica") == "e4"
