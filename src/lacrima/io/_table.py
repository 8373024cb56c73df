"""Fast, strict parsing of delimited numeric text into float64 columns.

Shared by the CSV/TSV, BIDS physio and Empatica readers. The fast path is Apache
Arrow's multithreaded CSV parser (exact float parsing, ~1.5 s for 7.5 million cells);
when it fails, the slow path finds the offending line and cell so that the error
message can point at it.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from lacrima.io.archives import check_gzip
from lacrima.io.errors import (
    DelimiterError,
    EmptyFileError,
    MalformedFileError,
    NonNumericError,
    TruncatedFileError,
)

__all__ = ["NULL_VALUES", "TableSpec", "read_table"]

#: Cell texts read as a missing value (NaN).
NULL_VALUES: list[str] = ["", "NaN", "nan", "-nan", "NA", "N/A", "n/a", "NULL", "null", "None"]

_COLUMNS_MSG = re.compile(r"Expected (\d+) columns, got (\d+)")
_CONVERT_MSG = re.compile(r"In CSV column #(\d+): CSV conversion error")
_OTHER_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class TableSpec:
    """How to parse one table.

    Parameters
    ----------
    source : str
        File name for messages.
    names : list of str
        Column names, in file order (the header is parsed by the caller).
    first_line : int
        1-based line number of the first data row; earlier lines are skipped.
    delimiter : str
        Field separator.
    decimal : str
        Decimal point character.
    encoding : str
        Text encoding.
    text_columns : set of str
        Columns that may hold text (a time column with dates); returned as object arrays
        when they are not numeric.
    """

    source: str
    names: list[str]
    first_line: int
    delimiter: str = ","
    decimal: str = "."
    encoding: str = "utf8"
    text_columns: set[str] = field(default_factory=set)


def _open_bytes(data: Path | bytes) -> io.BufferedIOBase:
    if isinstance(data, bytes):
        return io.BytesIO(data)
    if data.name.lower().endswith(".gz"):
        return gzip.open(data, "rb")
    return data.open("rb")


def _arrow_read(data: Path | bytes, spec: TableSpec, types: dict[str, pa.DataType]) -> pa.Table:
    source: str | io.BytesIO = io.BytesIO(data) if isinstance(data, bytes) else str(data)
    return pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(
            skip_rows=spec.first_line - 1,
            column_names=spec.names,
            encoding=spec.encoding,
            block_size=1 << 22,
        ),
        parse_options=pacsv.ParseOptions(delimiter=spec.delimiter, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            null_values=NULL_VALUES,
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            decimal_point=spec.decimal,
            include_columns=list(types) if len(types) < len(spec.names) else None,
        ),
    )


def _lines(data: Path | bytes, spec: TableSpec) -> Iterator[tuple[int, str, bool]]:
    """Yield (line number, text without newline, had newline) for each data line."""
    with _open_bytes(data) as stream:
        for number, raw in enumerate(stream, start=1):
            if number >= spec.first_line:
                line = raw.decode(spec.encoding, errors="replace")
                stripped = line.rstrip("\r\n")
                yield number, stripped, stripped != line


def _field_count_error(data: Path | bytes, spec: TableSpec, message: str) -> Exception:
    expected = len(spec.names)
    for number, line, had_newline in _lines(data, spec):
        got = line.count(spec.delimiter) + 1
        if got != expected and line:
            if not had_newline and got < expected:
                return TruncatedFileError(
                    f"{spec.source}: the last line ({number}) has {got} of {expected} fields "
                    "and no line end: the file looks truncated (an interrupted copy or "
                    "recording). Copy it again from the device, or delete that line."
                )
            others = [d for d in _OTHER_DELIMITERS if d != spec.delimiter and d in line]
            if others:
                return DelimiterError(
                    f"{spec.source}: line {number} is split by {others[0]!r}, not by "
                    f"{spec.delimiter!r} like the lines before it. Use one delimiter "
                    "throughout the file."
                )
            return MalformedFileError(
                f"{spec.source}: line {number} has {got} fields but the header has "
                f"{expected}. Every row needs one value per column (leave a cell empty for "
                "a missing value); fix that line."
            )
    return MalformedFileError(f"{spec.source}: rows do not match the header ({message}).")


def _non_numeric_error(data: Path | bytes, spec: TableSpec, column: int) -> Exception:
    name = spec.names[column]
    table = _arrow_read(data, spec, {name: pa.string()})
    cells = table.column(0).to_numpy(zero_copy_only=False)
    text = pd.Series(cells, dtype=object)
    if spec.decimal != ".":
        text = text.str.replace(spec.decimal, ".", regex=False)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = np.flatnonzero(numbers.isna().to_numpy() & text.notna().to_numpy())
    if bad.size == 0:
        return NonNumericError(f"{spec.source}: column {name!r} holds text that is not a number.")
    value = str(cells[bad[0]])
    advice = "Fix or empty that cell (an empty cell counts as a missing value)."
    if spec.decimal == "." and re.fullmatch(r"\s*-?\d+,\d+\s*", value):
        advice = "It looks like a decimal comma: read the file with decimal=','."
    elif any(d in value for d in _OTHER_DELIMITERS if d != spec.delimiter):
        advice = "It holds another delimiter: check the delimiter= hint."
    more = f" (and {bad.size - 1} more in that column)" if bad.size > 1 else ""
    return NonNumericError(
        f"{spec.source}: line {spec.first_line + int(bad[0])}, column {column + 1} "
        f"({name!r}): {value!r} is not a number{more}. {advice}"
    )


def _as_array(column: pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
        return column.to_numpy().astype(np.float64, copy=False)
    if pa.types.is_null(column.type):
        return np.full(len(column), np.nan)
    return column.to_numpy(zero_copy_only=False)


def _arrow_error(data: Path | bytes, spec: TableSpec, message: str) -> Exception:
    """Turn an Arrow parse error into the reader error that points at the problem."""
    if "Empty CSV file" in message:
        return EmptyFileError(
            f"{spec.source}: has no data rows. Check that you picked the right file."
        )
    if _COLUMNS_MSG.search(message):
        return _field_count_error(data, spec, message)
    match = _CONVERT_MSG.search(message)
    if match:
        return _non_numeric_error(data, spec, int(match.group(1)))
    if "UTF8" in message or "UTF-8" in message:
        return MalformedFileError(
            f"{spec.source}: is not valid {spec.encoding} text. Save it as UTF-8."
        )
    return MalformedFileError(f"{spec.source}: cannot be parsed as a table ({message}).")


def read_table(data: Path | bytes, spec: TableSpec) -> dict[str, np.ndarray]:
    """Parse a delimited table into one array per column.

    Parameters
    ----------
    data : pathlib.Path or bytes
        A file (``.gz`` is decompressed) or its bytes.
    spec : TableSpec
        Column names, first data line, delimiter, decimal point, encoding.

    Returns
    -------
    dict of str to numpy.ndarray
        float64 arrays (NaN for missing cells); an object array for a text column in
        ``spec.text_columns``. Trailing all-empty rows are dropped.

    Raises
    ------
    EmptyFileError
        No data rows.
    TruncatedFileError
        The last line is cut short, or a compressed file ends early.
    ArchiveTooLargeError
        A ``.gz`` file would unpack to more than the limits of :mod:`lacrima.io.archives`.
    NonNumericError
        A cell that is not a number (with line and column), or an infinite value.
    MalformedFileError
        A row with the wrong number of fields, or text that is not in ``spec.encoding``.
    """
    if isinstance(data, Path) and data.name.lower().endswith(".gz"):
        check_gzip(data)  # refuse a gzip bomb before pyarrow unpacks it whole
    types = {name: pa.float64() for name in spec.names}
    while True:
        try:
            table = _arrow_read(data, spec, types)
            break
        except pa.ArrowInvalid as exc:
            match = _CONVERT_MSG.search(str(exc))
            name = spec.names[int(match.group(1))] if match else None
            if name in spec.text_columns and types[name] != pa.string():
                types[name] = pa.string()  # e.g. ISO dates in a time column: parse again
                continue
            raise _arrow_error(data, spec, str(exc)) from None
        except (OSError, EOFError) as exc:
            raise TruncatedFileError(
                f"{spec.source}: the compressed data end early ({exc}): the file looks "
                "truncated. Copy it again."
            ) from None
    if table.num_rows == 0:
        raise EmptyFileError(
            f"{spec.source}: has a header but no data rows. Check that you picked the right file."
        )
    columns = {name: _as_array(table.column(name)) for name in spec.names}
    numeric = [a for a in columns.values() if a.dtype == np.float64]
    if numeric:
        empty_rows = np.logical_and.reduce([np.isnan(a) for a in numeric])
        keep = len(empty_rows) - int(np.argmin(empty_rows[::-1])) if not empty_rows.all() else 0
        if keep < len(empty_rows):
            columns = {name: a[:keep] for name, a in columns.items()}
    for position, (name, values) in enumerate(columns.items()):
        if values.dtype == np.float64 and np.isinf(values).any():
            row = int(np.flatnonzero(np.isinf(values))[0])
            raise NonNumericError(
                f"{spec.source}: line {spec.first_line + row}, column {position + 1} ({name!r}): "
                "the value is infinite or too large for a number. Fix that cell."
            )
    return columns
