"""Request factories for the access-matrix test (``tests/web/test_access_matrix.py``).

The matrix test finds every route by itself. It needs help only where it cannot guess
the request: a URL kwarg other than ``username``, an API path parameter other than
``username``, a POST-only page, a request body, or a marker to check.

Add an entry keyed by

* the URL name with its namespace for a page, e.g. ``"diary:episode"``;
* ``"METHOD /api/v1/path/{param}"`` for an API operation, exactly as the matrix prints
  it, e.g. ``"GET /api/v1/diary/episodes/{episode_id}"``.

The value is a factory ``(owner, users) -> Case | list[Case]``. ``owner`` is a client
who owns the data; build the object(s) the route shows for that owner and return how to
address them. ``users`` maps the matrix roles (``owner``, ``other_client``,
``therapist_consent``, ``therapist_no_consent``, ``therapist_unlinked``, ``admin``) to
users, for the rare route that names one of them (e.g. a therapist's user name).

Defaults without an entry: no URL kwargs → ``Case()``; only a ``username`` kwarg (page)
or path parameter (API) → the owner's user name; an API operation with a ``client``
query parameter → ``?client=<owner>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CASES", "Case", "Factory"]


@dataclass
class Case:
    """How to request one route for one owner.

    Attributes
    ----------
    kwargs : URL kwargs (pages) or path parameters (API).
    query : query-string parameters.
    method : HTTP method for pages (API operations use their own method).
    data : form fields (pages) or JSON body (API) for unsafe methods.
    shape : ``"subject"`` when the request names the owner or one of their objects,
        ``"own"`` when it is about the signed-in user; default: ``"subject"`` if
        ``kwargs`` or ``query`` is given, else ``"own"``.
    marker : text from the owner's data that must appear in the owner's (and the
        consenting therapist's) successful responses and never in anyone else's.
    expect : overrides of the expected answer per role, e.g. ``{"other_client": 404}``
        (values: ``"ok"``, ``"login"``, or a status code).
    absent : text from the owner's data that must appear in nobody's response (data of
        a category the route's consenting therapist is not given).
    audit_rows : audit entries a consenting therapist's successful read writes (one
        read, one row); ``None`` for a page that writes one per category it shows.
    """

    kwargs: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    method: str = "get"
    data: dict[str, Any] | None = None
    shape: str = ""
    marker: str = ""
    expect: dict[str, int | str] = field(default_factory=dict)
    absent: str = ""
    audit_rows: int | None = 1

    def resolved_shape(self) -> str:
        """The shape, defaulted from kwargs/query."""
        return self.shape or ("subject" if self.kwargs or self.query else "own")


Factory = Callable[[Any, Mapping[str, Any]], "Case | list[Case]"]


# ------------------------------------------------------------------ foundation entries


def _invitation(owner: Any, users: Mapping[str, Any]) -> Case:
    from lacrima.web.accounts.services import create_invitation

    _, secret = create_invitation(users["therapist_consent"])
    return Case(kwargs={"secret": secret})


def _own_post(owner: Any, users: Mapping[str, Any]) -> Case:
    return Case(method="post", data={})


def _consents_put(owner: Any, users: Mapping[str, Any]) -> Case:
    return Case(
        kwargs={"therapist": users["therapist_consent"].username},
        data={"shared": ["diary", "checkins", "worksheets", "program", "screening", "sessions"]},
        shape="own",
        expect={"other_client": 404},
    )


def _profile_card(owner: Any, users: Mapping[str, Any]) -> Case:
    from lacrima.web.accounts.models import ClientProfile

    ClientProfile.objects.update_or_create(user=owner, defaults={"note": "marker-note-7731"})
    return Case(kwargs={"username": owner.username}, marker="marker-note-7731")


def _own_profile(owner: Any, users: Mapping[str, Any]) -> Case:
    from lacrima.web.accounts.models import ClientProfile

    ClientProfile.objects.update_or_create(user=owner, defaults={"note": "marker-note-8842"})
    return Case(marker="marker-note-8842")


CASES: dict[str, Factory] = {
    "accounts:accept": _invitation,
    "accounts:new_code": _own_post,
    "accounts:invite": _own_post,
    "accounts:redeem": lambda owner, users: Case(method="post", data={"code": "ABCD-EFGH"}),
    "accounts:client_card": _profile_card,
    "accounts:profile": _own_profile,
    "core:logout": _own_post,
    "PUT /api/v1/consents/{therapist}": _consents_put,
    "GET /api/v1/clients/{username}": _profile_card,
}


# ------------------------------------------------------------- program app entries
# (owned by the program app; see tests/web/test_program_*.py for the behaviour)

PROGRAM_MARKER = "marker-scene-5521"


def _program_step(owner: Any) -> str:
    from lacrima.web.program import services

    services.add_item(owner, f"{PROGRAM_MARKER} alone at home", 10)
    return services.load(owner).program.hierarchy.ids[-1]


def _program_page(owner: Any, users: Mapping[str, Any]) -> Case:
    _program_step(owner)
    return Case(kwargs={"username": owner.username}, marker=PROGRAM_MARKER)


def _program_item_page(owner: Any, users: Mapping[str, Any]) -> Case:
    item_id = _program_step(owner)
    return Case(kwargs={"username": owner.username, "item_id": int(item_id)}, marker=PROGRAM_MARKER)


def _program_index(owner: Any, users: Mapping[str, Any]) -> Case:
    # Therapists get the list of clients who share their program (no program data).
    ok = {"therapist_consent": "ok", "therapist_no_consent": "ok", "therapist_unlinked": "ok"}
    return Case(expect=ok)


def _program_session(phase: str) -> Factory:
    """Own practice steps: both clients get a hierarchy and reach ``phase`` first."""

    def make(owner: Any, users: Mapping[str, Any]) -> Case:
        from lacrima.web.program import services

        for client in (owner, users["other_client"]):
            _program_step(client)
            if phase in ("relaxing", "imagining"):
                services.start_session(client)
            if phase == "imagining":
                services.begin_scene(client, 40)
        data = {
            "idle": {},
            "relaxing": {"expectancy_pct": 40},
            "imagining": {"peak_suds": 20, "end_suds": 10, "duration_s": 20},
        }[phase]
        return Case(method="post", data=data)

    return make


def _program_api_item(owner: Any, users: Mapping[str, Any]) -> Case:
    return Case(
        kwargs={"username": owner.username, "item_id": int(_program_step(owner))},
        data={"suds": 15},
    )


def _program_api_delete(owner: Any, users: Mapping[str, Any]) -> Case:
    # The consenting therapist's DELETE removes the step before the owner's request;
    # the owner's own delete is tested in tests/web/test_program_api.py.
    return Case(
        kwargs={"username": owner.username, "item_id": int(_program_step(owner))},
        expect={"owner": 404},
    )


def _program_api_order(owner: Any, users: Mapping[str, Any]) -> Case:
    first, second = _program_step(owner), _program_step(owner)
    return Case(kwargs={"username": owner.username}, data={"order": [second, first]})


def _program_api_rules(owner: Any, users: Mapping[str, Any]) -> Case:
    # Only a therapist with consent adjusts the rules; the client reads them.
    return Case(
        kwargs={"username": owner.username},
        data={"pass_threshold_suds": 15, "consecutive_passes": 2},
        expect={"owner": 403},
    )


CASES.update(
    {
        "program:index": _program_index,
        "program:overview": _program_page,
        "program:hierarchy": _program_page,
        "program:item_edit": _program_item_page,
        "program:item_delete": _program_item_page,
        "program:practice_start": _program_session("idle"),
        "program:practice_scene": _program_session("relaxing"),
        "program:practice_rate": _program_session("imagining"),
        "program:practice_stop": _program_session("idle"),
        "GET /api/v1/program/clients/{username}": _program_page,
        "POST /api/v1/program/clients/{username}/items": lambda owner, users: Case(
            kwargs={"username": owner.username}, data={"text": "a new scene", "suds": 20}
        ),
        "PATCH /api/v1/program/clients/{username}/items/{item_id}": _program_api_item,
        "DELETE /api/v1/program/clients/{username}/items/{item_id}": _program_api_delete,
        "PUT /api/v1/program/clients/{username}/order": _program_api_order,
        "PUT /api/v1/program/clients/{username}/rules": _program_api_rules,
        "POST /api/v1/program/practice/start": _program_session("idle"),
        "POST /api/v1/program/practice/scene": _program_session("relaxing"),
        "POST /api/v1/program/practice/rate": _program_session("imagining"),
        "POST /api/v1/program/practice/stop": _program_session("idle"),
        "POST /api/v1/program/relaxation": lambda owner, users: Case(
            data={"kind": "breathing", "before": 3, "after": 6, "breaths_per_min": 6}
        ),
    }
)


# --------------------------------------------------------------- diary app entries
# (owned by the diary app: crying diary, body check-ins, worksheets, screening, learn;
# the behaviour is tested in tests/web/test_diary_*.py, test_checkins.py,
# test_worksheets_views.py and test_screening.py)

DIARY_MARKER = "marker-diary-4471"
NO_THERAPIST_WRITES = {"therapist_consent": 403}


def _diary_episode(owner: Any) -> Any:
    from lacrima.web.diary.models import Episode

    return Episode.objects.create(client=owner, kind="cried", intensity=5, note=DIARY_MARKER)


def _diary_own_and_subject(owner: Any, users: Mapping[str, Any]) -> list[Case]:
    _diary_episode(owner)
    return [Case(), Case(query={"client": owner.username})]


def _diary_episode_read(owner: Any, users: Mapping[str, Any]) -> Case:
    return Case(kwargs={"pk": _diary_episode(owner).pk}, marker=DIARY_MARKER)


def _diary_episode_change(marker: str) -> Factory:
    # The edit and delete pages: a therapist who may read the diary still may not change it.
    def make(owner: Any, users: Mapping[str, Any]) -> list[Case]:
        first, second = _diary_episode(owner), _diary_episode(owner)
        return [
            Case(kwargs={"pk": first.pk}, expect=NO_THERAPIST_WRITES, marker=marker),
            Case(kwargs={"pk": second.pk}, method="post", data={"kind": "cried"}),
        ]

    return make


def _diary_export(owner: Any, users: Mapping[str, Any]) -> Case:
    _diary_episode(owner)
    return Case(marker=DIARY_MARKER)  # the other client's export must not hold it


def _diary_post_own(owner: Any, users: Mapping[str, Any]) -> Case:
    return Case(method="post", data={})


def _diary_reminder(owner: Any, users: Mapping[str, Any]) -> Case:
    from datetime import time

    from lacrima.web.diary.models import Reminder

    reminder = Reminder.objects.create(client=owner, label="r", time_of_day=time(8))
    return Case(kwargs={"pk": reminder.pk}, method="post", data={})


def _diary_checkin(owner: Any) -> Any:
    from lacrima.web.diary.models import CheckIn, CheckInRegion

    checkin = CheckIn.objects.create(client=owner, note=DIARY_MARKER)
    CheckInRegion.objects.create(checkin=checkin, region="throat", sensation="lump", intensity=4)
    return checkin


def _diary_worksheet(owner: Any) -> Any:
    from lacrima.web.diary.models import WorksheetEntry

    entry = WorksheetEntry(client=owner, worksheet="growing-up")
    entry.answers = {"first_memory": DIARY_MARKER}
    entry.save()
    return entry


PATTERN_FLAG_MARKER = "marker-pattern-flag-6612"


def _diary_screening(owner: Any, users: Mapping[str, Any]) -> list[Case]:
    """The Questionnaires page with a diary-pattern flag the screening therapist may not see.

    The leak of issue 14: a therapist given ``screening`` but not ``diary`` was shown
    diary-pattern flags here. ``absent`` checks that no viewer's page holds it.
    """
    from lacrima.web.diary.models import Flag

    _diary_episode(owner)
    Flag.objects.create(
        client=owner,
        kind=Flag.Kind.PATTERN_MISMATCH,
        message=f"{PATTERN_FLAG_MARKER} noted crying that did not match their feelings",
    )
    query = {"client": owner.username}
    return [Case(absent=PATTERN_FLAG_MARKER), Case(query=query, absent=PATTERN_FLAG_MARKER)]


def _diary_screening_by_path(owner: Any, users: Mapping[str, Any]) -> Case:
    _diary_screening(owner, users)
    return Case(kwargs={"username": owner.username}, absent=PATTERN_FLAG_MARKER)


def _diary_phq9(owner: Any, users: Mapping[str, Any]) -> Case:
    from lacrima.web.diary.models import Phq9Response

    r = Phq9Response.objects.create(
        client=owner, answers=[1] * 9, total=9, band="mild", item9_positive=True
    )
    return Case(kwargs={"pk": r.pk})


CASES.update(
    {
        "diary:index": _diary_own_and_subject,
        "diary:summary": _diary_own_and_subject,
        "diary:summary_csv": _diary_own_and_subject,
        "diary:moods": _diary_own_and_subject,
        "diary:checkins": _diary_own_and_subject,
        "diary:worksheets": _diary_own_and_subject,
        "diary:screening": _diary_screening,
        "diary:screening[username]": _diary_screening_by_path,
        "diary:episode_detail": _diary_episode_read,
        "diary:episode_edit": _diary_episode_change(DIARY_MARKER),
        "diary:episode_delete": _diary_episode_change(""),
        "diary:export_csv": _diary_export,
        "diary:export_json": _diary_export,
        "diary:moods_delete": _diary_post_own,
        "diary:reminder_close": _diary_reminder,
        "diary:reminder_delete": _diary_reminder,
        "diary:checkin_detail": lambda owner, users: Case(
            kwargs={"pk": _diary_checkin(owner).pk}, marker=DIARY_MARKER
        ),
        "diary:checkin_delete": lambda owner, users: Case(
            kwargs={"pk": _diary_checkin(owner).pk}, method="post", data={}
        ),
        "diary:worksheet_new": lambda owner, users: Case(
            kwargs={"slug": "growing-up"}, shape="own"
        ),
        "diary:worksheet_entry": lambda owner, users: Case(
            kwargs={"pk": _diary_worksheet(owner).pk}, marker=DIARY_MARKER
        ),
        "diary:worksheet_entry_delete": lambda owner, users: Case(
            kwargs={"pk": _diary_worksheet(owner).pk}, method="post", data={}
        ),
        "diary:phq9_result": _diary_phq9,
        "diary:learn_page": lambda owner, users: Case(kwargs={"slug": "why-we-cry"}),
        "GET /api/v1/diary/episodes": lambda owner, users: [
            Case(query={"client": owner.username}, marker=_diary_episode(owner).note),
            Case(marker=DIARY_MARKER),
        ],
        "POST /api/v1/diary/episodes": lambda owner, users: Case(data={"kind": "cried"}),
        "GET /api/v1/diary/episodes/{episode_id}": lambda owner, users: Case(
            kwargs={"episode_id": _diary_episode(owner).pk}, marker=DIARY_MARKER
        ),
        "PUT /api/v1/diary/episodes/{episode_id}": lambda owner, users: Case(
            kwargs={"episode_id": _diary_episode(owner).pk}, data={"kind": "cried"}
        ),
        "PATCH /api/v1/diary/episodes/{episode_id}": lambda owner, users: Case(
            kwargs={"episode_id": _diary_episode(owner).pk}, data={"intensity": 2}
        ),
        "DELETE /api/v1/diary/episodes/{episode_id}": lambda owner, users: Case(
            kwargs={"episode_id": _diary_episode(owner).pk}
        ),
        "GET /api/v1/diary/summary": lambda owner, users: [
            Case(query={"client": owner.username}),
            Case(),
        ],
    }
)


# ------------------------------------------------------------- records app entries
# (owned by the records app: session records, uploads, the S-P report, the therapist
# dashboard; behaviour in tests/web/test_records_*.py and test_dashboard*.py). Only
# therapists write records, so the owner's (client's) writes answer 403; after the
# consenting therapist's delete, the owner's request finds nothing (404).

RECORDS_MARKER = "marker-records-6617"
CLIENT_WRITES_REFUSED = {"owner": 403}
GONE_FOR_OWNER = {"owner": 404}


def _records_session(owner: Any, users: Mapping[str, Any]) -> Any:
    from lacrima.web.records.models import SessionRecord

    return SessionRecord.objects.create(
        client=owner, therapist=users["therapist_consent"], duration_min=50, notes="n"
    )


def _records_upload(owner: Any, users: Mapping[str, Any]) -> Any:
    from lacrima.web.records.models import Report, Upload
    from lacrima.web.records.storage import private_folder

    record = _records_session(owner, users)
    folder = f"{owner.pk}/{record.pk}/case"
    (private_folder(folder) / "rec.csv").write_text("time_s,eda\n0,1\n0.25,1\n")
    upload = Upload.objects.create(
        session=record,
        folder=folder,
        files=["rec.csv"],
        primary="rec.csv",
        format="csv",
        status=Upload.Status.DONE,
        attempt=1,
    )
    data = {
        "recording": {"duration_s": 600.0},
        "baseline": {"start_s": 0.0, "end_s": 300.0, "source": "default"},
        "indices": {"t_s": [0.0, 2.0], "sympathetic": [0.0, 1.0], "parasympathetic": [0.0, 0.5]},
        "phases": [{"label": "baseline", "start_s": 0.0, "end_s": 600.0, "cycle": None}],
        "cycles": [],
        "channels": {},
        "problems": [],
        "markers": [],
        "session": {"kind": "no_arousal"},
        "summary": {"client": RECORDS_MARKER, "therapist": "Therapist summary."},
    }
    Report.objects.create(upload=upload, data=data)
    return upload


def _records_marker(owner: Any, users: Mapping[str, Any]) -> Any:
    from lacrima.web.records.models import SessionMarker

    upload = _records_upload(owner, users)
    return SessionMarker.objects.create(
        session=upload.session, upload=upload, time_s=60.0, label="tears"
    )


def _records_flag(owner: Any) -> Any:
    from lacrima.web.diary.models import Flag

    return Flag.objects.create(client=owner, kind="phq9_item9", message="a prompt")


def _records_pages(make: Callable[[Any, Mapping[str, Any]], Any], post: dict[str, Any]) -> Factory:
    """A GET case (the client may not write: 403) and a POST case for an object page."""

    def factory(owner: Any, users: Mapping[str, Any]) -> list[Case]:
        return [
            Case(kwargs={"pk": make(owner, users).pk}, expect=CLIENT_WRITES_REFUSED),
            Case(
                kwargs={"pk": make(owner, users).pk},
                method="post",
                data=post,
                expect=CLIENT_WRITES_REFUSED,
            ),
        ]

    return factory


def _records_deleting(make: Callable[[Any, Mapping[str, Any]], Any]) -> Factory:
    """Confirmation page (GET) and the delete itself (POST; gone before the owner asks)."""

    def factory(owner: Any, users: Mapping[str, Any]) -> list[Case]:
        return [
            Case(kwargs={"pk": make(owner, users).pk}, expect=CLIENT_WRITES_REFUSED),
            Case(kwargs={"pk": make(owner, users).pk}, method="post", expect=GONE_FOR_OWNER),
        ]

    return factory


def _records_post(make: Callable[[Any, Mapping[str, Any]], Any], data: dict[str, Any]) -> Factory:
    def factory(owner: Any, users: Mapping[str, Any]) -> Case:
        return Case(
            kwargs={"pk": make(owner, users).pk},
            method="post",
            data=data,
            expect=CLIENT_WRITES_REFUSED,
        )

    return factory


def _records_session_new(owner: Any, users: Mapping[str, Any]) -> list[Case]:
    kwargs = {"username": owner.username}
    post = {"starts_at": "2025-03-04T10:00", "duration_min": "50", "notes": "x"}
    return [
        Case(kwargs=kwargs, expect=CLIENT_WRITES_REFUSED),
        Case(kwargs=kwargs, method="post", data=post, expect=CLIENT_WRITES_REFUSED),
    ]


def _records_read(make: Callable[[Any, Mapping[str, Any]], Any], marker: str = "") -> Factory:
    def factory(owner: Any, users: Mapping[str, Any]) -> Case:
        return Case(kwargs={"pk": make(owner, users).pk}, marker=marker)

    return factory


def _records_api(
    make: Callable[[Any, Mapping[str, Any]], Any], key: str, data: dict[str, Any] | None = None
) -> Factory:
    def factory(owner: Any, users: Mapping[str, Any]) -> Case:
        expect = CLIENT_WRITES_REFUSED if data is not None else {}
        return Case(kwargs={key: make(owner, users).pk}, data=data, expect=expect)

    return factory


CASES.update(
    {
        "records:session_new": _records_session_new,
        # One client's page: one audit entry per category it shows.
        "records:client": lambda owner, users: Case(
            kwargs={"username": owner.username}, audit_rows=None
        ),
        "records:flag_ack": _records_post(lambda owner, users: _records_flag(owner), {}),
        "records:session": _records_read(
            lambda owner, users: _records_upload(owner, users).session, RECORDS_MARKER
        ),
        "records:session_edit": _records_pages(
            _records_session, {"starts_at": "2025-03-04T10:00", "duration_min": "45"}
        ),
        "records:session_delete": _records_deleting(_records_session),
        "records:upload_new": _records_post(_records_session, {}),
        "records:marker_add": _records_post(_records_session, {"at": "1:00", "label": "tears"}),
        "records:upload": _records_read(_records_upload, RECORDS_MARKER),
        # Status polling: access checked, nothing audited (the report page was).
        "records:upload_status": lambda owner, users: Case(
            kwargs={"pk": _records_upload(owner, users).pk}, audit_rows=0
        ),
        "records:upload_rerun": _records_post(_records_upload, {}),
        "records:upload_replace": _records_post(_records_upload, {}),
        "records:upload_delete": _records_deleting(_records_upload),
        "records:upload_file_markers": _records_post(_records_upload, {"use": "1"}),
        "records:marker_edit": _records_pages(_records_marker, {"at": "2:00", "label": "relief"}),
        "records:marker_delete": lambda owner, users: Case(
            kwargs={"pk": _records_marker(owner, users).pk}, method="post", expect=GONE_FOR_OWNER
        ),
        "GET /api/v1/records/sessions": lambda owner, users: [
            Case(query={"client": _records_upload(owner, users).session.client.username}),
            Case(marker=RECORDS_MARKER),
        ],
        "POST /api/v1/records/clients/{username}/sessions": lambda owner, users: Case(
            kwargs={"username": owner.username},
            data={"starts_at": "2025-03-04T10:00:00+00:00", "duration_min": 50},
            expect=CLIENT_WRITES_REFUSED,
        ),
        "GET /api/v1/records/sessions/{session_id}": _records_api(
            lambda owner, users: _records_upload(owner, users).session, "session_id"
        ),
        "GET /api/v1/records/recordings/{recording_id}": _records_api(
            _records_upload, "recording_id"
        ),
        "POST /api/v1/records/recordings/{recording_id}/markers": _records_api(
            _records_upload, "recording_id", {"time_s": 60, "label": "tears"}
        ),
        "POST /api/v1/records/recordings/{recording_id}/rerun": _records_api(
            _records_upload, "recording_id", {}
        ),
        "POST /api/v1/records/flags/{flag_id}/acknowledge": _records_api(
            lambda owner, users: _records_flag(owner), "flag_id", {}
        ),
    }
)


# ----------------------------------------------------------- core: clinic crisis lines
# (clinic admins only; behaviour and audit in tests/web/test_safety_crisis_admin.py)

CRISIS_MARKER = "marker-crisis-line-3391"


def _crisis_line(owner: Any, users: Mapping[str, Any]) -> Any:
    from lacrima.web.core.models import CrisisLine

    return CrisisLine.objects.create(
        region="NZ", name=CRISIS_MARKER, phone="1737", url="https://1737.org.nz/"
    )


CASES.update(
    {
        "core:crisis_line_new": lambda owner, users: [
            Case(),
            Case(
                method="post",
                data={
                    "region": "NZ",
                    "name": "Need to talk?",
                    "kind": "crisis_line",
                    "phone": "1737",
                    "text": "1737",
                    "hours": "24/7",
                    "url": "https://1737.org.nz/",
                },
            ),
        ],
        "core:crisis_line_edit": lambda owner, users: [
            Case(kwargs={"pk": _crisis_line(owner, users).pk}, shape="own"),
        ],
        "core:crisis_line_verify": lambda owner, users: Case(
            kwargs={"pk": _crisis_line(owner, users).pk}, method="post", data={}, shape="own"
        ),
        "core:crisis_bundled_adopt": lambda owner, users: Case(
            method="post", data={"key": "AU:Lifeline Australia", "verify": "1"}
        ),
    }
)


# ------------------------------------------------- accounts: password, 2FA, tokens
# (issue 14; behaviour in tests/web/test_accounts_pages.py)


def _reset_confirm(owner: Any, users: Mapping[str, Any]) -> Case:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(owner.pk))
    return Case(kwargs={"uidb64": uid, "token": "not-a-valid-token"}, shape="own")


def _revoke_token(owner: Any, users: Mapping[str, Any]) -> Case:
    from lacrima.web.accounts.models import ApiToken
    from lacrima.web.accounts.services import issue_token

    issue_token(owner, "matrix")
    token = ApiToken.objects.filter(user=owner).latest("pk")
    others = ("admin", "therapist_unlinked", "therapist_no_consent", "other_client")
    expect: dict[str, int | str] = {v: 404 for v in (*others, "therapist_consent")}
    return Case(kwargs={"token_id": token.pk}, method="post", data={}, expect=expect)


CASES.update(
    {
        "accounts:password_reset_confirm": _reset_confirm,
        "accounts:revoke_token": _revoke_token,
        "accounts:two_factor_recovery": _own_post,
        "accounts:two_factor_off": _own_post,
    }
)
