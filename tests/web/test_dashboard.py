"""The therapist dashboard and client page: consent per column, flags first, bounded queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lacrima.web.audit.models import AuditEntry
from lacrima.web.diary.models import Episode, Flag
from lacrima.web.program.models import ClientProgram, HierarchyItem, Trial
from lacrima.web.records.dashboard import AUDIT_WHAT, client_rows, flag_category
from lacrima.web.records.models import SessionRecord

pytestmark = pytest.mark.django_db

ALL = ["diary", "checkins", "worksheets", "program", "screening", "sessions"]


def seed_client(client: Any, therapist: Any, days: int = 20, flags: int = 0) -> None:
    """A few weeks of diary, a small program, sessions and ``flags`` open flags."""
    now = timezone.now()
    Episode.objects.bulk_create(
        Episode(
            client=client,
            kind="cried",
            started_at=now - timedelta(days=d, hours=3),
            intensity=5,
            mood_before=3,
            mood_after=5 if d % 2 else 3,
        )
        for d in range(days)
    )
    items = [
        HierarchyItem.objects.create(client=client, position=i, text=f"scene {i}", suds=20 * i)
        for i in range(1, 4)
    ]
    ClientProgram.objects.create(client=client, state={"passed": [str(items[0].pk)]})
    Trial.objects.create(
        client=client,
        item=items[0],
        item_text="scene 1",
        item_suds=20,
        session_no=1,
        kind="normal",
        expectancy_pct=40,
        peak_suds=30,
        end_suds=10,
        duration_s=30,
        outcome="calm",
        created_at=now - timedelta(days=2),
    )
    SessionRecord.objects.create(
        client=client, therapist=therapist, starts_at=now - timedelta(days=3)
    )
    SessionRecord.objects.create(
        client=client, therapist=therapist, starts_at=now + timedelta(days=4)
    )
    for _ in range(flags):
        Flag.objects.create(client=client, kind="phq9_item9", message="prompt-for-clinician")


@pytest.fixture
def therapist(make_user: Any) -> Any:
    return make_user(role="therapist", username="dr_tan", first_name="Robin", last_name="Tan")


def test_columns_show_only_what_each_client_shares(
    therapist: Any, make_user: Any, link: Any, client_of: Any
) -> None:
    ann = make_user(role="client", username="ann", first_name="Ann")
    ben = make_user(role="client", username="ben", first_name="Ben")
    cat = make_user(role="client", username="cat", first_name="Cat")
    link(ann, therapist, consents=["diary", "screening"])
    link(ben, therapist, consents=["program", "sessions"])
    link(cat, therapist, consents=[])
    for person in (ann, ben, cat):
        seed_client(person, therapist, flags=2)

    rows = {r.username: r for r in client_rows(therapist).rows}
    assert rows["ann"].open_flags == 2 and rows["ann"].cries_recent == 20
    assert (rows["ann"].better_recent, rows["ann"].known_recent) == (10, 20)
    assert rows["ann"].passed_steps is None and rows["ann"].next_session is None
    assert rows["ben"].open_flags is None and rows["ben"].cries_recent is None
    assert (rows["ben"].passed_steps, rows["ben"].total_steps) == (1, 3)
    assert rows["ben"].next_session is not None and rows["ben"].last_session is not None
    assert all(
        getattr(rows["cat"], name) is None
        for name in ("open_flags", "last_activity", "cries_recent", "passed_steps", "next_session")
    )

    page = client_of(therapist).get(reverse("records:index"))
    assert page.status_code == 200
    assert "2 to review" in page.text and "1 of 3 steps" in page.text
    assert page.text.count("not shared") == 2 + 2 + 4  # ann: 2 columns; ben: 2; cat: 4


def test_flags_first_then_activity_and_filters(
    therapist: Any, make_user: Any, link: Any, client_of: Any
) -> None:
    people = {}
    for name, flags, days in (("quiet", 0, 30), ("flagged", 1, 5), ("recent", 0, 1)):
        person = make_user(role="client", username=name)
        link(person, therapist, consents=ALL)
        seed_client(person, therapist, days=days, flags=flags)
        people[name] = person
    Episode.objects.filter(client=people["recent"]).update(started_at=timezone.now())

    order = [r.username for r in client_rows(therapist, sort="flags").rows]
    assert order == ["flagged", "recent", "quiet"]
    order = [r.username for r in client_rows(therapist, sort="name").rows]
    assert order == ["flagged", "quiet", "recent"]
    assert [r.username for r in client_rows(therapist, show="flagged").rows] == ["flagged"]
    assert [r.username for r in client_rows(therapist, q="QUI").rows] == ["quiet"]
    page = client_of(therapist).get(reverse("records:index"), {"sort": "activity", "show": "all"})
    assert page.status_code == 200
    assert page.context["page"].rows[0].username == "recent"
    assert client_of(therapist).get(reverse("records:index"), {"sort": "bogus"}).status_code == 200


def test_unshared_flag_categories_are_not_counted(
    therapist: Any, make_user: Any, link: Any
) -> None:
    assert flag_category("phq9_item9") == "screening"
    assert flag_category("pattern_frequent") == "diary"
    person = make_user(role="client", username="dee")
    link(person, therapist, consents=["diary"])
    Flag.objects.create(client=person, kind="phq9_item9", message="m")
    Flag.objects.create(client=person, kind="pattern_frequent", message="m")
    assert client_rows(therapist).rows[0].open_flags == 1


@pytest.mark.parametrize("n_clients", [3, 30])
def test_query_count_does_not_grow_with_clients(
    n_clients: int,
    therapist: Any,
    make_user: Any,
    link: Any,
    client_of: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(n_clients):
        person = make_user(role="client", username=f"client{i:03d}")
        link(person, therapist, consents=ALL)
        seed_client(person, therapist, days=3, flags=i % 2)
    browser = client_of(therapist)
    browser.get(reverse("records:index"))  # warm the session
    with django_assert_max_num_queries(16):
        response = browser.get(reverse("records:index"), {"sort": "activity"})
    assert response.status_code == 200
    assert len(response.context["page"].rows) == n_clients


def test_reads_are_audited_once_per_window(
    therapist: Any, make_user: Any, link: Any, client_of: Any
) -> None:
    person = make_user(role="client", username="eve")
    link(person, therapist, consents=["diary", "sessions", "worksheets"])
    client_of(therapist).get(reverse("records:index"))
    entries = AuditEntry.objects.filter(subject=person, actor=therapist, what=AUDIT_WHAT)
    assert sorted(entries.values_list("category", flat=True)) == ["diary", "sessions"]
    client_of(therapist).get(reverse("records:index"))
    assert entries.count() == 2, "a reload within 10 minutes adds no entries"


def test_clients_and_admins_get_no_dashboard(make_user: Any, client_of: Any) -> None:
    assert client_of(make_user(role="client")).get(reverse("records:index")).status_code == 403
    assert client_of(make_user(role="admin")).get(reverse("records:index")).status_code == 403


def test_client_page_flags_first_and_acknowledge(
    therapist: Any, make_user: Any, link: Any, client_of: Any
) -> None:
    person = make_user(role="client", username="fay", first_name="Fay")
    link(person, therapist, consents=["screening", "diary", "sessions", "program"])
    seed_client(person, therapist, days=10, flags=1)
    flag = Flag.objects.get(client=person)
    url = reverse("records:client", kwargs={"username": "fay"})
    page = client_of(therapist).get(url).text
    assert (
        page.index('id="flags"')
        < page.index('id="sessions-heading"')
        < page.index('id="diary-heading"')
    )
    assert "prompt-for-clinician" in page and "Mark as acknowledged" in page
    assert "not findings or diagnoses" in page
    assert "Record a session" in page and "1 of 3 steps passed" in page

    ack = reverse("records:flag_ack", kwargs={"pk": flag.pk})
    assert client_of(person).post(ack).status_code == 403
    response = client_of(therapist).post(ack)
    assert response.status_code == 302 and response["Location"].endswith("#flags")
    flag.refresh_from_db()
    assert flag.acknowledged_by == therapist and flag.acknowledged_at is not None
    assert "Acknowledged" in client_of(therapist).get(url).text
    assert client_rows(therapist).rows[0].open_flags == 0


def test_client_page_hides_unshared_parts(
    therapist: Any, make_user: Any, link: Any, client_of: Any
) -> None:
    person = make_user(role="client", username="gus")
    link(person, therapist, consents=["program"])
    seed_client(person, therapist, flags=1)
    page = client_of(therapist).get(reverse("records:client", kwargs={"username": "gus"})).text
    assert "prompt-for-clinician" not in page and "Mark as acknowledged" not in page
    assert "Record a session" not in page and "cries logged" not in page
    assert "1 of 3 steps passed" in page
    stranger = make_user(role="therapist")
    assert (
        client_of(stranger).get(reverse("records:client", kwargs={"username": "gus"})).status_code
        == 404
    )


def test_dashboard_api(therapist: Any, make_user: Any, link: Any, client_of: Any) -> None:
    person = make_user(role="client", username="hal")
    link(person, therapist, consents=["screening"])
    seed_client(person, therapist, flags=2)
    data = client_of(therapist).get("/api/v1/records/dashboard?sort=flags").json()
    assert data["total"] == 1
    row = data["clients"][0]
    assert (row["username"], row["open_flags"], row["cries_recent"]) == ("hal", 2, None)
    assert client_of(person).get("/api/v1/records/dashboard").status_code == 403
