"""Errors with DEBUG off (as the tests run): French pages styled with the app's CSS, and JSON
with a French message for every error under /api/ (README « Mise en production »)."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings
from pytest_django import DjangoAssertNumQueries

from members.models import Body
from tests.factories import BodyFactory, login_as

pytestmark = pytest.mark.django_db

STYLESHEET = 'href="/static/css/app.css"'


@pytest.fixture
def body() -> Body:
    return BodyFactory(short_name="PMA")


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


def _page(response: Any, status: int, heading: str) -> str:
    """The error page's HTML, once checked: status, French heading, the app's stylesheet."""
    page = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f"<h1>{heading}</h1>" in page
    assert STYLESHEET in page
    assert 'lang="fr"' in page
    return page


def test_400_page_is_french(anonymous: Client) -> None:
    # A Host header outside ALLOWED_HOSTS is refused (DisallowedHost).
    response = anonymous.get("/public/", HTTP_HOST="pirate.example")

    _page(response, 400, "Requête invalide")


def test_403_page_is_french_with_the_views_reason(client: Client, body: Body) -> None:
    login_as(client, "elu", body)

    response = client.get("/seances/nouvelle/")

    page = _page(response, 403, "Accès refusé")
    assert "Vous n&#x27;avez pas le droit d&#x27;effectuer cette action." in page


def test_csrf_refusal_is_french() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/connexion/", {"username": "x", "password": "y"})

    page = _page(response, 403, "Formulaire refusé")
    assert "Rechargez la page" in page
    assert "CSRF verification failed" not in page


def test_404_page_is_french_and_shows_only_french_reasons(client: Client, body: Body) -> None:
    unknown = client.get("/nexiste/pas/")
    login_as(client, "superuser")
    # get_object_or_404's English « No Deliberation matches the given query. » is left out.
    missing_act = client.get("/deliberations/999999/modifier/")

    page = _page(unknown, 404, "Page introuvable")
    assert "<code>/nexiste/pas/</code>" in page
    assert "matches the given query" not in _page(missing_act, 404, "Page introuvable")


def test_404_page_shows_a_public_views_french_reason(anonymous: Client, body: Body) -> None:
    response = anonymous.get(f"/public/{body.short_name}/deliberations/2023-PMA00001/")

    assert "Aucun" in _page(response, 404, "Page introuvable")


def test_500_page_renders_without_request_nor_database(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(0):
        page = render_to_string("500.html")

    assert "<h1>Erreur du serveur</h1>" in page
    assert "rien de ce qu'elle devait faire n'a été enregistré" in page
    assert STYLESHEET in page


@override_settings(ROOT_URLCONF="tests.pma_governance.error_urls")
def test_500_page_is_french(anonymous: Client) -> None:
    response = anonymous.get("/_erreur/")

    page = _page(response, 500, "Erreur du serveur")
    assert "Server Error" not in page


# --- The API: JSON, in French, whatever fails ----------------------------------------------


def _detail(response: Any, status: int) -> str:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    return detail


def test_api_400_for_a_bad_parameter_and_a_bad_host(anonymous: Client) -> None:
    parameter = anonymous.get("/api/v1/organes/?page=zéro")
    host = anonymous.get("/api/v1/organes/", HTTP_HOST="pirate.example")

    assert "Paramètre « page » invalide" in _detail(parameter, 400)
    assert _detail(host, 400) == "Requête invalide : le serveur ne peut pas la traiter."


def test_api_404_under_any_version(anonymous: Client) -> None:
    inside = anonymous.get("/api/v1/inconnu/")
    other_version = anonymous.get("/api/v2/organes/")
    no_body = anonymous.get("/api/v1/organes/XYZ/")

    assert _detail(inside, 404).startswith("Adresse inconnue dans l'API")
    assert _detail(other_version, 404).startswith("Adresse inconnue dans l'API")
    assert _detail(no_body, 404) == "Aucun organe « XYZ » n'a de publication."


def test_api_405_for_a_write(anonymous: Client) -> None:
    response = anonymous.post("/api/v1/organes/", {"name": "x"})

    assert "non autorisée" in _detail(response, 405)
    assert response["Allow"] == "GET, HEAD"


@override_settings(ROOT_URLCONF="tests.pma_governance.error_urls")
def test_api_403_500_and_login_required_in_json(anonymous: Client) -> None:
    forbidden = anonymous.get("/api/v1/_interdit/")
    crash = anonymous.get("/api/v1/_erreur/")
    private = anonymous.get("/api/v1/_prive/")

    assert _detail(forbidden, 403) == "Accès refusé."
    assert _detail(crash, 500).startswith("Erreur interne du serveur")
    assert _detail(private, 403).startswith("Connexion requise")
    # Outside the API, the same private address would redirect to the login form.
    assert anonymous.get("/").status_code == 302
