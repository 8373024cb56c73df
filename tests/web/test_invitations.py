"""Therapist invites a client by link; client invites a therapist by code. Single use, expiring."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lacrima.web.accounts.models import Invitation, TherapistLink, User
from lacrima.web.accounts.services import create_code, create_invitation

pytestmark = pytest.mark.django_db


def _invite_url(therapist_client):
    therapist_client.post(reverse("accounts:invite"))
    page = therapist_client.get(reverse("accounts:clients")).content.decode()
    start = page.index("/invite/")
    return page[start : page.index("<", start)].strip()


def test_new_client_signs_up_from_the_link(therapist_user, therapist_client, client_of):
    url = _invite_url(therapist_client)
    visitor = client_of(None)
    assert "Dr Tan invites you" in visitor.get(url).content.decode()
    response = visitor.post(
        url,
        {
            "username": "newbie",
            "password1": "lanterns-over-water-9",
            "password2": "lanterns-over-water-9",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:sharing")
    newbie = User.objects.get(username="newbie")
    assert newbie.role == "client"
    link = TherapistLink.objects.get(client=newbie, therapist=therapist_user)
    assert link.shared_categories() == []  # nothing shared until the client chooses
    # single use
    again = client_of(None).get(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_existing_client_accepts_while_signed_in(therapist_user, client_user, client_client):
    _, secret = create_invitation(therapist_user)
    response = client_client.post(reverse("accounts:accept", kwargs={"secret": secret}))
    assert response.status_code == 302
    assert TherapistLink.objects.filter(client=client_user, therapist=therapist_user).exists()


def test_expired_link_is_refused_and_changes_nothing(therapist_user, client_user, client_client):
    inv, secret = create_invitation(therapist_user)
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    url = reverse("accounts:accept", kwargs={"secret": secret})
    response = client_client.post(url)
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    assert not TherapistLink.objects.exists()


def test_unknown_link_is_refused(client_client):
    response = client_client.get(reverse("accounts:accept", kwargs={"secret": "made-up"}))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_signup_with_bad_input_changes_nothing(therapist_user, client_of):
    _, secret = create_invitation(therapist_user)
    url = reverse("accounts:accept", kwargs={"secret": secret})
    cases = [
        {
            "username": "x" * 200,
            "password1": "lanterns-over-water-9",
            "password2": "lanterns-over-water-9",
        },
        {"username": "ok_name", "password1": "short", "password2": "short"},
        {"username": "ok_name", "password1": "lanterns-over-water-9", "password2": "different-9x"},
        {
            "username": "bad name!",
            "password1": "lanterns-over-water-9",
            "password2": "lanterns-over-water-9",
        },
    ]
    for data in cases:
        response = client_of(None).post(url, data)
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
    assert User.objects.count() == 1
    assert Invitation.objects.get().used_at is None


def test_therapist_cannot_accept_a_client_invitation(therapist_user, make_user, client_of):
    _, secret = create_invitation(therapist_user)
    other_t = make_user(role="therapist")
    response = client_of(other_t).post(reverse("accounts:accept", kwargs={"secret": secret}))
    assert response.status_code == 302
    assert not TherapistLink.objects.exists()


def test_client_code_links_a_therapist_once(
    client_user, client_client, therapist_user, therapist_client, make_user, client_of
):
    client_client.post(reverse("accounts:new_code"))
    page = client_client.get(reverse("accounts:sharing")).content.decode()
    code = page.split('aria-label="Your code">')[1].split("<")[0].strip()
    response = therapist_client.post(
        reverse("accounts:redeem"), {"code": code.lower()}, follow=True
    )
    assert "You are now linked with Alice" in response.content.decode()
    assert TherapistLink.objects.filter(client=client_user, therapist=therapist_user).exists()
    second = make_user(role="therapist")
    response = client_of(second).post(reverse("accounts:redeem"), {"code": code}, follow=True)
    assert "already been used" in response.content.decode()
    assert not TherapistLink.objects.filter(therapist=second).exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [("ZZZZ-ZZZZ", "not valid"), ("x" * 50, "at most 20"), ("", "required"), ("AB", "at least 8")],
)
def test_bad_codes_give_clear_messages(therapist_client, code, message):
    response = therapist_client.post(reverse("accounts:redeem"), {"code": code}, follow=True)
    assert message in response.content.decode()
    assert not TherapistLink.objects.exists()


def test_expired_code_is_refused(client_user, therapist_client):
    inv, code = create_code(client_user)
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    response = therapist_client.post(reverse("accounts:redeem"), {"code": code}, follow=True)
    assert "has expired" in response.content.decode()
    assert not TherapistLink.objects.exists()


def test_a_client_may_have_several_therapists(client_user, make_user):
    from lacrima.web.accounts.services import accept_invitation

    for _ in range(2):
        _, secret = create_invitation(make_user(role="therapist"))
        accept_invitation(secret, client_user)
    assert TherapistLink.objects.filter(client=client_user, active=True).count() == 2
