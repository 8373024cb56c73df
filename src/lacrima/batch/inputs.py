"""Find the sessions of a cohort run: files, folders, globs and BIDS datasets.

Each ``INPUT`` of ``lacrima batch`` is one of (rule also in ``docs/batch.md``)

* a file (any format :func:`lacrima.read` accepts, an Empatica E4 zip included): one
  session, read with its companions (:func:`lacrima.io.detect.group_files`);
* an Empatica E4 export folder: one session;
* the root folder of a BIDS dataset: every ``sub-*/[ses-*/]<datatype>/*_physio.tsv.gz``
  is a session, read with its JSON sidecar, and its subject, session, task and run
  come from the BIDS entities in the file name;
* any other folder, a *study folder*: each recording file in it is a session, and each
  sub-folder is **one session made of every recording in it** (a chest-strap EDF and a
  wrist-band CSV, merged on one clock; an E4 export folder inside counts as one
  recording);
* a glob such as ``"data/**/*.edf"`` (quoted, so that the shell leaves it alone;
  ``**`` descends into folders): each matched file is a session, each matched folder
  is a session as in a study folder.

An input that yields no recording is a usage error (:class:`~lacrima.errors.LacrimaError`)
raised before any work starts; a file that exists but cannot be read is *not*: it
becomes a row of ``errors.csv`` once the batch runs.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import xxhash

from lacrima.errors import LacrimaError, ReadError
from lacrima.io.detect import companions_of, group_files, is_recording_name, sniff

__all__ = ["RecordingInput", "bids_entities", "content_hash", "discover_inputs"]

logger = logging.getLogger(__name__)

_GLOB_CHARS = re.compile(r"[*?\[]")
_ENTITY = re.compile(r"^([a-zA-Z0-9]+)-([a-zA-Z0-9]+)$")
_BIDS_PHYSIO_GLOB = "sub-*/**/*_physio.tsv.gz"


@dataclass(frozen=True)
class RecordingInput:
    """One recording to analyse, with the identifiers that go into the result tables.

    Parameters
    ----------
    path : str
        Absolute path of the file handed to the analysis (symbolic links are kept).
    recording_id : str
        Readable unique id: the path relative to the BIDS root or to the common folder
        of the inputs (the absolute path where that would not be unique).
    subject, session, task, run : str or None
        BIDS entities (``sub-``, ``ses-``, ``task-``, ``run-``) from the file name or
        its folders; ``None`` when absent.
    companions : tuple of str
        Other files the recording is read with (a BIDS JSON sidecar, a WFDB ``.dat`` or
        ``.atr``); they are part of the content hash, so editing a sidecar makes the
        recording new.
    files : tuple of str
        For a session of several recordings (a session folder), the path of each;
        empty when the session is the one recording at ``path``.
    """

    path: str
    recording_id: str
    subject: str | None = None
    session: str | None = None
    task: str | None = None
    run: str | None = None
    companions: tuple[str, ...] = ()
    files: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable short key derived from the absolute path (names the part file)."""
        return hashlib.sha256(self.path.encode("utf-8")).hexdigest()[:24]

    @property
    def recordings(self) -> tuple[str, ...]:
        """The paths read for this session (one, or one per device)."""
        return self.files or (self.path,)

    @property
    def target(self) -> str | list[str]:
        """What the analysis is given: the one path, or the list of a several-file session."""
        return self.recordings[0] if len(self.recordings) == 1 else list(self.recordings)

    @property
    def hashed(self) -> tuple[str, ...]:
        """Every file and folder whose content makes the session's content hash."""
        return (*self.recordings, *self.companions)


