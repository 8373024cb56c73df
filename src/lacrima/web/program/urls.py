"""URL routes of the program app (namespace ``program``, mounted at ``/program/``).

Pages about a client's program carry the client's user name, so the same page serves
the client and a linked therapist with ``program`` consent. Practice and relaxation
pages are the signed-in client's own.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from lacrima.web.program import views, views_practice

app_name = "program"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("practice/", views_practice.practice, name="practice"),
    path("practice/start/", views_practice.practice_start, name="practice_start"),
    path("practice/scene/", views_practice.practice_scene, name="practice_scene"),
    path("practice/rate/", views_practice.practice_rate, name="practice_rate"),
    path("practice/stop/", views_practice.practice_stop, name="practice_stop"),
    path("relax/", views_practice.relax, name="relax"),
    path("c/<str:username>/", views.overview, name="overview"),
    path("c/<str:username>/steps/", views.hierarchy, name="hierarchy"),
    path("c/<str:username>/steps/order/", views.reorder, name="reorder"),
    path("c/<str:username>/steps/template/", views.template, name="template"),
    path("c/<str:username>/steps/<int:item_id>/", views.item_edit, name="item_edit"),
    path("c/<str:username>/steps/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("c/<str:username>/rules/", views.rules, name="rules"),
    path("c/<str:username>/progress/", views.progress, name="progress"),
]
