"""A clinic admin's changes to crisis lines; every change writes an audit entry.

Views call these functions; they never write :class:`~lacrima.web.core.models.
CrisisLine` or audit rows themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from lacrima.errors import LacrimaError
from lacrima.web.audit.log import record_event
from lacrima.web.core import crisis
from lacrima.web.core.models import CrisisLine

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User
    from lacrima.web.core.forms import CrisisLineForm

__all__ = [
    "AUDIT_CATEGORY",
    "UnknownBundledEntry",
    "adopt_bundled",
    "save_line",
    "verify_line",
]

#: Audit category of crisis-line changes (no client is the subject).
AUDIT_CATEGORY = "crisis_resources"


class UnknownBundledEntry(LacrimaError):
    """The bundled entry to adopt is not in the crisis-resources file."""


def _describe(line: CrisisLine) -> str:
    numbers = ", ".join(
        f"{label} {n}" for label, n in (("call", line.phone), ("text", line.text)) if n
    )
    return f"{line.region} {line.name} ({numbers})"


@transaction.atomic
def save_line(actor: User, form: CrisisLineForm) -> CrisisLine:
    """Store a new or corrected entry from a valid form.

    A correction clears an earlier verification: what was verified is no longer what is
    shown, so the page says "not yet verified by this clinic" until someone verifies it.
    """
    is_new = form.instance.pk is None
    line = form.save(commit=False)
    if not is_new and form.has_changed():
        line.verified_on, line.verified_by, line.verified_by_name = None, None, ""
    line.save()
    verb = "added" if is_new else "changed"
    record_event(actor, f"crisis line {verb}: {_describe(line)}", category=AUDIT_CATEGORY)
    return line


@transaction.atomic
def verify_line(actor: User, line: CrisisLine) -> CrisisLine:
    """Record that ``actor`` checked this entry at the service's own site today."""
    line.verified_on = timezone.localdate()
    line.verified_by, line.verified_by_name = actor, actor.display_name
    line.save(update_fields=["verified_on", "verified_by", "verified_by_name", "updated_at"])
    record_event(actor, f"crisis line verified: {_describe(line)}", category=AUDIT_CATEGORY)
    return line


@transaction.atomic
def adopt_bundled(actor: User, key: str, verify: bool = False) -> CrisisLine:
    """Copy a bundled entry into the clinic's list (it then replaces the bundled one).

    Raises
    ------
    UnknownBundledEntry
        ``key`` (``REGION:name``) names no entry of the crisis-resources file.
    """
    bundled = next((r for r in crisis.load_resources() if r.key == key), None)
    if bundled is None:
        raise UnknownBundledEntry(
            f"no bundled crisis entry {key!r}; pick one from the list on /staff/crisis/"
        )
    line = CrisisLine.objects.filter(replaces=key).first()
    if line is None:
        line = CrisisLine.objects.create(
            region=bundled.locale,
            name=bundled.name,
            kind=bundled.kind,
            phone=bundled.phone,
            text=bundled.text,
            hours=bundled.hours,
            url=bundled.url,
            replaces=key,
        )
        record_event(
            actor,
            f"crisis line taken over from the bundled list: {_describe(line)}",
            category=AUDIT_CATEGORY,
        )
    return verify_line(actor, line) if verify else line
