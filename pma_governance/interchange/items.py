"""The checks of each agenda item of a session document: the PV it adopts, a carried-over
item, a deliberation's ACTES nature and matière, prefecture dates and number (the body's
pattern, once in the document and in the body), and the vote: who may vote, the quorum
for that item (CGCT L2121-17) and the tally (L2121-20, L2121-21), as the pure rule modules
`meetings.roll`, `meetings.quorum`, `deliberations.majority`, `numbering` and `actes` say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from deliberations.actes import MATIERES, NATURES
from deliberations.majority import (
    CHOICE_LABELS,
    Choice,
    Tally,
    VoteError,
    check_given,
    decide,
    tally_from_roll_call,
)
from deliberations.models import Deliberation, Vote
from deliberations.numbering import parse_number
from meetings.models import AgendaItem, Session
from meetings.quorum import QuorumRules, quorum_check, quorum_message
from meetings.roll import ProxyGrant, RollCount, RollEntry, roll_at
from members.models import Body
from pma_governance.interchange.findings import Findings, count, obj, one_of
from pma_governance.interchange.schema import parse_date

ITEM_KINDS = frozenset(AgendaItem.Kind.values)
VOTED_KINDS = frozenset({AgendaItem.Kind.PV_ADOPTION.value, AgendaItem.Kind.DELIBERATION.value})
BALLOTS = frozenset(Vote.Ballot.values)
CHOICES: tuple[Choice, ...] = get_args(Choice)
COUNTS = ("for", "against", "abstain", "blank")


@dataclass(frozen=True)
class ItemContext:
    """What the checks of each item need: the body, its numbering and the session's roll."""

    body: Body | None
    short: str
    pattern: str | None
    date: dt.date | None
    mandates: Mapping[str, Mapping[str, Any]]
    entries: Sequence[RollEntry]
    grants: Sequence[ProxyGrant]
    in_office: int
    rules: QuorumRules
    reconvened: bool
    president: str = ""


def check_item(
    f: Findings, ctx: ItemContext, item: Mapping[str, Any], index: int, numbers: dict[str, int]
) -> None:
    """Every problem of the item at `index`; `numbers` gathers the deliberations' numbers."""
    path = f"$.session.items[{index}]"
    kind = item.get("kind") if one_of(item.get("kind"), ITEM_KINDS) else None
    f.ref(item, "rapporteur", path, ctx.mandates)
    adopted_day = parse_date(item.get("adopts_pv_of"))
    if adopted_day is not None:
        if kind != AgendaItem.Kind.PV_ADOPTION:
            f.add(f"{path}.adopts_pv_of", "seul un point « pv_adoption » adopte un procès-verbal.")
        elif ctx.date is not None and adopted_day >= ctx.date:
            f.add(
                f"{path}.adopts_pv_of", "le procès-verbal adopté est celui d'une séance antérieure."
            )
        elif (
            ctx.body is None or not Session.objects.filter(body=ctx.body, date=adopted_day).exists()
        ):
            f.add(
                f"{path}.adopts_pv_of",
                f"aucune séance du {adopted_day:%d/%m/%Y} n'est connue pour cette assemblée.",
            )
    carried_over = item.get("carried_over") is True
    if carried_over and not ctx.reconvened:
        f.add(f"{path}.carried_over", "seule une séance reconvoquée reprend des points reportés.")
    if kind == AgendaItem.Kind.DELIBERATION:
        _check_act(f, item, path)
    _check_number(f, ctx, item, index, kind, numbers)
    not_voting = f.ids(item.get("not_voting"), f"{path}.not_voting", ctx.mandates)
    if "vote" not in item:
        if not_voting:
            f.add(f"{path}.not_voting", "aucun vote n'est enregistré pour ce point.")
    elif kind not in VOTED_KINDS:
        f.add(f"{path}.vote", "ce point n'est pas soumis au vote.")
    else:
        _check_vote(f, ctx, item, index, not_voting, carried_over=carried_over)


def _check_act(f: Findings, item: Mapping[str, Any], path: str) -> None:
    """A deliberation's ACTES nature and matière, and its prefecture dates."""
    nature = str(item.get("nature", "1"))
    if nature not in NATURES:
        f.add(f"{path}.nature", f"nature ACTES inconnue {nature!r}.")
    matiere = item.get("matiere")
    if not one_of(matiere, MATIERES):
        f.add(f"{path}.matiere", f"matière ACTES inconnue {matiere!r}.")
    prefecture = obj(item.get("prefecture"))
    sent = parse_date(prefecture.get("sent_on"))
    received = parse_date(prefecture.get("received_on"))
    if sent and received and received < sent:
        f.add(f"{path}.prefecture.received_on", "la réception précède l'envoi.")


