"""One client as their therapist sees them: only the categories the client shares.

Each category shown is checked and audited through :mod:`lacrima.web.policy`; a
category the client does not share is ``None`` here and absent from the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from lacrima.care.catharsis import REFERENCES, summarize
from lacrima.web import policy
from lacrima.web.diary.models import Episode, Flag
from lacrima.web.diary.services import patterns_for
from lacrima.web.program import services as program_services
from lacrima.web.program.models import Trial
from lacrima.web.records.models import SessionRecord

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = ["DiaryGlance", "FlagView", "ProgramGlance", "Workspace", "build_workspace"]

RECENT_EPISODES = 5
MAX_FLAGS = 50
MAX_PAST_SESSIONS = 30
WHAT = "client workspace"


@dataclass(frozen=True)
class FlagView:
    """A flag as the workspace lists it."""

    pk: int
    kind: str
    message: str
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str

    @property
    def is_open(self) -> bool:
        """Not acknowledged yet."""
        return self.acknowledged_at is None


@dataclass(frozen=True)
class DiaryGlance:
    """The diary in a few numbers, with the published reference beside them."""

    n_cried: int
    n_could_not_cry: int
    better: int
    known: int
    mean_change: str
    last_episode: datetime | None
    recent: list[dict[str, Any]]
    prompts: list[str]
    reference: str
    reference_source: str
    url: str
    summary_url: str

    @property
    def better_pct(self) -> int | None:
        """Share of cries with a known outcome after which mood was better, in %."""
        return round(100 * self.better / self.known) if self.known else None


@dataclass(frozen=True)
class ProgramGlance:
    """Where the client stands in the desensitization program."""

    passed: int
    total: int
    current: str
    current_suds: int | None
    last_practice: datetime | None
    url: str


@dataclass(frozen=True)
class Workspace:
    """Everything the client page shows; ``None`` for a category not shared."""

    client: Any
    shared_labels: list[str]
    flags: list[FlagView] | None
    diary: DiaryGlance | None
    program: ProgramGlance | None
    upcoming: list[SessionRecord] | None
    past: list[SessionRecord] | None
    new_session_url: str


def _flags(client: User, readable: set[str]) -> list[FlagView]:
    rows = Flag.objects.filter(client=client).select_related("acknowledged_by")
    rows = rows.order_by("-acknowledged_at", "-created_at")[:MAX_FLAGS]
    found = [
        FlagView(
            pk=f.pk,
            kind=f.get_kind_display(),
            message=f.message,
            created_at=f.created_at,
            acknowledged_at=f.acknowledged_at,
            acknowledged_by=f.acknowledged_by.display_name if f.acknowledged_by else "",
        )
        for f in rows
        if f.category in readable
    ]
    return sorted(found, key=lambda f: (not f.is_open, -f.created_at.timestamp()))


def _diary(client: User) -> DiaryGlance:
    episodes = list(Episode.objects.filter(client=client).defer("note", "trigger"))
    summary = summarize(e.facts() for e in episodes)
    reference = REFERENCES[0]
    recent = [
        {
            "url": reverse("diary:episode_detail", kwargs={"pk": e.pk}),
            "when": e.started_at,
            "kind": e.get_kind_display(),
            "intensity": e.intensity,
            "felt": e.get_felt_display() if e.felt else "",
        }
        for e in episodes[:RECENT_EPISODES]
    ]
    mean = summary.mean_change
    return DiaryGlance(
        n_cried=summary.n_cried,
        n_could_not_cry=summary.n_could_not_cry,
        better=summary.improved.k,
        known=summary.improved.n,
        mean_change="—" if mean is None else f"{mean:+.1f}",
        last_episode=episodes[0].started_at if episodes else None,
        recent=recent,
        prompts=[p.message for p in patterns_for(client, episodes)],
        reference=reference.finding,
        reference_source=reference.source,
        url=reverse("diary:index", kwargs={"username": client.username}),
        summary_url=reverse("diary:summary", kwargs={"username": client.username}),
    )


def _program(client: User) -> ProgramGlance:
    program = program_services.load(client).program
    current = program.current_item
    last = Trial.objects.filter(client=client).aggregate(last=Max("created_at"))["last"]
    return ProgramGlance(
        passed=len(program.state.passed),
        total=len(program.hierarchy.items),
        current=current.text if current else "",
        current_suds=current.suds if current else None,
        last_practice=last,
        url=reverse("program:overview", kwargs={"username": client.username}),
    )


def _sessions(client: User, therapist: User) -> tuple[list[SessionRecord], list[SessionRecord]]:
    rows = SessionRecord.objects.filter(client=client, therapist=therapist).annotate(
        n_uploads=Count("uploads")
    )
    now = timezone.now()
    upcoming = list(rows.filter(starts_at__gt=now).order_by("starts_at"))
    past = list(rows.filter(starts_at__lte=now).order_by("-starts_at")[:MAX_PAST_SESSIONS])
    return upcoming, past


def build_workspace(viewer: User, client: User) -> Workspace:
    """The client page for ``viewer`` (a linked therapist; access already checked)."""
    readable = {c for c in policy.CATEGORIES if policy.can_read(viewer, client, c)}
    for category in sorted(readable & {"diary", "program", "screening", "sessions"}):
        policy.check_read(viewer, client, category, what=WHAT)
    flags = _flags(client, readable) if readable & {"screening", "diary"} else None
    upcoming = past = None
    if "sessions" in readable:
        upcoming, past = _sessions(client, viewer)
    return Workspace(
        client=client,
        shared_labels=[policy.CATEGORY_LABELS[c] for c in policy.CATEGORIES if c in readable],
        flags=flags,
        diary=_diary(client) if "diary" in readable else None,
        program=_program(client) if "program" in readable else None,
        upcoming=upcoming,
        past=past,
        new_session_url=reverse("records:session_new", kwargs={"username": client.username}),
    )
