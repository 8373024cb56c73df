"""Settings from the environment: defaults, generated secrets, one clear line per error."""

from __future__ import annotations

import secrets
import stat

import pytest
from cryptography.fernet import Fernet

from lacrima.errors import ConfigError
from lacrima.web import config


def _env(tmp_path, **extra):
    return {"LACRIMA_DATA_DIR": str(tmp_path / "data"), **extra}


def test_defaults_generate_keys_with_private_permissions(tmp_path):
    cfg = config.load(_env(tmp_path))
    assert cfg.database_url.startswith("sqlite:///")
    assert cfg.database_url.endswith("data/lacrima.sqlite3")
    assert cfg.locale == "en-US"
    assert cfg.debug is False and cfg.https is False
    for name in ("secret_key", "encryption_key"):
        path = tmp_path / "data" / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(cfg.secret_key) >= 50
    Fernet(cfg.encryption_keys[0].encode())  # a valid key


def test_generated_keys_are_stable_across_loads(tmp_path):
    first = config.load(_env(tmp_path))
    second = config.load(_env(tmp_path))
    assert first.secret_key == second.secret_key
    assert first.encryption_keys == second.encryption_keys


def test_environment_values_win(tmp_path):
    key = Fernet.generate_key().decode()
    old = Fernet.generate_key().decode()
    cfg = config.load(
        _env(
            tmp_path,
            LACRIMA_SECRET_KEY=secrets.token_urlsafe(50),
            LACRIMA_ENCRYPTION_KEY=f"{key}, {old}",
            LACRIMA_ALLOWED_HOSTS="lacrima.example.org, localhost",
            LACRIMA_LOCALE="en_GB",
            LACRIMA_DEBUG="true",
            LACRIMA_DATABASE_URL="postgresql://u:p@db:5432/lacrima",
        )
    )
    assert cfg.encryption_keys == (key, old)
    assert cfg.encryption_key_file is None
    assert cfg.allowed_hosts == ("lacrima.example.org", "localhost")
    assert cfg.locale == "en-GB"
    assert cfg.debug is True
    assert cfg.database_url.startswith("postgresql://")
    assert not (tmp_path / "data" / "encryption_key").exists()


@pytest.mark.parametrize(
    ("name", "value", "hint"),
    [
        ("LACRIMA_SECRET_KEY", "short", "at least 50"),
        ("LACRIMA_ENCRYPTION_KEY", "not-a-key", "44 characters"),
        ("LACRIMA_ALLOWED_HOSTS", "https://example.org", "without scheme"),
        ("LACRIMA_LOCALE", "English", "en-US"),
        ("LACRIMA_DEBUG", "maybe", "'true' or 'false'"),
        ("LACRIMA_HTTPS", "2", "'true' or 'false'"),
        ("LACRIMA_DATABASE_URL", "mysql://x", "postgresql://"),
        ("LACRIMA_CRISIS_FILE", "/nonexistent/crisis.json", "does not exist"),
    ],
)
def test_a_wrong_setting_names_the_variable_and_the_expected_form(tmp_path, name, value, hint):
    with pytest.raises(ConfigError) as info:
        config.load(_env(tmp_path, **{name: value}))
    message = str(info.value)
    assert name in message or "key" in message.lower()
    assert hint in message
    assert "\n" not in message


def test_data_dir_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ConfigError, match="LACRIMA_DATA_DIR"):
        config.load({"LACRIMA_DATA_DIR": str(target)})


def test_key_file_readable_by_others_is_refused(tmp_path):
    config.load(_env(tmp_path))
    path = tmp_path / "data" / "encryption_key"
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        config.load(_env(tmp_path))


def test_settings_module_turns_bad_environment_into_config_error(tmp_path, monkeypatch):
    import importlib
    import sys

    monkeypatch.setenv("LACRIMA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LACRIMA_LOCALE", "nowhere")
    sys.modules.pop("lacrima_settings_probe", None)
    spec = importlib.util.spec_from_file_location(
        "lacrima_settings_probe", config.__file__.replace("config.py", "settings.py")
    )
    module = importlib.util.module_from_spec(spec)
    with pytest.raises(ConfigError, match="LACRIMA_LOCALE"):
        spec.loader.exec_module(module)
