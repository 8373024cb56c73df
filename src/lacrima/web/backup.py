"""Whole-installation backup and restore, portable between SQLite and PostgreSQL.

A backup is a zip with ``manifest.json`` and ``data.json`` (Django's serialised rows).
Encrypted fields stay encrypted in it: the encryption key is **not** in the backup, so
keep the key (``LACRIMA_ENCRYPTION_KEY`` or ``<data dir>/encryption_key``) safe
separately. Restoring needs the same key and the same database schema (Lacrima
version); restore first, then upgrade.
"""

from __future__ import annotations

import io
import json
import logging
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from lacrima import __version__
from lacrima.errors import ConfigError, LacrimaError
from lacrima.web import crypto

__all__ = ["BackupError", "make_backup", "restore_backup"]

logger = logging.getLogger(__name__)
FORMAT = "lacrima-backup"
# Rebuilt by migrate, or transient: sign-in throttle records and the task queue.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes", "django_q"]


class BackupError(LacrimaError):
    """A backup file cannot be written or restored; the message says why."""


def _schema() -> dict[str, str]:
    """The latest applied migration per app."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def make_backup(out: str | os.PathLike[str]) -> dict[str, Any]:
    """Write every table (encrypted fields still encrypted) to the zip ``out`` (0600).

    Returns the manifest.
    """
    out = Path(out)
    manifest = {
        "format": FORMAT,
        "version": 1,
        "lacrima_version": __version__,
        "created_at": datetime.now(UTC).isoformat(),
        "database": connection.vendor,
        "key_fingerprints": [crypto.key_fingerprint(k) for k in settings.LACRIMA_ENCRYPTION_KEYS],
        "schema": _schema(),
    }
    buffer = io.StringIO()
    with crypto.raw_ciphertext():
        call_command(
            "dumpdata",
            exclude=EXCLUDE,
            natural_foreign=True,
            stdout=buffer,
            verbosity=0,
        )
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, indent=2))
            zf.writestr("data.json", buffer.getvalue())
    except OSError as exc:
        raise BackupError(f"cannot write the backup to {out}: {exc.strerror}") from exc
    logger.info("backup written to %s", out)
    return manifest


def _read(path: Path) -> tuple[dict[str, Any], bytes]:
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            data = zf.read("data.json")
    except FileNotFoundError as exc:
        raise BackupError(f"{path} does not exist") from exc
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BackupError(f"{path} is not a Lacrima backup (made by 'lacrima backup')") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Lacrima backup (made by 'lacrima backup')")
    return manifest, data


def _check_compatible(manifest: dict[str, Any]) -> None:
    current = _schema()
    if manifest.get("schema") != current:
        raise BackupError(
            "this backup was made with another database schema (Lacrima "
            f"{manifest.get('lacrima_version')}); restore it with that version, then upgrade"
        )
    ours = {crypto.key_fingerprint(k) for k in settings.LACRIMA_ENCRYPTION_KEYS}
    theirs = set(manifest.get("key_fingerprints", []))
    if theirs and not ours & theirs:
        raise ConfigError(
            "this backup was encrypted with another key (fingerprint "
            f"{', '.join(sorted(theirs))}); set LACRIMA_ENCRYPTION_KEY to that key"
        )


def _verify_decryptable() -> None:
    """Read every encrypted value once; a wrong key raises ConfigError (and rolls back)."""
    for model, names in crypto.encrypted_fields():
        for _row in model._base_manager.values_list(*names).iterator():
            pass


def restore_backup(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Replace every row in the database with the backup's. All or nothing.

    Raises
    ------
    BackupError
        Not a backup, or made with another schema.
    ConfigError
        The configured key cannot decrypt the backup's encrypted fields.
    """
    manifest, data = _read(Path(path))
    _check_compatible(manifest)
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "lacrima_backup.json"
        fixture.write_bytes(data)
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            with crypto.raw_ciphertext():
                call_command("loaddata", str(fixture), verbosity=0)
            _verify_decryptable()
    logger.info("restored backup of %s", manifest.get("created_at"))
    return manifest
