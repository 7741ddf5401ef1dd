"""The session page and its ordre du jour in the browser: adding, editing, moving and
removing items, as the secretariat and as an élu (deliberations/views/agenda.py)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deliberations.models import Deliberation
from meetings.models import AgendaItem, Session
from members.models import Mandate
from tests.conftest import CountQueries
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    MandateFactory,
    SessionFactory,
    VoteFactory,
)
from tests.meetings import test_views as session_views

pytestmark = pytest.mark.django_db


# The session the ordre du jour is prepared in, as the session tests make it: the fixtures
# `body`, `member` (Sylvain Robert) and `session` (planned on 13 June 2030), shared by name.
body = session_views.body
member = session_views.member
session = session_views.session


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


def test_an_elected_member_cannot_add_an_item(elu: Client, session: Session) -> None:
    _convene(session)
    response = elu.post(
        reverse("meetings:item_add", args=[session.pk]), {"kind": "information", "title": "Intrus"}
    )

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
