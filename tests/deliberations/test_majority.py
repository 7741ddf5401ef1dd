from __future__ import annotations

import pytest

from deliberations.majority import (
    Tally,
    VoteError,
    VoteOutcome,
    check_given,
    decide,
    result_phrase,
    tally_from_roll_call,
    voters_count,
)
from meetings.roll import roll_at
from tests.meetings.seed_roll import seed_roll


def test_voters_are_present_plus_represented_less_non_participants() -> None:
    assert voters_count(present=13, represented=4, withheld=0) == 17
    assert voters_count(present=13, represented=4, withheld=1) == 16


def test_non_participant_holding_a_proxy_withholds_two_votes() -> None:
    entries, proxies = seed_roll()
    count = roll_at(entries, proxies, 8, not_voting={"pilch"})
    assert count.withheld == 2
    assert voters_count(present=13, represented=4, withheld=count.withheld) == 15
    assert count.voters == 15


def test_voters_count_refuses_impossible_figures() -> None:
    with pytest.raises(VoteError, match="ne peuvent être négatifs"):
        voters_count(present=-1, represented=4, withheld=0)
    with pytest.raises(VoteError, match=r"\(5\) dépassent .* \(3\)"):
        voters_count(present=2, represented=1, withheld=5)


def test_seed_item_192_unanimous_with_laversin_not_taking_part() -> None:
    entries, proxies = seed_roll()
    count = roll_at(entries, proxies, 8, not_voting={"laversin"})
    voters = voters_count(present=13, represented=4, withheld=count.withheld)
    assert voters == count.voters == 16
    outcome = decide(voters=voters, tally=None)
    assert outcome == VoteOutcome(
        voters=16,
        for_=16,
        against=0,
        abstain=0,
        blank=0,
        expressed=16,
        result="adopted",
        unanimous=True,
        casting_vote=False,
    )
    assert result_phrase(outcome) == "à l'unanimité"


def test_counts_that_do_not_add_up_are_refused() -> None:
    with pytest.raises(VoteError) as excinfo:
        decide(voters=16, tally=Tally(for_=10, against=2, abstain=1))
    assert str(excinfo.value) == (
        "Les voix (10 pour, 2 contre, 1 abstention) ne totalisent pas les 16 votants."
    )


def test_counts_above_voters_are_refused() -> None:
    with pytest.raises(VoteError, match="ne totalisent pas les 16 votants"):
        decide(voters=16, tally=Tally(for_=15, against=2))


def test_negative_counts_are_refused() -> None:
    with pytest.raises(VoteError, match="négatif"):
        decide(voters=16, tally=Tally(for_=18, against=-2))


def test_no_voters_is_refused() -> None:
    with pytest.raises(VoteError, match="Aucun votant"):
        decide(voters=0, tally=None)


def test_blank_ballots_only_in_a_secret_ballot() -> None:
    with pytest.raises(VoteError, match="scrutin secret"):
        decide(voters=16, tally=Tally(for_=10, against=4, blank=2))
    outcome = decide(voters=16, tally=Tally(for_=8, against=6, blank=2), ballot="secret")
    assert outcome.expressed == 14
    assert outcome.result == "adopted"


def test_abstentions_are_not_expressed_votes() -> None:
    outcome = decide(voters=16, tally=Tally(for_=5, against=4, abstain=7))
    assert outcome.expressed == 9
    assert outcome.result == "adopted"
    assert not outcome.unanimous


def test_majority_boundary() -> None:
    assert decide(voters=16, tally=Tally(for_=8, against=7, abstain=1)).result == "adopted"
    assert decide(voters=16, tally=Tally(for_=7, against=8, abstain=1)).result == "rejected"


def test_everyone_abstaining_rejects() -> None:
    outcome = decide(voters=4, tally=Tally(for_=0, abstain=4))
    assert outcome.expressed == 0
    assert outcome.result == "rejected"


def test_tie_broken_by_the_president_voting_for() -> None:
    outcome = decide(voters=16, tally=Tally(for_=7, against=7, abstain=2), president_vote="for")
    assert outcome.result == "adopted"
    assert outcome.casting_vote
    assert result_phrase(outcome) == (
        "par 7 voix pour, 7 voix contre et 2 abstentions, la voix du président étant prépondérante"
    )


def test_tie_broken_by_the_president_voting_against() -> None:
    outcome = decide(voters=14, tally=Tally(for_=7, against=7), president_vote="against")
    assert outcome.result == "rejected"
    assert outcome.casting_vote


def test_tie_in_a_secret_ballot_rejects_whatever_the_president_voted() -> None:
    outcome = decide(
        voters=14, tally=Tally(for_=7, against=7), ballot="secret", president_vote="for"
    )
    assert outcome.result == "rejected"
    assert not outcome.casting_vote


@pytest.mark.parametrize("ballot", ["show_of_hands", "roll_call"])
def test_tie_without_the_president_vote_is_refused_asking_for_it(ballot: str) -> None:
    # Before issue 10 such a tie was silently rejected.
    with pytest.raises(VoteError) as excinfo:
        decide(voters=15, tally=Tally(for_=7, against=7, abstain=1), ballot=ballot)  # type: ignore[arg-type]
    assert str(excinfo.value) == (
        "Partage égal des voix (7 pour, 7 contre) : indiquez le vote du président, "
        "prépondérant (CGCT L2121-20)."
    )


