"""Drafting deliberations in the browser: projets, visas, read-only acts, rights."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deliberations.models import Deliberation, VisaTemplate
from meetings.models import AgendaItem, Session
from members.models import Body
from tests.conftest import CountQueries
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    SessionFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db

CGCT = "le Code Général des Collectivités Territoriales et notamment ses articles L.5721-1"
ARRETE = "l'arrêté préfectoral du 24 décembre 2015 portant création du Syndicat Mixte"
STATUTS = "l'arrêté préfectoral du 15 avril 2022 portant modification des statuts"


@pytest.fixture
def body() -> Body:
    return BodyFactory(short_name="PMA")


@pytest.fixture
def library(body: Body) -> list[VisaTemplate]:
    return [
        VisaTemplate.objects.create(body=body, text=text, position=position)
        for position, text in enumerate([CGCT, ARRETE, STATUTS])
    ]


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _checked(page: str, pk: int) -> bool:
    """Whether the library visa `pk` is a checked box of the page."""
    return any(
        f'value="{pk}"' in tag and "checked" in tag
        for tag in re.findall(r'<input[^>]*name="library_visas"[^>]*>', page)
    )


def _projet(**overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)",
        "nature": "1",
        "matiere": "7.5",
        "budget_year": "",
        "library_visas": [],
        "extra_visas": "",
        "considerants": "<p>RAPPELANT que l'AULA est une association agréée ;</p>",
        "dispositif": "AUTORISE Monsieur le Président à signer la convention.",
        "item": "",
    }
    data.update(overrides)
    return data


# --- Drafting ---------------------------------------------------------------------------


def test_draft_with_visas_from_the_library_in_order(
    secretariat: Client, library: list[VisaTemplate]
) -> None:
    cgct, _, statuts = library
    response = secretariat.post(
        reverse("deliberations:create"),
        _projet(
            # Checked out of order: the library's order is kept; free visas follow.
            library_visas=[str(statuts.pk), str(cgct.pk)],
            extra_visas="VU sa délibération N°2017/PMA0043 du 15 mai 2017 ;\n\n  l'avis du bureau  ",
        ),
    )

    deliberation = Deliberation.objects.get()
    assert response.status_code == 302
    assert deliberation.visas == [
        CGCT,
        STATUTS,
        "sa délibération N°2017/PMA0043 du 15 mai 2017",
        "l'avis du bureau",
    ]
    assert deliberation.status == Deliberation.Status.DRAFT
    assert deliberation.number is None
    assert deliberation.matiere == "7.5"


def test_considerants_are_sanitised(secretariat: Client) -> None:
    secretariat.post(
        reverse("deliberations:create"),
        _projet(
            considerants=(
                '<p onclick="x()">CONSIDÉRANT <strong>ce qui suit</strong> :</p>'
                "<script>alert('x')</script><ul><li>un</li></ul>"
                '<a href="http://example.com">lien</a><h4>Axe 1</h4>'
            )
        ),
    )

    considerants = Deliberation.objects.get().considerants
    assert "<script" not in considerants
    assert "alert" not in considerants
    assert "onclick" not in considerants
    assert "<a" not in considerants
    assert "<strong>ce qui suit</strong>" in considerants
    assert "<ul><li>un</li></ul>" in considerants
    assert "<h4>Axe 1</h4>" in considerants


def test_plain_considerants_become_paragraphs(secretariat: Client) -> None:
    secretariat.post(
        reverse("deliberations:create"),
        _projet(considerants="Premier paragraphe.\n\nSecond & dernier."),
    )

    assert Deliberation.objects.get().considerants == (
        "<p>Premier paragraphe.</p><p>Second &amp; dernier.</p>"
    )


def test_a_refused_projet_keeps_what_was_typed(secretariat: Client) -> None:
    response = secretariat.post(
        reverse("deliberations:create"),
        _projet(matiere="", dispositif="", extra_visas="l'avis du bureau"),
    )

    text = _text(response)
    assert response.status_code == 200
    assert "Choisissez la matière de l'acte" in text
    assert "Rédigez le dispositif" in text
    assert "l'avis du bureau" in text
    assert "Partenariat 2023 avec l'Agence d'urbanisme" in text
    assert not Deliberation.objects.exists()


def test_draft_from_an_agenda_item(secretariat: Client, body: Body) -> None:
    session = SessionFactory(body=body, date=dt.date(2030, 9, 29))
    item = AgendaItemFactory(session=session, position=1, title="Osons nos talents 2023")
    url = reverse("deliberations:create") + f"?point={item.pk}"

    form = _text(secretariat.get(url))
    secretariat.post(url, _projet(title="Osons nos talents 2023", item=item.pk, budget_year="2023"))

    deliberation = Deliberation.objects.get()
    assert "Osons nos talents 2023" in form
    assert f'<option value="{item.pk}" selected>' in form
    assert deliberation.item == item
    assert deliberation.budget_year == 2023


def test_an_item_of_another_kind_cannot_carry_a_projet(secretariat: Client, body: Body) -> None:
    item = AgendaItemFactory(session=SessionFactory(body=body), kind=AgendaItem.Kind.INFORMATION)

    response = secretariat.post(reverse("deliberations:create"), _projet(item=item.pk))

    assert "Ce point n'est plus libre" in _text(response)
    assert not Deliberation.objects.exists()


def test_edit_a_draft(secretariat: Client, body: Body, library: list[VisaTemplate]) -> None:
    deliberation = DeliberationFactory(item=None, body=body, visas=[CGCT, "l'avis du bureau"])
    url = reverse("deliberations:edit", args=[deliberation.pk])

    form = _text(secretariat.get(url))
    response = secretariat.post(
        url, _projet(title="Nouvel objet", library_visas=[str(library[0].pk)])
    )

    deliberation.refresh_from_db()
    assert _checked(form, library[0].pk)
    assert not _checked(form, library[1].pk)
    assert "l'avis du bureau" in form  # a visa outside the library, offered as free text
    assert response.status_code == 302
    assert deliberation.title == "Nouvel objet"
    assert deliberation.visas == [CGCT]


def test_a_voted_deliberation_refuses_edits(secretariat: Client, body: Body) -> None:
    item = AgendaItemFactory(session=SessionFactory(body=body))
    VoteFactory(item=item)
    deliberation = DeliberationFactory(
        item=item,
        title="Partenariat AULA",
        status=Deliberation.Status.VOTED,
        number="2023/PMA00192",
        sequence=192,
    )
    url = reverse("deliberations:edit", args=[deliberation.pk])

    page = secretariat.get(url, follow=True)
    response = secretariat.post(url, _projet(title="Objet modifié après le vote"))

    text = _text(response)
    deliberation.refresh_from_db()
    assert "La délibération n° 2023/PMA00192 est « votée » : elle ne peut plus être modifiée" in (
        _text(page)
    )
    assert "Modifier le projet" not in _text(page)
    assert response.status_code == 200
    assert "elle ne peut plus être modifiée" in text
    assert "Objet modifié après le vote" in text  # what was typed is kept
    assert deliberation.title == "Partenariat AULA"
    assert (
        secretariat.post(reverse("deliberations:delete", args=[deliberation.pk])).status_code == 302
    )
    assert Deliberation.objects.filter(pk=deliberation.pk).exists()


def test_delete_a_draft(secretariat: Client, body: Body) -> None:
    deliberation = DeliberationFactory(item=None, body=body)

    secretariat.post(reverse("deliberations:delete", args=[deliberation.pk]))

    assert not Deliberation.objects.exists()


def test_detail_shows_the_act(secretariat: Client, body: Body) -> None:
    deliberation = DeliberationFactory(
        item=None,
        body=body,
        visas=[CGCT],
        considerants="<p>CONSIDÉRANT <strong>ce qui suit</strong></p><script>x()</script>",
    )

    text = _text(secretariat.get(reverse("deliberations:detail", args=[deliberation.pk])))

    assert f"VU {CGCT}," in text
    assert "<strong>ce qui suit</strong>" in text
    assert "<script>x()</script>" not in text
    assert "7.5 Subventions" in text
    assert "Modifier le projet" in text


# --- Élus and other bodies --------------------------------------------------------------


def test_an_elected_member_reads_but_cannot_draft(elu: Client, body: Body) -> None:
    item = AgendaItemFactory(session=SessionFactory(body=body, status=Session.Status.CONVENED))
    deliberation = DeliberationFactory(item=item, body=body, title="Partenariat AULA")
    drafting = DeliberationFactory(item=None, body=body, title="Projet en préparation")

    detail = elu.get(reverse("deliberations:detail", args=[deliberation.pk]))
    listing = elu.get(reverse("deliberations:list"))

    assert detail.status_code == 200
    assert "Modifier le projet" not in _text(detail)
    assert "Partenariat AULA" in _text(listing)
    # A projet on no convened session's ordre du jour is the secretariat's work in progress.
    assert "Projet en préparation" not in _text(listing)
    assert elu.get(reverse("deliberations:detail", args=[drafting.pk])).status_code == 404
    assert "Nouveau projet" not in _text(listing)
    assert elu.post(reverse("deliberations:create"), _projet()).status_code == 403
    assert elu.get(reverse("deliberations:create")).status_code == 403
    edit = reverse("deliberations:edit", args=[deliberation.pk])
    assert elu.post(edit, _projet(title="X")).status_code == 403
    assert elu.post(reverse("deliberations:delete", args=[deliberation.pk])).status_code == 403
    assert elu.post(reverse("deliberations:visas"), {"text": "X"}).status_code == 403
    deliberation.refresh_from_db()
    assert deliberation.title == "Partenariat AULA"
    assert not VisaTemplate.objects.exists()


def test_another_bodys_deliberations_are_invisible(secretariat: Client) -> None:
    other = DeliberationFactory(item=None, body=BodyFactory(), title="Projet confidentiel")

    assert "Projet confidentiel" not in _text(secretariat.get(reverse("deliberations:list")))
    detail = reverse("deliberations:detail", args=[other.pk])
    assert secretariat.get(detail).status_code == 404
    edit = reverse("deliberations:edit", args=[other.pk])
    assert secretariat.post(edit, _projet()).status_code == 404


# --- Visa library -----------------------------------------------------------------------


def test_visa_library_add_edit_delete(secretariat: Client, body: Body) -> None:
    url = reverse("deliberations:visas")

    secretariat.post(url, {"text": f"VU {CGCT} ;", "position": ""})
    secretariat.post(url, {"text": ARRETE, "position": ""})
    first, second = VisaTemplate.objects.order_by("position")
    secretariat.post(
        reverse("deliberations:visa_edit", args=[second.pk]), {"text": STATUTS, "position": "0"}
    )
    secretariat.post(reverse("deliberations:visa_delete", args=[first.pk]))

    assert first.text == CGCT  # « VU » and « ; » are not stored
    assert list(VisaTemplate.objects.values_list("body", "text", "position")) == [
        (body.pk, STATUTS, 0)
    ]


def test_a_duplicate_visa_is_refused_and_kept(
    secretariat: Client, library: list[VisaTemplate]
) -> None:
    response = secretariat.post(reverse("deliberations:visas"), {"text": CGCT, "position": "7"})

    text = _text(response)
    assert "Ce visa figure déjà dans la bibliothèque" in text
    assert 'value="7"' in text
    assert VisaTemplate.objects.count() == 3


# --- Query count ------------------------------------------------------------------------


def _deliberations(body: Body, count: int, start: int) -> None:
    session = SessionFactory(body=body, status=Session.Status.HELD)
    for n in range(start, start + count):
        item = AgendaItemFactory(session=session, position=n)
        deliberation = DeliberationFactory(item=item)
        if n % 2:
            VoteFactory(item=item)
            Deliberation.objects.filter(pk=deliberation.pk).update(
                status=Deliberation.Status.VOTED, number=f"2023/PMA{n:05d}", sequence=n
            )
        DeliberationFactory(item=None, body=body)


@pytest.mark.parametrize("query", ["", "?q=convention&statut=voted&matiere=7"])
def test_list_query_count_does_not_grow_with_data(
    secretariat: Client,
    body: Body,
    query: str,
    count_queries: CountQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    url = reverse("deliberations:list") + query
    _deliberations(body, 2, 1)
    secretariat.get(url)
    with count_queries() as small:
        secretariat.get(url)
    _deliberations(body, 10, 3)

    with django_assert_num_queries(len(small)):
        response = secretariat.get(url)
    assert response.status_code == 200
