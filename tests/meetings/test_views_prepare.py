"""Preparing a session in the browser: the session, its ordre du jour, its hub page."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deliberations.models import Deliberation
from meetings.models import AgendaItem, ProcesVerbal, Session
from members.models import Body, Mandate
from tests.conftest import CountQueries
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    MandateFactory,
    PersonFactory,
    SessionFactory,
    VoteFactory,
    login_as,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def body() -> Body:
    return BodyFactory(short_name="PMA", address="32 rue Casimir Beugnet, 62300 Lens")


@pytest.fixture
def president(body: Body) -> Mandate:
    return MandateFactory(
        body=body,
        office="Président",
        person=PersonFactory(civility="M.", first_name="Alain", last_name="Bavay"),
    )


@pytest.fixture
def member(body: Body) -> Mandate:
    return MandateFactory(
        body=body, person=PersonFactory(civility="M.", first_name="Sylvain", last_name="Robert")
    )


@pytest.fixture
def secretariat(client: Client, body: Body) -> Client:
    login_as(client, "secretariat", body)
    return client


@pytest.fixture
def elu(client: Client, body: Body) -> Client:
    login_as(client, "elu", body)
    return client


@pytest.fixture
def session(body: Body) -> Session:
    return SessionFactory(
        body=body, date=dt.date(2030, 6, 13), status=Session.Status.PLANNED, place="à Lens"
    )


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _items(session: Session) -> list[tuple[int, str]]:
    return list(session.items.order_by("position").values_list("position", "title"))


def _add(session: Session, *titles: str) -> list[AgendaItem]:
    return [
        AgendaItemFactory(
            session=session, position=i, kind=AgendaItem.Kind.INFORMATION, title=title
        )
        for i, title in enumerate(titles, start=1)
    ]


# --- Sessions ---------------------------------------------------------------------------


def test_create_a_session(secretariat: Client, body: Body, president: Mandate) -> None:
    response = secretariat.post(
        reverse("meetings:session_create"),
        {
            "date": "2030-09-29",
            "start_time": "14:30",
            "end_time": "16:00",
            "place": "",
            "kind": Session.Kind.ORDINARY,
            "president": president.pk,
            "secretary": "",
            "reconvenes": "",
        },
    )

    session = Session.objects.get(body=body, date=dt.date(2030, 9, 29))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("meetings:session_detail", args=[session.pk]))
    assert session.start_time == dt.time(14, 30)
    assert session.place == body.address  # defaults to the body's address
    assert session.president == president
    assert session.status == Session.Status.PLANNED
    assert ProcesVerbal.objects.filter(session=session).exists()


def test_the_create_form_proposes_the_body_address_and_its_president(
    secretariat: Client, body: Body, president: Mandate
) -> None:
    response = secretariat.get(reverse("meetings:session_create"))

    text = _text(response)
    assert response.status_code == 200
    assert body.address in text
    assert f'<option value="{president.pk}" selected>' in text
    assert "Alain Bavay" in text


def test_a_refused_session_keeps_what_was_typed(
    secretariat: Client, body: Body, session: Session
) -> None:
    response = secretariat.post(
        reverse("meetings:session_create"),
        {"date": "2030-06-13", "place": "Salle des fêtes de Liévin", "kind": "ordinary"},
    )

    text = _text(response)
    assert response.status_code == 200
    assert "Une séance existe déjà le 13/06/2030" in text
    assert "Salle des fêtes de Liévin" in text
    assert Session.objects.filter(body=body).count() == 1


def test_a_president_without_mandate_on_the_date_is_refused(
    secretariat: Client, body: Body
) -> None:
    former = MandateFactory(body=body, end_date=dt.date(2029, 12, 31))

    response = secretariat.post(
        reverse("meetings:session_create"),
        {"date": "2030-09-29", "kind": "ordinary", "president": former.pk},
    )

    assert response.status_code == 200
    assert "pas de mandat en cours" in _text(response)
    assert not Session.objects.filter(date=dt.date(2030, 9, 29)).exists()


def test_edit_a_session(secretariat: Client, session: Session, member: Mandate) -> None:
    response = secretariat.post(
        reverse("meetings:session_edit", args=[session.pk]),
        {
            "date": "2030-06-14",
            "start_time": "18:00",
            "end_time": "",
            "place": "Salle du conseil, Liévin",
            "kind": Session.Kind.EXTRAORDINARY,
            "president": "",
            "secretary": member.pk,
            "reconvenes": "",
        },
    )

    session.refresh_from_db()
    assert response.status_code == 302
    assert session.date == dt.date(2030, 6, 14)
    assert session.place == "Salle du conseil, Liévin"
    assert session.kind == Session.Kind.EXTRAORDINARY
    assert session.secretary == member


def test_end_before_start_is_refused_in_french(secretariat: Client, session: Session) -> None:
    response = secretariat.post(
        reverse("meetings:session_edit", args=[session.pk]),
        {"date": "2030-06-13", "start_time": "16:00", "end_time": "14:00", "kind": "ordinary"},
    )

    assert "L'heure de clôture doit suivre l'heure d'ouverture." in _text(response)


def test_session_list_splits_upcoming_and_past(secretariat: Client, body: Body) -> None:
    SessionFactory(body=body, date=dt.date(2030, 1, 10))
    SessionFactory(body=body, date=dt.date(2020, 1, 10))
    SessionFactory(body=BodyFactory(), date=dt.date(2030, 2, 10))  # another body

    text = _text(secretariat.get(reverse("meetings:session_list")))

    upcoming, past = text.split("Passées", 1)
    assert "jeudi 10 janvier 2030" in upcoming
    assert "vendredi 10 janvier 2020" in past
    assert "10 février 2030" not in text


# --- The hub page -----------------------------------------------------------------------


def test_hub_shows_the_ordre_du_jour_and_the_links(
    secretariat: Client, session: Session, member: Mandate
) -> None:
    item = AgendaItemFactory(
        session=session, position=1, title="Partenariat AULA", rapporteur=member
    )
    draft = DeliberationFactory(item=item, title="Partenariat AULA")

    text = _text(secretariat.get(reverse("meetings:session_detail", args=[session.pk])))

    assert "Partenariat AULA" in text
    assert "M. Sylvain Robert" in text
    assert reverse("deliberations:detail", args=[draft.pk]) in text
    assert reverse("meetings:live", args=[session.pk]) in text
    assert reverse("meetings:pv_edit", args=[session.pk]) in text
    assert "Ajouter un point" in text


def _fill(session: Session, count: int, start: int) -> None:
    for position in range(start, start + count):
        rapporteur = MandateFactory(body=session.body)
        item = AgendaItemFactory(
            session=session, position=position, title=f"Point {position}", rapporteur=rapporteur
        )
        deliberation = DeliberationFactory(item=item)
        if position % 2:
            VoteFactory(item=item)
            Deliberation.objects.filter(pk=deliberation.pk).update(
                status=Deliberation.Status.VOTED,
                number=f"2030/PMA{position:05d}",
                sequence=position,
            )


def test_hub_query_count_does_not_grow_with_the_agenda(
    secretariat: Client,
    session: Session,
    count_queries: CountQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    url = reverse("meetings:session_detail", args=[session.pk])
    _fill(session, 2, 1)
    secretariat.get(url)  # warm the session and permission caches
    with count_queries() as small:
        secretariat.get(url)
    _fill(session, 12, 3)

    with django_assert_num_queries(len(small)):
        response = secretariat.get(url)
    assert _text(response).count('id="point-') == 14


# --- Ordre du jour ----------------------------------------------------------------------


def test_add_an_information_item_with_a_rapporteur(
    secretariat: Client, session: Session, member: Mandate
) -> None:
    _add(session, "Actualités")

    response = secretariat.post(
        reverse("meetings:item_add", args=[session.pk]),
        {"kind": "information", "title": "Label Euralens 2023", "rapporteur": member.pk},
    )

    item = session.items.get(title="Label Euralens 2023")
    assert response.status_code == 302
    assert item.position == 2
    assert item.rapporteur == member


def test_add_a_deliberation_item_linked_to_an_existing_draft(
    secretariat: Client, session: Session
) -> None:
    draft = DeliberationFactory(item=None, body=session.body, title="Partenariat 2023 avec la MBM")

    secretariat.post(
        reverse("meetings:item_add", args=[session.pk]),
        {"kind": "deliberation", "title": "", "deliberation": draft.pk},
    )

    item = session.items.get()
    draft.refresh_from_db()
    assert item.title == "Partenariat 2023 avec la MBM"  # taken from the projet
    assert draft.item == item


def test_add_a_deliberation_item_then_draft_its_projet(
    secretariat: Client, session: Session
) -> None:
    response = secretariat.post(
        reverse("meetings:item_add", args=[session.pk]),
        {"kind": "deliberation", "title": "Osons nos talents 2023", "deliberation": "new"},
    )

    item = session.items.get()
    assert response["Location"] == reverse("deliberations:create") + f"?point={item.pk}"


def test_pv_adoption_gets_its_title_from_the_pv(secretariat: Client, session: Session) -> None:
    previous = SessionFactory(body=session.body, date=dt.date(2030, 4, 4))

    secretariat.post(
        reverse("meetings:item_add", args=[session.pk]),
        {"kind": "pv_adoption", "title": "", "adopts_pv": previous.pv.pk},
    )

    item = session.items.get()
    assert item.title == "Adoption du procès-verbal de la séance du 4 avril 2030"
    assert item.adopts_pv == previous.pv


def test_an_item_without_title_is_refused_and_keeps_the_input(
    secretariat: Client, session: Session, member: Mandate
) -> None:
    response = secretariat.post(
        reverse("meetings:item_add", args=[session.pk]),
        {"kind": "information", "title": "", "rapporteur": member.pk},
    )

    text = _text(response)
    assert response.status_code == 200
    assert "Indiquez l'intitulé du point." in text
    assert f'<option value="{member.pk}" selected>' in text
    assert not session.items.exists()


def test_a_projet_on_a_non_deliberation_item_is_refused(
    secretariat: Client, session: Session
) -> None:
    draft = DeliberationFactory(item=None, body=session.body)

    response = secretariat.post(
        reverse("meetings:item_add", args=[session.pk]),
        {"kind": "information", "title": "Actualités", "deliberation": draft.pk},
    )

    assert "Seul un point « Délibération » peut porter un projet" in _text(response)
    assert not session.items.exists()


def test_edit_an_item(secretariat: Client, session: Session, member: Mandate) -> None:
    (item,) = _add(session, "Actualites")

    secretariat.post(
        reverse("meetings:item_edit", args=[session.pk, item.pk]),
        {"kind": "information", "title": "Actualités", "rapporteur": member.pk},
    )

    item.refresh_from_db()
    assert item.title == "Actualités"
    assert item.rapporteur == member


def test_edit_an_item_attaches_another_projet(secretariat: Client, session: Session) -> None:
    item = AgendaItemFactory(session=session, position=1, title="Partenariat")
    first = DeliberationFactory(item=item, title="Premier projet")
    second = DeliberationFactory(item=None, body=session.body, title="Second projet")

    secretariat.post(
        reverse("meetings:item_edit", args=[session.pk, item.pk]),
        {"kind": "deliberation", "title": "Partenariat", "deliberation": second.pk},
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.item is None  # detached, kept as a projet without session
    assert second.item == item


def test_an_item_becomes_information_once_its_projet_is_detached(
    secretariat: Client, session: Session
) -> None:
    item = AgendaItemFactory(session=session, position=1, title="Partenariat")
    draft = DeliberationFactory(item=item)

    secretariat.post(
        reverse("meetings:item_edit", args=[session.pk, item.pk]),
        {"kind": "information", "title": "Partenariat (pour information)", "deliberation": ""},
    )

    item.refresh_from_db()
    draft.refresh_from_db()
    assert item.kind == AgendaItem.Kind.INFORMATION
    assert draft.item is None


def test_a_voted_item_cannot_be_edited(secretariat: Client, session: Session) -> None:
    (item,) = _add(session, "Partenariat AULA")
    VoteFactory(item=item)
    url = reverse("meetings:item_edit", args=[session.pk, item.pk])

    page = secretariat.get(url, follow=True)
    response = secretariat.post(url, {"kind": "information", "title": "Autre intitulé"})

    item.refresh_from_db()
    assert "a déjà été voté : il ne peut plus être modifié" in _text(page)
    assert "a déjà été voté : il ne peut plus être modifié" in _text(response)
    assert "Autre intitulé" in _text(response)  # kept
    assert item.title == "Partenariat AULA"


def test_a_frozen_session_keeps_its_ordre_du_jour(secretariat: Client, session: Session) -> None:
    first, _ = _add(session, "Actualités", "Agenda")
    Session.objects.filter(pk=session.pk).update(
        facts_frozen_at=dt.datetime(2030, 6, 20, tzinfo=dt.UTC)
    )

    added = secretariat.post(
        reverse("meetings:item_add", args=[session.pk]),
        {"kind": "information", "title": "Point ajouté après la signature"},
    )
    removed = secretariat.post(
        reverse("meetings:item_remove", args=[session.pk, first.pk]), follow=True
    )
    hub = secretariat.get(reverse("meetings:session_detail", args=[session.pk]))

    assert "son ordre du jour est figé" in _text(added)
    assert "Point ajouté après la signature" in _text(added)
    assert "son ordre du jour est figé" in _text(removed)
    assert "Ajouter un point" not in _text(hub)
    assert _items(session) == [(1, "Actualités"), (2, "Agenda")]


def test_move_an_item_down_without_javascript(secretariat: Client, session: Session) -> None:
    first, _, _ = _add(session, "Actualités", "Label Euralens", "Agenda")

    response = secretariat.post(
        reverse("meetings:item_move", args=[session.pk, first.pk]), {"direction": "down"}
    )

    assert response.status_code == 302
    assert _items(session) == [(1, "Label Euralens"), (2, "Actualités"), (3, "Agenda")]


def test_move_an_item_up_with_htmx_swaps_the_table(secretariat: Client, session: Session) -> None:
    _, _, last = _add(session, "Actualités", "Label Euralens", "Agenda")

    response = secretariat.post(
        reverse("meetings:item_move", args=[session.pk, last.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )

    text = _text(response)
    assert response.status_code == 200
    assert '<section id="ordre-du-jour"' in text
    assert "<html" not in text
    assert "placé au rang 2" in text
    assert _items(session) == [(1, "Actualités"), (2, "Agenda"), (3, "Label Euralens")]


def test_reordering_after_a_vote_is_refused(secretariat: Client, session: Session) -> None:
    first, second = _add(session, "Adoption du PV", "Partenariat")
    VoteFactory(item=first)

    response = secretariat.post(
        reverse("meetings:item_move", args=[session.pk, second.pk]),
        {"direction": "up"},
        follow=True,
    )

    assert "l'ordre du jour ne peut plus être réordonné" in _text(response)
    assert _items(session) == [(1, "Adoption du PV"), (2, "Partenariat")]


def test_remove_an_item(secretariat: Client, session: Session) -> None:
    first, _ = _add(session, "Actualités", "Agenda")

    confirm = secretariat.get(reverse("meetings:item_remove", args=[session.pk, first.pk]))
    response = secretariat.post(reverse("meetings:item_remove", args=[session.pk, first.pk]))

    assert "Retirer le point n° 1" in _text(confirm)
    assert response.status_code == 302
    assert _items(session) == [(1, "Agenda")]


def test_removing_a_voted_item_is_refused_in_french(secretariat: Client, session: Session) -> None:
    (item,) = _add(session, "Partenariat AULA")
    VoteFactory(item=item)

    response = secretariat.post(
        reverse("meetings:item_remove", args=[session.pk, item.pk]), follow=True
    )

    assert "a déjà été voté : il ne peut être retiré" in _text(response)
    assert session.items.count() == 1


# --- Élus and other bodies --------------------------------------------------------------


def test_an_elected_member_reads_without_edit_buttons(elu: Client, session: Session) -> None:
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CONVENED)
    _add(session, "Actualités")

    response = elu.get(reverse("meetings:session_detail", args=[session.pk]))

    text = _text(response)
    assert response.status_code == 200
    assert "Actualités" in text
    assert "Ajouter un point" not in text
    assert "Modifier la séance" not in text
    assert reverse("meetings:item_move", args=[session.pk, session.items.get().pk]) not in text


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("meetings:session_edit", {"date": "2030-06-14", "kind": "ordinary"}),
        ("meetings:item_add", {"kind": "information", "title": "Intrus"}),
        ("meetings:convocation", {}),
    ],
)
def test_an_elected_member_cannot_write(
    elu: Client, session: Session, name: str, data: dict[str, Any]
) -> None:
    _convene(session)
    response = elu.post(reverse(name, args=[session.pk]), data)

    assert response.status_code == 403
    session.refresh_from_db()
    assert session.date == dt.date(2030, 6, 13)
    assert not session.items.exists()


def _convene(session: Session) -> None:
    # An élu opens a session once convened (the secretariat's plans stay its own).
    Session.objects.filter(pk=session.pk).update(convened_on=dt.date(2030, 6, 1))


def test_an_elected_member_does_not_see_a_session_not_yet_convened(
    elu: Client, session: Session
) -> None:
    _add(session, "Projet confidentiel")

    assert elu.get(reverse("meetings:session_detail", args=[session.pk])).status_code == 404
    assert "Projet confidentiel" not in _text(elu.get(reverse("meetings:session_list")))
    _convene(session)
    assert elu.get(reverse("meetings:session_detail", args=[session.pk])).status_code == 200


def test_an_elected_member_cannot_move_or_remove(elu: Client, session: Session) -> None:
    first, _ = _add(session, "Actualités", "Agenda")
    _convene(session)

    assert elu.post(reverse("meetings:session_create"), {"date": "2030-01-01"}).status_code == 403
    move = reverse("meetings:item_move", args=[session.pk, first.pk])
    assert elu.post(move, {"direction": "down"}).status_code == 403
    remove = reverse("meetings:item_remove", args=[session.pk, first.pk])
    assert elu.post(remove).status_code == 403
    assert _items(session) == [(1, "Actualités"), (2, "Agenda")]


def test_another_bodys_session_is_not_found(secretariat: Client) -> None:
    other = SessionFactory(body=BodyFactory())

    assert secretariat.get(reverse("meetings:session_detail", args=[other.pk])).status_code == 404
    assert (
        secretariat.post(
            reverse("meetings:item_add", args=[other.pk]), {"kind": "information", "title": "X"}
        ).status_code
        == 404
    )
