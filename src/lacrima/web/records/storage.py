"""Where uploaded recordings live on disk, and how they get there.

Uploads stream straight into a staging folder under ``<data dir>/uploads/.incoming``
(:class:`LimitedDiskUploadHandler`), never into memory, and stop with a clear message at
``LACRIMA_MAX_UPLOAD_MB``. Once checked, each file is sealed (encrypted with the
installation's key, :func:`lacrima.web.crypto.seal_file`) into its place and the
plaintext staging folder is deleted at once; anything refused is deleted too. The worker
reads a recording through :func:`opened_recording`, which decrypts it into a private
temporary folder for the length of the analysis only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

from lacrima.errors import LacrimaError
from lacrima.web import crypto
from lacrima.web.records.models import uploads_root

__all__ = [
    "LimitedDiskUploadHandler",
    "StagedFile",
    "TooLargeError",
    "UploadRefused",
    "install_upload_handler",
    "max_upload_bytes",
    "opened_recording",
    "private_folder",
    "remove_folder",
    "reseal_uploads",
    "seal_into",
    "stage_folder",
    "too_large_error",
]

logger = logging.getLogger(__name__)

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-+() ]{0,150}$")
#: Age after which a forgotten staging folder is removed, s.
STALE_STAGING_S = 24 * 3600


class UploadRefused(LacrimaError):
    """An upload that cannot be stored; the message says why and what to do."""


class TooLargeError(UploadRefused):
    """The upload went over ``LACRIMA_MAX_UPLOAD_MB``."""


def max_upload_bytes() -> int:
    """The upload limit in bytes (``LACRIMA_MAX_UPLOAD_MB``, default 500 MB)."""
    return int(float(getattr(settings, "LACRIMA_MAX_UPLOAD_MB", 500)) * 1024 * 1024)


def _limit_text() -> str:
    mb = float(getattr(settings, "LACRIMA_MAX_UPLOAD_MB", 500))
    return f"{mb:g} MB"


def private_folder(relative: Path | str) -> Path:
    """Create ``<uploads>/<relative>`` (and any missing parent) readable by Lacrima only."""
    root = uploads_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = root
    for part in Path(relative).parts:
        path = path / part
        path.mkdir(exist_ok=True, mode=0o700)
    return path


def too_large_error() -> TooLargeError:
    """The message for an upload over the limit."""
    return TooLargeError(
        f"The upload is larger than the limit of {_limit_text()}. Shorten the recording or "
        "export it in a compressed format (e.g. EDF or a zipped Empatica export), or ask "
        "the administrator to raise LACRIMA_MAX_UPLOAD_MB."
    )


def stage_folder() -> Path:
    """A new, empty, private staging folder under ``<uploads>/.incoming``.

    Staging folders left behind by an interrupted server (older than a day) are removed.
    """
    incoming = private_folder(".incoming")
    cutoff = time.time() - STALE_STAGING_S
    for old in incoming.iterdir():
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                remove_folder(old)
    return private_folder(Path(".incoming") / secrets.token_hex(8))


def remove_folder(path: Path | None) -> None:
    """Delete a stored or staged folder and everything in it (missing is fine)."""
    if path is not None and path.exists():
        shutil.rmtree(path, ignore_errors=True)


def seal_into(staged: Path, target: Path) -> None:
    """Encrypt a checked staged file into its place (0600) and delete the plaintext."""
    crypto.seal_file(staged, target)
    staged.unlink(missing_ok=True)


@contextlib.contextmanager
def opened_recording(folder: Path, files: list[str]) -> Iterator[Path]:
    """Decrypt a stored recording's files into a private temporary folder; yield the folder.

    The decrypted files keep their names, so readers find companions (``.dat`` next to
    ``.hea``, a markers sidecar) as in the stored folder.

    The folder (0700, under the system's temporary directory; point ``TMPDIR`` at a
    memory file system to keep the plaintext off disks) is deleted when the block ends.
    Files stored before sealing existed are copied as they are.

    Raises
    ------
    UploadRefused
        A file is missing.
    lacrima.errors.ConfigError
        A file cannot be decrypted with the configured keys.
    """
    workdir = Path(tempfile.mkdtemp(prefix="lacrima-read-"))
    try:
        for name in files:
            source = folder / name
            if not source.exists():
                raise UploadRefused(f"{name}: the recording's file is missing; replace the upload.")
            if crypto.is_sealed(source):
                crypto.unseal_file(source, workdir / name)
            else:
                shutil.copyfile(source, workdir / name)
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def reseal_uploads() -> int:
    """Seal every stored upload file again under the newest key; returns the count.

    Files stored before sealing existed are sealed now. Staging folders are skipped.
    """
    root = uploads_root()
    if not root.exists():
        return 0
    count = 0
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or relative.parts[0] == ".incoming" or path.name.endswith(".tmp"):
            continue
        crypto.reseal_file(path)
        count += 1
    logger.info("re-sealed %d upload files", count)
    return count


class StagedFile(UploadedFile):
    """An uploaded file already written to the staging folder."""

    def __init__(self, path: Path, name: str, size: int, content_type: str | None) -> None:
        super().__init__(None, name, content_type, size, None)
        self.staged_path = path

    def open(self, mode: str | None = None) -> StagedFile:  # pragma: no cover - unused
        """Staged files are used by path, not read through Django."""
        raise UploadRefused("a staged upload is read from its path")

    def close(self) -> None:
        """Nothing is held open after the upload."""


class LimitedDiskUploadHandler(FileUploadHandler):
    """Write each uploaded file to a staging folder; stop at the size limit.

    The handler counts every byte of every file of the request. Past the limit it deletes
    what it wrote, notes the refusal on ``request.upload_refusal`` and stops the upload
    (the rest of the body is read and dropped so the browser gets the answer).
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.total = 0
        self.folder: Path | None = None
        self._fh: Any = None
        self._path: Path | None = None

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, *a: Any) -> Any:
        """Refuse at once when the declared length is already far over the limit.

        The body is then not parsed at all: the view sees no fields and the refusal.
        """
        if content_length and content_length > self.limit + 1024 * 1024:
            self._note_refusal()
            return QueryDict(mutable=False), MultiValueDict()
        return None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        """Open the staging file for the next uploaded file."""
        super().new_file(field_name, file_name, *args, **kwargs)
        if self.folder is None:
            self.folder = stage_folder()
        try:
            name = _safe_name(file_name)
        except UploadRefused as exc:
            self._refuse(exc)
        if (self.folder / name).exists():
            self._refuse(UploadRefused(f"{name}: the same file name was chosen twice."))
        self._path = self.folder / name
        fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fh = os.fdopen(fd, "wb")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        """Write the chunk, or stop when the request goes over the limit."""
        self.total += len(raw_data)
        if self.total > self.limit:
            self._refuse()
        self._fh.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> StagedFile | None:
        """Close the file and hand Django a :class:`StagedFile`."""
        self._fh.close()
        self._fh = None
        assert self._path is not None
        return StagedFile(self._path, self._path.name, file_size, self.content_type)

    def upload_interrupted(self) -> None:
        """The client went away: drop what was written."""
        self._discard()

    def _discard(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        remove_folder(self.folder)
        self.folder = None

    def _note_refusal(self, error: UploadRefused | None = None) -> None:
        self._discard()
        if self.request is not None:
            self.request.upload_refusal = error or too_large_error()  # type: ignore[attr-defined]

    def _refuse(self, error: UploadRefused | None = None) -> None:
        self._note_refusal(error)
        raise StopUpload(connection_reset=False)


def install_upload_handler(request: HttpRequest) -> None:
    """Make ``request`` stream its files to disk with the size limit (before POST is read)."""
    request.upload_handlers = [LimitedDiskUploadHandler(request)]


def _safe_name(name: str) -> str:
    base = os.path.basename(name.replace("\\", "/")).strip()
    if not _SAFE_NAME.match(base) or ".." in base:
        raise UploadRefused(
            f"{base or 'The file'}: rename the file to letters, digits, spaces, dots, dashes "
            "and underscores (at most 150 characters), then upload it again."
        )
    return base
