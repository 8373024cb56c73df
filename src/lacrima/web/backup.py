"""Whole-installation backup and restore, portable between SQLite and PostgreSQL.

A backup is a zip with ``manifest.json``, ``data.json`` (Django's serialised rows) and
``uploads/`` (the uploaded recordings, still encrypted). The rows are read in **one
transaction**, so they are one snapshot of the database even while people write: on
SQLite a read transaction sees the database as of its first read; on PostgreSQL the
transaction is ``REPEATABLE READ`` (one snapshot for all tables). The recordings listed
in that snapshot are copied after it (they are written once, at upload).

Encrypted fields stay encrypted in it: the encryption key is **not** in the backup, so
keep the key (``LACRIMA_ENCRYPTION_KEY`` or ``<data dir>/encryption_key``) safe
separately. Restoring needs the same key and the same database schema (Lacrima
version); restore first, then upgrade. A restore refuses while ``lacrima serve`` or
``lacrima worker`` runs on the data folder (:mod:`lacrima.web.runlock`).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from lacrima import __version__
from lacrima.errors import ConfigError, LacrimaError
from lacrima.web import crypto, runlock

__all__ = ["BackupError", "make_backup", "restore_backup"]

logger = logging.getLogger(__name__)
FORMAT = "lacrima-backup"
# Rebuilt by migrate, or transient: sign-in throttle records and the task queue.
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes", "django_q"]
#: Versions of the backup format this code restores (1: rows only; 2: rows and uploads).
VERSIONS = (1, 2)
UPLOADS = "uploads/"


class BackupError(LacrimaError):
    """A backup file cannot be written or restored; the message says why."""


def _schema() -> dict[str, str]:
    """The latest applied migration per app."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


