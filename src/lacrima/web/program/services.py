"""The only code that changes the program's rows.

Each change loads the client's program under a row lock, applies one step of the state
machine in :mod:`lacrima.care.desensitization` and saves the result in the same
transaction. A :class:`~lacrima.care.desensitization.ProgramError` raised by the machine
rolls everything back, so bad input stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from lacrima.care.desensitization import (
    Hierarchy,
    HierarchyError,
    Item,
    Program,
    ProgramError,
    ProgressSummary,
    RelaxationRating,
    Rules,
    check_relaxation_rating,
    fear_of_crying_template,
    summarize_progress,
)
from lacrima.care.desensitization import Trial as CareTrial
from lacrima.care.desensitization.errors import check_seconds
from lacrima.care.desensitization.state import Outcome, SceneKind
from lacrima.web.program.models import ClientProgram, HierarchyItem, RelaxationExercise, Trial

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User


@dataclass
class Loaded:
    """A client's program as the machine sees it, with the rows it came from."""

    program: Program
    record: ClientProgram
    rows: dict[str, HierarchyItem]


def load(client: User, lock: bool = False) -> Loaded:
    """Build the client's :class:`Program` from the database (``lock`` inside a transaction)."""
    if lock:
        ClientProgram.objects.get_or_create(client=client)
        record = ClientProgram.objects.select_for_update().get(client=client)
    else:
        record = ClientProgram.objects.filter(client=client).first() or ClientProgram(client=client)
    rows = {str(row.pk): row for row in HierarchyItem.objects.filter(client=client)}
    hierarchy = Hierarchy(tuple(Item(i, row.text, row.suds) for i, row in rows.items()))
    program = Program.load(hierarchy, Rules.from_dict(record.rules), record.state)
    return Loaded(program, record, rows)


def _save(loaded: Loaded, program: Program) -> Program:
    """Write ``program`` back: positions, texts and ratings, removed rows, rules, state."""
    keep = set(program.hierarchy.ids)
    for item_id, row in loaded.rows.items():
        if item_id not in keep:
            row.delete()
    for position, item in enumerate(program.hierarchy.items, start=1):
        row = loaded.rows[item.id]
        if (row.position, row.text, row.suds) != (position, item.text, item.suds):
            row.position, row.text, row.suds = position, item.text, item.suds
            row.save()
    loaded.record.rules = program.rules.to_dict()
    loaded.record.state = program.state.to_dict()
    loaded.record.save()
    return program


def change(client: User, step: Callable[[Loaded], Program]) -> Program:
    """Apply ``step`` to the locked program and save it, all or nothing."""
    with transaction.atomic():
        loaded = load(client, lock=True)
        return _save(loaded, step(loaded))


# ------------------------------------------------------------------- hierarchy


def add_item(client: User, text: str, suds: int, position: int | None = None) -> Program:
    """Add a scene (at 1-based ``position``, default last)."""
    Item("new", text, suds)  # validate before a row exists

    def step(loaded: Loaded) -> Program:
        h = loaded.program.hierarchy
        where = None if position is None else position - 1
        row = HierarchyItem.objects.create(client=client, position=len(h) + 1, text=text, suds=suds)
        loaded.rows[str(row.pk)] = row
        return loaded.program.with_hierarchy(h.add(Item(str(row.pk), text, suds), where))

    return change(client, step)


def edit_item(client: User, item_id: str, text: str, suds: int) -> Program:
    """Change a scene's words and/or rating (new words: the step starts afresh)."""
    return change(
        client,
        lambda loaded: loaded.program.with_hierarchy(
            loaded.program.hierarchy.edit(item_id, text=text, suds=suds)
        ),
    )


def delete_item(client: User, item_id: str) -> Program:
    """Remove a scene; its logged trials stay (with the words they had)."""
    return change(
        client,
        lambda loaded: loaded.program.with_hierarchy(loaded.program.hierarchy.remove(item_id)),
    )


def reorder(client: User, positions: dict[str, int]) -> Program:
    """Put the scenes in the order of their 1-based ``positions`` (id -> place)."""
    return change(
        client,
        lambda loaded: loaded.program.with_hierarchy(
            loaded.program.hierarchy.reorder_by_positions(positions)
        ),
    )


def set_order(client: User, order: list[str]) -> Program:
    """Put the scenes in ``order`` (every id exactly once)."""
    return change(
        client,
        lambda loaded: loaded.program.with_hierarchy(loaded.program.hierarchy.reorder(order)),
    )


