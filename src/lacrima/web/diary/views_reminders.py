"""Reminders the client sets; the due ones show at the top of the diary."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from lacrima.web import policy
from lacrima.web.diary import safety, services
from lacrima.web.diary.forms import ReminderForm
from lacrima.web.diary.models import Reminder
from lacrima.web.diary.nav import check_access, form_args, subject_context

CATEGORY = "diary"


@policy.client_data(CATEGORY)
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    """Your reminders, what is due now, and a form to add one."""
    client = policy.subject_for_write(request.user, None, CATEGORY)
    form = ReminderForm(*form_args(request))
    if request.method == "POST" and form.is_valid():
        form.instance.client = client
        reminder = form.save()
        messages.success(request, "Reminder added. It will show in your diary when it is due.")
        return redirect(safety.support_url(reverse("diary:reminders"), reminder.label))
    safety.mark_posted(request, "label")
    context = {
        **subject_context(request, client),
        "form": form,
        "reminders": Reminder.objects.filter(client=client),
        "due": services.due_for(client),
    }
    return render(request, "diary/reminders.html", context)


def _own_reminder(request: HttpRequest, pk: int) -> Reminder:
    reminder = get_object_or_404(Reminder.objects.select_related("client"), pk=pk)
    check_access(request.user, reminder.client, CATEGORY, "reminder", write=True)
    return reminder


@policy.client_data(CATEGORY)
@require_POST
def reminder_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Done, or not now: either way the reminder rests until its next time."""
    reminder = _own_reminder(request, pk)
    reminder.last_closed_at = timezone.now()
    reminder.save(update_fields=["last_closed_at"])
    target = "diary:reminders" if request.POST.get("next") == "reminders" else "diary:index"
    return redirect(target)


@policy.client_data(CATEGORY)
@require_POST
def reminder_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a reminder."""
    _own_reminder(request, pk).delete()
    messages.success(request, "Reminder removed.")
    return redirect("diary:reminders")
