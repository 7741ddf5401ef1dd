"""The expected roll and quorum, from the members' answers before the session."""

from __future__ import annotations

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from meetings.expected import expected_attendance, expected_quorum, expected_roll
from meetings.models import AttendanceAnswer, Session
from members.models import Body, Mandate
from tests.conftest import Council, CountQueries
from tests.factories import MandateFactory, MemberEntityFactory, PersonFactory, SessionFactory

pytestmark = pytest.mark.django_db

Answer = AttendanceAnswer.Answer


def answer(
    session: Session,
    mandate: Mandate,
    kind: str,
    *,
    holder: Mandate | None = None,
    substitute: Mandate | None = None,
    by_secretariat: bool = False,
) -> AttendanceAnswer:
    return AttendanceAnswer.objects.create(
        session=session,
        mandate=mandate,
        answer=kind,
        holder=holder,
        substitute=substitute,
        answered_at=timezone.now(),
        by_secretariat=by_secretariat,
    )


def figures(session: Session) -> tuple[int, int, int, int]:
    q = expected_quorum(session)
    assert q.present + q.represented + q.excused + q.unknown == q.in_office
    return q.present, q.represented, q.excused, q.unknown


def test_without_answers_everyone_is_unknown_and_the_quorum_only_possible(
    council: Council,
) -> None:
    quorum = expected_quorum(council.session)

    assert (quorum.present, quorum.represented, quorum.excused, quorum.unknown) == (0, 0, 0, 5)
    assert quorum.in_office == 5
    assert quorum.quorum.threshold == 3
    assert (quorum.certain, quorum.possible) == (False, True)
    assert quorum.missing == 3
    # By last name: Durand, Leroy, Martin, Moreau, Petit.
    assert [m.person.first_name for m in expected_roll(council.session).unknown] == [
        "Bernard",
        "David",
        "Alice",
        "Émilie",
        "Claire",
    ]


def test_present_answers_make_the_quorum_certain(council: Council) -> None:
    for name in ("Alice", "Bernard"):
        answer(council.session, council[name], Answer.PRESENT)
    assert not expected_quorum(council.session).certain

    answer(council.session, council["Claire"], Answer.PRESENT)

    quorum = expected_quorum(council.session)
    assert figures(council.session) == (3, 0, 0, 2)
    assert (quorum.certain, quorum.possible, quorum.missing) == (True, True, 0)


def test_excused_answers_make_the_quorum_impossible(council: Council) -> None:
    for name in ("Alice", "Bernard", "Claire"):
        answer(council.session, council[name], Answer.EXCUSED)

    quorum = expected_quorum(council.session)
    assert figures(council.session) == (0, 0, 3, 2)
    assert (quorum.certain, quorum.possible) == (False, False)


def counts_proxies(body: Body, value: bool) -> None:
    Body.objects.filter(pk=body.pk).update(quorum_counts_proxies=value)
    body.refresh_from_db()


def test_a_pouvoir_counts_for_the_quorum_only_when_the_statutes_say_so(
    council: Council,
) -> None:
    counts_proxies(council.session.body, False)
    answer(council.session, council["Alice"], Answer.PRESENT)
    answer(council.session, council["Bernard"], Answer.PRESENT)
    answer(council.session, council["Claire"], Answer.PROXY, holder=council["Alice"])

    quorum = expected_quorum(council.session)
    assert figures(council.session) == (2, 1, 0, 2)
    assert (quorum.quorum.counted, quorum.certain, quorum.possible) == (2, False, True)

    counts_proxies(council.session.body, True)
    quorum = expected_quorum(council.session)
    assert (quorum.quorum.counted, quorum.certain) == (3, True)


def test_a_pouvoir_to_a_member_who_has_not_answered_counts_only_if_he_comes(
    council: Council,
) -> None:
    counts_proxies(council.session.body, True)
    answer(council.session, council["Alice"], Answer.PRESENT)
    answer(council.session, council["Bernard"], Answer.PROXY, holder=council["Claire"])
    answer(council.session, council["David"], Answer.EXCUSED)
    answer(council.session, council["Émilie"], Answer.EXCUSED)

    quorum = expected_quorum(council.session)
    # Claire has not answered: her pouvoir counts only if she comes (1 + Claire + Bernard).
    assert figures(council.session) == (1, 0, 3, 1)
    assert (quorum.certain, quorum.possible) == (False, True)


def test_a_pouvoir_to_an_excused_member_does_not_count(council: Council) -> None:
    answer(council.session, council["Alice"], Answer.EXCUSED)
    answer(council.session, council["Bernard"], Answer.PROXY, holder=council["Alice"])

    assert figures(council.session) == (0, 0, 2, 3)


def test_the_suppleant_named_by_his_titulaire_sits_and_counts(council: Council) -> None:
    answer(council.session, council["Alice"], Answer.SUBSTITUTE, substitute=council["Fabien"])

    expected = expected_roll(council.session)
    fabien = next(e for e in expected.entries if e.name.startswith("Fabien"))
    assert (fabien.status, fabien.seated, fabien.replaces) == (
        "present",
        True,
        str(council["Alice"].pk),
    )
    assert expected.substitutes == {council["Alice"].pk: council["Fabien"]}
    assert figures(council.session) == (1, 0, 0, 4)


def test_a_named_suppleant_who_said_he_stays_away_does_not_sit(council: Council) -> None:
    answer(council.session, council["Fabien"], Answer.EXCUSED)
    answer(council.session, council["Alice"], Answer.SUBSTITUTE, substitute=council["Fabien"])

    assert expected_roll(council.session).substitutes == {}
    assert figures(council.session) == (0, 0, 1, 4)


