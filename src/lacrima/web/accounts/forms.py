"""Forms of the accounts app: they validate every field at the edge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, UserCreationForm
from django.core.validators import MaxValueValidator
from django.http import HttpRequest

from lacrima.web.accounts.models import CATEGORIES, CATEGORY_LABELS, ClientProfile, User
from lacrima.web.accounts.throttle import check_password


class ClientSignupForm(UserCreationForm):
    """A new client account, created from a therapist's invitation link."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name")
        labels = {"first_name": "First name (optional)"}

    def save(self, commit: bool = True) -> User:
        """Create the account with the client role and an empty profile."""
        user = super().save(commit=False)
        user.role = "client"
        if commit:
            user.save()
            ClientProfile.objects.get_or_create(user=user)
        return user


class ConsentForm(forms.Form):
    """Which categories a client shares with one therapist."""

    link = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    shared = forms.MultipleChoiceField(
        choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Shared",
    )


class EndLinkForm(forms.Form):
    """Stop working with a therapist (confirmed by a checkbox)."""

    link = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirm = forms.BooleanField(
        required=True, label="Yes, stop sharing anything with this therapist"
    )


class RedeemCodeForm(forms.Form):
    """A therapist enters a code a client gave them."""

    code = forms.CharField(
        max_length=20,
        min_length=8,
        label="Code from your client",
        help_text="Eight letters and digits, like ABCD-EF23.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ProfileForm(forms.ModelForm):
    """The note a client writes for their therapists (stored encrypted)."""

    note = forms.CharField(
        required=False,
        max_length=ClientProfile.NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="What would you like your therapists to know?",
        help_text=(
            f"Up to {ClientProfile.NOTE_MAX_CHARS} characters. Every linked therapist sees this."
        ),
    )

    class Meta:
        model = ClientProfile
        fields = ("note",)


class PasswordConfirmForm(forms.Form):
    """The account's password, to confirm a change to how it signs in."""

    refused = "That is not your password. Nothing was changed."

    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label="Your password",
        max_length=128,
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        """The password must be the account's own (checked under the sign-in throttle)."""
        password = self.cleaned_data["password"]
        if not check_password(self.request, self.user, password):
            raise forms.ValidationError(self.refused)
        return password


class DeleteAccountForm(PasswordConfirmForm):
    """Confirmation of an account deletion: password and an explicit checkbox."""

    refused = "That is not your password. Nothing was deleted."

    confirm = forms.BooleanField(
        required=True, label="I understand that everything is erased and cannot be restored"
    )


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change; the old password is checked under the sign-in throttle."""

    def __init__(self, user: User, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        """The current password must be right; wrong tries count like failed sign-ins."""
        old = self.cleaned_data["old_password"]
        if not check_password(self.request, self.user, old):
            raise forms.ValidationError(
                "That is not your current password. Nothing was changed.",
                code="password_incorrect",
            )
        return old


class CodeForm(forms.Form):
    """A code from the authenticator app, or one recovery code."""

    code = forms.CharField(
        max_length=24,
        min_length=6,
        label="Code",
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class TokenForm(forms.Form):
    """A new API token: a name to recognise it by, and how long it works."""

    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="Where you will use it, e.g. 'laptop' or 'lab script'.",
    )
    days = forms.IntegerField(
        min_value=1,
        label="Works for (days)",
        help_text="After this it stops working; you can revoke it sooner.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.LACRIMA_TOKEN_MAX_DAYS
        self.fields["days"].validators.append(MaxValueValidator(limit))
        self.fields["days"].widget.attrs["max"] = limit
        self.fields["days"].initial = settings.LACRIMA_TOKEN_DAYS
        self.fields["days"].help_text += f" At most {limit} days."
