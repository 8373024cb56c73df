"""Recording uploads: upload, progress, the S-P report, re-run, replace, remove.

Uploads stream to disk through :class:`~lacrima.web.records.storage.LimitedDiskUploadHandler`,
which must be in place before the body is read. The CSRF middleware would read it first,
so the two upload views are exempt from the middleware and check the token themselves
with ``csrf_protect`` once the handler is installed (the pattern Django documents for
custom upload handlers).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from lacrima.errors import LacrimaError
from lacrima.web import policy
from lacrima.web.records import access, services
from lacrima.web.records.forms import MarkerForm, UploadForm
from lacrima.web.records.models import Report, Upload
from lacrima.web.records.report import build, for_client, session_context
from lacrima.web.records.storage import install_upload_handler, remove_folder

__all__ = [
    "upload_delete",
    "upload_detail",
    "upload_file_markers",
    "upload_new",
    "upload_replace",
    "upload_rerun",
    "upload_status",
]

SESSIONS = "sessions"


def _staged(form: UploadForm) -> list[Any]:
    return list(form.cleaned_data.get("files") or []) if form.is_valid() else []


def _discard(request: HttpRequest) -> None:
    """Delete what the request staged and did not store (stored files were moved away)."""
    for upload in request.FILES.getlist("files"):
        path = getattr(upload, "staged_path", None)
        if path is not None:
            remove_folder(path.parent)


def _receive(request: HttpRequest) -> tuple[UploadForm, str]:
    """Validate the upload form; returns the form and a refusal message ("" if none)."""
    form = UploadForm(request.POST, request.FILES)
    refusal = getattr(request, "upload_refusal", None)
    if refusal is not None:
        return form, str(refusal)
    if not form.is_valid():
        return form, " ".join(e for errors in form.errors.values() for e in errors)
    return form, ""


@csrf_protect
def _upload_new(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.writable_session(request.user, pk)
    form, error = _receive(request)
    if not error:
        try:
            uploads = services.store_uploads(
                record,
                _staged(form),
                form.cleaned_data["fs_hz"],
                one_session=form.cleaned_data["one_session"],
            )
        except LacrimaError as exc:
            error = str(exc)
        else:
            access.changed(request.user, record, "uploaded a recording")
            if len(uploads) == 1:
                return redirect("records:upload", pk=uploads[0].pk)
            messages.success(request, f"{len(uploads)} recordings uploaded.")
            return redirect("records:session", pk=record.pk)
    access.viewed(request.user, record, "session record")
    return render(request, "records/session.html", session_context(record, form, error))


@csrf_exempt
@policy.client_data(SESSIONS, therapist_writes=True)
@require_POST
def upload_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload one or more recordings to a session; the analysis runs in the worker."""
    install_upload_handler(request)
    try:
        return _upload_new(request, pk)
    finally:
        _discard(request)  # what was staged and not stored: refused, invalid, no access


def _report_context(request: HttpRequest, upload: Upload) -> dict[str, Any]:
    report = Report.objects.filter(upload=upload).first()
    markers = upload.session.markers.filter(Q(upload=upload) | Q(upload__isnull=True))
    return {
        "upload": upload,
        "record": upload.session,
        "report": build(report.data, report.file_markers) if report else None,
        "plain": for_client(report.data) if report else None,
        "markers": list(markers),
        "marker_form": MarkerForm(initial={"upload": upload.pk}, uploads=[upload]),
        "replace_form": UploadForm(),
    }


@policy.client_data(SESSIONS)
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One recording: progress while it is analysed, then its S-P report."""
    upload = access.readable_upload(request.user, pk, what="session recording report")
    if request.user.pk == upload.session.client_id:
        return redirect("records:session", pk=upload.session_id)
    return render(request, "records/upload.html", _report_context(request, upload))


@policy.client_data(SESSIONS)
def upload_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the upload page polls; a finished analysis reloads the page."""
    upload = access.readable_upload(request.user, pk, what="", audit=False)
    response = render(request, "records/_status.html", {"upload": upload, "poll": True})
    if upload.is_final and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@csrf_protect
def _upload_replace(request: HttpRequest, pk: int) -> HttpResponse:
    upload = access.writable_upload(request.user, pk)
    form, error = _receive(request)
    if not error:
        try:
            services.replace_upload(
                upload,
                _staged(form),
                form.cleaned_data["fs_hz"],
                one_session=form.cleaned_data["one_session"],
            )
        except LacrimaError as exc:
            error = str(exc)
        else:
            access.changed(request.user, upload.session, "replaced a recording")
            return redirect("records:upload", pk=upload.pk)
    access.viewed(request.user, upload.session, "session recording report")
    context = _report_context(request, upload)
    context.update(replace_form=form, replace_error=error)
    return render(request, "records/upload.html", context)


@csrf_exempt
@policy.client_data(SESSIONS, therapist_writes=True)
@require_POST
def upload_replace(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a new file in place of this recording (e.g. after a failed read)."""
    install_upload_handler(request)
    try:
        return _upload_replace(request, pk)
    finally:
        _discard(request)


@policy.client_data(SESSIONS, therapist_writes=True)
@require_POST
def upload_rerun(request: HttpRequest, pk: int) -> HttpResponse:
    """Analyse the recording again, with the markers as they are now."""
    upload = access.writable_upload(request.user, pk)
    try:
        services.rerun(upload)
    except LacrimaError as exc:
        messages.error(request, str(exc))
    else:
        access.changed(request.user, upload.session, "re-ran an analysis")
    return redirect("records:upload", pk=upload.pk)


@policy.client_data(SESSIONS, therapist_writes=True)
@require_POST
def upload_file_markers(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose whether the analysis uses the markers written in the file itself."""
    upload = access.writable_upload(request.user, pk)
    services.use_file_markers(upload, request.POST.get("use") == "1")
    access.changed(request.user, upload.session, "changed the file's markers")
    messages.success(request, "Saved. Re-run the analysis to apply it.")
    return redirect("records:upload", pk=upload.pk)


@policy.client_data(SESSIONS, therapist_writes=True, edit_form=True)
def upload_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a recording with its report and files (asks first)."""
    upload = access.writable_upload(request.user, pk)
    if request.method == "POST":
        session_pk = upload.session_id
        services.delete_upload(upload)
        access.changed(request.user, upload.session, "removed a recording")
        messages.success(request, "Recording removed.")
        return redirect("records:session", pk=session_pk)
    return render(request, "records/confirm_delete.html", {"upload": upload})
