"""Déports (CGCT L2131-11): declared in advance, refused in French when they cannot be."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings.deports import deport_declare, deport_withdraw, deports_reason
from meetings.models import AgendaItem, Deport, Session
from members.models import Mandate
from pma_governance.lib import limits
from tests.factories import (
    AgendaItemFactory,
    MandateFactory,
    PersonFactory,
    SessionFactory,
    VoteFactory,
)

pytestmark = pytest.mark.django_db

AULA = "présidente de l'Agence d'urbanisme de l'Artois"


@pytest.fixture
def item() -> AgendaItem:
    return AgendaItemFactory(title="Partenariat 2023 avec l'AULA")


@pytest.fixture
def member(item: AgendaItem) -> Mandate:
    return MandateFactory(body=item.session.body)


def _refused(item: AgendaItem, mandate: Mandate, reason: str = AULA) -> str:
    with pytest.raises(ValidationError) as excinfo:
        deport_declare(item=item, mandate=mandate, reason=reason)
    assert not Deport.objects.filter(item=item, mandate=mandate).exists()
    return " ".join(excinfo.value.messages)


def test_a_member_declares_then_withdraws_a_deport(item: AgendaItem, member: Mandate) -> None:
    deport = deport_declare(item=item, mandate=member, reason=f"  {AULA}  ")

    assert (deport.reason, deport.by_secretariat, deport.session) == (AULA, False, item.session)
    deport_withdraw(deport=deport)
    assert not Deport.objects.exists()


def test_a_member_of_another_body_is_refused(item: AgendaItem) -> None:
    stranger = MandateFactory()

    assert "n'est pas membre de l'assemblée" in _refused(item, stranger)


def test_an_item_already_voted_is_refused(item: AgendaItem, member: Mandate) -> None:
    VoteFactory(item=item)

    assert "a déjà été voté" in _refused(item, member)


def test_a_frozen_session_refuses_declaring_and_withdrawing(
    item: AgendaItem, member: Mandate
) -> None:
    deport = deport_declare(item=item, mandate=member, reason=AULA)
    Session.objects.filter(pk=item.session_id).update(facts_frozen_at=timezone.now())

    assert "sont figés" in _refused(item, MandateFactory(body=item.session.body))
    with pytest.raises(ValidationError, match="sont figés"):
        deport_withdraw(deport=deport)
    assert Deport.objects.filter(pk=deport.pk).exists()


def test_a_reason_empty_or_too_long_is_refused(item: AgendaItem, member: Mandate) -> None:
    assert "Indiquez le motif" in _refused(item, member, "   ")
    too_long = "x" * (limits.NOT_VOTING_REASON + 1)
    assert "ne peut dépasser 300 caractères" in _refused(item, member, too_long)


def test_an_item_not_voted_and_a_second_deport_are_refused(member: Mandate) -> None:
    session = SessionFactory(body=member.body)
    information = AgendaItemFactory(session=session, kind=AgendaItem.Kind.INFORMATION)
    voted_item = AgendaItemFactory(session=session)
    deport_declare(item=voted_item, mandate=member, reason=AULA)

    assert "n'est pas soumis au vote" in _refused(information, member)
    with pytest.raises(ValidationError, match="s'est déjà déporté"):
        deport_declare(item=voted_item, mandate=member, reason=AULA)


def test_the_votes_reason_names_each_member_when_reasons_differ(item: AgendaItem) -> None:
    first = deport_declare(item=item, mandate=MandateFactory(body=item.session.body), reason=AULA)
    assert deports_reason([first]) == AULA
    second = deport_declare(
        item=item, mandate=MandateFactory(body=item.session.body), reason="gérant de la SCI"
    )

    assert deports_reason([first, second]) == (
        f"{first.mandate.person.full_name} : {AULA} ; "
        f"{second.mandate.person.full_name} : gérant de la SCI"
    )


@pytest.mark.parametrize("status", [Session.Status.HELD, Session.Status.CLOSED])
def test_an_elu_may_not_change_his_deports_once_the_session_is_held(
    item: AgendaItem, member: Mandate, status: str
) -> None:
    deport = deport_declare(item=item, mandate=member, reason=AULA)
    Session.objects.filter(pk=item.session_id).update(status=status)
    other = MandateFactory(body=item.session.body)

    assert "s'est tenue" in _refused(item, other)
    with pytest.raises(ValidationError, match="s'est tenue"):
        deport_withdraw(deport=deport)
    assert Deport.objects.filter(pk=deport.pk).exists()
    # The secretariat still records what the minutes must say, until the facts freeze.
    deport_declare(item=item, mandate=other, reason=AULA, by_secretariat=True)
    deport_withdraw(deport=deport, by_secretariat=True)
    assert list(Deport.objects.values_list("mandate", flat=True)) == [other.pk]


def test_declaring_and_withdrawing_a_deport_leave_its_history(
    item: AgendaItem, member: Mandate
) -> None:
    deport = deport_declare(item=item, mandate=member, reason=AULA)
    deport_withdraw(deport=deport)

    events = (
        apps.get_model("meetings", "DeportEvent")
        .objects.filter(pgh_obj_id=deport.pk)
        .order_by("pgh_id")
    )
    assert [(e.pgh_label, e.reason) for e in events] == [("insert", AULA), ("delete", AULA)]


def test_a_refusal_agrees_with_the_member(item: AgendaItem) -> None:
    corinne = MandateFactory(
        body=item.session.body,
        person=PersonFactory(civility="Mme", first_name="Corinne", last_name="Laversin"),
    )
    deport_declare(item=item, mandate=corinne, reason=AULA)

    with pytest.raises(ValidationError, match="Corinne Laversin s'est déjà déportée sur le point"):
        deport_declare(item=item, mandate=corinne, reason=AULA)
    stranger = MandateFactory(person=PersonFactory(civility="Mme"))
    assert "elle ne peut se déporter" in _refused(item, stranger)
