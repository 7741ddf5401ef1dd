"""The roll call pre-filled from the members' answers, then confirmed (meetings/prefill.py,
the live screen)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from deliberations.models import Vote
from deliberations.services import vote_record
from meetings.models import AgendaItem, Attendance, AttendanceAnswer, Proxy, Session
from meetings.prefill import roll_confirm, roll_prefill
from meetings.services import attendance_set
from members.models import Body, Mandate
from pma_governance.documents.services import pv_preview_html
from pma_governance.documents.signing import pv_problems
from tests.conftest import Council, CountQueries, refused_service
from tests.factories import (
    AgendaItemFactory,
    BodyFactory,
    MandateFactory,
    PersonFactory,
    SessionFactory,
    login_as,
)

pytestmark = pytest.mark.django_db

Answer = AttendanceAnswer.Answer


def answer(session: Session, mandate: Mandate, kind: str, **fields: Any) -> AttendanceAnswer:
    return AttendanceAnswer.objects.create(
        session=session, mandate=mandate, answer=kind, answered_at=timezone.now(), **fields
    )


@pytest.fixture
def answered(council: Council) -> Council:
    """Alice and Bernard come, Claire gives her pouvoir to Alice, David's suppléant Fabien
    sits; Émilie has not answered."""
    session = council.session
    answer(session, council["Alice"], Answer.PRESENT)
    answer(session, council["Bernard"], Answer.PRESENT)
    answer(session, council["Claire"], Answer.PROXY, holder=council["Alice"])
    answer(session, council["David"], Answer.SUBSTITUTE, substitute=council["Fabien"])
    return council


@pytest.fixture
def secretary(client: Client, council: Council) -> Client:
    login_as(client, "secretariat", council.body)
    return client


def _live(client: Client, session: Session) -> str:
    return html.unescape(client.get(reverse("meetings:live", args=[session.pk])).content.decode())


def _post(client: Client, name: str, *args: int, **data: Any) -> str:
    response = client.post(reverse(f"meetings:{name}", args=args), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _roll(session: Session) -> dict[str, tuple[str, bool, str | None, bool]]:
    return {
        a.mandate.person.first_name: (
            a.status,
            a.seated,
            a.replaces.person.first_name if a.replaces else None,
            a.declared,
        )
        for a in Attendance.objects.filter(session=session).select_related(
            "mandate__person", "replaces__person"
        )
    }


# --- Pre-filling ------------------------------------------------------------------------


def test_the_button_shows_on_an_empty_roll_with_answers(
    answered: Council, secretary: Client
) -> None:
    page = _live(secretary, answered.session)

    assert "Pré-remplir l'appel à partir des réponses" in page


def test_no_button_without_answers_nor_once_the_roll_has_begun(
    council: Council, secretary: Client
) -> None:
    assert "Pré-remplir l'appel" not in _live(secretary, council.session)

    answer(council.session, council["Alice"], Answer.PRESENT)
    attendance_set(session=council.session, mandate=council["Bernard"], status="present")

    assert "Pré-remplir l'appel" not in _live(secretary, council.session)


def test_an_elu_sees_no_button(answered: Council, client: Client) -> None:
    login_as(client, "elu", answered.body, mandate=answered["Émilie"])

    assert "Pré-remplir l'appel" not in _live(client, answered.session)
    response = client.post(reverse("meetings:roll_prefill", args=[answered.session.pk]))
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_the_roll_opens_pre_filled_and_declared(answered: Council, secretary: Client) -> None:
    session = answered.session

    page = _post(secretary, "roll_prefill", session.pk)

    assert _roll(session) == {
        "Alice": ("present", False, None, True),
        "Bernard": ("present", False, None, True),
        "Claire": ("excused", False, None, True),
        "David": ("excused", False, None, True),
        "Fabien": ("present", True, "David", True),
    }
    proxy = Proxy.objects.get(session=session)
    assert (proxy.giver, proxy.holder, proxy.declared) == (
        answered["Claire"],
        answered["Alice"],
        True,
    )
    assert proxy.answer == AttendanceAnswer.objects.get(mandate=answered["Claire"])
    assert "Appel pré-rempli à partir des réponses : 5 lignes de présence et 1 pouvoir" in page
    assert page.count('data-testid="declared-badge"') == 5
    assert "5 lignes déclarées par les membres restent à confirmer" in page
    assert "Tout confirmer" in page
    assert "Pré-remplir l'appel" not in page
    assert 'data-member="Émilie Moreau"' in page  # still on the roll, absent


def test_a_pouvoir_the_rules_refuse_is_left_out_and_the_screen_says_why(
    council: Council, secretary: Client
) -> None:
    session = council.session
    answer(session, council["Alice"], Answer.PRESENT)
    # Émilie has not answered: she is not on the roll, so she cannot hold a pouvoir.
    answer(session, council["Claire"], Answer.PROXY, holder=council["Émilie"])

    page = _post(secretary, "roll_prefill", session.pk)

    assert not Proxy.objects.exists()
    assert _roll(session)["Claire"] == ("excused", False, None, True)
    assert "Pouvoir de Claire Petit à Émilie Moreau non repris" in page
    assert "le mandataire doit assister à la séance" in page


def test_pre_filling_a_roll_already_begun_is_refused(answered: Council) -> None:
    attendance_set(session=answered.session, mandate=answered["Émilie"], status="present")

    message = refused_service(lambda: roll_prefill(session=answered.session))

    assert "L'appel a déjà commencé" in message


def test_pre_filling_without_answers_is_refused(council: Council) -> None:
    assert "Aucun membre n'a répondu" in refused_service(
        lambda: roll_prefill(session=council.session)
    )


def test_without_javascript_the_page_reloads_with_the_summary(
    answered: Council, secretary: Client
) -> None:
    response = secretary.post(
        reverse("meetings:roll_prefill", args=[answered.session.pk]), follow=True
    )

    assert "Appel pré-rempli à partir des réponses" in html.unescape(response.content.decode())


# --- Confirming and changing ------------------------------------------------------------


def test_confirming_a_member_clears_his_presence_and_his_pouvoir(
    answered: Council, secretary: Client
) -> None:
    session = answered.session
    roll_prefill(session=session)

    page = _post(secretary, "roll_confirm", session.pk, answered["Claire"].pk)

    assert _roll(session)["Claire"] == ("excused", False, None, False)
    assert not Proxy.objects.get(session=session).declared
    assert _roll(session)["Alice"][3] is True
    assert "4 lignes déclarées par les membres restent à confirmer" in page


def test_confirming_everything(answered: Council, secretary: Client) -> None:
    roll_prefill(session=answered.session)

    page = _post(secretary, "roll_confirm_all", answered.session.pk)

    assert not Attendance.objects.filter(declared=True).exists()
    assert not Proxy.objects.filter(declared=True).exists()
    assert "déclaré" not in page


def test_changing_a_line_through_the_usual_forms_clears_declared(
    answered: Council, secretary: Client
) -> None:
    session = answered.session
    roll_prefill(session=session)

    _post(secretary, "attendance_update", session.pk, answered["Bernard"].pk, status="excused")
    proxy = Proxy.objects.get(session=session)
    _post(secretary, "proxy_revoke", session.pk, proxy.pk)

    roll = _roll(session)
    assert roll["Bernard"] == ("excused", False, None, False)
    assert roll["Claire"][3] is False  # his pouvoir revoked: the secretariat changed his line
    proxy.refresh_from_db()
    assert proxy.revoked_at is not None and not proxy.declared
    assert roll["Alice"][3] is True


# --- No vote on an unconfirmed roll -----------------------------------------------------


def _vote(client: Client, session: Session, item: AgendaItem) -> str:
    return _post(
        client,
        "vote_entry",
        session.pk,
        item.pk,
        **{f"item{item.pk}-mode": "unanimous", f"item{item.pk}-ballot": "show_of_hands"},
    )


def test_a_vote_waits_for_the_roll_to_be_confirmed(answered: Council, secretary: Client) -> None:
    session, item = answered.session, answered.items[1]
    roll_prefill(session=session)

    page = _vote(secretary, session, item)

    assert not Vote.objects.exists()
    assert (
        "Confirmez l'appel : 5 lignes déclarées restent à confirmer (Bernard Durand, "
        "David Leroy, Alice Martin, Claire Petit, Fabien Roux) ; le vote ne peut être "
        "enregistré avant." in page
    )

    roll_confirm(session=session, mandate=answered["Alice"])
    message = refused_service(lambda: vote_record(item=item, unanimous=True))
    assert "4 lignes déclarées restent à confirmer" in message

    roll_confirm(session=session)
    _vote(secretary, session, item)
    vote = Vote.objects.get(item=item)
    assert (vote.present, vote.represented) == (3, 1)  # Fabien sits for David


def test_the_pv_never_says_declared(answered: Council) -> None:
    session = answered.session
    roll_prefill(session=session)
    assert "déclaré" not in pv_preview_html(session=session)

    roll_confirm(session=session)
    vote_record(item=answered.items[1], unanimous=True)

    text = pv_preview_html(session=session)
    assert "Claire Petit" in text
    assert "déclaré" not in text


def test_the_pv_cannot_be_signed_on_an_unconfirmed_roll(answered: Council) -> None:
    session = answered.session
    roll_prefill(session=session)

    assert (
        "L'appel n'est pas confirmé : lignes déclarées par Bernard Durand, David Leroy, "
        "Alice Martin, Claire Petit, Fabien Roux (écran de séance, « Confirmer »)."
    ) in pv_problems(session)

    roll_confirm(session=session)
    assert not [p for p in pv_problems(session) if "appel" in p]


# --- Query counts -----------------------------------------------------------------------


def _assembly(size: int, *, prefilled: bool) -> Session:
    """`size` members (one in five a suppléant), half the titulaires answered present."""
    body = BodyFactory()
    session = SessionFactory(body=body)
    AgendaItemFactory(session=session, position=1)
    for index in range(size):
        role = Mandate.Role.SUPPLEANT if index % 5 == 4 else Mandate.Role.TITULAIRE
        mandate = MandateFactory(body=body, role=role, person=PersonFactory(last_name=f"M{index}"))
        if role == Mandate.Role.TITULAIRE and index % 2 == 0:
            answer(session, mandate, Answer.PRESENT)
        elif role == Mandate.Role.TITULAIRE:
            answer(session, mandate, Answer.EXCUSED)
    if prefilled:
        roll_prefill(session=session)
    return session


@pytest.mark.parametrize("prefilled", [False, True])
def test_the_live_screen_reads_as_many_queries_for_70_members_as_for_10(
    client: Client,
    count_queries: CountQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
    prefilled: bool,
) -> None:
    small, large = _assembly(10, prefilled=prefilled), _assembly(70, prefilled=prefilled)
    user = login_as(client, "secretariat", small.body)
    Body.objects.get(pk=large.body_id).accesses.create(user=user)
    client.get(reverse("meetings:live", args=[small.pk]))  # warm the caches
    with count_queries() as few:
        client.get(reverse("meetings:live", args=[small.pk]))

    with django_assert_num_queries(len(few)):
        response = client.get(reverse("meetings:live", args=[large.pk]))
    page = html.unescape(response.content.decode())
    if prefilled:
        assert "56 lignes déclarées" in page
    else:
        assert "Pré-remplir l'appel à partir des réponses" in page


def test_another_bodys_secretariat_cannot_fill_nor_confirm(
    answered: Council, client: Client
) -> None:
    session = answered.session
    login_as(client, "secretariat", BodyFactory(short_name="AUTRE"))

    responses = [
        client.post(reverse("meetings:roll_prefill", args=[session.pk])),
        client.post(reverse("meetings:roll_confirm_all", args=[session.pk])),
        client.post(reverse("meetings:roll_confirm", args=[session.pk, answered["Alice"].pk])),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert not Attendance.objects.exists()


def test_an_elu_cannot_confirm(answered: Council, client: Client) -> None:
    roll_prefill(session=answered.session)
    login_as(client, "elu", answered.body, mandate=answered["Émilie"])

    response = client.post(reverse("meetings:roll_confirm_all", args=[answered.session.pk]))

    assert response.status_code == 403
    assert Attendance.objects.filter(declared=True).count() == 5


def test_a_suppleant_to_name_at_the_roll_call_is_said(council: Council, secretary: Client) -> None:
    # No member entity and Fabien has not answered: nobody is chosen for David.
    answer(council.session, council["David"], Answer.SUBSTITUTE)

    page = _post(secretary, "roll_prefill", council.session.pk)

    assert _roll(council.session) == {"David": ("excused", False, None, True)}
    assert (
        "David Leroy a annoncé que son suppléant siégerait, mais aucun suppléant disponible "
        "n'a été trouvé : à désigner à l'appel." in page
    )


def test_a_pouvoir_to_a_member_whose_mandate_ended_is_said(
    council: Council, secretary: Client
) -> None:
    session = council.session
    answer(session, council["Alice"], Answer.PRESENT)
    answer(session, council["Claire"], Answer.PROXY, holder=council["Bernard"])
    Mandate.objects.filter(pk=council["Bernard"].pk).update(end_date=session.date.replace(day=1))

    page = _post(secretary, "roll_prefill", session.pk)

    assert not Proxy.objects.exists()
    assert (
        "Pouvoir de Claire Petit non repris : son mandataire n'a plus de mandat en cours "
        "le 13/06/2023." in page
    )
