"""The program's tables in a client's export, and its demo rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lacrima.web import registry
from lacrima.web.program.models import ClientProgram, HierarchyItem, RelaxationExercise, Trial

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User


def export_steps(user: User) -> list[dict[str, Any]]:
    """The hierarchy, easiest first (decrypted)."""
    return [
        {"id": r.pk, "position": r.position, "text": r.text, "suds": r.suds}
        for r in HierarchyItem.objects.filter(client=user)
    ]


def export_trials(user: User) -> list[dict[str, Any]]:
    """Every rated presentation."""
    return [
        {
            "id": r.pk,
            "created_at": r.created_at.isoformat(),
            "session_no": r.session_no,
            "step_id": r.item_id,
            "step_text": r.item_text,
            "step_suds": r.item_suds,
            "kind": r.kind,
            "expectancy_pct": r.expectancy_pct,
            "peak_suds": r.peak_suds,
            "end_suds": r.end_suds,
            "duration_s": r.duration_s,
            "outcome": r.outcome,
        }
        for r in Trial.objects.filter(client=user)
    ]


def export_relaxation(user: User) -> list[dict[str, Any]]:
    """Relaxation exercises with ratings before and after."""
    return [
        {
            "id": r.pk,
            "created_at": r.created_at.isoformat(),
            "kind": r.kind,
            "before": r.before,
            "after": r.after,
            "duration_s": r.duration_s,
            "breaths_per_min": r.breaths_per_min,
        }
        for r in RelaxationExercise.objects.filter(client=user)
    ]


def export_rules(user: User) -> list[dict[str, Any]]:
    """The program's rules and state (one row; none before the program starts)."""
    row = ClientProgram.objects.filter(client=user).first()
    if row is None:
        return []
    flat: dict[str, Any] = {f"rule_{k}": v for k, v in row.rules.items()}
    flat.update({f"state_{k}": str(v) for k, v in row.state.items()})
    return [flat]


def load_demo(users: dict[str, User]) -> None:
    """Give the demo client the template, three trials and two relaxation ratings."""
    from lacrima.web.program import services

    client = users.get("client")
    if client is None or HierarchyItem.objects.filter(client=client).exists():
        return
    services.use_template(client)
    services.start_session(client)
    for peak, end in ((15, 5), (8, 3), (5, 0)):
        services.begin_scene(client, 40)
        services.record_trial(client, peak, end, 20.0)
    services.end_session(client)
    services.log_relaxation(client, "breathing", 3, 6, 180.0, 6.0)
    services.log_relaxation(client, "pmr7", 4, 7, 420.0)


registry.register_export("program_steps", export_steps)
registry.register_export("program_trials", export_trials)
registry.register_export("program_relaxation", export_relaxation)
registry.register_export("program_rules", export_rules)
registry.register_demo(load_demo)
