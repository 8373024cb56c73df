"""Forms of the core app."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's sign-in form with field lengths enforced before authentication.

    (Django only sets ``maxlength`` in the HTML; an oversized user name would otherwise
    reach the authentication backends and the login throttle's records.)
    """

    def clean_username(self) -> str:
        """Refuse user names longer than any account can have."""
        username = self.cleaned_data["username"]
        if len(username) > 150:
            raise forms.ValidationError("User names have at most 150 characters.")
        return username

    def clean_password(self) -> str:
        """Refuse absurdly long passwords without hashing them."""
        password = self.cleaned_data["password"]
        if len(password) > 1024:
            raise forms.ValidationError("Passwords have at most 1024 characters.")
        return password
