"""Diary pages: the list and chart, logging and editing episodes, analytics, files.

Each view declares its access rule (:mod:`lacrima.web.policy`) and picks its subject
through the policy module; forms validate; :mod:`.services` does the work.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.views.decorators.http import require_http_methods, require_POST

from lacrima.care.catharsis import REFERENCES, summary_rows
from lacrima.care.diary_io import EXPORT_FIELDS, rows_to_csv
from lacrima.errors import CareError
from lacrima.web import policy
from lacrima.web.diary import charts, safety, services
from lacrima.web.diary.forms import EpisodeForm, ImportForm, QuickEpisodeForm
from lacrima.web.diary.models import Episode, MoodEntry
from lacrima.web.diary.nav import check_access, form_args, subject_context, subject_name
from lacrima.web.diary.safety import flag_patterns

CATEGORY = "diary"


def _subject(request: HttpRequest, what: str, username: str | None) -> Any:
    return policy.subject_for_read(request.user, subject_name(request, username), CATEGORY, what)


def _owner(request: HttpRequest) -> Any:
    return policy.subject_for_write(request.user, None, CATEGORY)


def _after_save(episode: Episode) -> HttpResponse:
    flag_patterns(episode.client)
    url = f"{reverse('diary:index')}?saved={episode.pk}"
    return redirect(safety.support_url(url, episode.note, episode.trigger))


def _episode_for(request: HttpRequest, pk: int, write: bool = False) -> Episode:
    episode = get_object_or_404(Episode.objects.select_related("client"), pk=pk)
    what = "episode of " + formats.date_format(timezone.localtime(episode.started_at), "j M Y")
    check_access(request.user, episode.client, CATEGORY, what, write)
    return episode


@policy.client_data(CATEGORY)
@require_http_methods(["GET"])
def index(request: HttpRequest, username: str | None = None) -> HttpResponse:
    """The diary: due reminders, prompts, the "Log a cry" button, chart and entries."""
    client = _subject(request, "diary", username)
    own = client.pk == request.user.pk
    overview = services.overview_for(client)
    saved = None
    if own and request.GET.get("saved", "").isdigit():
        saved = Episode.objects.filter(client=client, pk=int(request.GET["saved"])).first()
    context = {
        **subject_context(request, client),
        "episodes": overview.episodes[:50],
        "chart": charts.episode_chart(overview.episodes),
        "summary": overview.summary,
        "prompts": services.patterns_for(client, overview.episodes),
        "due": services.due_for(client) if own else [],
        "saved": saved,
        "mood_count": MoodEntry.objects.filter(client=client).count(),
    }
    return render(request, "diary/index.html", context)


@policy.client_data(CATEGORY)
@require_http_methods(["GET", "POST"])
def episode_new(request: HttpRequest) -> HttpResponse:
    """The quick entry: what happened, optionally how strong, then save."""
    client = _owner(request)
    form = QuickEpisodeForm(*form_args(request))
    if request.method == "POST" and form.is_valid():
        form.instance.client = client
        return _after_save(form.save())
    return render(request, "diary/episode_quick.html", {"form": form})


@policy.client_data(CATEGORY)
@require_http_methods(["GET", "POST"])
def episode_full(request: HttpRequest) -> HttpResponse:
    """The full entry form (every field optional except what happened)."""
    client = _owner(request)
    form = EpisodeForm(*form_args(request), initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        form.instance.client = client
        return _after_save(form.save())
    safety.mark_posted(request, "note", "trigger")
    return render(request, "diary/episode_form.html", {"form": form, "editing": False})


@policy.client_data(CATEGORY)
@require_http_methods(["GET"])
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One episode, for its owner or a therapist the client shares the diary with."""
    episode = _episode_for(request, pk)
    own = episode.client_id == request.user.pk
    return render(request, "diary/episode_detail.html", {"episode": episode, "own": own})


