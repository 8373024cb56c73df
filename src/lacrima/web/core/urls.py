"""URL routes of the core app (namespace ``core``)."""

from __future__ import annotations

from django.urls import path

from lacrima.web.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("crisis/", views.crisis_page, name="crisis"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
