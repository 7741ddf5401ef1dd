"""The database itself refuses deliberation and vote rows that can never be true."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from deliberations.models import Deliberation, Vote
from tests.factories import AgendaItemFactory, BodyFactory, DeliberationFactory, VoteFactory

pytestmark = pytest.mark.django_db


def _numbered(body: object, number: str, sequence: int) -> Deliberation:
    return DeliberationFactory(
        item__session__body=body,
        number=number,
        sequence=sequence,
        status=Deliberation.Status.VOTED,
    )


def test_duplicate_number_in_a_body_is_refused() -> None:
    body = BodyFactory(short_name="PMA")
    _numbered(body, "2023/PMA00192", 192)

    with pytest.raises(IntegrityError, match="deliberation_unique_number"), transaction.atomic():
        _numbered(body, "2023/PMA00192", 193)

    assert Deliberation.objects.filter(number="2023/PMA00192").count() == 1


def test_the_same_number_in_another_body_is_allowed() -> None:
    _numbered(BodyFactory(short_name="PMA"), "2023/PMA00192", 192)

    _numbered(BodyFactory(short_name="SMA"), "2023/PMA00192", 192)

    assert Deliberation.objects.filter(number="2023/PMA00192").count() == 2


def test_voted_deliberation_without_number_is_refused() -> None:
    with (
        pytest.raises(IntegrityError, match="deliberation_numbered_once_voted"),
        transaction.atomic(),
    ):
        DeliberationFactory(status=Deliberation.Status.VOTED)


def test_received_in_prefecture_without_identifier_is_refused() -> None:
    deliberation = _numbered(BodyFactory(short_name="PMA"), "2023/PMA00192", 192)
    deliberation.prefecture_sent_on = dt.date(2023, 6, 16)
    deliberation.prefecture_received_on = dt.date(2023, 6, 19)

    with (
        pytest.raises(IntegrityError, match="deliberation_received_has_identifier"),
        transaction.atomic(),
    ):
        deliberation.save()

    deliberation.prefecture_identifier = "062-200060358-20230613-2023_PMA00192-DE"
    deliberation.save()
    deliberation.refresh_from_db()
    assert deliberation.prefecture_received_on == dt.date(2023, 6, 19)


def test_received_before_sent_is_refused() -> None:
    with (
        pytest.raises(IntegrityError, match="deliberation_received_after_sent"),
        transaction.atomic(),
    ):
        DeliberationFactory(
            prefecture_sent_on=dt.date(2023, 6, 19),
            prefecture_received_on=dt.date(2023, 6, 16),
            prefecture_identifier="062-200060358-20230613-2023_PMA00192-DE",
        )


@pytest.mark.parametrize(
    ("field", "values"),
    [
        # Everything else adds up: only the sign is wrong.
        ("votes_for", {"votes_for": -1, "votes_against": 11}),
        ("votes_against", {"votes_for": 11, "votes_against": -1}),
        ("abstentions", {"votes_for": 11, "abstentions": -1}),
        ("present", {"present": -1, "represented": 11, "votes_for": 10}),
    ],
)
def test_negative_tally_is_refused(field: str, values: dict[str, int]) -> None:
    with pytest.raises(IntegrityError, match=f"{field}_check"), transaction.atomic():
        VoteFactory(unanimous=False, **{"present": 10, "voters": 10, **values})

    assert not Vote.objects.exists()


def test_counts_not_adding_up_to_voters_are_refused() -> None:
    with pytest.raises(IntegrityError, match="vote_counts_add_up"), transaction.atomic():
        VoteFactory(unanimous=False, present=10, voters=10, votes_for=6, votes_against=3)


def test_voters_not_matching_the_roll_are_refused() -> None:
    with pytest.raises(IntegrityError, match="vote_voters_from_roll"), transaction.atomic():
        VoteFactory(present=10, represented=2, withheld=0, voters=11, votes_for=11)


def test_unanimity_with_a_vote_against_is_refused() -> None:
    with pytest.raises(IntegrityError, match="vote_unanimous_all_for"), transaction.atomic():
        VoteFactory(unanimous=True, present=10, voters=10, votes_for=9, votes_against=1)


def test_blank_ballots_outside_a_secret_ballot_are_refused() -> None:
    with pytest.raises(IntegrityError, match="vote_blank_only_secret"), transaction.atomic():
        VoteFactory(unanimous=False, present=10, votes_for=9, blank=1)


def test_a_consistent_vote_is_stored() -> None:
    vote = VoteFactory(
        item=AgendaItemFactory(),
        unanimous=False,
        present=13,
        represented=4,
        withheld=1,
        votes_for=14,
        votes_against=1,
        abstentions=1,
    )

    assert vote.voters == 16
    assert vote.expressed == 15
