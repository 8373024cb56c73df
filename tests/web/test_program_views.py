"""Pages of the program app: hierarchy editing, practice, rules, relaxation, progress.

Bad input (SUDS 140, negative times, two steps in one place) gets a clear message and
stores nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from lacrima.web.audit.models import AuditEntry
from lacrima.web.program import services
from lacrima.web.program.models import ClientProgram, HierarchyItem, RelaxationExercise, Trial

pytestmark = pytest.mark.django_db


def _url(name: str, user: Any, **kw: Any) -> str:
    return reverse(f"program:{name}", kwargs={"username": user.username, **kw})


def _steps(user: Any, n: int = 3) -> list[str]:
    for i in range(n):
        services.add_item(user, f"scene {i + 1}", 10 * (i + 1))
    return list(services.load(user).program.hierarchy.ids)


def _snapshot(user: Any) -> tuple:
    items = list(HierarchyItem.objects.filter(client=user).values_list("pk", "position", "suds"))
    record = ClientProgram.objects.filter(client=user).first()
    state = record.state if record else None
    return items, state, Trial.objects.filter(client=user).count()


def test_empty_overview_invites_a_list(client_client: Any, client_user: Any) -> None:
    response = client_client.get(reverse("program:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "No steps yet" in body
    assert "Not today" in body


def test_template_fills_an_empty_list_once(client_client: Any, client_user: Any) -> None:
    response = client_client.post(_url("template", client_user))
    assert response.status_code == 302
    assert HierarchyItem.objects.filter(client=client_user).count() == 12
    client_client.post(_url("template", client_user))
    assert HierarchyItem.objects.filter(client=client_user).count() == 12
    page = client_client.get(_url("hierarchy", client_user)).content.decode()
    assert "photo of your therapist" in page


def test_add_step_and_place_it(client_client: Any, client_user: Any) -> None:
    _steps(client_user, 2)
    response = client_client.post(
        _url("hierarchy", client_user), {"text": "in between", "suds": 15, "position": 2}
    )
    assert response.status_code == 302
    texts = [i.text for i in services.load(client_user).program.hierarchy.items]
    assert texts == ["scene 1", "in between", "scene 2"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "x", "suds": 140}, "less than or equal to 100"),
        ({"text": "x", "suds": -5}, "greater than or equal to 0"),
        ({"text": "   ", "suds": 10}, "This field is required"),
        ({"text": "x", "suds": 10, "position": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_step_is_refused_and_stores_nothing(
    client_client: Any, client_user: Any, data: dict, message: str
) -> None:
    _steps(client_user, 2)
    before = _snapshot(client_user)
    response = client_client.post(_url("hierarchy", client_user), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot(client_user) == before


def test_reorder_and_duplicates(client_client: Any, client_user: Any) -> None:
    a, b, c = _steps(client_user)
    before = _snapshot(client_user)
    response = client_client.post(
        _url("reorder", client_user), {f"place_{a}": 2, f"place_{b}": 2, f"place_{c}": 1}
    )
    assert response.status_code == 400
    assert "Two steps cannot share a place. Repeated place: 2." in response.content.decode()
    assert _snapshot(client_user) == before
    response = client_client.post(
        _url("reorder", client_user), {f"place_{a}": 3, f"place_{b}": 1, f"place_{c}": 2}
    )
    assert response.status_code == 302
    assert services.load(client_user).program.hierarchy.ids == (b, c, a)


def test_reorder_out_of_range_is_refused(client_client: Any, client_user: Any) -> None:
    a, b, c = _steps(client_user)
    before = _snapshot(client_user)
    response = client_client.post(
        _url("reorder", client_user), {f"place_{a}": 9, f"place_{b}": 1, f"place_{c}": 2}
    )
    assert response.status_code == 400
    assert _snapshot(client_user) == before


def test_edit_and_delete_a_step(client_client: Any, client_user: Any) -> None:
    a, b, _c = _steps(client_user)
    assert client_client.get(_url("item_edit", client_user, item_id=int(a))).status_code == 200
    response = client_client.post(
        _url("item_edit", client_user, item_id=int(a)), {"text": "scene 1", "suds": 140}
    )
    assert response.status_code == 400
    assert HierarchyItem.objects.get(pk=a).suds == 10
    response = client_client.post(
        _url("item_edit", client_user, item_id=int(a)), {"text": "scene one", "suds": 12}
    )
    assert response.status_code == 302
    assert HierarchyItem.objects.get(pk=a).text == "scene one"
    assert client_client.get(_url("item_delete", client_user, item_id=int(b))).status_code == 200
    assert client_client.post(_url("item_delete", client_user, item_id=int(b))).status_code == 302
    assert not HierarchyItem.objects.filter(pk=b).exists()


def test_someone_elses_step_is_not_found(
    client_client: Any, client_user: Any, make_user: Any
) -> None:
    other = make_user(role="client", username="bea")
    (foreign,) = _steps(other, 1)
    _steps(client_user, 1)
    url = _url("item_edit", client_user, item_id=int(foreign))
    assert client_client.get(url).status_code == 404
    assert client_client.post(url, {"text": "mine now", "suds": 1}).status_code == 404
    assert HierarchyItem.objects.get(pk=foreign).text == "scene 1"


def _practise(c: Any, peak: int, end: int, expectancy: int = 40) -> Any:
    assert (
        c.post(reverse("program:practice_scene"), {"expectancy_pct": expectancy}).status_code == 302
    )
    return c.post(
        reverse("program:practice_rate"),
        {"peak_suds": peak, "end_suds": end, "duration_s": 20},
        follow=True,
    )


def test_practice_passes_a_step_after_three_calm_scenes(
    client_client: Any, client_user: Any
) -> None:
    _steps(client_user)
    page = client_client.get(reverse("program:practice")).content.decode()
    assert "Start practising" in page and "scene 1" in page
    client_client.post(reverse("program:practice_start"))
    page = client_client.get(reverse("program:practice")).content.decode()
    assert "First, relax" in page
    messages = [_practise(client_client, 5, 0).content.decode() for _ in range(3)]
    assert "2 more calm times in a row" in messages[0]
    assert "This step is done" in messages[2]
    trials = list(Trial.objects.filter(client=client_user))
    assert [t.outcome for t in trials] == ["calm", "calm", "passed"]
    assert trials[0].expectancy_pct == 40 and trials[0].peak_suds == 5
    assert services.load(client_user).program.passed_count == 1


def test_stopped_scene_goes_back_to_relaxing(client_client: Any, client_user: Any) -> None:
    _steps(client_user)
    client_client.post(reverse("program:practice_start"))
    page = _practise(client_client, 80, 60).content.decode()
    assert "relax again" in page
    assert "First, relax" in page
    assert Trial.objects.get(client=client_user).outcome == "stopped"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"peak_suds": 140, "end_suds": 0, "duration_s": 20}, "less than or equal to 100"),
        ({"peak_suds": 10, "end_suds": 30, "duration_s": 20}, "cannot be higher"),
        ({"peak_suds": 10, "end_suds": 5, "duration_s": -4}, "greater than or equal to 0"),
        ({"peak_suds": "ten", "end_suds": 5, "duration_s": 20}, "Enter a whole number"),
    ],
)
def test_bad_rating_is_refused_and_stores_nothing(
    client_client: Any, client_user: Any, data: dict, message: str
) -> None:
    _steps(client_user)
    client_client.post(reverse("program:practice_start"))
    client_client.post(reverse("program:practice_scene"), {"expectancy_pct": 50})
    before = _snapshot(client_user)
    response = client_client.post(reverse("program:practice_rate"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot(client_user) == before


def test_bad_expectancy_is_refused(client_client: Any, client_user: Any) -> None:
    _steps(client_user)
    client_client.post(reverse("program:practice_start"))
    before = _snapshot(client_user)
    response = client_client.post(reverse("program:practice_scene"), {"expectancy_pct": 101})
    assert response.status_code == 400
    assert _snapshot(client_user) == before


def test_a_stale_form_shows_where_things_are(client_client: Any, client_user: Any) -> None:
    _steps(client_user)
    response = client_client.post(
        reverse("program:practice_rate"),
        {"peak_suds": 5, "end_suds": 0, "duration_s": 20},
        follow=True,
    )
    assert "The practice had moved on" in response.content.decode()
    assert not Trial.objects.exists()


def test_not_today_stops_at_once_and_keeps_everything(client_client: Any, client_user: Any) -> None:
    _steps(client_user)
    client_client.post(reverse("program:practice_start"))
    _practise(client_client, 5, 0)
    client_client.post(reverse("program:practice_scene"), {"expectancy_pct": 50})
    response = client_client.post(reverse("program:practice_stop"), follow=True)
    assert "Stopped for today" in response.content.decode()
    program = services.load(client_user).program
    assert program.state.phase.value == "idle"
    assert Trial.objects.filter(client=client_user).count() == 1
    # Not today outside a session never fails either.
    assert client_client.post(reverse("program:practice_stop")).status_code == 302


def test_rules_are_read_only_for_the_client(client_client: Any, client_user: Any) -> None:
    page = client_client.get(_url("rules", client_user)).content.decode()
    assert "3 calm scenes in a row" in page
    assert "Save rules" not in page
    response = client_client.post(_url("rules", client_user), {"pass_threshold_suds": 50})
    assert response.status_code == 403


def _rules_form(**changes: Any) -> dict[str, Any]:
    data = {
        "pass_threshold_suds": 10,
        "stop_threshold_suds": 30,
        "consecutive_passes": 3,
        "scene_s": 20,
        "relax_s": 30,
        "max_step_suds": 10,
        "step_hint_after": 3,
        "review_last_passed": "on",
        "criterion": "peak",
    }
    data.update(changes)
    return data


def test_therapist_with_consent_adjusts_rules(
    client_user: Any, therapist_user: Any, link: Any, client_of: Any
) -> None:
    link(client_user, therapist_user, consents=["program"])
    c = client_of(therapist_user)
    assert "Save rules" in c.get(_url("rules", client_user)).content.decode()
    response = c.post(_url("rules", client_user), _rules_form(consecutive_passes=2))
    assert response.status_code == 302
    assert services.load(client_user).program.rules.consecutive_passes == 2
    assert ClientProgram.objects.get(client=client_user).rules_changed_by == "Dr Tan"
    assert AuditEntry.objects.filter(subject=client_user, actor=therapist_user).exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"pass_threshold_suds": 40, "stop_threshold_suds": 20},
        {"scene_s": -5},
        {"pass_threshold_suds": 140},
        {"consecutive_passes": 0},
    ],
)
def test_bad_rules_are_refused_and_store_nothing(
    client_user: Any, therapist_user: Any, link: Any, client_of: Any, changes: dict
) -> None:
    link(client_user, therapist_user, consents=["program"])
    before = services.load(client_user).program.rules
    response = client_of(therapist_user).post(_url("rules", client_user), _rules_form(**changes))
    assert response.status_code == 400
    assert services.load(client_user).program.rules == before


def test_therapist_without_consent_cannot_edit(
    client_user: Any, therapist_user: Any, link: Any, client_of: Any
) -> None:
    link(client_user, therapist_user, consents=["diary"])
    response = client_of(therapist_user).post(
        _url("hierarchy", client_user), {"text": "x", "suds": 5}
    )
    assert response.status_code == 403
    assert not HierarchyItem.objects.exists()


def test_therapist_with_consent_edits_the_list_and_sees_progress(
    client_user: Any, therapist_user: Any, link: Any, client_of: Any, client_client: Any
) -> None:
    link(client_user, therapist_user, consents=["program"])
    c = client_of(therapist_user)
    assert c.post(_url("template", client_user)).status_code == 302
    client_client.post(reverse("program:practice_start"))
    _practise(client_client, 20, 10)
    page = c.get(_url("progress", client_user)).content.decode()
    assert "<svg" in page and "Distress (SUDS, 0-100) in 1 presentation" in page
    assert "Practise" not in page  # practice links are the client's own
    reads = AuditEntry.objects.filter(subject=client_user, actor=therapist_user)
    assert reads.filter(what="program progress").exists()


def test_progress_chart_has_a_text_alternative(client_client: Any, client_user: Any) -> None:
    _steps(client_user, 2)
    client_client.post(reverse("program:practice_start"))
    _practise(client_client, 25, 15, expectancy=60)
    _practise(client_client, 5, 0)
    services.log_relaxation(client_user, "breathing", 3, 7, 120, 6)
    page = client_client.get(_url("progress", client_user)).content.decode()
    assert 'role="img"' in page and "<title" in page and "<desc" in page
    assert "<table>" in page and "<td>25</td>" in page and "<td>60</td>" in page
    assert "How relaxed, before and after each exercise" in page
    assert "style=" not in page


def test_therapist_program_list(
    client_user: Any, therapist_user: Any, link: Any, client_of: Any
) -> None:
    link(client_user, therapist_user, consents=["program"])
    page = client_of(therapist_user).get(reverse("program:index")).content.decode()
    assert _url("overview", client_user) in page


def test_relaxation_trainer_page(client_client: Any) -> None:
    page = client_client.get(reverse("program:relax")).content.decode()
    assert 'data-inhale-s="4.0"' in page and 'data-exhale-s="6.0"' in page
    page = client_client.get(reverse("program:relax") + "?kind=pmr4").content.decode()
    assert page.count('data-kind="tense"') == 4
    assert "never to the point of pain" in page
    page = client_client.get(reverse("program:relax") + "?kind=breathing&bpm=20").content.decode()
    assert "less than or equal to 12" in page
    assert 'data-inhale-s="4.0"' in page  # the default pace stays
    page = client_client.get(reverse("program:relax") + "?kind=breathing&bpm=5").content.decode()
    assert 'data-inhale-s="4.8"' in page


def test_relaxation_ratings_are_saved(client_client: Any, client_user: Any) -> None:
    data = {"kind": "breathing", "before": 3, "after": 7, "duration_s": 95.5, "breaths_per_min": 6}
    assert client_client.post(reverse("program:relax"), data).status_code == 302
    row = RelaxationExercise.objects.get(client=client_user)
    assert (row.before, row.after, row.duration_s, row.breaths_per_min) == (3, 7, 95.5, 6.0)


@pytest.mark.parametrize(
    "changes", [{"before": 11}, {"after": -1}, {"duration_s": -10}, {"kind": "sauna"}]
)
def test_bad_relaxation_input_stores_nothing(
    client_client: Any, client_user: Any, changes: dict
) -> None:
    data = {"kind": "pmr7", "before": 3, "after": 7, "duration_s": 60}
    data.update(changes)
    response = client_client.post(reverse("program:relax"), data)
    assert response.status_code == 400
    assert not RelaxationExercise.objects.exists()


def test_scene_text_is_encrypted_at_rest(client_user: Any) -> None:
    from lacrima.web.crypto import raw_ciphertext

    services.add_item(client_user, "my private scene", 10)
    with raw_ciphertext():
        stored = HierarchyItem.objects.get(client=client_user).text
    assert "my private scene" not in stored


def test_rating_without_the_timer_uses_the_scene_length(
    client_client: Any, client_user: Any
) -> None:
    _steps(client_user)
    client_client.post(reverse("program:practice_start"))
    client_client.post(reverse("program:practice_scene"), {"expectancy_pct": 50})
    response = client_client.post(
        reverse("program:practice_rate"), {"peak_suds": 12, "end_suds": 4}
    )
    assert response.status_code == 302
    assert Trial.objects.get(client=client_user).duration_s == 20.0


def test_relaxation_ratings_must_be_chosen(client_client: Any) -> None:
    response = client_client.post(reverse("program:relax"), {"kind": "pmr7", "after": 5})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not RelaxationExercise.objects.exists()
