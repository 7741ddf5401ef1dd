"""What the room display and the élus' devices show, and the version that says it changed.

The state is the secretariat's (`selectors.live_state`): one roll, one quorum, the same
votes. A live view polls; `session_version` is the one cheap read that decides between
« nothing changed » (304) and a new rendering.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.http import quote_etag

from meetings.deports import deports_by_item
from meetings.facts import item_figures, member_key
from meetings.models import Deport, Session
from meetings.quorum import QuorumResult
from members.models import Mandate
from pma_governance.live.evote import PollView, poll_view
from pma_governance.live.models import SessionScreen
from pma_governance.live.selectors import ItemRow, LiveState, live_state


@dataclass(frozen=True)
class Version:
    """A session's live version and its display token's hash, read in one query."""

    number: int
    token_hash: str
    current_item_id: int | None


def session_version(session_pk: int) -> Version:
    row = (
        SessionScreen.objects.filter(session_id=session_pk)
        .values_list("version", "display_token_hash", "current_item_id")
        .first()
    )
    # No row yet: nothing was recorded since the migration, version 0.
    return Version(*row) if row else Version(0, "", None)


def etag(kind: str, session_pk: int, version: Version, viewer: int | None = None) -> str:
    """The fragment's entity tag: the view, the session, who looks, and the version."""
    who = f"-{viewer}" if viewer is not None else ""
    return quote_etag(f"{kind}-{session_pk}{who}-{version.number}")


@dataclass
class RoomState:
    """The room display's content: the item on screen, the quorum now, the votes taken."""

    live: LiveState
    current: ItemRow | None
    quorum: QuorumResult
    present: int
    represented: int
    # Votes in the order they were recorded; the last one is shown large.
    votes: list[ItemRow]
    # The electronic poll open now, if any (« Vote en cours »).
    poll: PollView | None = None

    @property
    def session(self) -> Session:
        return self.live.session

    @property
    def last_vote(self) -> ItemRow | None:
        return self.votes[-1] if self.votes else None

    @property
    def announcement(self) -> str:
        """One line for the screen readers, read again whenever it changes."""
        parts = []
        if self.current is not None:
            parts.append(f"Point {self.current.item.position} : {self.current.item.title}.")
        if self.poll is not None:
            parts.append(
                f"Vote en cours sur le point {self.poll.poll.item.position} : "
                f"{self.poll.cast} voix exprimées sur {len(self.poll.voices)}."
            )
        last = self.last_vote
        if last is not None and last.vote is not None:
            parts.append(
                f"Point {last.item.position} : {last.vote.get_result_display().lower()}, "
                f"{last.vote.votes_for} pour, {last.vote.votes_against} contre, "
                f"{last.vote.abstentions} abstentions."
            )
        quorum = "atteint" if self.quorum.met else "non atteint"
        parts.append(f"Quorum {quorum} : {self.quorum.counted} sur {self.quorum.threshold}.")
        return " ".join(parts)


def room_state(session: Session, current_item_id: int | None) -> RoomState:
    live = live_state(session)
    current = next((row for row in live.items if row.item.pk == current_item_id), None)
    if current is not None:
        # At the item on screen: arrivals and departures up to it count (CGCT L2121-17).
        figures = item_figures(current.item, live.roll)
        quorum, present, represented = figures.quorum, figures.present, figures.represented
    else:
        quorum = live.quorum
        present, represented = live.quorum.present, live.quorum.represented
    votes = sorted(
        (row for row in live.items if row.vote is not None),
        key=lambda row: (row.vote.recorded_at, row.item.position),  # type: ignore[union-attr]
    )
    return RoomState(
        live=live,
        current=current,
        quorum=quorum,
        present=present,
        represented=represented,
        votes=votes,
        poll=poll_view(session),
    )


@dataclass
class MemberState:
    """An élu's own situation, as his device tells him."""

    mandate: Mandate
    present: bool
    # A suppléant in the room who does not sit: present, but neither counted nor voting.
    suppleant_not_sitting: bool = False
    holds_for: list[str] = field(default_factory=list)
    gave_to: str = ""
    # On the item on screen: his déport (its reason), or his name among the non-participants.
    deported: bool = False
    deport_reason: str = ""


def own_mandate(user_pk: int, session: Session) -> Mandate | None:
    """The user's seat in the session's body on its day (titulaire first), or None."""
    return (
        Mandate.objects.filter(person__user=user_pk, body=session.body_id)
        .filter(start_date__lte=session.date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=session.date))
        .select_related("person")
        .order_by("-role")
        .first()
    )


def member_state(room: RoomState, mandate: Mandate) -> MemberState:
    live = room.live
    key = member_key(mandate)
    position = room.current.item.position if room.current is not None else None
    count = live.roll.count(position)
    row = next((r for r in live.rows if r.mandate.pk == mandate.pk), None)
    state = MemberState(mandate=mandate, present=key in count.present)
    if row is not None:
        state.holds_for = [p.giver.person.full_name for p in row.holds]
        state.gave_to = row.gave.holder.person.full_name if row.gave else ""
        state.suppleant_not_sitting = (
            not state.present
            and not row.is_titulaire
            and row.present_now
            and not (row.attendance is not None and row.attendance.seated)
        )
    if room.current is not None:
        item = room.current.item
        deports: Sequence[Deport] = deports_by_item(live.session).get(item.pk, ())
        own = next((d for d in deports if d.mandate_id == mandate.pk), None)
        vote = room.current.vote
        if own is not None:
            state.deported, state.deport_reason = True, own.reason
        elif vote is not None and any(m.pk == mandate.pk for m in vote.not_voting.all()):
            state.deported, state.deport_reason = True, vote.not_voting_reason
    return state
