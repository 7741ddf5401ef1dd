"""Members' answers before a session: each rule of the session refuses a pouvoir given
online with its French reason, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.answers import (
    answer_choices,
    answer_give,
    answer_revoke,
    answers_closed_reason,
    answers_open,
    proxy_decline,
    session_start,
)
from meetings.models import Attendance, AttendanceAnswer, Session
from members.models import Body, Mandate
from tests.factories import MandateFactory, UserFactory
from tests.meetings.answers_setup import Assembly, make_assembly

pytestmark = pytest.mark.django_db

Answer = AttendanceAnswer.Answer


@pytest.fixture
def assembly() -> Assembly:
    return make_assembly()


def _refused(
    assembly: Assembly,
    first: str,
    answer: str,
    holder: Mandate | None = None,
    substitute: Mandate | None = None,
) -> str:
    before = list(AttendanceAnswer.objects.order_by("pk").values())
    with pytest.raises(ValidationError) as excinfo:
        answer_give(assembly.session, assembly[first], answer, holder, substitute)
    assert list(AttendanceAnswer.objects.order_by("pk").values()) == before
    return " ".join(excinfo.value.messages)


def test_an_answer_replaces_the_previous_one(assembly: Assembly) -> None:
    alice = assembly["Alice"]
    first = answer_give(assembly.session, alice, Answer.PRESENT)
    second = answer_give(assembly.session, alice, Answer.PROXY, holder=assembly["Bernard"])

    assert first.pk == second.pk
    row = AttendanceAnswer.objects.get(session=assembly.session, mandate=alice)
    assert (row.answer, row.holder, row.by_secretariat) == (
        Answer.PROXY,
        assembly["Bernard"],
        False,
    )
    # History keeps what was answered before.
    events = row.events.order_by("pgh_id")  # type: ignore[attr-defined]
    assert [e.answer for e in events] == ["present", "present", "proxy"]


def test_the_secretariat_enters_a_paper_form(assembly: Assembly) -> None:
    clerk = UserFactory(username="secretariat-collines")
    row = answer_give(
        assembly.session, assembly["Claire"], Answer.EXCUSED, by_secretariat=True, user=clerk
    )

    assert (row.by_secretariat, row.entered_by) == (True, clerk)


def test_a_titulaire_s_suppleant_sits_the_one_of_his_collectivity(assembly: Assembly) -> None:
    row = answer_give(assembly.session, assembly["Claire"], Answer.SUBSTITUTE)

    assert row.substitute == assembly["Gaëlle"]


def test_a_seated_suppleant_may_hold_a_pouvoir(assembly: Assembly) -> None:
    answer_give(assembly.session, assembly["Alice"], Answer.SUBSTITUTE)
    answer_give(assembly.session, assembly["Claire"], Answer.PROXY, holder=assembly["Fabien"])

    assert AttendanceAnswer.objects.get(mandate=assembly["Claire"]).holder == assembly["Fabien"]


# --- Refusals --------------------------------------------------------------------------


def test_a_pouvoir_to_oneself_is_refused(assembly: Assembly) -> None:
    message = _refused(assembly, "Alice", Answer.PROXY, holder=assembly["Alice"])

    assert message == "Alice Martin ne peut se donner pouvoir à elle-même (CGCT L2121-20)."


def test_a_pouvoir_needs_a_holder(assembly: Assembly) -> None:
    assert _refused(assembly, "Alice", Answer.PROXY) == (
        "Choisissez le membre à qui vous donnez pouvoir."
    )


def test_one_pouvoir_per_holder(assembly: Assembly) -> None:
    answer_give(assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["David"])

    message = _refused(assembly, "Bernard", Answer.PROXY, holder=assembly["David"])

    assert message == (
        "David Leroy détient 2 procurations ; un membre ne peut en détenir qu'une seule "
        "(CGCT L2121-20)."
    )


def test_the_statutes_may_allow_two_pouvoirs_per_holder(assembly: Assembly) -> None:
    Body.objects.filter(pk=assembly.body.pk).update(max_proxies_per_holder=2)
    answer_give(assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["David"])
    answer_give(assembly.session, assembly["Bernard"], Answer.PROXY, holder=assembly["David"])

    message = _refused(assembly, "Claire", Answer.PROXY, holder=assembly["David"])

    assert "un membre ne peut en détenir plus de 2 (CGCT L2121-20)" in message


@pytest.mark.parametrize("absent", [Answer.EXCUSED, Answer.SUBSTITUTE])
def test_no_pouvoir_to_a_member_who_answered_absent(assembly: Assembly, absent: str) -> None:
    answer_give(assembly.session, assembly["David"], absent)

    message = _refused(assembly, "Alice", Answer.PROXY, holder=assembly["David"])

    assert message == (
        "David Leroy ne peut recevoir la procuration d'Alice Martin : le mandataire doit "
        "assister à la séance (CGCT L2121-20)."
    )


def test_no_pouvoir_to_a_member_who_gave_one(assembly: Assembly) -> None:
    answer_give(assembly.session, assembly["David"], Answer.PROXY, holder=assembly["Claire"])

    message = _refused(assembly, "Alice", Answer.PROXY, holder=assembly["David"])

    assert "le mandataire doit assister à la séance (CGCT L2121-20)" in message


def test_no_pouvoir_to_a_suppleant_who_does_not_sit(assembly: Assembly) -> None:
    message = _refused(assembly, "Alice", Answer.PROXY, holder=assembly["Fabien"])

    assert message == (
        "Fabien Roux ne peut recevoir la procuration d'Alice Martin : un suppléant qui ne "
        "siège pas n'a pas voix délibérative."
    )


def test_a_suppleant_neither_gives_a_pouvoir_nor_is_replaced(assembly: Assembly) -> None:
    assert _refused(assembly, "Fabien", Answer.PROXY, holder=assembly["Alice"]) == (
        "Fabien Roux est suppléant : seul un titulaire absent peut donner pouvoir (CGCT L2121-20)."
    )
    assert "seul un titulaire absent se fait remplacer" in _refused(
        assembly, "Fabien", Answer.SUBSTITUTE
    )


def test_no_suppleant_sits_for_a_titulaire_without_one(assembly: Assembly) -> None:
    answer_give(assembly.session, assembly["Alice"], Answer.SUBSTITUTE)  # Fabien sits

    message = _refused(assembly, "Bernard", Answer.SUBSTITUTE)

    assert message == (
        "Bernard Durand n'a pas de suppléant disponible pour siéger à sa place : répondez "
        "absent excusé ou donnez pouvoir à un autre membre."
    )
    taken = _refused(assembly, "Bernard", Answer.SUBSTITUTE, substitute=assembly["Fabien"])
    assert taken == (
        "Fabien Roux siège déjà en suppléance d'Alice Martin ; un suppléant ne siège que "
        "pour un titulaire."
    )


def test_a_seated_suppleant_cannot_answer_absent(assembly: Assembly) -> None:
    answer_give(assembly.session, assembly["Alice"], Answer.SUBSTITUTE)

    assert _refused(assembly, "Fabien", Answer.EXCUSED) == (
        "Fabien Roux siège en suppléance d'Alice Martin, qui l'a annoncé : il ne peut répondre "
        "absent tant qu'Alice Martin n'a pas changé sa réponse."
    )
    answer_give(assembly.session, assembly["Fabien"], Answer.PRESENT)


def test_a_suppleant_who_answered_absent_is_not_named(assembly: Assembly) -> None:
    answer_give(assembly.session, assembly["Fabien"], Answer.EXCUSED)

    assert _refused(assembly, "Alice", Answer.SUBSTITUTE, substitute=assembly["Fabien"]) == (
        "Fabien Roux a répondu qu'il serait absent : il ne peut siéger en suppléance "
        "d'Alice Martin."
    )


def test_a_suppleant_of_another_collectivity_does_not_sit(assembly: Assembly) -> None:
    message = _refused(assembly, "Alice", Answer.SUBSTITUTE, substitute=assembly["Gaëlle"])

    assert "un suppléant ne siège que pour un titulaire de sa collectivité (CGCT L5212-7)" in (
        message
    )


def test_statutes_without_sitting_suppleants(assembly: Assembly) -> None:
    Body.objects.filter(pk=assembly.body.pk).update(substitutes_sit=False)
    assembly.session.body.refresh_from_db()

    assert _refused(assembly, "Alice", Answer.SUBSTITUTE) == (
        "Les statuts de « Syndicat mixte des Collines » ne prévoient pas que les suppléants "
        "siègent : le suppléant d'Alice Martin ne peut siéger à sa place."
    )


def test_a_holder_cannot_answer_absent_until_he_declines(assembly: Assembly) -> None:
    given = answer_give(
        assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"]
    )

    message = _refused(assembly, "Bernard", Answer.EXCUSED)

    assert message == (
        "Bernard Durand détient le pouvoir d'Alice Martin : refusez d'abord ce pouvoir avant "
        "de répondre absent, le mandataire devant assister à la séance (CGCT L2121-20)."
    )
    proxy_decline(given)
    answer_give(assembly.session, assembly["Bernard"], Answer.EXCUSED)
    alice = AttendanceAnswer.objects.get(mandate=assembly["Alice"])
    assert (alice.answer, alice.holder) == (Answer.EXCUSED, None)


def test_a_suppleant_seated_with_a_pouvoir_keeps_his_seat(assembly: Assembly) -> None:
    answer_give(assembly.session, assembly["Alice"], Answer.SUBSTITUTE)
    answer_give(assembly.session, assembly["Claire"], Answer.PROXY, holder=assembly["Fabien"])

    message = _refused(assembly, "Alice", Answer.PRESENT)

    assert "Fabien Roux ne peut recevoir la procuration de Claire Petit" in message


def test_a_member_of_another_body_cannot_answer_or_hold(assembly: Assembly) -> None:
    stranger = MandateFactory()

    with pytest.raises(ValidationError, match="n'a pas de mandat en cours"):
        answer_give(assembly.session, stranger, Answer.PRESENT)
    assert "(mandataire)" in _refused(assembly, "Alice", Answer.PROXY, holder=stranger)


# --- When answers close ----------------------------------------------------------------


def test_answers_close_when_the_session_opens(assembly: Assembly) -> None:
    session = assembly.session
    start = session_start(session)

    assert answers_open(session, start - dt.timedelta(minutes=1))
    assert not answers_open(session, start)
    with time_machine.travel(start + dt.timedelta(minutes=5)):
        message = _refused(assembly, "Alice", Answer.PRESENT)
    assert message.endswith("est ouverte : les réponses à la convocation sont closes.")


@pytest.mark.parametrize("how", ["held", "closed", "frozen", "roll_call"])
def test_answers_close_with_the_session(assembly: Assembly, how: str) -> None:
    session = assembly.session
    given = answer_give(session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"])
    if how == "roll_call":
        Attendance.objects.create(session=session, mandate=assembly["David"], status="present")
    elif how == "frozen":
        Session.objects.filter(pk=session.pk).update(facts_frozen_at=timezone.now())
    else:
        Session.objects.filter(pk=session.pk).update(status=how)
    session.refresh_from_db()

    reason = answers_closed_reason(session)
    assert reason and _refused(assembly, "Claire", Answer.PRESENT) == reason
    for call in (lambda: answer_revoke(given), lambda: proxy_decline(given)):
        with pytest.raises(ValidationError):
            call()
    assert AttendanceAnswer.objects.get(pk=given.pk).holder == assembly["Bernard"]


# --- Revoking, declining ------------------------------------------------------------


def test_a_member_withdraws_his_answer_and_pouvoir(assembly: Assembly) -> None:
    given = answer_give(
        assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"]
    )

    answer_revoke(given)

    assert not AttendanceAnswer.objects.filter(pk=given.pk).exists()
    with pytest.raises(ValidationError, match="déjà été retirée"):
        answer_revoke(given)


def test_declining_a_pouvoir_already_declined_is_refused(assembly: Assembly) -> None:
    given = answer_give(
        assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"]
    )
    proxy_decline(given)

    with pytest.raises(ValidationError, match="Ce pouvoir n'existe plus"):
        proxy_decline(given)


# --- Choices --------------------------------------------------------------------------


def test_the_holder_choices_are_the_legal_holders(assembly: Assembly) -> None:
    answer_give(assembly.session, assembly["Claire"], Answer.EXCUSED)
    answer_give(assembly.session, assembly["Bernard"], Answer.PROXY, holder=assembly["David"])

    choices = answer_choices(assembly.session, assembly["Alice"])

    # Not Claire (excused), not Bernard (gave his), not David (holds one), not Fabien or
    # Gaëlle (suppléants who do not sit), not Alice herself.
    assert [m.person.first_name for m in choices.holders] == ["Émilie"]
    assert [m.person.first_name for m in choices.substitutes] == ["Fabien"]
    assert answer_choices(assembly.session, assembly["Fabien"]).holders == []
