"""Pages of the program: overview, hierarchy editing, rules and progress.

Every view declares its access rule with :mod:`lacrima.web.policy` and picks its
subject through ``subject_for_read`` / ``subject_for_write``. A therapist's read is
audited when the page is shown, a change once it is stored (``_changed``); opening a
form to change something is not audited. Client and linked therapist with ``program``
consent may edit the hierarchy; only the therapist may change the rules. Practice and
relaxation pages are in :mod:`lacrima.web.program.views_practice`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from lacrima.care.desensitization import ProgramError
from lacrima.web import policy
from lacrima.web.diary import safety
from lacrima.web.program import charts, presenters, services
from lacrima.web.program.forms import AddItemForm, ItemForm, ReorderForm, RulesForm

CATEGORY = "program"


def _reader(request: HttpRequest, username: str | None, what: str) -> Any:
    return policy.subject_for_read(request.user, username, CATEGORY, what)


def _writer(request: HttpRequest, username: str | None) -> Any:
    return policy.subject_for_write(request.user, username, CATEGORY, therapist_writes=True)


def _changed(request: HttpRequest, client: Any, what: str) -> None:
    policy.record_change(request.user, client, CATEGORY, what)


def _shown(request: HttpRequest, client: Any, what: str) -> None:
    """Audit the read of a page shown again after a refused or invalid change."""
    policy.check_read(request.user, client, CATEGORY, what)


def _page(
    request: HttpRequest, template: str, client: Any, status: int = 200, **context: Any
) -> HttpResponse:
    context.update(
        client=client,
        own=request.user.pk == client.pk,
        urls=presenters.links(client, request.user),
    )
    return render(request, f"program/{template}", context, status=status)


@policy.client_data(CATEGORY)
def index(request: HttpRequest) -> HttpResponse:
    """A client's own program; for a therapist, the clients who share theirs."""
    if request.user.is_therapist:
        clients = policy.clients_sharing(request.user, CATEGORY).order_by("username")
        return render(request, "program/clients.html", {"clients": clients})
    return _overview(request, _reader(request, None, "program overview"))


@policy.client_data(CATEGORY, therapist_writes=True)
def overview(request: HttpRequest, username: str) -> HttpResponse:
    """The program of ``username``: where they stand, what is next."""
    return _overview(request, _reader(request, username, "program overview"))


def _overview(request: HttpRequest, client: Any) -> HttpResponse:
    program = services.load(client).program
    return _page(
        request,
        "overview.html",
        client,
        steps=presenters.steps(program),
        hints=presenters.hints(program),
        passed_count=program.passed_count,
        total=len(program.hierarchy),
        complete=program.is_complete,
        in_session=program.state.phase.value != "idle",
    )


@policy.client_data(CATEGORY, therapist_writes=True)
def hierarchy(request: HttpRequest, username: str) -> HttpResponse:
    """The list of scenes: add one, reorder, or start from the template."""
    form = AddItemForm()
    status = 200
    if request.method == "POST":
        client = _writer(request, username)
        form = AddItemForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_item(client, data["text"], data["suds"], data["position"])
            except ProgramError as exc:
                form.add_error(None, str(exc))
            else:
                _changed(request, client, "added a step")
                messages.success(request, "Step added.")
                url = reverse("program:hierarchy", kwargs={"username": client.username})
                return redirect(safety.support_url(url, data["text"]))
        safety.mark_posted(request, "text")
        _shown(request, client, "hierarchy")
        status = 400
    else:
        client = _reader(request, username, "hierarchy")
    return _hierarchy_page(request, client, add_form=form, status=status)


def _hierarchy_page(
    request: HttpRequest,
    client: Any,
    add_form: AddItemForm | None = None,
    reorder_form: ReorderForm | None = None,
    status: int = 200,
) -> HttpResponse:
    program = services.load(client).program
    return _page(
        request,
        "hierarchy.html",
        client,
        status=status,
        steps=presenters.steps(program),
        hints=presenters.hints(program),
        add_form=add_form or AddItemForm(),
        reorder_form=reorder_form or ReorderForm(program.hierarchy.items),
        empty=len(program.hierarchy) == 0,
    )


def _item_or_404(client: Any, item_id: int) -> Any:
    program = services.load(client).program
    if str(item_id) not in program.hierarchy.ids:
        raise Http404("No such step.")
    return program.hierarchy.get(str(item_id))


