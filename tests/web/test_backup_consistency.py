"""Backups taken while accounts are created and diaries written restore, 10 of 10.

Writers run in threads (each with its own database connection) while the main thread
takes ten backups; each backup is then restored and must match what it claims to hold.
Also: a restore refuses a truncated file, a foreign file and a newer schema, with a
clear message, and leaves the data as they were.
"""

from __future__ import annotations

import json
import threading
import time
import zipfile
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections, transaction

from lacrima.web.accounts.models import User
from lacrima.web.accounts.services import create_user
from lacrima.web.backup import BackupError, make_backup, restore_backup
from lacrima.web.diary.models import Episode

BACKUPS = 10
#: Accounts each writer creates at most, so the test stays within ~30 s.
MAX_ACCOUNTS = 150
PASSWORD = "calm-river-47-lantern"
pytestmark = pytest.mark.django_db(transaction=True)


def _writer(prefix: str, stop: threading.Event, written: list[int]) -> None:
    """Create client accounts, each with two diary entries (one transaction), until STOP."""
    n = 0
    try:
        while not stop.is_set() and n < MAX_ACCOUNTS:
            try:
                with transaction.atomic():  # an account and its two entries, or nothing
                    user = create_user(f"{prefix}{n}", PASSWORD, "client")
                    Episode.objects.create(client=user, kind="cried", intensity=3)
                    Episode.objects.create(client=user, kind="cried", intensity=5)
                n += 1
                time.sleep(0.005)  # a busy clinic, not a benchmark: keep the test bounded
            except OperationalError:  # SQLite "database is locked" under contention
                time.sleep(0.01)
    finally:
        written.append(n)
        connections.close_all()


def _rows(backup: Path) -> list[dict[str, object]]:
    return json.loads(zipfile.ZipFile(backup).read("data.json"))


def test_backups_under_writes_all_restore(tmp_path: Path) -> None:
    stop = threading.Event()
    written: list[int] = []
    writers = [threading.Thread(target=_writer, args=(f"w{i}_", stop, written)) for i in range(2)]
    for thread in writers:
        thread.start()
    backups = []
    try:
        time.sleep(0.3)
        for i in range(BACKUPS):
            path = tmp_path / f"backup{i}.zip"
            for _attempt in range(50):
                try:
                    make_backup(path)
                    break
                except OperationalError:
                    time.sleep(0.05)
            backups.append(path)
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in writers:
            thread.join(timeout=30)
    assert sum(written) >= 5, "the writers should have created accounts during the backups"
    users_per_backup = []
    for path in backups:
        rows = _rows(path)
        users = {r["fields"]["username"] for r in rows if r["model"] == "accounts.user"}
        episodes = sum(1 for r in rows if r["model"] == "diary.episode")
        restore_backup(path)  # raises on any inconsistency
        assert set(User.objects.values_list("username", flat=True)) == users
        assert Episode.objects.count() == episodes
        # one snapshot: every account has its profile and both of its entries
        clients = User.objects.filter(role="client")
        assert all(hasattr(u, "profile") for u in clients)
        assert episodes == 2 * clients.count()
        users_per_backup.append(len(users))
    assert users_per_backup[-1] > users_per_backup[0], "the backups should differ"


@pytest.fixture
def one_backup(tmp_path: Path) -> Path:
    create_user("alice", PASSWORD, "client")
    path = tmp_path / "backup.zip"
    make_backup(path)
    return path


def _refused(path: Path, fragment: str) -> None:
    before = set(User.objects.values_list("username", flat=True))
    with pytest.raises(BackupError, match=fragment):
        restore_backup(path)
    assert set(User.objects.values_list("username", flat=True)) == before


def test_a_truncated_backup_is_refused(one_backup: Path, tmp_path: Path) -> None:
    data = one_backup.read_bytes()
    for keep in (len(data) // 2, len(data) - 30):
        cut = tmp_path / f"cut{keep}.zip"
        cut.write_bytes(data[:keep])
        _refused(cut, "damaged or truncated|not a Lacrima backup")


def test_a_foreign_file_is_refused(tmp_path: Path, one_backup: Path) -> None:
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    _refused(text, "not a Lacrima backup")
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "something-else"}))
    _refused(other, "not a Lacrima backup")


def test_a_backup_from_a_newer_lacrima_is_refused(one_backup: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.zip"
    with zipfile.ZipFile(one_backup) as src, zipfile.ZipFile(newer, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        manifest["schema"]["accounts"] = "9999_from_the_future"
        manifest["lacrima_version"] = "99.0"
        dst.writestr("manifest.json", json.dumps(manifest))
        dst.writestr("data.json", src.read("data.json"))
    _refused(newer, "made by a newer Lacrima")


def test_damaged_rows_are_refused_and_nothing_changes(one_backup: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad_rows.zip"
    with zipfile.ZipFile(one_backup) as src, zipfile.ZipFile(bad, "w") as dst:
        dst.writestr("manifest.json", src.read("manifest.json"))
        rows = json.loads(src.read("data.json"))
        rows.append({"model": "diary.episode", "fields": {"client": ["nobody"], "kind": "cried"}})
        dst.writestr("data.json", json.dumps(rows))
    create_user("bob", PASSWORD, "client")
    _refused(bad, "cannot be loaded")
    assert connection.is_usable()
