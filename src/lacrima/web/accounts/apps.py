"""App configuration of the accounts app."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, links, consent, invitations, tokens."""

    name = "lacrima.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """Register this app's tables for export and its demo rows."""
        from lacrima.web.accounts import exports  # noqa: F401
