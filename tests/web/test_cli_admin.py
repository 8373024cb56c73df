"""The admin commands of the ``lacrima`` CLI, run through ``main()`` as a user would."""

from __future__ import annotations

import json
import sys
import zipfile

import pytest
import typer

from lacrima.cli import app, main
from lacrima.web.accounts.models import ApiToken, ClientProfile, TherapistLink, User
from lacrima.web.accounts.services import user_for_token

ADMIN_COMMANDS = (
    "serve",
    "migrate",
    "adduser",
    "token",
    "demo",
    "export",
    "backup",
    "restore",
    "rotate-key",
)


def run(monkeypatch, capsys, *args):
    """Run ``lacrima ARGS``; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["lacrima", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def test_every_admin_command_has_help_with_an_example():
    commands = {c.name: c for c in typer.main.get_command(app).commands.values()}
    for name in ADMIN_COMMANDS:
        assert name in commands, name
        assert "Example" in (commands[name].help or ""), f"{name} help has no example"


@pytest.mark.django_db
def test_adduser_with_password_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("LACRIMA_PASSWORD", "quiet-harbour-lights-3")
    code, out, _ = run(monkeypatch, capsys, "adduser", "dr_who", "--role", "therapist")
    assert code == 0 and "Created therapist 'dr_who'" in out
    user = User.objects.get(username="dr_who")
    assert user.role == "therapist" and user.check_password("quiet-harbour-lights-3")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("adduser", "x", "--role", "boss"), "quiet-harbour-lights-3", "--role must be one of"),
        (("adduser", "x", "--role", "client"), "123", "password refused"),
    ],
)
def test_adduser_errors_are_one_line_and_exit_2(monkeypatch, capsys, args, password, message):
    monkeypatch.setenv("LACRIMA_PASSWORD", password)
    code, _, err = run(monkeypatch, capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_adduser_refuses_a_taken_name(monkeypatch, capsys, client_user):
    monkeypatch.setenv("LACRIMA_PASSWORD", "quiet-harbour-lights-3")
    code, _, err = run(monkeypatch, capsys, "adduser", "ALICE")
    assert code == 2 and "taken" in err


@pytest.mark.django_db
def test_token_is_printed_once_and_works(monkeypatch, capsys, therapist_user):
    code, out, err = run(monkeypatch, capsys, "token", "dr_tan")
    secret = out.strip()
    assert code == 0 and secret.startswith("lac_") and "cannot be shown again" in err
    assert user_for_token(secret) == therapist_user
    assert not ApiToken.objects.filter(token_hash=secret).exists()
    code, _, err = run(monkeypatch, capsys, "token", "nobody")
    assert code == 2 and "no user called 'nobody'" in err


@pytest.mark.django_db
def test_demo_is_idempotent_and_marked(monkeypatch, capsys):
    for _ in range(2):
        code, out, _ = run(monkeypatch, capsys, "demo")
        assert code == 0
    assert "DEMO ACCOUNTS" in out and "DEMO therapist" in out and "DEMO client" in out
    assert User.objects.filter(username__startswith="demo_").count() == 3
    link = TherapistLink.objects.get()
    assert {"diary", "checkins", "program"} <= set(link.shared_categories())
    client = User.objects.get(username="demo_client")
    assert client.check_password(out.split("password:")[1].split()[0])
    assert ClientProfile.objects.get(user=client).note


@pytest.mark.django_db
def test_export_writes_a_private_zip(monkeypatch, capsys, client_user, tmp_path):
    out_file = tmp_path / "alice.zip"
    code, _, _ = run(monkeypatch, capsys, "export", "alice", "--out", str(out_file))
    assert code == 0 and oct(out_file.stat().st_mode & 0o777) == "0o600"
    data = json.loads(zipfile.ZipFile(out_file).read("data.json"))
    assert data["username"] == "alice" and "account" in data["tables"]


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(
    monkeypatch, capsys, client_user, therapist_user, link, tmp_path
):
    link(client_user, therapist_user, consents=["diary"])
    profile = client_user.profile
    profile.note = "words that stay encrypted"
    profile.save()
    backup = tmp_path / "backup.zip"
    code, out, _ = run(monkeypatch, capsys, "backup", "--out", str(backup))
    assert code == 0 and "Key fingerprint" in out
    assert b"words that stay encrypted" not in zipfile.ZipFile(backup).read("data.json")

    User.objects.filter(username="alice").delete()
    User.objects.create(username="intruder", role="client")
    code, out, err = run(monkeypatch, capsys, "restore", str(backup), "--yes")
    assert code == 0, err
    assert set(User.objects.values_list("username", flat=True)) == {"alice", "dr_tan"}
    restored = User.objects.get(username="alice")
    assert restored.profile.note == "words that stay encrypted"
    assert TherapistLink.objects.get().shared_categories() == ["diary"]


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(monkeypatch, capsys, tmp_path, client_user):
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip")
    code, _, err = run(monkeypatch, capsys, "restore", str(bogus), "--yes")
    assert code == 2 and "not a Lacrima backup" in err
    assert User.objects.filter(username="alice").exists()


@pytest.mark.django_db
def test_restore_refuses_a_backup_made_with_another_key(
    monkeypatch, capsys, tmp_path, settings, client_user
):
    from cryptography.fernet import Fernet

    backup = tmp_path / "backup.zip"
    run(monkeypatch, capsys, "backup", "--out", str(backup))
    settings.LACRIMA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    code, _, err = run(monkeypatch, capsys, "restore", str(backup), "--yes")
    assert code == 2 and "another key" in err
    assert User.objects.filter(username="alice").exists()


@pytest.mark.django_db
def test_rotate_key_command(monkeypatch, capsys, client_user, settings):
    from cryptography.fernet import Fernet

    profile = client_user.profile
    profile.note = "rotate me"
    profile.save()
    old = settings.LACRIMA_ENCRYPTION_KEYS[0]
    settings.LACRIMA_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    code, out, _ = run(monkeypatch, capsys, "rotate-key", "--yes")
    assert code == 0 and "Re-encrypted" in out and "remove the old key" in out
    settings.LACRIMA_ENCRYPTION_KEYS = settings.LACRIMA_ENCRYPTION_KEYS[:1]
    assert ClientProfile.objects.get(user=client_user).note == "rotate me"
