"""Access: every page asks for a login but the health check; the admin works, in French."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils.html import escape
from django.utils.text import capfirst

from deliberations.models import Deliberation, SignedDocument
from meetings.models import Session
from members.models import Body, BodyAccess, Mandate, Person
from pma_governance.lib.roles import SECRETARIAT, ensure_roles
from tests.conftest import row_counts
from tests.factories import BodyFactory, UserFactory, account, login_as, login_verified
from tests.pma_governance.publication.helpers import sign_fast

pytestmark = pytest.mark.django_db

# Views that opt out of the login (pma_governance.views.health; the login form itself and
# the forgotten password's pages; the sitemap and robots.txt, which point to the public
# side only; a convocation's personal link, whose token is the key:
# tests/meetings/test_convocation_receipts.py; the room display, behind its token).
PUBLIC = {
    "health",
    "login",
    "password_reset",
    "admin_password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "sitemap",
    "robots_txt",
    "receipt",
    "acknowledge",
    # The room display opens with its display token, refused (403) without one:
    # tests/pma_governance/live/test_room.py.
    "room_display",
    "room_display_state",
}
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


# --- The admin is for superusers (issue 11) -----------------------------------------------


def _admin_model_paths() -> dict[str, type[Model]]:
    """{"members/body/": Body, …}: the prefix of each registered model's admin URLs."""
    return {
        f"{model._meta.app_label}/{model._meta.model_name}/": model
        for model in admin.site._registry
    }


def _admin_urls() -> list[str]:
    """Every URL of the admin — index, app lists, each model's changelist, add, change,
    delete, history and own views, the autocomplete… — filled with existing rows' ids."""
    [admin_resolver] = [
        e
        for e in get_resolver().url_patterns
        if isinstance(e, URLResolver) and str(e.pattern) == "admin/"
    ]
    models = _admin_model_paths()
    urls: list[str] = []
    for entry in admin_resolver.url_patterns:
        prefix = str(entry.pattern)
        if isinstance(entry, URLResolver):
            model = models[prefix]
            first = model._default_manager.order_by("pk").first()
            pk = str(first.pk) if first is not None else "1"
            for pattern in entry.url_patterns:
                route = re.sub(r"<(?:\w+:)?\w+>", pk, str(pattern.pattern))
                urls.append(f"/admin/{prefix}{route}")
        elif isinstance(entry.pattern, RoutePattern):
            body = Body.objects.order_by("pk").first()
            route = str(entry.pattern)
            route = route.replace("<int:content_type_id>", str(_content_type_id(Body)))
            route = re.sub(r"<(?:\w+:)?\w+>", str(body.pk if body else 1), route)
            urls.append(f"/admin/{route}")
    urls += [f"/admin/{label}/" for label in {m._meta.app_label for m in admin.site._registry}]
    urls.append("/admin/une/page/inconnue/")
    return sorted(set(urls))


def _content_type_id(model: type[Model]) -> int:
    return ContentType.objects.get_for_model(model).pk


NON_SUPERUSERS = ["secretariat", "administrator", "elu", "staff_with_every_permission"]


@pytest.fixture
def admin_rows(seed_session: Session) -> Body:
    """A row behind every admin page: the seed, a signed act, accounts, accesses, links."""
    act = Deliberation.objects.filter(body=seed_session.body, status="voted").order_by("pk")[0]
    sign_fast(act)
    president = Mandate.objects.get(body=seed_session.body, external_id="bavay")
    account("administrator", seed_session.body, mandate=president, username="president")
    return seed_session.body


def _non_superuser(role: str, body: Body) -> User:
    """An account of `role` on `body`, marked staff: the worst case, short of a superuser."""
    if role == "staff_with_every_permission":
        user = UserFactory(username="equipe", is_staff=True)
        user.user_permissions.set(Permission.objects.all())
        return user
    return account(role, body, is_staff=True, username=f"{role}-equipe")  # type: ignore[arg-type]


