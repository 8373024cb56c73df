"""The diary app: crying diary, body check-ins, worksheets, screening and learn pages."""

from __future__ import annotations

from django.apps import AppConfig


class DiaryConfig(AppConfig):
    """Registers the diary's tables in every client's export, and its demo rows."""

    name = "lacrima.web.diary"
    label = "diary"
    verbose_name = "Diary"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Plug into the export and demo registries."""
        from lacrima.web import registry
        from lacrima.web.diary import exports

        for name, fn in exports.EXPORTS.items():
            registry.register_export(name, fn)
        registry.register_demo(exports.load_demo)