@contextlib.contextmanager
def _one_snapshot() -> Iterator[None]:
    """Run the block's reads in one read-only transaction: one view of every table.

    SQLite (in WAL mode): a deferred ``BEGIN`` sees the database as of its first read and
    never blocks writers (Lacrima's own transactions are ``BEGIN IMMEDIATE``, which would
    queue the backup behind every writer). PostgreSQL: ``REPEATABLE READ READ ONLY``.
    Already inside a transaction (tests): its view is used.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # must come before the first read
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _snapshot() -> tuple[dict[str, str], str, list[str]]:
    """Schema, rows (JSON) and upload folders, all read from one snapshot."""
    from lacrima.web.records.models import Upload

    buffer = io.StringIO()
    with _one_snapshot():
        schema = _schema()
        with crypto.raw_ciphertext():
            call_command(
                "dumpdata",
                exclude=EXCLUDE,
                natural_foreign=True,
                stdout=buffer,
                verbosity=0,
            )
        folders = sorted(set(Upload.objects.exclude(folder="").values_list("folder", flat=True)))
    return schema, buffer.getvalue(), folders


def _upload_files(folders: list[str]) -> list[tuple[str, Path]]:
    """(name in the zip, path) of every file in the upload folders that still exist."""
    from lacrima.web.records.models import uploads_root

    root = uploads_root()
    found = []
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file():
                found.append((UPLOADS + path.relative_to(root).as_posix(), path))
    return found


def make_backup(out: str | os.PathLike[str]) -> dict[str, Any]:
    """Write one snapshot of every table and the uploaded recordings to the zip ``out``.

    The file is created 0600; encrypted fields and recordings stay encrypted.

    Returns
    -------
    dict
        The manifest (format, versions, time, database, key fingerprints, schema, uploads).

    Raises
    ------
    BackupError
        ``out`` cannot be written.
    """
    out = Path(out)
    schema, rows, folders = _snapshot()
    files = _upload_files(folders)
    manifest = {
        "format": FORMAT,
        "version": 2,
        "lacrima_version": __version__,
        "created_at": datetime.now(UTC).isoformat(),
        "database": connection.vendor,
        "key_fingerprints": [crypto.key_fingerprint(k) for k in settings.LACRIMA_ENCRYPTION_KEYS],
        "schema": schema,
        "uploads": len(files),
    }
    try:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, indent=2))
            zf.writestr("data.json", rows)
            for name, path in files:
                zf.write(path, name)
    except OSError as exc:
        raise BackupError(f"cannot write the backup to {out}: {exc.strerror}") from exc
    logger.info("backup written to %s (%d uploaded files)", out, len(files))
    return manifest


def _not_a_backup(path: Path) -> BackupError:
    return BackupError(f"{path} is not a Lacrima backup (made by 'lacrima backup')")


def _read(path: Path) -> tuple[dict[str, Any], bytes, dict[str, bytes]]:
    """The manifest, the rows and the uploaded files of the backup at PATH, checked."""
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise _not_a_backup(path)
            data = zf.read("data.json")  # the CRC check finds a damaged member
            files = {
                info.filename[len(UPLOADS) :]: zf.read(info)
                for info in zf.infolist()
                if info.filename.startswith(UPLOADS) and not info.is_dir()
            }
    except FileNotFoundError as exc:
        raise BackupError(f"{path} does not exist") from exc
    except IsADirectoryError as exc:
        raise BackupError(f"{path} is a folder; give the backup zip file") from exc
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise BackupError(
            f"{path} is damaged or truncated ({exc}) or is not a Lacrima backup; copy it again "
            "or use another backup"
        ) from exc
    except (KeyError, ValueError) as exc:
        raise _not_a_backup(path) from exc
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from exc
    if manifest.get("version") not in VERSIONS:
        raise BackupError(
            f"{path} is a backup of format version {manifest.get('version')!r}, made by "
            f"Lacrima {manifest.get('lacrima_version')}; this Lacrima ({__version__}) restores "
            f"versions {', '.join(map(str, VERSIONS))}: upgrade Lacrima first"
        )
    try:
        rows = json.loads(data)
    except ValueError as exc:
        raise BackupError(f"{path}: data.json is damaged ({exc}); use another backup") from exc
    if not isinstance(rows, list):
        raise _not_a_backup(path)
    bad = [name for name in files if name.startswith("/") or ".." in name.split("/")]
    if bad:
        raise BackupError(f"{path}: holds files outside the uploads folder ({bad[0]!r})")
    return manifest, data, files


def _check_compatible(manifest: dict[str, Any]) -> None:
    current = _schema()
    theirs_schema = manifest.get("schema")
    if not isinstance(theirs_schema, dict):
        raise BackupError("the backup's manifest has no schema; it is not a Lacrima backup")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = sorted(
        f"{app}.{name}" for app, name in theirs_schema.items() if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"this backup was made by a newer Lacrima ({manifest.get('lacrima_version')}; "
            f"schema {unknown[0]} is unknown here, this is {__version__}): upgrade Lacrima "
            "and run 'lacrima migrate', then restore"
        )
    if theirs_schema != current:
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


def _restore_uploads(files: dict[str, bytes]) -> None:
    from lacrima.web.config import check_private
    from lacrima.web.records.models import uploads_root

    root = uploads_root()
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
    if root.exists():
        check_private(root, "the uploads folder")


def restore_backup(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Replace every row in the database with the backup's, and write its recordings back.

    The rows are all or nothing (one transaction); the recordings are written after the
    rows are in. Uploaded files that are not in the backup are left where they are.

    Raises
    ------
    ServerRunningError
        ``lacrima serve`` or ``lacrima worker`` runs on this data folder.
    BackupError
        Not a backup, damaged or truncated, made by a newer Lacrima or with another
        schema, or rows that do not load.
    ConfigError
        The configured key cannot decrypt the backup's encrypted fields.
    """
    with runlock.exclusive(Path(settings.LACRIMA_DATA_DIR), "restore"):
        manifest, data, files = _read(Path(path))
        _check_compatible(manifest)
        with tempfile.TemporaryDirectory() as tmp:
            fixture = Path(tmp) / "lacrima_backup.json"
            fixture.write_bytes(data)
            try:
                with transaction.atomic():
                    call_command("flush", interactive=False, verbosity=0)
                    with crypto.raw_ciphertext():
                        call_command("loaddata", str(fixture), verbosity=0)
                    _verify_decryptable()
            except (DeserializationError, DatabaseError) as exc:
                raise BackupError(
                    f"the backup's rows cannot be loaded ({type(exc).__name__}: "
                    f"{' '.join(str(exc).split())[:300]}); nothing was changed. Use another "
                    "backup"
                ) from exc
        _restore_uploads(files)
    logger.info("restored backup of %s", manifest.get("created_at"))
    return manifest
