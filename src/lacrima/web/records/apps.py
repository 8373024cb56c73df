"""App configuration of the records app."""

from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Session records with physiology uploads and the S-P report; the therapist dashboard."""

    name = "lacrima.web.records"
    label = "records"
    verbose_name = "Session records"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the records tables for export and the demo session."""
        from lacrima.web import registry
        from lacrima.web.records import demo, exports

        for name, fn in exports.EXPORTS.items():
            registry.register_export(name, fn)
        registry.register_demo(demo.load_demo)
