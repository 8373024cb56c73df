"""Settings from the environment, checked once at start-up.

Every ``LACRIMA_*`` variable is read here and nowhere else. A missing or malformed value
stops start-up with a :class:`~lacrima.errors.ConfigError` whose one-line message names
the variable and what it should look like.

Variables
---------
LACRIMA_DATA_DIR
    Folder for the SQLite database, the generated keys and collected static files
    (default ``./var``).
LACRIMA_DATABASE_URL
    ``sqlite:////abs/path.db`` or ``postgresql://user:pass@host:5432/name``
    (default: SQLite ``lacrima.sqlite3`` in the data dir, WAL mode).
LACRIMA_SECRET_KEY
    Django's secret key, at least 50 characters (default: generated once into
    ``<data dir>/secret_key`` with 0600 permissions).
LACRIMA_ENCRYPTION_KEY
    One or more Fernet keys separated by commas, newest first (default: generated once
    into ``<data dir>/encryption_key`` with 0600 permissions, outside the database).
LACRIMA_ALLOWED_HOSTS
    Comma-separated host names (default ``localhost,127.0.0.1,[::1]``).
LACRIMA_LOCALE
    Locale for crisis resources, e.g. ``en-US``, ``en-GB``, ``en-AU`` (default ``en-US``).
LACRIMA_CRISIS_FILE
    Path to a crisis-resources JSON file (default: the one shipped with Lacrima).
LACRIMA_DEBUG
    ``true`` or ``false`` (default ``false``).
LACRIMA_HTTPS
    ``true`` when served behind an HTTPS proxy: secure cookies and HSTS (default ``false``).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lacrima.errors import ConfigError

__all__ = ["Config", "load", "read_key_file", "write_secret_file"]

DEFAULT_CRISIS_FILE = Path(__file__).parent / "core" / "data" / "crisis_resources.json"
_LOCALE_RE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z]{2})?$")
_HOST_RE = re.compile(r"^(\.?[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9a-fA-F:.]+\])$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Config:
    """The checked settings of one Lacrima installation."""

    data_dir: Path
    database_url: str
    secret_key: str
    encryption_keys: tuple[str, ...]
    encryption_key_file: Path | None
    allowed_hosts: tuple[str, ...]
    locale: str
    crisis_file: Path
    debug: bool
    https: bool


def load(env: Mapping[str, str] | None = None) -> Config:
    """Read and check every ``LACRIMA_*`` variable.

    Parameters
    ----------
    env : mapping, optional
        The environment to read (default ``os.environ``).

    Returns
    -------
    Config
        The checked settings; missing keys are generated into the data dir.

    Raises
    ------
    ConfigError
        A variable is malformed; the message names it and shows the expected form.

    Examples
    --------
    >>> cfg = load({"LACRIMA_DATA_DIR": "/tmp/lacrima-doc"})  # doctest: +SKIP
    """
    env = os.environ if env is None else env
    data_dir = _data_dir(env)
    debug = _boolean(env, "LACRIMA_DEBUG")
    https = _boolean(env, "LACRIMA_HTTPS")
    key_file = None if env.get("LACRIMA_ENCRYPTION_KEY") else data_dir / "encryption_key"
    return Config(
        data_dir=data_dir,
        database_url=_database_url(env, data_dir),
        secret_key=_secret_key(env, data_dir),
        encryption_keys=_encryption_keys(env, key_file),
        encryption_key_file=key_file,
        allowed_hosts=_allowed_hosts(env),
        locale=_locale(env),
        crisis_file=_crisis_file(env),
        debug=debug,
        https=https,
    )


def _data_dir(env: Mapping[str, str]) -> Path:
    raw = env.get("LACRIMA_DATA_DIR", "").strip() or "./var"
    path = Path(raw).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigError(
            f"LACRIMA_DATA_DIR={raw!r} is a file; it should be a folder Lacrima may write to, "
            "e.g. LACRIMA_DATA_DIR=/var/lib/lacrima"
        )
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise ConfigError(
            f"LACRIMA_DATA_DIR={raw!r} cannot be created ({exc.strerror}); it should be a "
            "writable folder, e.g. LACRIMA_DATA_DIR=/var/lib/lacrima"
        ) from exc
    return path


def _boolean(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{name}={env[name]!r} is not a boolean; it should be 'true' or 'false'")


def _database_url(env: Mapping[str, str], data_dir: Path) -> str:
    raw = env.get("LACRIMA_DATABASE_URL", "").strip()
    if not raw:
        return f"sqlite:///{data_dir / 'lacrima.sqlite3'}"
    if not re.match(r"^(sqlite|postgres|postgresql|pgsql)://", raw):
        raise ConfigError(
            "LACRIMA_DATABASE_URL must start with sqlite:// or postgresql://, e.g. "
            "postgresql://lacrima:PASSWORD@127.0.0.1:5432/lacrima or "
            "sqlite:////var/lib/lacrima/lacrima.sqlite3"
        )
    return raw


def _secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    raw = env.get("LACRIMA_SECRET_KEY", "")
    if raw:
        if len(raw) < 50 or len(set(raw)) < 5:
            raise ConfigError(
                "LACRIMA_SECRET_KEY is too short or too simple; it should be at least 50 "
                "random characters, e.g. the output of: python -c "
                "'import secrets; print(secrets.token_urlsafe(50))'"
            )
        return raw
    path = data_dir / "secret_key"
    if not path.exists():
        write_secret_file(path, secrets.token_urlsafe(50))
    value = read_key_file(path, "LACRIMA_SECRET_KEY")[0]
    if len(value) < 50:
        raise ConfigError(f"{path} holds a secret key shorter than 50 characters; delete it")
    return value


def _check_fernet_key(value: str, name: str) -> str:
    try:
        ok = len(base64.urlsafe_b64decode(value.encode("ascii"))) == 32
    except (binascii.Error, ValueError, UnicodeEncodeError):
        ok = False
    if not ok:
        raise ConfigError(
            f"{name} is not a valid key; it should be 44 characters of url-safe base64 "
            "(32 bytes), several separated by commas with the newest first, e.g. the "
            "output of: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    return value


def _encryption_keys(env: Mapping[str, str], key_file: Path | None) -> tuple[str, ...]:
    raw = env.get("LACRIMA_ENCRYPTION_KEY", "").strip()
    if raw:
        keys = [k.strip() for k in raw.split(",") if k.strip()]
        return tuple(_check_fernet_key(k, "LACRIMA_ENCRYPTION_KEY") for k in keys)
    assert key_file is not None
    if not key_file.exists():
        write_secret_file(key_file, base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    keys = read_key_file(key_file, "LACRIMA_ENCRYPTION_KEY")
    return tuple(_check_fernet_key(k, f"The key file {key_file}") for k in keys)


def _allowed_hosts(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("LACRIMA_ALLOWED_HOSTS", "").strip() or "localhost,127.0.0.1,[::1]"
    hosts = tuple(h.strip() for h in raw.split(",") if h.strip())
    for host in hosts:
        if host != "*" and not _HOST_RE.match(host):
            raise ConfigError(
                f"LACRIMA_ALLOWED_HOSTS contains {host!r}; it should be host names separated "
                "by commas, without scheme or port, e.g. lacrima.example.org,localhost"
            )
    return hosts


def _locale(env: Mapping[str, str]) -> str:
    raw = env.get("LACRIMA_LOCALE", "").strip() or "en-US"
    if not _LOCALE_RE.match(raw):
        raise ConfigError(
            f"LACRIMA_LOCALE={raw!r} is not a locale; it should look like en-US, en-GB, "
            "en-IE, en-CA or en-AU (language, dash, country)"
        )
    return raw.replace("_", "-")


def _crisis_file(env: Mapping[str, str]) -> Path:
    raw = env.get("LACRIMA_CRISIS_FILE", "").strip()
    if not raw:
        return DEFAULT_CRISIS_FILE
    path = Path(raw).expanduser()
    if not path.is_file():
        raise ConfigError(
            f"LACRIMA_CRISIS_FILE={raw!r} does not exist; it should be the path of a JSON "
            "file shaped like src/lacrima/web/core/data/crisis_resources.json"
        )
    return path


def write_secret_file(path: Path, value: str) -> None:
    """Write ``value`` to ``path`` atomically, readable only by the owner (0600)."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value.strip() + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def read_key_file(path: Path, variable: str) -> list[str]:
    """Read the non-empty lines of a key file, refusing one others can read."""
    try:
        mode = path.stat().st_mode & 0o077
        lines = [ln.strip() for ln in path.read_text(encoding="ascii").splitlines()]
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} cannot be read ({exc}); set {variable} or fix the file") from exc
    if mode:
        raise ConfigError(
            f"{path} is readable by other users; run: chmod 600 {path} (or set {variable})"
        )
    keys = [ln for ln in lines if ln and not ln.startswith("#")]
    if not keys:
        raise ConfigError(f"{path} is empty; delete it to generate a new one or set {variable}")
    return keys
