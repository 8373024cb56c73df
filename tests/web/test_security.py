"""Security settings: hashing, validators, throttled sign-in, cookies, headers, CSRF, tokens."""

from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.urls import reverse

from lacrima.web.accounts.models import ApiToken
from lacrima.web.accounts.services import issue_token

SETTINGS = importlib.import_module("lacrima.web.settings")


def test_argon2_is_the_first_hasher_and_validators_are_on():
    assert SETTINGS.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    names = {v["NAME"].rsplit(".", 1)[-1] for v in SETTINGS.AUTH_PASSWORD_VALIDATORS}
    assert {
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
        "UserAttributeSimilarityValidator",
    } <= names


def test_cookie_settings():
    assert SETTINGS.SESSION_COOKIE_HTTPONLY and SETTINGS.CSRF_COOKIE_HTTPONLY
    assert SETTINGS.SESSION_COOKIE_SAMESITE == "Lax" == SETTINGS.CSRF_COOKIE_SAMESITE


def test_https_mode_makes_cookies_secure(tmp_path, monkeypatch):
    import importlib.util

    monkeypatch.setenv("LACRIMA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LACRIMA_HTTPS", "true")
    spec = importlib.util.spec_from_file_location("lacrima_https_probe", SETTINGS.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.SESSION_COOKIE_SECURE and module.CSRF_COOKIE_SECURE
    assert module.SECURE_HSTS_SECONDS > 0
    assert module.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_samesite(client_user, test_password):
    c = Client()
    c.post(reverse("core:login"), {"username": "alice", "password": test_password})
    cookie = c.cookies["lacrima_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_no_inline_script_or_style_in_pages(client_client):
    for path in ("/", "/crisis/", "/account/", "/account/sharing/", "/login/"):
        html = client_client.get(path).content.decode()
        assert "<script>" not in html and "style=" not in html and " onclick=" not in html


@pytest.mark.django_db
def test_wrong_passwords_are_throttled(client_user, test_password):
    c = Client()
    url = reverse("core:login")
    for _ in range(4):
        response = c.post(url, {"username": "alice", "password": "wrong-password"})
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    locked = c.post(url, {"username": "alice", "password": "wrong-password"})
    assert locked.status_code == 429
    assert "wait 15 minutes" in locked.content.decode()
    # even the right password is refused while locked
    response = c.post(url, {"username": "alice", "password": test_password})
    assert response.status_code == 429
    assert "_auth_user_id" not in c.session


@pytest.mark.django_db
def test_right_password_signs_in(client_user, test_password):
    c = Client()
    response = c.post(reverse("core:login"), {"username": "alice", "password": test_password})
    assert response.status_code == 302
    assert c.session["_auth_user_id"] == str(client_user.pk)


@pytest.mark.django_db
def test_oversized_login_fields_are_refused(client_user):
    from axes.models import AccessAttempt

    c = Client()
    response = c.post(reverse("core:login"), {"username": "a" * 5000, "password": "x"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    response = c.post(reverse("core:login"), {"username": "alice", "password": "x" * 5000})
    assert "at most 1024 characters" in response.content.decode()
    assert "_auth_user_id" not in c.session
    assert not AccessAttempt.objects.filter(username__startswith="aaaa").exists()


@pytest.mark.django_db
def test_session_api_requires_csrf_for_unsafe_methods(client_user, therapist_user, link):
    row = link(client_user, therapist_user)
    c = Client(enforce_csrf_checks=True)
    c.force_login(client_user, backend="django.contrib.auth.backends.ModelBackend")
    url = "/api/v1/consents/dr_tan"
    response = c.put(url, '{"shared": ["diary"]}', content_type="application/json")
    assert response.status_code == 403
    assert row.shared_categories() == []
    c.get("/")  # sets the CSRF cookie
    token = c.cookies["lacrima_csrf"].value
    response = c.put(
        url,
        '{"shared": ["diary"]}',
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert row.shared_categories() == ["diary"]


@pytest.mark.django_db
def test_personal_tokens_are_hashed_and_work(therapist_user):
    secret = issue_token(therapist_user, name="laptop")
    stored = ApiToken.objects.get()
    assert secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    c = Client()
    response = c.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200 and response.json()["username"] == "dr_tan"
    assert "password" not in response.content.decode()
    bad = c.get("/api/v1/me", headers={"Authorization": "Bearer lac_made-up"})
    assert bad.status_code == 401


@pytest.mark.django_db
def test_token_requests_need_no_csrf(client_user, therapist_user, link):
    link(client_user, therapist_user)
    secret = issue_token(client_user)
    c = Client(enforce_csrf_checks=True)
    response = c.put(
        "/api/v1/consents/dr_tan",
        '{"shared": ["program"]}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_lacrima_errors_in_pages_become_a_400_with_the_message(rf, client_user):
    from lacrima.errors import CareError
    from lacrima.web.core.middleware import LacrimaErrorMiddleware

    request = rf.get("/somewhere/")
    request.user = client_user
    middleware = LacrimaErrorMiddleware(lambda r: None)
    response = middleware.process_exception(request, CareError("Step 3 comes after step 2."))
    assert response.status_code == 400
    assert "Step 3 comes after step 2." in response.content.decode()
    assert middleware.process_exception(request, ValueError("x")) is None
