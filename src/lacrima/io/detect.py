"""Which reader a path needs: by extension, checked against the content.

The extension (or the ``format=`` hint) proposes a format; the first bytes of the file
must agree, otherwise :class:`~lacrima.io.errors.FormatMismatchError` says what the file
really looks like (a PNG image renamed ``.edf``, a text file renamed ``.zip``). A file
with an unknown extension is read by what its content looks like.
"""

from __future__ import annotations

import difflib
import gzip
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lacrima.io.errors import (
    EmptyFileError,
    FormatMismatchError,
    HintError,
    MissingFileError,
    TruncatedFileError,
    UnsupportedFormatError,
)

__all__ = [
    "COMPANION_SUFFIXES",
    "E4_FILES",
    "FORMATS",
    "FileGroup",
    "companions_of",
    "detect_format",
    "group_files",
    "is_recording_name",
    "resolve_path",
    "sniff",
]

#: format name -> what it is, for messages.
FORMATS: dict[str, str] = {
    "csv": "a CSV/TSV text table",
    "bids": "a BIDS physio file (*_physio.tsv.gz with its JSON sidecar)",
    "edf": "an EDF/EDF+/BDF file",
    "wfdb": "a WFDB record (.hea header with its .dat signal file)",
    "xdf": "an XDF file (Lab Streaming Layer)",
    "e4": "an Empatica E4 export (zip or folder)",
}
_ALIASES = {"tsv": "csv", "txt": "csv", "bdf": "edf", "edf+": "edf", "empatica": "e4"}

#: Files of an Empatica E4 export (upper case as written by E4 Connect).
E4_FILES: tuple[str, ...] = ("BVP.csv", "EDA.csv", "HR.csv", "IBI.csv", "TEMP.csv", "ACC.csv")

_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".tab": "csv",
    ".csv.gz": "csv",
    ".tsv.gz": "csv",
    ".edf": "edf",
    ".bdf": "edf",
    ".hea": "wfdb",
    ".dat": "wfdb",
    ".xdf": "xdf",
    ".xdfz": "xdf",
    ".xdf.gz": "xdf",
    ".zip": "e4",
}

# content kind -> formats that accept it
_ACCEPTS: dict[str, set[str]] = {
    "csv": {"text", "gzip-text"},
    "bids": {"text", "gzip-text"},
    "edf": {"edf", "bdf"},
    "wfdb": {"text"},
    "xdf": {"xdf"},
    "e4": {"zip-e4", "folder-e4"},
}
_CONTENT_FORMAT = {
    "edf": "edf",
    "bdf": "edf",
    "xdf": "xdf",
    "zip-e4": "e4",
    "folder-e4": "e4",
    "text": "csv",
    "gzip-text": "csv",
}
_DESCRIPTIONS = {
    "edf": "an EDF file",
    "bdf": "a BDF file",
    "xdf": "an XDF file",
    "zip-e4": "an Empatica E4 zip export",
    "folder-e4": "an Empatica E4 folder",
    "zip": "a zip archive without Empatica E4 files",
    "folder": "a folder without Empatica E4 files",
    "xlsx": "an Excel workbook",
    "docx": "a Word document",
    "gzip-text": "gzip-compressed text",
    "gzip": "gzip-compressed binary data",
    "text": "plain text",
    "binary": "binary data of an unknown format",
}
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xffBIOSEMI", "bdf"),
    (b"XDF:", "xdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x89HDF\r\n\x1a\n", "an HDF5 file"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"SQLite format 3", "an SQLite database"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)


