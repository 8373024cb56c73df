"""Pages of the accounts app. Thin: forms validate, services act, policy decides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from lacrima.web import policy
from lacrima.web.accounts import queries, services
from lacrima.web.accounts.archive import build_archive
from lacrima.web.accounts.forms import (
    ClientSignupForm,
    ConsentForm,
    DeleteAccountForm,
    EndLinkForm,
    ProfileForm,
    RedeemCodeForm,
)
from lacrima.web.accounts.models import (
    CATEGORY_LABELS,
    ClientProfile,
    Invitation,
    TherapistLink,
    User,
)
from lacrima.web.audit.log import entries_about

GET_POST = require_http_methods(["GET", "POST"])


@policy.authenticated
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in person's account page: role, links to what they can manage."""
    return render(request, "accounts/account.html", {"account": request.user})


# ------------------------------------------------------------------------------ client


def _sharing_row(link: TherapistLink, status: str = "") -> dict[str, object]:
    shared = link.shared_categories()
    auto_id = f"id_{link.pk}_%s"
    return {
        "link": link,
        "form": ConsentForm(initial={"link": link.pk, "shared": shared}, auto_id=auto_id),
        "end_form": EndLinkForm(initial={"link": link.pk}, auto_id=f"id_end_{link.pk}_%s"),
        "shared_labels": [CATEGORY_LABELS[c] for c in shared],
        "status": status,
    }


@policy.role_required("client")
@GET_POST
def sharing(request: HttpRequest) -> HttpResponse:
    """The consent page: per therapist, per category, granted or revoked at once.

    Works as a plain form; with HTMX only the therapist's card is swapped.
    """
    if request.method == "POST":
        is_end = "confirm" in request.POST or request.POST.get("action") == "end"
        form = (EndLinkForm if is_end else ConsentForm)(request.POST)
        if not form.is_valid():
            messages.error(request, "Nothing was changed: " + " ".join(_errors(form)))
            return redirect("accounts:sharing")
        link = _own_link(request.user, form.cleaned_data["link"])
        name = link.therapist.display_name
        if is_end:
            services.end_link(link, by=request.user)
            messages.success(request, f"You no longer share anything with {name}.")
            return redirect("accounts:sharing")
        services.set_consents(link, set(form.cleaned_data["shared"]), by=request.user)
        status = f"Saved. {name} now sees only what is ticked."
        if request.htmx:
            row = _sharing_row(_own_link(request.user, link.pk), status=status)  # fresh
            return render(request, "accounts/_link_card.html", {"row": row})
        messages.success(request, status)
        return redirect("accounts:sharing")
    rows = [_sharing_row(link) for link in queries.links_of_client(request.user)]
    context = {"rows": rows, "new_code": request.session.pop("new_code", None)}
    return render(request, "accounts/sharing.html", context)


def _errors(form: ConsentForm | EndLinkForm) -> list[str]:
    return [str(e) for errs in form.errors.values() for e in errs]


def _own_link(user: User, link_id: int) -> TherapistLink:
    link = next((lk for lk in queries.links_of_client(user) if lk.pk == link_id), None)
    if link is None:
        raise Http404("No such therapist link.")
    return link


@policy.role_required("client")
@require_http_methods(["POST"])
def new_code(request: HttpRequest) -> HttpResponse:
    """Create a single-use code the client gives a new therapist."""
    _, code = services.create_code(request.user)
    request.session["new_code"] = code
    return redirect(reverse("accounts:sharing") + "#code")


@policy.role_required("client")
@GET_POST
def profile(request: HttpRequest) -> HttpResponse:
    """The client's note for their therapists (encrypted at rest)."""
    instance, _ = ClientProfile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Saved.")
            return redirect("accounts:profile")
        messages.error(request, "Nothing was saved; see the note below the field.")
    return render(request, "accounts/profile.html", {"form": form})


@policy.role_required("client")
def access_log(request: HttpRequest) -> HttpResponse:
    """Who looked at what of the client's data, and when."""
    entries = [
        {
            "at": e.at,
            "who": e.actor_name,
            "what": CATEGORY_LABELS.get(e.category, e.category.title()),
            "detail": e.what,
        }
        for e in entries_about(request.user, limit=500)
    ]
    return render(request, "accounts/access_log.html", {"entries": entries})


