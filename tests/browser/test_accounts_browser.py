"""End to end in Chromium: password change and reset, TOTP second factor, API tokens.

The reset mail is read from the mail folder (Django's file backend, Lacrima's default);
the token is tried against the API over HTTP, outside the browser's session.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from base64 import b32decode
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CHANGED = "quiet-meadow-58-lamp"
RESET = "slow-tide-93-harbour"


def _api_status(base: str, token: str) -> int:
    request = urllib.request.Request(
        base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _code(secret: str, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret + "=" * (-len(secret) % 8)))
    totp.drift = steps_ahead
    return f"{totp.token():06d}"


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state()


def _reset_link(folder: Path) -> str:
    for _ in range(50):
        files = sorted(folder.glob("*.log"))
        if files:
            body = files[-1].read_text()
            match = re.search(r"https?://\S+/account/password/reset/key/\S+/", body)
            assert match, body
            return match.group(0)
        time.sleep(0.1)
    raise AssertionError(f"no mail was written to {folder}")


def test_password_totp_and_tokens(
    page, live_server, make_user, sign_in, test_password, assert_accessible, settings, tmp_path
):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir(mode=0o700)
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = mail_dir
    make_user(role="therapist", username="dr_lee", email="lee@example.org")

    # Change the password.
    sign_in(page, "dr_lee")
    page.goto("/account/")
    page.get_by_role("link", name="Change your password").click()
    assert_accessible(page)
    page.get_by_label("Old password").fill(test_password)
    page.get_by_label(re.compile(r"^New password:?$")).fill(CHANGED)
    page.get_by_label("New password confirmation").fill(CHANGED)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed")).to_be_visible()
    _sign_out(page)

    # Forget it, and reset it through the mail folder.
    page.goto("/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    assert_accessible(page)
    page.get_by_label("Email").fill("lee@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    page.goto(_reset_link(mail_dir))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert "/reset/key/" in page.url and "set-password" in page.url  # the secret has left
    page.get_by_label(re.compile(r"^New password:?$")).fill(RESET)
    page.get_by_label("New password confirmation").fill(RESET)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Your new password is set")).to_be_visible()
    sign_in(page, "dr_lee", RESET)
    expect(page.get_by_role("button", name="Sign out").first).to_be_visible()

    # Enrol an authenticator, then sign in with password and code.
    page.goto("/account/two-factor/")
    page.get_by_role("button", name="Set up an authenticator app").click()
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code").fill(_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert len(page.locator("#recovery-codes code").all_inner_texts()) == 10
    _sign_out(page)
    sign_in(page, "dr_lee", RESET)
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(_code(secret, 1))  # the next step: a code is used once
    page.get_by_role("button", name="Continue").click()
    page.goto("/clients/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("One more step")
    assert "/account/two-factor/" not in page.url

    # Create a token, use it, revoke it: the API then answers 401.
    page.goto("/account/tokens/")
    page.get_by_label("Name").fill("laptop")
    page.get_by_label("Works for (days)").fill("30")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token-value").inner_text().strip()
    assert token.startswith("lac_")
    assert_accessible(page)
    assert _api_status(live_server.url, token) == 200
    page.get_by_role("button", name="Revoke the token laptop").click()
    expect(page.get_by_text("no longer works")).to_be_visible()
    assert _api_status(live_server.url, token) == 401
    assert page.console_errors == []
