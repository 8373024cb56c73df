"""The client's own practice pages: exposure trials and the relaxation trainer.

Only the client runs these (a therapist sees the results on the progress page). Each
step is a small POST that moves the state machine one step and goes back to the
practice page, so the page always shows the phase the machine is in. "Not today" is a
POST that never fails.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lacrima.care.desensitization import (
    Outcome,
    ProgramError,
    StepError,
    build_breath_pattern,
    build_pmr_script,
)
from lacrima.web import policy
from lacrima.web.program import presenters, services
from lacrima.web.program.forms import ExpectancyForm, PaceForm, RatingForm, RelaxationForm
from lacrima.web.program.models import RelaxationExercise

CATEGORY = "program"


def _me(request: HttpRequest) -> Any:
    return policy.subject_for_write(request.user, None, CATEGORY)


def _practice_page(
    request: HttpRequest,
    client: Any,
    expectancy_form: ExpectancyForm | None = None,
    rating_form: RatingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    program = services.load(client).program
    context = presenters.practice_context(program)
    context.update(
        client=client,
        urls=presenters.links(client, request.user),
        expectancy_form=expectancy_form or ExpectancyForm(),
        rating_form=rating_form or RatingForm(),
    )
    return render(request, "program/practice.html", context, status=status)


def _moved_on(request: HttpRequest, exc: StepError) -> HttpResponse:
    """A form from an earlier phase (another tab, the back button): show where things are."""
    messages.info(request, f"The practice had moved on: {exc}.")
    return redirect("program:practice")


@policy.client_data(CATEGORY)
def practice(request: HttpRequest) -> HttpResponse:
    """The practice page in whatever phase the client is."""
    return _practice_page(request, _me(request))


@policy.client_data(CATEGORY)
@require_POST
def practice_start(request: HttpRequest) -> HttpResponse:
    """Begin a session (relax first)."""
    client = _me(request)
    try:
        services.start_session(client)
    except ProgramError as exc:
        messages.info(request, str(exc))
    return redirect("program:practice")


@policy.client_data(CATEGORY)
@require_POST
def practice_scene(request: HttpRequest) -> HttpResponse:
    """Rate the expectancy, then start imagining the scene."""
    client = _me(request)
    form = ExpectancyForm(request.POST)
    if form.is_valid():
        try:
            services.begin_scene(client, form.cleaned_data["expectancy_pct"])
        except StepError as exc:
            return _moved_on(request, exc)
        except ProgramError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("program:practice")
    return _practice_page(request, client, expectancy_form=form, status=400)


@policy.client_data(CATEGORY)
@require_POST
def practice_rate(request: HttpRequest) -> HttpResponse:
    """Rate the scene just imagined; the rules decide what comes next."""
    client = _me(request)
    form = RatingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            seconds = data["duration_s"]
            if seconds is None:
                seconds = services.load(client).program.rules.scene_s
            trial = services.record_trial(client, data["peak_suds"], data["end_suds"], seconds)
        except StepError as exc:
            return _moved_on(request, exc)
        except ProgramError as exc:
            form.add_error(None, str(exc))
        else:
            program = services.load(client).program
            messages.info(request, presenters.outcome_message(Outcome(trial.outcome), program))
            return redirect("program:practice")
    return _practice_page(request, client, rating_form=form, status=400)


@policy.client_data(CATEGORY)
@require_POST
def practice_stop(request: HttpRequest) -> HttpResponse:
    """ "Not today" or "Enough for today": stop at once, nothing lost."""
    services.end_session(_me(request))
    messages.info(request, "Stopped for today. Everything so far is kept.")
    return redirect("program:index")


@policy.client_data(CATEGORY)
def relax(request: HttpRequest) -> HttpResponse:
    """The relaxation trainer: abbreviated PMR or paced breathing, rated before and after."""
    client = _me(request)
    kind = request.GET.get("kind", RelaxationExercise.Kind.BREATHING)
    if kind not in RelaxationExercise.Kind.values:
        kind = RelaxationExercise.Kind.BREATHING
    pace_form = PaceForm(request.GET or None)
    bpm = pace_form.cleaned_data["bpm"] if pace_form.is_valid() else 6.0
    status = 200
    if request.method == "POST":
        form = RelaxationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.log_relaxation(
                    client,
                    data["kind"],
                    data["before"],
                    data["after"],
                    data["duration_s"] or 0.0,
                    data["breaths_per_min"],
                )
            except ProgramError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Saved. Thank you for taking the time.")
                return redirect("program:index")
        if form.data.get("kind") in RelaxationExercise.Kind.values:
            kind = form.data["kind"]
        status = 400
    else:
        form = RelaxationForm(initial={"kind": kind, "breaths_per_min": bpm})
    context = {
        "client": client,
        "urls": presenters.links(client, request.user),
        "kind": kind,
        "kinds": RelaxationExercise.Kind.choices,
        "form": form,
        "pace_form": pace_form if pace_form.is_bound else PaceForm(initial={"bpm": bpm}),
        "breath": build_breath_pattern(bpm),
        "pmr_steps": build_pmr_script(groups=4 if kind == "pmr4" else 7),
        "is_breathing": kind == RelaxationExercise.Kind.BREATHING,
    }
    return render(request, "program/relax.html", context, status=status)
