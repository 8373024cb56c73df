"""Pages of the accounts app. Thin: forms validate, services act, policy decides."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from lacrima.web import policy
from lacrima.web.accounts import queries, services, two_factor
from lacrima.web.accounts.archive import build_archive
from lacrima.web.accounts.forms import (
    ClientSignupForm,
    CodeForm,
    ConsentForm,
    DeleteAccountForm,
    EndLinkForm,
    PasswordConfirmForm,
    ProfileForm,
    RedeemCodeForm,
    ThrottledPasswordChangeForm,
    TokenForm,
)
from lacrima.web.accounts.models import (
    CATEGORY_LABELS,
    ClientProfile,
    Invitation,
    TherapistLink,
    User,
)
from lacrima.web.accounts.throttle import check_code_allowed, note_failed_code
from lacrima.web.audit.log import entries_about
from lacrima.web.diary import safety

GET_POST = require_http_methods(["GET", "POST"])


@policy.authenticated
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in person's account page: role, links to what they can manage."""
    context = {"account": request.user, "two_factor_on": two_factor.is_enrolled(request.user)}
    return render(request, "accounts/account.html", context)


# -------------------------------------------------------------------------- password


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the password (Django's view); wrong current passwords are throttled."""

    lacrima_access = policy.AccessRule("authenticated")
    form_class = ThrottledPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def get_form_kwargs(self) -> dict:
        """Give the form the request, for the throttle."""
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: ThrottledPasswordChangeForm) -> HttpResponse:
        """Save, keep this session signed in (and verified), say so."""
        device = getattr(self.request.user, "otp_device", None)
        response = super().form_valid(form)
        if device is not None:
            django_otp.login(self.request, device)
        messages.success(self.request, "Your password is changed. Other sessions are signed out.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail (Django's view; the same answer for any address)."""

    lacrima_access = policy.AccessRule("public")
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    """ "Check your mail"."""

    lacrima_access = policy.AccessRule("public")
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the link in the mail (the secret leaves the URL at once)."""

    lacrima_access = policy.AccessRule("public")
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetCompleteView):
    """ "Your password is set; sign in"."""

    lacrima_access = policy.AccessRule("public")
    template_name = "accounts/password_reset_done.html"


# --------------------------------------------------------------------- second factor


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if ok else reverse("core:home")


@policy.authenticated
@GET_POST
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Second factor: type a code after signing in, or see and manage the set-up."""
    user = request.user
    enrolled = two_factor.is_enrolled(user)
    if enrolled and not user.is_verified():
        return _verify(request)
    if not enrolled and two_factor.is_required(user):
        return redirect(reverse("accounts:two_factor_setup") + "?" + request.GET.urlencode())
    context = {
        "enrolled": enrolled,
        "required": two_factor.is_required(user),
        "codes": request.session.pop("recovery_codes", None),
        "confirm_form": PasswordConfirmForm(user=user, request=request),
    }
    return render(request, "accounts/two_factor.html", context)


def _verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not check_code_allowed(request, user):
            return render(request, "core/locked_out.html", status=429)
        device = two_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        note_failed_code(request, user)
        form.add_error(
            "code",
            "That code does not match. Wait a few seconds after a wrong code, then type "
            "the code the app shows now.",
        )
        status = 400
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/two_factor_verify.html", context, status=status)


@policy.authenticated
@GET_POST
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code, type a code back, get recovery codes."""
    user = request.user
    if two_factor.is_enrolled(user) and not user.is_verified():
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if not check_code_allowed(request, user):
            return render(request, "core/locked_out.html", status=429)
        try:
            device, codes = two_factor.confirm_enrolment(user, form.cleaned_data["code"])
        except two_factor.SecondFactorError as exc:
            note_failed_code(request, user)
            form.add_error("code", str(exc))
            status = 400
        else:
            django_otp.login(request, device)
            request.session["recovery_codes"] = codes
            messages.success(request, "Your second factor is on.")
            return redirect("accounts:two_factor")
    context = {"form": form, "enrolment": two_factor.pending_enrolment(user)}
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@policy.authenticated
@require_http_methods(["POST"])
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), shown once."""
    if not (two_factor.is_enrolled(request.user) and request.user.is_verified()):
        return redirect("accounts:two_factor")
    request.session["recovery_codes"] = two_factor.new_recovery_codes(request.user)
    return redirect("accounts:two_factor")


@policy.authenticated
@require_http_methods(["POST"])
def two_factor_off(request: HttpRequest) -> HttpResponse:
    """Turn the second factor off, after the password (throttled), from a verified session."""
    if two_factor.is_enrolled(request.user) and not request.user.is_verified():
        return redirect("accounts:two_factor")
    form = PasswordConfirmForm(request.POST, user=request.user, request=request)
    if not form.is_valid():
        messages.error(request, "Nothing was changed: " + " ".join(form.errors.get("password", [])))
        return redirect("accounts:two_factor")
    try:
        two_factor.disable(request.user)
    except two_factor.SecondFactorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The second factor is off. Sign-in needs only your password.")
    return redirect("accounts:two_factor")


# ------------------------------------------------------------------------ API tokens


@policy.authenticated
@GET_POST
def tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: create one (shown once), see when each ends, revoke."""
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                secret = services.issue_token(
                    request.user, form.cleaned_data["name"], form.cleaned_data["days"]
                )
            except services.AccountError as exc:
                form.add_error(None, str(exc))
            else:
                request.session["new_token"] = secret
                return redirect(reverse("accounts:tokens") + "#new-token")
        messages.error(request, "No token was created; see the note below the field.")
    context = {
        "form": form,
        "tokens": services.tokens_of(request.user),
        "new_token": request.session.pop("new_token", None),
    }
    return render(request, "accounts/tokens.html", context, status=400 if form.errors else 200)


@policy.authenticated
@require_http_methods(["POST"])
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the signed-in person's tokens at once."""
    try:
        row = services.revoke_token(request.user, token_id)
    except services.AccountError as exc:
        raise Http404(str(exc)) from exc
    messages.success(request, f"The token “{row.name}” no longer works.")
    return redirect("accounts:tokens")


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
            url = reverse("accounts:profile")
            return redirect(safety.support_url(url, form.cleaned_data["note"]))
        messages.error(request, "Nothing was saved; see the note below the field.")
        safety.mark_posted(request, "note")
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
    form = DeleteAccountForm(request.POST or None, user=request.user, request=request)
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
