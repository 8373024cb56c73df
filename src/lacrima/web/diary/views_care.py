"""Body check-ins and reflection worksheets (consent categories checkins, worksheets)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.views.decorators.http import require_http_methods

from lacrima.care.worksheets import WORKSHEETS
from lacrima.web import policy
from lacrima.web.diary import safety
from lacrima.web.diary.bodymap import body_map
from lacrima.web.diary.forms_care import CheckInForm, WorksheetForm
from lacrima.web.diary.models import CheckIn, CheckInRegion, WorksheetEntry
from lacrima.web.diary.nav import check_access, form_args, subject_context, subject_name

_Record = TypeVar("_Record", CheckIn, WorksheetEntry)


def _day(when: object) -> str:
    return formats.date_format(timezone.localtime(when), "j M Y")  # type: ignore[arg-type]


def _redirect_with_support(name: str, pk: int, *texts: str) -> HttpResponse:
    return redirect(safety.support_url(reverse(name, kwargs={"pk": pk}), *texts))


def _record_for(
    request: HttpRequest,
    model: type[_Record],
    pk: int,
    category: str,
    label: str,
    write: bool = False,
) -> _Record:
    """The client's check-in or worksheet entry ``pk``, once the viewer may see (or change) it."""
    record = get_object_or_404(model.objects.select_related("client"), pk=pk)
    what = f"{label} of {_day(record.created_at)}"
    check_access(request.user, record.client, category, what, write)
    return record


def _support_context(request: HttpRequest, record: CheckIn | WorksheetEntry) -> dict[str, Any]:
    """``own``: whether the viewer wrote it (the crisis panel comes from the base page)."""
    return {"own": record.client_id == request.user.pk}


# --- body check-ins ---------------------------------------------------------------------


@policy.client_data("checkins")
@require_http_methods(["GET"])
def checkins(request: HttpRequest, username: str | None = None) -> HttpResponse:
    """History of body check-ins."""
    client = policy.subject_for_read(
        request.user, subject_name(request, username), "checkins", "body check-ins"
    )
    items = CheckIn.objects.filter(client=client).prefetch_related("regions")[:100]
    rows = [
        {"checkin": c, "map": body_map(c.regions.all()), "map_id": f"checkin-{c.pk}-map"}
        for c in items
    ]
    context = {**subject_context(request, client), "rows": rows}
    return render(request, "diary/checkins.html", context)


@policy.client_data("checkins")
@require_http_methods(["GET", "POST"])
def checkin_new(request: HttpRequest) -> HttpResponse:
    """A new body check-in: tap the regions that stand out."""
    client = policy.subject_for_write(request.user, None, "checkins")
    form = CheckInForm(*form_args(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            checkin = CheckIn.objects.create(client=client, note=form.cleaned_data["note"])
            CheckInRegion.objects.bulk_create(
                CheckInRegion(checkin=checkin, **row) for row in form.cleaned_data["regions"]
            )
        return _redirect_with_support("diary:checkin_detail", checkin.pk, checkin.note)
    safety.mark_posted(request, "note")
    context = {"form": form, "map": body_map([])}
    return render(request, "diary/checkin_form.html", context)


@policy.client_data("checkins")
@require_http_methods(["GET"])
def checkin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One check-in with its body map."""
    checkin = _record_for(request, CheckIn, pk, "checkins", "check-in")
    context = {
        "checkin": checkin,
        "regions": checkin.regions.all(),
        "map": body_map(checkin.regions.all()),
        **_support_context(request, checkin),
    }
    return render(request, "diary/checkin_detail.html", context)


@policy.client_data("checkins")
@require_http_methods(["POST"])
def checkin_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of your own check-ins."""
    _record_for(request, CheckIn, pk, "checkins", "check-in", write=True).delete()
    messages.success(request, "The check-in is deleted.")
    return redirect("diary:checkins")


# --- reflection worksheets --------------------------------------------------------------


@policy.client_data("worksheets")
@require_http_methods(["GET"])
def worksheets(request: HttpRequest, username: str | None = None) -> HttpResponse:
    """The worksheets, and the answers saved so far."""
    client = policy.subject_for_read(
        request.user, subject_name(request, username), "worksheets", "worksheet answers"
    )
    context = {
        **subject_context(request, client),
        "sheets": list(WORKSHEETS.values()),
        "entries": WorksheetEntry.objects.filter(client=client)[:200],
    }
    return render(request, "diary/worksheets.html", context)


@policy.client_data("worksheets")
@require_http_methods(["GET", "POST"])
def worksheet_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Answer a worksheet; the answers are saved with today's date, encrypted."""
    client = policy.subject_for_write(request.user, None, "worksheets")
    sheet = WORKSHEETS.get(slug)
    if sheet is None:
        raise Http404("No such worksheet.")
    form = WorksheetForm(sheet, *form_args(request))
    if request.method == "POST" and form.is_valid():
        entry = WorksheetEntry(client=client, worksheet=slug)
        answers = {q.key: form.cleaned_data[q.key].strip() for q in sheet.questions}
        entry.answers = answers
        entry.save()
        return _redirect_with_support("diary:worksheet_entry", entry.pk, *answers.values())
    safety.mark_posted(request, *(q.key for q in sheet.questions))
    return render(request, "diary/worksheet_form.html", {"form": form, "sheet": sheet})


@policy.client_data("worksheets")
@require_http_methods(["GET"])
def worksheet_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One dated set of answers."""
    entry = _record_for(request, WorksheetEntry, pk, "worksheets", "worksheet")
    context = {
        "entry": entry,
        "sheet": WORKSHEETS[entry.worksheet],
        "pairs": entry.question_answers(),
        **_support_context(request, entry),
    }
    return render(request, "diary/worksheet_entry.html", context)


@policy.client_data("worksheets")
@require_http_methods(["POST"])
def worksheet_entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of your own worksheet answers."""
    _record_for(request, WorksheetEntry, pk, "worksheets", "worksheet", write=True).delete()
    messages.success(request, "Those answers are deleted.")
    return redirect("diary:worksheets")