@policy.client_data(CATEGORY, edit_form=True)
@require_http_methods(["GET", "POST"])
def episode_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one of your own episodes."""
    episode = _episode_for(request, pk, write=True)
    form = EpisodeForm(*form_args(request), instance=episode)
    if request.method == "POST" and form.is_valid():
        return _after_save(form.save())
    safety.mark_posted(request, "note", "trigger")
    return render(request, "diary/episode_form.html", {"form": form, "editing": True})


@policy.client_data(CATEGORY, edit_form=True)
@require_http_methods(["GET", "POST"])
def episode_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete one of your own episodes."""
    episode = _episode_for(request, pk, write=True)
    if request.method == "POST":
        episode.delete()
        messages.success(request, "The entry is deleted.")
        return redirect("diary:index")
    return render(request, "diary/episode_delete.html", {"episode": episode})


@policy.client_data(CATEGORY)
@require_http_methods(["GET"])
def summary(request: HttpRequest, username: str | None = None) -> HttpResponse:
    """Catharsis analytics: your own pattern beside published reference points."""
    client = _subject(request, "diary summary", username)
    overview = services.overview_for(client)
    context = {
        **subject_context(request, client),
        "s": overview.summary,
        "reading": overview.reading,
        "references": REFERENCES,
        "chart": charts.episode_chart(overview.episodes),
        "weeks": charts.week_chart(overview.summary.weeks),
        "week_rows": overview.summary.weeks[-26:],
        "groups": [
            ("Who was there", overview.summary.by_company),
            ("How they reacted", overview.summary.by_reaction),
            ("What you felt", overview.summary.by_emotion),
            ("Holding back", overview.summary.by_held_back),
        ],
    }
    return render(request, "diary/summary.html", context)


@policy.client_data(CATEGORY)
@require_http_methods(["GET"])
def summary_csv(request: HttpRequest, username: str | None = None) -> HttpResponse:
    """The analytics as CSV (metric, group, n, value, ci_low, ci_high)."""
    client = _subject(request, "diary summary (CSV)", username)
    rows = summary_rows(services.overview_for(client).summary)
    fields = ("metric", "group", "n", "value", "ci_low", "ci_high")
    response = HttpResponse(rows_to_csv(rows, fields), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="diary-summary.csv"'
    return response


@policy.client_data(CATEGORY)
@require_http_methods(["GET"])
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Download your own diary as CSV or JSON (the file the import reads back)."""
    client = _owner(request)
    rows = [services.episode_row(e) for e in Episode.objects.filter(client=client)]
    if fmt == "json":
        body = json.dumps({"diary_episodes": rows}, ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json")
    else:
        response = HttpResponse(
            rows_to_csv(rows, ("id", *EXPORT_FIELDS)), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="lacrima-diary.{fmt}"'
    return response


@policy.client_data(CATEGORY)
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    """Read a diary file back in (our export, or a Daylio CSV as mood entries)."""
    client = _owner(request)
    form = ImportForm(*form_args(request, files=True))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.import_diary_file(client, form.cleaned_data["file"].read())
            flag_patterns(client)
        except CareError as exc:
            form.add_error("file", f"Nothing was imported: {exc}.")
        else:
            what = "mood entries" if result.source == "daylio" else "diary entries"
            note = f" ({result.skipped} already in your diary)" if result.skipped else ""
            messages.success(request, f"Imported {result.added} {what}{note}.")
            url = reverse("diary:index")
            return redirect(f"{url}?{safety.SUPPORT_PARAM}=1" if result.needs_support else url)
    return render(request, "diary/import.html", {"form": form})


@policy.client_data(CATEGORY)
@require_http_methods(["GET"])
def moods(request: HttpRequest, username: str | None = None) -> HttpResponse:
    """Mood entries outside crying episodes (e.g. imported from Daylio)."""
    client = _subject(request, "mood entries", username)
    entries = MoodEntry.objects.filter(client=client)[:500]
    context = {**subject_context(request, client), "entries": entries}
    return render(request, "diary/moods.html", context)


@policy.client_data(CATEGORY)
@require_POST
def moods_delete(request: HttpRequest) -> HttpResponse:
    """Delete all your mood entries (e.g. to redo an import)."""
    client = _owner(request)
    deleted, _ = MoodEntry.objects.filter(client=client).delete()
    messages.success(request, f"Deleted {deleted} mood entries.")
    return redirect("diary:moods")