def _is_text(head: bytes) -> bool:
    """Mostly printable characters (a stray control byte in a cell is a cell problem)."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the end of the sample
            text = head[: exc.start].decode("utf-8")
        else:
            text = head.decode("latin-1")
    printable = sum(char.isprintable() or char in "\t\r\n" for char in text)
    return printable >= 0.95 * max(len(text), 1)


def _is_edf(head: bytes) -> bool:
    """An EDF header: version "0" and a header length of 256 * (1 + number of signals)."""
    if len(head) < 256 or head[:8] != b"0       ":
        return False
    try:
        header_bytes = int(head[184:192].decode("ascii"))
        n_signals = int(head[252:256].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return False
    return header_bytes == 256 * (n_signals + 1)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile as exc:
        raise TruncatedFileError(
            f"{path.name}: starts like a zip archive but cannot be opened ({exc}): it is "
            "damaged or truncated. Download or copy it again."
        ) from None
    base = {name.rsplit("/", 1)[-1].upper() for name in names}
    if base & {name.upper() for name in E4_FILES}:
        return "zip-e4"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if any(name.startswith("word/") for name in names):
        return "docx"
    return "zip"


def _gzip_kind(path: Path) -> str:
    try:
        with gzip.open(path, "rb") as stream:
            head = stream.read(4096)
    except (OSError, EOFError):
        return "gzip"
    if head.startswith(b"XDF:"):
        return "xdf"
    return "gzip-text" if head and _is_text(head) else "gzip"


def sniff(path: Path) -> str:
    """Describe what a path's content is, from its first bytes.

    Parameters
    ----------
    path : pathlib.Path
        An existing file or folder.

    Returns
    -------
    str
        A content kind: ``"edf"``, ``"bdf"``, ``"xdf"``, ``"zip-e4"``, ``"folder-e4"``,
        ``"text"``, ``"gzip-text"``, ``"zip"``, ``"folder"``, ``"xlsx"``, ``"binary"``, ...,
        or a phrase such as ``"a PNG image"`` for a known foreign format.

    Raises
    ------
    EmptyFileError
        The file has no bytes.
    """
    if path.is_dir():
        names = {child.name.upper() for child in path.iterdir()}
        return "folder-e4" if names & {name.upper() for name in E4_FILES} else "folder"
    with path.open("rb") as stream:
        head = stream.read(4096)
    if not head.strip():
        raise EmptyFileError(
            f"{path.name}: the file is empty. Check that the export or copy finished."
        )
    if _is_edf(head):
        return "edf"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if kind == "zip":
                return _zip_kind(path)
            if kind == "gzip":
                return _gzip_kind(path)
            return kind
    return "text" if _is_text(head) else "binary"


def _extension_format(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(_EXTENSIONS, key=len, reverse=True):
        if name.endswith(suffix):
            return _EXTENSIONS[suffix]
    return None


def is_recording_name(name: str) -> bool:
    """True when a file name has the extension of a format Lacrima reads, or a companion's.

    Used to pick the recordings out of a folder (``lacrima batch``), where notes such as
    ``README.md`` or ``protocol.pdf`` may lie beside them.
    """
    lower = name.lower()
    return _extension_format(Path(name)) is not None or lower.endswith(COMPANION_SUFFIXES)


def resolve_path(path: Path) -> Path:
    """Return the path to read, or raise :class:`MissingFileError` with a suggestion.

    A WFDB record may be named by its ``.dat`` file or without extension (``"data/100"``);
    both resolve to its header ``data/100.hea``.
    """
    if path.suffix.lower() == ".dat" and path.is_file():
        header = path.with_suffix(".hea")
        if not header.exists():
            raise MissingFileError(
                f"{path.name}: a WFDB signal file needs its header {header.name} next to it. "
                "Copy the .hea file too, and pass the .hea path or the record name."
            )
        return header
    if path.exists():
        return path
    header = path.with_name(path.name + ".hea")
    if header.exists():
        return header
    folder = path.parent
    if not folder.is_dir():
        raise MissingFileError(
            f"{path}: no such file; its folder {folder} does not exist either. Check the path."
        )
    close = difflib.get_close_matches(path.name, [p.name for p in folder.iterdir()], n=3)
    hint = f" Similar names there: {', '.join(close)}." if close else ""
    raise MissingFileError(f"{path}: no such file.{hint} Check the path and its spelling.")


def _check_format_hint(fmt: str) -> str:
    name = _ALIASES.get(fmt.lower(), fmt.lower()) if isinstance(fmt, str) else fmt
    if name not in FORMATS:
        raise HintError(
            f"format={fmt!r} is not a format Lacrima reads. Valid formats: {', '.join(FORMATS)}."
        )
    return name


def _is_bids(path: Path) -> bool:
    name = path.name
    if not name.lower().endswith((".tsv.gz", ".tsv")):
        return False
    stem = name[: -len(".tsv.gz")] if name.lower().endswith(".gz") else name[: -len(".tsv")]
    return stem.endswith("_physio") or path.with_name(stem + ".json").exists()


def detect_format(path: Path, hint: str | None = None) -> str:
    """Decide which reader a path needs.

    Parameters
    ----------
    path : pathlib.Path
        An existing file or folder.
    hint : str or None
        The ``format=`` hint; it replaces the extension, the content check still applies.

    Returns
    -------
    str
        A key of :data:`FORMATS`.

    Raises
    ------
    HintError
        Unknown ``hint``.
    FormatMismatchError
        The content disagrees with the extension or hint.
    UnsupportedFormatError
        Neither extension nor content names a supported format.
    EmptyFileError, TruncatedFileError
        From sniffing the content.
    """
    expected = _check_format_hint(hint) if hint is not None else None
    content = sniff(path)
    claimed = expected or _extension_format(path)
    if claimed is None:
        fmt = _CONTENT_FORMAT.get(content)
        if fmt is None:
            raise UnsupportedFormatError(
                f"{path.name}: cannot tell its format; its content looks like "
                f"{_DESCRIPTIONS.get(content, content)}. Lacrima reads "
                f"{'; '.join(FORMATS.values())}. Pass format=... if it is one of them."
            )
        claimed = fmt
    if claimed == "csv" and expected is None and _is_bids(path):
        claimed = "bids"
    if content in _ACCEPTS[claimed]:
        return claimed
    actual = _CONTENT_FORMAT.get(content)
    what = _DESCRIPTIONS.get(content, content)
    fix = (
        f" It looks like {FORMATS[actual]}: rename it, or pass format={actual!r}."
        if actual is not None and actual != claimed
        else " Check that you picked the right file and that it was copied completely."
    )
    said = f"format={hint!r}" if hint is not None else f"its extension ({path.suffix})"
    raise FormatMismatchError(
        f"{path.name}: {said} says {FORMATS[claimed]}, but its content is {what}.{fix}"
    )


#: Files read together with a main file of the same stem: the WFDB signal file and
#: annotation files (``annotator=``), a BIDS JSON sidecar, the markers sidecar of a table.
#: They are never recordings of their own (see ``docs/formats.md``, "Several files").
COMPANION_SUFFIXES: tuple[str, ...] = (
    ".dat",
    ".atr",
    ".qrs",
    ".ann",
    ".apn",
    ".ecg",
    ".pu",
    ".sqrs",
    ".wqrs",
    ".json",
    ".markers.csv",
)


@dataclass(frozen=True)
class FileGroup:
    """The files that make one recording: the one the reader opens and its companions.

    Attributes
    ----------
    primary : pathlib.Path
        The path :func:`lacrima.read` opens (a WFDB record's ``.hea``, a table, an EDF
        file, an Empatica E4 zip or folder).
    companions : tuple of pathlib.Path
        Files read with it (:data:`COMPANION_SUFFIXES`), sorted.
    """

    primary: Path
    companions: tuple[Path, ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        """The primary file followed by its companions."""
        return (self.primary, *self.companions)


def _split_companion(name: str) -> tuple[str, str | None]:
    """``(stem, companion suffix)``; the suffix is None for a main file."""
    lower = name.lower()
    for suffix in sorted(COMPANION_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    return _main_stem(name), None


def _main_stem(name: str) -> str:
    lower = name.lower()
    for suffix in (".tsv.gz", ".csv.gz", ".xdf.gz"):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name.rsplit(".", 1)[0] if "." in name[1:] else name


def group_files(paths: Sequence[str | os.PathLike[str]], *, strict: bool = True) -> list[FileGroup]:
    """Group paths into recordings: each main file with its companions of the same stem.

    This is the one rule for "which files make one recording", used by
    :func:`lacrima.read` (several paths), ``lacrima analyze``, ``lacrima batch`` and the
    web upload. ``100.hea`` + ``100.dat`` + ``100.atr`` are one WFDB record; ``s.csv``
    + ``s.markers.csv`` one table with its markers; ``sub-01_physio.tsv.gz`` +
    ``sub-01_physio.json`` one BIDS file; a folder (an Empatica E4 export) and any other
    file are a recording each. A lone WFDB ``.dat`` stands for its record.

    Parameters
    ----------
    paths : sequence of str or path-like
        Files and folders, in any order; repeated paths count once.
    strict : bool
        When True (default), a companion without its main file is an error; when False it
        is left out (a glob that also matched ``dataset_description.json``).

    Returns
    -------
    list of FileGroup
        One per recording, in the order of their main files' first appearance.

    Raises
    ------
    MissingFileError
        With ``strict``, a companion (``.dat``, ``.json``, ``.markers.csv``...) came
        without its main file; the message names both.

    Examples
    --------
    >>> [g.primary.name for g in group_files(["100.dat", "100.hea", "100.atr", "w.csv"])]
    ['100.hea', 'w.csv']
    """
    ordered = list(dict.fromkeys(Path(os.fspath(p)) for p in paths))
    mains: dict[tuple[Path, str], Path] = {}
    companions: dict[tuple[Path, str], list[Path]] = {}
    for path in ordered:
        stem, suffix = _split_companion(path.name)
        key = (path.parent, stem)
        if suffix is None:
            if key in mains:
                # two main files of one stem (s.csv and s.edf) are two recordings; a WFDB
                # header keeps the stem, since the .dat and .atr companions are its own
                if path.suffix.lower() == ".hea":
                    other = mains.pop(key)
                    mains[(other.parent, other.name)] = other
                else:
                    key = (path.parent, path.name)
            mains[key] = path
        else:
            companions.setdefault(key, []).append(path)
    for key, found in companions.items():
        if key in mains:
            continue
        dats = [p for p in found if p.name.lower().endswith(".dat")]
        if dats:
            mains[key] = dats[0]  # the reader finds its header or says it is missing
            continue
        if strict:
            names = ", ".join(p.name for p in found)
            raise MissingFileError(
                f"{names}: belongs with a main file named {key[1]}.* (a WFDB .dat or .atr "
                "needs its .hea header, a .json or .markers.csv sidecar needs its table), "
                "which is not among the files. Add it, or leave the companion out."
            )
    groups = []
    for key, primary in mains.items():
        extra = sorted(p for p in companions.get(key, []) if p != primary)
        groups.append(FileGroup(primary=primary, companions=tuple(extra)))
    return groups


def companions_of(path: str | os.PathLike[str]) -> tuple[Path, ...]:
    """Existing files next to ``path`` that are read with it (its companions).

    Parameters
    ----------
    path : str or path-like
        A main file (``100.hea``, ``s.csv``, ``sub-01_physio.tsv.gz``).

    Returns
    -------
    tuple of pathlib.Path
        Sorted; empty for a folder or a file without companions.
    """
    p = Path(os.fspath(path))
    if p.is_dir() or not p.parent.is_dir():
        return ()
    stem = _main_stem(p.name)
    found = []
    for suffix in COMPANION_SUFFIXES:
        candidate = p.with_name(stem + suffix)
        if candidate != p and candidate.is_file():
            found.append(candidate)
    return tuple(sorted(found))
