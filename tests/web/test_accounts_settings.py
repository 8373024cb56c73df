"""Settings of accounts and storage: read in web/config.py only, checked at start-up."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest

from lacrima.errors import ConfigError
from lacrima.web import config

SRC = Path(config.__file__).resolve().parents[1]


def test_lacrima_variables_are_read_only_in_config():
    readers = re.compile(r"(os\.environ|getenv)[^\n]*LACRIMA_|environ\.get\(\s*\"LACRIMA_")
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "config.py" and readers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "read LACRIMA_* variables in lacrima/web/config.py"
    from lacrima.web.records import q_settings

    assert "environ" not in Path(q_settings.__file__).read_text()


def test_trusted_proxies_default_to_none(tmp_path):
    assert config.load({"LACRIMA_DATA_DIR": str(tmp_path)}).trusted_proxies == ()
    cfg = config.load(
        {"LACRIMA_DATA_DIR": str(tmp_path), "LACRIMA_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/24"}
    )
    assert cfg.trusted_proxies == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/24"),
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LACRIMA_TRUSTED_PROXIES", "proxy.example", "not an address or network"),
        ("LACRIMA_FORWARDED_ALLOW_IPS", "127.0.0.1", "renamed"),
        ("LACRIMA_EMAIL_URL", "mail.example:25", "smtp://"),
        ("LACRIMA_EMAIL_URL", "smtp://mail.example:notaport", "smtp://"),
        ("LACRIMA_EMAIL_FROM", "nobody", "not an address"),
        ("LACRIMA_REQUIRE_2FA", "sometimes", "not a boolean"),
        ("LACRIMA_WORKERS", "99", "1 to 32"),
        ("LACRIMA_MAX_UPLOAD_MB", "lots", "not a size"),
    ],
)
def test_malformed_values_stop_start_up_with_a_clear_message(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message):
        config.load({"LACRIMA_DATA_DIR": str(tmp_path), name: value})


def test_mail_goes_to_a_private_folder_unless_smtp_is_set(tmp_path):
    cfg = config.load({"LACRIMA_DATA_DIR": str(tmp_path)})
    assert cfg.email.backend.endswith("filebased.EmailBackend")
    assert cfg.email.file_path == tmp_path.resolve() / "mail"
    smtp = config.load(
        {
            "LACRIMA_DATA_DIR": str(tmp_path),
            "LACRIMA_EMAIL_URL": "smtp://lacrima:p%40ss@mail.example:587",
            "LACRIMA_EMAIL_FROM": "lacrima@clinic.example",
        }
    ).email
    assert smtp.backend.endswith("smtp.EmailBackend")
    assert (smtp.host, smtp.port, smtp.user, smtp.password) == (
        "mail.example",
        587,
        "lacrima",
        "p@ss",
    )
    assert smtp.use_tls and not smtp.use_ssl and smtp.sender == "lacrima@clinic.example"
    tls = config.load(
        {"LACRIMA_DATA_DIR": str(tmp_path), "LACRIMA_EMAIL_URL": "smtps://mail.example"}
    ).email
    assert tls.use_ssl and not tls.use_tls and tls.port == 465


def test_serve_tells_where_mail_goes(settings, tmp_path):
    from lacrima.cli.admin import _mail_location

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    assert str(tmp_path / "mail") in _mail_location(settings)