@policy.role_required("client")
@GET_POST
def export(request: HttpRequest) -> HttpResponse:
    """Download everything Lacrima holds about the client (zip: JSON + CSV per table)."""
    if request.method == "POST":
        data = build_archive(request.user)
        response = HttpResponse(data, content_type="application/zip")
        name = f"lacrima-export-{request.user.username}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "accounts/export.html")


@policy.authenticated
@GET_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    """Erase the account and all its data after confirmation."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.delete_account(user)
        return render(request, "accounts/deleted.html")
    return render(request, "accounts/delete.html", {"form": form})


# --------------------------------------------------------------------------- therapist


@policy.role_required("therapist")
def clients(request: HttpRequest) -> HttpResponse:
    """The therapist's linked clients with what each shares; invite and code forms."""
    rows = [
        {
            "client": link.client,
            "shared_labels": [CATEGORY_LABELS[c] for c in link.shared_categories()],
            "url": reverse("accounts:client_card", kwargs={"username": link.client.username}),
        }
        for link in queries.links_of_therapist(request.user)
    ]
    invite_url = request.session.pop("new_invite_url", None)
    context = {"rows": rows, "code_form": RedeemCodeForm(), "invite_url": invite_url}
    return render(request, "accounts/clients.html", context)


@policy.role_required("therapist")
@require_http_methods(["POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """Create a single-use invitation link for a new client (shown once)."""
    _, secret = services.create_invitation(request.user)
    url = request.build_absolute_uri(reverse("accounts:accept", kwargs={"secret": secret}))
    request.session["new_invite_url"] = url
    return redirect(reverse("accounts:clients") + "#invite")


@policy.role_required("therapist")
@require_http_methods(["POST"])
def redeem(request: HttpRequest) -> HttpResponse:
    """Link to a client with the code they gave."""
    form = RedeemCodeForm(request.POST)
    if form.is_valid():
        try:
            link = services.redeem_code(form.cleaned_data["code"], request.user)
        except services.InvitationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"You are now linked with {link.client.display_name}. "
                "They choose what to share with you.",
            )
    else:
        messages.error(request, "Nothing was changed: " + " ".join(form.errors.get("code", [])))
    return redirect("accounts:clients")


@policy.client_profile
def client_card(request: HttpRequest, username: str) -> HttpResponse:
    """A client's profile card: their note and what they share with this viewer."""
    client = policy.subject_for_profile(request.user, username)
    card = queries.profile_card(client, request.user)
    return render(request, "accounts/client_card.html", {"card": card})


# ------------------------------------------------------------------------- invitations


@policy.public
@GET_POST
def accept(request: HttpRequest, secret: str) -> HttpResponse:
    """A client opens a therapist's invitation link: sign up or accept while signed in."""
    try:
        invitation = services.find_invitation(secret, Invitation.Kind.LINK)
    except services.InvitationError as exc:
        return render(request, "accounts/invitation_invalid.html", {"reason": str(exc)}, status=410)
    user = request.user
    signup = None
    if request.method == "POST":
        if not user.is_authenticated:
            signup = ClientSignupForm(request.POST)
            if signup.is_valid():
                user = signup.save()
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user.is_authenticated:
            try:
                services.accept_invitation(secret, user)
            except services.InvitationError as exc:
                messages.error(request, str(exc))
                return redirect("core:home")
            messages.success(
                request,
                f"You are linked with {invitation.created_by.display_name}. "
                "Nothing is shared until you choose it below.",
            )
            return redirect("accounts:sharing")
    context = {
        "therapist": invitation.created_by,
        "signup": signup or ClientSignupForm(),
        "login_url": reverse("core:login") + "?next=" + request.path,
    }
    return render(request, "accounts/accept.html", context)


@policy.role_required("admin")
def staff_users(request: HttpRequest) -> HttpResponse:
    """Administrators: the accounts and their roles (no client data)."""
    users = User.objects.order_by("role", "username").only(
        "username", "role", "is_active", "date_joined", "last_login"
    )
    return render(request, "accounts/staff_users.html", {"users": users})
