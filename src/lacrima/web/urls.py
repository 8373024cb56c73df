"""Root URL configuration.

Core pages at ``/``, accounts at ``/account/``, ``/clients/`` and ``/invite/``, each
feature app at ``/<app>/`` (namespace ``<app>``), the JSON API at ``/api/v1/``.
"""

from __future__ import annotations

from django.urls import include, path

from lacrima.web.api import api

handler400 = "lacrima.web.core.errors.bad_request"
handler403 = "lacrima.web.core.errors.permission_denied"
handler404 = "lacrima.web.core.errors.page_not_found"
handler500 = "lacrima.web.core.errors.server_error"

urlpatterns = [
    path("", include("lacrima.web.core.urls")),
    path("", include("lacrima.web.accounts.urls")),
    path("diary/", include("lacrima.web.diary.urls")),
    path("program/", include("lacrima.web.program.urls")),
    path("records/", include("lacrima.web.records.urls")),
    path("api/v1/", api.urls),
]
