"""Plain words and page data for the program's templates (so templates hold no logic)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from lacrima.care.desensitization import Outcome, Program, Rules
from lacrima.care.desensitization.state import Phase, SceneKind

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User


def links(client: User, viewer: User) -> dict[str, str]:
    """The program's page addresses for ``client``; practice pages only for the client."""
    kw = {"username": client.username}
    urls = {
        "overview": reverse("program:overview", kwargs=kw),
        "hierarchy": reverse("program:hierarchy", kwargs=kw),
        "reorder": reverse("program:reorder", kwargs=kw),
        "template": reverse("program:template", kwargs=kw),
        "rules": reverse("program:rules", kwargs=kw),
        "progress": reverse("program:progress", kwargs=kw),
    }
    if viewer.pk == client.pk:
        urls["practice"] = reverse("program:practice")
        urls["relax"] = reverse("program:relax")
    return urls


def outcome_message(outcome: Outcome, program: Program) -> str:
    """A calm sentence about what a rated scene led to (no praise, no blame)."""
    rules = program.rules
    left = rules.consecutive_passes - program.state.calm_run
    messages = {
        Outcome.CALM: (
            f"That one stayed calm. {left} more calm time{'s' if left != 1 else ''} in a row "
            "and this step is done."
        ),
        Outcome.PASSED: "This step is done. The next one is open whenever you are ready.",
        Outcome.NOT_YET: "Thank you. Relax again, then try the same scene once more if you like.",
        Outcome.STOPPED: "Let's relax again before the next try.",
        Outcome.REVIEW_CALM: "A good warm-up. Next is the step you are working on.",
        Outcome.REOPENED: "We'll stay with this step a little longer.",
    }
    text = messages[outcome]
    if program.is_complete:
        text = "That was the last step. You have worked through the whole list."
    return text


@dataclass(frozen=True)
class StepView:
    """One scene as the overview and hierarchy pages show it."""

    id: str
    number: int
    text: str
    suds: int
    status: str
    status_label: str


def steps(program: Program) -> list[StepView]:
    """The scenes with their place, rating and status in words."""
    current = program.current_item
    views = []
    for number, item in enumerate(program.hierarchy.items, start=1):
        if item.id in program.state.passed:
            status, label = "passed", "done"
        elif current is not None and item.id == current.id:
            status, label = "current", "working on it"
        else:
            status, label = "ahead", "not yet"
        views.append(StepView(item.id, number, item.text, item.suds, status, label))
    return views


def hints(program: Program) -> list[str]:
    """Gentle suggestions: big jumps between steps, a step that keeps being stopped."""
    found = []
    h = program.hierarchy
    for gap in h.large_steps(program.rules.max_step_suds):
        lower, upper = h.index_of(gap.lower_id) + 1, h.index_of(gap.upper_id) + 1
        found.append(
            f"Steps {lower} and {upper} are {gap.rise_suds} points apart. An in-between "
            f"scene (about {h.suggest_intermediate_suds(gap.upper_id)}) may make it gentler."
        )
    current = program.current_item
    if current is not None and program.suggests_intermediate_step():
        number = h.index_of(current.id) + 1
        found.append(
            f"Step {number} has been stopped a few times. That usually means the jump is "
            f"big: you could add an easier scene just before it (about "
            f"{h.suggest_intermediate_suds(current.id)})."
        )
    return found


def rules_rows(rules: Rules) -> list[tuple[str, str]]:
    """The rules in words, for a read-only view."""
    return [
        ("Calm enough", f"distress at or below {rules.pass_threshold_suds}"),
        ("Stop and relax", f"distress above {rules.stop_threshold_suds}"),
        ("A step is done after", f"{rules.consecutive_passes} calm scenes in a row"),
        ("Scene length", f"about {rules.scene_s:g} seconds"),
        ("Relaxing between scenes", f"about {rules.relax_s:g} seconds"),
        (
            "Start of each session",
            "a warm-up with the last step done" if rules.review_last_passed else "no warm-up",
        ),
        (
            "Which rating counts",
            "the highest during the scene" if rules.criterion == "peak" else "the one at the end",
        ),
    ]


def practice_context(program: Program) -> dict[str, Any]:
    """What the practice page shows in the current phase."""
    phase = program.state.phase
    scene = program.scene_item
    current = program.current_item
    return {
        "phase": phase.value,
        "idle": phase is Phase.IDLE,
        "relaxing": phase is Phase.RELAXING,
        "imagining": phase is Phase.IMAGINING,
        "complete": program.is_complete,
        "empty": len(program.hierarchy) == 0,
        "scene": scene,
        "is_review": program.state.scene_kind is SceneKind.REVIEW,
        "current": current,
        "current_number": program.hierarchy.index_of(current.id) + 1 if current else None,
        "total": len(program.hierarchy),
        "passed_count": program.passed_count,
        "rules": program.rules,
        "scene_s": f"{program.rules.scene_s:g}",
        "relax_s": f"{program.rules.relax_s:g}",
        "hints": hints(program) if phase is not Phase.IMAGINING else [],
    }
