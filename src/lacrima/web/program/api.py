"""JSON API of the program app, mounted at ``/api/v1/program/``.

``/clients/{username}/...`` operations serve the client and a linked therapist with
``program`` consent (reads and changes by the therapist are audited); only a therapist
changes the rules. ``/practice/...`` and ``/relaxation`` are the signed-in client's own.
Ranges are checked by the schemas (422); the state machine refuses steps that cannot
happen now (400, with a message).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from lacrima.care.desensitization import Outcome, Program, Rules, StepError
from lacrima.web import policy
from lacrima.web.diary import safety
from lacrima.web.program import presenters, services
from lacrima.web.program.models import RelaxationExercise, Trial
from lacrima.web.program.schemas import (
    ExpectancyIn,
    ItemIn,
    ItemPatch,
    OrderIn,
    ProgramOut,
    ProgressOut,
    RatingIn,
    RelaxationIn,
    RelaxationOut,
    RulesSchema,
    StepOut,
    TrialOut,
)

router = Router(tags=["program"])
CATEGORY = "program"


def _program_out(client: Any, program: Program) -> dict[str, Any]:
    state = program.state
    current = program.current_item
    return {
        "client": client.username,
        "phase": state.phase.value,
        "session_no": state.session_no,
        "passed_count": program.passed_count,
        "total": len(program.hierarchy),
        "complete": program.is_complete,
        "current_item_id": current.id if current else None,
        "scene_item_id": state.scene_item,
        "scene_kind": state.scene_kind.value if state.scene_kind else None,
        "calm_run": state.calm_run,
        "suggest_intermediate_step": program.suggests_intermediate_step(),
        "rules": program.rules.to_dict(),
        "items": [
            {"id": s.id, "position": s.number, "text": s.text, "suds": s.suds, "status": s.status}
            for s in presenters.steps(program)
        ],
        "hints": presenters.hints(program),
    }


def _reader(request: HttpRequest, username: str, what: str) -> Any:
    return policy.subject_for_read(request.user, username, CATEGORY, what)


def _writer(request: HttpRequest, username: str) -> Any:
    return policy.subject_for_write(request.user, username, CATEGORY, True)


def _changed(request: HttpRequest, client: Any, what: str) -> None:
    """Audit a change once it is stored (a refused or invalid request writes no row)."""
    policy.record_change(request.user, client, CATEGORY, what)


def _own_item(client: Any, item_id: int) -> str:
    if str(item_id) not in services.load(client).program.hierarchy.ids:
        raise Http404("No such step.")
    return str(item_id)


@router.get("/clients/{username}", response=ProgramOut)
@policy.client_data(CATEGORY)
def get_program(request: HttpRequest, username: str) -> dict[str, Any]:
    """The client's program: scenes, rules and where they stand."""
    client = _reader(request, username, "program overview")
    return _program_out(client, services.load(client).program)


@router.post("/clients/{username}/items", response={201: ProgramOut})
@policy.client_data(CATEGORY, therapist_writes=True)
def add_item(request: HttpRequest, username: str, payload: ItemIn) -> Status[dict[str, Any]]:
    """Add a scene (client or therapist with consent)."""
    client = _writer(request, username)
    program = services.add_item(client, payload.text, payload.suds, payload.position)
    _changed(request, client, "added a step (API)")
    return Status(201, {**_program_out(client, program), **safety.api_support(payload.text)})


@router.patch("/clients/{username}/items/{item_id}", response=ProgramOut)
@policy.client_data(CATEGORY, therapist_writes=True)
def edit_item(
    request: HttpRequest, username: str, item_id: int, payload: ItemPatch
) -> dict[str, Any]:
    """Change a scene's words and/or rating (new words: the step starts afresh)."""
    client = _writer(request, username)
    item = services.load(client).program.hierarchy.get(_own_item(client, item_id))
    text = item.text if payload.text is None else payload.text
    suds = item.suds if payload.suds is None else payload.suds
    out = _program_out(client, services.edit_item(client, item.id, text, suds))
    _changed(request, client, "changed a step (API)")
    return {**out, **safety.api_support(payload.text or "")}


@router.delete("/clients/{username}/items/{item_id}", response=ProgramOut)
@policy.client_data(CATEGORY, therapist_writes=True)
def delete_item(request: HttpRequest, username: str, item_id: int) -> dict[str, Any]:
    """Remove a scene; its logged trials stay."""
    client = _writer(request, username)
    program = services.delete_item(client, _own_item(client, item_id))
    _changed(request, client, "removed a step (API)")
    return _program_out(client, program)


@router.put("/clients/{username}/order", response=ProgramOut)
@policy.client_data(CATEGORY, therapist_writes=True)
def set_order(request: HttpRequest, username: str, payload: OrderIn) -> dict[str, Any]:
    """Reorder the scenes: every id exactly once, easiest first."""
    client = _writer(request, username)
    program = services.set_order(client, payload.order)
    _changed(request, client, "reordered steps (API)")
    return _program_out(client, program)


