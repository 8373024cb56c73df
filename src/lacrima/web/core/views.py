"""Core pages: home, crisis resources, sign-in and sign-out, error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lacrima.web import policy
from lacrima.web.core import crisis
from lacrima.web.core.context import optional_url
from lacrima.web.core.forms import LoginForm


def _home_cards(user: Any) -> list[dict[str, str]]:
    if not user.is_authenticated:
        return []
    cards = {
        "client": [
            (
                "diary:index",
                "Log a cry",
                "A private note of when, how strong, and how you felt after.",
            ),
            (
                "program:index",
                "My program",
                "Step by step, at your own pace; 'not now' is always fine.",
            ),
            (
                "records:mine",
                "My sessions",
                "The plain-language summaries of sessions you share.",
            ),
            (
                "accounts:sharing",
                "What I share",
                "Choose what each therapist can see. Change it any time.",
            ),
            ("accounts:profile", "A note for my therapists", "Anything you want them to know."),
        ],
        "therapist": [
            ("records:index", "Dashboard", "Flags first, then each client's shared activity."),
            ("accounts:clients", "My clients", "What each client chose to share, one click away."),
        ],
        "admin": [
            (
                "accounts:staff_users",
                "Users",
                "Accounts and roles. Backups are made with the lacrima command.",
            ),
            (
                "core:crisis_lines",
                "Crisis lines",
                "Add, correct and verify the crisis numbers shown for each region.",
            ),
        ],
    }.get(user.role, [])
    found = []
    for name, title, text in cards:
        url = optional_url(name)
        if url:
            found.append({"url": url, "title": title, "text": text})
    return found


@policy.public
def home(request: HttpRequest) -> HttpResponse:
    """Landing page; for a signed-in user, the few things their role comes for."""
    return render(request, "core/home.html", {"cards": _home_cards(request.user)})


@policy.public
def crisis_page(request: HttpRequest) -> HttpResponse:
    """Crisis lines and emergency numbers, for everyone, without signing in."""
    region = crisis.region_for_request(request)
    regions = crisis.regions()
    context = {
        "local": crisis.resources_for(region),
        "region": region,
        "region_name": crisis.region_name(region),
        "regions": regions,
        "region_listed": any(code == region for code, _, _ in regions),
    }
    return render(request, "core/crisis.html", context)


class LoginView(auth_views.LoginView):
    """Sign-in; failed attempts are throttled by django-axes."""

    lacrima_access = policy.AccessRule("public")  # class-based views declare it this way
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign-out (POST only, from the button in the header)."""

    lacrima_access = policy.AccessRule("public")
    template_name = "core/logged_out.html"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A calm page when a form's security token is missing or stale."""
    return render(request, "core/csrf_failure.html", status=403)
