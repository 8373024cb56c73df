"""App configuration of the program app."""

from __future__ import annotations

from django.apps import AppConfig


class ProgramConfig(AppConfig):
    """Systematic desensitization: hierarchy, relaxation trainer, exposure trials."""

    name = "lacrima.web.program"
    label = "program"
    verbose_name = "Desensitization program"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register this app's tables for export and its demo rows."""
        from lacrima.web.program import exports  # noqa: F401
