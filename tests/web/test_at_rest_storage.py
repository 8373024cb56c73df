"""Client data at rest: nothing readable in the database files or the upload folder.

Canary strings (a diary note, PHQ-9 answers, a recording's sample values) are written
through the real pages, committed, and then looked for in the raw bytes on disk. File
modes of the data folder, the database, its -wal/-shm and uploads are checked too.
"""

# ruff: noqa: F811  (pytest fixtures imported from test_records_support)
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from test_diary_views import full_form
from test_records_support import (  # noqa: F401  (fixtures)
    clean_uploads,
    pair,
    record,
    sync_tasks,
)

from lacrima.web import crypto
from lacrima.web.records.models import Upload, uploads_root

NOTE = "canary-note-7731-quiet-pier"
PHQ9 = (3, 1, 2, 0, 3, 2, 1, 0, 0)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _database_files() -> list[Path]:
    name = Path(connection.settings_dict["NAME"])
    return [p for p in (name, Path(f"{name}-wal"), Path(f"{name}-shm")) if p.exists()]


def _recording(tmp_path: Path) -> tuple[Path, list[str]]:
    from lacrima.sim import simulate_session
    from lacrima.sim.export import write_recording

    sim = simulate_session(
        600, fs=64, seed=5, n_cycles=1, channels=("ecg", "eda", "resp"), mark_tears=False
    )
    path = write_recording(sim.recording, tmp_path / "canary.csv")
    lines = path.read_text().splitlines()
    return path, [lines[400], lines[5000], lines[-3]]  # whole rows of sample values


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("sync_tasks", "clean_uploads")
def test_no_canary_reaches_the_disk_in_clear(record: Any, client_of: Any, tmp_path: Path):
    alice, tan = record.client, record.therapist
    me = client_of(alice)
    assert me.post("/diary/new/full/", full_form(note=NOTE)).status_code == 302
    data = {f"item{i}": str(v) for i, v in enumerate(PHQ9, start=1)}
    data["difficulty"] = "extremely"
    assert me.post("/diary/screening/phq9/", data).status_code in (200, 302)
    path, samples = _recording(tmp_path)
    with path.open("rb") as fh:
        r = client_of(tan).post(
            reverse("records:upload_new", kwargs={"pk": record.pk}), {"files": fh}
        )
    assert r.status_code == 302
    upload = Upload.objects.get()
    assert upload.status == Upload.Status.DONE, upload.error  # the worker could decrypt it

    from lacrima.web.diary.models import Episode, Phq9Response

    assert Episode.objects.get(client=alice).note == NOTE  # written, and readable in the app
    assert tuple(Phq9Response.objects.get(client=alice).answers) == PHQ9
    canaries = [NOTE, "[3,1,2,0,3,2,1,0,0]", "[3, 1, 2, 0, 3, 2, 1, 0, 0]", *samples]
    stored = sorted(p for p in uploads_root().rglob("*") if p.is_file())
    assert stored, "the upload is stored"
    places = stored + (_database_files() if connection.vendor == "sqlite" else [])
    for place in places:
        raw = place.read_bytes()
        for canary in canaries:
            assert canary.encode() not in raw, f"{canary[:30]!r} readable in {place.name}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers, difficulty FROM diary_phq9response")
        answers, difficulty = cursor.fetchone()
    assert str(answers).startswith("gAAAAA"), "a Fernet token, not the answers"
    assert "extremely" not in str(difficulty)
    for f in stored:
        assert crypto.is_sealed(f) and _mode(f) == 0o600, f
    for folder in {f.parent for f in stored} | {uploads_root()}:
        assert _mode(folder) == 0o700, folder


@pytest.mark.django_db(transaction=True)
def test_database_files_and_data_folder_are_private(client_user):
    if connection.vendor != "sqlite":
        pytest.skip("file modes apply to the SQLite database")
    client_user.save()  # a write, so the -wal exists
    files = _database_files()
    assert files and any(p.name.endswith("-wal") for p in files)
    for path in files:
        assert _mode(path) == 0o600, path
    assert _mode(Path(settings.LACRIMA_DATA_DIR)) == 0o700


def test_an_open_data_folder_is_made_private(tmp_path: Path):
    from lacrima.web.config import load

    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    load({"LACRIMA_DATA_DIR": str(folder)})
    assert _mode(folder) == 0o700
    assert _mode(folder / "secret_key") == 0o600


