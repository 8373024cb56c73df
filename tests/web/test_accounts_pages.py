"""Account pages: password change and reset, the second factor, API tokens."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from lacrima.web.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "new-harbour-77-kite"


def _signed_in(user) -> Client:
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def _code(secret_b32: str, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret_b32 + "=" * (-len(secret_b32) % 8)))
    totp.drift = steps_ahead
    return f"{totp.token():06d}"


# --------------------------------------------------------------------------- password


def test_password_change_needs_the_current_password(client_user, test_password):
    c = _signed_in(client_user)
    url = reverse("accounts:password_change")
    assert c.get(url).status_code == 200
    bad = c.post(
        url,
        {"old_password": "wrong-one", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert bad.status_code == 200 and "not your current password" in bad.text
    weak = c.post(
        url, {"old_password": test_password, "new_password1": "123", "new_password2": "123"}
    )
    assert weak.status_code == 200 and "too short" in weak.text
    client_user.refresh_from_db()
    assert client_user.check_password(test_password)
    ok = c.post(
        url,
        {
            "old_password": test_password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert ok.status_code == 302
    client_user.refresh_from_db()
    assert client_user.check_password(NEW_PASSWORD)
    assert c.get(reverse("accounts:account")).status_code == 200, "this session stays signed in"


def test_password_reset_by_mail(make_user):
    user = make_user(role="client", username="rosa", email="rosa@example.org")
    c = Client()
    r = c.post(reverse("accounts:password_reset"), {"email": "rosa@example.org"})
    assert r.status_code == 302
    unknown = c.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert unknown.status_code == 302, "the same answer whether or not the address is known"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rosa@example.org"]
    link = re.search(r"http://testserver(/account/password/reset/key/\S+)", mail.outbox[0].body)
    assert link
    page = c.get(link.group(1), follow=True)
    assert "Choose a new password" in page.text
    form_url = page.redirect_chain[-1][0]
    assert "set-password" in form_url
    done = c.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    again = Client().get(link.group(1), follow=True)
    assert "This link does not work" in again.text


# ---------------------------------------------------------------------- second factor


def _enrol(c: Client) -> str:
    page = c.get(reverse("accounts:two_factor_setup"))
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    assert 'src="data:image/svg+xml;base64,' in page.text
    ok = c.post(reverse("accounts:two_factor_setup"), {"code": _code(secret)})
    assert ok.status_code == 302
    return secret


def test_a_wrong_code_does_not_turn_the_factor_on(therapist_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    c = _signed_in(therapist_user)
    c.get(reverse("accounts:two_factor_setup"))
    wrong = c.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 400 and "does not match" in wrong.text
    short = c.post(reverse("accounts:two_factor_setup"), {"code": "12"})
    assert short.status_code == 200 and "at least 6 characters" in short.text
    assert not TOTPDevice.objects.filter(user=therapist_user, confirmed=True).exists()


def test_enrol_then_sign_in_with_a_code_or_a_recovery_code(therapist_user, test_password):
    c = _signed_in(therapist_user)
    secret = _enrol(c)
    page = c.get(reverse("accounts:two_factor"))
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.text)
    assert len(codes) == 10
    assert codes[0] not in c.get(reverse("accounts:two_factor")).text, "shown once"

    fresh = Client()
    r = fresh.post(reverse("core:login"), {"username": "dr_tan", "password": test_password})
    assert r.status_code == 302
    gated = fresh.get(reverse("accounts:clients"))
    assert gated.status_code == 302 and gated["Location"].startswith("/account/two-factor/")
    assert fresh.get("/api/v1/me").status_code == 401
    bad = fresh.post(reverse("accounts:two_factor"), {"code": "123456"})
    assert bad.status_code == 400 and "Wait a few seconds" in bad.text
    time.sleep(1.2)  # django-otp's own back-off after a wrong code (1 s, then doubling)
    ok = fresh.post(reverse("accounts:two_factor"), {"code": _code(secret, 1), "next": "/clients/"})
    assert ok.status_code == 302 and ok["Location"] == "/clients/"
    assert fresh.get(reverse("accounts:clients")).status_code == 200

    spare = Client()
    spare.post(reverse("core:login"), {"username": "dr_tan", "password": test_password})
    assert spare.post(reverse("accounts:two_factor"), {"code": codes[0]}).status_code == 302
    reuse = Client()
    reuse.post(reverse("core:login"), {"username": "dr_tan", "password": test_password})
    assert reuse.post(reverse("accounts:two_factor"), {"code": codes[0]}).status_code == 400


def test_an_unverified_session_cannot_turn_the_factor_off(therapist_user, test_password):
    c = _signed_in(therapist_user)
    _enrol(c)
    other = Client()
    other.post(reverse("core:login"), {"username": "dr_tan", "password": test_password})
    other.post(reverse("accounts:two_factor_off"), {"password": test_password})
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert TOTPDevice.objects.filter(user=therapist_user, confirmed=True).exists()
    c.post(reverse("accounts:two_factor_off"), {"password": test_password})
    assert not TOTPDevice.objects.filter(user=therapist_user).exists()


def test_the_clinic_can_require_a_second_factor(settings, therapist_user, client_user):
    settings.LACRIMA_REQUIRE_2FA = True
    t = _signed_in(therapist_user)
    r = t.get(reverse("accounts:clients"))
    assert r.status_code == 302 and r["Location"].startswith("/account/two-factor/")
    assert t.get(r["Location"]).status_code == 302  # on to the set-up page
    assert t.get("/crisis/").status_code == 200, "crisis resources are never behind it"
    _enrol(t)
    assert t.get(reverse("accounts:clients")).status_code == 200
    off = t.post(reverse("accounts:two_factor_off"), {"password": "calm-river-47-lantern"})
    assert off.status_code == 302
    assert t.get(reverse("accounts:clients")).status_code == 200, "still on: required"
    assert _signed_in(client_user).get(reverse("accounts:account")).status_code == 200


# ------------------------------------------------------------------------- API tokens


def test_create_use_and_revoke_a_token(client_user):
    c = _signed_in(client_user)
    url = reverse("accounts:tokens")
    bad = c.post(url, {"name": "", "days": "1000"})
    assert bad.status_code == 400 and not ApiToken.objects.exists()
    assert "less than or equal to 365" in bad.text
    r = c.post(url, {"name": "laptop", "days": "30"})
    assert r.status_code == 302
    page = c.get(url)
    secret = re.search(r'id="new-token-value">(lac_[\w-]+)<', page.text).group(1)
    assert secret not in c.get(url).text, "shown once"
    row = ApiToken.objects.get()
    assert abs((row.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    api = Client()
    auth = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/me", headers=auth).status_code == 200
    c.post(reverse("accounts:revoke_token", kwargs={"token_id": row.pk}))
    assert api.get("/api/v1/me", headers=auth).status_code == 401
    assert "Revoked" in c.get(url).text


def test_an_expired_token_gets_401(client_user):
    from lacrima.web.accounts.services import issue_token

    secret = issue_token(client_user, "old", days=1)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert (
        Client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_nobody_revokes_someone_elses_token(client_user, make_user):
    from lacrima.web.accounts.services import issue_token

    issue_token(client_user, "mine")
    row = ApiToken.objects.get()
    other = _signed_in(make_user(role="client"))
    r = other.post(reverse("accounts:revoke_token", kwargs={"token_id": row.pk}))
    assert r.status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_signed_in_pages_and_the_api_are_not_cached(client_user):
    c = _signed_in(client_user)
    for path in ("/account/", "/diary/", "/api/v1/me"):
        assert "no-store" in c.get(path)["Cache-Control"], path
    assert "no-store" in Client().get("/api/v1/health")["Cache-Control"]
    assert "no-store" not in Client().get("/crisis/").get("Cache-Control", "")
