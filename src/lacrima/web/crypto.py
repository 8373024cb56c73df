"""Encryption at rest for free text that holds a client's words.

:class:`EncryptedTextField` is a drop-in ``TextField`` that stores a Fernet token
(AES-128-CBC + HMAC-SHA256) instead of the text. The keys come from
``settings.LACRIMA_ENCRYPTION_KEYS`` (newest first; see :mod:`lacrima.web.config`) and
never enter the database. Older keys still decrypt, so a key can be rotated with
``lacrima rotate-key``, which re-encrypts every such field under the newest key.

The ciphertext is not deterministic, so the field supports no lookups other than
``isnull``: filter on other columns instead.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import logging
from collections.abc import Iterator
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models, transaction

from lacrima.errors import ConfigError

__all__ = [
    "EncryptedTextField",
    "decrypt",
    "encrypt",
    "encrypted_fields",
    "key_fingerprint",
    "new_key",
    "raw_ciphertext",
    "reencrypt_all",
    "rotate_key",
]

logger = logging.getLogger(__name__)
_RAW = contextvars.ContextVar("lacrima_raw_ciphertext", default=False)


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ConfigError("No encryption key configured; set LACRIMA_ENCRYPTION_KEY")
    return MultiFernet([Fernet(k.encode("ascii")) for k in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.LACRIMA_ENCRYPTION_KEYS))


def _reload_key_file() -> bool:
    """Re-read the key file if it changed since start-up; True when keys changed."""
    from lacrima.web.config import read_key_file

    path = settings.LACRIMA_ENCRYPTION_KEY_FILE
    if path is None or not path.exists():
        return False
    keys = read_key_file(path, "LACRIMA_ENCRYPTION_KEY")
    if keys == list(settings.LACRIMA_ENCRYPTION_KEYS):
        return False
    settings.LACRIMA_ENCRYPTION_KEYS = keys
    return True


def encrypt(plaintext: str) -> str:
    """Encrypt ``plaintext`` under the newest key and return the token as text."""
    return _current().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token made by :func:`encrypt` with any configured key.

    Raises
    ------
    ConfigError
        No configured key opens the token (wrong or missing ``LACRIMA_ENCRYPTION_KEY``).
    """
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        if _reload_key_file():  # rotated by ``lacrima rotate-key`` while we were running
            return decrypt(token)
        raise ConfigError(
            "Stored text cannot be decrypted with the configured keys; set "
            "LACRIMA_ENCRYPTION_KEY (or the key file in LACRIMA_DATA_DIR) to the key "
            "this database was written with"
        ) from exc


def key_fingerprint(key: str) -> str:
    """A short, non-secret identifier of a key (first 12 hex digits of its SHA-256)."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()[:12]


@contextlib.contextmanager
def raw_ciphertext() -> Iterator[None]:
    """Within this block, encrypted fields read and write the stored tokens unchanged.

    Used by backup and restore so that a backup never holds plaintext.
    """
    reset = _RAW.set(True)
    try:
        yield
    finally:
        _RAW.reset(reset)


class EncryptedTextField(models.TextField):
    """A ``TextField`` whose value is encrypted before it reaches the database."""

    description = "Text encrypted at rest (Fernet)"

    def get_prep_value(self, value: Any) -> Any:
        """Encrypt the Python value for storage."""
        value = super().get_prep_value(value)
        if value is None or _RAW.get():
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        """Decrypt a stored token into text."""
        if value is None or _RAW.get():
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        """Allow only ``isnull``: ciphertext cannot be compared."""
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every installed model with encrypted fields, and those fields' attribute names."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if names:
            found.append((model, names))
    return found


def _rotate_one(fernet: MultiFernet, token: str) -> str:
    try:
        return fernet.rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise ConfigError(
            "A stored value cannot be decrypted with the configured keys, so nothing was "
            "re-encrypted; set LACRIMA_ENCRYPTION_KEY to include the key it was written with"
        ) from exc


def reencrypt_all(batch_size: int = 500) -> int:
    """Re-encrypt every encrypted field under the newest key.

    Returns
    -------
    int
        The number of rows rewritten.
    """
    fernet = _current()
    count = 0
    with transaction.atomic(), raw_ciphertext():
        for model, names in encrypted_fields():
            rows = model._base_manager.values_list("pk", *names)
            for row in rows.iterator(chunk_size=batch_size):
                pk, values = row[0], row[1:]
                new = {
                    name: None if v is None else _rotate_one(fernet, v)
                    for name, v in zip(names, values, strict=True)
                }
                model._base_manager.filter(pk=pk).update(**new)
                count += 1
    logger.info("re-encrypted %d rows", count)
    return count


def new_key() -> str:
    """A fresh random Fernet key (url-safe base64 text)."""
    return Fernet.generate_key().decode("ascii")


def rotate_key() -> dict[str, Any]:
    """Re-encrypt every encrypted field under a new (or the newest configured) key.

    With the default key file in the data dir: a new key is written to the front of
    the file (the old ones stay until every row is re-encrypted, so a crash loses
    nothing), every row is re-encrypted, then the file keeps only the new key.
    With ``LACRIMA_ENCRYPTION_KEY`` set: rows are re-encrypted under its *first* key;
    the admin then removes the old keys from the variable.

    Returns
    -------
    dict
        ``rows`` re-encrypted, ``fingerprint`` of the key now in use, ``source``
        (``"file"`` or ``"environment"``), ``retired`` (number of old keys).
    """
    from lacrima.web.config import write_secret_file

    key_file = settings.LACRIMA_ENCRYPTION_KEY_FILE
    old = list(settings.LACRIMA_ENCRYPTION_KEYS)
    if key_file is None:
        rows = reencrypt_all()
        return {
            "rows": rows,
            "fingerprint": key_fingerprint(old[0]),
            "source": "environment",
            "retired": len(old) - 1,
        }
    fresh = new_key()
    write_secret_file(key_file, "\n".join([fresh, *old]))
    settings.LACRIMA_ENCRYPTION_KEYS = [fresh, *old]
    rows = reencrypt_all()
    write_secret_file(key_file, fresh)
    settings.LACRIMA_ENCRYPTION_KEYS = [fresh]
    return {
        "rows": rows,
        "fingerprint": key_fingerprint(fresh),
        "source": "file",
        "retired": len(old),
    }
