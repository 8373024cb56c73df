"""Malformed and oversized API bodies get clear messages and change nothing."""

from __future__ import annotations

import json

import pytest

from lacrima.web.accounts.models import Consent

pytestmark = pytest.mark.django_db
URL = "/api/v1/consents/dr_tan"


@pytest.fixture
def row(client_user, therapist_user, link):
    return link(client_user, therapist_user, consents=["diary"])


def _put(c, body):
    return c.put(URL, body, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        '{"shared": ["dreams"]}',
        '{"shared": "diary"}',
        '{"shared": [1, 2]}',
        json.dumps({"shared": ["diary"] * 7}),
    ],
)
def test_invalid_bodies_are_422_with_details(client_client, row, body):
    response = _put(client_client, body)
    assert response.status_code == 422
    assert response.json()["detail"]
    assert row.shared_categories() == ["diary"]


def test_malformed_json_is_400(client_client, row):
    response = _put(client_client, '{"shared": [')
    assert response.status_code == 400
    assert "parse" in response.json()["detail"].lower()
    assert row.shared_categories() == ["diary"]


def test_oversized_body_is_413(client_client, row, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _put(client_client, json.dumps({"shared": [], "pad": "x" * 5000}))
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert row.shared_categories() == ["diary"]


def test_unknown_therapist_is_404(client_client, row):
    response = client_client.put(
        "/api/v1/consents/nobody", '{"shared": []}', content_type="application/json"
    )
    assert response.status_code == 404
    assert Consent.objects.filter(granted=True).count() == 1


def test_oversized_form_post_is_400(client_client, row, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client_client.post("/account/profile/", {"note": "x" * 5000})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    row.client.profile.refresh_from_db()
    assert row.client.profile.note == ""


def test_openapi_document_is_public_and_lists_operations(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/consents/{therapist}" in doc["paths"]
    fields = {
        name
        for schema in doc["components"]["schemas"].values()
        for name in schema.get("properties", {})
    }
    assert not {f for f in fields if "password" in f or "token" in f or "hash" in f}
