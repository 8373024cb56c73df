"""Every free text a client writes is checked: a risk sentence brings the crisis panel.

One parametrised test per way in (web form and API). Each runs twice: with a risk
sentence (the panel, or ``show_crisis_resources: true``) and with an ordinary sad
sentence (neither), so the test fails if a field is not checked *or* if every page
shows the panel. Clinic-side text (a therapist's session notes and markers) is not a
client's writing; no route lets a client add a marker (see the access matrix).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lacrima.care.worksheets import WORKSHEETS
from lacrima.web.diary.models import Episode

pytestmark = pytest.mark.django_db

RISK = "I have decided to kill myself this weekend"
CALM = "Cried at the film and felt lighter afterwards"
PANEL = 'class="crisis-panel"'


def _episode_form(**fields: str) -> dict[str, Any]:
    started = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return {"kind": "cried", "started_at": started, **fields}


def _episode(owner: Any) -> Episode:
    return Episode.objects.create(client=owner, kind="cried", note="earlier")


def _scene(owner: Any) -> str:
    from lacrima.web.program import services

    services.add_item(owner, "crying in front of my sister", 30)
    return services.load(owner).program.hierarchy.ids[-1]


@dataclass(frozen=True)
class Way:
    """One way a client's text gets in: ``send(client, owner, text)`` returns a response."""

    name: str
    send: Callable[[Any, Any, str], Any]
    api: bool = False


def _post(url: str, build: Callable[[str], dict[str, Any]]) -> Callable[[Any, Any, str], Any]:
    return lambda c, owner, text: c.post(url, build(text), follow=True)


def _episode_edit(c: Any, owner: Any, text: str) -> Any:
    pk = _episode(owner).pk
    return c.post(f"/diary/episodes/{pk}/edit/", _episode_form(note=text), follow=True)


def _import(c: Any, owner: Any, text: str) -> Any:
    data = (
        "full_date,date,weekday,time,mood,activities,note_title,note\n"
        f"2024-05-02,May 2,Thursday,21:05,awful,work,,{text}\n"
    ).encode()
    f = io.BytesIO(data)
    f.name = "daylio.csv"
    return c.post("/diary/import/", {"file": f}, follow=True)


def _scene_add(c: Any, owner: Any, text: str) -> Any:
    url = f"/program/c/{owner.username}/steps/"
    return c.post(url, {"text": text, "suds": "40"}, follow=True)


def _scene_edit(c: Any, owner: Any, text: str) -> Any:
    item_id = _scene(owner)
    url = f"/program/c/{owner.username}/steps/{item_id}/"
    return c.post(url, {"text": text, "suds": "40"}, follow=True)


def _api(method: str, url: Callable[[Any], str], body: Callable[[str], dict[str, Any]]) -> Any:
    def send(c: Any, owner: Any, text: str) -> Any:
        return c.generic(method, url(owner), _json(body(text)), content_type="application/json")

    return send


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data)


WORKSHEET_WAYS = [
    Way(
        f"worksheet {slug} {q.key}",
        _post(f"/diary/worksheets/{slug}/new/", lambda t, k=q.key: {k: t}),
    )
    for slug, sheet in WORKSHEETS.items()
    for q in sheet.questions
]

WAYS = [
    Way("diary note", _post("/diary/new/full/", lambda t: _episode_form(note=t))),
    Way("diary trigger", _post("/diary/new/full/", lambda t: _episode_form(trigger=t))),
    Way("diary edit", _episode_edit),
    Way(
        "check-in note",
        _post("/diary/checkins/new/", lambda t: {"chest_sensation": "heavy", "note": t}),
    ),
    *WORKSHEET_WAYS,
    Way("profile note", _post("/account/profile/", lambda t: {"note": t})),
    Way(
        "reminder label",
        _post(
            "/diary/reminders/",
            lambda t: {"label": t[:120], "time_of_day": "20:00", "days": ["mon"]},
        ),
    ),
    Way("daylio import", _import),
    Way("program scene (add)", _scene_add),
    Way("program scene (edit)", _scene_edit),
    Way(
        "API diary create note",
        _api("POST", lambda o: "/api/v1/diary/episodes", lambda t: {"kind": "cried", "note": t}),
        api=True,
    ),
    Way(
        "API diary create trigger",
        _api("POST", lambda o: "/api/v1/diary/episodes", lambda t: {"kind": "cried", "trigger": t}),
        api=True,
    ),
    Way(
        "API diary replace",
        _api(
            "PUT",
            lambda o: f"/api/v1/diary/episodes/{_episode(o).pk}",
            lambda t: {"kind": "cried", "note": t},
        ),
        api=True,
    ),
    Way(
        "API diary change",
        _api("PATCH", lambda o: f"/api/v1/diary/episodes/{_episode(o).pk}", lambda t: {"note": t}),
        api=True,
    ),
    Way(
        "API program scene add",
        _api(
            "POST",
            lambda o: f"/api/v1/program/clients/{o.username}/items",
            lambda t: {"text": t, "suds": 40},
        ),
        api=True,
    ),
    Way(
        "API program scene change",
        _api(
            "PATCH",
            lambda o: f"/api/v1/program/clients/{o.username}/items/{_scene(o)}",
            lambda t: {"text": t},
        ),
        api=True,
    ),
]


def _shows_panel(way: Way, response: Any) -> bool:
    assert response.status_code < 400, (way.name, response.status_code, response.content[:300])
    if way.api:
        return response.json()["show_crisis_resources"] is True
    body = response.content.decode()
    if PANEL in body:
        assert "not watched in real time" in body
        assert 'href="/crisis/"' in body
    return PANEL in body


@pytest.mark.parametrize("way", WAYS, ids=lambda w: w.name)
def test_a_risk_sentence_brings_the_crisis_panel(way: Way, client_client: Any, client_user: Any):
    assert _shows_panel(way, way.send(client_client, client_user, RISK)), way.name


@pytest.mark.parametrize("way", WAYS, ids=lambda w: w.name)
def test_an_ordinary_sentence_does_not(way: Way, client_client: Any, client_user: Any):
    assert not _shows_panel(way, way.send(client_client, client_user, CALM)), way.name


def test_the_panel_shows_even_when_the_form_is_refused(client_client: Any):
    from lacrima.web.accounts.models import ClientProfile

    too_long = RISK + " " + "x" * ClientProfile.NOTE_MAX_CHARS
    response = client_client.post("/account/profile/", {"note": too_long})
    body = response.content.decode()
    assert "Nothing was saved" in body
    assert PANEL in body and "not watched in real time" in body


def test_the_profile_note_with_risk_language_is_still_saved(client_client: Any, client_user: Any):
    from lacrima.web.accounts.models import ClientProfile

    client_client.post("/account/profile/", {"note": RISK})
    assert ClientProfile.objects.get(user=client_user).note == RISK


def test_a_therapist_does_not_get_the_clients_panel(
    client_user: Any, therapist_user: Any, link: Any, client_of: Any
):
    link(client_user, therapist_user, consents=["diary"])
    page = client_of(therapist_user).get("/diary/?client=alice&support=1").content.decode()
    assert PANEL not in page
