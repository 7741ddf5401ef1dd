"""The members' space: an élu's sessions by year, their documents, his own attendance."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deliberations.models import Deliberation
from meetings.models import AgendaItem, ProcesVerbal, Session
from members.models import Body, Mandate
from tests.conftest import analyze
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    DeliberationFactory,
    MandateFactory,
    SessionFactory,
    VoteFactory,
    login_as,
)

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(page).split())


@pytest.fixture
def elu(client: Client, body: Body) -> Client:
    login_as(client, "elu", body, mandate=MandateFactory(body=body))
    return client


def test_an_elus_home_is_his_space(elu: Client) -> None:
    response = elu.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("space:index")


def test_sessions_are_listed_year_by_year(elu: Client, body: Body) -> None:
    SessionFactory(body=body, date=dt.date(2023, 6, 13), status=Session.Status.CLOSED)
    SessionFactory(body=body, date=dt.date(2023, 4, 4), status=Session.Status.CLOSED)
    SessionFactory(body=body, date=dt.date(2022, 12, 8), status=Session.Status.CLOSED)
    SessionFactory(
        body=body, date=dt.date(2023, 9, 29), status=Session.Status.PLANNED, convened_on=None
    )
    SessionFactory(body=BodyFactory(), date=dt.date(2023, 5, 2), status=Session.Status.CLOSED)

    page = _text(elu.get(reverse("space:index"), {"annee": "2023"}))
    older = _text(elu.get(reverse("space:index"), {"annee": "2022"}))
    # An unknown or absurd year falls back on a year with sessions, never a 500.
    fallback = elu.get(reverse("space:index"), {"annee": "deux mille"})

    assert "Séance du mardi 13 juin 2023" in page
    assert "Séance du mardi 4 avril 2023" in page
    assert "8 décembre 2022" not in page
    assert "Séance du jeudi 8 décembre 2022" in older
    # Not yet convened: the secretariat's plan; another body's session: never.
    assert "29 septembre 2023" not in page
    assert "2 mai 2023" not in page
    assert fallback.status_code == 200
    assert "Séances de 2023" in _text(fallback)


def test_a_session_shows_its_ordre_du_jour_projets_votes_and_documents(
    elu: Client, body: Body
) -> None:
    session = SessionFactory(body=body, date=dt.date(2023, 6, 13), status=Session.Status.CLOSED)
    voted = AgendaItemFactory(session=session, position=1, title="Adhésion à l'AULA")
    projet = AgendaItemFactory(session=session, position=2, title="Rapport d'activité")
    VoteFactory(item=voted)
    adopted = DeliberationFactory(
        body=body,
        item=voted,
        title="Adhésion à l'AULA",
        number="2023/PMA00192",
        sequence=192,
        status=Deliberation.Status.VOTED,
    )
    draft = DeliberationFactory(body=body, item=projet, title="Rapport d'activité")
    AgendaItem.objects.filter(pk=voted.pk).update(debate_summary="<p>Débat <b>nourri</b></p>")

    response = elu.get(reverse("space:session", args=[session.pk]))
    page = _text(response)
    content = response.content.decode()

    assert response.status_code == 200
    assert "Délibération n° 2023/PMA00192" in page
    assert "Adopté" in page
    assert "Projet de délibération" in page
    assert reverse("deliberation_document", args=[adopted.pk]) in content
    assert reverse("deliberation_document", args=[draft.pk]) in content
    assert reverse("session_document", args=[session.pk, "convocation"]) in content
    assert reverse("session_document", args=[session.pk, "pv"]) in content
    assert reverse("session_document", args=[session.pk, "liste"]) in content
    # The debate summary is the sanitised rich text, not escaped tags.
    assert "<p>Débat nourri</p>" in content
    assert "&lt;p&gt;" not in content


def test_an_elu_cannot_open_a_session_not_convened_or_of_another_body(
    elu: Client, body: Body
) -> None:
    planned = SessionFactory(body=body, status=Session.Status.PLANNED, convened_on=None)
    foreign = SessionFactory(body=BodyFactory(), status=Session.Status.CLOSED)

    for session in (planned, foreign):
        assert elu.get(reverse("space:session", args=[session.pk])).status_code == 404
        pdf = reverse("session_document", args=[session.pk, "convocation"])
        assert elu.get(pdf).status_code == 404


def test_an_account_without_a_body_gets_a_french_explanation(client: Client) -> None:
    login_as(client, "elu", None)

    response = client.get(reverse("space:index"))

    assert response.status_code == 200
    assert "Aucune assemblée ne vous est encore ouverte" in _text(response)


# --- Own attendance ----------------------------------------------------------------------


def test_attendance_history_of_a_member_who_gave_a_proxy(
    seed_session: Session, mandate_of: Callable[[str], Mandate], client: Client
) -> None:
    login_as(client, "elu", seed_session.body, mandate=mandate_of("bossart"))

    page = _text(client.get(reverse("space:attendance")))

    assert "Bilan 2023" in page
    assert "PMA — 13 juin 2023" in page
    assert "Représenté : pouvoir donné à Alain Bavay" in page


def test_attendance_history_of_a_proxy_holder(
    seed_session: Session, mandate_of: Callable[[str], Mandate], client: Client
) -> None:
    login_as(client, "elu", seed_session.body, mandate=mandate_of("bavay"))

    page = _text(client.get(reverse("space:attendance")))

    assert "Présent" in page
    assert "Pouvoir reçu de" in page and "Bossart" in page


def test_attendance_history_names_the_votes_not_taken_part_in(
    seed_session: Session, mandate_of: Callable[[str], Mandate], client: Client
) -> None:
    login_as(client, "elu", seed_session.body, mandate=mandate_of("laversin"))

    page = _text(client.get(reverse("space:attendance")))

    assert "N'a pas pris part au vote du point n°" in page


def test_attendance_page_without_a_mandate_says_so(client: Client) -> None:
    login_as(client, "elu", None)

    page = _text(client.get(reverse("space:attendance")))

    assert "Votre compte n'est rattaché à aucun mandat" in page


# --- Query counts do not grow with the archive --------------------------------------------


def _archive(body: Body, sessions: int) -> Session:
    """`sessions` closed sessions over the years, each with a voted item; the latest."""
    start = dt.date(2023, 12, 1)
    rows = Session.objects.bulk_create(
        Session(
            body=body,
            date=start - dt.timedelta(days=7 * n),
            status=Session.Status.CLOSED,
            convened_on=start - dt.timedelta(days=7 * n + 5),
        )
        for n in range(sessions)
    )
    ProcesVerbal.objects.bulk_create(ProcesVerbal(session=s) for s in rows)
    items = AgendaItem.objects.bulk_create(
        AgendaItem(session=s, position=1, kind=AgendaItem.Kind.DELIBERATION, title="Budget")
        for s in rows
    )
    for n, item in enumerate(items[:3]):
        VoteFactory(item=item)
        DeliberationFactory(
            body=body,
            item=item,
            number=f"2023/PMA{n + 1:05d}",
            sequence=n + 1,
            status=Deliberation.Status.VOTED,
        )
    analyze()
    return rows[0]


@pytest.mark.parametrize("sessions", [10, 1000])
def test_space_pages_keep_a_constant_number_of_queries(
    client: Client, body: Body, sessions: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    mandate = MandateFactory(body=body, start_date=dt.date(2000, 1, 1))
    login_as(client, "elu", body, mandate=mandate)
    latest = _archive(body, sessions)
    client.get(reverse("space:index"))  # the session and the user are loaded once

    with django_assert_num_queries(INDEX_QUERIES):
        assert client.get(reverse("space:index"), {"annee": "2023"}).status_code == 200
    with django_assert_num_queries(SESSION_QUERIES):
        assert client.get(reverse("space:session", args=[latest.pk])).status_code == 200
    with django_assert_num_queries(ATTENDANCE_QUERIES):
        assert client.get(reverse("space:attendance"), {"annee": "2023"}).status_code == 200


# Counted once, at 10 and at 1 000 sessions: the same figure proves the pages do not grow.
# Index: session, user, TOTP device, staff role, bodies exist, body, years, permissions (2),
# bodies, sessions.
INDEX_QUERIES = 11
# Session: with the élu's seat, the session's déports, the projets he has a note on, his
# convocation receipt, his answer.
SESSION_QUERIES = 15
ATTENDANCE_QUERIES = 12


def test_an_elu_sitting_in_two_bodies_switches_between_them(client: Client, body: Body) -> None:
    other = BodyFactory(short_name="SMT", name="Syndicat mixte des transports")
    login_as(client, "elu", body, mandate=MandateFactory(body=body))
    person = Mandate.objects.filter(person__user__isnull=False).get().person
    MandateFactory(body=other, person=person)
    SessionFactory(body=other, date=dt.date(2023, 3, 9), status=Session.Status.CLOSED)

    page = _text(client.get(reverse("space:index"), {"assemblee": "SMT", "annee": "2023"}))

    assert "Syndicat mixte des transports" in page
    assert "Séance du jeudi 9 mars 2023" in page
