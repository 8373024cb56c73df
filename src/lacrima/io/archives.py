"""Bounded unpacking of the zip and gzip files the readers open.

A compressed file can claim to be small and unpack to far more than the machine holds
(a "zip bomb": 1 MB of deflated zeros is 1 GB). Every archive a reader opens goes
through here first and is refused, with :class:`~lacrima.io.errors.ArchiveTooLargeError`,
before decompression passes a limit:

- the total unpacked size (:data:`MAX_UNPACKED_BYTES`),
- the ratio of unpacked to packed bytes (:data:`MAX_RATIO`), checked as the bytes come
  out once a member has unpacked more than :data:`RATIO_FLOOR_BYTES`,
- the number of members of a zip (:data:`MAX_MEMBERS`).

The sizes are counted while decompressing, in blocks of :data:`BLOCK_BYTES`; the sizes a
zip header declares are checked first but never trusted alone. The reasons for each
number are in ``docs/decisions/0013h-bounded-archives-and-backups.md``.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lacrima.io.errors import ArchiveTooLargeError, TruncatedFileError

__all__ = [
    "BLOCK_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_UNPACKED_BYTES",
    "RATIO_FLOOR_BYTES",
    "ZIP_BLOCK_BYTES",
    "ArchiveBudget",
    "check_gzip",
    "check_zip",
    "read_zip_member",
]

#: The most an archive may unpack to, bytes: 1 GiB, about 5 times a 48-hour E4 session.
MAX_UNPACKED_BYTES = 1 << 30
#: The most unpacked bytes per packed byte; physiological CSV packs 3-20:1, zeros 1000:1.
MAX_RATIO = 200.0
#: Below this many unpacked bytes a member's ratio is not judged (small files pack well).
RATIO_FLOOR_BYTES = 16 << 20
#: The most members a zip may hold (an E4 export has 9).
MAX_MEMBERS = 1000
#: Decompression block, bytes.
BLOCK_BYTES = 1 << 20
#: Block for zip members: zipfile reads about this many packed bytes ahead, so a small
#: block keeps the running ratio close to the true one.
ZIP_BLOCK_BYTES = 64 << 10

_MB = 1 << 20


@dataclass
class ArchiveBudget:
    """What one archive may still unpack to; shared by all its members.

    Attributes
    ----------
    source : str
        The archive's name, for messages.
    limit_bytes : int
        The total unpacked size allowed, bytes.
    max_ratio : float
        The largest unpacked/packed ratio allowed per member.
    used_bytes : int
        Bytes unpacked so far.
    """

    source: str
    limit_bytes: int = -1
    max_ratio: float = -1.0
    used_bytes: int = 0

    def __post_init__(self) -> None:
        # The module's limits at the time of use (tests and callers may lower them).
        self.limit_bytes = MAX_UNPACKED_BYTES if self.limit_bytes < 0 else self.limit_bytes
        self.max_ratio = MAX_RATIO if self.max_ratio < 0 else self.max_ratio

    def count(self, member: str, unpacked: int, packed: int, new: int) -> None:
        """Add NEW unpacked bytes; raise once the total or MEMBER's ratio is too large."""
        self.used_bytes += new
        if self.used_bytes > self.limit_bytes:
            raise ArchiveTooLargeError(
                f"{self.source}: the archive would unpack to more than "
                f"{self.limit_bytes // _MB} MB (limit {self.limit_bytes // _MB} MB); it was "
                "refused before unpacking further. Unpack it yourself and read the files, "
                "or split the recording."
            )
        if unpacked > RATIO_FLOOR_BYTES and unpacked > self.max_ratio * max(packed, 1):
            raise ArchiveTooLargeError(
                f"{self.source}: {member} unpacks to more than {self.max_ratio:.0f} times its "
                f"packed size (over {unpacked // _MB} MB from {max(packed, 1) / _MB:.1f} MB); "
                "recordings rarely pack that well, so it was refused as a possible zip bomb. "
                "If you trust the file, unpack it yourself and read the unpacked file or folder."
            )


def check_zip(archive: zipfile.ZipFile, source: str) -> ArchiveBudget:
    """Refuse a zip whose member count or declared sizes are over the limits.

    Returns the budget to pass to :func:`read_zip_member` for each member read.
    """
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveTooLargeError(
            f"{source}: the archive holds {len(infos)} files (limit {MAX_MEMBERS}); a "
            "recording has a few. Unpack it and read the recording's own files."
        )
    budget = ArchiveBudget(source)
    declared = sum(info.file_size for info in infos)
    if declared > budget.limit_bytes:
        raise ArchiveTooLargeError(
            f"{source}: the archive would unpack to more than {budget.limit_bytes // _MB} MB "
            f"(limit {budget.limit_bytes // _MB} MB; it declares {declared // _MB} MB). "
            "Unpack it yourself and read the files, or split the recording."
        )
    return budget


def read_zip_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: ArchiveBudget
) -> bytes:
    """Unpack one member in blocks, counting against BUDGET; return its bytes."""
    blocks: list[bytes] = []
    unpacked = 0
    try:
        with archive.open(info) as stream:
            while block := stream.read(ZIP_BLOCK_BYTES):
                unpacked += len(block)
                # The packed bytes consumed so far, so the ratio is judged as it goes (the
                # whole member's packed size when the stream does not say).
                left = getattr(stream, "_compress_left", 0)
                packed = info.compress_size - left if isinstance(left, int) else 0
                budget.count(info.filename, unpacked, packed or info.compress_size, len(block))
                blocks.append(block)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError) as exc:
        raise TruncatedFileError(
            f"{budget.source}: {info.filename} cannot be unpacked ({exc}): the zip is damaged "
            "or truncated. Copy or download it again."
        ) from None
    return b"".join(blocks)


def check_gzip(path: Path, limit_bytes: int = -1) -> int:
    """Decompress PATH once, counting, without keeping it; return its unpacked size.

    Raises
    ------
    ArchiveTooLargeError
        It would unpack to more than ``limit_bytes`` or more than :data:`MAX_RATIO` times
        its size (``limit_bytes`` -1: :data:`MAX_UNPACKED_BYTES`).
    TruncatedFileError
        The gzip stream is damaged or cut off.
    """
    budget = ArchiveBudget(path.name, limit_bytes=limit_bytes)
    unpacked = 0
    try:
        with path.open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            while block := stream.read(BLOCK_BYTES):
                unpacked += len(block)
                budget.count(path.name, unpacked, raw.tell(), len(block))
    except (EOFError, OSError, zlib.error) as exc:
        raise TruncatedFileError(
            f"{path.name}: the gzip data cannot be unpacked ({exc}): the file is damaged or "
            "truncated. Copy it again."
        ) from None
    return unpacked
