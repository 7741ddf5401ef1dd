"""Electronic voting (issue 13): the élus vote from their devices, the secretariat closes.

Rules, and why:

- Who may vote on an item is the roll at that item (`meetings.facts.session_roll`, the
  same count as the hand vote): a member present casts his own voice; a proxy holder casts
  his mandant's voice as a second, separate ballot; a member taking no part (déport) has
  no voice, nor has his mandant through him.
- Every write locks the session row first (as every roll change does), then the poll:
  a voice is written once (unique constraint poll × voice), a second submission of the
  same choice changes nothing, a vote cast as the poll closes is either counted or
  refused, never lost silently.
- Scrutin public: a member may change his vote until the poll is closed; the names go to
  the PV through `NamedVote`. Scrutin secret: the ballot row says only that the voice was
  cast; the choice increments a count that has no voter (`SecretCount`). Without a link a
  vote cannot be changed: in a secret ballot a vote once cast is final, and the device
  says so before it is cast.
- Closing records the vote through `deliberations.services.vote_record`, the hand count's
  own service: quorum, tallies, the president's casting vote are decided there. A voice
  not cast blocks the closing (in French practice a member present who does not vote
  « ne prend pas part au vote », which must be said, not presumed): the secretariat
  enters it for a member without a device, or closes stating that those who did not vote
  take no part — they are then named as non-participants in the vote and the PV.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from deliberations.majority import Choice, Tally
from deliberations.models import Vote
from deliberations.services import vote_record
from meetings.deports import deports_reason
from meetings.facts import SessionRoll, member_key, session_roll
from meetings.models import AgendaItem, Deport, Session
from meetings.selectors import declared_names
from members.models import Mandate
from pma_governance.lib.db import refused_when_frozen
from pma_governance.live.models import ElectronicPoll, PollBallot, SecretCount
from pma_governance.live.services import current_item_set

CHOICES = PollBallot.Choice
MISSING_REASON = "sans vote exprimé au scrutin électronique"


@dataclass(frozen=True)
class Voices:
    """The voices on an item: members present for themselves, mandants through holders."""

    own: frozenset[int]
    # Mandant's mandate id -> his proxy holder's.
    proxies: dict[int, int]
    deported: frozenset[int]

    def caster(self, for_mandate: int) -> int | None:
        """Who casts this voice (the member himself, or his proxy holder); None: nobody."""
        if for_mandate in self.own:
            return for_mandate
        return self.proxies.get(for_mandate)

    @property
    def all(self) -> set[int]:
        return set(self.own) | set(self.proxies)


def item_voices(item: AgendaItem, roll: SessionRoll | None = None) -> Voices:
    """Who may vote on `item`, from the roll at its position, déports left out."""
    roll = roll or session_roll(item.session)
    deported = [
        member_key(m)
        for m in Deport.objects.filter(item=item).values_list("mandate_id", flat=True)
        if member_key(m) in roll.names
    ]
    count = roll.count(item.position, not_voting=deported)
    return Voices(
        own=frozenset(int(k) for k in count.present),
        proxies={int(g): int(h) for g, h in count.represented.items()},
        deported=frozenset(int(k) for k in deported),
    )


def _lock(poll: ElectronicPoll) -> tuple[Session, ElectronicPoll]:
    """The session, then the poll, locked in that order (every roll write's order)."""
    session = (
        Session.objects.select_for_update().select_related("body").get(pk=poll.item.session_id)
    )
    poll = (
        ElectronicPoll.objects.select_for_update()
        .select_related("item__session__body")
        .get(pk=poll.pk)
    )
    return session, poll


def _open_check(poll: ElectronicPoll) -> None:
    if poll.state != ElectronicPoll.State.OPEN:
        raise ValidationError(
            f"Le scrutin sur « {poll.item.title} » est clos : aucun vote n'y est plus reçu."
        )


def open_poll(session: Session) -> ElectronicPoll | None:
    """The session's open poll (one at most), or None."""
    return (
        ElectronicPoll.objects.filter(item__session=session, state=ElectronicPoll.State.OPEN)
        .select_related("item__session__body")
        .first()
    )


@transaction.atomic
def electronic_vote_set(*, session: Session, enabled: bool) -> Session:
    """Turn the session's electronic voting on or off (never while a poll is open)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not enabled and open_poll(session) is not None:
        raise ValidationError(
            "Un scrutin électronique est ouvert : clôturez-le ou annulez-le avant de "
            "désactiver le vote électronique."
        )
    if session.electronic_vote != enabled:
        session.electronic_vote = enabled
        with refused_when_frozen():
            session.save(update_fields=["electronic_vote"])
    return session


@transaction.atomic
def poll_open(*, item: AgendaItem, mode: str, opened_by: User | None = None) -> ElectronicPoll:
    """Open the electronic vote on `item`; the room display and the devices show it."""
    session = Session.objects.select_for_update().select_related("body").get(pk=item.session_id)
    item = AgendaItem.objects.select_related("session__body").get(pk=item.pk)
    if not session.electronic_vote:
        raise ValidationError(
            "Le vote électronique n'est pas activé pour cette séance : activez-le d'abord "
            "sur l'écran de séance."
        )
    if session.facts_frozen_at is not None:
        raise ValidationError(
            "Les faits de la séance sont figés (procès-verbal ou délibération signés) : "
            "aucun scrutin ne peut y être ouvert."
        )
    if mode not in ElectronicPoll.Mode.values:
        raise ValidationError(
            f"Mode de scrutin inconnu « {mode} » : scrutin public ou scrutin secret."
        )
    if not item.is_voted:
        raise ValidationError(f"Le point « {item.title} » n'est pas soumis au vote.")
    if Vote.objects.filter(item=item).exists():
        raise ValidationError(f"Le vote sur « {item.title} » est déjà enregistré.")
    current = open_poll(session)
    if current is not None:
        raise ValidationError(
            f"Un scrutin est déjà ouvert sur le point {current.item.position} "
            f"« {current.item.title} » : clôturez-le ou annulez-le d'abord."
        )
    if declared := declared_names(session):
        raise ValidationError(
            f"Confirmez l'appel ({', '.join(declared)}) avant d'ouvrir un scrutin : "
            "le vote ne pourrait être enregistré."
        )
    poll = ElectronicPoll.objects.create(
        item=item,
        mode=mode,
        opened_by=opened_by,
    )
    if mode == ElectronicPoll.Mode.SECRET:
        SecretCount.objects.bulk_create(SecretCount(poll=poll, choice=c) for c in CHOICES.values)
    # The devices follow the item being voted on.
    current_item_set(session=session, item=item)
    return poll


@transaction.atomic
def ballot_cast(
    *,
    poll: ElectronicPoll,
    voter: Mandate,
    for_mandate: Mandate,
    choice: str,
    by_secretariat: bool = False,
) -> PollBallot:
    """Cast (or, in a scrutin public, change) the voice of `for_mandate` in `poll`.

    `voter` is the member at the device: `for_mandate` himself, or the member holding his
    pouvoir. With `by_secretariat` the secretariat enters the voice of a member without
    a device; the caster is then whoever holds that voice.
    """
    _, poll = _lock(poll)
    _open_check(poll)
    if choice not in CHOICES.values:
        raise ValidationError("Choisissez « Pour », « Contre » ou « Abstention ».")
    item = poll.item
    voices = item_voices(item)
    name = for_mandate.person.full_name
    caster = voices.caster(for_mandate.pk)
    if for_mandate.pk in voices.deported:
        raise ValidationError(
            f"{name} ne prend pas part au vote sur « {item.title} » (déport) : "
            "aucun vote ne peut être exprimé en son nom."
        )
    if caster is None:
        raise ValidationError(
            f"{name} n'est ni présent ni représenté sur « {item.title} » : "
            "aucun vote ne peut être exprimé en son nom."
        )
    if by_secretariat:
        voter = Mandate.objects.select_related("person").get(pk=caster)
    elif caster != voter.pk:
        if for_mandate.pk == voter.pk:
            raise ValidationError(
                f"Votre pouvoir est confié à un autre membre sur « {item.title} » : "
                "c'est lui qui vote en votre nom."
            )
        raise ValidationError(
            f"Vous ne détenez pas le pouvoir de {name} sur « {item.title} » : "
            "vous ne pouvez voter en son nom."
        )
    existing = PollBallot.objects.select_for_update().filter(poll=poll, for_mandate=for_mandate)
    ballot = existing.first()
    if poll.mode == ElectronicPoll.Mode.SECRET:
        if ballot is not None:
            raise ValidationError(
                f"Au scrutin secret, un vote exprimé ne peut plus être changé : la voix de "
                f"{name} est déjà comptée."
            )
        ballot = PollBallot.objects.create(
            poll=poll,
            voter=voter,
            for_mandate=for_mandate,
            choice="",
            entered_by_secretariat=by_secretariat,
        )
        SecretCount.objects.filter(poll=poll, choice=choice).update(count=F("count") + 1)
        return ballot
    if ballot is None:
        return PollBallot.objects.create(
            poll=poll,
            voter=voter,
            for_mandate=for_mandate,
            choice=choice,
            entered_by_secretariat=by_secretariat,
        )
    if ballot.choice != choice or ballot.voter_id != voter.pk:
        # A change of mind (public only); the same choice again changes nothing.
        ballot.choice, ballot.voter, ballot.entered_by_secretariat = choice, voter, by_secretariat
        ballot.save(update_fields=["choice", "voter", "entered_by_secretariat", "cast_at"])
    return ballot


def _names(ids: Collection[int]) -> str:
    mandates = Mandate.objects.filter(pk__in=ids).select_related("person")
    return ", ".join(sorted(m.person.full_name for m in mandates))


@transaction.atomic
def poll_close(
    *,
    poll: ElectronicPoll,
    missing_not_voting: bool = False,
    president_vote: Choice | None = None,
) -> Vote:
    """Close the poll and record the item's vote with `vote_record` (same rules as by hand).

    Refused while a voice was not cast, unless `missing_not_voting`: those voices are then
    recorded as taking no part in the vote.
    """
    _, poll = _lock(poll)
    _open_check(poll)
    item = poll.item
    voices = item_voices(item)
    ballots = list(poll.ballots.select_related("for_mandate__person"))
    cast = {b.for_mandate_id for b in ballots}
    stale = cast - voices.all
    if stale:
        raise ValidationError(
            f"{_names(stale)} ne peut plus voter sur ce point (départ, pouvoir retiré) alors "
            "que sa voix est déjà exprimée : annulez ce scrutin puis ouvrez-en un nouveau."
        )
    missing = voices.all - cast
    if missing and not missing_not_voting:
        count = len(missing)
        raise ValidationError(
            f"{count} voix non exprimée{'s' if count > 1 else ''} ({_names(missing)}) : "
            "saisissez-les, ou clôturez en indiquant que ces membres ne prennent pas part "
            "au vote."
        )
    holders = {voices.proxies[g] for g in cast & set(voices.proxies)} & missing
    if holders:
        # A member taking no part takes his mandants' voices with him (the roll's rule).
        raise ValidationError(
            f"{_names(holders)} a voté au nom d'un mandant sans exprimer sa propre voix : "
            "saisissez-la ; il ne peut être déclaré ne prenant pas part au vote."
        )
    deports = list(
        Deport.objects.filter(item=item, mandate__in=voices.deported).select_related(
            "mandate__person"
        )
    )
    not_voting = [d.mandate for d in deports] + list(
        Mandate.objects.filter(pk__in=missing).select_related("person")
    )
    reason = " ; ".join(
        part
        for part in (
            deports_reason(deports),
            f"{MISSING_REASON} : {_names(missing)}" if missing else "",
        )
        if part
    )
    if poll.mode == ElectronicPoll.Mode.SECRET:
        counts = dict(poll.counts.values_list("choice", "count"))
        vote = vote_record(
            item=item,
            tally=Tally(
                for_=counts.get("for", 0),
                against=counts.get("against", 0),
                abstain=counts.get("abstain", 0),
            ),
            ballot="secret",
            not_voting=not_voting,
            not_voting_reason=reason,
        )
    else:
        roll_call: dict[str, list[Mandate]] = {c: [] for c in CHOICES.values}
        for ballot in ballots:
            roll_call[ballot.choice].append(ballot.for_mandate)
        vote = vote_record(
            item=item,
            roll_call=roll_call,  # type: ignore[arg-type]
            not_voting=not_voting,
            not_voting_reason=reason,
            president_vote=president_vote,
        )
    poll.state, poll.closed_at = ElectronicPoll.State.CLOSED, timezone.now()
    poll.save(update_fields=["state", "closed_at"])
    return vote


@transaction.atomic
def poll_cancel(*, poll: ElectronicPoll) -> ElectronicPoll:
    """Cancel an open poll: its voices are void and deleted; the item may be voted again."""
    _, poll = _lock(poll)
    _open_check(poll)
    poll.ballots.all().delete()
    poll.counts.all().delete()
    poll.state, poll.closed_at = ElectronicPoll.State.CANCELLED, timezone.now()
    poll.save(update_fields=["state", "closed_at"])
    return poll


# --- What the screens show (reads) -------------------------------------------------------


@dataclass(frozen=True)
class VoiceRow:
    """One voice in the open poll: whose, cast by whom, whether and (to its caster) how."""

    for_mandate: Mandate
    caster: Mandate
    cast: bool
    choice: str = ""
    by_secretariat: bool = False

    @property
    def choice_label(self) -> str:
        return CHOICES(self.choice).label if self.choice else ""


def poll_voices(poll: ElectronicPoll) -> list[VoiceRow]:
    """Every voice of the poll with whether it was cast (choices as stored: none if secret)."""
    voices = item_voices(poll.item)
    ids = voices.all
    casters = {v: voices.caster(v) for v in ids}
    wanted = set(ids) | {c for c in casters.values() if c is not None}
    mandates = Mandate.objects.filter(pk__in=wanted).select_related("person").in_bulk()
    ballots = {b.for_mandate_id: b for b in poll.ballots.all()}
    rows = [
        VoiceRow(
            for_mandate=mandates[v],
            caster=mandates[casters[v] or v],
            cast=v in ballots,
            choice=ballots[v].choice if v in ballots else "",
            by_secretariat=v in ballots and ballots[v].entered_by_secretariat,
        )
        for v in ids
    ]
    return sorted(rows, key=lambda r: r.for_mandate.person.full_name)


@dataclass
class PollView:
    """The open poll as a screen shows it: the voices, how many were cast."""

    poll: ElectronicPoll
    voices: list[VoiceRow]

    @property
    def cast(self) -> int:
        return sum(1 for v in self.voices if v.cast)

    @property
    def missing(self) -> list[VoiceRow]:
        return [v for v in self.voices if not v.cast]

    @property
    def choices(self) -> list[tuple[str, str]]:
        return list(CHOICES.choices)

    @property
    def secret(self) -> bool:
        return self.poll.mode == ElectronicPoll.Mode.SECRET

    def held_by(self, mandate: Mandate) -> list[VoiceRow]:
        """The voices `mandate` casts from his device: his own first, then his mandants'."""
        mine = [v for v in self.voices if v.caster.pk == mandate.pk]
        return sorted(mine, key=lambda v: v.for_mandate.pk != mandate.pk)


def poll_view(session: Session) -> PollView | None:
    poll = open_poll(session)
    return PollView(poll=poll, voices=poll_voices(poll)) if poll is not None else None
