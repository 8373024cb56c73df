"""CSV and TSV tables: one column per channel, optionally a time column.

Rules (also in docs/formats.md):

- The delimiter is ``,`` for ``.csv`` and a tab for ``.tsv``/``.tab``; for ``.txt`` it is
  the one the header line uses most. A header that uses another delimiter than the
  extension's raises :class:`~lacrima.io.errors.DelimiterError` (pass ``delimiter=``).
- Leading lines starting with ``#`` are comments. The first other line is the header
  unless all its fields are numbers (then channels are named ``ch1``, ``ch2``, ...).
- A header ``"EDA (uS)"`` or ``"EDA [uS]"`` gives channel ``EDA`` with unit ``uS``.
- The time column is the one named ``time``, ``timestamp``, ``seconds``, ``elapsed``,
  ``time_s``/``time_ms``/``t_s``/``t_ms`` or ``t``/``time`` with a ``(s)``/``(ms)`` unit
  (``time_column=`` names another, ``time_column=False`` says there is none). Its values
  are seconds (milliseconds with an ``ms`` unit), Unix epoch seconds (values above 1e8:
  they give ``start_time``) or ISO 8601 date-times (naive ones are taken as UTC).
- Without a time column the rate is the ``fs=`` hint, else a rate written in the file
  name as a word ``<number>hz`` (``bio_resting_5min_100hz.csv``: 100 Hz), else an error.
- Markers come from ``<name>.markers.csv`` next to the table, when present (columns
  ``time_s``, ``label`` and optionally ``duration_s``; what ``lacrima.sim`` writes).
"""

from __future__ import annotations

import csv
import gzip
import logging
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lacrima.io._quality import check_missing, rate_from_times
from lacrima.io._table import TableSpec, read_table
from lacrima.io.errors import (
    ChannelNotFoundError,
    DelimiterError,
    EmptyFileError,
    HintError,
    InconsistentRateError,
    MalformedFileError,
    MissingRateError,
    NonNumericError,
)
from lacrima.io.kinds import infer_kind, split_name_unit
from lacrima.io.recording import Channel, Marker, Recording

__all__ = ["rate_from_name", "read_csv"]

logger = logging.getLogger(__name__)


_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
_TIME_NAMES = {"time", "times", "timestamp", "timestamps", "seconds", "elapsed", "elapsed_time"}
_TIME_SUFFIXED = re.compile(r"(?:time|t|timestamp|elapsed)[_ ](?P<unit>s|ms)", re.IGNORECASE)
_RATE_IN_NAME = re.compile(r"(?:^|[_\-. ])(\d+(?:\.\d+)?)hz(?=$|[_\-. ])", re.IGNORECASE)
_EPOCH_S = 1e8  # time values above this are Unix epoch seconds (after 1973)


def _head_lines(path: Path, limit: int = 1 << 20) -> tuple[str, list[str]]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as stream:
        head = stream.read(limit)
    cut = head.rfind(b"\n") + 1 if len(head) == limit else len(head)
    try:
        text, encoding = head[:cut].decode("utf-8-sig"), "utf8"
    except UnicodeDecodeError:
        text, encoding = head[:cut].decode("latin-1"), "latin1"
    return encoding, text.splitlines()


