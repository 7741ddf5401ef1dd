"""Preparing a session in the browser: the session list, creating and editing a session.

The session page and its ordre du jour are deliberations' views:
tests/deliberations/test_views_agenda.py.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import ProcesVerbal, Session
from members.models import Body, Mandate
from tests.factories import BodyFactory, MandateFactory, PersonFactory, SessionFactory

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
def session(body: Body) -> Session:
    return SessionFactory(
        body=body, date=dt.date(2030, 6, 13), status=Session.Status.PLANNED, place="à Lens"
    )


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


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


# --- Élus -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("meetings:session_edit", {"date": "2030-06-14", "kind": "ordinary"}),
        ("meetings:convocation", {}),
    ],
)
def test_an_elected_member_cannot_write(
    elu: Client, session: Session, name: str, data: dict[str, Any]
) -> None:
    # An élu opens a session once convened (the secretariat's plans stay its own).
    Session.objects.filter(pk=session.pk).update(convened_on=dt.date(2030, 6, 1))
    response = elu.post(reverse(name, args=[session.pk]), data)

    assert response.status_code == 403
    session.refresh_from_db()
    assert session.date == dt.date(2030, 6, 13)
    assert not session.items.exists()


def test_an_elected_member_cannot_create_a_session(elu: Client, body: Body) -> None:
    response = elu.post(reverse("meetings:session_create"), {"date": "2030-01-01"})

    assert response.status_code == 403
    assert not Session.objects.filter(body=body).exists()
