"""The meetings services refuse illegal rolls with a French message naming who is at fault,
and leave nothing half-written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from meetings.models import Attendance, Proxy, Session
from meetings.services import (
    attendance_set,
    legal_holder_ids,
    presence_change,
    proxy_grant,
    proxy_revoke,
    session_create,
)
from tests.conftest import Council, refused_service

pytestmark = pytest.mark.django_db

Seat = Callable[..., None]


def test_a_proxy_to_an_absent_holder_is_refused(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")

    message = refused_service(
        lambda: proxy_grant(
            session=council.session, giver=council["Émilie"], holder=council["David"]
        )
    )

    assert "David Leroy ne peut recevoir la procuration d'Émilie Moreau" in message
    assert "assister à la séance" in message
    # The giver's attendance row the service would have added is gone with the proxy.
    assert not Attendance.objects.filter(mandate=council["Émilie"]).exists()


def test_a_self_proxy_is_refused(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")

    message = refused_service(
        lambda: proxy_grant(
            session=council.session, giver=council["Émilie"], holder=council["Émilie"]
        )
    )

    assert "Émilie Moreau ne peut se donner procuration à elle-même" in message


def test_a_second_proxy_to_the_same_holder_is_refused(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")
    proxy_grant(session=council.session, giver=council["Émilie"], holder=council["Alice"])

    message = refused_service(
        lambda: proxy_grant(
            session=council.session, giver=council["David"], holder=council["Alice"]
        )
    )

    assert "Alice Martin détient 2 procurations" in message
    assert "un membre ne peut en détenir qu'une seule" in message
    assert list(Proxy.objects.values_list("giver__person__last_name", flat=True)) == ["Moreau"]


def test_a_proxy_from_a_present_member_is_refused(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")

    message = refused_service(
        lambda: proxy_grant(
            session=council.session, giver=council["Claire"], holder=council["Alice"]
        )
    )

    assert "Claire Petit siège à l'ouverture de la séance" in message


def test_giving_a_second_proxy_is_refused(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")
    proxy_grant(session=council.session, giver=council["Émilie"], holder=council["Alice"])

    message = refused_service(
        lambda: proxy_grant(
            session=council.session, giver=council["Émilie"], holder=council["Bernard"]
        )
    )

    assert "Émilie Moreau a déjà donné procuration" in message


def test_granted_proxy_marks_the_giver_excused_and_counts(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")

    proxy = proxy_grant(session=council.session, giver=council["Émilie"], holder=council["Alice"])

    assert str(proxy) == "Émilie Moreau ayant donné procuration à Alice Martin"
    giver = Attendance.objects.get(session=council.session, mandate=council["Émilie"])
    assert giver.status == Attendance.Status.EXCUSED
    # Alice now holds one proxy: she is no longer a legal holder for David.
    legal = legal_holder_ids(council.session, council["David"])
    assert council["Alice"].pk not in legal
    assert council["Bernard"].pk in legal


def test_a_member_holding_a_proxy_cannot_be_marked_absent(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")
    proxy_grant(session=council.session, giver=council["Émilie"], holder=council["Alice"])

    message = refused_service(
        lambda: attendance_set(
            session=council.session, mandate=council["Alice"], status=Attendance.Status.ABSENT
        )
    )

    assert "Alice Martin détient le pouvoir" in message
    assert "Émilie Moreau" in message
    alice = Attendance.objects.get(session=council.session, mandate=council["Alice"])
    assert alice.status == Attendance.Status.PRESENT


def test_absent_after_the_proxy_is_revoked(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")
    proxy = proxy_grant(session=council.session, giver=council["Émilie"], holder=council["Alice"])
    proxy_revoke(proxy=proxy)

    attendance = attendance_set(
        session=council.session, mandate=council["Alice"], status=Attendance.Status.ABSENT
    )

    assert attendance.status == Attendance.Status.ABSENT


def test_a_suppleant_cannot_sit_for_a_present_titulaire(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")

    message = refused_service(
        lambda: attendance_set(
            session=council.session,
            mandate=council["Fabien"],
            status=Attendance.Status.PRESENT,
            seated=True,
            replaces=council["Bernard"],
        )
    )

    assert "Fabien Roux ne peut siéger en suppléance de Bernard Durand" in message


def test_a_departure_before_the_arrival_is_refused(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")
    first, second = council.items[0], council.items[1]

    message = refused_service(
        lambda: presence_change(
            session=council.session, mandate=council["Claire"], arrived_at=second, left_at=first
        )
    )

    assert "Claire Petit ne peut quitter la séance avant le point de son arrivée" in message
    assert second.title in message


def test_a_session_reconvened_less_than_three_days_later_is_refused(council: Council) -> None:
    failed = council.session

    message = refused_service(
        lambda: session_create(
            body=council.body,
            date=failed.date.replace(day=failed.date.day + 2),
            reconvenes=failed,
        )
    )

    assert "au moins trois jours après la séance du 13/06/2023" in message
    assert Session.objects.filter(body=council.body).count() == 1


def test_a_session_that_had_its_quorum_cannot_be_reconvened(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")

    message = refused_service(
        lambda: session_create(
            body=council.body,
            date=council.session.date.replace(day=20),
            reconvenes=council.session,
        )
    )

    assert "La séance du 13/06/2023 a réuni son quorum" in message


def test_reconvening_a_session_without_quorum_three_days_later(council: Council) -> None:
    reconvened = session_create(
        body=council.body, date=council.session.date.replace(day=16), reconvenes=council.session
    )

    assert reconvened.reconvenes == council.session
    assert reconvened.pv.status == "draft"
