"""Forms of the core app."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from lacrima.web.core.models import CrisisLine


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


class CrisisLineForm(forms.ModelForm):
    """A clinic's crisis line: region, name, numbers, hours and website.

    Verification is not a field: it is its own action (:func:`~lacrima.web.core.
    crisis_admin.verify_line`), so saving an edit never marks an entry as verified.
    """

    url = forms.URLField(label="The service's own website", max_length=300, assume_scheme="https")

    class Meta:
        model = CrisisLine
        fields = ("region", "name", "kind", "phone", "text", "hours", "url")
        labels = {
            "region": "Region (two-letter country code, e.g. NZ; EU for 112)",
            "phone": "Phone number (digits and spaces)",
            "text": "Text (SMS) number, if the service has one",
            "hours": "Hours (e.g. 24/7)",
        }

    def clean_region(self) -> str:
        """Upper-case the region code."""
        return str(self.cleaned_data["region"]).strip().upper()

    def clean(self) -> dict[str, object]:
        """Refuse an entry with neither a phone nor a text number."""
        data = super().clean() or {}
        if not (data.get("phone") or "").strip() and not (data.get("text") or "").strip():
            raise forms.ValidationError("Give a phone number, a text number, or both.")
        return data