def _check_number(
    f: Findings,
    ctx: ItemContext,
    item: Mapping[str, Any],
    index: int,
    kind: str | None,
    numbers: dict[str, int],
) -> None:
    """A deliberation's number: the body's pattern, once in the document and in the body."""
    path = f"$.session.items[{index}].number"
    number = item.get("number")
    if number is None:
        if kind == AgendaItem.Kind.DELIBERATION and "vote" in item:
            f.add(path, "une délibération votée porte un numéro.")
        return
    if kind != AgendaItem.Kind.DELIBERATION:
        f.add(path, "seule une délibération porte un numéro.")
    elif not isinstance(number, str) or (
        ctx.pattern is not None and parse_number(ctx.pattern, number, short=ctx.short) is None
    ):
        f.add(path, f"le numéro {number!r} ne suit pas le modèle {ctx.pattern}.")
    elif number in numbers:
        f.add(path, f"le numéro {number} est déjà celui du point {numbers[number] + 1}.")
    else:
        numbers[number] = index
        if ctx.body is not None and ctx.date is not None:
            other = (
                Deliberation.objects.filter(body=ctx.body, number=number)
                .exclude(item__session__date=ctx.date)
                .first()
            )
            if other is not None:
                f.add(
                    path,
                    f"le numéro {number} est déjà attribué à la délibération « {other.title} ».",
                )


def _check_vote(
    f: Findings,
    ctx: ItemContext,
    item: Mapping[str, Any],
    index: int,
    not_voting: Sequence[str],
    *,
    carried_over: bool,
) -> None:
    """A vote: who may vote, the quorum (CGCT L2121-17) and the tally (L2121-20)."""
    path = f"$.session.items[{index}]"
    vote = obj(item.get("vote"))
    ballot = item.get("ballot", vote.get("ballot", "show_of_hands"))
    if not one_of(ballot, BALLOTS):
        return
    try:
        _check_given(vote)
    except VoteError as exc:
        f.add(f"{path}.vote", str(exc))
        return
    position = index + 1
    full = roll_at(ctx.entries, ctx.grants, position)
    without = roll_at(ctx.entries, ctx.grants, position, not_voting=not_voting)
    for vi, mid in enumerate(not_voting):
        if mid not in full.present and mid not in full.represented:
            f.add(f"{path}.not_voting[{vi}]", f"« {mid} » ne siège pas à ce point.")
    if ctx.date is None:
        return  # no date, no members in office to count the quorum from
    try:
        quorum = quorum_check(
            in_office=ctx.in_office,
            present=len(without.present),
            represented=len(without.represented),
            rules=ctx.rules,
            reconvened=ctx.reconvened and carried_over,
        )
    except ValueError as exc:  # more members sit than are in office on that day
        f.add(f"{path}.vote", str(exc))
        return
    if not quorum.met:
        f.add(
            f"{path}.vote",
            f"vote impossible, quorum non atteint : {quorum_message(quorum)} (CGCT L2121-17).",
        )
        return
    tally = _tally(f, ctx, vote, f"{path}.vote", without)
    president_vote = vote.get("president_vote")
    if tally is False or not (president_vote is None or one_of(president_vote, CHOICES)):
        return
    recorded = _roll_call_choice(vote, ctx.president)
    if recorded is not None and president_vote not in (None, recorded):
        f.add(
            f"{path}.vote.president_vote",
            f"le président « {ctx.president} » a voté « {CHOICE_LABELS[recorded]} » à "
            f"l'appel nominal, non « {CHOICE_LABELS[president_vote]} ».",
        )
        return
    # CGCT L2121-20: in a roll call the president's vote is the one by his own name
    president_vote = recorded or president_vote
    try:
        decide(voters=without.voters, tally=tally, ballot=ballot, president_vote=president_vote)
    except VoteError as exc:
        f.add(f"{path}.vote", str(exc))


def _check_given(vote: Mapping[str, Any]) -> None:
    """Contradictory input (unanimity with dissent, counts beside names): VoteError."""
    counts = None
    if any(key in vote for key in COUNTS):
        numbers = [count(vote.get(key, 0)) or 0 for key in COUNTS]
        counts = Tally(*numbers)
    named = None
    if "roll_call" in vote:
        names = obj(vote["roll_call"])
        lengths = [len(v) if isinstance(v, list) else 0 for v in map(names.get, CHOICES)]
        named = Tally(*lengths)
    check_given(unanimous=vote.get("unanimous") is True, counts=counts, named=named)


def _roll_call_choice(vote: Mapping[str, Any], president: str) -> Choice | None:
    """The president's choice by his own name in the roll call, None when not there."""
    names = obj(vote.get("roll_call"))
    for key in CHOICES:
        ids = names.get(key)
        if president and isinstance(ids, list) and president in ids:
            return key
    return None


def _tally(
    f: Findings, ctx: ItemContext, vote: Mapping[str, Any], path: str, eligible: RollCount
) -> Tally | Literal[False] | None:
    """The tally a vote gives: None for unanimity, False when it cannot be read."""
    if vote.get("unanimous") is True:
        return None
    if "roll_call" in vote:
        names = obj(vote["roll_call"])
        lists = {
            key: f.ids(names.get(key), f"{path}.roll_call.{key}", ctx.mandates) for key in CHOICES
        }
        allowed = set(eligible.present) | set(eligible.represented)
        for key, ids in lists.items():
            for vi, mid in enumerate(ids):
                if mid not in allowed:
                    f.add(f"{path}.roll_call.{key}[{vi}]", f"« {mid} » ne peut voter sur ce point.")
        try:
            return tally_from_roll_call(lists["for"], lists["against"], lists["abstain"])
        except VoteError as exc:
            f.add(f"{path}.roll_call", str(exc))
            return False
    counts = [count(vote.get(key, 0)) for key in COUNTS]
    if not any(key in vote for key in COUNTS) or None in counts:
        return False
    for_, against, abstain, blank = (n or 0 for n in counts)
    return Tally(for_=for_, against=against, abstain=abstain, blank=blank)
