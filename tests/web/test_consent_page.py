"""The client's consent page: grant and revoke per category, effective at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lacrima.web import policy
from lacrima.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_grant_and_revoke(client_user, client_client, therapist_user, link, client_of):
    row = link(client_user, therapist_user)
    url = reverse("accounts:sharing")
    page = client_client.get(url).content.decode()
    assert "Dr Tan" in page and 'value="diary"' in page

    client_client.post(url, {"link": row.pk, "shared": ["diary", "sessions"]})
    assert row.shared_categories() == ["diary", "sessions"]
    therapist_view = client_of(therapist_user).get(reverse("accounts:clients")).content.decode()
    assert "Crying and mood diary" in therapist_view and "Session recordings" in therapist_view

    client_client.post(url, {"link": row.pk, "shared": ["sessions"]})
    assert not policy.can_read(therapist_user, client_user, "diary")
    events = AuditEntry.objects.filter(action="event", subject=client_user)
    assert {e.what.split(" with")[0] for e in events} >= {"shared", "stopped sharing"}


def test_bad_input_changes_nothing(client_user, client_client, therapist_user, make_user, link):
    row = link(client_user, therapist_user, consents=["diary"])
    other = make_user(role="client", username="bob")
    others_link = link(other, therapist_user, consents=["program"])
    url = reverse("accounts:sharing")
    bad = [
        {"link": row.pk, "shared": ["dreams"]},
        {"link": "not-a-number", "shared": ["diary"]},
        {"shared": ["diary"]},
    ]
    for data in bad:
        response = client_client.post(url, data, follow=True)
        assert "Nothing was changed" in response.content.decode()
    # someone else's link: 404, nothing changed
    response = client_client.post(url, {"link": others_link.pk, "shared": []})
    assert response.status_code == 404
    assert row.shared_categories() == ["diary"]
    assert others_link.shared_categories() == ["program"]


def test_end_link_needs_confirmation(client_user, client_client, therapist_user, link):
    row = link(client_user, therapist_user, consents=["diary"])
    url = reverse("accounts:sharing")
    client_client.post(url, {"link": row.pk, "action": "end"})
    row.refresh_from_db()
    assert row.active
    client_client.post(url, {"link": row.pk, "confirm": "on"})
    row.refresh_from_db()
    assert not row.active and row.shared_categories() == []


def test_profile_note_is_validated(client_user, client_client, therapist_user, link, client_of):
    link(client_user, therapist_user)
    url = reverse("accounts:profile")
    response = client_client.post(url, {"note": "x" * 2001})
    assert "at most 2000" in response.content.decode()
    client_user.profile.refresh_from_db()
    assert client_user.profile.note == ""
    client_client.post(url, {"note": "Please go slowly with me."})
    card = client_of(therapist_user).get(reverse("accounts:client_card", args=["alice"]))
    assert "Please go slowly with me." in card.content.decode()


def test_htmx_save_returns_only_the_card(client_user, client_client, therapist_user, link):
    row = link(client_user, therapist_user)
    response = client_client.post(
        reverse("accounts:sharing"),
        {"link": row.pk, "shared": ["program"]},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<article class="link-card" id="link-{row.pk}">')
    assert "Saved." in html and "<html" not in html
    assert f'value="program" id="id_{row.pk}_shared_3" checked' in html
    assert row.shared_categories() == ["program"]
