"""App configuration of the audit app."""

from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only audit log."""

    name = "lacrima.web.audit"
    label = "audit"
    verbose_name = "Audit log"