@policy.client_data(CATEGORY, therapist_writes=True, edit_form=True)
def item_edit(request: HttpRequest, username: str, item_id: int) -> HttpResponse:
    """Change a scene's words or rating."""
    if request.method == "POST":
        client = _writer(request, username)
        item = _item_or_404(client, item_id)
        form = ItemForm(request.POST)
        if form.is_valid():
            try:
                services.edit_item(
                    client, item.id, form.cleaned_data["text"], form.cleaned_data["suds"]
                )
            except ProgramError as exc:
                form.add_error(None, str(exc))
            else:
                _changed(request, client, "changed a step")
                messages.success(request, "Step saved.")
                url = reverse("program:hierarchy", kwargs={"username": client.username})
                return redirect(safety.support_url(url, form.cleaned_data["text"]))
        safety.mark_posted(request, "text")
        return _page(request, "item_edit.html", client, status=400, form=form, item=item)
    client = _writer(request, username)
    item = _item_or_404(client, item_id)
    form = ItemForm(initial={"text": item.text, "suds": item.suds})
    return _page(request, "item_edit.html", client, form=form, item=item)


@policy.client_data(CATEGORY, therapist_writes=True, edit_form=True)
def item_delete(request: HttpRequest, username: str, item_id: int) -> HttpResponse:
    """Ask, then remove a scene (its logged trials are kept)."""
    if request.method == "POST":
        client = _writer(request, username)
        item = _item_or_404(client, item_id)
        services.delete_item(client, item.id)
        _changed(request, client, "removed a step")
        messages.success(request, "Step removed.")
        return redirect("program:hierarchy", username=client.username)
    client = _writer(request, username)
    return _page(request, "item_delete.html", client, item=_item_or_404(client, item_id))


@policy.client_data(CATEGORY, therapist_writes=True)
def reorder(request: HttpRequest, username: str) -> HttpResponse:
    """Save new places for the scenes (POST); a GET goes back to the list."""
    if request.method != "POST":
        client = _reader(request, username, "hierarchy")
        return redirect("program:hierarchy", username=client.username)
    client = _writer(request, username)
    items = services.load(client).program.hierarchy.items
    form = ReorderForm(items, request.POST)
    if form.is_valid():
        try:
            services.reorder(client, form.positions())
        except ProgramError as exc:
            form.add_error(None, str(exc))
        else:
            _changed(request, client, "reordered steps")
            messages.success(request, "New order saved.")
            return redirect("program:hierarchy", username=client.username)
    _shown(request, client, "hierarchy")
    return _hierarchy_page(request, client, reorder_form=form, status=400)


@policy.client_data(CATEGORY, therapist_writes=True)
def template(request: HttpRequest, username: str) -> HttpResponse:
    """Start an empty list from the template (POST); a GET goes back to the list."""
    if request.method != "POST":
        client = _reader(request, username, "hierarchy")
        return redirect("program:hierarchy", username=client.username)
    client = _writer(request, username)
    try:
        services.use_template(client)
    except ProgramError as exc:
        messages.info(request, str(exc))
    else:
        _changed(request, client, "started from the template")
        messages.success(
            request, "The starting list is in place. Rate each step in your own terms."
        )
    return redirect("program:hierarchy", username=client.username)


@policy.client_data(CATEGORY, therapist_writes=True)
def rules(request: HttpRequest, username: str) -> HttpResponse:
    """The trial rules: read by the client, adjusted by a therapist with consent."""
    form: RulesForm | None = None
    status = 200
    if request.method == "POST":
        client = _writer(request, username)
        if request.user.pk == client.pk:
            raise PermissionDenied("Your therapist adjusts these rules with you.")
        form = RulesForm(request.POST)
        if form.is_valid():
            services.set_rules(client, form.rules, by=request.user)
            _changed(request, client, "changed program rules")
            messages.success(request, "Rules saved.")
            return redirect("program:rules", username=client.username)
        _shown(request, client, "program rules")
        status = 400
    else:
        client = _reader(request, username, "program rules")
    loaded = services.load(client)
    if form is None:
        form = RulesForm(initial=loaded.program.rules.to_dict())
    return _page(
        request,
        "rules.html",
        client,
        status=status,
        form=form if request.user.pk != client.pk else None,
        rows=presenters.rules_rows(loaded.program.rules),
        changed_by=loaded.record.rules_changed_by,
    )


@policy.client_data(CATEGORY)
def progress(request: HttpRequest, username: str) -> HttpResponse:
    """SUDS per step over its presentations, steps done, relaxation ratings."""
    client = _reader(request, username, "program progress")
    program = services.load(client).program
    summary = services.progress_of(client)
    return _page(
        request,
        "progress.html",
        client,
        summary=summary,
        item_charts=charts.item_charts(summary, program.rules),
        relax_chart=charts.relaxation_chart(summary),
    )
