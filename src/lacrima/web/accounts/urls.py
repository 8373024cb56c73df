"""URL routes of the accounts app (namespace ``accounts``)."""

from __future__ import annotations

from django.urls import path

from lacrima.web.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/sharing/", views.sharing, name="sharing"),
    path("account/sharing/code/", views.new_code, name="new_code"),
    path("account/profile/", views.profile, name="profile"),
    path("account/access-log/", views.access_log, name="access_log"),
    path("account/export/", views.export, name="export"),
    path("account/delete/", views.delete_account, name="delete"),
    path("clients/", views.clients, name="clients"),
    path("clients/invite/", views.invite, name="invite"),
    path("clients/code/", views.redeem, name="redeem"),
    path("clients/<str:username>/", views.client_card, name="client_card"),
    path("invite/<str:secret>/", views.accept, name="accept"),
    path("staff/users/", views.staff_users, name="staff_users"),
]