def _sent_to_admin_login(response: Any) -> bool:
    """Refused: sent to the admin's login form (or, for the logout's GET, not allowed)."""
    if response.status_code == 405:
        return True
    return response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", NON_SUPERUSERS)
def test_every_admin_url_is_refused_to_every_other_role(
    client: Client, admin_rows: Body, role: str
) -> None:
    """GET and POST on every admin URL of every model: sent to the login, nothing written."""
    login_verified(client, _non_superuser(role, admin_rows))
    # The login form itself answers: it asks for another account (tested below); the logout
    # sends an account without access to the index, which sends it to the login.
    urls = [u for u in _admin_urls() if u not in (reverse("admin:login"), reverse("admin:logout"))]
    before = row_counts()

    opened = [u for u in urls if not _sent_to_admin_login(client.get(u))]
    written = [u for u in urls if not _sent_to_admin_login(client.post(u, {"post": "yes"}))]

    assert len(urls) > 100
    assert opened == []
    assert written == []
    assert row_counts() == before
    assert "_auth_user_id" in client.session  # refused, not logged out


def test_every_admin_url_opens_to_a_superuser(client: Client, admin_rows: Body) -> None:
    login_as(client, "superuser")

    statuses = {u: client.get(u) for u in _admin_urls() if u != reverse("admin:logout")}

    assert [u for u, r in statuses.items() if _sent_to_admin_login(r)] == []
    assert [u for u, r in statuses.items() if r.status_code >= 500] == []
    pdf = next(u for u in statuses if u.endswith("/pdf/"))
    assert statuses[pdf]["Content-Type"] == "application/pdf"


def test_a_secretary_cannot_grant_himself_a_body_nor_sign_as_the_president(
    client: Client, admin_rows: Body
) -> None:
    """The attack of issue 11: another body's acts, an access, the president's person, a PDF."""
    mine = BodyFactory(short_name="MINE")
    secretary = login_as(client, "secretariat", mine, is_staff=True, username="intrus")
    president = Person.objects.get(user__username="president")
    signed = SignedDocument.objects.get()

    acts = client.get(reverse("admin:deliberations_deliberation_changelist"))
    grant = client.post(
        reverse("admin:members_bodyaccess_add"), {"user": secretary.pk, "body": admin_rows.pk}
    )
    link = client.post(
        reverse("admin:members_person_change", args=[president.pk]),
        {"civility": "M.", "last_name": president.last_name, "user": secretary.pk},
    )
    pdf = client.get(reverse("admin:deliberations_signeddocument_pdf", args=[signed.pk]))

    assert all(_sent_to_admin_login(r) for r in (acts, grant, link, pdf))
    assert not BodyAccess.objects.filter(user=secretary, body=admin_rows).exists()
    president.refresh_from_db()
    assert president.user is not None and president.user.username == "president"
    assert "Administration" not in client.get(reverse("home")).content.decode()


def test_no_page_of_the_app_links_a_person_to_an_account(client: Client, admin_rows: Body) -> None:
    """Only a superuser links a person to an account (admin): the app's form has no such field."""
    secretary = login_as(client, "secretariat", admin_rows, username="secretaire")
    person = Person.objects.filter(mandates__body=admin_rows, user__isnull=True).first()
    assert person is not None

    response = client.post(
        reverse("members:person_edit", args=[person.pk]),
        {"civility": person.civility, "last_name": "Renommé", "user": secretary.pk},
    )

    person.refresh_from_db()
    assert response.status_code == 302
    assert (person.last_name, person.user_id) == ("Renommé", None)


def test_the_admin_login_tells_a_secretary_it_is_for_superusers(client: Client) -> None:
    UserFactory(username="secretariat", password="un-mot-de-passe-solide", is_staff=True)

    response = client.post(
        reverse("admin:login"), {"username": "secretariat", "password": "un-mot-de-passe-solide"}
    )

    assert response.status_code == 200
    assert "réservée aux superutilisateurs" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_no_role_holds_a_right_on_the_body_accesses() -> None:
    groups = ensure_roles()

    for group in groups.values():
        assert not group.permissions.filter(content_type__model="bodyaccess").exists(), group
