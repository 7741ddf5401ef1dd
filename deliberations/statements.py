"""How a vote is stated, the same on every page and document: the mode and the figures
(votants, pour, contre, abstentions, blancs ou nuls), then « à l'unanimité » or the result
phrase, the named groups of a roll call, who took no part and why.

Read by the PV, the extrait du registre, the liste and the public pages alike.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from deliberations.majority import VoteError, VoteOutcome, result_phrase
from deliberations.models import Deliberation, NamedVote, Vote
from meetings.models import Session
from members.models import Mandate
from pma_governance.lib import wording as w

NAMED_GROUPS = (
    (NamedVote.Choice.FOR, "Ont voté pour"),
    (NamedVote.Choice.AGAINST, "Ont voté contre"),
    (NamedVote.Choice.ABSTAIN, "Se sont abstenus"),
)


def votes_with_names(votes: QuerySet[Vote]) -> QuerySet[Vote]:
    """Votes with their non-participants and named votes, in two extra queries."""
    return votes.prefetch_related(
        Prefetch(
            "not_voting",
            queryset=Mandate.objects.select_related("person").order_by(
                "person__last_name", "person__first_name"
            ),
        ),
        Prefetch(
            "named_votes",
            queryset=NamedVote.objects.select_related("mandate__person").order_by(
                "mandate__person__last_name", "mandate__person__first_name"
            ),
        ),
    )


def session_acts(session: Session) -> tuple[dict[int, Deliberation], dict[int, Vote]]:
    """The session's deliberations and votes, keyed by agenda item id."""
    deliberations = {
        d.item_id: d
        for d in Deliberation.objects.filter(item__session=session).select_related("item")
        if d.item_id is not None
    }
    votes = {v.item_id: v for v in votes_with_names(Vote.objects.filter(item__session=session))}
    return deliberations, votes


def vote_context(vote: Vote) -> dict[str, Any]:
    """The vote as the act states it: mode and figures, « à l'unanimité » or the counts, the
    names of a roll call, and who took no part."""
    outcome = VoteOutcome(
        voters=vote.voters,
        for_=vote.votes_for,
        against=vote.votes_against,
        abstain=vote.abstentions,
        blank=vote.blank,
        expressed=vote.expressed,
        result="adopted" if vote.result == Vote.Result.ADOPTED else "rejected",
        unanimous=vote.unanimous,
        casting_vote=vote.casting_vote,
    )
    try:
        phrase = result_phrase(outcome)
    except VoteError:
        phrase = ""
    adopted = vote.result == Vote.Result.ADOPTED
    not_voting = [m.person for m in vote.not_voting.all()]
    named = list(vote.named_votes.all())
    return {
        "phrase": phrase,
        "phrase_cap": w.capfirst(phrase),
        "adopted": adopted,
        "label": w.result_label(adopted, phrase),
        "ballot": w.capfirst(w.vote_mode(vote.ballot)),
        # CGCT L2121-15: the PV states the figures, « à l'unanimité » only beside them.
        "figures": w.vote_figures(
            ballot=vote.ballot,
            voters=vote.voters,
            for_=vote.votes_for,
            against=vote.votes_against,
            abstain=vote.abstentions,
            blank=vote.blank,
        ),
        "not_voting": w.not_voting_phrase(not_voting, vote.not_voting_reason),
        "named": [
            {"label": label, "names": w.join_words(n.mandate.person.full_name for n in group)}
            for choice, label in NAMED_GROUPS
            if (group := [n for n in named if n.choice == choice])
        ],
    }
