"""URL routes of the records app (namespace ``records``, mounted at ``/records/``).

``/records/`` is the therapist's client list; ``/records/c/<username>/`` one client;
``/records/s/<pk>/`` a session; ``/records/u/<pk>/`` one uploaded recording and its
S-P report; ``/records/mine/`` a client's own sessions in plain language.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lacrima.web.records import views, views_dashboard, views_uploads

app_name = "records"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_dashboard.dashboard, name="index"),
    path("mine/", views.mine, name="mine"),
    path("c/<str:username>/", views_dashboard.client_page, name="client"),
    path("c/<str:username>/sessions/new/", views.session_new, name="session_new"),
    path("flags/<int:pk>/acknowledge/", views_dashboard.flag_acknowledge, name="flag_ack"),
    path("s/<int:pk>/", views.session_detail, name="session"),
    path("s/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("s/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("s/<int:pk>/uploads/", views_uploads.upload_new, name="upload_new"),
    path("s/<int:pk>/markers/", views.marker_add, name="marker_add"),
    path("u/<int:pk>/", views_uploads.upload_detail, name="upload"),
    path("u/<int:pk>/status/", views_uploads.upload_status, name="upload_status"),
    path("u/<int:pk>/rerun/", views_uploads.upload_rerun, name="upload_rerun"),
    path("u/<int:pk>/replace/", views_uploads.upload_replace, name="upload_replace"),
    path("u/<int:pk>/delete/", views_uploads.upload_delete, name="upload_delete"),
    path("u/<int:pk>/file-markers/", views_uploads.upload_file_markers, name="upload_file_markers"),
    path("m/<int:pk>/edit/", views.marker_edit, name="marker_edit"),
    path("m/<int:pk>/delete/", views.marker_delete, name="marker_delete"),
]
