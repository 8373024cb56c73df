"""Forms of the accounts app: they validate every field at the edge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm

from lacrima.web.accounts.models import CATEGORIES, CATEGORY_LABELS, ClientProfile, User


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


class DeleteAccountForm(forms.Form):
    """Confirmation of an account deletion: password and an explicit checkbox."""

    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label="Your password",
        max_length=128,
    )
    confirm = forms.BooleanField(
        required=True, label="I understand that everything is erased and cannot be restored"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        """The password must be the account's own."""
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password
