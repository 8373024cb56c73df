"""Django settings of the Lacrima web project.

Everything that differs between installations comes from the environment through
:mod:`lacrima.web.config`; this module holds only the fixed, secure defaults.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.db.backends.signals import connection_created

from lacrima.errors import ConfigError
from lacrima.web import config as _config
from lacrima.web.records.q_settings import cluster_settings

CONFIG = _config.load()
LACRIMA_MAX_UPLOAD_MB = CONFIG.max_upload_mb
Q_CLUSTER = cluster_settings(CONFIG.workers, CONFIG.redis_url)

BASE_DIR = CONFIG.data_dir
DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)

LACRIMA_DATA_DIR = CONFIG.data_dir
LACRIMA_ENCRYPTION_KEYS = list(CONFIG.encryption_keys)
LACRIMA_ENCRYPTION_KEY_FILE = CONFIG.encryption_key_file
LACRIMA_LOCALE = CONFIG.locale
LACRIMA_CRISIS_FILE = CONFIG.crisis_file
LACRIMA_INVITATION_DAYS = 7
LACRIMA_CODE_HOURS = 48
LACRIMA_TRUSTED_PROXIES = list(CONFIG.trusted_proxies)
LACRIMA_REQUIRE_2FA = CONFIG.require_2fa
# API tokens: 90 days unless chosen otherwise, at most a year (docs/decisions/0013d).
LACRIMA_TOKEN_DAYS = 90
LACRIMA_TOKEN_MAX_DAYS = 365
LACRIMA_RECOVERY_CODES = 10

# The SQLite file and its -wal/-shm are 0600 (docs/decisions/0013d).
connection_created.connect(_config.secure_sqlite_files, dispatch_uid="lacrima-sqlite-0600")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "lacrima.web.accounts",
    "lacrima.web.audit",
    "lacrima.web.core",
    "lacrima.web.diary",
    "lacrima.web.program",
    "lacrima.web.records",
    "django_q",  # background tasks of the records app (settings: records/q_settings.py)
]

MIDDLEWARE = [
    "lacrima.web.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lacrima.web.core.middleware.NoStoreMiddleware",
    "lacrima.web.core.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lacrima.web.core.middleware.LacrimaErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lacrima.web.urls"
WSGI_APPLICATION = "lacrima.web.wsgi.application"
ASGI_APPLICATION = "lacrima.web.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lacrima.web.core.context.site",
            ],
        },
    },
]


def _database(url: str) -> dict:
    try:
        db = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ConfigError(
            f"LACRIMA_DATABASE_URL cannot be parsed ({exc}); it should look like "
            "postgresql://lacrima:PASSWORD@127.0.0.1:5432/lacrima"
        ) from exc
    if db["ENGINE"] == "django.db.backends.sqlite3":
        _config.create_private_file(Path(db["NAME"]))  # 0600 from the first byte
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"] = {
            # WAL lets readers and one writer work together; secure_delete overwrites
            # erased rows so a deleted account does not linger in free pages.
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA secure_delete=ON;PRAGMA busy_timeout=5000"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return db


DATABASES = {"default": _database(CONFIG.database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): 5 failures for one user name from one address lock
# that pair for 15 minutes; 20 failures from one address (any user names) lock the
# address, 10 for one user name (any addresses) lock the name, both for 15 minutes
# (docs/decisions/0002 and 0013d). Every password check and second-factor code counts.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "lacrima.web.accounts.throttle.LacrimaAxesHandler"
AXES_CLIENT_IP_CALLABLE = "lacrima.web.core.middleware.client_address"
LACRIMA_THROTTLE_ADDRESS_LIMIT = 20
LACRIMA_THROTTLE_USER_LIMIT = 10
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Cookies and transport.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_NAME = "lacrima_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "lacrima_csrf"
CSRF_FAILURE_VIEW = "lacrima.web.core.views.csrf_failure"
SESSION_COOKIE_SECURE = CONFIG.https
CSRF_COOKIE_SECURE = CONFIG.https
if CONFIG.https:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4): no inline script or style, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Request size limits: forms and JSON bodies above this get a clear 400/413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.data_dir / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder
STATICFILES_DIRS = [Path(__file__).resolve().parent / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# `lacrima serve` runs collectstatic (compressed copies) before starting; finders only
# in debug, where files change under the server.
WHITENOISE_USE_FINDERS = CONFIG.debug
WHITENOISE_MAX_AGE = 300

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Mail (password reset): SMTP from LACRIMA_EMAIL_URL, otherwise files in <data dir>/mail.
EMAIL_BACKEND = CONFIG.email.backend
if CONFIG.email.file_path is not None:
    EMAIL_FILE_PATH = CONFIG.email.file_path
    EMAIL_FILE_PATH.mkdir(mode=0o700, exist_ok=True)
    _config.check_private(EMAIL_FILE_PATH)
EMAIL_HOST = CONFIG.email.host
EMAIL_PORT = CONFIG.email.port or 25
EMAIL_HOST_USER = CONFIG.email.user
EMAIL_HOST_PASSWORD = CONFIG.email.password
EMAIL_USE_TLS = CONFIG.email.use_tls
EMAIL_USE_SSL = CONFIG.email.use_ssl
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = CONFIG.email.sender
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour

# Second factor (django-otp): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "Lacrima"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"secrets": {"()": "lacrima.web.core.middleware.SecretPathFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
