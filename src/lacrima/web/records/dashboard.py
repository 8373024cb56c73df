"""The therapist's client list: a fixed number of queries, whatever the number of clients.

Per client, only what that client shares with this therapist: open flags (``screening``,
and ``diary`` for diary pattern prompts), latest diary activity and the last 30 days'
cries (``diary``), program progress (``program``), upcoming and past sessions
(``sessions``). Sort keys are computed for every linked client with grouped queries
(one per kind of data); the details only for the clients on the page. Every client shown
gets one audit entry per category shown (written in one insert, at most once per
10 minutes per therapist, client and category).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from lacrima.web import policy
from lacrima.web.accounts.models import CATEGORY_LABELS
from lacrima.web.audit.models import AuditEntry
from lacrima.web.diary.models import Episode, Flag
from lacrima.web.program.models import ClientProgram, HierarchyItem, Trial
from lacrima.web.records.models import SessionRecord

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = [
    "PER_PAGE",
    "ClientRow",
    "DashboardPage",
    "acknowledge_flag",
    "client_rows",
    "flag_category",
    "improved_q",
    "known_q",
]

PER_PAGE = 50
RECENT_DAYS = 30
AUDIT_WINDOW = timedelta(minutes=10)
AUDIT_WHAT = "client list"
#: The categories whose data the list shows (the others are only named).
SHOWN_CATEGORIES = frozenset({"diary", "program", "screening", "sessions"})


def flag_category(kind: str) -> str:
    """The consent category that covers a flag of this kind (:meth:`Flag.category_of`)."""
    return Flag.category_of(kind)


def acknowledge_flag(viewer: User, flag_id: int, what: str) -> tuple[Flag, bool]:
    """Mark a flag as seen by a therapist allowed to act on that client's category.

    Returns the flag and whether this call acknowledged it (False: it already was).
    Raises ``Http404``/``PermissionDenied`` as the policy decides, and
    ``PermissionDenied`` for anyone but a therapist.
    """
    flag = get_object_or_404(Flag.objects.select_related("client"), pk=flag_id)
    policy.check_write(viewer, flag.client, flag.category, therapist_writes=True)
    if not viewer.is_therapist:
        raise PermissionDenied("Flags are acknowledged by a therapist.")
    if flag.acknowledged_at is not None:
        return flag, False
    flag.acknowledged_at, flag.acknowledged_by = timezone.now(), viewer
    flag.save(update_fields=["acknowledged_at", "acknowledged_by"])
    policy.record_change(viewer, flag.client, flag.category, what)
    return flag, True


def improved_q() -> Q:
    """Episodes after which mood was better (same rule as :mod:`lacrima.care.catharsis`)."""
    rated = Q(mood_before__isnull=False, mood_after__isnull=False)
    return (rated & Q(mood_after__gt=F("mood_before"))) | (~rated & Q(felt="better"))


def known_q() -> Q:
    """Episodes whose outcome is known (both ratings, or the client's own answer)."""
    return Q(mood_before__isnull=False, mood_after__isnull=False) | ~Q(felt="")


@dataclass
class ClientRow:
    """One client as the list shows it; ``None`` means "not shared with you"."""

    client_id: int
    username: str
    name: str
    shared: set[str]
    open_flags: int | None = None
    last_activity: datetime | None = None
    last_episode: datetime | None = None
    cries_recent: int | None = None
    better_recent: int | None = None
    known_recent: int | None = None
    passed_steps: int | None = None
    total_steps: int | None = None
    last_practice: datetime | None = None
    last_session: datetime | None = None
    next_session: datetime | None = None
    url: str = ""

    @property
    def shared_labels(self) -> list[str]:
        """The shared categories in words, in the usual order."""
        return [label for key, label in CATEGORY_LABELS.items() if key in self.shared]

    @property
    def shows_diary(self) -> bool:
        """Diary columns are filled."""
        return "diary" in self.shared

    @property
    def shows_program(self) -> bool:
        """Program columns are filled."""
        return "program" in self.shared

    @property
    def shows_sessions(self) -> bool:
        """Session columns are filled."""
        return "sessions" in self.shared

    @property
    def shows_flags(self) -> bool:
        """The flag column is filled (screening or diary shared)."""
        return self.open_flags is not None


@dataclass
class DashboardPage:
    """One page of the client list and what it was built from."""

    rows: list[ClientRow]
    page: int
    pages: int
    total: int
    total_linked: int
    flagged: int
    options: dict[str, Any] = field(default_factory=dict)


def _ids(shares: dict[int, set[str]], *categories: str) -> list[int]:
    return [cid for cid, cats in shares.items() if cats.intersection(categories)]


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _load_rows(therapist: User) -> dict[int, ClientRow]:
    rows = {
        link.client.pk: ClientRow(
            link.client.pk, link.client.username, link.client.display_name, set()
        )
        for link in policy.links_of_therapist(therapist)
    }
    for client_id, categories in policy.shares_of_therapist(therapist).items():
        if client_id in rows:
            rows[client_id].shared.update(categories)
    return rows


def _latest_per_client(client_ids: list[int], **subqueries: Any) -> list[tuple[Any, ...]]:
    """One row per client with the given single-value subqueries (each an index seek)."""
    from lacrima.web.accounts.models import User

    annotated = User.objects.filter(pk__in=client_ids).annotate(
        **{name: Subquery(query) for name, query in subqueries.items()}
    )
    return list(annotated.values_list("pk", *subqueries))


def _sort_keys(therapist: User, rows: dict[int, ClientRow], now: datetime) -> None:
    shares = {cid: row.shared for cid, row in rows.items()}
    for cid in _ids(shares, "screening", "diary"):
        rows[cid].open_flags = 0
    if flag_ids := _ids(shares, "screening", "diary"):
        flags = (
            Flag.objects.filter(client_id__in=flag_ids, acknowledged_at__isnull=True)
            .values("client_id", "kind")
            .annotate(n=Count("id"))
        )
        for item in flags:
            row = rows[item["client_id"]]
            if Flag.category_of(item["kind"]) in row.shared:
                row.open_flags = (row.open_flags or 0) + item["n"]
    if diary_ids := _ids(shares, "diary"):
        episodes = Episode.objects.filter(client=OuterRef("pk")).order_by("-started_at")
        for cid, last in _latest_per_client(diary_ids, last=episodes.values("started_at")[:1]):
            rows[cid].last_episode = last
    if program_ids := _ids(shares, "program"):
        trials = Trial.objects.filter(client=OuterRef("pk")).order_by("-created_at")
        for cid, last in _latest_per_client(program_ids, last=trials.values("created_at")[:1]):
            rows[cid].last_practice = last
    if session_ids := _ids(shares, "sessions"):
        mine = SessionRecord.objects.filter(client=OuterRef("pk"), therapist=therapist)
        found = _latest_per_client(
            session_ids,
            last=mine.filter(starts_at__lte=now).order_by("-starts_at").values("starts_at")[:1],
            next=mine.filter(starts_at__gt=now).order_by("starts_at").values("starts_at")[:1],
        )
        for cid, last, upcoming in found:
            rows[cid].last_session, rows[cid].next_session = last, upcoming
    for row in rows.values():
        row.last_activity = _latest(row.last_episode, row.last_practice, row.last_session)


def _details(rows: list[ClientRow], now: datetime) -> None:
    by_id = {row.client_id: row for row in rows}
    diary_ids = [r.client_id for r in rows if r.shows_diary]
    program_ids = [r.client_id for r in rows if r.shows_program]
    for row in rows:
        if row.shows_diary:
            row.cries_recent = row.better_recent = row.known_recent = 0
        if row.shows_program:
            row.passed_steps = row.total_steps = 0
    if diary_ids:
        recent = (
            Episode.objects.filter(
                client_id__in=diary_ids,
                kind="cried",
                started_at__gte=now - timedelta(days=RECENT_DAYS),
            )
            .values("client_id")
            .annotate(
                n=Count("id"),
                better=Count("id", filter=improved_q()),
                known=Count("id", filter=known_q()),
            )
        )
        for item in recent:
            row = by_id[item["client_id"]]
            row.cries_recent, row.better_recent, row.known_recent = (
                item["n"],
                item["better"],
                item["known"],
            )
    if program_ids:
        steps = HierarchyItem.objects.filter(client_id__in=program_ids).values("client_id")
        counts = {item["client_id"]: item["n"] for item in steps.annotate(n=Count("id"))}
        states = ClientProgram.objects.filter(client_id__in=program_ids).values_list(
            "client_id", "state"
        )
        passed = {cid: len((state or {}).get("passed") or []) for cid, state in states}
        for cid in program_ids:
            by_id[cid].total_steps = counts.get(cid, 0)
            by_id[cid].passed_steps = min(passed.get(cid, 0), counts.get(cid, 0))


def _record_reads(therapist: User, rows: list[ClientRow]) -> None:
    """One audit entry per client and category shown (deduplicated over 10 minutes)."""
    since = timezone.now() - AUDIT_WINDOW
    recent = set(
        AuditEntry.objects.filter(
            actor=therapist, what=AUDIT_WHAT, at__gte=since, action=AuditEntry.Action.READ
        ).values_list("subject_id", "category")
    )
    new = [
        AuditEntry(
            action=AuditEntry.Action.READ,
            actor=therapist,
            actor_name=therapist.display_name,
            subject_id=row.client_id,
            category=category,
            what=AUDIT_WHAT,
        )
        for row in rows
        for category in sorted(row.shared & SHOWN_CATEGORIES)
        if (row.client_id, category) not in recent
    ]
    if new:
        AuditEntry.objects.bulk_create(new)


def _sort(rows: list[ClientRow], sort: str) -> list[ClientRow]:
    oldest = datetime.min.replace(tzinfo=timezone.get_current_timezone())

    def activity(row: ClientRow) -> datetime:
        return row.last_activity or oldest

    rows = sorted(rows, key=lambda r: r.name.lower())
    if sort == "activity":
        return sorted(rows, key=activity, reverse=True)
    if sort == "flags":
        rows = sorted(rows, key=activity, reverse=True)
        return sorted(rows, key=lambda r: r.open_flags or 0, reverse=True)
    return rows


def client_rows(
    therapist: User, sort: str = "flags", show: str = "all", q: str = "", page: int = 1
) -> DashboardPage:
    """The page of the therapist's client list for these options (flags first by default)."""
    now = timezone.now()
    by_id = _load_rows(therapist)
    _sort_keys(therapist, by_id, now)
    rows = list(by_id.values())
    flagged = sum(1 for r in rows if r.open_flags)
    if show == "flagged":
        rows = [r for r in rows if r.open_flags]
    if q:
        needle = q.lower()
        rows = [r for r in rows if needle in r.name.lower() or needle in r.username.lower()]
    rows = _sort(rows, sort)
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    _details(shown, now)
    for row in shown:
        row.url = reverse("records:client", kwargs={"username": row.username})
    _record_reads(therapist, shown)
    return DashboardPage(
        rows=shown,
        page=page,
        pages=pages,
        total=len(rows),
        total_linked=len(by_id),
        flagged=flagged,
        options={"sort": sort, "show": show, "q": q},
    )
