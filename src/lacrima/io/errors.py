"""Errors and warnings raised by the readers.

Every problem a file can have maps to one subclass of :class:`lacrima.errors.ReadError`,
so callers can catch the family (``except ReadError``) or one precise case. Each
message names the file, says what is wrong (with line and column where the format has
them) and what to do about it.
"""

from __future__ import annotations

from lacrima.errors import ReadError

__all__ = [
    "ArchiveTooLargeError",
    "ChannelNotFoundError",
    "DelimiterError",
    "EmptyFileError",
    "FormatMismatchError",
    "HintError",
    "InconsistentRateError",
    "MalformedFileError",
    "MissingDataError",
    "MissingFileError",
    "MissingRateError",
    "NonNumericError",
    "ReadError",
    "ReadWarning",
    "TruncatedFileError",
    "UnknownKindError",
    "UnsupportedFormatError",
]


class MissingFileError(ReadError, FileNotFoundError):
    """The path (or a file the format needs next to it) does not exist."""


class EmptyFileError(ReadError):
    """The file has no bytes, or a header and no data."""


class ArchiveTooLargeError(ReadError):
    """A zip or gzip would unpack to more than the limits allow (a possible zip bomb)."""


class TruncatedFileError(ReadError):
    """The file ends before its own structure says it should (interrupted copy)."""


class FormatMismatchError(ReadError):
    """The content is not what the extension or the ``format=`` hint says."""


class UnsupportedFormatError(ReadError):
    """The format cannot be told, or Lacrima has no reader for it."""


class MalformedFileError(ReadError):
    """The file is of the right format but breaks its rules (header, fields, ...)."""


class DelimiterError(MalformedFileError):
    """A text table uses another delimiter than the one expected."""


class NonNumericError(MalformedFileError):
    """A signal cell holds text that is not a number."""


class MissingDataError(ReadError):
    """A channel has a run of missing values longer than allowed, or no values at all."""


class InconsistentRateError(ReadError):
    """Sample times or rates contradict each other (uneven time column, headers disagree)."""


class MissingRateError(ReadError):
    """A table has neither a time column nor a sampling rate."""


class UnknownKindError(ReadError):
    """A channel kind that is not one of :data:`lacrima.io.KINDS` was asked for."""


class ChannelNotFoundError(ReadError):
    """A channel (by name or kind) was asked for and the recording has none."""


class HintError(ReadError):
    """A keyword hint passed to :func:`lacrima.io.read` is unknown or has a bad value."""


class ReadWarning(UserWarning):
    """A file was read, but with a data-quality problem worth knowing (short gaps, ...)."""
