"""The member register pages, as the secretariat and an élu use them."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from members.models import Body, BodyAccess, Mandate, MemberEntity, Person
from tests.conftest import CountQueries
from tests.factories import (
    BodyFactory,
    MandateFactory,
    MemberEntityFactory,
    PersonFactory,
    login_as,
)

pytestmark = pytest.mark.django_db

D = dt.date(2024, 9, 1)
DAY = dt.timedelta(days=1)
REGISTER = reverse("members:register")


@pytest.fixture
def body() -> Body:
    return BodyFactory.create(short_name="PMA", name="Pôle Métropolitain de l'Artois")


@pytest.fixture
def call(body: Body) -> MemberEntity:
    return MemberEntityFactory.create(
        body=body, name="Communauté d'Agglomération de Lens-Liévin", short_name="CALL", seats=2
    )


def text(response: Any) -> str:
    """The page's visible text, spaces collapsed (for sentences split over lines)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def populate(body: Body, *, entities: int, titulaires: int, suppleants: int = 1) -> None:
    for _ in range(entities):
        entity = MemberEntityFactory.create(body=body, seats=titulaires)
        for i in range(titulaires):
            MandateFactory.create(
                body=body, entity=entity, office="Vice-président" if i == 0 else ""
            )
        for _ in range(suppleants):
            MandateFactory.create(body=body, entity=entity, suppleant=True)
        MandateFactory.create(body=body, entity=entity, end_date=D - DAY)


# Access ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client: Client, body: Body) -> None:
    response = client.get(REGISTER)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_body_is_refused(client: Client) -> None:
    login_as(client, "secretariat", None)
    assert client.get(REGISTER).status_code == 403