def _pick_delimiter(header: str, line: int, path: Path, hint: Any) -> str:
    if hint is not None:
        if not isinstance(hint, str) or len(hint) != 1:
            raise HintError(f"delimiter={hint!r} must be one character, such as ',' or '\\t'.")
        return hint
    name = path.name.lower().removesuffix(".gz")
    counts = {d: header.count(d) for d in _DELIMITER_NAMES}
    if name.endswith((".tsv", ".tab")):
        expected = "\t"
    elif name.endswith(".csv"):
        expected = ","
    else:
        return max(counts, key=counts.__getitem__) if any(counts.values()) else ","
    if counts[expected] or not any(counts.values()):
        return expected
    other = max(counts, key=counts.__getitem__)
    raise DelimiterError(
        f"{path.name}: the header (line {line}) has no {_DELIMITER_NAMES[expected]} but "
        f"{counts[other]} {_DELIMITER_NAMES[other]}(s): the file looks "
        f"{_DELIMITER_NAMES[other]}-separated. Read it with delimiter={other!r} (and "
        "decimal=',' if it uses decimal commas), or save it with the usual delimiter."
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _time_unit(name: str, unit: str | None) -> str | None:
    """Return "s" or "ms" when a column is a time column by the rules above."""
    lowered = name.lower()
    suffixed = _TIME_SUFFIXED.fullmatch(lowered)
    if suffixed:
        return suffixed.group("unit")
    if lowered in _TIME_NAMES or (lowered == "t" and unit in ("s", "ms")):
        return unit if unit in ("s", "ms") else "s"
    return None


def rate_from_name(path: Path) -> float | None:
    """Return the rate written in a file name as ``<number>hz`` (``ecg_1000hz.csv``).

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    float or None
        The rate in Hz when exactly one distinct such word is in the name, else None.
    """
    rates = {float(m) for m in _RATE_IN_NAME.findall(path.name.split(".")[0])}
    return rates.pop() if len(rates) == 1 else None


def _times_to_seconds(
    values: np.ndarray, unit: str, spec: TableSpec, column: str
) -> tuple[np.ndarray, datetime | None]:
    """Convert a time column to seconds; return (seconds, wall-clock start or None)."""
    if values.dtype != np.float64:
        text = pd.Series(values, dtype=object)
        numbers = pd.to_numeric(text, errors="coerce")
        if numbers.notna().sum() == text.notna().sum():
            values = numbers.to_numpy(dtype=np.float64)
        else:
            stamps = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
            bad = np.flatnonzero(stamps.isna().to_numpy() & text.notna().to_numpy())
            if bad.size:
                raise NonNumericError(
                    f"{spec.source}: line {spec.first_line + int(bad[0])}, time column "
                    f"{column!r}: {text.iloc[bad[0]]!r} is neither a number of seconds nor "
                    "an ISO 8601 date-time. Fix that cell."
                )
            first = stamps.iloc[0]
            seconds = (stamps - first).dt.total_seconds().to_numpy(dtype=np.float64)
            return seconds, first.to_pydatetime()
    seconds = values / 1000.0 if unit == "ms" else values
    if seconds.size and math.isfinite(seconds[0]) and seconds[0] > _EPOCH_S:
        return seconds - seconds[0], datetime.fromtimestamp(float(seconds[0]), UTC)
    return seconds, None


def _check_fs_hint(fs: Any) -> float:
    try:
        value = float(fs)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise HintError(f"fs={fs!r} must be a positive sampling rate in Hz, such as fs=100.")
    return value


def _columns(fields: list[str], source: str) -> tuple[list[str], list[str | None]]:
    names: list[str] = []
    units: list[str | None] = []
    for position, raw in enumerate(fields):
        name, unit = split_name_unit(raw)
        names.append(name or f"column{position + 1}")
        units.append(unit)
    seen: dict[str, int] = {}
    for position, name in enumerate(names):
        if name in seen:
            raise MalformedFileError(
                f"{source}: columns {seen[name] + 1} and {position + 1} are both named "
                f"{name!r}. Give each column its own name."
            )
        seen[name] = position
    return names, units


def _find_time_column(
    names: list[str], units: list[str | None], hint: Any, source: str
) -> tuple[str | None, str]:
    if hint is False:
        return None, "s"
    if hint is not None:
        if hint not in names:
            raise ChannelNotFoundError(
                f"{source}: time_column={hint!r} is not a column; columns are "
                f"{', '.join(map(repr, names))}."
            )
        position = names.index(hint)
        return hint, _time_unit(hint, units[position]) or units[position] or "s"
    found = [(n, u) for n, u in zip(names, units, strict=True) if _time_unit(n, u)]
    if len(found) > 1:
        raise MalformedFileError(
            f"{source}: several columns look like time columns "
            f"({', '.join(repr(n) for n, _ in found)}). Name the one to use with "
            "time_column='...'."
        )
    if not found:
        return None, "s"
    name, unit = found[0]
    return name, _time_unit(name, unit) or "s"


def read_csv(path: Path, hints: dict[str, Any]) -> Recording:
    """Read a CSV/TSV table (see the module docstring for the rules).

    Parameters
    ----------
    path : pathlib.Path
        A ``.csv``, ``.tsv``, ``.txt`` file, optionally gzip-compressed (``.gz``).
    hints : dict
        ``fs`` (Hz), ``time_column`` (str or False), ``delimiter``, ``decimal``,
        ``max_gap_s`` (s).

    Returns
    -------
    Recording
        One channel per column except the time column.

    Raises
    ------
    ReadError
        A subclass naming the problem: EmptyFileError, DelimiterError, NonNumericError,
        MissingRateError, InconsistentRateError, MissingDataError, TruncatedFileError, ...
    """
    source = path.name
    encoding, lines = _head_lines(path)
    comments = 0
    while comments < len(lines) and lines[comments].lstrip().startswith("#"):
        comments += 1
    if comments == len(lines) or not lines[comments].strip():
        raise EmptyFileError(f"{source}: has no header or data lines (only comments or blanks).")
    header_line = comments + 1
    delimiter = _pick_delimiter(lines[comments], header_line, path, hints.get("delimiter"))
    fields = next(csv.reader([lines[comments]], delimiter=delimiter))
    has_header = not all(_is_number(text) for text in fields)
    if has_header:
        names, units = _columns(fields, source)
    else:
        names, units = [f"ch{i + 1}" for i in range(len(fields))], [None] * len(fields)
    time_name, time_unit = _find_time_column(names, units, hints.get("time_column"), source)
    spec = TableSpec(
        source=source,
        names=names,
        first_line=header_line + 1 if has_header else header_line,
        delimiter=delimiter,
        decimal=hints.get("decimal", "."),
        encoding=encoding,
        text_columns={time_name} if time_name else set(),
    )
    data = read_table(path, spec)
    n_rows = len(next(iter(data.values())))
    if n_rows == 0:
        raise EmptyFileError(f"{source}: every data row is empty.")
    if has_header and names[0] == "column1" and np.array_equal(data[names[0]], np.arange(n_rows)):
        logger.info("%s: dropping an unnamed first column that counts rows (an index)", source)
        del data[names[0]]
    for name in [n for n in data if n.startswith("column") and np.isnan(data[n]).all()]:
        if not fields[names.index(name)].strip():
            del data[name]  # an unnamed, empty column: a trailing delimiter on every line

    start_time: datetime | None = None
    start_s = 0.0
    fs_hint = _check_fs_hint(hints["fs"]) if hints.get("fs") is not None else None
    if time_name is not None:
        seconds, start_time = _times_to_seconds(data.pop(time_name), time_unit, spec, time_name)
        if seconds.size < 2:
            raise MissingRateError(
                f"{source}: one row is not enough to tell the rate from the time column; "
                "pass fs=... (Hz)."
            )
        fs = rate_from_times(seconds, source=source, column=time_name, first_line=spec.first_line)
        start_s = float(seconds[0])
        if fs_hint is not None and abs(fs_hint - fs) > 0.01 * fs:
            raise InconsistentRateError(
                f"{source}: the time column {time_name!r} says {fs:.6g} Hz but fs={fs_hint:g} "
                "was passed. Drop the fs= hint, or pass time_column=False to ignore the column."
            )
    elif fs_hint is not None:
        fs = fs_hint
    else:
        from_name = rate_from_name(path)
        if from_name is None:
            raise MissingRateError(
                f"{source}: has no time column and no sampling rate. Pass fs=... (Hz), add "
                "a column named 'time' (in s), or put the rate in the file name as "
                "'<name>_<rate>hz.csv'."
            )
        logger.info("%s: sampling rate %g Hz taken from the file name", source, from_name)
        fs = from_name
    if not data:
        raise MalformedFileError(f"{source}: has a time column but no signal columns.")
    channels = {}
    for name, samples in data.items():
        unit = units[names.index(name)] or "a.u."
        channels[name] = Channel(name, samples, fs, unit, infer_kind(name, unit), start_s)
    check_missing(
        channels.values(),
        source=source,
        max_gap_s=hints["max_gap_s"],
        first_line=spec.first_line,
    )
    return Recording(channels, _sidecar_markers(path), start_time, source)


def _sidecar_markers(path: Path) -> list[Marker]:
    """Read ``<name>.markers.csv`` next to a table, if there is one."""
    stem = path.name.split(".")[0]
    sidecar = path.with_name(f"{stem}.markers.csv")
    if not sidecar.exists() or sidecar == path:
        return []
    with sidecar.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    if not rows or "time_s" not in rows[0] or "label" not in rows[0]:
        raise MalformedFileError(
            f"{sidecar.name}: a markers file needs a header with 'time_s' and 'label' "
            "(and optionally 'duration_s'). Fix it, or move it away to read the signals alone."
        )
    header = rows[0]
    at = {name: header.index(name) for name in ("time_s", "label", "duration_s") if name in header}
    markers = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            time_s = float(row[at["time_s"]])
            duration = float(row[at["duration_s"]]) if "duration_s" in at else 0.0
            label = row[at["label"]]
        except (ValueError, IndexError):
            raise MalformedFileError(
                f"{sidecar.name}: line {number} ({','.join(row)[:60]!r}) needs a number in "
                "time_s (and duration_s) and a label. Fix that line."
            ) from None
        markers.append(Marker(time_s, label, duration))
    return markers
