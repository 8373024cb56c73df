"""The demo sessions of the records app: a simulated one first, a real wrist recording second.

A therapist who opens the demo client sees, most recent first:

1. a **simulated** session (:func:`lacrima.sim.simulate_session`, ECG, EDA and breathing
   at 250 Hz) holding one complete S-peak-P cycle, labelled as simulated in the session
   notes and in the recording's name; it shows what the S-P model is for. It is made
   afresh, deterministically (fixed seed), when the demo loads: no data file ships;
2. the **real** Empatica E4 recording of ``demo_data/e4_demo_session.zip`` (Stress-Predict
   participant S14; nobody cries in it), whose wrist pulse is disturbed for most of it;
   it shows what the report looks like on real wrist data, gaps included;
3. one planned session.

Both recordings are analysed in this process (``run_now``), so their reports are ready
when the therapist opens them. The parameters are explained in
``docs/decisions/0013k-demo-simulated-session.md``.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import timezone

from lacrima.sim import CycleSpec, SimSession, simulate_session
from lacrima.web.records.models import SessionMarker, SessionRecord, Upload

if TYPE_CHECKING:
    from lacrima.web.accounts.models import User

__all__ = [
    "E4_FILE",
    "SIM_FILE_NAME",
    "SIM_LABEL",
    "load_demo",
    "simulate_demo_session",
]

SIM_LABEL = "Simulated demo session — not a real person"
"""Shown first in the simulated session's notes and (as its file name) on its report."""
SIM_FILE_NAME = "Simulated demo session (not a real person).csv"
"""Upload file names allow letters, digits, spaces and ``._-+()`` only (no em dash)."""

E4_FILE = Path(__file__).with_name("demo_data") / "e4_demo_session.zip"

# The simulated session: 20 minutes, a 3-minute calm baseline, one complete cycle whose
# S-phase rises for 3 minutes from 6:00 to a peak at 9:00, held for 20 s before the shift
# to the P-phase (see the decision record for each number).
SIM_SEED = 3
SIM_DURATION_S = 1200.0
SIM_FS_HZ = 250.0
SIM_BASELINE_S = 180.0
SIM_CYCLE = CycleSpec(
    s_onset_s=360.0,
    rise_s=180.0,
    peak_height=1.0,
    hold_s=20.0,
    kind="complete",
    p_depth=1.0,
    s_decay_s=60.0,
    p_rise_s=60.0,
)
# The therapist's markers of the simulated session: label, time after the peak or the
# P onset, note.
_TEARS_AFTER_PEAK_S = 10.0
_RELIEF_AFTER_P_ONSET_S = 45.0

SIM_NOTES = (
    f"{SIM_LABEL}. The recording was made by Lacrima's simulator (ECG, skin conductance "
    "and breathing), not by a sensor on a person: a calm start, then one S-P cycle — "
    "arousal rising for three minutes to a peak around 9:00, then a shift to calming, "
    "with a vagal rebound, and a return to baseline. It shows what the S-P report looks "
    "like when the sequence is there. The markers (baseline, tears, relief) are where a "
    "therapist might have set them."
)
E4_NOTES = (
    "Second example: a real wrist recording. 20 minutes of an Empatica E4 wristband from "
    "the Stress-Predict dataset (participant S14): relaxation, a 10-minute interview (a "
    "stress task), relaxation again. Nobody cries in it. A wrist pulse is often disturbed "
    "by movement and talking, and here it is for most of the recording: the heart-rate "
    "variability that shows calming could be measured only in short stretches, so the "
    "report marks the arousal episode it finds as 'undetermined' and lists the gaps. "
    "That is how the report should look when a signal is missing. See "
    "demo_data/SOURCE.md."
)


