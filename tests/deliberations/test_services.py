"""Recording votes and numbering deliberations: every rule of DESIGN §4.1, §4.4 and §4.5
applied, a French message naming the item or member, nothing half-written."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from deliberations.majority import Tally
from deliberations.models import Deliberation, Vote
from deliberations.services import (
    agenda_item_change,
    agenda_item_create,
    vote_given,
    vote_record,
)
from meetings.models import Session
from meetings.services import presence_change, proxy_grant
from members.models import Body, Mandate
from tests.conftest import Council, refused_service
from tests.factories import AgendaItemFactory, DeliberationFactory, SessionFactory

pytestmark = pytest.mark.django_db

Seat = Callable[..., None]


@pytest.fixture
def four_present(council: Council, seated: Seat) -> Council:
    seated("Alice", "Bernard", "Claire", "David")
    return council


def test_a_vote_without_quorum_after_a_departure_is_refused(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard", "Claire")  # 3 of 5 in office: quorum of 3 just met
    subsidy, convention = council.items[1], council.items[2]
    presence_change(session=council.session, mandate=council["Claire"], left_at=convention)

    vote_record(item=subsidy, unanimous=True)  # Claire still there
    message = refused_service(lambda: vote_record(item=convention, unanimous=True))

    assert "Le quorum n'est pas atteint pour le point « Convention de partenariat" in message
    assert "2 membres présents ou représentés, quorum de 3 non atteint" in message
    assert Deliberation.objects.get(item=convention).number is None
    assert Deliberation.objects.get(item=convention).status == Deliberation.Status.DRAFT


def test_arrival_restores_the_quorum_for_later_items(council: Council, seated: Seat) -> None:
    seated("Alice", "Bernard")
    subsidy, convention = council.items[1], council.items[2]
    presence_change(session=council.session, mandate=council["Claire"], arrived_at=convention)

    message = refused_service(lambda: vote_record(item=subsidy, unanimous=True))
    vote = vote_record(item=convention, unanimous=True)

    assert "quorum de 3 non atteint" in message
    assert (vote.present, vote.voters) == (3, 3)


def test_counts_that_do_not_add_up_are_refused(four_present: Council) -> None:
    item = four_present.items[1]

    message = refused_service(lambda: vote_record(item=item, tally=Tally(for_=2, against=1)))

    assert "« Subvention 2023 à l'office de tourisme »" in message
    assert "ne totalisent pas les 4 votants" in message


def test_non_participant_holding_a_proxy_withholds_two_votes(four_present: Council) -> None:
    council = four_present
    proxy_grant(session=council.session, giver=council["Émilie"], holder=council["Alice"])

    vote = vote_record(item=council.items[1], unanimous=True, not_voting=[council["Alice"]])

    assert (vote.present, vote.represented) == (4, 1)
    assert vote.withheld == 2
    assert vote.voters == 3
    assert vote.votes_for == 3
    assert vote.result == Vote.Result.ADOPTED
    assert list(vote.not_voting.all()) == [council["Alice"]]


def test_the_reason_a_member_takes_no_part_is_recorded_with_the_vote(
    four_present: Council,
) -> None:
    council = four_present

    vote = vote_record(
        item=council.items[1],
        unanimous=True,
        not_voting=[council["Alice"]],
        not_voting_reason="  intéressée à l'affaire ",
    )

    assert vote.not_voting_reason == "intéressée à l'affaire"


def test_a_reason_without_a_member_taking_no_part_is_not_kept(four_present: Council) -> None:
    vote = vote_record(item=four_present.items[1], unanimous=True, not_voting_reason="sans objet")

    assert vote.not_voting_reason == ""


@pytest.mark.parametrize(
    ("mode", "given", "expected"),
    [
        ("unanimous", {}, {"unanimous": True}),
        ("unanimous", {"tally": Tally(for_=4)}, {"unanimous": True}),
        ("counts", {"tally": Tally(for_=3, against=1)}, {"tally": Tally(for_=3, against=1)}),
        ("roll_call", {"roll_call": {"for": []}}, {"roll_call": {"for": []}}),
    ],
)
def test_a_vote_mode_gives_the_one_way_the_vote_is_recorded(
    mode: str, given: dict[str, Any], expected: dict[str, object]
) -> None:
    # Only what was typed is passed: before issue 10 a tally beside unanimity or a roll
    # call was silently dropped, now it is refused (below).
    assert vote_given(mode, **given) == expected


@pytest.mark.parametrize(
    ("mode", "given", "message"),
    [
        ("unanimous", {"tally": Tally(for_=2, against=2)}, "ici : 2 contre"),
        ("unanimous", {"tally": Tally(for_=0, abstain=1)}, "ici : 1 abstention"),
        ("counts", {"tally": Tally(for_=3, against=1), "roll_call": {"for": []}}, "l'un ou"),
        ("roll_call", {"tally": Tally(for_=3, against=1), "roll_call": {"for": []}}, "l'un ou"),
    ],
)
def test_contradictory_vote_input_is_refused_in_french(
    mode: str, given: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        vote_given(mode, **given)
    assert message in " ".join(excinfo.value.messages)


def test_unanimity_with_votes_against_is_refused_by_vote_record(four_present: Council) -> None:
    item = four_present.items[1]

    message = refused_service(
        lambda: vote_record(item=item, unanimous=True, tally=Tally(for_=3, against=1))
    )

    assert "Un vote « à l'unanimité » ne compte ni voix contre" in message
    assert not Vote.objects.filter(item=item).exists()


def test_counts_and_a_roll_call_together_are_refused_by_vote_record(
    four_present: Council,
) -> None:
    council = four_present

    message = refused_service(
        lambda: vote_record(
            item=council.items[1],
            tally=Tally(for_=3, against=1),
            roll_call={"for": [council["Alice"]]},
        )
    )

    assert "à la fois par un décompte des voix et par un appel nominal" in message


def test_an_unknown_vote_mode_is_refused_in_french() -> None:
    with pytest.raises(ValidationError, match="Mode de vote inconnu « à main levée »"):
        vote_given("à main levée")


def test_non_participant_cannot_vote_by_name(four_present: Council) -> None:
    council = four_present
    proxy_grant(session=council.session, giver=council["Émilie"], holder=council["Alice"])

    message = refused_service(
        lambda: vote_record(
            item=council.items[1],
            roll_call={
                "for": [council["Alice"], council["Bernard"], council["Claire"]],
                "against": [council["David"]],
            },
            not_voting=[council["Alice"]],
        )
    )

    assert "Alice Martin ne peut voter sur « Subvention 2023 à l'office de tourisme »" in message


def test_roll_call_vote_records_each_name(four_present: Council) -> None:
    council = four_present

    vote = vote_record(
        item=council.items[1],
        roll_call={
            "for": [council["Alice"], council["Bernard"], council["Claire"]],
            "against": [council["David"]],
        },
    )

    assert vote.ballot == Vote.Ballot.ROLL_CALL
    assert (vote.votes_for, vote.votes_against, vote.result) == (3, 1, Vote.Result.ADOPTED)
    assert sorted((n.mandate.person.last_name, n.choice) for n in vote.named_votes.all()) == [
        ("Durand", "for"),
        ("Leroy", "against"),
        ("Martin", "for"),
        ("Petit", "for"),
    ]


@pytest.mark.parametrize(
    ("president_vote", "result"), [("for", "adopted"), ("against", "rejected")]
)
def test_casting_vote_of_the_president_decides_a_tie(
    four_present: Council, president_vote: str, result: str
) -> None:
    vote = vote_record(
        item=four_present.items[1],
        tally=Tally(for_=2, against=2),
        president_vote=president_vote,  # type: ignore[arg-type]
    )

    assert vote.casting_vote is True
    assert vote.result == result


def test_secret_ballot_tie_is_rejected_whatever_the_president_voted(
    four_present: Council,
) -> None:
    vote = vote_record(
        item=four_present.items[1],
        tally=Tally(for_=2, against=2),
        ballot="secret",
        president_vote="for",
    )

    assert vote.casting_vote is False
    assert vote.result == Vote.Result.REJECTED


def test_show_of_hands_tie_without_the_president_vote_is_refused(four_present: Council) -> None:
    item = four_present.items[1]

    message = refused_service(lambda: vote_record(item=item, tally=Tally(for_=2, against=2)))

    assert "Partage égal des voix (2 pour, 2 contre) : indiquez le vote du président" in message
    assert Deliberation.objects.get(item=item).number is None


def _tie_by_name(council: Council, alice: str) -> dict[str, Collection[Mandate]]:
    """A 2–2 roll call where Alice, who presides, votes `alice`."""
    other = "against" if alice == "for" else "for"
    return {
        alice: [council["Alice"], council["Bernard"]],
        other: [council["Claire"], council["David"]],
    }


@pytest.mark.parametrize(
    ("alice", "result"), [("for", Vote.Result.ADOPTED), ("against", Vote.Result.REJECTED)]
)
def test_roll_call_tie_takes_the_president_vote_from_the_roll_call(
    four_present: Council, alice: str, result: str
) -> None:
    # Alice presides; before issue 10 a roll-call tie was rejected whatever she voted.
    vote = vote_record(item=four_present.items[1], roll_call=_tie_by_name(four_present, alice))

    assert (vote.casting_vote, vote.result) == (True, result)


def test_roll_call_tie_with_another_president_vote_typed_is_refused(
    four_present: Council,
) -> None:
    message = refused_service(
        lambda: vote_record(
            item=four_present.items[1],
            roll_call=_tie_by_name(four_present, "for"),
            president_vote="against",
        )
    )

    assert "Le vote du président indiqué (« contre ») diffère de celui de l'appel" in message


def test_roll_call_tie_without_the_president_among_the_names_asks_for_his_vote(
    council: Council, seated: Seat
) -> None:
    seated("Alice", "Bernard", "Claire", "David", "Émilie")

    message = refused_service(
        lambda: vote_record(
            item=council.items[1],
            roll_call={
                "for": [council["Bernard"], council["Claire"]],
                "against": [council["David"], council["Émilie"]],
            },
            not_voting=[council["Alice"]],
        )
    )

    assert "indiquez le vote du président" in message


def test_a_vote_on_an_information_item_is_refused(four_present: Council) -> None:
    message = refused_service(lambda: vote_record(item=four_present.items[3], unanimous=True))

    assert "Le point « Agenda » n'est pas soumis au vote" in message


def test_a_second_vote_on_an_item_is_refused(four_present: Council) -> None:
    vote_record(item=four_present.items[1], unanimous=True)

    message = refused_service(lambda: vote_record(item=four_present.items[1], unanimous=True))

    assert "Le vote sur « Subvention 2023 à l'office de tourisme » est déjà enregistré" in message


@pytest.fixture
def pma_counter_at_191(four_present: Council) -> Council:
    Body.objects.filter(pk=four_present.body.pk).update(
        short_name="PMA", last_deliberation_sequence=191
    )
    four_present.body.refresh_from_db()
    return four_present


def test_deliberations_voted_get_consecutive_numbers(pma_counter_at_191: Council) -> None:
    council = pma_counter_at_191

    vote_record(item=council.items[1], unanimous=True)
    vote_record(item=council.items[2], unanimous=True)

    numbers = list(
        Deliberation.objects.filter(body=council.body)
        .order_by("sequence")
        .values_list("number", "status")
    )
    assert numbers == [("2023/PMA00192", "voted"), ("2023/PMA00193", "voted")]
    assert Body.objects.get(pk=council.body.pk).last_deliberation_sequence == 193
    session = Session.objects.get(pk=council.session.pk)
    assert session.status == Session.Status.HELD


def test_refused_vote_uses_no_number(pma_counter_at_191: Council) -> None:
    council = pma_counter_at_191

    refused_service(lambda: vote_record(item=council.items[1], tally=Tally(for_=1)))
    vote_record(item=council.items[2], unanimous=True)
    vote_record(item=council.items[1], unanimous=True)

    assert list(
        Deliberation.objects.filter(body=council.body)
        .order_by("sequence")
        .values_list("item__position", "number")
    ) == [(3, "2023/PMA00192"), (2, "2023/PMA00193")]


def test_number_clash_leaves_nothing_half_written(pma_counter_at_191: Council) -> None:
    council = pma_counter_at_191
    vote_record(item=council.items[1], unanimous=True)

    # The vote row is written before the number: the clash must undo it too.
    message = refused_service(
        lambda: vote_record(item=council.items[2], unanimous=True, number="2023/PMA00192")
    )

    assert "Le numéro 2023/PMA00192 est déjà attribué" in message
    assert not Vote.objects.filter(item=council.items[2]).exists()
    assert Body.objects.get(pk=council.body.pk).last_deliberation_sequence == 192


def test_a_point_whose_projet_cannot_be_attached_is_not_added(db: None) -> None:
    session = SessionFactory()
    draft = DeliberationFactory(item=None, body=session.body)

    message = refused_service(
        lambda: agenda_item_create(
            session=session, kind="information", title="Actualités", draft=draft
        )
    )

    assert "n'est pas un point « Délibération »" in message
    assert not session.items.exists()


def test_a_point_changes_its_projet_in_one_step(db: None) -> None:
    session = SessionFactory()
    item = AgendaItemFactory(session=session, position=1, title="Partenariat")
    first = DeliberationFactory(item=item, body=session.body, title="Premier projet")
    second = DeliberationFactory(item=None, body=session.body, title="Second projet")

    agenda_item_change(item=item, kind="deliberation", title="Partenariat", draft=second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.item is None
    assert second.item == item