def test_another_bodys_person_and_mandate_are_not_found(secretariat: Client) -> None:
    foreign = MandateFactory.create(body=BodyFactory.create(), suppleant=True)
    assert (
        secretariat.get(reverse("members:person_detail", args=[foreign.person_id])).status_code
        == 404
    )
    assert (
        secretariat.post(
            reverse("members:mandate_end", args=[foreign.pk]), {"end_date": "2024-01-01"}
        ).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert foreign.end_date is None


def test_elu_reads_the_register_without_edit_buttons(
    elu: Client, body: Body, call: MemberEntity
) -> None:
    bavay = MandateFactory.create(
        body=body, entity=call, person=PersonFactory.create(last_name="Bavay")
    )
    MandateFactory.create(body=body, entity=call, suppleant=True)
    response = elu.get(REGISTER)
    assert response.status_code == 200
    page = text(response)
    assert "Bavay" in page
    for action in ("Inscrire un élu", "Terminer", "Devient titulaire"):
        assert action not in page
    person_page = text(elu.get(reverse("members:person_detail", args=[bavay.person_id])))
    assert "Ajouter un mandat" not in person_page and "Modifier la fiche" not in person_page


def test_elu_cannot_write_get_or_post_403(elu: Client, body: Body, call: MemberEntity) -> None:
    deputy = MandateFactory.create(body=body, entity=call, suppleant=True)
    urls = [
        (
            reverse("members:person_create"),
            {"civility": "M.", "last_name": "X", "role": "titulaire", "start_date": "2024-09-01"},
        ),
        (
            reverse("members:person_edit", args=[deputy.person_id]),
            {"civility": "M.", "last_name": "X"},
        ),
        (
            reverse("members:mandate_add", args=[deputy.person_id]),
            {"role": "titulaire", "start_date": "2024-09-01"},
        ),
        (reverse("members:mandate_end", args=[deputy.pk]), {"end_date": "2024-09-01"}),
        (reverse("members:mandate_promote", args=[deputy.pk]), {"day": "2024-09-01"}),
        (reverse("members:entity_create"), {"name": "X", "short_name": "X", "seats": 1}),
        (
            reverse("members:entity_edit", args=[call.pk]),
            {"name": "X", "short_name": "X", "seats": 9},
        ),
    ]
    people, mandates = Person.objects.count(), Mandate.objects.count()
    for url, data in urls:
        assert elu.get(url).status_code == 403, url
        assert elu.post(url, data).status_code == 403, url
    deputy.refresh_from_db()
    call.refresh_from_db()
    assert deputy.end_date is None and call.seats == 2
    assert Person.objects.count() == people and Mandate.objects.count() == mandates


# Register ----------------------------------------------------------------------------


def test_the_demo_register_lists_22_titulaires(client: Client) -> None:
    from pma_governance.demo.loader import load_demo

    load_demo()
    login_as(client, "secretariat", Body.objects.get(short_name="PMA"))
    response = client.get(REGISTER, {"date": "2023-06-13"})
    page = text(response)
    assert response.status_code == 200
    assert "22 membres titulaires en exercice" in page
    assert "Membres en exercice le mardi 13 juin 2023" in page
    assert page.count("Titulaire ") >= 22


def test_the_register_lists_22_titulaires_built_with_factories(
    secretariat: Client, body: Body
) -> None:
    call = MemberEntityFactory.create(body=body, short_name="CALL", seats=8)
    cabbalr = MemberEntityFactory.create(body=body, short_name="CABBALR", seats=7)
    cahc = MemberEntityFactory.create(body=body, short_name="CAHC", seats=7)
    for entity in (call, cabbalr, cahc):
        for _ in range(entity.seats):
            MandateFactory.create(body=body, entity=entity)
    MandateFactory.create(body=body, entity=call, suppleant=True)
    MandateFactory.create(body=body, entity=cahc, suppleant=True)
    MandateFactory.create(body=body, entity=cahc, end_date=dt.date(2022, 1, 1))

    page = text(secretariat.get(REGISTER))

    assert "22 membres titulaires en exercice · 2 suppléants" in page
    assert "8 titulaires pour 8 sièges" in page


def test_the_register_on_date_d(secretariat: Client, body: Body, call: MemberEntity) -> None:
    MandateFactory.create(
        body=body,
        entity=call,
        person=PersonFactory.create(last_name="Partie-avant"),
        end_date=D - DAY,
    )
    MandateFactory.create(
        body=body,
        entity=call,
        person=PersonFactory.create(last_name="Arrivee-le-jour"),
        start_date=D,
    )
    MandateFactory.create(
        body=body,
        entity=call,
        person=PersonFactory.create(last_name="Arrivee-apres"),
        start_date=D + DAY,
    )

    page = text(secretariat.get(REGISTER, {"date": D.isoformat()}))

    assert "Membres en exercice le dimanche 1 septembre 2024" in page
    assert "1 membre titulaire en exercice" in page
    assert "Arrivee-le-jour" in page
    assert "Partie-avant" not in page and "Arrivee-apres" not in page
    assert (
        'value="2024-09-01"' in secretariat.get(REGISTER, {"date": D.isoformat()}).content.decode()
    )

    history = text(secretariat.get(REGISTER, {"date": D.isoformat(), "historique": "on"}))
    assert "Mandats terminés" in history and "Partie-avant" in history
    assert "Mandats à venir" in history and "Arrivee-apres" in history
    assert "1 membre titulaire en exercice" in history


def test_the_register_filtered_by_entity(
    secretariat: Client, body: Body, call: MemberEntity
) -> None:
    cahc = MemberEntityFactory.create(body=body, short_name="CAHC", name="CA d'Hénin-Carvin")
    MandateFactory.create(body=body, entity=call, person=PersonFactory.create(last_name="Bavay"))
    MandateFactory.create(body=body, entity=cahc, person=PersonFactory.create(last_name="Pilch"))

    page = text(secretariat.get(REGISTER, {"adherent": cahc.pk}))

    assert "Pilch" in page and "Bavay" not in page
    assert "2 membres titulaires en exercice, dont 1 pour CAHC" in page


def test_a_bad_date_is_explained_and_today_shown(secretariat: Client, body: Body) -> None:
    response = secretariat.get(REGISTER, {"date": "31/02/2024"})
    assert response.status_code == 200
    assert "Saisissez une date valide" in text(response)
    assert 'value="31/02/2024"' in response.content.decode()


def test_register_query_count_does_not_grow_with_data(
    count_queries: CountQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
    secretariat: Client,
    body: Body,
) -> None:
    populate(body, entities=1, titulaires=1)
    big = BodyFactory.create(short_name="GRAND")
    populate(big, entities=5, titulaires=8, suppleants=4)
    user = login_as(secretariat, "secretariat", body)
    BodyAccess.objects.create(user=user, body=big)

    for params in ({}, {"historique": "on", "date": "2024-09-01"}):
        with count_queries() as small:
            assert secretariat.get(REGISTER, {"assemblee": "PMA", **params}).status_code == 200
        with django_assert_num_queries(len(small)):
            response = secretariat.get(REGISTER, {"assemblee": "GRAND", **params})
        assert "40 membres titulaires en exercice" in text(response)


def test_person_page_query_count_does_not_grow_with_data(
    count_queries: CountQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
    secretariat: Client,
    body: Body,
    call: MemberEntity,
) -> None:
    few = MandateFactory.create(body=body, entity=call).person
    many = PersonFactory.create()
    for year in range(10):
        MandateFactory.create(
            body=body,
            person=many,
            entity=MemberEntityFactory.create(body=body),
            start_date=dt.date(2000 + year, 1, 1),
            end_date=dt.date(2000 + year, 12, 31),
        )
    with count_queries() as small:
        secretariat.get(reverse("members:person_detail", args=[few.pk]))
    with django_assert_num_queries(len(small)):
        response = secretariat.get(reverse("members:person_detail", args=[many.pk]))
    assert "Historique des mandats" in text(response)


# Persons and mandates ----------------------------------------------------------------


def test_secretariat_registers_a_person_with_a_first_mandate(
    secretariat: Client, body: Body, call: MemberEntity
) -> None:
    response = secretariat.post(
        reverse("members:person_create"),
        {
            "civility": "Mme",
            "first_name": "Corinne",
            "last_name": "Laversin",
            "email": "c.laversin@example.fr",
            "phone": "",
            "entity": call.pk,
            "role": "suppleant",
            "office": "",
            "start_date": "2020-07-01",
            "external_id": "",
        },
    )
    person = Person.objects.get(last_name="Laversin")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:person_detail", args=[person.pk])
    mandate = person.mandates.get()
    assert (mandate.entity, mandate.role, mandate.external_id) == (call, "suppleant", "laversin")
    page = text(secretariat.get(response["Location"]))
    assert "Corinne Laversin est inscrit au registre." in page
    assert "Suppléant" in page and "CALL" in page


def test_seats_refusal_keeps_what_was_typed(
    secretariat: Client, body: Body, call: MemberEntity
) -> None:
    MandateFactory.create(body=body, entity=call)
    MandateFactory.create(body=body, entity=call)
    data = {
        "civility": "M.",
        "first_name": "Steve",
        "last_name": "Bossart",
        "email": "s.bossart@example.fr",
        "phone": "03 21 11 22 33",
        "entity": call.pk,
        "role": "titulaire",
        "office": "Vice-président",
        "start_date": "2024-09-01",
        "external_id": "",
    }
    response = secretariat.post(reverse("members:person_create"), data)

    assert response.status_code == 200
    page = text(response)
    assert "Rien n'a été enregistré" in page
    assert (
        "Les 2 sièges de titulaire de Communauté d'Agglomération de Lens-Liévin (CALL) sont "
        "déjà tous pourvus le 01/09/2024 : Steve Bossart ne peut y être titulaire." in page
    )
    html = response.content.decode()
    for value in (
        "Steve",
        "Bossart",
        "s.bossart@example.fr",
        "03 21 11 22 33",
        "Vice-président",
        "2024-09-01",
    ):
        assert f'value="{value}"' in html, value
    assert re.search(rf'<option value="{call.pk}"[^>]*selected', html)
    assert not Person.objects.filter(last_name="Bossart").exists()


def test_a_missing_name_is_refused_in_french_with_the_rest_kept(
    secretariat: Client, body: Body
) -> None:
    response = secretariat.post(
        reverse("members:person_create"),
        {
            "civility": "M.",
            "first_name": "Jean",
            "last_name": "",
            "role": "titulaire",
            "start_date": "2024-09-01",
        },
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in text(response)
    assert 'value="Jean"' in response.content.decode()


def test_person_edit(secretariat: Client, body: Body) -> None:
    person = MandateFactory.create(body=body).person
    url = reverse("members:person_edit", args=[person.pk])
    assert f'value="{person.last_name}"' in secretariat.get(url).content.decode()
    response = secretariat.post(
        url,
        {
            "civility": "Mme",
            "first_name": "Nadine",
            "last_name": "Lefebvre",
            "email": "n@example.fr",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.civility, person.full_name, person.email) == (
        "Mme",
        "Nadine Lefebvre",
        "n@example.fr",
    )


def test_add_a_mandate_to_an_existing_person(
    secretariat: Client, body: Body, call: MemberEntity
) -> None:
    first = MandateFactory.create(
        body=body, entity=call, suppleant=True, end_date=dt.date(2023, 12, 31)
    )
    response = secretariat.post(
        reverse("members:mandate_add", args=[first.person_id]),
        {
            "entity": call.pk,
            "role": "titulaire",
            "office": "",
            "start_date": "2024-01-01",
            "end_date": "",
        },
    )
    assert response.status_code == 302
    assert first.person.mandates.filter(role="titulaire", start_date=dt.date(2024, 1, 1)).exists()


def test_end_a_mandate_and_refuse_an_end_before_the_start(
    secretariat: Client, body: Body, call: MemberEntity
) -> None:
    mandate = MandateFactory.create(
        body=body, entity=call, person=PersonFactory.create(first_name="Alain", last_name="Bavay")
    )
    url = reverse("members:mandate_end", args=[mandate.pk])

    refused = secretariat.post(url, {"end_date": "2019-12-31"})
    assert refused.status_code == 200
    assert (
        "La fin du mandat de Alain Bavay (31/12/2019) ne peut précéder son début (01/07/2020)."
        in text(refused)
    )
    assert 'value="2019-12-31"' in refused.content.decode()
    mandate.refresh_from_db()
    assert mandate.end_date is None

    done = secretariat.post(url, {"end_date": "2024-08-31"})
    assert done.status_code == 302
    mandate.refresh_from_db()
    assert mandate.end_date == dt.date(2024, 8, 31)


def test_the_suppleant_becomes_titulaire(
    secretariat: Client, body: Body, call: MemberEntity
) -> None:
    MandateFactory.create(body=body, entity=call)
    MandateFactory.create(body=body, entity=call, end_date=D - DAY)
    deputy = MandateFactory.create(
        body=body,
        entity=call,
        suppleant=True,
        person=PersonFactory.create(first_name="Corinne", last_name="Laversin"),
    )

    response = secretariat.post(
        reverse("members:mandate_promote", args=[deputy.pk]), {"day": D.isoformat(), "office": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{REGISTER}?assemblee=PMA&date=2024-09-01"
    deputy.refresh_from_db()
    assert deputy.end_date == D - DAY
    titulaire = deputy.person.mandates.get(role="titulaire")
    assert (titulaire.entity, titulaire.start_date, titulaire.end_date) == (call, D, None)
    page = text(secretariat.get(response["Location"]))
    assert "Corinne Laversin devient titulaire (CALL) le 01/09/2024." in page
    assert "2 membres titulaires en exercice · 0 suppléant" in page


def test_promotion_refused_when_the_seats_are_taken_keeps_the_date(
    secretariat: Client, body: Body, call: MemberEntity
) -> None:
    MandateFactory.create(body=body, entity=call)
    MandateFactory.create(body=body, entity=call)
    deputy = MandateFactory.create(
        body=body,
        entity=call,
        suppleant=True,
        person=PersonFactory.create(first_name="Patrick", last_name="Canivez"),
    )

    response = secretariat.post(
        reverse("members:mandate_promote", args=[deputy.pk]),
        {"day": D.isoformat(), "office": "Vice-président"},
    )

    assert response.status_code == 200
    page = text(response)
    assert (
        "Les 2 sièges de titulaire de Communauté d'Agglomération de Lens-Liévin (CALL) sont déjà tous pourvus le 01/09/2024 : Patrick Canivez ne peut y être titulaire."
        in page
    )
    html = response.content.decode()
    assert 'value="2024-09-01"' in html and 'value="Vice-président"' in html
    deputy.refresh_from_db()
    assert deputy.end_date is None
    assert not deputy.person.mandates.filter(role="titulaire").exists()


# Member entities ---------------------------------------------------------------------


def test_entity_list_create_and_edit(secretariat: Client, body: Body, call: MemberEntity) -> None:
    MandateFactory.create(body=body, entity=call)
    page = text(secretariat.get(reverse("members:entity_list")))
    assert "Communauté d'Agglomération de Lens-Liévin CALL 2 1" in page

    created = secretariat.post(
        reverse("members:entity_create"),
        {"name": "Département du Pas-de-Calais", "short_name": "CD62", "seats": 2},
    )
    assert created.status_code == 302
    assert MemberEntity.objects.get(short_name="CD62").body == body

    duplicate = secretariat.post(
        reverse("members:entity_create"), {"name": "Autre", "short_name": "call", "seats": 1}
    )
    assert duplicate.status_code == 200
    assert "Le sigle « call » est déjà celui de Communauté d'Agglomération de Lens-Liévin" in text(
        duplicate
    )
    assert 'value="Autre"' in duplicate.content.decode()

    edited = secretariat.post(
        reverse("members:entity_edit", args=[call.pk]),
        {"name": call.name, "short_name": "CALL", "seats": 8},
    )
    assert edited.status_code == 302
    call.refresh_from_db()
    assert call.seats == 8
