"""Screening (consent category ``screening``): the PHQ-9, its results and safety."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.views.decorators.http import require_http_methods

from lacrima.care import phq9
from lacrima.web import policy
from lacrima.web.core.crisis import region_for_request, resources_for
from lacrima.web.diary.forms_care import Phq9Form
from lacrima.web.diary.models import Phq9Response
from lacrima.web.diary.nav import form_args, subject_context, subject_name
from lacrima.web.diary.safety import flags_for, record_phq9, shares_screening

CATEGORY = "screening"


@policy.client_data(CATEGORY)
@require_http_methods(["GET"])
def screening(request: HttpRequest, username: str | None = None) -> HttpResponse:
    """Questionnaires taken so far (and, for a therapist, flags to look at)."""
    client = policy.subject_for_read(
        request.user, subject_name(request, username), CATEGORY, "questionnaires"
    )
    own = client.pk == request.user.pk
    context = {
        **subject_context(request, client),
        "responses": Phq9Response.objects.filter(client=client)[:100],
        "flags": [] if own else flags_for(request.user, client),
        "source": phq9.SOURCE,
    }
    return render(request, "diary/screening.html", context)


@policy.client_data(CATEGORY)
@require_http_methods(["GET", "POST"])
def phq9_new(request: HttpRequest) -> HttpResponse:
    """The PHQ-9, with its exact wording and copyright notice."""
    client = policy.subject_for_write(request.user, None, CATEGORY)
    form = Phq9Form(*form_args(request))
    if request.method == "POST" and form.is_valid():
        response, _ = record_phq9(client, form.answers(), form.cleaned_data.get("difficulty", ""))
        return redirect("diary:phq9_result", pk=response.pk)
    context = {"form": form, "stem": phq9.STEM, "copyright": phq9.COPYRIGHT}
    return render(request, "diary/phq9_form.html", context)


@policy.client_data(CATEGORY)
@require_http_methods(["GET"])
def phq9_result(request: HttpRequest, pk: int) -> HttpResponse:
    """A PHQ-9 result; item 9 above 0 puts crisis resources first, for the client."""
    response = get_object_or_404(Phq9Response.objects.select_related("client"), pk=pk)
    day = formats.date_format(timezone.localtime(response.created_at), "j M Y")
    policy.check_read(request.user, response.client, CATEGORY, f"PHQ-9 of {day}")
    own = response.client_id == request.user.pk
    band = next(label for _, _, key, label in phq9.BANDS if key == response.band)
    low, high = next((lo, hi) for lo, hi, key, _ in phq9.BANDS if key == response.band)
    context = {
        "response": response,
        "own": own,
        "band_label": band,
        "band_low": low,
        "band_high": high,
        "rows": list(
            zip(phq9.ITEMS, [dict(phq9.OPTIONS)[a] for a in response.answers], strict=True)
        ),
        # Item 9 above 0 always shows the panel (the template); the lines are extra.
        "crisis": resources_for(region_for_request(request)) if response.item9_positive else [],
        "shared": own and shares_screening(response.client),
        "copyright": phq9.COPYRIGHT,
        "source": phq9.SOURCE,
    }
    return render(request, "diary/phq9_result.html", context)
