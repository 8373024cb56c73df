"""URL routes of the core app (namespace ``core``)."""

from __future__ import annotations

from django.urls import path

from lacrima.web.core import views, views_crisis

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("crisis/", views.crisis_page, name="crisis"),
    path("staff/crisis/", views_crisis.crisis_lines, name="crisis_lines"),
    path("staff/crisis/new/", views_crisis.crisis_line_new, name="crisis_line_new"),
    path("staff/crisis/<int:pk>/edit/", views_crisis.crisis_line_edit, name="crisis_line_edit"),
    path(
        "staff/crisis/<int:pk>/verify/", views_crisis.crisis_line_verify, name="crisis_line_verify"
    ),
    path("staff/crisis/bundled/", views_crisis.crisis_bundled_adopt, name="crisis_bundled_adopt"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
