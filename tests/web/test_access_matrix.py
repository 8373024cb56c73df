"""The access matrix: every page and API operation, every kind of viewer.

Routes are enumerated from the URL configuration and from the ninja API's operations,
so a new route without a :mod:`lacrima.web.policy` declaration fails
:func:`test_every_route_declares_access`. Each route is then requested as seven
viewers (owner, another client, a linked therapist with consent for the route's
category, one linked without it, an unlinked therapist, an admin, anonymous) and the
answer compared with what its declaration promises. Requests the matrix cannot guess
come from ``tests/web/access_cases.py``.

The audit trail is checked on the way: a refused request writes no row; a consenting
therapist's read writes exactly one; the GET of an edit form (``edit_form=True``) none;
a change at most one (it is audited only once stored).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from access_cases import CASES, Case
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lacrima.web import policy
from lacrima.web.accounts.models import CATEGORIES
from lacrima.web.audit.models import AuditEntry

# Viewers in request order: the owner last, so that an owner's write cannot change what
# the others are expected to see.
VIEWERS = (
    "anonymous",
    "admin",
    "therapist_unlinked",
    "therapist_no_consent",
    "other_client",
    "therapist_consent",
    "owner",
)
ROLE_OF = {
    "owner": "client",
    "other_client": "client",
    "therapist_consent": "therapist",
    "therapist_no_consent": "therapist",
    "therapist_unlinked": "therapist",
    "admin": "admin",
}
# Routes the framework adds, with the declaration they would carry.
FRAMEWORK_ROUTES = {"api:openapi-json": policy.AccessRule("public")}
SAFE = ("get", "head", "options")


@dataclass(frozen=True)
class Route:
    """One page (URL name) or one API operation (method + path)."""

    key: str
    kind: str  # "page" | "api"
    path: str  # API: /api/v1/... template; page: the URL name
    method: str
    params: tuple[str, ...]
    client_query: bool
    rule: policy.AccessRule | None


def _walk(patterns: list[Any], namespace: str, params: tuple[str, ...]) -> Iterator[Route]:
    for entry in patterns:
        names = params + tuple(_converters(entry))
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, (namespace, entry.namespace or "")))
            if ns == "api":
                continue  # enumerated from the ninja API object instead
            yield from _walk(entry.url_patterns, ns, names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            rule = FRAMEWORK_ROUTES.get(name) or policy.get_rule(entry.callback)
            # One name may serve the client's own address and a client's, by path
            # (``diary:index`` and ``diary:index[username]``, decision 0013e).
            key = f"{name}[{','.join(names)}]" if names and _has_bare(name) else name
            yield Route(key, "page", name, "get", names, False, rule)


def _has_bare(name: str) -> bool:
    """Whether ``name`` also has an address without parameters."""
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _converters(entry: Any) -> list[str]:
    pattern = entry.pattern
    if hasattr(pattern, "converters"):
        return list(pattern.converters)
    return list(getattr(pattern, "regex", re.compile("")).groupindex)


def page_routes() -> list[Route]:
    """Every URL pattern outside the API."""
    return list(_walk(get_resolver().url_patterns, "", ()))


def api_routes() -> list[Route]:
    """Every ninja operation, one route per method."""
    import inspect

    from lacrima.web.api import api

    found = []
    for prefix, router in api._routers:
        for sub, path_view in router.path_operations.items():
            path = re.sub("/+", "/", f"/api/v1/{prefix}/{sub}")
            for op in path_view.operations:
                params = tuple(re.findall(r"{(?:\w+:)?(\w+)}", path))
                sig = inspect.signature(op.view_func).parameters
                for method in op.methods:
                    found.append(
                        Route(
                            key=f"{method} {path}",
                            kind="api",
                            path=path,
                            method=method.lower(),
                            params=params,
                            client_query="client" in sig and "client" not in params,
                            rule=policy.get_rule(op.view_func),
                        )
                    )
    found.append(
        Route(
            "api:openapi-json",
            "api",
            "/api/v1/openapi.json",
            "get",
            (),
            False,
            FRAMEWORK_ROUTES["api:openapi-json"],
        )
    )
    return found


ALL_ROUTES = page_routes() + api_routes()


def test_every_route_declares_access() -> None:
    missing = [r.key for r in ALL_ROUTES if r.rule is None]
    unnamed = [r.key for r in ALL_ROUTES if r.kind == "page" and r.key.endswith(":None")]
    assert not unnamed, f"give these URL patterns a name: {unnamed}"
    assert not missing, (
        "these routes have no access declaration; add @policy.public / authenticated / "
        "role_required(...) / client_data(...) / client_profile (see docs/dev/web.md): "
        f"{missing}"
    )


def test_keys_in_access_cases_exist() -> None:
    keys = {r.key for r in ALL_ROUTES}
    stale = sorted(set(CASES) - keys)
    assert not stale, f"tests/web/access_cases.py names routes that do not exist: {stale}"


# ----------------------------------------------------------------------------- world


@pytest.fixture
def world(make_user: Any, link: Any) -> Any:
    """Build the seven viewers for a route of ``category`` (callable)."""

    def build(category: str) -> dict[str, Any]:
        users = {
            "owner": make_user(role="client", username="owner", first_name="Owner"),
            "other_client": make_user(role="client", username="other"),
            "therapist_consent": make_user(role="therapist", username="t_consent"),
            "therapist_no_consent": make_user(role="therapist", username="t_noconsent"),
            "therapist_unlinked": make_user(role="therapist", username="t_unlinked"),
            "admin": make_user(role="admin", username="admin_x"),
        }
        with_c = [category] if category in CATEGORIES else list(CATEGORIES)
        without = [c for c in CATEGORIES if c not in with_c]
        link(users["owner"], users["therapist_consent"], consents=with_c)
        link(users["owner"], users["therapist_no_consent"], consents=without)
        link(users["other_client"], users["therapist_unlinked"], consents=CATEGORIES)
        return users

    return build


def _cases(route: Route, owner: Any, users: dict[str, Any]) -> list[Case]:
    factory = CASES.get(route.key)
    if factory is not None:
        made = factory(owner, users)
        return made if isinstance(made, list) else [made]
    if not route.params:
        query = {"client": owner.username} if route.client_query else {}
        return [Case(query=query)]
    if route.params == ("username",):
        return [Case(kwargs={"username": owner.username})]
    pytest.fail(
        f"{route.key} needs {route.params}: add a factory for {route.key!r} to "
        "tests/web/access_cases.py"
    )


def expected(rule: policy.AccessRule, shape: str, viewer: str, method: str) -> int | str:
    """What a viewer should get: ``"ok"``, ``"login"`` or a status code."""
    if viewer == "anonymous":
        return "ok" if rule.kind == "public" else "login"
    if rule.kind in ("public", "authenticated"):
        return "ok"
    if rule.kind == "role":
        return "ok" if ROLE_OF[viewer] in rule.roles else 403
    if rule.kind == "client_profile":
        linked = ("owner", "therapist_consent", "therapist_no_consent")
        return "ok" if viewer in linked else 404
    if shape == "own":
        return "ok" if viewer in ("owner", "other_client") else 403
    if viewer == "owner":
        return "ok"
    if viewer == "therapist_consent":
        return "ok" if method in SAFE or rule.therapist_writes else 403
    return 403 if viewer == "therapist_no_consent" else 404


def _request(route: Route, case: Case, client: Any) -> Any:
    if route.kind == "page":
        url = reverse(route.path, kwargs=case.kwargs or None)
        method = case.method.lower()
    else:
        url = route.path.format(**case.kwargs)
        method = route.method
    if case.query:
        url += "?" + urlencode(case.query)
    if method in SAFE:
        return client.generic(method.upper(), url)
    if route.kind == "api":
        body = json.dumps(case.data or {})
        return client.generic(method.upper(), url, body, content_type="application/json")
    return getattr(client, method)(url, data=case.data or {})


def _check(route: Route, viewer: str, want: int | str, response: Any) -> None:
    status = response.status_code
    where = f"{route.key} as {viewer}: got {status}"
    login = reverse("core:login")
    if want == "login":
        if route.kind == "api":
            assert status == 401, where + ", expected 401"
        else:
            assert status == 302, where + ", expected a redirect to sign-in"
            assert response["Location"].startswith(login), where + " " + response["Location"]
    elif want == "ok":
        assert status < 400, where + ", expected success"
        if status == 302:
            assert not response["Location"].startswith(login), where + " (sent to sign-in)"
    else:
        assert status == want, where + f", expected {want}"


def _may_see(rule: policy.AccessRule) -> tuple[str, ...]:
    """Viewers who may see the owner's data behind a route with this rule."""
    if rule.kind == "client_profile":
        return ("owner", "therapist_consent", "therapist_no_consent")
    return ("owner", "therapist_consent")


