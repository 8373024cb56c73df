"""Crisis lines a clinic owns: admin-only pages, audited changes, truthful verification."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from lacrima.web.audit.models import AuditEntry
from lacrima.web.config import DEFAULT_CRISIS_FILE
from lacrima.web.core import crisis
from lacrima.web.core.models import CrisisLine

pytestmark = pytest.mark.django_db

NZ = {
    "region": "nz",
    "name": "Need to talk? 1737",
    "kind": "crisis_line",
    "phone": "1737",
    "text": "1737",
    "hours": "24/7",
    "url": "https://1737.org.nz/",
}


def _audit(what: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(category="crisis_resources", what__contains=what))


@pytest.mark.parametrize(
    ("name", "kwargs", "method"),
    [
        ("core:crisis_lines", {}, "get"),
        ("core:crisis_line_new", {}, "get"),
        ("core:crisis_line_new", {}, "post"),
        ("core:crisis_line_edit", {"pk": 0}, "post"),
        ("core:crisis_line_verify", {"pk": 0}, "post"),
        ("core:crisis_bundled_adopt", {}, "post"),
    ],
)
def test_only_a_clinic_admin_reaches_the_pages(
    name: str, kwargs: dict[str, Any], method: str, make_user: Any, client_of: Any
) -> None:
    line = CrisisLine.objects.create(region="NZ", name="x", phone="1737", url="https://x.nz/")
    kwargs = {"pk": line.pk} if "pk" in kwargs else {}
    url = reverse(name, kwargs=kwargs or None)
    data = {**NZ, "key": "AU:Lifeline Australia", "verify": "1"}
    for role in ("client", "therapist"):
        response = getattr(client_of(make_user(role=role)), method)(url, data)
        assert response.status_code == 403, (name, role)
    anonymous = getattr(client_of(None), method)(url, data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert not AuditEntry.objects.filter(category="crisis_resources").exists()
    assert CrisisLine.objects.count() == 1  # nothing stored by the refused requests
    admin = getattr(client_of(make_user(role="admin")), method)(url, data)
    assert admin.status_code in (200, 302)


def test_add_edit_verify_are_audited_and_shown_truthfully(
    admin_user: Any, client_of: Any, settings: Any
) -> None:
    settings.LACRIMA_LOCALE = "en-NZ"
    admin = client_of(admin_user)
    assert admin.post(reverse("core:crisis_line_new"), NZ).status_code == 302
    line = CrisisLine.objects.get()
    assert line.region == "NZ" and line.verified_on is None
    assert len(_audit("crisis line added: NZ Need to talk? 1737")) == 1

    page = client_of(None).get("/crisis/").content.decode()
    assert 'href="tel:1737"' in page and 'href="sms:1737"' in page
    assert "not yet verified by this clinic" in page

    admin.post(reverse("core:crisis_line_verify", kwargs={"pk": line.pk}))
    line.refresh_from_db()
    assert line.verified_on is not None and line.verified_by == admin_user
    assert len(_audit("crisis line verified")) == 1
    page = client_of(None).get("/crisis/").content.decode()
    assert f"by {admin_user.display_name}" in page and "verified at the service" in page

    edit = reverse("core:crisis_line_edit", kwargs={"pk": line.pk})
    assert admin.post(edit, {**NZ, "hours": "every day"}).status_code == 302
    line.refresh_from_db()
    assert line.hours == "every day" and line.verified_on is None  # a change un-verifies
    assert len(_audit("crisis line changed")) == 1
    assert all(e.actor == admin_user for e in _audit("crisis line"))


@pytest.mark.parametrize(
    "bad",
    [
        {**NZ, "phone": "", "text": ""},
        {**NZ, "phone": "call us"},
        {**NZ, "region": "New Zealand"},
        {**NZ, "url": "not a site"},
    ],
)
def test_a_bad_entry_is_refused_and_nothing_is_stored(
    bad: dict[str, str], admin_user: Any, client_of: Any
) -> None:
    response = client_of(admin_user).post(reverse("core:crisis_line_new"), bad)
    assert response.status_code == 400
    assert not CrisisLine.objects.exists()
    assert not AuditEntry.objects.filter(category="crisis_resources").exists()


def test_verifying_a_bundled_entry_replaces_it(admin_user: Any, client_of: Any) -> None:
    url = reverse("core:crisis_bundled_adopt")
    client_of(admin_user).post(url, {"key": "AU:Lifeline Australia", "verify": "1"})
    lifelines = [r for r in crisis.resources_for("AU") if r.name == "Lifeline Australia"]
    assert len(lifelines) == 1 and lifelines[0].is_verified
    assert lifelines[0].text == "0477 13 11 14"
    assert _audit("taken over") and _audit("verified")
    response = client_of(admin_user).post(url, {"key": "XX:nothing"}, follow=True)
    assert "no bundled crisis entry" in response.content.decode()


def test_bundled_entries_never_claim_a_check_at_the_source() -> None:
    raw = json.loads(DEFAULT_CRISIS_FILE.read_text(encoding="utf-8"))["resources"]
    for entry in raw:
        assert "not verified at the service's own site" in entry["checked_against"], entry
    for resource in crisis.load_resources(DEFAULT_CRISIS_FILE):
        assert not resource.is_verified


def test_text_lines_shipped() -> None:
    texts = {(r.locale, r.text) for r in crisis.load_resources(DEFAULT_CRISIS_FILE)}
    assert ("AU", "0477 13 11 14") in texts and ("GB", "85258") in texts


def test_the_public_page_is_honest_and_mentions_real_time(client: Any) -> None:
    page = client.get("/crisis/").content.decode()
    assert "free or low-cost" in page
    assert "not watched in real time" in page
    assert "not yet verified by this clinic" in page
    assert "checked there" not in page and "comes from the service's own website" not in page


@pytest.mark.parametrize(
    ("header", "number"),
    [
        ("en-AU,en;q=0.9", "13 11 14"),
        ("en-GB", "116 123"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "112"),
        ("de;q=0.9, en-IE;q=0.8", "116 123"),
    ],
)
def test_the_region_comes_from_the_browser_language(client: Any, header: str, number: str) -> None:
    page = client.get("/crisis/", HTTP_ACCEPT_LANGUAGE=header).content.decode()
    local = page.split('id="local-heading"', 1)[1].split("<details>", 1)[0]
    assert number in local


def test_the_picker_overrides_the_browser_and_an_unlisted_region_is_honest(client: Any) -> None:
    page = client.get("/crisis/?region=AU", HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
    local = page.split('id="local-heading"', 1)[1].split("<details>", 1)[0]
    assert "13 11 14" in local and "116 123" not in local
    page = client.get("/crisis/", HTTP_ACCEPT_LANGUAGE="en-NZ").content.decode()
    assert '<select id="region" name="region">' in page  # the picker is always there
    nz = client.get("/crisis/?region=NZ").content.decode()
    assert "no lines listed yet" in nz and "Call your local emergency number" in nz
