"""The one error hierarchy of Lacrima.

Every function that can fail on user data raises a subclass of :class:`LacrimaError`
whose message says what was wrong and what to do about it. The CLI turns these into
a message and a non-zero exit code; the web layer into a form error or an HTTP 4xx.
"""

from __future__ import annotations


class LacrimaError(Exception):
    """Base class for every error a user can cause and fix."""


class ConfigError(LacrimaError):
    """A setting (environment variable or file) is missing or malformed."""


class ReadError(LacrimaError):
    """A recording file could not be read (malformed, truncated, wrong format)."""


class SignalError(LacrimaError):
    """A signal cannot be processed as asked (wrong shape, rate, or parameter)."""


class AnalysisError(LacrimaError):
    """An S-P analysis could not be run on the given recording."""


class CareError(LacrimaError):
    """A therapy-logic rule was violated (questionnaire answer, program step, ...)."""
