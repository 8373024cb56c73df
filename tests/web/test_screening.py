"""Screening and safety: PHQ-9 scoring, item 9, flags under consent, pattern prompts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lacrima.care import phq9
from lacrima.web.diary.models import Episode, Flag, Phq9Response

pytestmark = pytest.mark.django_db


def answers(*values: int, difficulty: str = "") -> dict[str, str]:
    data = {f"item{i}": str(v) for i, v in enumerate(values, start=1)}
    if difficulty:
        data["difficulty"] = difficulty
    return data


def test_form_keeps_wording_and_notice(client_client):
    page = client_client.get("/diary/screening/phq9/").content.decode()
    assert phq9.STEM in page
    for item in phq9.ITEMS:
        assert item.replace("—", "&mdash;") in page or item in page
    assert "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke" in page
    assert "Not now" in page


def test_scoring_and_band(client_client, client_user):
    response = client_client.post("/diary/screening/phq9/", answers(2, 2, 1, 1, 1, 1, 1, 1, 0))
    assert response.status_code == 302
    r = Phq9Response.objects.get(client=client_user)
    assert (r.total, r.band, r.item9_positive) == (10, "moderate", False)
    page = client_client.get(response["Location"]).content.decode()
    assert "add up to 10 out of 27" in page and "moderate" in page
    assert "not a diagnosis" in page
    assert "crisis-panel" not in page
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        answers(1, 1, 1, 1, 1, 1, 1, 1),
        answers(1, 1, 1, 1, 1, 1, 1, 1, 4),
        answers(1, 1, 1, 1, 1, 1, 1, 1, "x"),
    ],  # type: ignore[arg-type]
)
def test_incomplete_or_bad_answers_store_nothing(client_client, data):
    response = client_client.post("/diary/screening/phq9/", data)
    assert response.status_code == 200
    assert "Please answer every numbered question" in response.content.decode()
    assert not Phq9Response.objects.exists()


def test_item9_without_sharing_shows_resources_and_keeps_the_flag_unseen(
    client_client, client_user, therapist_user, link, client_of
):
    link(client_user, therapist_user, consents=["diary"])
    response = client_client.post(
        "/diary/screening/phq9/", answers(0, 0, 0, 0, 0, 0, 0, 0, 1), follow=True
    )
    page = response.content.decode()
    assert "crisis-panel" in page and "tel:" in page
    assert "not watched in real time" in page
    assert "will see a note about this answer the next" not in page
    # stored for later (issue 13: flags follow consent), seen by no therapist now
    assert Flag.objects.get(client=client_user).kind == "phq9_item9"
    assert client_of(therapist_user).get("/diary/screening/?client=alice").status_code == 403


def test_item9_with_screening_consent_flags_the_therapist(
    client_client, client_user, therapist_user, link, client_of
):
    link(client_user, therapist_user, consents=["screening"])
    response = client_client.post(
        "/diary/screening/phq9/", answers(3, 3, 3, 3, 3, 3, 3, 3, 2), follow=True
    )
    page = response.content.decode()
    assert "crisis-panel" in page and "will see a note" in page
    flag = Flag.objects.get(client=client_user)
    assert flag.kind == "phq9_item9" and flag.acknowledged_at is None
    assert "More than half the days" in flag.message
    assert "Please consider reviewing safety" in flag.message
    therapist_page = client_of(therapist_user).get("/diary/screening/?client=alice")
    assert "Please consider reviewing safety" in therapist_page.content.decode()


def test_diary_consent_alone_does_not_show_the_item9_flag(
    client_client, client_user, therapist_user, link
):
    from lacrima.web.diary.safety import flags_for

    link(client_user, therapist_user, consents=["diary"])
    client_client.post("/diary/screening/phq9/", answers(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert Flag.objects.count() == 1
    assert flags_for(therapist_user, client_user) == []


def test_screening_history_needs_screening_consent(
    client_client, client_user, therapist_user, link, client_of
):
    client_client.post("/diary/screening/phq9/", answers(1, 0, 0, 0, 0, 0, 0, 0, 0))
    r = Phq9Response.objects.get()
    therapist = client_of(therapist_user)
    link(client_user, therapist_user, consents=["diary"])
    assert therapist.get("/diary/screening/?client=alice").status_code == 403
    assert therapist.get(f"/diary/screening/phq9/{r.pk}/").status_code == 403
    link(client_user, therapist_user, consents=["screening"])
    assert therapist.get(f"/diary/screening/phq9/{r.pk}/").status_code == 200


def test_pattern_prompts_on_the_diary(client_client, client_user):
    now = timezone.now()
    for day in range(0, 14, 2):
        Episode.objects.create(
            client=client_user,
            kind="cried",
            mood_before=2,
            mood_after=2,
            started_at=now - timedelta(days=day, hours=1),
        )
    for day in (1, 3):  # a repeated "could not stop", not a single one (issue 13)
        Episode.objects.create(
            client=client_user,
            kind="cried",
            could_not_stop=True,
            started_at=now - timedelta(days=day),
        )
    page = client_client.get("/diary/").content.decode()
    assert "Worth talking over" in page
    assert "worth mentioning to a doctor" in page
    assert "none of them brought relief" in page
    assert "pseudobulbar" not in page.lower()


def test_flags_are_acknowledged_by_the_therapist(
    client_client, client_user, therapist_user, link, make_user
):
    from django.core.exceptions import PermissionDenied

    from lacrima.web.records.dashboard import acknowledge_flag

    link(client_user, therapist_user, consents=["screening"])
    client_client.post("/diary/screening/phq9/", answers(0, 0, 0, 0, 0, 0, 0, 0, 3))
    client_client.post("/diary/screening/phq9/", answers(0, 0, 0, 0, 0, 0, 0, 0, 1))
    first, second = Flag.objects.order_by("created_at")
    assert acknowledge_flag(therapist_user, first.pk, "acknowledged a flag") == (first, True)
    first.refresh_from_db()
    assert list(Flag.objects.all()) == [second, first]  # unacknowledged first
    assert first.acknowledged_by == therapist_user
    with pytest.raises(PermissionDenied):
        acknowledge_flag(client_user, second.pk, "acknowledged a flag")
    stranger = make_user(role="therapist")
    with pytest.raises(Exception, match="No such client"):
        acknowledge_flag(stranger, second.pk, "acknowledged a flag")
    second.refresh_from_db()
    assert second.acknowledged_at is None


def test_diary_patterns_raise_one_flag_when_the_diary_is_shared(
    client_client, client_user, therapist_user, link
):
    def could_not_stop() -> None:
        client_client.post(
            "/api/v1/diary/episodes",
            {"kind": "cried", "could_not_stop": True},
            content_type="application/json",
        )

    from lacrima.web.diary.safety import flags_for

    could_not_stop()
    assert not Flag.objects.exists()  # one entry: no prompt (issue 13)
    could_not_stop()
    flag = Flag.objects.get()  # stored; the diary is not shared: no therapist sees it
    assert flags_for(therapist_user, client_user) == []
    link(client_user, therapist_user, consents=["diary"])
    assert flags_for(therapist_user, client_user) == [flag]
    could_not_stop()
    could_not_stop()
    assert Flag.objects.get() == flag  # once per 14 days, not once per entry
    assert flag.kind == "pattern_mismatch_or_uncontrollable"
    assert "you may want to ask about it" in flag.message
    assert "pseudobulbar" not in flag.message.lower()