def test_tie_in_a_roll_call_takes_the_president_vote() -> None:
    outcome = decide(
        voters=14, tally=Tally(for_=7, against=7), ballot="roll_call", president_vote="for"
    )
    assert outcome.result == "adopted"
    assert outcome.casting_vote


def test_tie_in_a_secret_ballot_needs_no_president_vote() -> None:
    outcome = decide(voters=14, tally=Tally(for_=7, against=7), ballot="secret")
    assert outcome.result == "rejected"
    assert not outcome.casting_vote


def test_tie_with_the_president_abstaining_rejects() -> None:
    abstaining = decide(
        voters=15, tally=Tally(for_=7, against=7, abstain=1), president_vote="abstain"
    )
    assert abstaining.result == "rejected"
    assert not abstaining.casting_vote


@pytest.mark.parametrize(
    ("counts", "named", "dissent"),
    [
        (Tally(for_=15, against=2), None, "ici : 2 contre"),
        (Tally(for_=0, abstain=1), None, "ici : 1 abstention"),
        (Tally(for_=9, against=1, abstain=2, blank=3), None, "1 contre, 2 abstentions, 3 blancs"),
        (None, Tally(for_=3, against=1), "ici : 1 contre"),
    ],
)
def test_unanimity_with_dissent_is_refused(
    counts: Tally | None, named: Tally | None, dissent: str
) -> None:
    with pytest.raises(VoteError, match="Un vote « à l'unanimité » ne compte ni voix contre") as e:
        check_given(unanimous=True, counts=counts, named=named)
    assert dissent in str(e.value)


def test_counts_and_a_roll_call_together_are_refused() -> None:
    for unanimous in (True, False):
        with pytest.raises(VoteError) as excinfo:
            check_given(unanimous=unanimous, counts=Tally(for_=3), named=Tally(for_=3))
        assert str(excinfo.value) == (
            "Le vote est donné à la fois par un décompte des voix et par un appel nominal : "
            "indiquez l'un ou l'autre."
        )


@pytest.mark.parametrize(
    ("unanimous", "counts", "named"),
    [
        (True, None, None),
        (True, Tally(for_=17), None),
        (True, None, Tally(for_=4)),
        (False, Tally(for_=3, against=1), None),
        (False, None, Tally(for_=3, against=1, abstain=1)),
    ],
)
def test_consistent_input_passes(
    unanimous: bool, counts: Tally | None, named: Tally | None
) -> None:
    check_given(unanimous=unanimous, counts=counts, named=named)


def test_president_vote_must_be_among_the_counts() -> None:
    with pytest.raises(VoteError, match="« abstention »"):
        decide(voters=14, tally=Tally(for_=7, against=7), president_vote="abstain")


def test_president_vote_outside_a_tie_changes_nothing() -> None:
    outcome = decide(voters=16, tally=Tally(for_=9, against=7), president_vote="against")
    assert outcome.result == "adopted"
    assert not outcome.casting_vote


def test_roll_call_tally() -> None:
    tally = tally_from_roll_call(["bavay", "pilch", "robert"], ["lemaire"], ["idziak", "scalone"])
    assert tally == Tally(for_=3, against=1, abstain=2)


@pytest.mark.parametrize(
    ("for_ids", "against_ids"), [(["bavay", "bavay"], []), (["bavay"], ["bavay"])]
)
def test_roll_call_refuses_a_member_listed_twice(
    for_ids: list[str], against_ids: list[str]
) -> None:
    with pytest.raises(VoteError) as excinfo:
        tally_from_roll_call(for_ids, against_ids, [])
    assert str(excinfo.value) == "Le membre « bavay » figure deux fois dans le vote nominatif."


@pytest.mark.parametrize(
    ("voters", "tally", "ballot", "phrase"),
    [
        (15, Tally(10, 3, 2), "show_of_hands", "par 10 voix pour, 3 voix contre et 2 abstentions"),
        (2, Tally(1, 0, 1), "show_of_hands", "par 1 voix pour et 1 abstention"),
        (16, Tally(14, 0, 2), "show_of_hands", "par 14 voix pour et 2 abstentions"),
        (17, Tally(16, 1, 0), "roll_call", "par 16 voix pour et 1 voix contre"),
        (10, Tally(0, 10, 0), "show_of_hands", "par 10 voix contre"),
        (
            9,
            Tally(5, 3, 0, 1),
            "secret",
            "par 5 voix pour, 3 voix contre et 1 bulletin blanc ou nul",
        ),
        (
            12,
            Tally(5, 3, 2, 2),
            "secret",
            "par 5 voix pour, 3 voix contre, 2 abstentions et 2 bulletins blancs ou nuls",
        ),
        (16, Tally(16), "show_of_hands", "à l'unanimité"),
    ],
)
def test_result_phrase(voters: int, tally: Tally, ballot: str, phrase: str) -> None:
    outcome = decide(voters=voters, tally=tally, ballot=ballot)  # type: ignore[arg-type]
    assert result_phrase(outcome) == phrase