@router.put("/clients/{username}/rules", response=ProgramOut)
@policy.client_data(CATEGORY, therapist_writes=True)
def set_rules(request: HttpRequest, username: str, payload: RulesSchema) -> dict[str, Any]:
    """Adjust the trial rules (a linked therapist with ``program`` consent only)."""
    client = _writer(request, username)
    if request.user.pk == client.pk:
        raise PermissionDenied("Your therapist adjusts these rules with you.")
    rules = Rules(**payload.dict())
    program = services.set_rules(client, rules, by=request.user)
    _changed(request, client, "changed program rules (API)")
    return _program_out(client, program)


def _trial_out(row: Trial) -> dict[str, Any]:
    return {
        "session_no": row.session_no,
        "item_id": str(row.item_id) if row.item_id else None,
        "item_text": row.item_text,
        "item_suds": row.item_suds,
        "kind": row.kind,
        "expectancy_pct": row.expectancy_pct,
        "peak_suds": row.peak_suds,
        "end_suds": row.end_suds,
        "duration_s": row.duration_s,
        "outcome": row.outcome,
        "created_at": row.created_at.isoformat(),
    }


@router.get("/clients/{username}/trials", response=list[TrialOut])
@policy.client_data(CATEGORY)
def list_trials(request: HttpRequest, username: str) -> list[dict[str, Any]]:
    """Every rated presentation, oldest first, whatever its outcome."""
    client = _reader(request, username, "program trials")
    return [_trial_out(row) for row in Trial.objects.filter(client=client)]


@router.get("/clients/{username}/progress", response=ProgressOut)
@policy.client_data(CATEGORY)
def get_progress(request: HttpRequest, username: str) -> dict[str, Any]:
    """SUDS per scene over its presentations, steps done, relaxation ratings."""
    client = _reader(request, username, "program progress")
    summary = services.progress_of(client)
    return {
        "passed_count": summary.passed_count,
        "total_count": summary.total_count,
        "items": [
            {
                "item_id": i.item_id,
                "text": i.text,
                "suds": i.suds,
                "status": i.status.value,
                "peak_suds": list(i.peak_suds),
                "end_suds": list(i.end_suds),
                "expectancy_pct": list(i.expectancy_pct),
            }
            for i in summary.items
        ],
        "relaxation": [
            {"kind": r.kind, "before": r.before, "after": r.after} for r in summary.relaxation
        ],
    }


def _me(request: HttpRequest) -> Any:
    return policy.subject_for_write(request.user, None, CATEGORY)


def _now(step: Callable[..., Any], *args: Any) -> Any:
    """Run a practice step; one that cannot happen in this phase is a 409 Conflict."""
    try:
        return step(*args)
    except StepError as exc:
        raise HttpError(409, str(exc)) from exc


def _step_out(client: Any, program: Program, outcome: Outcome | None = None) -> dict[str, Any]:
    return {
        "program": _program_out(client, program),
        "outcome": outcome.value if outcome else None,
        "message": presenters.outcome_message(outcome, program) if outcome else None,
    }


@router.post("/practice/start", response=StepOut)
@policy.client_data(CATEGORY)
def practice_start(request: HttpRequest) -> dict[str, Any]:
    """Begin a practice session (relax first)."""
    client = _me(request)
    return _step_out(client, _now(services.start_session, client))


@router.post("/practice/scene", response=StepOut)
@policy.client_data(CATEGORY)
def practice_scene(request: HttpRequest, payload: ExpectancyIn) -> dict[str, Any]:
    """Rate the expectancy and start imagining the scene."""
    client = _me(request)
    return _step_out(client, _now(services.begin_scene, client, payload.expectancy_pct))


@router.post("/practice/rate", response=StepOut)
@policy.client_data(CATEGORY)
def practice_rate(request: HttpRequest, payload: RatingIn) -> dict[str, Any]:
    """Rate the scene just imagined; the rules decide what comes next."""
    client = _me(request)
    row = _now(
        services.record_trial, client, payload.peak_suds, payload.end_suds, payload.duration_s
    )
    return _step_out(client, services.load(client).program, Outcome(row.outcome))


@router.post("/practice/stop", response=StepOut)
@policy.client_data(CATEGORY)
def practice_stop(request: HttpRequest) -> dict[str, Any]:
    """ "Not today": stop now; never fails."""
    client = _me(request)
    return _step_out(client, services.end_session(client))


def _relaxation_out(row: RelaxationExercise) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "before": row.before,
        "after": row.after,
        "duration_s": row.duration_s,
        "breaths_per_min": row.breaths_per_min,
        "created_at": row.created_at.isoformat(),
    }


@router.get("/relaxation", response=list[RelaxationOut])
@policy.client_data(CATEGORY)
def list_relaxation(request: HttpRequest) -> list[dict[str, Any]]:
    """The client's relaxation exercises and ratings, oldest first."""
    client = policy.subject_for_read(request.user, None, CATEGORY)
    return [_relaxation_out(r) for r in RelaxationExercise.objects.filter(client=client)]


@router.post("/relaxation", response={201: RelaxationOut})
@policy.client_data(CATEGORY)
def add_relaxation(request: HttpRequest, payload: RelaxationIn) -> Status[dict[str, Any]]:
    """Store one relaxation exercise with its ratings before and after."""
    client = _me(request)
    row = services.log_relaxation(
        client,
        payload.kind,
        payload.before,
        payload.after,
        payload.duration_s,
        payload.breaths_per_min,
    )
    return Status(201, _relaxation_out(row))
