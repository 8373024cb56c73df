"""The clinic admin's crisis-lines page: add, correct and verify entries per region.

Only clinic admins (role ``admin``) reach these pages (declared with
:func:`lacrima.web.policy.role_required`); every change is audited by
:mod:`lacrima.web.core.crisis_admin`. The public page is ``core:crisis``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from lacrima.web import policy
from lacrima.web.core import crisis, crisis_admin
from lacrima.web.core.forms import CrisisLineForm
from lacrima.web.core.models import CrisisLine

ADMIN = "admin"


@policy.role_required(ADMIN)
@require_http_methods(["GET"])
def crisis_lines(request: HttpRequest) -> HttpResponse:
    """Every entry by region: the clinic's own, then the bundled ones still in use."""
    clinic = list(CrisisLine.objects.select_related("verified_by"))
    replaced = {line.replaces for line in clinic if line.replaces}
    bundled = [r for r in crisis.load_resources() if r.key not in replaced]
    context = {
        "clinic": clinic,
        "bundled": bundled,
        "warning": crisis.coverage_warning() if not crisis.resources_for() else "",
    }
    return render(request, "core/crisis_lines.html", context)


@policy.role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def crisis_line_new(request: HttpRequest) -> HttpResponse:
    """Add an entry for a region."""
    form = CrisisLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        line = crisis_admin.save_line(request.user, form)
        messages.success(request, f"Added {line.name}. Verify it at the service's site next.")
        return redirect("core:crisis_lines")
    status = 400 if request.method == "POST" else 200
    return render(request, "core/crisis_line_form.html", {"form": form}, status=status)


@policy.role_required(ADMIN)
@require_http_methods(["GET", "POST"])
def crisis_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an entry (a change clears its verification)."""
    line = get_object_or_404(CrisisLine, pk=pk)
    form = CrisisLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        line = crisis_admin.save_line(request.user, form)
        messages.success(request, f"Saved {line.name}.")
        return redirect("core:crisis_lines")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "line": line}
    return render(request, "core/crisis_line_form.html", context, status=status)


@policy.role_required(ADMIN)
@require_POST
def crisis_line_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the signed-in admin checked this entry at the service's site today."""
    line = crisis_admin.verify_line(request.user, get_object_or_404(CrisisLine, pk=pk))
    messages.success(request, f"Recorded: {line.name} verified today by you.")
    return redirect("core:crisis_lines")


@policy.role_required(ADMIN)
@require_POST
def crisis_bundled_adopt(request: HttpRequest) -> HttpResponse:
    """Take a bundled entry into the clinic's list, verified now if asked."""
    try:
        line = crisis_admin.adopt_bundled(
            request.user, request.POST.get("key", "")[:140], request.POST.get("verify") == "1"
        )
    except crisis_admin.UnknownBundledEntry as exc:
        messages.error(request, str(exc))
        return redirect("core:crisis_lines")
    done = "verified today by you" if line.verified_on else "added to the clinic's list"
    messages.success(request, f"{line.name}: {done}.")
    return redirect("core:crisis_lines")
