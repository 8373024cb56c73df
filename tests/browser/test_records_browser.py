"""Session records in Chromium, end to end, with the real background worker.

A therapist records a session, uploads a recording, watches the progress and reads the
S-P report (phases, timeline), adds a ``tears`` marker and re-runs the analysis; the
client sees the plain-language version while sharing ``sessions`` and nothing once they
stop. Screenshots of the report and the dashboard go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from lacrima.cli.worker import start_worker_process, stop_worker_process
from lacrima.web.accounts.models import Consent

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ANALYSIS_TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20-minute simulated session with one S-P cycle (gzip CSV, about 1.2 MB)."""
    from lacrima.sim import simulate_session
    from lacrima.sim.export import write_recording

    sim = simulate_session(
        1200.0,
        fs=64,
        seed=2,
        n_cycles=1,
        channels=("ecg", "eda", "resp"),
        mark_tears=False,
        mark_baseline=False,
    )
    return write_recording(sim.recording, tmp_path_factory.mktemp("browser-sim") / "session.csv.gz")


@pytest.fixture
def worker(live_server: Any) -> Any:
    """``lacrima worker`` in a child process, on the live server's database."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        url = (
            f"postgresql://{db['USER']}{password}@{db.get('HOST') or '127.0.0.1'}:"
            f"{db.get('PORT') or 5432}/{db['NAME']}"
        )
    env = dict(os.environ)
    env.update(
        LACRIMA_DATA_DIR=str(settings.LACRIMA_DATA_DIR),
        LACRIMA_DATABASE_URL=url,
        LACRIMA_ENCRYPTION_KEY=settings.LACRIMA_ENCRYPTION_KEYS[0],
        LACRIMA_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", "lacrima.web.settings"),
    )
    proc = start_worker_process(env)
    yield proc
    stop_worker_process(proc)


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _wait_for_report(page: Any) -> None:
    page.get_by_role("heading", name="S-P report").wait_for(timeout=ANALYSIS_TIMEOUT_MS)
    page.wait_for_selector("#sp-timeline[data-ready='true'] canvas")


def test_session_upload_report_marker_and_client_view(
    page: Any,
    worker: Any,
    recording: Path,
    make_user: Any,
    link: Any,
    sign_in: Any,
    assert_accessible: Any,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    alice = make_user(role="client", username="alice", first_name="Alice")
    tan = make_user(role="therapist", username="dr_tan", first_name="Robin", last_name="Tan")
    link(alice, tan, consents=["sessions", "diary", "screening"])

    sign_in(page, "dr_tan")
    page.goto("/records/")
    page.get_by_role("link", name="Alice").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record a session").click()
    page.get_by_label("Length (minutes)").fill("50")
    page.get_by_label("Notes").fill("Talked about her father; tears near the end.")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", name="Session with Alice").is_visible()
    assert_accessible(page)

    page.get_by_label("Recording file(s)").set_input_files(str(recording))
    page.get_by_role("button", name="Upload and analyse").click()
    page.wait_for_url("**/records/u/*/")
    status = page.locator(".upload-status")
    assert status.get_attribute("hx-get"), "the page polls while the analysis runs"
    assert page.locator("progress").count() == 1
    _wait_for_report(page)
    phases = page.locator("section", has=page.get_by_role("heading", name="Phases"))
    assert phases.get_by_text("S-phase (arousal rising)").count() >= 1
    assert phases.get_by_text("Baseline (calm reference)").count() >= 1
    assert_accessible(page)

    page.get_by_label("Time (m:ss from the recording start)").fill("9:40")
    page.get_by_label("What happened").select_option("tears")
    page.get_by_role("button", name="Add marker").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="Tears", exact=True).is_visible()
    assert page.get_by_text("Markers changed since this report").is_visible()
    page.get_by_role("button", name="Re-run the analysis").click()
    page.wait_for_load_state()
    page.wait_for_selector(".upload-status[hx-get]", state="detached", timeout=ANALYSIS_TIMEOUT_MS)
    _wait_for_report(page)
    cycles = page.locator("section", has=page.get_by_role("heading", name="Cycles"))
    assert cycles.get_by_text("tears 9:40").count() == 1, "the marker is part of the cycle now"
    page.screenshot(path=str(ARTIFACTS / "records-report.png"), full_page=True)
    assert_accessible(page)

    page.goto("/records/")
    page.screenshot(path=str(ARTIFACTS / "records-dashboard.png"), full_page=True)
    assert_accessible(page)
    assert page.console_errors == [], page.console_errors
    _sign_out(page)

    sign_in(page, "alice")
    page.goto("/records/mine/")
    assert page.get_by_text("The sensors showed your body").first.is_visible()
    assert page.get_by_text("Talked about her father").count() == 0
    assert page.get_by_text("Sympathetic").count() == 0
    page.screenshot(path=str(ARTIFACTS / "records-client-plain.png"), full_page=True)
    assert_accessible(page)

    Consent.objects.filter(link__client=alice, category="sessions").update(granted=False)
    page.reload()
    assert page.get_by_text("The sensors showed your body").count() == 0
    assert page.get_by_role("link", name="your sharing page").is_visible()
    assert page.console_errors == [], page.console_errors
