"""The live session screen: roll call, proxies, quorum counter and vote entry."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from deliberations.models import Deliberation, Vote
from meetings.models import AgendaItem, Attendance, Proxy, Session
from members.models import Mandate, Person
from pma_governance.interchange.importer import import_document
from tests.conftest import CountQueries, seed_document
from tests.factories import login_as

pytestmark = pytest.mark.django_db


def _unvoted_seed() -> dict[str, Any]:
    """The seed session as it stands before the votes: roll call done, nothing voted."""
    doc = seed_document()
    for item in doc["session"]["items"]:
        for key in ("vote", "not_voting", "prefecture", "number"):
            item.pop(key, None)
    return doc


@pytest.fixture
def session() -> Session:
    return import_document(_unvoted_seed())


@pytest.fixture
def secretary(client: Client, session: Session) -> Client:
    login_as(client, "secretariat", session.body)
    return client


def _mandate(session: Session, external_id: str) -> Mandate:
    return Mandate.objects.get(body=session.body, external_id=external_id)


def _figure(html: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}">(\d+)<', html)
    assert match, f"{testid} not shown"
    return int(match.group(1))


def _item(session: Session, title_start: str) -> AgendaItem:
    return AgendaItem.objects.get(session=session, title__startswith=title_start)


def test_live_page_shows_the_seed_quorum(session: Session, secretary: Client) -> None:
    response = secretary.get(reverse("meetings:live", args=[session.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert _figure(html, "counted") == 17
    assert _figure(html, "present") == 13
    assert _figure(html, "represented") == 4
    assert _figure(html, "in-office") == 22
    assert _figure(html, "threshold") == 12
    assert "quorum-ok" in html
    assert "Steve Bossart ayant donné procuration à Alain Bavay" in html


def test_live_page_query_count_does_not_grow_with_members(
    session: Session,
    secretary: Client,
    count_queries: CountQueries,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    url = reverse("meetings:live", args=[session.pk])
    with count_queries() as small:
        secretary.get(url)
    for index in range(15):
        person = Person.objects.create(
            civility="M.", first_name="Nouveau", last_name=f"Élu {index}"
        )
        mandate = Mandate.objects.create(
            body=session.body,
            person=person,
            role=Mandate.Role.TITULAIRE,
            start_date=session.date,
            external_id=f"nouveau-{index}",
        )
        Attendance.objects.create(session=session, mandate=mandate, status="present")
    with django_assert_num_queries(len(small)):
        response = secretary.get(url)
    assert _figure(response.content.decode(), "in-office") == 37


def test_quorum_panel_turns_red_when_quorum_is_lost(session: Session, secretary: Client) -> None:
    # 17 present or represented, quorum 12: six departures leave 11.
    for member in ("della-franca", "duporge", "leveugle", "robert", "scalone", "canivez"):
        response = secretary.post(
            reverse("meetings:attendance_update", args=[session.pk, _mandate(session, member).pk]),
            {"status": "absent"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert response["HX-Trigger"] == "rollChanged"
    quorum = secretary.get(reverse("meetings:quorum_panel", args=[session.pk])).content.decode()
    assert _figure(quorum, "counted") == 11
    assert "quorum-ko" in quorum
    assert "non atteint" in quorum


def test_htmx_roll_change_returns_the_panel_only(session: Session, secretary: Client) -> None:
    response = secretary.post(
        reverse("meetings:attendance_update", args=[session.pk, _mandate(session, "t15").pk]),
        {"status": "present"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert _figure(html, "counted") == 18


def test_illegal_proxy_is_refused_and_the_input_is_kept(
    session: Session, secretary: Client
) -> None:
    giver, holder = _mandate(session, "t15"), _mandate(session, "bavay")  # Bavay holds Bossart's
    response = secretary.post(
        reverse("meetings:proxy_add", args=[session.pk]),
        {"giver": giver.pk, "holder": holder.pk, "received_on": "2023-06-12"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alain Bavay" in html and "pouvoir" in html
    assert 'data-testid="proxy-errors"' in html
    assert re.search(rf'<option value="{giver.pk}" selected>', html)
    assert re.search(rf'<option value="{holder.pk}" selected>', html)
    assert 'value="2023-06-12"' in html
    assert not Proxy.objects.filter(session=session, giver=giver).exists()


def test_holder_picker_offers_only_legal_holders(session: Session, secretary: Client) -> None:
    giver = _mandate(session, "t15")
    response = secretary.post(
        reverse("meetings:proxy_add", args=[session.pk]),
        {"giver": giver.pk, "refresh": "1"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    holder_select = html.split('id="id_holder"')[1].split("</select>")[0]
    assert "Marcello Della Franca" in holder_select
    # Holders of a proxy already, and absent members, are not offered.
    for name in ("Alain Bavay", "Christophe Pilch", "Steve Bossart", "Titulaire 16"):
        assert name not in holder_select


def test_legal_proxy_counts_towards_quorum(session: Session, secretary: Client) -> None:
    response = secretary.post(
        reverse("meetings:proxy_add", args=[session.pk]),
        {
            "giver": _mandate(session, "t15").pk,
            "holder": _mandate(session, "della-franca").pk,
            "received_on": "2023-06-12",
        },
        HTTP_HX_REQUEST="true",
    )
    assert _figure(response.content.decode(), "counted") == 18
    assert (
        "Titulaire 15 ayant donné procuration à Marcello Della Franca" in response.content.decode()
    )


def test_vote_with_a_member_not_taking_part(session: Session, secretary: Client) -> None:
    item = _item(session, "Partenariat 2023 avec l'Agence")
    laversin = _mandate(session, "laversin")
    prefix = f"item{item.pk}"
    response = secretary.post(
        reverse("meetings:vote_entry", args=[session.pk, item.pk]),
        {
            f"{prefix}-mode": "unanimous",
            f"{prefix}-ballot": "show_of_hands",
            f"{prefix}-not_voting": [laversin.pk],
            f"{prefix}-not_voting_reason": "présidente de l'AULA",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    vote = Vote.objects.get(item=item)
    assert (vote.voters, vote.votes_for, vote.withheld, vote.unanimous) == (16, 16, 1, True)
    assert list(vote.not_voting.all()) == [laversin]
    html = response.content.decode()
    assert "Ne prenant pas part au vote : Corinne Laversin" in html
    deliberation = Deliberation.objects.get(item=item)
    assert deliberation.number is not None and deliberation.status == "voted"


def test_counts_that_do_not_add_up_are_refused_with_input_kept(
    session: Session, secretary: Client
) -> None:
    item = _item(session, "Partenariat 2023 avec la Mission")
    prefix = f"item{item.pk}"
    response = secretary.post(
        reverse("meetings:vote_entry", args=[session.pk, item.pk]),
        {
            f"{prefix}-mode": "counts",
            f"{prefix}-ballot": "show_of_hands",
            f"{prefix}-votes_for": "10",
            f"{prefix}-votes_against": "2",
            f"{prefix}-abstentions": "1",
        },
    )
    html = response.content.decode()
    assert 'data-testid="vote-errors"' in html
    assert "17 votants" in html
    assert 'value="10"' in html and 'value="2"' in html
    assert not Vote.objects.filter(item=item).exists()


def test_vote_without_quorum_is_refused(session: Session, secretary: Client) -> None:
    for member in ("della-franca", "duporge", "leveugle", "robert", "scalone", "canivez"):
        secretary.post(
            reverse("meetings:attendance_update", args=[session.pk, _mandate(session, member).pk]),
            {"status": "absent"},
        )
    item = _item(session, "Partenariat 2023 avec la Mission")
    response = secretary.post(
        reverse("meetings:vote_entry", args=[session.pk, item.pk]),
        {f"item{item.pk}-mode": "unanimous", f"item{item.pk}-ballot": "show_of_hands"},
    )
    assert "quorum" in response.content.decode().lower()
    assert not Vote.objects.filter(item=item).exists()


def test_departure_between_items_changes_the_votants(session: Session, secretary: Client) -> None:
    item = _item(session, "Partenariat 2023 avec la Mission")
    secretary.post(
        reverse("meetings:presence_move", args=[session.pk]),
        {"mandate": _mandate(session, "scalone").pk, "move": "left", "item": item.pk},
    )
    secretary.post(
        reverse("meetings:vote_entry", args=[session.pk, item.pk]),
        {f"item{item.pk}-mode": "unanimous", f"item{item.pk}-ballot": "show_of_hands"},
    )
    assert Vote.objects.get(item=item).voters == 16


def test_elected_member_reads_but_cannot_write(session: Session, client: Client) -> None:
    login_as(client, "elu", session.body)
    page = client.get(reverse("meetings:live", args=[session.pk]))
    assert page.status_code == 200
    assert "Enregistrer le pouvoir" not in page.content.decode()
    response = client.post(
        reverse("meetings:attendance_update", args=[session.pk, _mandate(session, "t15").pk]),
        {"status": "present"},
    )
    assert response.status_code == 403
    assert Attendance.objects.filter(session=session, mandate__external_id="t15").count() == 0


def test_other_bodies_sessions_are_invisible(session: Session, client: Client) -> None:
    login_as(client, "secretariat", None)
    assert client.get(reverse("meetings:live", args=[session.pk])).status_code == 404


# --- Contradictory input and ties (CGCT L2121-20) ----------------------------------------


def _vote(secretary: Client, session: Session, item: AgendaItem, fields: dict[str, Any]) -> str:
    prefix = f"item{item.pk}"
    response = secretary.post(
        reverse("meetings:vote_entry", args=[session.pk, item.pk]),
        {f"{prefix}-ballot": "show_of_hands", **{f"{prefix}-{k}": v for k, v in fields.items()}},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_unanimity_with_votes_against_is_refused_with_input_kept(
    session: Session, secretary: Client
) -> None:
    item = _item(session, "Partenariat 2023 avec la Mission")

    html = _vote(secretary, session, item, {"mode": "unanimous", "votes_against": "2"})

    assert 'data-testid="vote-errors"' in html
    assert "Un vote « à l&#x27;unanimité » ne compte ni voix contre" in html
    assert 'value="2"' in html
    assert not Vote.objects.filter(item=item).exists()


def test_counts_beside_a_roll_call_are_refused(session: Session, secretary: Client) -> None:
    item = _item(session, "Partenariat 2023 avec la Mission")

    html = _vote(secretary, session, item, {"mode": "roll_call", "votes_for": "17"})

    assert "à la fois par un décompte des voix et par un appel nominal" in html
    assert not Vote.objects.filter(item=item).exists()


def test_show_of_hands_tie_asks_for_the_president_vote(session: Session, secretary: Client) -> None:
    item = _item(session, "Partenariat 2023 avec la Mission")
    tie = {"mode": "counts", "votes_for": "8", "votes_against": "8", "abstentions": "1"}

    html = _vote(secretary, session, item, tie)

    assert "Partage égal des voix (8 pour, 8 contre) : indiquez le vote du président" in html
    assert 'value="8"' in html
    assert not Vote.objects.filter(item=item).exists()
    _vote(secretary, session, item, {**tie, "president_vote": "for"})
    vote = Vote.objects.get(item=item)
    assert (vote.casting_vote, vote.result) == (True, Vote.Result.ADOPTED)


def test_roll_call_tie_takes_the_president_vote_by_his_name(
    session: Session, secretary: Client
) -> None:
    item = _item(session, "Partenariat 2023 avec la Mission")
    page = secretary.get(reverse("meetings:live", args=[session.pk])).content.decode()
    names = sorted(set(re.findall(rf'name="item{item.pk}-choice_(\d+)"', page)), key=int)
    bavay = str(_mandate(session, "bavay").pk)  # presides the session
    others = [pk for pk in names if pk != bavay]
    assert len(names) == 17
    choices = {bavay: "for"} | dict.fromkeys(others[:7], "for")
    choices |= dict.fromkeys(others[7:15], "against") | {others[15]: "abstain"}

    _vote(
        secretary,
        session,
        item,
        {"mode": "roll_call", **{f"choice_{pk}": choice for pk, choice in choices.items()}},
    )

    vote = Vote.objects.get(item=item)
    assert (vote.votes_for, vote.votes_against, vote.abstentions) == (8, 8, 1)
    assert (vote.ballot, vote.casting_vote, vote.result) == ("roll_call", True, "adopted")
