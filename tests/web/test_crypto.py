"""Encryption at rest: ciphertext in the database, plaintext only in Python; key rotation."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.db import connection

from lacrima.errors import ConfigError
from lacrima.web import crypto
from lacrima.web.accounts.models import ClientProfile
from lacrima.web.config import write_secret_file

SECRET_WORDS = "I cried in the car after the meeting with my father"


def _raw_note(profile_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM accounts_clientprofile WHERE id = %s", [profile_id])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_round_trip_and_ciphertext_in_the_column(client_user):
    profile = client_user.profile
    profile.note = SECRET_WORDS
    profile.save()
    assert ClientProfile.objects.get(pk=profile.pk).note == SECRET_WORDS
    raw = _raw_note(profile.pk)
    assert SECRET_WORDS not in raw
    assert raw.startswith("gAAAA")  # a Fernet token


@pytest.mark.django_db(transaction=True)
def test_the_raw_database_file_does_not_contain_the_plaintext(client_user):
    if connection.vendor != "sqlite":
        pytest.skip("the file check is for SQLite; the column check covers PostgreSQL")
    profile = client_user.profile
    profile.note = SECRET_WORDS
    profile.save()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(FULL)")
    db_file = Path(connection.settings_dict["NAME"])
    assert db_file.exists()
    blobs = [db_file.read_bytes()]
    wal = db_file.with_name(db_file.name + "-wal")
    if wal.exists():
        blobs.append(wal.read_bytes())
    assert any(b"alice" in blob for blob in blobs)  # the file really holds our rows
    assert not any(SECRET_WORDS.encode() in blob for blob in blobs)
    assert not any(b"car after the meeting" in blob for blob in blobs)


@pytest.mark.django_db
def test_lookups_on_ciphertext_are_refused():
    with pytest.raises(FieldError):
        list(ClientProfile.objects.filter(note="x"))
    assert list(ClientProfile.objects.filter(note__isnull=True)) == []


@pytest.mark.django_db
def test_wrong_key_gives_a_clear_error(client_user, settings):
    profile = client_user.profile
    profile.note = SECRET_WORDS
    profile.save()
    settings.LACRIMA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ConfigError, match="LACRIMA_ENCRYPTION_KEY"):
        ClientProfile.objects.get(pk=profile.pk)


@pytest.mark.django_db
def test_rotate_key_with_a_key_file(client_user, settings, tmp_path):
    # an own data folder: the session's upload folder holds files other tests sealed
    # under their own keys, which rotate-key rightly refuses to reseal
    settings.LACRIMA_DATA_DIR = tmp_path
    old = settings.LACRIMA_ENCRYPTION_KEYS[0]
    key_file = tmp_path / "encryption_key"
    write_secret_file(key_file, old)
    settings.LACRIMA_ENCRYPTION_KEY_FILE = key_file
    profile = client_user.profile
    profile.note = SECRET_WORDS
    profile.save()
    before = _raw_note(profile.pk)

    result = crypto.rotate_key()

    assert result["rows"] >= 1 and result["source"] == "file"
    new_keys = key_file.read_text().split()
    assert len(new_keys) == 1 and new_keys[0] != old
    assert new_keys == settings.LACRIMA_ENCRYPTION_KEYS
    after = _raw_note(profile.pk)
    assert after != before
    assert Fernet(new_keys[0].encode()).decrypt(after.encode()).decode() == SECRET_WORDS
    assert ClientProfile.objects.get(pk=profile.pk).note == SECRET_WORDS


@pytest.mark.django_db
def test_rotate_key_with_keys_in_the_environment(client_user, settings, tmp_path):
    settings.LACRIMA_DATA_DIR = tmp_path  # see test_rotate_key_with_a_key_file
    old = settings.LACRIMA_ENCRYPTION_KEYS[0]
    profile = client_user.profile
    profile.note = SECRET_WORDS
    profile.save()
    new = Fernet.generate_key().decode()
    settings.LACRIMA_ENCRYPTION_KEYS = [new, old]  # LACRIMA_ENCRYPTION_KEY="NEW,OLD"

    result = crypto.rotate_key()

    assert result["source"] == "environment" and result["retired"] == 1
    settings.LACRIMA_ENCRYPTION_KEYS = [new]  # the admin removes OLD
    assert ClientProfile.objects.get(pk=profile.pk).note == SECRET_WORDS


@pytest.mark.django_db
def test_rotation_without_the_old_key_changes_nothing(client_user, settings):
    profile = client_user.profile
    profile.note = SECRET_WORDS
    profile.save()
    before = _raw_note(profile.pk)
    settings.LACRIMA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ConfigError):
        crypto.reencrypt_all()
    assert _raw_note(profile.pk) == before


def test_fingerprint_is_short_and_not_the_key():
    key = Fernet.generate_key().decode()
    fingerprint = crypto.key_fingerprint(key)
    assert len(fingerprint) == 12 and fingerprint not in key
