"""The « Recherche » page: form, filters, highlighted results, pages, never an error page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from deliberations.models import Vote
from members.models import Body
from tests.factories import BodyFactory, login_as
from tests.pma_governance.search.helpers import act

pytestmark = pytest.mark.django_db

URL = "/recherche/"


@pytest.fixture
def body() -> Body:
    return BodyFactory(name="Syndicat mixte des Collines", short_name="SMC")


@pytest.fixture
def client_elu(client: Client, body: Body) -> Client:
    login_as(client, "elu", body)
    return client


def page(client: Client, **params: Any) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_url_and_login() -> None:
    assert reverse("search:index") == URL
    response = Client().get(URL, {"q": "piscine"})
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_empty_search_shows_the_form_and_the_filters(client_elu: Client) -> None:
    html = page(client_elu)

    assert html.count("<h1") == 1
    for name, label in (
        ("q", "Rechercher"),
        ("type", "Documents"),
        ("annee", "Année de la séance"),
        ("matiere", "Matière"),
        ("resultat", "Résultat du vote"),
    ):
        assert re.search(rf'<label class="form-label" for="id_{name}">{label}</label>', html)
        assert f'name="{name}"' in html
    assert "Saisissez un ou plusieurs mots" in html
    assert 'role="status"' not in html


def test_results_link_highlight_and_download(body: Body, client_elu: Client) -> None:
    deliberation = act(
        body,
        "Réhabilitation de la piscine intercommunale",
        considerants="<p>La piscine &amp; ses <strong>bassins</strong> sont vétustes.</p>",
        seq=192,
    )
    session = deliberation.item.session  # type: ignore[union-attr]

    html = page(client_elu, q="piscines")

    assert "2 résultats pour « piscines »" in html  # the act and the PV of its session
    assert "n° 2023/SMC00192" in html
    assert "Réhabilitation de la <mark>piscine</mark> intercommunale" in html
    assert "<mark>piscine</mark> &amp; ses bassins sont vétustes." in html
    assert "<strong>bassins" not in html
    assert "Adoptée à l&#x27;unanimité" in html or "Adoptée à l'unanimité" in html
    assert "séance du 13 juin 2023" in html
    assert reverse("deliberations:detail", args=[deliberation.pk]) in html
    assert reverse("deliberation_document", args=[deliberation.pk]) in html
    assert reverse("space:session", args=[session.pk]) in html
    assert reverse("session_document", args=[session.pk, "pv"]) in html
    assert "Procès-verbal de la séance du mardi 13 juin 2023" in html
    assert re.search(r'<h2 class="h5[^"]*"><a href="[^"]+">Réhabilitation', html)


def test_user_text_is_escaped(client_elu: Client) -> None:
    html = page(client_elu, q='<script>alert("x")</script>')

    assert "<script>alert" not in html
    assert "Aucun résultat pour « &lt;script&gt;" in html


def test_filters_narrow_the_results(body: Body, client_elu: Client) -> None:
    act(body, "Subvention au club de football", day=dt.date(2021, 3, 2), matiere="7.5")
    act(body, "Subvention au club de tennis", matiere="7.5", result=Vote.Result.REJECTED)

    html = page(client_elu, q="club", annee="2021")
    assert "football" in html and "tennis" not in html
    html = page(client_elu, q="club", resultat="rejected")
    assert "tennis" in html and "football" not in html and "Procès-verbal" not in html
    assert "Rejetée" in html
    html = page(client_elu, q="club", type="pv")
    assert 'text-bg-primary">Délibération<' not in html
    assert html.count("Procès-verbal de la séance") == 2
    # The years offered are those of the sessions the user may see.
    assert '<option value="2021">2021</option>' in html
    assert '<option value="2023">2023</option>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "club", "annee": "deux mille"},
        {"q": "club", "annee": "1890"},
        {"q": "club", "matiere": "99.9"},
        {"q": "club", "resultat": "abstenu"},
        {"q": "club", "type": "arrêté"},
        {"q": "club", "page": "abc"},
        {"q": "club", "page": "999"},
        {"q": "x" * 5000},
        {"q": '"club -OR"( ))'},
        {"q": "-club"},
        {"q": "le la les"},
    ],
)
def test_bad_values_never_break_the_page(
    body: Body, client_elu: Client, params: dict[str, str]
) -> None:
    act(body, "Subvention au club de football")

    html = page(client_elu, **params)

    bad = {k for k in params if k not in {"q", "page"}}
    if bad:
        assert "Ce filtre est ignoré." in html
        assert "football" in html  # the search still runs, without the bad filter


def test_pagination(body: Body, client_elu: Client) -> None:
    for n in range(1, 25):
        act(body, f"Convention de voirie n° {n}", day=dt.date(2020, 1, 7), seq=n)

    first = page(client_elu, q="convention", type="deliberation")
    second = page(client_elu, q="convention", type="deliberation", page="2")

    assert "24 résultats" in first and "page 1 sur 2" in first
    assert '<nav aria-label="Pages des résultats">' in first
    assert "q=convention&amp;type=deliberation&amp;page=2" in first
    assert first.count("<article") == 20 and second.count("<article") == 4
    assert "Précédents" in second


def test_a_broad_search_says_what_is_ranked(
    body: Body, client_elu: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pma_governance.search import selectors as search

    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    for n in range(1, 5):
        act(body, f"Convention n° {n}", day=dt.date(2020, 1, 7), seq=n)

    html = page(client_elu, q="convention")

    assert "Plus de 3 résultats pour « convention »" in html  # 2 acts and the PV
    assert "au plus 2 délibérations et 2 procès-verbaux, les plus récents" in html
    assert "Précisez la recherche" in html
