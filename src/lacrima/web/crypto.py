"""Encryption at rest for free text that holds a client's words.

:class:`EncryptedTextField` is a drop-in ``TextField`` that stores a Fernet token
(AES-128-CBC + HMAC-SHA256) instead of the text. The keys come from
``settings.LACRIMA_ENCRYPTION_KEYS`` (newest first; see :mod:`lacrima.web.config`) and
never enter the database. Older keys still decrypt, so a key can be rotated with
``lacrima rotate-key``, which re-encrypts every such field under the newest key.

The ciphertext is not deterministic, so the field supports no lookups other than
``isnull``: filter on other columns instead. :class:`EncryptedJSONField` does the same
for a JSON value (questionnaire answers).

Files (uploaded recordings) are sealed with :func:`seal_file`: AES-256-GCM in 1 MiB
chunks under a per-file key derived (HKDF-SHA256, random salt) from the newest Fernet
key, so a file of any size streams through in constant memory, and a changed,
reordered or truncated file is refused rather than read. :func:`unseal_file` opens it
with any configured key; ``lacrima rotate-key`` re-seals files as well.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import functools
import hashlib
import json
import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models, transaction

from lacrima.errors import ConfigError

__all__ = [
    "EncryptedJSONField",
    "EncryptedTextField",
    "decrypt",
    "encrypt",
    "encrypted_fields",
    "is_sealed",
    "key_fingerprint",
    "new_key",
    "raw_ciphertext",
    "reencrypt_all",
    "reseal_file",
    "rotate_key",
    "seal_file",
    "unseal_file",
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


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (list, dict, numbers) stored encrypted, like :class:`EncryptedTextField`."""

    description = "JSON encrypted at rest (Fernet)"

    def get_prep_value(self, value: Any) -> Any:
        """Serialise to JSON and encrypt (raw mode: the stored token passes unchanged)."""
        if value is None or _RAW.get():
            return value
        return encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        """Decrypt and parse the stored JSON."""
        if value is None or _RAW.get():
            return value
        return json.loads(decrypt(value))

    def to_python(self, value: Any) -> Any:
        """JSON text (from a serialiser) becomes its value; stored tokens in raw mode stay."""
        if isinstance(value, str) and not _RAW.get():
            return json.loads(value)
        return value

    def value_to_string(self, obj: models.Model) -> str:
        """JSON text of the value (for serialisers)."""
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


# ------------------------------------------------------------------------------ files

_MAGIC = b"LACRIMA-SEALED-1\n"
_SALT_BYTES = 16
#: Plaintext per chunk: large enough that the 16-byte tags cost nothing (0.0015 %),
#: small enough to stream a 500 MB upload in constant memory.
CHUNK_BYTES = 1024 * 1024
_TAG_BYTES = 16


