"""A client's data export: one zip with ``data.json`` and a CSV file per table."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

from lacrima import __version__
from lacrima.web import registry
from lacrima.web.accounts.models import User
from lacrima.web.audit.log import record_event

__all__ = ["build_archive", "collect"]

README = """Your data from Lacrima
======================

data.json   every table below, in one JSON file
<table>.csv the same rows, one CSV file per table (opens in a spreadsheet)

Text you wrote is decrypted here: keep this file somewhere private.
"""


def collect(user: User) -> dict[str, list[dict[str, Any]]]:
    """Every registered table's rows for ``user`` (see :mod:`lacrima.web.registry`)."""
    return {name: fn(user) for name, fn in registry.exporters().items()}


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def build_archive(user: User) -> bytes:
    """The zip bytes of everything Lacrima holds about ``user``; records the export."""
    tables = collect(user)
    document = {
        "format": "lacrima-export",
        "version": 1,
        "lacrima_version": __version__,
        "exported_at": datetime.now(UTC).isoformat(),
        "username": user.username,
        "tables": tables,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", README)
        zf.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2, default=str))
        for name, rows in tables.items():
            zf.writestr(f"{name}.csv", _csv(rows))
    record_event(user, "exported their data", subject=user)
    return buffer.getvalue()
