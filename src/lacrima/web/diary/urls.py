"""URL routes of the diary app (namespace ``diary``, mounted at ``/diary/``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lacrima.web.diary import views, views_care, views_learn, views_reminders, views_screening

app_name = "diary"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("new/", views.episode_new, name="episode_new"),
    path("new/full/", views.episode_full, name="episode_full"),
    path("episodes/<int:pk>/", views.episode_detail, name="episode_detail"),
    path("episodes/<int:pk>/edit/", views.episode_edit, name="episode_edit"),
    path("episodes/<int:pk>/delete/", views.episode_delete, name="episode_delete"),
    path("summary/", views.summary, name="summary"),
    path("summary.csv", views.summary_csv, name="summary_csv"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.json", views.export, {"fmt": "json"}, name="export_json"),
    path("import/", views.import_file, name="import"),
    path("moods/", views.moods, name="moods"),
    path("moods/delete/", views.moods_delete, name="moods_delete"),
    path("reminders/", views_reminders.reminders, name="reminders"),
    path("reminders/<int:pk>/close/", views_reminders.reminder_close, name="reminder_close"),
    path("reminders/<int:pk>/delete/", views_reminders.reminder_delete, name="reminder_delete"),
    path("checkins/", views_care.checkins, name="checkins"),
    path("checkins/new/", views_care.checkin_new, name="checkin_new"),
    path("checkins/<int:pk>/", views_care.checkin_detail, name="checkin_detail"),
    path("checkins/<int:pk>/delete/", views_care.checkin_delete, name="checkin_delete"),
    path("worksheets/", views_care.worksheets, name="worksheets"),
    path("worksheets/<slug:slug>/new/", views_care.worksheet_new, name="worksheet_new"),
    path("worksheets/entries/<int:pk>/", views_care.worksheet_entry, name="worksheet_entry"),
    path(
        "worksheets/entries/<int:pk>/delete/",
        views_care.worksheet_entry_delete,
        name="worksheet_entry_delete",
    ),
    path("screening/", views_screening.screening, name="screening"),
    path("screening/phq9/", views_screening.phq9_new, name="phq9"),
    path("screening/phq9/<int:pk>/", views_screening.phq9_result, name="phq9_result"),
    # One client's pages, for a linked therapist (decision 0013e): same names, the
    # client's user name in the path; the addresses above serve the client themself.
    path("c/<str:username>/", views.index, name="index"),
    path("c/<str:username>/summary/", views.summary, name="summary"),
    path("c/<str:username>/summary.csv", views.summary_csv, name="summary_csv"),
    path("c/<str:username>/moods/", views.moods, name="moods"),
    path("c/<str:username>/checkins/", views_care.checkins, name="checkins"),
    path("c/<str:username>/worksheets/", views_care.worksheets, name="worksheets"),
    path("c/<str:username>/screening/", views_screening.screening, name="screening"),
    path("learn/", views_learn.learn_index, name="learn"),
    path("learn/<slug:slug>/", views_learn.learn_page, name="learn_page"),
]
