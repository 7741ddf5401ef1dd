from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberations.majority import Tally, VoteError, VoteOutcome, decide, result_phrase

ballots = st.sampled_from(["show_of_hands", "roll_call", "secret"])
choices = st.none() | st.sampled_from(["for", "against", "abstain"])
counts = st.integers(min_value=-3, max_value=60)


def _assert_consistent(outcome: VoteOutcome, voters: int, ballot: str) -> None:
    assert outcome.voters == voters
    for figure in (outcome.for_, outcome.against, outcome.abstain, outcome.blank):
        assert 0 <= figure <= voters
    assert outcome.for_ + outcome.against + outcome.abstain + outcome.blank == voters
    assert outcome.expressed == outcome.for_ + outcome.against <= voters
    assert outcome.unanimous == (outcome.for_ == voters)
    if outcome.blank:
        assert ballot == "secret"
    if outcome.casting_vote:
        assert ballot != "secret"
        assert outcome.for_ == outcome.against > 0
    if outcome.result == "adopted":
        assert outcome.for_ > outcome.against or outcome.casting_vote
    else:
        assert outcome.for_ <= outcome.against
    phrase = result_phrase(outcome)
    assert (phrase == "à l'unanimité") == outcome.unanimous


@given(
    voters=st.integers(min_value=-3, max_value=60),
    tally=st.none() | st.builds(Tally, counts, counts, counts, counts),
    ballot=ballots,
    president_vote=choices,
)
def test_decide_raises_or_returns_a_consistent_outcome(
    voters: int, tally: Tally | None, ballot: str, president_vote: str | None
) -> None:
    try:
        outcome = decide(
            voters=voters,
            tally=tally,
            ballot=ballot,  # type: ignore[arg-type]
            president_vote=president_vote,  # type: ignore[arg-type]
        )
    except VoteError as error:
        assert str(error)
        return
    _assert_consistent(outcome, voters, ballot)


@st.composite
def valid_votes(draw: st.DrawFn) -> tuple[int, Tally, str]:
    ballot = draw(ballots)
    for_, against, abstain = (draw(st.integers(min_value=0, max_value=40)) for _ in range(3))
    blank = draw(st.integers(min_value=0, max_value=10)) if ballot == "secret" else 0
    tally = Tally(for_, against, abstain, blank)
    return for_ + against + abstain + blank, tally, ballot


@given(vote=valid_votes())
def test_counts_adding_up_are_always_decided(vote: tuple[int, Tally, str]) -> None:
    voters, tally, ballot = vote
    if voters == 0:
        return
    if tally.for_ == tally.against > 0 and ballot != "secret":
        # CGCT L2121-20: a tie needs the president's vote, asked for in French
        with pytest.raises(VoteError, match="indiquez le vote du président"):
            decide(voters=voters, tally=tally, ballot=ballot)  # type: ignore[arg-type]
        return
    outcome = decide(voters=voters, tally=tally, ballot=ballot)  # type: ignore[arg-type]
    _assert_consistent(outcome, voters, ballot)
    assert outcome.result == ("adopted" if tally.for_ > tally.against else "rejected")


@given(
    ties=st.integers(min_value=1, max_value=30),
    abstain=st.integers(min_value=0, max_value=10),
    ballot=ballots,
    president_vote=st.sampled_from(["for", "against"]),
)
def test_a_tie_follows_the_president_except_in_a_secret_ballot(
    ties: int, abstain: int, ballot: str, president_vote: str
) -> None:
    outcome = decide(
        voters=2 * ties + abstain,
        tally=Tally(for_=ties, against=ties, abstain=abstain),
        ballot=ballot,  # type: ignore[arg-type]
        president_vote=president_vote,  # type: ignore[arg-type]
    )
    if ballot == "secret":
        assert (outcome.result, outcome.casting_vote) == ("rejected", False)
    else:
        expected = "adopted" if president_vote == "for" else "rejected"
        assert (outcome.result, outcome.casting_vote) == (expected, True)
