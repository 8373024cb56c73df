"""Writing to and erasing from the audit log.

Views never write :class:`~lacrima.web.audit.models.AuditEntry` rows themselves: reads
and changes are recorded through :mod:`lacrima.web.policy` (``check_read``,
``record_change``), account events by the account services.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import transaction

from lacrima.web.audit.models import AuditEntry

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = ["entries_about", "erase_subject", "record_event", "record_read", "record_write"]

logger = logging.getLogger(__name__)


def record_read(viewer: User, client: User, category: str, what: str = "") -> AuditEntry | None:
    """Record that ``viewer`` read ``client``'s data in ``category``.

    A client reading their own data is not recorded. ``what`` says which page or item,
    in words a client understands (e.g. ``"diary list"``, ``"episode of 3 May"``).
    """
    if viewer.pk == client.pk:
        return None
    return AuditEntry.objects.create(
        action=AuditEntry.Action.READ,
        actor=viewer,
        actor_name=viewer.display_name,
        subject=client,
        category=category,
        what=what[:200],
    )


def record_write(viewer: User, client: User, category: str, what: str) -> AuditEntry | None:
    """Record that ``viewer`` changed ``client``'s data in ``category`` (after the change).

    A client changing their own data is not recorded. Call it once per change that was
    stored, never for a form that was only opened or a submission that was refused.
    """
    if viewer.pk == client.pk:
        return None
    return AuditEntry.objects.create(
        action=AuditEntry.Action.WRITE,
        actor=viewer,
        actor_name=viewer.display_name,
        subject=client,
        category=category,
        what=what[:200],
    )


def record_event(
    actor: User | None, what: str, subject: User | None = None, category: str = ""
) -> AuditEntry:
    """Record an account event, e.g. ``"consent granted"`` or ``"account deleted"``."""
    return AuditEntry.objects.create(
        action=AuditEntry.Action.EVENT,
        actor=actor,
        actor_name=actor.display_name if actor is not None else "",
        subject=subject,
        category=category,
        what=what[:200],
    )


def entries_about(client: User, limit: int | None = None) -> list[AuditEntry]:
    """The reads and changes of ``client``'s data by others, newest first (``limit``)."""
    actions = (AuditEntry.Action.READ, AuditEntry.Action.WRITE)
    qs = AuditEntry.objects.filter(subject=client, action__in=actions)
    return list(qs if limit is None else qs[:limit])


def erase_subject(user: User) -> int:
    """Remove every entry about ``user`` and those they caused about nobody else.

    The one sanctioned removal: when an account is erased, the log keeps only that a
    deletion happened. Reads *by* this user of other clients stay in those clients'
    trails (with the name kept as text).
    """
    with transaction.atomic():
        about = AuditEntry.objects.filter(subject=user)
        own = AuditEntry.objects.filter(actor=user, subject__isnull=True)
        count = about._raw_delete(about.db) + own._raw_delete(own.db)
    logger.info("erased %d audit entries of a deleted account", count)
    return count