def test_a_folder_of_someone_else_open_to_others_stops_start_up(tmp_path, monkeypatch):
    from lacrima.errors import ConfigError
    from lacrima.web import config

    folder = tmp_path / "data"
    folder.mkdir()
    os.chmod(folder, 0o755)
    monkeypatch.setattr(config.os, "geteuid", lambda: os.getuid() + 12345)
    with pytest.raises(ConfigError, match=r"chmod 700 .*data"):
        config.load({"LACRIMA_DATA_DIR": str(folder)})


def test_a_new_sqlite_file_is_created_private(tmp_path: Path):
    from lacrima.web.config import create_private_file

    target = tmp_path / "new.sqlite3"
    create_private_file(target)
    assert target.exists() and _mode(target) == 0o600


# ------------------------------------------------------------------------ sealing


def test_a_sealed_file_refuses_changes_and_truncation(tmp_path: Path):
    from lacrima.errors import ConfigError

    src = tmp_path / "r.bin"
    src.write_bytes(os.urandom(crypto.CHUNK_BYTES * 2 + 100))
    sealed, back = tmp_path / "r.sealed", tmp_path / "r.back"
    crypto.seal_file(src, sealed)
    crypto.unseal_file(sealed, back)
    assert back.read_bytes() == src.read_bytes()
    raw = bytearray(sealed.read_bytes())
    raw[-5] ^= 1
    (tmp_path / "flipped").write_bytes(bytes(raw))
    with pytest.raises(ConfigError, match="cannot be decrypted"):
        crypto.unseal_file(tmp_path / "flipped", tmp_path / "out1")
    (tmp_path / "cut").write_bytes(sealed.read_bytes()[: -(crypto.CHUNK_BYTES // 2)])
    with pytest.raises(ConfigError, match="cannot be decrypted"):
        crypto.unseal_file(tmp_path / "cut", tmp_path / "out2")
    assert not (tmp_path / "out1").exists() and not (tmp_path / "out2").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("clean_uploads")
def test_rotate_key_reseals_uploads_and_seals_old_ones(settings: Any, tmp_path: Path):
    from lacrima.web.config import write_secret_file

    key_file = tmp_path / "encryption_key"
    write_secret_file(key_file, settings.LACRIMA_ENCRYPTION_KEYS[0])
    settings.LACRIMA_ENCRYPTION_KEY_FILE = key_file
    old_key = settings.LACRIMA_ENCRYPTION_KEYS[0]
    folder = uploads_root() / "1" / "1" / "abc"
    folder.mkdir(parents=True)
    plain_src = tmp_path / "a.csv"
    plain_src.write_text("time_s,eda\n0,1.23456\n")
    crypto.seal_file(plain_src, folder / "a.csv")
    (folder / "legacy.csv").write_text("time_s,eda\n0,6.54321\n")  # from before sealing
    result = crypto.rotate_key()
    assert result["files"] == 2
    assert settings.LACRIMA_ENCRYPTION_KEYS[0] != old_key
    for name, text in (("a.csv", "1.23456"), ("legacy.csv", "6.54321")):
        assert crypto.is_sealed(folder / name) and text.encode() not in (folder / name).read_bytes()
        crypto.unseal_file(folder / name, tmp_path / f"{name}.out")
        assert text in (tmp_path / f"{name}.out").read_text()


# ----------------------------------------------------------------------- secrets


def test_invitation_and_reset_secrets_are_redacted_from_access_logs():
    from lacrima.cli.admin import _log_config
    from lacrima.web.core.middleware import SecretPathFilter

    config = _log_config()
    assert all("secrets" in h.get("filters", []) for h in config["handlers"].values())
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/invite/s3cr3t-Tok_en/", "1.1", 200),
        None,
    )
    SecretPathFilter().filter(record)
    line = record.getMessage()
    assert "s3cr3t" not in line and "/invite/…/" in line
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        "%s",
        ("/login/?next=%2Finvite%2Fabc123%2F",),
        None,
    )
    SecretPathFilter().filter(record)
    assert "abc123" not in record.getMessage()


@pytest.mark.django_db
def test_the_django_log_redacts_an_invitation_path(therapist_user):
    from lacrima.web.accounts.services import create_invitation

    _, secret = create_invitation(therapist_user)
    from lacrima.web.core.middleware import SecretPathFilter

    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, SecretPathFilter) for f in h.filters)
    ]
    assert handlers, "the console handler of the Django log carries the filter"
    text = f"Not Found: /invite/{secret}/"
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, text, (), None)
    assert all(f.filter(record) for f in handlers[0].filters)
    assert secret not in record.getMessage()
