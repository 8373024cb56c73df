"""The therapist's workspace: the client list (flags first) and one client's page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lacrima.web import policy
from lacrima.web.records.dashboard import acknowledge_flag, client_rows
from lacrima.web.records.forms import DashboardFilterForm
from lacrima.web.records.workspace import build_workspace

__all__ = ["client_page", "dashboard", "flag_acknowledge"]


@policy.role_required("therapist")
def dashboard(request: HttpRequest) -> HttpResponse:
    """The therapist's clients, open flags first; sort, filter and page with GET."""
    form = DashboardFilterForm(request.GET or None)
    options = form.values()
    page = client_rows(request.user, **options)
    context = {
        "form": form,
        "page": page,
        "previous": page.page - 1 if page.page > 1 else None,
        "next": page.page + 1 if page.page < page.pages else None,
        "query": {k: v for k, v in options.items() if k != "page" and v},
    }
    return render(request, "records/dashboard.html", context)


@policy.client_profile
def client_page(request: HttpRequest, username: str) -> HttpResponse:
    """One client: what they share with you, flags first, and your sessions with them."""
    client = policy.subject_for_profile(request.user, username)
    if request.user.pk == client.pk:
        return redirect("records:mine")
    context = {"ws": build_workspace(request.user, client)}
    return render(request, "records/client.html", context)


@policy.client_data("screening", therapist_writes=True)
@require_POST
def flag_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a flag as seen by this therapist (it stays in the list, marked)."""
    flag, newly = acknowledge_flag(request.user, pk, "acknowledged a flag")
    if newly:
        messages.success(request, "Marked as acknowledged.")
    target = reverse("records:client", kwargs={"username": flag.client.username})
    return redirect(target + "#flags")
