"""App configuration of the core app."""

from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Base templates, home, crisis page, sign-in, static files."""

    name = "lacrima.web.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        """Check the crisis-resources file at start-up so a broken file stops the server."""
        from lacrima.web.core import crisis

        crisis.load_resources()
