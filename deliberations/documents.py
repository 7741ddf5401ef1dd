"""Facts of a deliberation: the extrait du registre, and the acts the PV reproduces in full.

Read-only, in a fixed number of queries. Presence and quorum come from `meetings.facts`,
the vote's wording from `deliberations.majority.result_phrase`, every other phrase from
`pma_governance.lib.wording`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from deliberations.majority import VoteError, VoteOutcome, result_phrase
from deliberations.models import Deliberation, NamedVote, Vote
from meetings.documents import (
    attendance_context,
    doc_meta,
    heading_context,
    load_session,
    rich,
    signatures_context,
)
from meetings.facts import SessionRoll, item_figures, member_key, session_roll
from meetings.models import AgendaItem, Session
from members.models import Mandate
from pma_governance.lib import wording as w

BALLOT_LABELS = {
    Vote.Ballot.ROLL_CALL: "Au scrutin public (appel nominal)",
    Vote.Ballot.SECRET: "Au scrutin secret",
}
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
    """The vote as the act states it: « à l'unanimité » or the counts, and who took no part."""
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
        "ballot": BALLOT_LABELS.get(Vote.Ballot(vote.ballot), ""),
        "not_voting": w.not_voting_phrase(not_voting, vote.not_voting_reason),
        "named": [
            {"label": label, "names": w.join_words(n.mandate.person.full_name for n in group)}
            for choice, label in NAMED_GROUPS
            if (group := [n for n in named if n.choice == choice])
        ],
    }


def dispositif_blocks(text: str) -> list[dict[str, Any]]:
    """The dispositif typed as lines: « - » lines become a list, decisions (AUTORISE…) stand out."""
    blocks: list[dict[str, Any]] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line[:2] in ("- ", "• ", "– "):
            if not blocks or blocks[-1]["kind"] != "list":
                blocks.append({"kind": "list", "items": []})
            blocks[-1]["items"].append(line[2:].strip())
            continue
        verb = line.split(" ", 1)[0]
        blocks.append({"kind": "paragraph", "text": line, "decision": verb.isupper()})
    return blocks


def _visa_text(visa: Any) -> str:
    if isinstance(visa, dict):
        return str(visa.get("text", ""))
    return str(visa)


def act_context(
    deliberation: Deliberation,
    *,
    session: Session,
    item: AgendaItem,
    roll: SessionRoll,
    vote: Vote | None,
) -> dict[str, Any]:
    """The full act: number, title, attendance at its item, visas, considérants, vote, dispositif."""
    body = session.body
    not_voting = [member_key(m) for m in vote.not_voting.all()] if vote is not None else []
    figures = item_figures(item, roll, not_voting)
    vote_facts = vote_context(vote) if vote is not None else None
    number = deliberation.number or ""
    receipt_line = w.prefecture_receipt(
        deliberation.prefecture_received_on, deliberation.prefecture_identifier
    )
    return {
        "number": number,
        "heading": w.deliberation_heading(number) if number else "Projet de délibération",
        "title": deliberation.title,
        "title_upper": w.upper(deliberation.title),
        "attendance": attendance_context(
            session,
            roll,
            position=item.position,
            threshold=figures.quorum.threshold,
            present_or_represented=figures.present + figures.represented,
            reconvened=figures.quorum.reconvened,
        ),
        "visas": [w.visa_line(t) for t in map(_visa_text, deliberation.visas or []) if t.strip()],
        "considerants": rich(deliberation.considerants),
        "debate": rich(item.debate_summary),
        "recourse": w.recourse_mention(body.administrative_court),
        "after_deliberation": w.AFTER_DELIBERATION,
        "vote": vote_facts,
        "rejection": w.rejection_sentence(body.assembly_name)
        if vote_facts is not None and not vote_facts["adopted"]
        else "",
        "dispositif": dispositif_blocks(deliberation.dispositif),
        "done_at": w.done_at(body.seat_city, session.date),
        "receipt": (
            {"line": receipt_line, "identifier": deliberation.prefecture_identifier}
            if receipt_line
            else None
        ),
        "published": (
            f"Publiée le {w.numeric_date(deliberation.published_on)}"
            if deliberation.published_on
            else ""
        ),
    }


def deliberation_context(deliberation: Deliberation | int) -> dict[str, Any]:
    """The extrait du registre des délibérations of one act (DESIGN §5)."""
    pk = deliberation if isinstance(deliberation, int) else deliberation.pk
    act = Deliberation.objects.select_related("item").get(pk=pk)
    item = act.item
    if item is None:
        raise ValueError(
            f"La délibération {act.number or act.title} n'est rattachée à aucune séance."
        )
    session = load_session(item.session_id)
    item.session = session  # item_figures reads the session's body and reconvening
    vote = votes_with_names(Vote.objects.filter(item=item)).first()
    roll = session_roll(session)
    facts = act_context(act, session=session, item=item, roll=roll, vote=vote)
    label = facts["heading"]
    return {
        "doc": doc_meta(session, label, label),
        "heading": heading_context(session),
        "register": "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS",
        "act": facts,
        "signatures": signatures_context(session),
    }