def test_without_a_named_suppleant_one_who_answered_present_sits(council: Council) -> None:
    answer(council.session, council["Alice"], Answer.SUBSTITUTE)
    # No member entity, no answer from the suppléant: nobody is chosen in his place.
    assert expected_roll(council.session).substitutes == {}
    assert figures(council.session) == (0, 0, 1, 4)

    answer(council.session, council["Fabien"], Answer.PRESENT)

    assert expected_roll(council.session).substitutes == {council["Alice"].pk: council["Fabien"]}
    assert figures(council.session) == (1, 0, 0, 4)


def test_without_a_named_suppleant_one_of_his_entity_sits(council: Council) -> None:
    lens, lievin = MemberEntityFactory(body=council.body), MemberEntityFactory(body=council.body)
    Mandate.objects.filter(pk__in=[council["Alice"].pk, council["Fabien"].pk]).update(entity=lens)
    other = MandateFactory(body=council.body, suppleant=True, entity=lievin)
    answer(council.session, council["Bernard"], Answer.SUBSTITUTE)  # no entity, no answer
    answer(council.session, council["Alice"], Answer.SUBSTITUTE)

    expected = expected_roll(council.session)
    assert expected.substitutes == {council["Alice"].pk: council["Fabien"]}
    assert other not in expected.substitutes.values()


def test_two_titulaires_naming_one_suppleant_seat_him_once(council: Council) -> None:
    answer(council.session, council["Alice"], Answer.SUBSTITUTE, substitute=council["Fabien"])
    answer(council.session, council["Bernard"], Answer.SUBSTITUTE, substitute=council["Fabien"])

    expected = expected_roll(council.session)
    assert list(expected.substitutes.values()) == [council["Fabien"]]
    assert figures(council.session) == (1, 0, 1, 3)


def test_no_suppleant_sits_when_the_statutes_say_they_do_not(council: Council) -> None:
    Body.objects.filter(pk=council.body.pk).update(substitutes_sit=False)
    council.session.body.refresh_from_db()
    answer(council.session, council["Alice"], Answer.SUBSTITUTE, substitute=council["Fabien"])

    assert expected_roll(council.session).substitutes == {}
    assert figures(council.session) == (0, 0, 1, 4)


def test_a_third_of_six_members_is_two(db: None) -> None:
    session = SessionFactory(body__quorum_fraction="1/3")
    members = [MandateFactory(body=session.body) for _ in range(6)]
    answer(session, members[0], Answer.PRESENT)
    assert not expected_quorum(session).certain

    answer(session, members[1], Answer.PRESENT)

    quorum = expected_quorum(session)
    assert (quorum.quorum.threshold, quorum.certain) == (2, True)


def test_unknown_present_treats_the_members_without_answer_as_coming(council: Council) -> None:
    answer(council.session, council["Alice"], Answer.EXCUSED)

    roll = expected_roll(council.session, unknown_present=True).roll
    statuses = {e.name.split()[0]: e.status for e in roll.entries}

    assert statuses == {
        "Alice": "excused",
        "Bernard": "present",
        "Claire": "present",
        "David": "present",
        "Émilie": "present",
        "Fabien": "absent",
    }


def test_answers_given_but_not_stored_are_counted(council: Council) -> None:
    unsaved = AttendanceAnswer(
        session=council.session,
        mandate=council["Alice"],
        answer=Answer.PROXY,
        holder=council["Bernard"],
        answered_at=timezone.now(),
    )

    expected = expected_roll(council.session, [unsaved], unknown_present=True)

    assert [(g.giver, g.holder) for g in expected.grants] == [
        (str(council["Alice"].pk), str(council["Bernard"].pk))
    ]
    assert not AttendanceAnswer.objects.exists()


def test_a_reconvened_session_is_flagged(council: Council) -> None:
    later = SessionFactory(body=council.body, reconvenes=council.session)

    assert expected_quorum(later).reconvened
    assert not expected_quorum(council.session).reconvened


def test_the_list_names_each_answer_and_who_has_not_answered(council: Council) -> None:
    counts_proxies(council.session.body, False)
    answer(council.session, council["Alice"], Answer.PROXY, holder=council["Bernard"])
    answer(council.session, council["Bernard"], Answer.PRESENT, by_secretariat=True)
    answer(council.session, council["Claire"], Answer.SUBSTITUTE, substitute=council["Fabien"])

    view = expected_attendance(council.session)
    rows = {r.mandate.person.first_name: r for r in view.rows}

    assert rows["Alice"].holder == council["Bernard"]
    assert rows["Bernard"].answer is not None and rows["Bernard"].answer.by_secretariat
    assert rows["Claire"].substitute == council["Fabien"]
    assert rows["Claire"].named_substitute == council["Fabien"]
    assert rows["David"].answer is None
    assert [m.person.first_name for m in view.unknown] == ["David", "Émilie"]  # Leroy, Moreau
    assert view.answered == 3
    assert view.warning  # 2 present (Bernard, Fabien) of 3 needed


def _body_of(size: int) -> Session:
    session = SessionFactory()
    for index in range(size):
        role = Mandate.Role.TITULAIRE if index % 3 else Mandate.Role.SUPPLEANT
        mandate = MandateFactory(
            body=session.body, role=role, person=PersonFactory(last_name=f"Membre {index:03d}")
        )
        if index % 4 == 0:
            answer(session, mandate, Answer.PRESENT)
    return session


def test_the_expected_attendance_reads_a_fixed_number_of_queries(
    db: None, count_queries: CountQueries, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    small, large = _body_of(10), _body_of(70)
    small = Session.objects.select_related("body").get(pk=small.pk)
    large = Session.objects.select_related("body").get(pk=large.pk)
    with count_queries() as few:
        expected_attendance(small)

    with django_assert_num_queries(len(few)):
        view = expected_attendance(large)
    assert len(view.rows) == 70