def _body(response: Any) -> str:
    content = getattr(response, "content", b"")
    return content.decode("utf-8", "replace")


@pytest.mark.parametrize("route", [r for r in ALL_ROUTES if r.rule], ids=lambda r: r.key)
def test_access(route: Route, world: Any, client_of: Any) -> None:
    assert route.rule is not None
    users = world(route.rule.category)
    for case in _cases(route, users["owner"], users):
        shape = case.resolved_shape()
        method = route.method if route.kind == "api" else case.method.lower()
        for viewer in VIEWERS:
            user = users.get(viewer)
            want = case.expect.get(viewer) or expected(route.rule, shape, viewer, method)
            before = AuditEntry.objects.filter(subject=users["owner"], actor=user).count()
            response = _request(route, case, client_of(user))
            _check(route, viewer, want, response)
            sees = want == "ok" and viewer in _may_see(route.rule)
            if case.marker and sees and response.status_code == 200:
                assert case.marker in _body(response), f"{route.key}: {viewer} misses the data"
            elif case.marker:
                assert case.marker not in _body(response), f"{route.key}: {viewer} sees it"
            if case.absent:
                assert case.absent not in _body(response), f"{route.key}: {viewer} sees it"
            after = AuditEntry.objects.filter(subject=users["owner"], actor=user).count()
            _check_audit(route, case, viewer, want, method, after - before)


def _check_audit(route: Route, case: Case, viewer: str, want: Any, method: str, rows: int) -> None:
    """What the request left in the owner's audit trail (``rows`` new entries)."""
    assert route.rule is not None
    where = f"{route.key} as {viewer} ({method.upper()}): {rows} audit rows"
    if want != "ok":
        assert rows == 0, where + ", a refused request writes none"
        return
    audited = route.rule.kind in ("client_data", "client_profile")
    if not (audited and viewer == "therapist_consent" and case.resolved_shape() == "subject"):
        return
    if method not in SAFE:
        assert rows <= 1, where + ", a change is audited once"
    elif route.rule.edit_form:
        assert rows == 0, where + ", opening an edit form is not an edit"
    elif case.audit_rows is None:  # one per category shown
        assert 1 <= rows <= len(CATEGORIES) + 1, where + ", expected one per category shown"
    else:
        assert rows == case.audit_rows, where + f", expected {case.audit_rows} (one per read)"