def use_template(client: User) -> Program:
    """Fill an empty hierarchy with the starting template for fear of crying in front of others."""

    def step(loaded: Loaded) -> Program:
        if len(loaded.program.hierarchy):
            raise HierarchyError("the template can only start an empty list of steps")
        items = []
        for position, item in enumerate(fear_of_crying_template().items, start=1):
            row = HierarchyItem.objects.create(
                client=client, position=position, text=item.text, suds=item.suds
            )
            loaded.rows[str(row.pk)] = row
            items.append(Item(str(row.pk), item.text, item.suds))
        return loaded.program.with_hierarchy(Hierarchy(tuple(items)))

    return change(client, step)


def set_rules(client: User, rules: Rules, by: User) -> Program:
    """Replace the rules (therapists with consent; see the views)."""

    def step(loaded: Loaded) -> Program:
        loaded.record.rules_changed_by = by.display_name
        return loaded.program.with_rules(rules)

    return change(client, step)


# ---------------------------------------------------------------- exposure trials


def start_session(client: User) -> Program:
    """Begin a practice session: relax first."""
    return change(client, lambda loaded: loaded.program.start_session())


def begin_scene(client: User, expectancy_pct: int) -> Program:
    """Start imagining the scene after the expectancy rating."""
    return change(client, lambda loaded: loaded.program.begin_scene(expectancy_pct))


def record_trial(client: User, peak_suds: int, end_suds: int, duration_s: float) -> Trial:
    """Rate the scene just imagined; log the trial and apply the rules."""
    logged: list[CareTrial] = []

    def step(loaded: Loaded) -> Program:
        program, trial = loaded.program.record_trial(peak_suds, end_suds, duration_s)
        logged.append(trial)
        return program

    with transaction.atomic():
        change(client, step)
        trial = logged[0]
        return Trial.objects.create(
            client=client,
            item_id=int(trial.item_id),
            item_text=trial.item_text,
            item_suds=trial.item_suds,
            session_no=trial.session_no,
            kind=trial.kind.value,
            expectancy_pct=trial.expectancy_pct,
            peak_suds=trial.peak_suds,
            end_suds=trial.end_suds,
            duration_s=trial.duration_s,
            outcome=trial.outcome.value,
            calm_run=trial.calm_run,
        )


def end_session(client: User) -> Program:
    """ "Not today" / "Enough for today": stop now; never fails."""
    return change(client, lambda loaded: loaded.program.end_session())


# ------------------------------------------------------------------ relaxation


def log_relaxation(
    client: User,
    kind: str,
    before: int,
    after: int,
    duration_s: float = 0.0,
    breaths_per_min: float | None = None,
) -> RelaxationExercise:
    """Store one relaxation exercise and its ratings before and after (0-10)."""
    check_relaxation_rating("before", before)
    check_relaxation_rating("after", after)
    seconds = check_seconds("duration_s", duration_s, 0, 7200)
    if kind not in RelaxationExercise.Kind.values:
        raise ProgramError(
            f"kind must be one of {', '.join(RelaxationExercise.Kind.values)}; got {kind!r}"
        )
    return RelaxationExercise.objects.create(
        client=client,
        kind=kind,
        before=before,
        after=after,
        duration_s=seconds,
        breaths_per_min=breaths_per_min if kind == RelaxationExercise.Kind.BREATHING else None,
    )


# --------------------------------------------------------------------- reading


def trials_of(client: User) -> list[CareTrial]:
    """The client's logged trials as the machine's :class:`Trial`, oldest first."""
    return [
        CareTrial(
            session_no=row.session_no,
            item_id=str(row.item_id) if row.item_id else "",
            item_text=row.item_text,
            item_suds=row.item_suds,
            kind=SceneKind(row.kind),
            expectancy_pct=row.expectancy_pct,
            peak_suds=row.peak_suds,
            end_suds=row.end_suds,
            duration_s=row.duration_s,
            outcome=Outcome(row.outcome),
            calm_run=row.calm_run,
        )
        for row in Trial.objects.filter(client=client)
    ]


def relaxation_of(client: User) -> list[RelaxationRating]:
    """The client's relaxation ratings, oldest first."""
    return [
        RelaxationRating(row.get_kind_display(), row.before, row.after)
        for row in RelaxationExercise.objects.filter(client=client)
    ]


def progress_of(client: User) -> ProgressSummary:
    """Everything the progress page and the API's progress operation show."""
    program = load(client).program
    return summarize_progress(program, trials_of(client), relaxation_of(client))
