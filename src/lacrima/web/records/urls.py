"""URL routes of the records app."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "records"

urlpatterns: list[URLPattern | URLResolver] = []
