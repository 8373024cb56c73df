"""Errors of the desensitization program.

Each names what was wrong, the allowed values and the value received, so the web layer
can show the message as it is (a form error or an HTTP 422).
"""

from __future__ import annotations

from lacrima.errors import CareError


class ProgramError(CareError):
    """A desensitization rule, hierarchy edit or program step was not valid."""


class HierarchyError(ProgramError):
    """A hierarchy item or an edit of the hierarchy is not valid."""


class RulesError(ProgramError):
    """A program rule (threshold, count, time) is out of range or inconsistent."""


class StepError(ProgramError):
    """A program step was asked for at a moment when it cannot happen."""


def check_int(
    name: str, value: object, low: int, high: int, error: type[ProgramError] = ProgramError
) -> int:
    """Return ``value`` if it is an integer within ``[low, high]``, else raise.

    Parameters
    ----------
    name : str
        The parameter name used in the message (e.g. ``"peak_suds"``).
    value : object
        The value received.
    low, high : int
        Inclusive bounds.
    error : type of ProgramError
        The subclass to raise.

    Raises
    ------
    ProgramError
        If ``value`` is not an ``int`` (``bool`` is refused) or is out of range.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{name} must be a whole number from {low} to {high}; got {value!r}")
    if not low <= value <= high:
        raise error(f"{name} must be from {low} to {high}; got {value}")
    return value


def check_seconds(
    name: str, value: object, low: float, high: float, error: type[ProgramError] = ProgramError
) -> float:
    """Return ``value`` as a float if it is a finite number of seconds in ``[low, high]``.

    Raises
    ------
    ProgramError
        If ``value`` is not a real number, is not finite, or is out of range.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise error(f"{name} must be a number of seconds; got {value!r}")
    seconds = float(value)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        raise error(f"{name} must be a finite number of seconds; got {value!r}")
    if not low <= seconds <= high:
        raise error(f"{name} must be from {low:g} to {high:g} seconds; got {seconds:g}")
    return seconds
