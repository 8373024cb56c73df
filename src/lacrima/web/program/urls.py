"""URL routes of the program app."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "program"

urlpatterns: list[URLPattern | URLResolver] = []
