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
LACRIMA_TRUSTED_PROXIES
    Addresses or networks (``10.0.0.5,192.168.1.0/24``) of the reverse proxies whose
    ``X-Forwarded-For`` header names the real client (default: none, the header is ignored).
LACRIMA_REQUIRE_2FA
    ``true``: therapists and administrators must set up a second factor (TOTP) before
    they can use Lacrima (default ``false``).
LACRIMA_EMAIL_URL
    ``smtp://user:password@host:587`` (STARTTLS), ``smtps://...:465`` (TLS) or
    ``smtp://host:25`` (default: mail is written as files to ``<data dir>/mail``).
LACRIMA_EMAIL_FROM
    Sender of password-reset mail (default ``lacrima@localhost``).
LACRIMA_MAX_UPLOAD_MB
    Largest recording upload, in megabytes (default 500).
LACRIMA_REDIS_URL
    ``redis://host:6379/0``: Redis as the task broker (default: the database).
LACRIMA_WORKERS
    Analyses the background worker runs at once (default 1).
LACRIMA_PASSWORD
    Password for ``lacrima adduser`` (otherwise it asks); read by :func:`admin_password`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import ipaddress
import logging
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from lacrima.errors import ConfigError

__all__ = [
    "Config",
    "EmailConfig",
    "admin_password",
    "check_private",
    "create_private_file",
    "load",
    "max_upload_mb",
    "read_key_file",
    "redis_url",
    "secure_sqlite_files",
    "task_workers",
    "write_secret_file",
]

logger = logging.getLogger(__name__)

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
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    require_2fa: bool = False
    email: EmailConfig = field(default_factory=lambda: EmailConfig())
    max_upload_mb: float = 500.0
    workers: int = 1
    redis_url: str = ""


@dataclass(frozen=True)
class EmailConfig:
    """How Lacrima sends mail (password reset): SMTP, or files in a folder."""

    backend: str = "django.core.mail.backends.filebased.EmailBackend"
    file_path: Path | None = None
    host: str = ""
    port: int = 0
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    sender: str = "lacrima@localhost"


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
        trusted_proxies=_trusted_proxies(env),
        require_2fa=_boolean(env, "LACRIMA_REQUIRE_2FA"),
        email=_email(env, data_dir),
        max_upload_mb=max_upload_mb(env),
        workers=task_workers(env),
        redis_url=redis_url(env),
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
    check_private(path, "LACRIMA_DATA_DIR")
    return path


def check_private(path: Path, variable: str = "LACRIMA_DATA_DIR") -> None:
    """Make ``path`` (a folder: 0700, a file: 0600) private, or refuse to go on.

    A folder or file that other users can read or enter is tightened when it belongs to
    the user Lacrima runs as; otherwise start-up stops with the ``chmod`` to run.

    Raises
    ------
    ConfigError
        ``path`` belongs to someone else and others can read it.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if not info.st_mode & 0o077:
        return
    private = 0o700 if stat.S_ISDIR(info.st_mode) else 0o600
    if info.st_uid == os.geteuid():
        os.chmod(path, private)
        if stat.S_ISDIR(info.st_mode) or info.st_size:
            logger.warning("made %s private (mode %o): others could read it", path, private)
        return
    raise ConfigError(
        f"{path} can be read by other users and Lacrima cannot change that; run: "
        f"chmod {private:o} {path} (or point {variable} elsewhere)"
    )


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and 0600 if it does not exist (e.g. a new SQLite database)."""
    if not str(path) or str(path) == ":memory:" or path.exists() or not path.parent.is_dir():
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def secure_sqlite_files(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Signal handler (``connection_created``): the SQLite file and its -wal/-shm 0600.

    SQLite creates the -wal and -shm files with the mode of the database file, so once
    the database is 0600 they are too; existing ones are tightened as well.
    """
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        check_private(Path(name + suffix), "LACRIMA_DATABASE_URL")


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


def _trusted_proxies(
    env: Mapping[str, str],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    if env.get("LACRIMA_FORWARDED_ALLOW_IPS", "").strip():
        raise ConfigError(
            "LACRIMA_FORWARDED_ALLOW_IPS was renamed: set LACRIMA_TRUSTED_PROXIES to the "
            "addresses of your reverse proxies instead, e.g. LACRIMA_TRUSTED_PROXIES=127.0.0.1"
        )
    raw = env.get("LACRIMA_TRUSTED_PROXIES", "").strip()
    networks = []
    for item in (p.strip() for p in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ConfigError(
                f"LACRIMA_TRUSTED_PROXIES contains {item!r}, which is not an address or "
                "network; it should be addresses separated by commas, e.g. "
                "LACRIMA_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/24"
            ) from exc
    return tuple(networks)


def _email(env: Mapping[str, str], data_dir: Path) -> EmailConfig:
    sender = env.get("LACRIMA_EMAIL_FROM", "").strip() or "lacrima@localhost"
    if "@" not in sender or any(ch in sender for ch in "\r\n"):
        raise ConfigError(
            f"LACRIMA_EMAIL_FROM={sender!r} is not an address; it should look like "
            "LACRIMA_EMAIL_FROM=lacrima@clinic.example"
        )
    raw = env.get("LACRIMA_EMAIL_URL", "").strip()
    if not raw:
        return EmailConfig(file_path=data_dir / "mail", sender=sender)
    parts = urlsplit(raw)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or port == -1:
        raise ConfigError(
            "LACRIMA_EMAIL_URL should look like smtp://user:password@mail.example:587 "
            "(STARTTLS) or smtps://user:password@mail.example:465 (TLS)"
        )
    ssl = parts.scheme == "smtps"
    return EmailConfig(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host=parts.hostname,
        port=port or (465 if ssl else 587),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=not ssl and (port or 587) != 25,
        use_ssl=ssl,
        sender=sender,
    )


def max_upload_mb(env: Mapping[str, str]) -> float:
    """``LACRIMA_MAX_UPLOAD_MB`` as a positive number (default 500)."""
    raw = env.get("LACRIMA_MAX_UPLOAD_MB", "").strip() or "500"
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 100_000:
        raise ConfigError(
            f"LACRIMA_MAX_UPLOAD_MB={raw!r} is not a size; it should be a number of "
            "megabytes between 1 and 100000, e.g. LACRIMA_MAX_UPLOAD_MB=500"
        )
    return value


def task_workers(env: Mapping[str, str]) -> int:
    """``LACRIMA_WORKERS``: analyses run at once by the worker (1 to 32, default 1)."""
    raw = env.get("LACRIMA_WORKERS", "").strip() or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= 32:
        raise ConfigError(
            f"LACRIMA_WORKERS={raw!r} should be a whole number from 1 to 32, e.g. LACRIMA_WORKERS=2"
        )
    return int(raw)


def redis_url(env: Mapping[str, str]) -> str:
    """``LACRIMA_REDIS_URL`` (empty: the database is the task queue)."""
    raw = env.get("LACRIMA_REDIS_URL", "").strip()
    if raw and not re.match(r"^rediss?://", raw):
        raise ConfigError(
            f"LACRIMA_REDIS_URL should look like redis://127.0.0.1:6379/0 (got {raw!r})"
        )
    return raw


def admin_password(env: Mapping[str, str] | None = None) -> str | None:
    """``LACRIMA_PASSWORD`` for ``lacrima adduser``, or None to ask at the prompt."""
    env = os.environ if env is None else env
    return env.get("LACRIMA_PASSWORD") or None


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
