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
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "account/password/reset/sent/",
        views.PasswordResetSentView.as_view(),
        name="password_reset_sent",
    ),
    path(
        "account/password/reset/key/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/password/reset/done/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path("account/two-factor/", views.two_factor_page, name="two_factor"),
    path("account/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/recovery/", views.two_factor_recovery, name="two_factor_recovery"),
    path("account/two-factor/off/", views.two_factor_off, name="two_factor_off"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("clients/", views.clients, name="clients"),
    path("clients/invite/", views.invite, name="invite"),
    path("clients/code/", views.redeem, name="redeem"),
    path("clients/<str:username>/", views.client_card, name="client_card"),
    path("invite/<str:secret>/", views.accept, name="accept"),
    path("staff/users/", views.staff_users, name="staff_users"),
]
