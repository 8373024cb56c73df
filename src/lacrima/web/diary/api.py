"""JSON API of the diary (mounted at ``/api/v1/diary/``).

* ``GET /episodes`` — list (newest first); a therapist adds ``?client=<username>``.
* ``POST /episodes`` — create; only ``kind`` is required (``started_at`` defaults to now).
* ``GET|PUT|PATCH|DELETE /episodes/{id}`` — read, replace, change, delete.
* ``GET /summary`` — catharsis analytics (``?client=`` for a therapist with consent).

Bad input gets a 422 naming the field; nothing is stored then.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from ninja import Query, Router, Status
from ninja.errors import ValidationError as NinjaValidationError

from lacrima.care.catharsis import REFERENCES, GroupRow, Proportion
from lacrima.care.stats import Interval
from lacrima.web import policy
from lacrima.web.diary import safety, services
from lacrima.web.diary.models import Episode
from lacrima.web.diary.nav import check_access
from lacrima.web.diary.safety import flag_patterns
from lacrima.web.diary.schemas import (
    EpisodeIn,
    EpisodeOut,
    EpisodePatch,
    EpisodeSaved,
    SummaryOut,
)

router = Router(tags=["diary"])
CATEGORY = "diary"
_TEXT_FIELDS = ("showed", "trigger", "company", "reaction", "felt", "note")
_REQUIRED = ("kind", "started_at", "did_not_match", "could_not_stop")


def _saved(episode: Episode) -> dict[str, Any]:
    data = EpisodeOut.model_validate(episode).model_dump()
    data.update(safety.api_support(episode.note, episode.trigger))
    return data


def _apply(episode: Episode, values: dict[str, Any]) -> Episode:
    for name in _REQUIRED:
        if name in values and values[name] is None:
            raise NinjaValidationError(
                [
                    {
                        "loc": ["body", "payload", name],
                        "msg": f"{name} cannot be null",
                        "type": "value_error",
                    }
                ]
            )
    for name, value in values.items():
        setattr(episode, name, "" if value is None and name in _TEXT_FIELDS else value)
    if episode.started_at is None:
        episode.started_at = timezone.now()
    episode.save()
    flag_patterns(episode.client)
    return episode


def _episode(request: HttpRequest, pk: int, write: bool) -> Episode:
    episode = get_object_or_404(Episode.objects.select_related("client"), pk=pk)
    day = formats.date_format(timezone.localtime(episode.started_at), "j M Y")
    check_access(request.user, episode.client, CATEGORY, f"episode of {day} (API)", write)
    return episode


@router.get("/episodes", response=list[EpisodeOut], summary="List diary episodes")
@policy.client_data(CATEGORY)
def list_episodes(
    request: HttpRequest,
    client: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> Any:
    """Episodes, newest first; ``client`` is a username (therapists, under consent)."""
    subject = policy.subject_for_read(request.user, client, CATEGORY, "diary (API)")
    return Episode.objects.filter(client=subject)[offset : offset + limit]


@router.post("/episodes", response={201: EpisodeSaved}, summary="Log an episode")
@policy.client_data(CATEGORY)
def create_episode(request: HttpRequest, payload: EpisodeIn) -> Any:
    """Create an episode for yourself. Minimal body: ``{"kind": "cried"}``."""
    subject = policy.subject_for_write(request.user, None, CATEGORY)
    episode = _apply(Episode(client=subject, source="api"), payload.model_dump(exclude_unset=True))
    return Status(201, _saved(episode))


@router.get("/episodes/{episode_id}", response=EpisodeOut, summary="Read an episode")
@policy.client_data(CATEGORY)
def read_episode(request: HttpRequest, episode_id: int) -> Any:
    """One episode (owner, or a therapist the client shares the diary with)."""
    return _episode(request, episode_id, write=False)


@router.put("/episodes/{episode_id}", response=EpisodeSaved, summary="Replace an episode")
@policy.client_data(CATEGORY)
def replace_episode(request: HttpRequest, episode_id: int, payload: EpisodeIn) -> Any:
    """Replace every field of your own episode (omitted fields become empty)."""
    episode = _episode(request, episode_id, write=True)
    blank = Episode(client=episode.client)
    values = {f: getattr(blank, f) for f in EpisodeIn.model_fields}
    values["started_at"] = episode.started_at
    values.update(payload.model_dump(exclude_unset=True))
    return _saved(_apply(episode, values))


@router.patch("/episodes/{episode_id}", response=EpisodeSaved, summary="Change an episode")
@policy.client_data(CATEGORY)
def update_episode(request: HttpRequest, episode_id: int, payload: EpisodePatch) -> Any:
    """Change some fields of your own episode."""
    episode = _episode(request, episode_id, write=True)
    return _saved(_apply(episode, payload.model_dump(exclude_unset=True)))


@router.delete("/episodes/{episode_id}", response={204: None}, summary="Delete an episode")
@policy.client_data(CATEGORY)
def delete_episode(request: HttpRequest, episode_id: int) -> Any:
    """Delete your own episode."""
    _episode(request, episode_id, write=True).delete()
    return Status(204, None)


def _interval(i: Interval | None) -> dict[str, float] | None:
    return None if i is None else asdict(i)


def _share(p: Proportion) -> dict[str, Any]:
    return {"k": p.k, "n": p.n, "share": p.share, "interval": _interval(p.interval)}


def _groups(rows: list[GroupRow]) -> list[dict[str, Any]]:
    return [
        {
            "key": g.key,
            "label": g.label,
            "n": g.n,
            "n_change": g.n_change,
            "mean_change": g.mean_change,
            "improved": _share(g.improved),
        }
        for g in rows
    ]


@router.get("/summary", response=SummaryOut, summary="Catharsis analytics")
@policy.client_data(CATEGORY)
def diary_summary(request: HttpRequest, client: str | None = None) -> Any:
    """Your diary's analytics (or a client's, for a therapist under consent)."""
    subject = policy.subject_for_read(request.user, client, CATEGORY, "diary summary (API)")
    overview = services.overview_for(subject)
    s = overview.summary
    corr = s.intensity_vs_change
    return {
        "n_episodes": s.n_episodes,
        "n_cried": s.n_cried,
        "n_could_not_cry": s.n_could_not_cry,
        "improved": _share(s.improved),
        "felt": s.felt,
        "mean_change": s.mean_change,
        "intensity_vs_change": {"n": corr.n, "rho": corr.rho, "interval": _interval(corr.interval)},
        "by_company": _groups(s.by_company),
        "by_reaction": _groups(s.by_reaction),
        "by_emotion": _groups(s.by_emotion),
        "by_held_back": _groups(s.by_held_back),
        "weeks": [
            {
                "week_start": w.week_start,
                "n_cried": w.n_cried,
                "n_could_not_cry": w.n_could_not_cry,
                "mean_change": w.mean_change,
                "improved": _share(w.improved),
            }
            for w in s.weeks
        ],
        "reading": overview.reading,
        "references": [asdict(r) for r in REFERENCES],
    }
