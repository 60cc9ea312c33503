"""The access matrix, generated from the URLconf: every named URL, asked as every role, answers as
``imr_site.access`` declares.

The URLs are built with real objects (tests/access_world.py): each role asks about its own view of a real
case, so a 404 here means the role may not know the object exists, a 403 that it sees it but may not do
this, and 200 that the page really rendered. A URL with no declared rule fails.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from imr_site import access
from imr_site.roles import ADMIN_APPS, SECURITY_OFFICER_MODELS
from tests.access_world import build_world
from tests.auth import log_in


def _named_patterns(resolver: URLResolver | None = None, namespace: str = "") -> dict[str, URLPattern]:
    resolver = resolver or get_resolver()
    found: dict[str, URLPattern] = {}
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(_named_patterns(pattern, inner))
        elif pattern.name:
            found.setdefault(namespace + pattern.name, pattern)
    return found


PATTERNS = _named_patterns()
PAGES = sorted(name for name in PATTERNS if not name.startswith("admin:"))
ADMIN_PAGES = sorted(name for name in PATTERNS if name.startswith("admin:"))


@pytest.fixture
def _private_media():
    """The module's files live in the world's own folder (set below) for the whole module."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at its end; each test runs in
    a savepoint within it, so what a permitted POST changes is undone before the next test."""
    media = tmp_path_factory.mktemp("matrix-media")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}}
    with (
        override_settings(MEDIA_ROOT=media, STORAGES={**settings.STORAGES, "default": storage}),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _url(name: str, kwargs: dict[str, object]) -> str:
    pattern = PATTERNS[name]
    regex = pattern.pattern.regex
    if regex.groups and not regex.groupindex:  # an admin re_path with positional groups
        return reverse(name, args=[1] * regex.groups)
    return reverse(name, kwargs={key: kwargs.get(key, 1) for key in regex.groupindex})


def _outcome(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return access.ADMIN_LOGIN
        if location.startswith(reverse("login")):
            return access.LOGIN
        return access.REDIRECT
    return str(response.status_code)


def _client_for(client, world, role: str):
    user = world.users[role]
    if user is not None:
        log_in(client, user)
    return client


def test_every_named_url_has_a_declared_rule():
    undeclared = [name for name in PATTERNS if access.rule_for(name) is None]
    assert undeclared == [], f"declare these URLs' rules in imr_site/access.py: {undeclared}"
    stale = [name for name in access.RULES if name != "admin:" and name not in PATTERNS]
    assert stale == [], f"rules for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("role", access.ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_each_url_answers_each_role_as_declared(db, client, world, name, role):
    rule = access.rule_for(name)
    assert rule is not None, f"{name} has no declared rule in imr_site/access.py"
    method, outcomes = rule
    url = _url(name, world.kwargs[role])
    response = getattr(_client_for(client, world, role), method.lower())(url)
    assert _outcome(response) == outcomes[role], f"{method} {url} as {role}"


# -- the admin site -----------------------------------------------------------------------------------


def _admin_allowed(role: str, model) -> bool:
    app, name = model._meta.app_label, model._meta.model_name
    return {
        access.ADMINISTRATOR: app in ADMIN_APPS,
        access.SECURITY_OFFICER: (app, name) in SECURITY_OFFICER_MODELS,
        access.SUPERUSER: True,
    }[role]


@pytest.mark.parametrize("role", [r for r in access.ROLES if r not in access.STAFF_ROLES])
def test_no_admin_page_opens_for_anyone_but_staff(db, client, world, role):
    """Every admin URL, whatever its object, sends a role without staff status to a login page."""
    _client_for(client, world, role)
    wrong = {}
    for name in ADMIN_PAGES:
        if name in ("admin:login", "admin:logout"):
            continue
        url = _url(name, {"app_label": "cases", "content_type_id": 1, "object_id": 1})
        outcome = _outcome(client.get(url))
        # The admin site's pages send to its own login form, the rest of the site to the login page.
        expected = {access.LOGIN, access.ADMIN_LOGIN} if role == access.ANONYMOUS else {access.ADMIN_LOGIN}
        if outcome not in expected:
            wrong[url] = outcome
    assert wrong == {}


@pytest.mark.parametrize("role", access.STAFF_ROLES)
def test_the_admin_site_shows_each_staff_role_only_its_models(db, client, world, role):
    """The index for every staff role; each registered model's list, and one object's page, only for
    the roles whose model permissions (imr_site.roles) include it."""
    _client_for(client, world, role)
    assert client.get(reverse("admin:index")).status_code == 200
    wrong = {}
    for model in admin.site._registry:
        opts = model._meta
        expected = "200" if _admin_allowed(role, model) else "403"
        urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
        for url in urls:
            outcome = _outcome(client.get(url))
            if outcome != expected:
                wrong[url] = f"{outcome}, declared {expected}"
    assert wrong == {}
