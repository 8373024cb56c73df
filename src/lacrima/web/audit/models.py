"""The audit entry model. Rows are only ever added (see :mod:`lacrima.web.audit.log`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit entry outside an account erasure."""


class AuditQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes."""

    def update(self, **kwargs: Any) -> int:
        """Audit entries never change."""
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        """Audit entries are removed only by :func:`lacrima.web.audit.log.erase_subject`."""
        raise AppendOnlyError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One read or change of a client's data by someone else, or one account event."""

    class Action(models.TextChoices):
        READ = "read", "Viewed"
        WRITE = "write", "Changed"
        EVENT = "event", "Event"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(max_length=32, blank=True)
    what = models.CharField(max_length=200, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; never update."""
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Audit entries cannot be deleted one by one."""
        raise AppendOnlyError("audit entries cannot be deleted")
