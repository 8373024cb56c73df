"""The policy module: who may read what, and every read by someone else is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lacrima.web import policy
from lacrima.web.accounts.services import end_link, set_consents
from lacrima.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_owner_reads_own_data_without_an_audit_entry(client_user):
    assert policy.subject_for_read(client_user, None, "diary") == client_user
    assert policy.subject_for_read(client_user, "alice", "diary") == client_user
    assert AuditEntry.objects.count() == 0


def test_consent_is_per_category_and_per_therapist(client_user, therapist_user, make_user, link):
    other_t = make_user(role="therapist")
    link(client_user, therapist_user, consents=["diary"])
    link(client_user, other_t, consents=["program"])
    assert policy.can_read(therapist_user, client_user, "diary")
    assert not policy.can_read(therapist_user, client_user, "program")
    assert policy.can_read(other_t, client_user, "program")
    assert not policy.can_read(other_t, client_user, "diary")


def test_therapist_read_is_audited(client_user, therapist_user, link):
    link(client_user, therapist_user, consents=["diary"])
    policy.subject_for_read(therapist_user, "alice", "diary", what="diary list")
    entry = AuditEntry.objects.get()
    assert entry.actor == therapist_user and entry.subject == client_user
    assert (entry.category, entry.what) == ("diary", "diary list")


def test_linked_without_consent_is_403_others_404(client_user, therapist_user, make_user, link):
    link(client_user, therapist_user, consents=["program"])
    with pytest.raises(PermissionDenied):
        policy.subject_for_read(therapist_user, "alice", "diary")
    for stranger in (
        make_user(role="therapist"),
        make_user(role="client"),
        make_user(role="admin"),
    ):
        with pytest.raises(Http404):
            policy.subject_for_read(stranger, "alice", "diary")
    with pytest.raises(Http404):
        policy.subject_for_read(therapist_user, "nobody", "diary")
    assert AuditEntry.objects.filter(action="read").count() == 0


def test_revoking_consent_is_effective_immediately(client_user, therapist_user, link):
    row = link(client_user, therapist_user, consents=["diary"])
    assert policy.can_read(therapist_user, client_user, "diary")
    set_consents(row, set(), by=client_user)
    assert not policy.can_read(therapist_user, client_user, "diary")


def test_ending_a_link_stops_everything(client_user, therapist_user, link):
    row = link(client_user, therapist_user, consents=["diary", "sessions"])
    end_link(row, by=client_user)
    assert not policy.can_read(therapist_user, client_user, "diary")
    assert not policy.can_read_profile(therapist_user, client_user)
    with pytest.raises(Http404):
        policy.subject_for_read(therapist_user, "alice", "sessions")


def test_writes_belong_to_the_owner_unless_the_app_allows(client_user, therapist_user, link):
    link(client_user, therapist_user, consents=["sessions"])
    assert policy.can_write(client_user, client_user, "sessions")
    assert not policy.can_write(therapist_user, client_user, "sessions")
    assert policy.can_write(therapist_user, client_user, "sessions", therapist_writes=True)
    with pytest.raises(PermissionDenied):
        policy.subject_for_write(therapist_user, "alice", "sessions")


def test_non_clients_have_no_own_client_data(therapist_user, admin_user):
    for user in (therapist_user, admin_user):
        with pytest.raises(PermissionDenied):
            policy.subject_for_read(user, None, "diary")


def test_clients_sharing(client_user, therapist_user, make_user, link):
    bob = make_user(role="client", username="bob")
    link(client_user, therapist_user, consents=["diary"])
    link(bob, therapist_user, consents=["program"])
    assert list(policy.clients_sharing(therapist_user, "diary")) == [client_user]


def test_unknown_category_is_a_programming_error(client_user):
    with pytest.raises(ValueError, match="diary"):
        policy.can_read(client_user, client_user, "dreams")
    with pytest.raises(ValueError):
        policy.client_data("dreams")
    with pytest.raises(ValueError):
        policy.role_required("superuser")


def test_declarations_are_attached_and_found():
    @policy.client_data("diary", therapist_writes=True)
    def view(request):
        return None

    rule = policy.get_rule(view)
    assert rule == policy.AccessRule("client_data", category="diary", therapist_writes=True)
    assert policy.get_rule(lambda request: None) is None


# ------------------------------------------------------------------ the one resolver


def test_resolve_answers_read_and_write_with_the_refusal_status(
    client_user, therapist_user, make_user, link
):
    stranger = make_user(role="therapist")
    link(client_user, therapist_user, consents=["program"])
    read = policy.resolve(therapist_user, client_user, "program")
    assert (read.allowed, read.status, read.access) == (True, 200, policy.Access.READ)
    write = policy.resolve(therapist_user, client_user, "program", policy.Access.WRITE)
    assert (write.allowed, write.status) == (False, 403)  # the app did not allow it
    allowed = policy.resolve(
        therapist_user, client_user, "program", policy.Access.WRITE, therapist_writes=True
    )
    assert allowed.allowed
    assert policy.resolve(therapist_user, client_user, "diary").status == 403
    assert policy.resolve(stranger, client_user, "program").status == 404
    with pytest.raises(PermissionDenied):
        policy.resolve(therapist_user, client_user, "diary").enforce()
    with pytest.raises(Http404):
        policy.resolve(stranger, client_user, "program").enforce()
    assert AuditEntry.objects.count() == 0  # deciding audits nothing


def test_check_write_audits_nothing_record_change_once(client_user, therapist_user, link):
    link(client_user, therapist_user, consents=["program"])
    policy.check_write(therapist_user, client_user, "program", therapist_writes=True)
    assert AuditEntry.objects.count() == 0
    policy.record_change(therapist_user, client_user, "program", "changed a step")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.what, entry.actor) == ("write", "changed a step", therapist_user)
    policy.record_change(client_user, client_user, "program", "changed a step")
    assert AuditEntry.objects.count() == 1  # the client's own change is not in the trail


def test_ended_link_shares_nothing_through_every_helper(client_user, therapist_user, link):
    row = link(client_user, therapist_user, consents=["diary", "sessions"])
    assert policy.therapists_shared_with(client_user, "sessions") == {therapist_user.pk}
    assert policy.shares_of_therapist(therapist_user) == {client_user.pk: {"diary", "sessions"}}
    assert list(policy.clients_sharing(therapist_user, "diary")) == [client_user]
    assert policy.shares_with_anyone(client_user, "diary")
    end_link(row, by=client_user)
    assert policy.therapists_shared_with(client_user, "sessions") == set()
    assert policy.shares_of_therapist(therapist_user) == {}
    assert not policy.clients_sharing(therapist_user, "diary").exists()
    assert not policy.shares_with_anyone(client_user, "diary")
    assert policy.links_of_client(client_user) == []
    assert policy.active_link(client_user, therapist_user) is None


def test_flag_category_lives_on_the_flag():
    from lacrima.web.diary.models import Flag

    assert Flag(kind=Flag.Kind.PHQ9_ITEM9).category == "screening"
    assert Flag(kind=Flag.Kind.PATTERN_MISMATCH).category == "diary"
    assert Flag(kind=Flag.Kind.PATTERN_NO_RELIEF).category == "diary"
    assert Flag.category_of("something_new") == "screening"  # the stricter choice


@pytest.mark.parametrize(
    ("shared", "sees_item9", "sees_pattern"),
    [(["screening"], True, False), (["diary", "screening"], True, True)],
)
def test_questionnaires_page_shows_only_flags_of_shared_categories(
    client_user, therapist_user, link, client_of, shared, sees_item9, sees_pattern
):
    # The leak of issue 14: diary-pattern flags on the Questionnaires page of a
    # therapist who was given Questionnaires but not the diary.
    from django.urls import reverse

    from lacrima.web.diary.models import Flag

    link(client_user, therapist_user, consents=shared)
    Flag.objects.create(client=client_user, kind=Flag.Kind.PHQ9_ITEM9, message="item9-flag-1")
    Flag.objects.create(
        client=client_user, kind=Flag.Kind.PATTERN_MISMATCH, message="pattern-flag-2"
    )
    page = client_of(therapist_user).get(reverse("diary:screening"), {"client": "alice"})
    body = page.content.decode()
    assert page.status_code == 200
    assert ("item9-flag-1" in body) is sees_item9
    assert ("pattern-flag-2" in body) is sees_pattern


def test_managers_hold_the_rule(client_user, therapist_user, link):
    from lacrima.web.accounts.models import Consent, TherapistLink

    row = link(client_user, therapist_user, consents=["diary"])
    assert Consent.objects.shared(client_user, therapist_user, "diary")
    assert Consent.objects.shared(client_user, therapist_user.pk, "diary")
    assert not Consent.objects.shared(client_user, therapist_user, "program")
    assert not Consent.objects.shared(client_user, None, "diary")
    assert list(TherapistLink.objects.active()) == [row]
    end_link(row, by=therapist_user)
    assert not TherapistLink.objects.active().exists()
    assert not Consent.objects.shared(client_user, therapist_user, "diary")
