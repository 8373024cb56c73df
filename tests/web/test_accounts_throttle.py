"""The sign-in throttle: per (user, address), per address, per user; proxies; every check."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import Client
from django.urls import reverse

from lacrima.web.core.middleware import resolve_client_address

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def _fail(c: Client, username: str, **headers: str) -> int:
    response = c.post(LOGIN, {"username": username, "password": "wrong-password-1"}, **headers)
    return response.status_code


def test_a_spray_of_four_tries_for_ten_names_from_one_address_is_throttled(make_user):
    names = [make_user(role="client").username for _ in range(10)]
    c = Client()
    codes = [_fail(c, name) for _ in range(4) for name in names]
    # each pair stays under its limit of 5; the address limit (20) stops the spray, and
    # like every axes limit the try that reaches it is already answered 429
    assert codes[:19] == [200] * 19
    assert set(codes[19:]) == {429}, codes
    # the right password from that address is refused too while locked
    ok = c.post(LOGIN, {"username": names[0], "password": "calm-river-47-lantern"})
    assert ok.status_code == 429 and "_auth_user_id" not in c.session


def test_a_forged_forwarded_for_from_an_untrusted_address_changes_nothing(make_user):
    names = [make_user(role="client").username for _ in range(10)]
    c = Client()
    codes = [
        _fail(c, name, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}") for i, name in enumerate(names * 3)
    ]
    assert set(codes[19:]) == {429}, "forged headers must not spread the tries over addresses"
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_a_trusted_proxy_the_real_client_is_counted(settings, make_user):
    settings.LACRIMA_TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    alice = make_user(role="client", username="alice")
    c = Client()
    for _ in range(5):
        _fail(c, "alice", HTTP_X_FORWARDED_FOR="198.51.100.7")
    locked = c.post(
        LOGIN,
        {"username": "alice", "password": "calm-river-47-lantern"},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert locked.status_code == 429
    other = Client().post(
        LOGIN,
        {"username": "alice", "password": "calm-river-47-lantern"},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert other.status_code == 302, "another client behind the same proxy is not locked"
    assert alice.pk


def test_one_user_name_is_locked_across_addresses(settings, make_user):
    settings.LACRIMA_TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    make_user(role="therapist", username="dr_x")
    c = Client()
    codes = [_fail(c, "dr_x", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}") for i in range(12)]
    assert codes[:9] == [200] * 9 and set(codes[9:]) == {429}, codes
    fresh = Client().post(
        LOGIN,
        {"username": "dr_x", "password": "calm-river-47-lantern"},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert fresh.status_code == 429


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("10.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("10.0.0.1", "203.0.113.5, 198.51.100.7", "198.51.100.7"),  # rightmost untrusted
        ("10.0.0.1", "198.51.100.7, 10.0.0.2", "198.51.100.7"),  # chain of proxies
        ("10.0.0.1", "not-an-address", "10.0.0.1"),
        ("10.0.0.1", "", "10.0.0.1"),
        ("192.0.2.1", "198.51.100.7", "192.0.2.1"),  # untrusted peer: header ignored
    ],
)
def test_client_address_behind_proxies(peer, header, expected):
    trusted = (ipaddress.ip_network("10.0.0.0/24"),)
    assert resolve_client_address(peer, header, trusted) == expected


def test_the_account_deletion_password_is_throttled(client_user, test_password):
    c = Client()
    c.force_login(client_user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("accounts:delete")
    for _ in range(4):
        r = c.post(url, {"password": "not-it-at-all", "confirm": "on"})
        assert r.status_code == 200 and "not your password" in r.text
    assert c.post(url, {"password": "not-it-at-all", "confirm": "on"}).status_code == 429
    # locked: the right password no longer deletes anything
    assert c.post(url, {"password": test_password, "confirm": "on"}).status_code == 429
    client_user.refresh_from_db()
    assert client_user.pk


def test_the_password_change_form_is_throttled(client_user, test_password):
    c = Client()
    c.force_login(client_user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("accounts:password_change")
    data = {"new_password1": "new-harbour-77-kite", "new_password2": "new-harbour-77-kite"}
    for _ in range(4):
        r = c.post(url, {"old_password": "wrong-one-here", **data})
        assert r.status_code == 200 and "not your current password" in r.text
    assert c.post(url, {"old_password": "wrong-one-here", **data}).status_code == 429
    assert c.post(url, {"old_password": test_password, **data}).status_code == 429
    client_user.refresh_from_db()
    assert client_user.check_password(test_password)


def test_second_factor_codes_are_throttled(therapist_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=therapist_user, name="authenticator", confirmed=True)
    c = Client()
    c.force_login(therapist_user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("accounts:two_factor")
    codes = [c.post(url, {"code": "000000"}).status_code for _ in range(6)]
    assert codes == [400] * 4 + [429, 429], codes
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.filter(username="dr_tan").exists()
