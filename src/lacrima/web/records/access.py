"""Who may see or change a session record, on top of :mod:`lacrima.web.policy`.

The policy decides by client and category (``sessions``); this module adds the app's own
rules: only therapists write records, a therapist sees the records they wrote, and a
client sees the plain-language version of a record only while they share ``sessions``
with the therapist who wrote it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from lacrima.sp.summary import clock
from lacrima.web import policy
from lacrima.web.records.models import SessionMarker, SessionRecord, Upload
from lacrima.web.records.report import for_client

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = [
    "back_to",
    "changed",
    "client_sessions",
    "client_view",
    "clock",
    "marker_home",
    "readable_session",
    "readable_upload",
    "require_therapist",
    "shares_sessions",
    "viewed",
    "writable_session",
    "writable_upload",
]

SESSIONS = "sessions"


def require_therapist(user: User) -> None:
    """Only therapists write session records (a client reads them)."""
    if not user.is_therapist:
        raise PermissionDenied("Session records are written by the therapist.")


def _own_record(user: User, record: SessionRecord) -> None:
    if user.pk != record.client_id and record.therapist_id != user.pk:
        raise Http404("No such session.")


def readable_session(user: User, pk: int, what: str, audit: bool = True) -> SessionRecord:
    """The record, if ``user`` may read it (its client, or the therapist who wrote it).

    The read is audited once (``what``) unless ``audit=False`` (a status poll).
    """
    record = get_object_or_404(SessionRecord.objects.select_related("client", "therapist"), pk=pk)
    policy.resolve(user, record.client, SESSIONS).enforce()
    _own_record(user, record)
    if audit:
        policy.check_read(user, record.client, SESSIONS, what=what)
    return record


def writable_session(user: User, pk: int) -> SessionRecord:
    """The record, if ``user`` is the therapist who wrote it and still may change it.

    Nothing is audited here: call :func:`changed` once the change is stored.
    """
    record = get_object_or_404(SessionRecord.objects.select_related("client", "therapist"), pk=pk)
    policy.check_write(user, record.client, SESSIONS, therapist_writes=True)
    require_therapist(user)
    _own_record(user, record)
    return record


def changed(user: User, record: SessionRecord, what: str) -> None:
    """Audit one change to ``record`` that has just been stored."""
    policy.record_change(user, record.client, SESSIONS, what)


def viewed(user: User, record: SessionRecord, what: str) -> None:
    """Audit a read of ``record`` shown after a refused or invalid change (once)."""
    policy.check_read(user, record.client, SESSIONS, what=what)


def readable_upload(user: User, pk: int, what: str, audit: bool = True) -> Upload:
    """The upload, if ``user`` may read its session (audited unless ``audit=False``)."""
    upload = get_object_or_404(Upload, pk=pk)
    upload.session = readable_session(user, upload.session_id, what, audit=audit)
    return upload


def writable_upload(user: User, pk: int) -> Upload:
    """The upload, if ``user`` may change its session (see :func:`writable_session`)."""
    upload = get_object_or_404(Upload, pk=pk)
    upload.session = writable_session(user, upload.session_id)
    return upload


def shares_sessions(client: User, therapist_id: int | None) -> bool:
    """True while the client shares ``sessions`` with this therapist."""
    return policy.has_consent(client, therapist_id, SESSIONS)


def _plain_reports(record: SessionRecord) -> list[dict[str, Any]]:
    uploads = record.uploads.filter(status=Upload.Status.DONE).select_related("report")
    return [{"upload": u, "report": for_client(u.report.data)} for u in uploads]


def client_view(record: SessionRecord) -> dict[str, Any]:
    """What the client sees of one record: plain language, and only while shared."""
    shared = shares_sessions(record.client, record.therapist_id)
    return {
        "record": record,
        "shared": shared,
        "reports": _plain_reports(record) if shared else [],
    }


def client_sessions(client: User) -> list[dict[str, Any]]:
    """The client's past sessions with the therapists they share ``sessions`` with."""
    therapists = policy.therapists_shared_with(client, SESSIONS)
    records = (
        SessionRecord.objects.filter(client=client, therapist_id__in=therapists)
        .select_related("therapist")
        .order_by("-starts_at")
    )
    return [{"record": r, "reports": _plain_reports(r)} for r in records]


def back_to(request: HttpRequest, record: SessionRecord) -> str:
    """The safe ``next`` address of a form, or the session page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("records:session", kwargs={"pk": record.pk})


def marker_home(marker: SessionMarker) -> str:
    """The page a marker is shown on (its recording's report, or the session)."""
    if marker.upload_id:
        return reverse("records:upload", kwargs={"pk": marker.upload_id})
    return reverse("records:session", kwargs={"pk": marker.session_id})
