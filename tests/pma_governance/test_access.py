"""Access: every page asks for a login but the health check; the admin works, in French."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils.html import escape
from django.utils.text import capfirst

from members.models import Body
from pma_governance.lib.roles import SECRETARIAT
from tests.factories import UserFactory, login_as

pytestmark = pytest.mark.django_db

# Views that opt out of the login (pma_governance.views.health; the login form itself; the
# sitemap and robots.txt, which point to the public side only).
PUBLIC = {"health", "login", "sitemap", "robots_txt"}
# The published acts' pages and the open-data API (DESIGN §6) are public by design:
# tests/deliberations/test_views_public.py and tests/deliberations/test_api.py.
PUBLIC_PREFIXES = ("/public/", "/api/v1/")
ADMIN_APPS = ("members", "meetings", "deliberations")
SAMPLE_VALUES = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.uuid4())}


def _routes(
    resolvers: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """(sample path, name) of every route-based URL outside the admin, arguments filled in."""
    for entry in resolvers:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # the admin's regex URLs: tested below, with a superuser
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            yield from _routes(entry.url_patterns, route)
        else:
            sample = re.sub(
                r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES[m.group(1) or "str"], route
            )
            yield "/" + sample, entry.name or route


ROUTES = sorted(_routes(get_resolver().url_patterns))


def test_settings_are_french() -> None:
    assert settings.LANGUAGE_CODE == "fr-fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.USE_TZ is True


@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_home_and_admin_redirect_anonymous_visitors_to_a_login(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    login = reverse("admin:login") if path.startswith("/admin/") else reverse(settings.LOGIN_URL)
    assert response["Location"].startswith(login)


PRIVATE_ROUTES = [r for r in ROUTES if r[1] not in PUBLIC and not r[0].startswith(PUBLIC_PREFIXES)]


def test_public_pages_are_only_under_public() -> None:
    from django.urls import resolve

    for path, name in ROUTES:
        view = resolve(path).func
        if not getattr(view, "login_required", True):
            assert path.startswith(PUBLIC_PREFIXES) or name in PUBLIC, f"{name} ({path}) est public"


@pytest.mark.parametrize(("path", "name"), PRIVATE_ROUTES)
def test_every_page_requires_a_login(client: Client, path: str, name: str) -> None:
    response = client.get(path)

    assert response.status_code == 302, f"{name} ({path}) s'affiche sans connexion"
    assert response["Location"].startswith(reverse(settings.LOGIN_URL) + "?next=")


def test_health_check_is_public(client: Client) -> None:
    response = client.get("/sante/")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_login_page_is_public_and_french(client: Client) -> None:
    response = client.get(reverse("login"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Connexion" in page
    assert "Mot de passe" in page


def test_logging_in_opens_the_home_page(client: Client) -> None:
    UserFactory(username="secretariat", password="un-mot-de-passe-solide", groups=[SECRETARIAT])

    response = client.post(
        reverse("login"),
        {"username": "secretariat", "password": "un-mot-de-passe-solide", "next": "/"},
    )
    home = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert home.status_code == 200


ADMIN_MODELS = sorted(
    model._meta.label for model in admin.site._registry if model._meta.app_label in ADMIN_APPS
)


@pytest.fixture
def superuser_client(client: Client, seed_session: object) -> Client:
    """A superuser, with the seed session imported so that every list has rows."""
    login_as(client, "superuser")
    return client


def _can_add(model: type[Model], request: HttpRequest) -> bool:
    return admin.site._registry[model].has_add_permission(request)


def _model(label: str) -> type[Model]:
    return next(m for m in admin.site._registry if m._meta.label == label)


def test_every_domain_model_is_in_the_admin() -> None:
    assert {label.split(".")[0] for label in ADMIN_MODELS} == set(ADMIN_APPS)
    for name in ("Body", "Mandate", "Session", "Attendance", "Proxy", "Deliberation", "Vote"):
        assert any(label.endswith(f".{name}") for label in ADMIN_MODELS), name


@pytest.mark.parametrize("label", ADMIN_MODELS)
def test_admin_pages_of_every_model_load(superuser_client: Client, label: str) -> None:
    model = _model(label)
    info = (model._meta.app_label, model._meta.model_name)

    changelist = superuser_client.get(reverse("admin:{}_{}_changelist".format(*info)))
    add = superuser_client.get(reverse("admin:{}_{}_add".format(*info)))

    assert changelist.status_code == 200
    # Rows made only by the app (a signed PDF…) have no add form, even for a superuser.
    assert add.status_code == (200 if _can_add(model, add.wsgi_request) else 403)
    # The French name of the model, as the breadcrumb shows it (« Points de l'ordre du jour »).
    assert escape(capfirst(model._meta.verbose_name_plural)) in changelist.content.decode()
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        change = superuser_client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        assert change.status_code == 200


def test_admin_speaks_french(superuser_client: Client) -> None:
    response = superuser_client.get(reverse("admin:index"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="fr' in page
    for label in ("Séances", "Délibérations", "Mandats", "Pouvoirs", "Déconnexion"):
        assert label in page, label
    assert Body.objects.filter(short_name="PMA").exists()