def bids_entities(path: str | os.PathLike[str]) -> dict[str, str]:
    """Return the BIDS ``key-value`` entities of a file name and its folders.

    Entities in the file name win over those of the folders (``sub-01/ses-2/...``).

    Parameters
    ----------
    path : str or path-like
        Any file path.

    Returns
    -------
    dict of str to str
        For example ``{"sub": "01", "ses": "2", "task": "film"}``; empty when the path
        carries no entities.

    Examples
    --------
    >>> bids_entities("sub-01/ses-2/beh/sub-01_ses-2_task-film_run-1_physio.tsv.gz")
    {'sub': '01', 'ses': '2', 'task': 'film', 'run': '1'}
    """
    p = Path(path)
    found: dict[str, str] = {}
    for folder in p.parent.parts:
        match = _ENTITY.match(folder)
        if match and match.group(1) in ("sub", "ses"):
            found[match.group(1)] = match.group(2)
    stem = p.name.split(".", 1)[0]
    for part in stem.split("_"):
        match = _ENTITY.match(part)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _companions(path: Path) -> tuple[str, ...]:
    """Files read together with ``path``: JSON and marker sidecars, WFDB signal files."""
    return tuple(str(p) for p in companions_of(path))


def content_hash(path: str, companions: Iterable[str] = ()) -> str:
    """Hash the bytes of a recording and of its companion files.

    Parameters
    ----------
    path : str
        The recording file (a folder: every file in it, e.g. an Empatica E4 export).
    companions : iterable of str
        Sidecars read with it and the other recordings of the session (see
        :attr:`RecordingInput.hashed`).

    Returns
    -------
    str
        ``"xxh3_128:<hex>"``; it changes whenever any of the files changes.

    Notes
    -----
    The hash is XXH3-128 (xxHash): it detects changed files for ``--resume`` and is not
    a security measure. For a 14 MB CSV (20 min at 250 Hz) it took 1.9 ms, reading
    included, where SHA-256 took 8.9 ms, a tenth of that recording's analysis (see
    ``docs/decisions/0008-cohort-runs-on-dask.md``).

    Raises
    ------
    lacrima.errors.ReadError
        If a file cannot be opened.
    """
    total = xxhash.xxh3_128()
    for name in (path, *companions):
        top = Path(name)
        members = (
            sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        )  # an Empatica E4 folder: every file in it
        for member in members:
            try:
                with open(member, "rb") as fh:
                    digest = hashlib.file_digest(fh, xxhash.xxh3_128).hexdigest()
            except OSError as exc:
                raise ReadError(f"cannot open {member}: {exc.strerror or exc}") from exc
            label = top.name if member == top else f"{top.name}/{member.relative_to(top)}"
            total.update(f"{label}\0{digest}\n".encode())
    return "xxh3_128:" + total.hexdigest()


def _is_bids_root(folder: Path) -> bool:
    if (folder / "dataset_description.json").is_file():
        return True
    return any(p.is_dir() for p in folder.glob("sub-*"))


def _make_input(path: Path, base: Path, files: Sequence[Path] = ()) -> RecordingInput:
    try:
        rel = path.relative_to(base)
    except ValueError:
        rel = path
    ent = bids_entities(rel)
    recordings = list(files) or [path]
    companions = [c for f in recordings for c in _companions(f)]
    return RecordingInput(
        path=str(path),
        recording_id=rel.as_posix(),
        subject=ent.get("sub"),
        session=ent.get("ses"),
        task=ent.get("task"),
        run=ent.get("run"),
        companions=tuple(companions),
        files=tuple(str(f) for f in files) if len(files) > 1 else (),
    )


def _absolute(path: str | Path) -> Path:
    """Absolute path *without* resolving symbolic links.

    Datasets managed with DataLad or git-annex (OpenNeuro, for one) are links into an
    object store; resolving them would lose the BIDS names and the sidecars next to them.
    """
    return Path(os.path.abspath(os.path.expanduser(path)))


def _is_candidate(path: Path) -> bool:
    """A file, or a dangling link (a not-yet-fetched annexed file: reported, not skipped)."""
    return path.is_file() or (path.is_symlink() and not path.exists())


Session = tuple[Path, tuple[Path, ...]]
"""A session's path (a file or folder) and, for a session folder, its recordings."""


def _is_e4_folder(folder: Path) -> bool:
    return sniff(folder) == "folder-e4"


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _file_sessions(files: Sequence[Path]) -> list[Session]:
    """Each recording among ``files`` (with its companions) as a session of its own."""
    groups = group_files(files, strict=False)
    return [(g.primary, ()) for g in groups]


