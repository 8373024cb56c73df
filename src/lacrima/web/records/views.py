"""Session records: create and edit sessions, the client's own view, markers.

Access: every view declares its rule with :mod:`lacrima.web.policy` (category
``sessions``) and checks the record's client through the policy. Only therapists write
records (a client reads the plain-language version of their own, when they share
``sessions``); a therapist sees the records they wrote.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lacrima.web import policy
from lacrima.web.records import access, services
from lacrima.web.records.forms import MarkerForm, SessionForm
from lacrima.web.records.models import SessionMarker
from lacrima.web.records.report import session_context

__all__ = [
    "marker_add",
    "marker_delete",
    "marker_edit",
    "mine",
    "session_delete",
    "session_detail",
    "session_edit",
    "session_new",
]

SESSIONS = "sessions"


@policy.client_data(SESSIONS)
def mine(request: HttpRequest) -> HttpResponse:
    """The client's own sessions, in plain language, for the therapists they share with."""
    client = policy.subject_for_read(request.user, None, SESSIONS, what="own sessions")
    context = {"shared": access.client_sessions(client)}
    return render(request, "records/mine.html", context)


@policy.client_data(SESSIONS, therapist_writes=True, edit_form=True)
def session_new(request: HttpRequest, username: str) -> HttpResponse:
    """A therapist records a session with a client who shares ``sessions``."""
    client = policy.subject_for_write(request.user, username, SESSIONS, therapist_writes=True)
    access.require_therapist(request.user)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.client, record.therapist = client, request.user
        record.save()
        access.changed(request.user, record, "new session record")
        messages.success(request, "Session saved. You can add a recording below.")
        return redirect("records:session", pk=record.pk)
    return render(request, "records/session_form.html", {"form": form, "client": client})


@policy.client_data(SESSIONS)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session: the therapist's full record, or the client's plain-language version."""
    record = access.readable_session(request.user, pk, what="session record")
    if request.user.pk == record.client_id:
        context = access.client_view(record)
        return render(request, "records/session_client.html", context)
    context = session_context(record)
    return render(request, "records/session.html", context)


@policy.client_data(SESSIONS, therapist_writes=True, edit_form=True)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a session's date, length or notes."""
    record = access.writable_session(request.user, pk)
    form = SessionForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        form.save()
        access.changed(request.user, record, "edited a session record")
        messages.success(request, "Session updated.")
        return redirect("records:session", pk=record.pk)
    context = {"form": form, "client": record.client, "record": record}
    return render(request, "records/session_form.html", context)


@policy.client_data(SESSIONS, therapist_writes=True, edit_form=True)
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a session with its recordings, reports and markers (asks first)."""
    record = access.writable_session(request.user, pk)
    if request.method == "POST":
        username = record.client.username
        record.delete()
        access.changed(request.user, record, "deleted a session record")
        messages.success(request, "Session deleted, with its recordings.")
        return redirect("records:client", username=username)
    return render(request, "records/confirm_delete.html", {"record": record})


@policy.client_data(SESSIONS, therapist_writes=True)
@require_POST
def marker_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a marker to one recording of the session, or to all of them."""
    record = access.writable_session(request.user, pk)
    uploads = list(record.uploads.all())
    form = MarkerForm(request.POST, uploads=uploads)
    if form.is_valid():
        data = form.cleaned_data
        upload = next((u for u in uploads if u.pk == data.get("upload")), None)
        services.add_marker(record, upload, data["at"], data["label"], data["note"], request.user)
        access.changed(request.user, record, "added a marker")
        messages.success(request, "Marker added. Re-run the analysis to use it.")
        return redirect(access.back_to(request, record))
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(access.back_to(request, record))


def _own_marker(request: HttpRequest, pk: int) -> SessionMarker:
    marker = get_object_or_404(SessionMarker.objects.select_related("session"), pk=pk)
    marker.session = access.writable_session(request.user, marker.session_id)
    return marker


@policy.client_data(SESSIONS, therapist_writes=True, edit_form=True)
def marker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a marker's time, label or note."""
    marker = _own_marker(request, pk)
    initial = {"at": access.clock(marker.time_s), "label": marker.label, "note": marker.note}
    form = MarkerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.change_marker(marker, data["at"], data["label"], data["note"])
        access.changed(request.user, marker.session, "corrected a marker")
        messages.success(request, "Marker corrected. Re-run the analysis to use it.")
        return redirect(access.marker_home(marker))
    context = {"form": form, "marker": marker, "back": access.marker_home(marker)}
    return render(request, "records/marker_form.html", context)


@policy.client_data(SESSIONS, therapist_writes=True)
@require_POST
def marker_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a marker."""
    marker = _own_marker(request, pk)
    home = access.marker_home(marker)
    services.delete_marker(marker)
    access.changed(request.user, marker.session, "removed a marker")
    messages.success(request, "Marker removed. Re-run the analysis to update the report.")
    return redirect(home)
