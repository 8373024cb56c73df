"""The program API: validation at the edge, practice steps, rules, export and demo."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lacrima.web import registry
from lacrima.web.program import services
from lacrima.web.program.models import HierarchyItem, RelaxationExercise, Trial

pytestmark = pytest.mark.django_db
BASE = "/api/v1/program"


def _send(c: Any, method: str, url: str, body: Any = None) -> Any:
    return c.generic(method, url, json.dumps(body or {}), content_type="application/json")


def _program_url(user: Any, tail: str = "") -> str:
    return f"{BASE}/clients/{user.username}{tail}"


def _state(user: Any) -> tuple:
    items = list(HierarchyItem.objects.filter(client=user).values_list("pk", "position", "suds"))
    return items, services.load(user).program.state, Trial.objects.filter(client=user).count()


def test_get_program_lists_steps_and_rules(client_client: Any, client_user: Any) -> None:
    services.use_template(client_user)
    data = client_client.get(_program_url(client_user)).json()
    assert data["total"] == 12 and data["phase"] == "idle"
    assert data["items"][0]["status"] == "current"
    assert data["rules"]["consecutive_passes"] == 3


def test_add_step_and_suds_140(client_client: Any, client_user: Any) -> None:
    response = _send(
        client_client, "POST", _program_url(client_user, "/items"), {"text": "a", "suds": 20}
    )
    assert response.status_code == 201
    before = _state(client_user)
    response = _send(
        client_client, "POST", _program_url(client_user, "/items"), {"text": "b", "suds": 140}
    )
    assert response.status_code == 422
    assert "suds" in json.dumps(response.json())
    assert _state(client_user) == before


@pytest.mark.parametrize("body", [{"suds": -1}, {"suds": 101}, {"text": ""}, {"text": "x" * 301}])
def test_patch_refuses_bad_values(client_client: Any, client_user: Any, body: dict) -> None:
    services.add_item(client_user, "scene", 10)
    item_id = services.load(client_user).program.hierarchy.ids[0]
    before = _state(client_user)
    response = _send(client_client, "PATCH", _program_url(client_user, f"/items/{item_id}"), body)
    assert response.status_code == 422
    assert _state(client_user) == before


def test_patch_and_delete(client_client: Any, client_user: Any) -> None:
    services.add_item(client_user, "scene", 10)
    item_id = services.load(client_user).program.hierarchy.ids[0]
    url = _program_url(client_user, f"/items/{item_id}")
    assert _send(client_client, "PATCH", url, {"suds": 25}).json()["items"][0]["suds"] == 25
    assert _send(client_client, "DELETE", url).json()["total"] == 0
    assert _send(client_client, "DELETE", url).status_code == 404


def test_order_refuses_duplicates_and_gaps(client_client: Any, client_user: Any) -> None:
    for i in range(3):
        services.add_item(client_user, f"scene {i}", 10 * i)
    a, b, c = services.load(client_user).program.hierarchy.ids
    url = _program_url(client_user, "/order")
    before = _state(client_user)
    response = _send(client_client, "PUT", url, {"order": [a, a, b]})
    assert response.status_code == 422
    assert "repeated" in json.dumps(response.json())
    response = _send(client_client, "PUT", url, {"order": [a, b]})
    assert response.status_code == 400
    assert "leaves out" in response.json()["detail"]
    assert _state(client_user) == before
    response = _send(client_client, "PUT", url, {"order": [c, a, b]})
    assert [i["id"] for i in response.json()["items"]] == [c, a, b]


def test_practice_through_the_api(client_client: Any, client_user: Any) -> None:
    services.add_item(client_user, "scene", 10)
    start = _send(client_client, "POST", f"{BASE}/practice/start").json()
    assert start["program"]["phase"] == "relaxing"
    outcomes = []
    for _ in range(3):
        _send(client_client, "POST", f"{BASE}/practice/scene", {"expectancy_pct": 30})
        body = {"peak_suds": 5, "end_suds": 0, "duration_s": 18.0}
        outcomes.append(_send(client_client, "POST", f"{BASE}/practice/rate", body).json())
    assert [o["outcome"] for o in outcomes] == ["calm", "calm", "passed"]
    assert outcomes[-1]["program"]["complete"] is True
    trials = client_client.get(_program_url(client_user, "/trials")).json()
    assert [t["peak_suds"] for t in trials] == [5, 5, 5]
    progress = client_client.get(_program_url(client_user, "/progress")).json()
    assert progress["passed_count"] == 1 and progress["items"][0]["end_suds"] == [0, 0, 0]


@pytest.mark.parametrize(
    "body",
    [
        {"peak_suds": 140, "end_suds": 0, "duration_s": 10},
        {"peak_suds": 10, "end_suds": 20, "duration_s": 10},
        {"peak_suds": 10, "end_suds": 0, "duration_s": -1},
        {"peak_suds": 10, "end_suds": 0, "duration_s": 7200},
    ],
)
def test_bad_ratings_are_422_and_store_nothing(
    client_client: Any, client_user: Any, body: dict
) -> None:
    services.add_item(client_user, "scene", 10)
    services.start_session(client_user)
    services.begin_scene(client_user, 50)
    before = _state(client_user)
    response = _send(client_client, "POST", f"{BASE}/practice/rate", body)
    assert response.status_code == 422
    assert _state(client_user) == before


def test_a_step_out_of_turn_is_a_conflict(client_client: Any, client_user: Any) -> None:
    services.add_item(client_user, "scene", 10)
    body = {"peak_suds": 10, "end_suds": 0, "duration_s": 10}
    response = _send(client_client, "POST", f"{BASE}/practice/rate", body)
    assert response.status_code == 409
    assert "no scene to rate" in response.json()["detail"]
    assert _send(client_client, "POST", f"{BASE}/practice/stop").status_code == 200


def test_rules_by_therapist_only(
    client_client: Any, client_user: Any, therapist_user: Any, link: Any, client_of: Any
) -> None:
    link(client_user, therapist_user, consents=["program"])
    url = _program_url(client_user, "/rules")
    assert _send(client_client, "PUT", url, {"consecutive_passes": 2}).status_code == 403
    therapist = client_of(therapist_user)
    bad = _send(therapist, "PUT", url, {"pass_threshold_suds": 50, "stop_threshold_suds": 20})
    assert bad.status_code == 422
    assert _send(therapist, "PUT", url, {"scene_s": -3}).status_code == 422
    ok = _send(therapist, "PUT", url, {"consecutive_passes": 2, "criterion": "end"})
    assert ok.status_code == 200
    assert ok.json()["rules"]["criterion"] == "end"
    assert services.load(client_user).program.rules.consecutive_passes == 2


def test_relaxation_api(client_client: Any, client_user: Any) -> None:
    url = f"{BASE}/relaxation"
    good = {"kind": "pmr4", "before": 2, "after": 6, "duration_s": 300}
    assert _send(client_client, "POST", url, good).status_code == 201
    for bad in ({**good, "before": 11}, {**good, "duration_s": -1}, {**good, "kind": "x"}):
        assert _send(client_client, "POST", url, bad).status_code == 422
    assert [r["after"] for r in client_client.get(url).json()] == [6]
    assert RelaxationExercise.objects.count() == 1


def test_export_and_demo(client_user: Any, therapist_user: Any, admin_user: Any) -> None:
    from lacrima.web.program.exports import load_demo

    users = {"client": client_user, "therapist": therapist_user, "admin": admin_user}
    load_demo(users)
    load_demo(users)  # idempotent
    exports = registry.exporters()
    steps = exports["program_steps"](client_user)
    assert len(steps) == 12
    trials = exports["program_trials"](client_user)
    assert [t["outcome"] for t in trials] == ["not_yet", "calm", "calm"]
    assert len(exports["program_relaxation"](client_user)) == 2
    assert exports["program_rules"](client_user)[0]["rule_consecutive_passes"] == 3
    json.dumps([steps, trials])


def test_openapi_documents_the_program(client_client: Any) -> None:
    doc = client_client.get("/api/v1/openapi.json").json()
    paths = [p for p in doc["paths"] if p.startswith("/api/v1/program/")]
    assert "/api/v1/program/clients/{username}/order" in paths
    assert "/api/v1/program/practice/rate" in paths
