"""The demo a therapist opens first: a labelled simulated session with a complete S-P cycle,
then the real E4 session with an honest client text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from test_records_support import clean_uploads  # noqa: F401  (fixture)

from lacrima.web.records.demo import E4_FILE, SIM_FILE_NAME, SIM_LABEL, simulate_demo_session
from lacrima.web.records.models import Report, SessionRecord, Upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_uploads")]


@pytest.fixture
def demo() -> dict[str, Any]:
    from lacrima.web.core.demo import load_demo

    return load_demo()


def _report(name: str) -> dict[str, Any]:
    upload = Upload.objects.get(primary=name)
    assert upload.status == Upload.Status.DONE, upload.error
    return Report.objects.get(upload=upload).data


def test_the_first_session_the_therapist_opens_is_the_simulated_one(
    demo: dict[str, Any], client_of: Any
) -> None:
    therapist = client_of(demo["therapist"])
    page = therapist.get(reverse("records:client", kwargs={"username": "demo_client"}))
    assert page.status_code == 200
    past = page.text.split("<h3>Past</h3>", 1)[1]
    first = int(re.search(r"/records/s/(\d+)/", past).group(1))
    record = SessionRecord.objects.get(pk=first)
    assert record.notes.startswith(SIM_LABEL)

    session_page = therapist.get(reverse("records:session", kwargs={"pk": first}))
    assert SIM_LABEL in session_page.text and SIM_FILE_NAME in session_page.text
    upload = Upload.objects.get(session=record)
    report_page = therapist.get(reverse("records:upload", kwargs={"pk": upload.pk}))
    title = re.search(r"<title>(.*?)</title>", report_page.text, re.S).group(1)
    assert "Simulated demo session (not a real person)" in title
    assert "Simulated demo session (not a real person)" in report_page.text


def test_the_simulated_session_shows_a_complete_cycle_where_it_was_put(demo: Any) -> None:
    data = _report(SIM_FILE_NAME)
    truth = simulate_demo_session().truth.cycles[0]
    complete = [c for c in data["cycles"] if c["kind"] == "complete"]
    assert data["session"]["n_complete"] >= 1 and len(complete) >= 1
    found = min(complete, key=lambda c: abs(c["peak_s"] - truth.peak_s))
    # within a minute of the simulated timing (the model's timing targets are ~10 s)
    assert abs(found["peak_s"] - truth.peak_s) < 60.0
    assert abs(found["s_onset_s"] - truth.s_onset_s) < 60.0
    assert found["p_onset_s"] is not None and abs(found["p_onset_s"] - truth.p_onset_s) < 60.0
    assert {c["kind"] for c in data["channels"].values()} >= {"ecg", "eda", "resp"}
    assert "calming down" in data["summary"]["client"]


def test_the_simulated_recording_is_the_same_on_every_load() -> None:
    a, b = simulate_demo_session(), simulate_demo_session()
    for name, channel in a.recording.channels.items():
        assert (channel.samples == b.recording.channels[name].samples).all()


def test_the_e4_session_tells_the_client_the_real_reason(demo: Any, client_of: Any) -> None:
    data = _report(E4_FILE.name)
    text = data["summary"]["client"]
    assert "no heartbeat signal was recorded" not in text
    if data["session"]["n_undetermined"]:
        assert "pulse signal was too disturbed" in text
    e4 = Upload.objects.get(primary=E4_FILE.name).session
    assert "real wrist recording" in e4.notes and "often disturbed" in e4.notes
    mine = client_of(demo["client"]).get(reverse("records:session", kwargs={"pk": e4.pk}))
    assert mine.status_code == 200 and "no heartbeat signal was recorded" not in mine.text
    assert "stirred up" in mine.text  # the client's text is on the page
    if data["session"]["n_undetermined"]:
        assert "pulse signal was too disturbed" in mine.text


def test_loading_twice_adds_nothing(demo: Any) -> None:
    from lacrima.web.core.demo import load_demo

    load_demo()
    assert Upload.objects.count() == 2
    assert SessionRecord.objects.count() == 3  # simulated, E4, one planned
    assert Upload.objects.filter(status=Upload.Status.DONE).count() == 2
