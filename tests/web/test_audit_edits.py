"""Audit what happened, not what was looked at for editing (issue 14, point 2).

Opening an edit form (GET) used to write "edited a session record", "corrected a
marker", "new session record" into the client's "Who looked" page, and the analysis
status poll wrote an "analysis progress" row every few seconds. Now:

* the GET of every edit form writes no audit row, for the client and for a therapist;
* a real edit by someone other than the client writes exactly one row (``write``),
  after the change is stored; an invalid or refused submission writes none;
* a client's own edits are not in their trail (it lists what *others* did), so they
  write none either;
* the status poll writes none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lacrima.web.audit.models import AuditEntry


@dataclass(frozen=True)
class EditForm:
    """One edit form: who edits, how to address it, a valid and an invalid submission."""

    key: str
    editor: str  # "owner" | "therapist"
    url: Callable[[Any], str]  # (world) -> address of the form
    valid: Callable[[Any], dict[str, Any]]
    invalid: dict[str, Any]
    changed: Callable[[Any], bool]  # (world) -> the valid submission was stored


@dataclass
class World:
    owner: Any
    therapist: Any
    episode: Any
    record: Any
    marker: Any
    step_id: str


@pytest.fixture
def world(make_user: Any, link: Any) -> World:
    from lacrima.web.diary.models import Episode
    from lacrima.web.program import services as program
    from lacrima.web.records.models import SessionMarker, SessionRecord

    owner = make_user(role="client", username="olga", first_name="Olga")
    therapist = make_user(role="therapist", username="theo")
    link(owner, therapist, consents=["diary", "program", "sessions"])
    episode = Episode.objects.create(client=owner, kind="cried", intensity=5, note="before")
    record = SessionRecord.objects.create(
        client=owner, therapist=therapist, starts_at=timezone.now(), duration_min=50
    )
    marker = SessionMarker.objects.create(session=record, time_s=60.0, label="tears")
    program.add_item(owner, "alone at home", 10)
    step_id = program.load(owner).program.hierarchy.ids[-1]
    return World(owner, therapist, episode, record, marker, step_id)


def _episode_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "cried",
        "started_at": (timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "intensity": "7",
        "note": "after the edit",
    }
    data.update(changes)
    return data


def _step(w: World) -> Any:
    from lacrima.web.program import services as program

    return program.load(w.owner).program.hierarchy.get(w.step_id)


def _reload(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj


EDIT_FORMS = [
    EditForm(
        "diary:episode_edit",
        "owner",
        lambda w: reverse("diary:episode_edit", kwargs={"pk": w.episode.pk}),
        lambda w: _episode_form(),
        {"kind": "not-a-kind"},
        lambda w: _reload(w.episode).note == "after the edit",
    ),
    EditForm(
        "program:item_edit (client)",
        "owner",
        lambda w: reverse(
            "program:item_edit", kwargs={"username": "olga", "item_id": int(w.step_id)}
        ),
        lambda w: {"text": "alone at home, evening", "suds": "15"},
        {"text": "", "suds": "500"},
        lambda w: _step(w).text == "alone at home, evening",
    ),
    EditForm(
        "program:item_edit (therapist)",
        "therapist",
        lambda w: reverse(
            "program:item_edit", kwargs={"username": "olga", "item_id": int(w.step_id)}
        ),
        lambda w: {"text": "alone at home, at night", "suds": "20"},
        {"text": "", "suds": "500"},
        lambda w: _step(w).text == "alone at home, at night",
    ),
    EditForm(
        "records:session_new",
        "therapist",
        lambda w: reverse("records:session_new", kwargs={"username": "olga"}),
        lambda w: {"starts_at": "2025-03-04T10:00", "duration_min": "45", "notes": "new one"},
        {"starts_at": "not a date", "duration_min": "-3"},
        lambda w: w.record.__class__.objects.filter(duration_min=45).exists(),
    ),
    EditForm(
        "records:session_edit",
        "therapist",
        lambda w: reverse("records:session_edit", kwargs={"pk": w.record.pk}),
        lambda w: {"starts_at": "2025-03-04T10:00", "duration_min": "40", "notes": "edited"},
        {"starts_at": "not a date", "duration_min": "-3"},
        lambda w: _reload(w.record).duration_min == 40,
    ),
    EditForm(
        "records:marker_edit",
        "therapist",
        lambda w: reverse("records:marker_edit", kwargs={"pk": w.marker.pk}),
        lambda w: {"at": "2:00", "label": "relief", "note": ""},
        {"at": "not a time", "label": "relief"},
        lambda w: _reload(w.marker).time_s == 120.0,
    ),
    EditForm(
        "accounts:profile",
        "owner",
        lambda w: reverse("accounts:profile"),
        lambda w: {"note": "I prefer mornings."},
        {"note": "x" * 5000},
        lambda w: w.owner.profile.__class__.objects.get(user=w.owner).note == "I prefer mornings.",
    ),
]


def _rows(w: World) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(subject=w.owner).exclude(action="event"))


@pytest.mark.parametrize("form", EDIT_FORMS, ids=lambda f: f.key)
def test_opening_an_edit_form_writes_no_audit_row(form: EditForm, world: World, client_of: Any):
    editor = getattr(world, form.editor)
    before = _rows(world)
    response = client_of(editor).get(form.url(world))
    assert response.status_code == 200
    assert _rows(world) == before, f"{form.key}: the GET of the form was audited"


@pytest.mark.parametrize("form", EDIT_FORMS, ids=lambda f: f.key)
def test_a_real_edit_writes_exactly_one_row(form: EditForm, world: World, client_of: Any):
    editor = getattr(world, form.editor)
    browser = client_of(editor)
    before = len(_rows(world))
    bad = browser.post(form.url(world), form.invalid)
    assert bad.status_code in (200, 400), f"{form.key}: invalid input answered {bad.status_code}"
    assert not form.changed(world)
    after_invalid = _rows(world)
    # A refused submission changed nothing; at most the page it showed again was read.
    assert all(e.action == "read" for e in after_invalid[: len(after_invalid) - before])
    response = browser.post(form.url(world), form.valid(world))
    assert response.status_code == 302, (
        f"{form.key}: the valid edit answered {response.status_code}"
    )
    assert form.changed(world), f"{form.key}: the edit was not stored"
    new = _rows(world)[: len(_rows(world)) - len(after_invalid)]
    writes = [e for e in new if e.action == "write"]
    if form.editor == "owner":
        assert new == [], f"{form.key}: a client's own edit is not in their trail"
    else:
        assert len(new) == 1 and len(writes) == 1, f"{form.key}: {[e.what for e in new]}"
        assert writes[0].actor == editor and writes[0].what


def test_a_therapist_opening_a_diary_edit_form_leaves_no_row(world: World, client_of: Any):
    # The therapist may read the diary but not change it: 403, and nothing recorded.
    url = reverse("diary:episode_edit", kwargs={"pk": world.episode.pk})
    assert client_of(world.therapist).get(url).status_code == 403
    assert _rows(world) == []


def test_the_client_sees_a_therapists_change_once(world: World, client_of: Any) -> None:
    browser = client_of(world.therapist)
    url = reverse("records:session_edit", kwargs={"pk": world.record.pk})
    browser.get(url)
    browser.post(url, {"starts_at": "2025-03-04T10:00", "duration_min": "40"})
    page = client_of(world.owner).get(reverse("accounts:access_log")).content.decode()
    assert page.count("edited a session record") == 1


def test_status_polling_writes_no_audit_row(world: World, client_of: Any) -> None:
    from lacrima.web.records.models import Upload

    upload = Upload.objects.create(session=world.record, folder="x", files=["rec.csv"])
    browser = client_of(world.therapist)
    url = reverse("records:upload_status", kwargs={"pk": upload.pk})
    for _ in range(5):
        assert browser.get(url).status_code == 200
    assert _rows(world) == []
    # The report page itself is a read, audited once.
    browser.get(reverse("records:upload", kwargs={"pk": upload.pk}))
    assert [e.what for e in _rows(world)] == ["session recording report"]
