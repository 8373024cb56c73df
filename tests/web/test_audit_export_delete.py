"""Audit trail the client can see; export of everything; deletion that really erases."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from lacrima.web import registry
from lacrima.web.accounts.models import ClientProfile, TherapistLink, User
from lacrima.web.audit.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def test_client_sees_who_looked(client_user, client_client, therapist_user, link, client_of):
    link(client_user, therapist_user, consents=["diary"])
    client_of(therapist_user).get(reverse("accounts:client_card", args=["alice"]))
    page = client_client.get(reverse("accounts:access_log")).content.decode()
    assert "Dr Tan" in page and "profile card" in page


def test_audit_entries_cannot_be_changed_or_deleted(client_user, therapist_user, link):
    from lacrima.web.audit.log import record_read

    entry = record_read(therapist_user, client_user, "diary", "list")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(what="x")


def test_export_holds_every_table_as_json_and_csv(client_user, client_client, therapist_user, link):
    link(client_user, therapist_user, consents=["diary"])
    profile = client_user.profile
    profile.note = "my own words"
    profile.save()

    def extra(user):
        return [{"n": 1, "tags": ["a", "b"]}]

    registry.register_export("test_extra", extra)
    try:
        response = client_client.post(reverse("accounts:export"))
    finally:
        registry._EXPORTS.pop("test_extra")
    assert response["Content-Type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(zf.namelist())
    assert {"data.json", "README.txt", "account.csv", "consents.csv", "test_extra.csv"} <= names
    data = json.loads(zf.read("data.json"))
    assert data["tables"]["account"][0]["note_for_therapists"] == "my own words"
    assert data["tables"]["consents"][0]["category"] == "diary"
    assert "password" not in zf.read("account.csv").decode()
    assert zf.read("test_extra.csv").decode().splitlines()[1] == '1,"[""a"", ""b""]"'


def test_delete_needs_password_and_confirmation(client_user, client_client):
    url = reverse("accounts:delete")
    response = client_client.post(url, {"password": "wrong", "confirm": "on"})
    assert "not your password" in response.content.decode()
    response = client_client.post(url, {"password": "calm-river-47-lantern"})
    assert "required" in response.content.decode()
    assert User.objects.filter(username="alice").exists()


def test_delete_erases_everything_but_the_fact(
    client_user, client_client, therapist_user, link, client_of, test_password
):
    link(client_user, therapist_user, consents=["diary"])
    client_of(therapist_user).get(reverse("accounts:client_card", args=["alice"]))
    profile = client_user.profile
    profile.note = "words to erase"
    profile.save()
    response = client_client.post(
        reverse("accounts:delete"), {"password": test_password, "confirm": "on"}
    )
    assert response.status_code == 200 and "deleted" in response.content.decode()
    assert not User.objects.filter(username="alice").exists()
    assert not ClientProfile.objects.exists() and not TherapistLink.objects.exists()
    remaining = list(AuditEntry.objects.all())
    assert [e.what for e in remaining] == ["an account was deleted"]
    assert remaining[0].subject is None and remaining[0].actor is None
    assert client_client.get(reverse("accounts:account")).status_code == 302  # signed out


@pytest.mark.django_db(transaction=True)
def test_deleted_account_is_gone_from_the_database_file(make_user, client_of, test_password):
    if connection.vendor != "sqlite":
        pytest.skip("the file check is for SQLite")
    user = make_user(role="client", username="zz_erase_me_42")
    client_of(user).post(reverse("accounts:delete"), {"password": test_password, "confirm": "on"})
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(connection.settings_dict["NAME"])
    assert b"zz_erase_me_42" not in path.read_bytes()