def simulate_demo_session(start_time: datetime | None = None) -> SimSession:
    """The simulated demo session (the same samples on every call).

    Parameters
    ----------
    start_time : datetime, optional
        Wall-clock start of the recording (tz-aware); it moves the clock only.

    Returns
    -------
    lacrima.sim.SimSession
        The recording (no markers: the demo sets them as the therapist's) and its truth.
    """
    return simulate_session(
        SIM_DURATION_S,
        fs=SIM_FS_HZ,
        channels=("ecg", "eda", "resp"),
        cycles=[SIM_CYCLE],
        noise=1.0,
        baseline_s=SIM_BASELINE_S,
        mark_baseline=False,
        mark_tears=False,
        start_time=start_time,
        seed=SIM_SEED,
    )


def _demo_done(client: User, name: str) -> bool:
    return Upload.objects.filter(
        session__client=client, primary=name, status=Upload.Status.DONE
    ).exists()


def _store(record: SessionRecord, path: Path, content_type: str) -> None:
    """Stage the file at ``path`` (moved) and analyse it now, as an upload of ``record``."""
    from lacrima.web.records import services
    from lacrima.web.records.storage import StagedFile

    services.store_uploads(
        record, [StagedFile(path, path.name, path.stat().st_size, content_type)], run_now=True
    )


def _load_simulated(client: User, therapist: User, starts_at: datetime) -> None:
    from lacrima.web.records.storage import stage_folder

    record = SessionRecord.objects.create(
        client=client, therapist=therapist, starts_at=starts_at, duration_min=50, notes=SIM_NOTES
    )
    session = simulate_demo_session(start_time=starts_at.astimezone(UTC))
    (cycle,) = session.truth.cycles
    p_onset = cycle.p_onset_s if cycle.p_onset_s is not None else cycle.peak_s
    for time_s, label, note in (
        (0.0, "baseline_start", "Calm start"),
        (SIM_BASELINE_S, "baseline_end", ""),
        (cycle.peak_s + _TEARS_AFTER_PEAK_S, "tears", "Tears (simulated)"),
        (p_onset + _RELIEF_AFTER_P_ONSET_S, "relief", "Says it feels lighter (simulated)"),
    ):
        SessionMarker.objects.create(
            session=record, time_s=time_s, label=label, note=note, created_by=therapist
        )
    staged = stage_folder() / SIM_FILE_NAME
    session.write(staged)
    _store(record, staged, "text/csv")


def _load_e4(client: User, therapist: User, starts_at: datetime) -> None:
    from lacrima.web.records.storage import stage_folder

    record = SessionRecord.objects.create(
        client=client, therapist=therapist, starts_at=starts_at, duration_min=50, notes=E4_NOTES
    )
    SessionMarker.objects.create(
        session=record, time_s=186.0, label="note", note="Interview begins", created_by=therapist
    )
    staged = stage_folder() / E4_FILE.name
    shutil.copyfile(E4_FILE, staged)
    _store(record, staged, "application/zip")


def load_demo(users: dict[str, User]) -> None:
    """Add the demo client's sessions with the demo therapist (idempotent).

    A simulated session three days ago, the real E4 session ten days ago (each only if
    its analysed recording is missing) and one session planned in a week. The demo
    client shares ``sessions`` with the demo therapist (granted here when the client
    never decided), so both see them.
    """
    from lacrima.web.accounts.models import Consent, TherapistLink

    client, therapist = users["client"], users["therapist"]
    link = TherapistLink.objects.filter(client=client, therapist=therapist).first()
    if link is not None:
        Consent.objects.get_or_create(link=link, category="sessions", defaults={"granted": True})
    today = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    if not _demo_done(client, SIM_FILE_NAME):
        _load_simulated(client, therapist, today - timedelta(days=3))
    if not _demo_done(client, E4_FILE.name):
        _load_e4(client, therapist, today - timedelta(days=10))
    if not SessionRecord.objects.filter(
        client=client, therapist=therapist, starts_at__gt=timezone.now()
    ).exists():
        SessionRecord.objects.create(
            client=client,
            therapist=therapist,
            starts_at=today + timedelta(days=7),
            duration_min=50,
        )
