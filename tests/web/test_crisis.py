"""Crisis resources: the data file is complete, the page is public and linked everywhere."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from lacrima.errors import ConfigError
from lacrima.web.config import DEFAULT_CRISIS_FILE
from lacrima.web.core import crisis

# The crisis list includes the clinic's own entries, kept in the database.
pytestmark = pytest.mark.django_db


def test_every_entry_has_a_source_a_date_and_a_number():
    raw = json.loads(DEFAULT_CRISIS_FILE.read_text(encoding="utf-8"))["resources"]
    assert raw
    for entry in raw:
        assert entry["source"].startswith("https://"), entry
        assert entry["url"].startswith("https://"), entry
        assert entry["last_checked"], entry
        assert (entry.get("phone") or "").strip() or (entry.get("text") or "").strip(), entry
    # and the loader, which checks formats, accepts it
    assert len(crisis.load_resources(DEFAULT_CRISIS_FILE)) == len(raw)


@pytest.mark.parametrize(
    ("locale", "numbers"),
    [
        ("en-US", {"988", "911"}),
        ("en-CA", {"988", "911"}),
        ("en-GB", {"116 123", "999"}),
        ("en-IE", {"116 123", "112"}),
        ("en-AU", {"13 11 14", "000"}),
        ("de-DE", {"112"}),
    ],
)
def test_the_starting_numbers_by_locale(locale, numbers):
    found = {r.phone for r in crisis.resources_for(locale)}
    assert numbers <= found


def test_crisis_lines_come_before_emergency_numbers():
    kinds = [r.kind for r in crisis.resources_for("US")]
    assert kinds == sorted(kinds, key=lambda k: k == "emergency")


def test_another_file_can_be_configured(settings, tmp_path):
    path = tmp_path / "crisis.json"
    entry = {
        "locale": "NZ",
        "name": "Need to talk? 1737",
        "kind": "crisis_line",
        "phone": "1737",
        "text": "1737",
        "url": "https://1737.org.nz/",
        "source": "https://1737.org.nz/",
        "last_checked": "2025-01-01",
    }
    path.write_text(json.dumps({"resources": [entry]}))
    settings.LACRIMA_CRISIS_FILE = path
    assert [r.phone for r in crisis.resources_for("en-NZ")] == ["1737"]


@pytest.mark.parametrize(
    "broken",
    [
        {"locale": "US", "name": "x", "kind": "crisis_line", "phone": "988", "url": "https://x"},
        {
            "locale": "US",
            "name": "x",
            "kind": "crisis_line",
            "phone": "",
            "text": "",
            "url": "https://x",
            "source": "https://x",
            "last_checked": "2025-01-01",
        },
        {
            "locale": "US",
            "name": "x",
            "kind": "crisis_line",
            "phone": "call us",
            "url": "https://x",
            "source": "https://x",
            "last_checked": "2025-01-01",
        },
    ],
)
def test_an_incomplete_entry_is_refused(tmp_path, broken):
    path = tmp_path / "crisis.json"
    path.write_text(json.dumps({"resources": [broken]}))
    with pytest.raises(ConfigError, match="entry 0"):
        crisis.load_resources(path)


def test_crisis_page_needs_no_login_and_shows_local_numbers(client, settings):
    settings.LACRIMA_LOCALE = "en-GB"
    response = client.get(reverse("core:crisis"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "116 123" in html and 'href="tel:116123"' in html
    assert "988" in html  # all regions are listed further down


def test_visitor_can_pick_another_region(client):
    html = client.get(reverse("core:crisis") + "?region=AU").content.decode()
    assert "Australia" in html and "13 11 14" in html


@pytest.mark.parametrize("path", ["/", "/login/", "/crisis/", "/no-such-page/"])
def test_every_page_links_to_crisis_resources(client, path):
    html = client.get(path).content.decode()
    assert 'href="/crisis/"' in html