def _file_key(fernet_key: str, salt: bytes) -> AESGCM:
    master = base64.urlsafe_b64decode(fernet_key.encode("ascii"))
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"lacrima sealed file v1")
    return AESGCM(hkdf.derive(master))


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def is_sealed(path: Path) -> bool:
    """True when ``path`` starts like a file written by :func:`seal_file`."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(_MAGIC)) == _MAGIC
    except OSError:
        return False


def _write_private(dest: Path) -> tuple[Path, BinaryIO]:
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return tmp, os.fdopen(fd, "wb")


def _seal_stream(chunks: Iterator[bytes], dest: Path) -> None:
    keys = list(settings.LACRIMA_ENCRYPTION_KEYS)
    if not keys:
        raise ConfigError("No encryption key configured; set LACRIMA_ENCRYPTION_KEY")
    salt = secrets.token_bytes(_SALT_BYTES)
    header = _MAGIC + salt
    aead = _file_key(keys[0], salt)
    tmp, out = _write_private(dest)
    try:
        with out:
            out.write(header)
            index, pending = 0, next(chunks, b"")
            while True:
                following = next(chunks, None)
                out.write(aead.encrypt(_nonce(index, following is None), pending, header))
                if following is None:
                    break
                index, pending = index + 1, following
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _read_chunks(fh: BinaryIO, size: int) -> Iterator[bytes]:
    while True:
        block = fh.read(size)
        if not block:
            return
        yield block


def _fixed_chunks(fh: BinaryIO) -> Iterator[bytes]:
    """Plaintext in exactly CHUNK_BYTES pieces (the last one shorter)."""
    buffer = b""
    for block in _read_chunks(fh, CHUNK_BYTES):
        buffer += block
        while len(buffer) >= CHUNK_BYTES:
            yield buffer[:CHUNK_BYTES]
            buffer = buffer[CHUNK_BYTES:]
    if buffer:
        yield buffer


def seal_file(src: Path, dest: Path) -> None:
    """Encrypt ``src`` into ``dest`` (0600, written atomically) under the newest key.

    ``src`` and ``dest`` may be the same path.
    """
    with open(src, "rb") as fh:
        _seal_stream(_fixed_chunks(fh), dest)


def _opened(path: Path) -> Iterator[bytes]:
    """The plaintext chunks of a sealed file, each checked before it is returned."""
    unreadable = ConfigError(
        f"{path.name} cannot be decrypted with the configured keys (or it was changed "
        "on disk); set LACRIMA_ENCRYPTION_KEY to include the key it was written with"
    )
    with open(path, "rb") as fh:
        header = fh.read(len(_MAGIC) + _SALT_BYTES)
        if not header.startswith(_MAGIC) or len(header) != len(_MAGIC) + _SALT_BYTES:
            raise ConfigError(f"{path.name} is not a sealed Lacrima file")
        salt = header[len(_MAGIC) :]
        blocks = _read_chunks(fh, CHUNK_BYTES + _TAG_BYTES)
        current = next(blocks, b"")
        following = next(blocks, None)
        final = following is None
        found = _first_chunk(salt, header, current, final)
        if found is None and _reload_key_file():  # rotated while we were running
            found = _first_chunk(salt, header, current, final)
        if found is None:
            raise unreadable
        aead, first = found
        yield first
        index = 0
        while following is not None:
            index, current = index + 1, following
            following = next(blocks, None)
            try:
                yield aead.decrypt(_nonce(index, following is None), current, header)
            except InvalidTag as exc:
                raise unreadable from exc


def _first_chunk(
    salt: bytes, header: bytes, block: bytes, final: bool
) -> tuple[AESGCM, bytes] | None:
    """The file cipher of the configured key that opens the first chunk, and its text."""
    for key in settings.LACRIMA_ENCRYPTION_KEYS:
        aead = _file_key(key, salt)
        try:
            return aead, aead.decrypt(_nonce(0, final), block, header)
        except InvalidTag:
            continue
    return None


def unseal_file(src: Path, dest: Path) -> None:
    """Decrypt the sealed file ``src`` into ``dest`` (0600).

    Raises
    ------
    ConfigError
        No configured key opens it, or the file was changed or cut short.
    """
    tmp, out = _write_private(dest)
    try:
        with out:
            for chunk in _opened(src):
                out.write(chunk)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def reseal_file(path: Path) -> None:
    """Seal ``path`` again under the newest key (an unsealed file is sealed)."""
    if is_sealed(path):
        _seal_stream(_opened(path), path)
    else:
        seal_file(path, path)


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every installed model with encrypted fields, and those fields' attribute names."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]  # EncryptedJSONField included: the stored value is a Fernet token too
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

    Uploaded recordings are re-sealed too (and any file from before sealing is sealed).

    Returns
    -------
    dict
        ``rows`` re-encrypted, ``files`` re-sealed, ``fingerprint`` of the key now in
        use, ``source`` (``"file"`` or ``"environment"``), ``retired`` (old keys).
    """
    from lacrima.web.config import write_secret_file
    from lacrima.web.records.storage import reseal_uploads

    key_file = settings.LACRIMA_ENCRYPTION_KEY_FILE
    old = list(settings.LACRIMA_ENCRYPTION_KEYS)
    if key_file is None:
        rows = reencrypt_all()
        files = reseal_uploads()
        return {
            "rows": rows,
            "files": files,
            "fingerprint": key_fingerprint(old[0]),
            "source": "environment",
            "retired": len(old) - 1,
        }
    fresh = new_key()
    write_secret_file(key_file, "\n".join([fresh, *old]))
    settings.LACRIMA_ENCRYPTION_KEYS = [fresh, *old]
    rows = reencrypt_all()
    files = reseal_uploads()
    write_secret_file(key_file, fresh)
    settings.LACRIMA_ENCRYPTION_KEYS = [fresh]
    return {
        "rows": rows,
        "files": files,
        "fingerprint": key_fingerprint(fresh),
        "source": "file",
        "retired": len(old),
    }
