"""The database itself refuses roll-call rows that can never be true."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from meetings.models import Attendance, Proxy
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    MandateFactory,
    ProxyFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def test_two_attendances_for_one_mandate_and_session_are_refused() -> None:
    attendance = AttendanceFactory()

    with pytest.raises(IntegrityError, match="attendance_one_per_mandate"), transaction.atomic():
        AttendanceFactory(
            session=attendance.session,
            mandate=attendance.mandate,
            status=Attendance.Status.EXCUSED,
        )

    assert Attendance.objects.count() == 1


def test_the_same_mandate_attends_two_sessions() -> None:
    attendance = AttendanceFactory()

    AttendanceFactory(
        session=SessionFactory(body=attendance.session.body), mandate=attendance.mandate
    )

    assert Attendance.objects.filter(mandate=attendance.mandate).count() == 2


def test_self_proxy_is_refused() -> None:
    session = SessionFactory()
    member = MandateFactory(body=session.body)

    with pytest.raises(IntegrityError, match="proxy_not_to_self"), transaction.atomic():
        ProxyFactory(session=session, giver=member, holder=member)

    assert not Proxy.objects.exists()


def test_two_active_proxies_from_one_giver_are_refused() -> None:
    proxy = ProxyFactory()

    with pytest.raises(IntegrityError, match="proxy_one_active_per_giver"), transaction.atomic():
        ProxyFactory(session=proxy.session, giver=proxy.giver)

    # Once the first is revoked, the member may give another one.
    Proxy.objects.filter(pk=proxy.pk).update(revoked_at=dt.datetime(2023, 6, 13, tzinfo=dt.UTC))
    ProxyFactory(session=proxy.session, giver=proxy.giver)
    assert Proxy.objects.filter(giver=proxy.giver).count() == 2


def test_two_substitutes_for_one_titulaire_are_refused() -> None:
    session = SessionFactory()
    titulaire = MandateFactory(body=session.body)
    AttendanceFactory(session=session, mandate__suppleant=True, seated=True, replaces=titulaire)

    with (
        pytest.raises(IntegrityError, match="attendance_one_substitute_per_titulaire"),
        transaction.atomic(),
    ):
        AttendanceFactory(session=session, mandate__suppleant=True, seated=True, replaces=titulaire)


def test_absent_member_cannot_sit_or_move() -> None:
    with pytest.raises(IntegrityError, match="attendance_seated_is_present"), transaction.atomic():
        AttendanceFactory(status=Attendance.Status.ABSENT, seated=True)
    item = AgendaItemFactory()
    with (
        pytest.raises(IntegrityError, match="attendance_moves_only_when_present"),
        transaction.atomic(),
    ):
        AttendanceFactory(session=item.session, status=Attendance.Status.EXCUSED, left_at=item)


def test_two_items_at_one_position_are_refused() -> None:
    item = AgendaItemFactory(position=1)

    # The constraint is deferred (items may be renumbered): it bites at commit time.
    with pytest.raises(IntegrityError, match="item_unique_position"), transaction.atomic():
        AgendaItemFactory(session=item.session, position=1)
        with transaction.get_connection().cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_session_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(IntegrityError, match="session_ends_after_start"), transaction.atomic():
        SessionFactory(start_time=dt.time(14, 30), end_time=dt.time(14, 0))
