"""API operations of the accounts app: me, consent, a therapist's clients, profile cards."""

from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from pydantic import Field

from lacrima.web import policy
from lacrima.web.accounts import queries
from lacrima.web.accounts.models import TherapistLink
from lacrima.web.accounts.services import set_consents

router = Router(tags=["accounts"])

Category = Literal["diary", "checkins", "worksheets", "program", "screening", "sessions"]


class HealthOut(Schema):
    """Liveness answer."""

    status: str


class MeOut(Schema):
    """The signed-in account; no credentials are ever part of an output schema."""

    username: str
    display_name: str
    role: str


class LinkOut(Schema):
    """One of a client's therapists and what the client shares with them."""

    therapist: str
    therapist_name: str
    active: bool
    shared: list[str]


class ConsentIn(Schema):
    """The full set of categories to share with one therapist (others stop at once)."""

    shared: list[Category] = Field(default_factory=list, max_length=6)


class ClientOut(Schema):
    """A linked client as a therapist sees them in the list."""

    username: str
    display_name: str
    shared: list[str]


class ProfileOut(ClientOut):
    """A client's profile card: what they want every linked therapist to know."""

    note: str


@router.get("/health", response=HealthOut, auth=None)
@policy.public
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness check for load balancers; no data."""
    return {"status": "ok"}


@router.get("/me", response=MeOut)
@policy.authenticated
def me(request: HttpRequest) -> dict[str, str]:
    """The account behind this token or session."""
    user = request.user
    return {"username": user.username, "display_name": user.display_name, "role": user.role}


def _link_out(link: TherapistLink) -> dict[str, object]:
    return {
        "therapist": link.therapist.username,
        "therapist_name": link.therapist.display_name,
        "active": link.active,
        "shared": link.shared_categories(),
    }


@router.get("/consents", response=list[LinkOut])
@policy.role_required("client")
def list_consents(request: HttpRequest) -> list[dict[str, object]]:
    """The client's therapists and what each one can see."""
    return [_link_out(link) for link in queries.links_of_client(request.user)]


@router.put("/consents/{therapist}", response=LinkOut)
@policy.role_required("client")
def put_consents(request: HttpRequest, therapist: str, payload: ConsentIn) -> dict[str, object]:
    """Replace what the client shares with ``therapist``; takes effect immediately."""
    link = queries.active_link_of_client(request.user, therapist)
    if link is None:
        raise Http404("You are not linked with this therapist.")
    set_consents(link, set(payload.shared), by=request.user)
    return _link_out(link)


@router.get("/clients", response=list[ClientOut])
@policy.role_required("therapist")
def list_clients(request: HttpRequest) -> list[dict[str, object]]:
    """The therapist's linked clients and what each shares (no client data itself)."""
    return [
        {
            "username": link.client.username,
            "display_name": link.client.display_name,
            "shared": link.shared_categories(),
        }
        for link in queries.links_of_therapist(request.user)
    ]


@router.get("/clients/{username}", response=ProfileOut)
@policy.client_profile
def client_card(request: HttpRequest, username: str) -> dict[str, object]:
    """A client's profile card, for the client and linked therapists (audited)."""
    client = policy.subject_for_profile(request.user, username)
    return queries.profile_card(client, request.user)