def _folder_session(folder: Path) -> Session | None:
    """A sub-folder as one session: its recording files and E4 folders (None if none)."""
    if _is_e4_folder(folder):
        return folder, ()
    entries = _visible(folder)
    files = [p for p in entries if _is_candidate(p) and is_recording_name(p.name)]
    primaries = [g.primary for g in group_files(files, strict=False)]
    primaries += [p for p in entries if p.is_dir() and _is_e4_folder(p)]
    if not primaries:
        logger.info("skipping %s: no recording in it", folder)
        return None
    if len(primaries) == 1:
        return primaries[0], ()
    return folder, tuple(primaries)


def _study_folder(folder: Path, spec: str) -> list[Session]:
    entries = _visible(folder)
    files = [p for p in entries if _is_candidate(p) and is_recording_name(p.name)]
    sessions = _file_sessions(files)
    sessions += [s for p in entries if p.is_dir() and (s := _folder_session(p)) is not None]
    if not sessions:
        raise LacrimaError(
            f"{spec} is a folder with no recording in it (not a BIDS dataset, not an "
            "Empatica E4 export, no recording files or session sub-folders); see "
            "docs/batch.md for how folders are read"
        )
    return sessions


def _expand(spec: str) -> tuple[list[Session], Path | None]:
    """Sessions named by one INPUT, and the BIDS root when it is one."""
    path = _absolute(spec)
    if path.is_file():
        return [(path, ())], None
    if path.is_dir():
        if _is_e4_folder(path):
            return [(path, ())], None
        if not _is_bids_root(path):
            return _study_folder(path, spec), None
        files = sorted(p for p in path.glob(_BIDS_PHYSIO_GLOB) if _is_candidate(p))
        if not files:
            raise LacrimaError(
                f"the BIDS dataset {spec} has no *_physio.tsv.gz recordings "
                "(expected sub-<label>/[ses-<label>/]<datatype>/*_physio.tsv.gz)"
            )
        return [(f, ()) for f in files], path
    if _GLOB_CHARS.search(spec):
        matched = sorted(_absolute(p) for p in glob.glob(os.path.expanduser(spec), recursive=True))
        files = [p for p in matched if _is_candidate(p)]
        sessions = _file_sessions(files)
        sessions += [s for p in matched if p.is_dir() and (s := _folder_session(p)) is not None]
        if not sessions:
            raise LacrimaError(f"no files match {spec!r}; check the pattern and the folder")
        return sessions, None
    raise LacrimaError(
        f"{spec} does not exist; pass existing files, folders, a glob or a BIDS folder"
    )


def discover_inputs(specs: Sequence[str | os.PathLike[str]]) -> list[RecordingInput]:
    """Expand files, globs and BIDS dataset roots into a list of recordings.

    Parameters
    ----------
    specs : sequence of str or path-like
        The ``INPUTS`` of ``lacrima batch``.

    Returns
    -------
    list of RecordingInput
        One entry per distinct session, in the order given (each input sorted by path).

    Raises
    ------
    lacrima.errors.LacrimaError
        If no inputs are given, or an input names nothing: a missing file, a glob that
        matches no file, a folder that holds no recording.

    Examples
    --------
    >>> discover_inputs(["study/"])  # doctest: +SKIP
    [RecordingInput(path='/data/study/sub-01/beh/sub-01_task-film_physio.tsv.gz', ...)]
    """
    if not specs:
        raise LacrimaError("no INPUTS given; pass files, a quoted glob or a BIDS dataset folder")
    expanded = [_expand(os.fspath(spec)) for spec in specs]
    loose = [path for sessions, root in expanded if root is None for path, _ in sessions]
    common = Path(os.path.commonpath([str(f.parent) for f in loose])) if loose else Path("/")
    seen: set[str] = set()
    inputs: list[RecordingInput] = []
    for sessions, root in expanded:
        for path, files in sessions:
            if str(path) in seen:
                continue
            seen.add(str(path))
            inputs.append(_make_input(path, root if root is not None else common, files))
    counts = Counter(item.recording_id for item in inputs)
    if any(n > 1 for n in counts.values()):
        inputs = [
            item
            if counts[item.recording_id] == 1
            else RecordingInput(**{**item.__dict__, "recording_id": item.path})
            for item in inputs
        ]
    logger.info("found %d recordings in %d inputs", len(inputs), len(specs))
    return inputs
