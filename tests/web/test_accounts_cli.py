"""The accounts side of the ``lacrima`` command: e-mail, token lifetime, second factor."""

from __future__ import annotations

import sys

import pytest

from lacrima.cli import main
from lacrima.web.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


def run(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["lacrima", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def test_adduser_takes_an_email_for_password_reset(monkeypatch, capsys):
    monkeypatch.setenv("LACRIMA_PASSWORD", "quiet-harbour-lights-3")
    code, _, _ = run(monkeypatch, capsys, "adduser", "rosa", "--email", "rosa@example.org")
    assert code == 0 and User.objects.get(username="rosa").email == "rosa@example.org"
    code, _, err = run(monkeypatch, capsys, "adduser", "bad", "--email", "not-an-address")
    assert code == 2 and "--email" in err and not User.objects.filter(username="bad").exists()


def test_token_days(monkeypatch, capsys, therapist_user):
    code, out, err = run(monkeypatch, capsys, "token", "dr_tan", "--days", "7")
    assert code == 0 and out.startswith("lac_") and "7 days" in err
    row = ApiToken.objects.get()
    assert 6.9 < (row.expires_at - row.created_at).total_seconds() / 86400 < 7.1
    code, _, err = run(monkeypatch, capsys, "token", "dr_tan", "--days", "4000")
    assert code == 2 and "1 to 365 days" in err and ApiToken.objects.count() == 1


def test_two_factor_off_for_a_lost_phone(monkeypatch, capsys, therapist_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=therapist_user, name="authenticator", confirmed=True)
    code, out, _ = run(monkeypatch, capsys, "two-factor-off", "dr_tan", "--yes")
    assert code == 0 and "Removed" in out
    assert not TOTPDevice.objects.filter(user=therapist_user).exists()
    code, _, err = run(monkeypatch, capsys, "two-factor-off", "nobody", "--yes")
    assert code == 2 and "no user called" in err
